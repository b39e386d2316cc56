/* The yajl helpers: bounded reads of a whole fd or file (regular files only, no NUL byte), parse
 * errors that name the document, escaped NULs refused, and the typed getters' -ENOENT / -EINVAL.
 * The writer is test_jsongen's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/core/json.h"

/* ---- reads ----------------------------------------------------------------------------------- */

/* A temporary file holding len bytes of 'x'; its fd is positioned at the start, the file unlinked. */
static int tmp_fd_with(size_t len)
{
	char path[] = "/tmp/sriov-hook-test-json-XXXXXX";
	int fd = mkstemp(path);
	char *buf;

	assert_true(fd >= 0);
	unlink(path);
	buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memset(buf, 'x', len);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	free(buf);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static int read_len(size_t len, size_t max, size_t *got, struct sh_error *err)
{
	char *out = NULL;
	int fd = tmp_fd_with(len);
	int r = sh_json_read_fd(fd, max, &out, err);

	close(fd);
	if (r == 0) {
		assert_non_null(out);
		*got = strlen(out); /* NUL-terminated, no NUL inside */
		free(out);
	}
	return r;
}

static void test_read_fd_small_and_empty(void **state)
{
	struct sh_error err = { 0 };
	size_t got = 1;

	(void)state;
	assert_int_equal(read_len(0, 1 << 20, &got, &err), 0);
	assert_int_equal(got, 0);
	assert_int_equal(read_len(10, 1 << 20, &got, &err), 0);
	assert_int_equal(got, 10);
	/* across the growth of the internal buffer */
	assert_int_equal(read_len(100000, 1 << 20, &got, &err), 0);
	assert_int_equal(got, 100000);
}

static void test_read_fd_over_limit(void **state)
{
	struct sh_error err = { 0 };
	size_t got = 0;

	(void)state;
	assert_int_equal(read_len(8193, 8192, &got, &err), -EFBIG);
	assert_int_equal(err.code, EFBIG);
	assert_non_null(strstr(err.msg, "8192"));
	assert_int_equal(read_len((1 << 20) + 1, 1 << 20, &got, &err), -EFBIG);
}

/* "at most max bytes": a document of exactly max bytes is within the limit. */
static void test_read_fd_exactly_max(void **state)
{
	struct sh_error err = { 0 };
	size_t got = 0;
	int r;

	(void)state;
	r = read_len(8192, 8192, &got, &err);
	if (r != 0)
		fail_msg("8192 bytes with max 8192: %d (%s)", r, err.msg);
	assert_int_equal(got, 8192);
}

/* The limit holds for any max, not only for multiples of the internal buffer size. */
static void test_read_fd_limit_not_rounded(void **state)
{
	static const struct {
		size_t len, max;
	} cases[] = {
		{ 100, 10 },
		{ 4096, 100 },
		{ 6000, 5000 },
		{ 20000, 10000 },
	};
	size_t i, got = 0;
	int failures = 0;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = { 0 };
		int r = read_len(cases[i].len, cases[i].max, &got, &err);

		if (r != -EFBIG) {
			print_error("json_read_fd: %zu bytes with max %zu gave %d, want -EFBIG\n", cases[i].len,
				    cases[i].max, r);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_read_fd_bad_fd(void **state)
{
	struct sh_error err = { 0 };
	char *out = NULL;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(sh_json_read_fd(fd, 4096, &out, &err), -EISDIR);
	assert_null(out);
	assert_non_null(strstr(err.msg, "read"));
	close(fd);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/sriov-hook-test-json-XXXXXX";
	struct sh_error err = { 0 };
	char *out = NULL;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"a\":1}", 7), 7);
	close(fd);
	assert_int_equal(sh_json_read_file(path, 4096, &out, &err), 0);
	assert_string_equal(out, "{\"a\":1}");
	free(out);
	out = NULL;
	unlink(path);
	assert_int_equal(sh_json_read_file(path, 4096, &out, &err), -ENOENT);
	assert_int_equal(err.code, ENOENT);
	assert_non_null(strstr(err.msg, path));
	assert_null(out);
}

static void test_read_file_limit_names_file(void **state)
{
	char path[] = "/tmp/sriov-hook-test-json-XXXXXX";
	struct sh_error err = { 0 };
	char *out = NULL;
	char big[8200];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(big, ' ', sizeof(big));
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	assert_int_equal(sh_json_read_file(path, 8192, &out, &err), -EFBIG);
	assert_non_null(strstr(err.msg, path));
	unlink(path);
}

/* A file put where a JSON document is expected may be anything: a FIFO (which would block a reader
 * with no writer forever), a device (/dev/zero never ends), a sparse 1 GiB file, a directory. Each
 * is refused at once, before any byte is read, and the message names the file. */
static void test_read_file_not_regular(void **state)
{
	char dir[] = "/tmp/sriov-hook-test-json-XXXXXX", fifo[64], big[64];
	struct sh_error err = { 0 };
	char *out = NULL;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10); /* a regression blocks in open or read: fail instead of hanging the suite */
	assert_int_equal(sh_json_read_file(fifo, 4096, &out, &err), -EINVAL);
	alarm(0);
	assert_non_null(strstr(err.msg, fifo));
	assert_non_null(strstr(err.msg, "not a regular file (a FIFO)"));
	assert_null(out);

	assert_int_equal(sh_json_read_file("/dev/zero", 4096, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/dev/zero: not a regular file (a character device)"));
	assert_int_equal(sh_json_read_file(dir, 4096, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "(a directory)"));

	/* The size comes from fstat: a 1 GiB sparse file is refused without reading (or allocating). */
	snprintf(big, sizeof(big), "%s/big", dir);
	fd = open(big, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1ll << 30), 0);
	close(fd);
	assert_int_equal(sh_json_read_file(big, 4u << 20, &out, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "1073741824 bytes, more than the 4194304 allowed"));
	assert_null(out);

	unlink(big);
	unlink(fifo);
	rmdir(dir);
}

/* JSON text never holds a raw NUL: yajl would parse what comes before it and ignore the rest. */
static void test_read_nul_byte(void **state)
{
	static const char doc_with_nul[] = "{\"id\":\"abc\"}\0{\"id\":\"other\"}";
	char path[] = "/tmp/sriov-hook-test-json-XXXXXX";
	struct sh_error err = { 0 };
	char *out = NULL;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, doc_with_nul, sizeof(doc_with_nul) - 1), (ssize_t)sizeof(doc_with_nul) - 1);
	assert_int_equal(sh_json_read_file(path, 4096, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "a NUL byte at offset 12"));
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(sh_json_read_fd(fd, 4096, &out, &err), -EINVAL);
	assert_null(out);
	close(fd);
	unlink(path);
}

