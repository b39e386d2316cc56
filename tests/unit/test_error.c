/* The error convention: messages are never cut. sh_err_ctx keeps the inner message, which ends
 * with the fix, whole however long it is; only a prefix that leaves it no room is cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sriov-hook/core/error.h"

static void fill(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

/* A short prefix before a long message: both whole (the old code cut the message at 508 bytes). */
static void test_ctx_keeps_long_message(void **state)
{
	static char inner[SH_ERR_MAX];
	struct sh_error err = { 0 };
	size_t n = SH_ERR_MAX - 64;

	(void)state;
	fill(inner, n - 6, 'x');
	strcat(inner, " `fix`");
	assert_int_equal(sh_err(&err, EBUSY, "%s", inner), -EBUSY);
	assert_int_equal(sh_err_ctx(&err, "claim VF %u", 3), -EBUSY);
	assert_int_equal(strlen(err.msg), strlen("claim VF 3: ") + n);
	assert_string_equal(err.msg + strlen("claim VF 3: "), inner);
}

/* Prefix and message together too long: the message stays whole, the prefix is cut with "...". */
static void test_ctx_cuts_prefix_not_message(void **state)
{
	static char inner[SH_ERR_MAX], prefix[SH_ERR_MAX];
	struct sh_error err = { 0 };
	const char *tail;

	(void)state;
	fill(inner, SH_ERR_MAX / 2, 'm');
	fill(prefix, SH_ERR_MAX - 100, 'p');
	sh_err(&err, EINVAL, "%s", inner);
	assert_int_equal(sh_err_ctx(&err, "%s", prefix), -EINVAL);
	assert_int_equal(strlen(err.msg), SH_ERR_MAX - 1);
	tail = err.msg + strlen(err.msg) - strlen(inner);
	assert_string_equal(tail, inner);
	assert_memory_equal(tail - 5, "...: ", 5);

	/* a message that fills the buffer alone: no prefix at all */
	fill(inner, SH_ERR_MAX - 2, 'z');
	sh_err(&err, EINVAL, "%s", inner);
	sh_err_ctx(&err, "prefix");
	assert_string_equal(err.msg, inner);
}

/* Contexts nest outside in, as the top level prints them. */
static void test_ctx_nests(void **state)
{
	struct sh_error err = { 0 };

	(void)state;
	sh_err_errno(&err, ENOENT, "open %s", "/x");
	sh_err_ctx(&err, "read");
	assert_int_equal(sh_err_ctx(&err, "load"), -ENOENT);
	assert_string_equal(err.msg, "load: read: open /x: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_keeps_long_message),
		cmocka_unit_test(test_ctx_cuts_prefix_not_message),
		cmocka_unit_test(test_ctx_nests),
	};

	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
