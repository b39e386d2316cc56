/* Alternative names through libnl-3's message API, on the loopback device of the test's own
 * namespace (no privilege needed to read): the reply is parsed, and repeated lookups do not leak
 * (each one used to keep a reference to the socket's libnl callbacks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <malloc.h>
#include <net/if.h>
#include <string.h>

#include "sriov-hook/sys/nl.h"

static void test_lookup(void **state)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_error err = { 0 };
	struct sh_altnames alt;

	(void)state;
	assert_int_equal(sh_nl_open(&sk, &err), 0);
	assert_int_equal(sh_link_get_altnames(sk, (int)if_nametoindex("lo"), &alt, &err), 0);
	assert_true(alt.n <= SH_MAX_ALTNAMES);
	/* no such interface: the kernel's ENODEV, with the ifindex in the message */
	assert_int_equal(sh_link_get_altnames(sk, 0x7ffffff0, &alt, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "interface 2147483632"));
}

/* A socket that did a lookup is freed whole: the reference nl_socket_get_cb hands out is put, so
 * the socket's callbacks go with it. A hook run is one socket; 1000 stand for 1000 runs. */
static void lookup_on_new_socket(int ifindex)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_error err = { 0 };
	struct sh_altnames alt;

	assert_int_equal(sh_nl_open(&sk, &err), 0);
	assert_int_equal(sh_link_get_altnames(sk, ifindex, &alt, &err), 0);
	assert_int_equal(sh_link_get_altnames(sk, ifindex, &alt, &err), 0);
}

static void test_no_leak_per_socket(void **state)
{
	int lo = (int)if_nametoindex("lo");
	size_t before, after;
	int i;

	(void)state;
	for (i = 0; i < 10; i++) /* libnl's one-time allocations */
		lookup_on_new_socket(lo);
	before = mallinfo2().uordblks;
	for (i = 0; i < 1000; i++)
		lookup_on_new_socket(lo);
	after = mallinfo2().uordblks;
	/* a struct nl_cb kept per socket would be 1000 x some 200 bytes */
	if (after > before + 16384)
		fail_msg("1000 sockets with lookups grew the heap by %zu bytes", after - before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_no_leak_per_socket),
	};

	return cmocka_run_group_tests_name("altname", tests, NULL, NULL);
}
