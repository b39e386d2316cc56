/* The JSON writer: yajl's generator behind a status that sticks at the first failure, and one
 * finish that copies the document out or says why there is none. yajl reports a failure on the
 * call that caused it only; checking each call at each site is what the writers used to skip. */
#include "sriov-hook/core/jsongen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sh_jgen_start(struct sh_jgen *j, const char *indent)
{
	j->status = yajl_gen_status_ok;
	j->g = yajl_gen_alloc(NULL);
	if (j->g && indent) {
		yajl_gen_config(j->g, yajl_gen_beautify, 1);
		yajl_gen_config(j->g, yajl_gen_indent_string, indent);
	}
}

void sh_jgen_free(struct sh_jgen *j)
{
	if (j->g)
		yajl_gen_free(j->g);
	j->g = NULL;
}

bool sh_jgen_ok(const struct sh_jgen *j)
{
	return j->g && j->status == yajl_gen_status_ok;
}

/* Runs one generator call unless an earlier one failed, and keeps its failure. */
#define GEN(j, call)                                                                                                   \
	do {                                                                                                           \
		if (sh_jgen_ok(j))                                                                                     \
			(j)->status = (call);                                                                          \
	} while (0)

void sh_jgen_map_open(struct sh_jgen *j)
{
	GEN(j, yajl_gen_map_open(j->g));
}

void sh_jgen_map_close(struct sh_jgen *j)
{
	GEN(j, yajl_gen_map_close(j->g));
}

void sh_jgen_array_open(struct sh_jgen *j)
{
	GEN(j, yajl_gen_array_open(j->g));
}

void sh_jgen_array_close(struct sh_jgen *j)
{
	GEN(j, yajl_gen_array_close(j->g));
}

void sh_jgen_str(struct sh_jgen *j, const char *s)
{
	GEN(j, yajl_gen_string(j->g, (const unsigned char *)s, strlen(s)));
}

void sh_jgen_int(struct sh_jgen *j, long long v)
{
	GEN(j, yajl_gen_integer(j->g, v));
}

void sh_jgen_u64(struct sh_jgen *j, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	sh_jgen_number(j, buf);
}

void sh_jgen_number(struct sh_jgen *j, const char *text)
{
	GEN(j, yajl_gen_number(j->g, text, strlen(text)));
}

void sh_jgen_bool(struct sh_jgen *j, bool v)
{
	GEN(j, yajl_gen_bool(j->g, v));
}

void sh_jgen_null(struct sh_jgen *j)
{
	GEN(j, yajl_gen_null(j->g));
}

void sh_jgen_kv_str(struct sh_jgen *j, const char *key, const char *value)
{
	sh_jgen_str(j, key);
	sh_jgen_str(j, value);
}

void sh_jgen_kv_int(struct sh_jgen *j, const char *key, long long value)
{
	sh_jgen_str(j, key);
	sh_jgen_int(j, value);
}

static const char *status_text(yajl_gen_status s)
{
	switch (s) {
	case yajl_gen_status_ok:
		return "no failure";
	case yajl_gen_keys_must_be_strings:
		return "a key that is not a string";
	case yajl_max_depth_exceeded:
		return "nested too deep";
	case yajl_gen_in_error_state:
		return "the generator is in an error state";
	case yajl_gen_generation_complete:
		return "a value after the complete document";
	case yajl_gen_invalid_number:
		return "a number that is not finite";
	case yajl_gen_no_buf:
		return "no buffer";
	case yajl_gen_invalid_string:
		return "a string that is not UTF-8";
	}
	return "unknown yajl_gen status";
}

int sh_jgen_finish(struct sh_jgen *j, const char *what, char **out, size_t *len, struct sh_error *err)
{
	const unsigned char *buf;
	size_t n;

	*out = NULL;
	if (len)
		*len = 0;
	if (!what)
		what = "JSON";
	if (!j->g)
		return sh_err(err, ENOMEM, "%s: out of memory", what);
	if (j->status == yajl_gen_status_ok)
		j->status = yajl_gen_get_buf(j->g, &buf, &n);
	if (j->status != yajl_gen_status_ok)
		return sh_err(err, EINVAL, "%s: cannot be written: %s", what, status_text(j->status));
	if (!(*out = malloc(n + 1)))
		return sh_err(err, ENOMEM, "%s: out of memory", what);
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	if (len)
		*len = n;
	return 0;
}
