/* yajl helpers: bounded whole-file reads, tree parsing with a clear error, typed getters and a few
 * generator shorthands. */
#include "sriov-hook/json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int sh_json_read_fd(int fd, size_t max, char **out, struct sh_error *err)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1), *nbuf;
	ssize_t n;

	if (!buf)
		return sh_err(err, ENOMEM, "out of memory");
	for (;;) {
		if (len == cap) {
			cap *= 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				free(buf);
				return sh_err(err, ENOMEM, "out of memory");
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return sh_err_errno(err, e, "read");
		}
		if (n == 0)
			break;
		len += n;
		if (len > max) {
			free(buf);
			return sh_err(err, EFBIG, "larger than %zu bytes", max);
		}
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int sh_json_read_file(const char *path, size_t max, char **out, struct sh_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return sh_err_errno(err, errno, "open %s", path);
	if (sh_json_read_fd(fd, max, out, err) < 0)
		return sh_err_ctx(err, "%s", path);
	return 0;
}

int sh_json_parse(const char *buf, const char *what, yajl_val *out, struct sh_error *err)
{
	char ebuf[256];
	char *nl;

	*out = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!*out) {
		/* yajl's message spans lines (with a caret); keep its first line. */
		nl = strchr(ebuf, '\n');
		if (nl)
			*nl = '\0';
		return sh_err(err, EINVAL, "%s is not valid JSON: %s", what, *ebuf ? ebuf : "parse error");
	}
	if (!YAJL_IS_OBJECT(*out)) {
		yajl_tree_free(*out);
		*out = NULL;
		return sh_err(err, EINVAL, "%s is not a JSON object", what);
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

void sh_json_gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void sh_json_gen_kv_str(yajl_gen g, const char *key, const char *value)
{
	sh_json_gen_str(g, key);
	sh_json_gen_str(g, value);
}

void sh_json_gen_kv_int(yajl_gen g, const char *key, long long value)
{
	sh_json_gen_str(g, key);
	yajl_gen_integer(g, value);
}
