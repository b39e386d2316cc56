/* The kernel release check: releases as distributions spell them, and the refusal below the
 * oldest supported kernel (one line naming both versions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sriov-hook/sys/kernel.h"

static void test_parse(void **state)
{
	unsigned a, b;

	(void)state;
	assert_int_equal(sh_kernel_release_parse("6.1.0-57-amd64", &a, &b), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 1);
	assert_int_equal(sh_kernel_release_parse("7.2.13+deb14-amd64", &a, &b), 0);
	assert_int_equal(a, 7);
	assert_int_equal(b, 2);
	assert_int_equal(sh_kernel_release_parse("5.10.0-35-amd64", &a, &b), 0);
	assert_int_equal(b, 10);
	assert_int_equal(sh_kernel_release_parse("6.12", &a, &b), 0);
	assert_int_equal(b, 12);
	assert_int_equal(sh_kernel_release_parse("", &a, &b), -EINVAL);
	assert_int_equal(sh_kernel_release_parse("6", &a, &b), -EINVAL);
	assert_int_equal(sh_kernel_release_parse("6.x", &a, &b), -EINVAL);
	assert_int_equal(sh_kernel_release_parse("v6.1", &a, &b), -EINVAL);
	assert_int_equal(sh_kernel_release_parse(NULL, &a, &b), -EINVAL);
}

static void test_supported(void **state)
{
	struct sh_error err = {0};

	(void)state;
	assert_int_equal(sh_kernel_check("5.10.0-35-amd64", &err), 0);
	assert_int_equal(sh_kernel_check("5.15.0-100-generic", &err), 0);
	assert_int_equal(sh_kernel_check("6.1.0-57-amd64", &err), 0);
	assert_int_equal(sh_kernel_check("6.12.48+deb13-amd64", &err), 0);
	assert_int_equal(sh_kernel_check("7.2.13+deb14-amd64", &err), 0);
	assert_int_equal(sh_kernel_check("10.0.0", &err), 0);
}

static void test_refused(void **state)
{
	struct sh_error err = {0};

	(void)state;
	assert_int_equal(sh_kernel_check("5.4.0-150-generic", &err), -ENOTSUP);
	assert_string_equal(err.msg, "kernel 5.4.0-150-generic is older than 5.10, the oldest sriov-hook supports");
	assert_int_equal(sh_kernel_check("4.19.0-27-amd64", &err), -ENOTSUP);
	assert_int_equal(sh_kernel_check("5.9.16", &err), -ENOTSUP);
	assert_int_equal(sh_kernel_check("junk", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "junk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