/* ---- parse ----------------------------------------------------------------------------------- */

/* yajl's tree cuts a string at an escaped NUL ("abc\u0000../x" would read as "abc"): refused in
 * values and keys, at any depth; other escapes are fine. */
static void test_parse_escaped_nul(void **state)
{
	static const char *const bad[] = {
		"{\"id\":\"abc\\u0000../x\"}",
		"{\"id\":\"\\u0000\"}",
		"{\"a\":{\"b\":[1,\"x\\u0000\"]}}",
		"{\"k\\u0000ey\":1}",
		"{\"annotations\":{\"io.sriov.vf\\u0000x\":\"0\"}} /* comment */",
	};
	static const char *const good[] = {
		"{\"id\":\"abc\\u0001\\n\\u00e9\"}",
		"{\"id\":\"\\\\u0000\"}", /* an escaped backslash, then text */
		"/* yajl's tree allows comments */ {\"a\":\"b\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		struct sh_error err = { 0 };
		yajl_val v = (yajl_val)1;

		if (sh_json_parse(bad[i], "my doc", &v, &err) != -EINVAL)
			fail_msg("%s: accepted", bad[i]);
		assert_null(v);
		assert_string_equal(err.msg, "my doc has a string or key with an escaped NUL (\\u0000)");
	}
	for (i = 0; i < SH_ARRAY_SIZE(good); i++) {
		struct sh_error err = { 0 };
		yajl_val v = NULL;

		if (sh_json_parse(good[i], "my doc", &v, &err) != 0)
			fail_msg("%s: %s", good[i], err.msg);
		yajl_tree_free(v);
	}
}

static void test_parse_ok(void **state)
{
	struct sh_error err = { 0 };
	yajl_val v = NULL;

	(void)state;
	assert_int_equal(sh_json_parse("{\"a\": {\"b\": [1, 2]}, \"c\": \"d\"}", "doc", &v, &err), 0);
	assert_non_null(v);
	assert_true(YAJL_IS_OBJECT(v));
	yajl_tree_free(v);
	assert_int_equal(sh_json_parse("  {}  ", "doc", &v, &err), 0);
	yajl_tree_free(v);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} cases[] = {
		{ "", "my doc is not valid JSON" },
		{ "{", "my doc is not valid JSON" },
		{ "{\"a\":}", "my doc is not valid JSON" },
		{ "{\"a\":1,}", "my doc is not valid JSON" },
		{ "{'a':1}", "my doc is not valid JSON" },
		{ "{\"a\":1} x", "my doc is not valid JSON" },
		{ "nul", "my doc is not valid JSON" },
		{ "[]", "my doc is not a JSON object" },
		{ "[{\"a\":1}]", "my doc is not a JSON object" },
		{ "\"str\"", "my doc is not a JSON object" },
		{ "42", "my doc is not a JSON object" },
		{ "null", "my doc is not a JSON object" },
		{ "true", "my doc is not a JSON object" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = { 0 };
		yajl_val v = (yajl_val)1;
		int r = sh_json_parse(cases[i].json, "my doc", &v, &err);

		if (r != -EINVAL)
			fail_msg("sh_json_parse(\"%s\"): want -EINVAL, got %d", cases[i].json, r);
		assert_null(v);
		assert_int_equal(err.code, EINVAL);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("sh_json_parse(\"%s\"): message \"%s\" lacks \"%s\"", cases[i].json, err.msg,
				 cases[i].msg);
		/* one line: yajl's caret display is cut */
		assert_null(strchr(err.msg, '\n'));
	}
}

