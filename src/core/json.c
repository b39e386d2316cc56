/* yajl helpers: bounded whole-file reads, tree parsing with a clear error and typed getters. Every
 * document the hook reads comes through here, so the checks on raw input that yajl's tree does not
 * make (NUL bytes, strings cut at an escaped NUL) live here too. */
#include "sriov-hook/core/json.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "sriov-hook/core/fileio.h"

/* JSON text never holds a NUL byte (outside strings it is not whitespace, inside it must be
 * escaped); yajl would stop reading at it and parse what came before. */
static int refuse_nul_bytes(const char *buf, size_t len, struct sh_error *err)
{
	const char *nul = memchr(buf, '\0', len);

	return nul ? sh_err(err, EINVAL, "a NUL byte at offset %zu", (size_t)(nul - buf)) : 0;
}

int sh_json_read_fd(int fd, size_t max, char **out, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if ((r = sh_read_fd(fd, max, &buf, &len, err)) < 0 || (r = refuse_nul_bytes(buf, len, err)) < 0)
		return r;
	*out = sh_steal_ptr(&buf);
	return 0;
}

int sh_json_read_file(const char *path, size_t max, char **out, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if ((r = sh_read_regular_file(path, max, &buf, &len, err)) < 0)
		return r;
	if ((r = refuse_nul_bytes(buf, len, err)) < 0)
		return sh_err_ctx(err, "%s", path);
	*out = sh_steal_ptr(&buf);
	return 0;
}

/* yajl's tree keeps strings and keys NUL-terminated without their length, so "abc\u0000../x"
 * would reach the hook as "abc". A first pass with the callback parser sees every string with its
 * length and cancels the parse at one that holds a NUL. */
static int string_without_nul(void *ctx, const unsigned char *s, size_t len)
{
	(void)ctx;
	return memchr(s, '\0', len) == NULL;
}

static const yajl_callbacks nul_check = {
	.yajl_string = string_without_nul,
	.yajl_map_key = string_without_nul,
};

static bool has_escaped_nul(const char *buf)
{
	yajl_handle h = yajl_alloc(&nul_check, NULL, NULL);
	yajl_status s;

	if (!h)
		return false;			/* out of memory: the tree parse that follows fails the same way */
	yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse */
	s = yajl_parse(h, (const unsigned char *)buf, strlen(buf));
	if (s == yajl_status_ok)
		s = yajl_complete_parse(h);
	yajl_free(h);
	return s == yajl_status_client_canceled;
}

void sh_json_error_position(const char *buf, unsigned *line, unsigned *column)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	size_t len = strlen(buf), at = len, i;
	yajl_status s;

	if (h) {
		yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse */
		s = yajl_parse(h, (const unsigned char *)buf, len);
		/* yajl has consumed the token it stopped at; a document cut short stops at its end. */
		if (s == yajl_status_error) {
			at = yajl_get_bytes_consumed(h);
			at = at > 0 ? at - 1 : 0;
		}
		yajl_free(h);
	}
	*line = 1;
	*column = 1;
	for (i = 0; i < at; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

int sh_json_parse(const char *buf, const char *what, yajl_val *out, struct sh_error *err)
{
	unsigned line, column;
	char ebuf[256];
	char *nl;

	*out = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!*out) {
		/* yajl's message spans lines (with a caret); keep its first line, and say where. */
		nl = strchr(ebuf, '\n');
		if (nl)
			*nl = '\0';
		sh_json_error_position(buf, &line, &column);
		return sh_err(err, EINVAL, "%s is not valid JSON: %s at line %u, column %u", what,
			      *ebuf ? ebuf : "parse error", line, column);
	}
	if (!YAJL_IS_OBJECT(*out)) {
		yajl_tree_free(*out);
		*out = NULL;
		return sh_err(err, EINVAL, "%s is not a JSON object", what);
	}
	if (has_escaped_nul(buf)) {
		yajl_tree_free(*out);
		*out = NULL;
		return sh_err(err, EINVAL, "%s has a string or key with an escaped NUL (\\u0000)", what);
	}
	return 0;
}

yajl_val sh_json_get(yajl_val obj, const char *key)
{
	size_t i;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (!strcmp(obj->u.object.keys[i], key))
			return obj->u.object.values[i];
	return NULL;
}

int sh_json_get_string(yajl_val obj, const char *key, const char **out)
{
	yajl_val v = sh_json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (!YAJL_IS_STRING(v))
		return -EINVAL;
	*out = YAJL_GET_STRING(v);
	return 0;
}

int sh_json_get_int(yajl_val obj, const char *key, long long *out)
{
	yajl_val v = sh_json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (!YAJL_IS_INTEGER(v))
		return -EINVAL;
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

int sh_json_get_bool(yajl_val obj, const char *key, int *out)
{
	yajl_val v = sh_json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (YAJL_IS_TRUE(v))
		*out = 1;
	else if (YAJL_IS_FALSE(v))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}