/* Where a document breaks, as a person counts it: a trailing comma is found at the brace after it. */
static void test_parse_error_position(void **state)
{
	static const struct {
		const char *json;
		unsigned line, column;
	} cases[] = {
		{ "{\"a\":1,}", 1, 8 },
		{ "{\"a\": 1,\n \"b\": 2,\n}\n", 3, 1 },
		{ "{\n  \"a\": tru\n}", 2, 10 },
		{ "{\"a\":", 1, 6 },
		{ "{\"a\":1}\n\nx", 3, 1 },
		{ "", 1, 1 },
	};
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = { 0 };
		unsigned line, column;
		yajl_val v = NULL;

		sh_json_error_position(cases[i].json, &line, &column);
		if (line != cases[i].line || column != cases[i].column)
			fail_msg("\"%s\": want line %u column %u, got %u %u", cases[i].json, cases[i].line,
				 cases[i].column, line, column);
		assert_int_equal(sh_json_parse(cases[i].json, "doc", &v, &err), -EINVAL);
		snprintf(want, sizeof(want), " at line %u, column %u", cases[i].line, cases[i].column);
		assert_non_null(strstr(err.msg, want));
	}
}

/* ---- getters --------------------------------------------------------------------------------- */

static const char doc[] = "{\"s\": \"str\", \"empty\": \"\", \"i\": 42, \"neg\": -7, \"big\": 9007199254740993,"
			  " \"d\": 1.5, \"t\": true, \"f\": false, \"n\": null, \"o\": {\"s\": \"inner\"}, \"a\": [1]}";

static void test_getters(void **state)
{
	struct sh_error err = { 0 };
	yajl_val v;
	const char *s;
	long long i;
	int b;

	(void)state;
	assert_int_equal(sh_json_parse(doc, "doc", &v, &err), 0);

	assert_int_equal(sh_json_get_string(v, "s", &s), 0);
	assert_string_equal(s, "str");
	assert_int_equal(sh_json_get_string(v, "empty", &s), 0);
	assert_string_equal(s, "");
	assert_int_equal(sh_json_get_string(v, "missing", &s), -ENOENT);
	assert_int_equal(sh_json_get_string(v, "i", &s), -EINVAL);
	assert_int_equal(sh_json_get_string(v, "n", &s), -EINVAL);
	assert_int_equal(sh_json_get_string(v, "o", &s), -EINVAL);
	assert_int_equal(sh_json_get_string(v, "a", &s), -EINVAL);
	assert_int_equal(sh_json_get_string(v, "t", &s), -EINVAL);

	assert_int_equal(sh_json_get_int(v, "i", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(sh_json_get_int(v, "neg", &i), 0);
	assert_int_equal(i, -7);
	assert_int_equal(sh_json_get_int(v, "big", &i), 0);
	assert_true(i == 9007199254740993LL);
	assert_int_equal(sh_json_get_int(v, "missing", &i), -ENOENT);
	assert_int_equal(sh_json_get_int(v, "d", &i), -EINVAL);
	assert_int_equal(sh_json_get_int(v, "s", &i), -EINVAL);
	assert_int_equal(sh_json_get_int(v, "t", &i), -EINVAL);
	assert_int_equal(sh_json_get_int(v, "n", &i), -EINVAL);

	assert_int_equal(sh_json_get_bool(v, "t", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(sh_json_get_bool(v, "f", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(sh_json_get_bool(v, "missing", &b), -ENOENT);
	assert_int_equal(sh_json_get_bool(v, "i", &b), -EINVAL);
	assert_int_equal(sh_json_get_bool(v, "s", &b), -EINVAL);
	assert_int_equal(sh_json_get_bool(v, "n", &b), -EINVAL);

	/* json_get looks at the object's own keys only, and at objects only */
	assert_null(sh_json_get(v, "inner"));
	assert_non_null(sh_json_get(sh_json_get(v, "o"), "s"));
	assert_null(sh_json_get(sh_json_get(v, "a"), "s"));
	assert_null(sh_json_get(NULL, "s"));
	assert_int_equal(sh_json_get_string(sh_json_get(v, "a"), "s", &s), -ENOENT);
	yajl_tree_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_fd_small_and_empty),
		cmocka_unit_test(test_read_fd_over_limit),
		cmocka_unit_test(test_read_fd_exactly_max),
		cmocka_unit_test(test_read_fd_limit_not_rounded),
		cmocka_unit_test(test_read_fd_bad_fd),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_file_limit_names_file),
		cmocka_unit_test(test_read_file_not_regular),
		cmocka_unit_test(test_read_nul_byte),
		cmocka_unit_test(test_parse_escaped_nul),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_position),
		cmocka_unit_test(test_getters),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
