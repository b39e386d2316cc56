/* Value types: the strict parsers and formatters of numbers, IP addresses, MACs, interface names
 * and PCI addresses that every layer uses, and the subnet test the gateways are checked with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

static void test_parse_uint(void **state)
{
	static const struct {
		const char *s;
		unsigned long max;
		int ret;
		unsigned long value;
	} cases[] = {
		{ "0", 10, 0, 0 },
		{ "10", 10, 0, 10 },
		{ "007", 10, 0, 7 },
		{ "4294967295", 4294967295ul, 0, 4294967295ul },
		{ "11", 10, -ERANGE, 0 },
		{ "4294967296", 4294967295ul, -ERANGE, 0 },
		{ "99999999999", 4294967295ul, -EINVAL, 0 }, /* more than 10 digits */
		{ "", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "0x1", 10, -EINVAL, 0 },
		{ "1e3", 10000, -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		unsigned long v = 12345;
		int r = sh_parse_uint(cases[i].s, cases[i].max, &v);

		if (r != cases[i].ret)
			fail_msg("sh_parse_uint(\"%s\", %lu): want %d, got %d", cases[i].s, cases[i].max, cases[i].ret, r);
		assert_int_equal(v, r == 0 ? cases[i].value : 12345); /* untouched on error */
	}
}

static void test_parse_ip(void **state)
{
	static const struct {
		const char *s;
		bool cidr;
		int ret;
		int family;
		unsigned prefix;
	} cases[] = {
		{ "10.0.0.1", false, 0, AF_INET, 0 },
		{ "255.255.255.255", false, 0, AF_INET, 0 },
		{ "::1", false, 0, AF_INET6, 0 },
		{ "fe80::1", false, 0, AF_INET6, 0 },
		{ "::ffff:10.0.0.1", false, 0, AF_INET6, 0 },
		{ "10.0.0.1/24", true, 0, AF_INET, 24 },
		{ "10.0.0.1/0", true, 0, AF_INET, 0 },
		{ "10.0.0.1/32", true, 0, AF_INET, 32 },
		{ "fd00::1/128", true, 0, AF_INET6, 128 },
		{ "fd00::1/64", true, 0, AF_INET6, 64 },
		{ "10.0.0.1/24", false, -EINVAL, 0, 0 }, /* a prefix where none belongs */
		{ "10.0.0.1", true, -EINVAL, 0, 0 },     /* none where one is needed */
		{ "10.0.0.1/33", true, -EINVAL, 0, 0 },
		{ "fd00::1/129", true, -EINVAL, 0, 0 },
		{ "10.0.0.1/", true, -EINVAL, 0, 0 },
		{ "10.0.0.1/a", true, -EINVAL, 0, 0 },
		{ "10.0.0.1/-1", true, -EINVAL, 0, 0 },
		{ "10.0.0.1/24/1", true, -EINVAL, 0, 0 },
		{ "10.0.0", false, -EINVAL, 0, 0 },
		{ "10.0.0.1.2", false, -EINVAL, 0, 0 },
		{ "10.0.0.256", false, -EINVAL, 0, 0 },
		{ " 10.0.0.1", false, -EINVAL, 0, 0 },
		{ "10.0.0.1 ", false, -EINVAL, 0, 0 },
		{ "fd00:::1", false, -EINVAL, 0, 0 },
		{ "fd00::1%eth0", false, -EINVAL, 0, 0 },
		{ "", false, -EINVAL, 0, 0 },
		{ "", true, -EINVAL, 0, 0 },
		{ "localhost", false, -EINVAL, 0, 0 },
		{ "0000:0000:0000:0000:0000:ffff:255.255.255.255/128-too-long-to-be-an-address", true, -EINVAL, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_ip ip;
		int r = sh_parse_ip(cases[i].s, cases[i].cidr, &ip);

		if (r != cases[i].ret)
			fail_msg("sh_parse_ip(\"%s\", %d): want %d, got %d", cases[i].s, cases[i].cidr, cases[i].ret, r);
		if (r == 0) {
			assert_int_equal(ip.family, cases[i].family);
			assert_int_equal(ip.prefix, cases[i].prefix);
		}
	}
}

static void test_parse_ip_value(void **state)
{
	struct sh_ip ip;
	struct in6_addr v6;

	(void)state;
	assert_int_equal(sh_parse_ip("192.168.10.20/28", true, &ip), 0);
	assert_int_equal(ntohl(ip.a.v4.s_addr), 0xc0a80a14);
	assert_int_equal(sh_parse_ip("2001:db8::42/48", true, &ip), 0);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::42", &v6), 1);
	assert_memory_equal(&ip.a.v6, &v6, sizeof(v6));
	assert_int_equal(ip.prefix, 48);
}

static void test_format_ip(void **state)
{
	static const struct {
		const char *in;
		bool cidr;
		const char *out;
	} cases[] = {
		{ "10.0.0.1", false, "10.0.0.1" },
		{ "10.0.0.1/24", true, "10.0.0.1/24" },
		{ "fd00:0:0:0:0:0:0:1/64", true, "fd00::1/64" },
		{ "FE80::A", false, "fe80::a" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_ip ip;
		char buf[64];

		assert_int_equal(sh_parse_ip(cases[i].in, cases[i].cidr, &ip), 0);
		assert_ptr_equal(sh_format_ip(&ip, buf, sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_parse_mac(void **state)
{
	static const struct {
		const char *s;
		int ret;
		uint8_t mac[6];
	} cases[] = {
		{ "02:00:00:00:00:01", 0, { 2, 0, 0, 0, 0, 1 } },
		{ "aa:BB:cc:DD:ee:FF", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "ff:ff:ff:ff:ff:ff", 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }, /* syntax only: the caller judges */
		{ "00:00:00:00:00:00", 0, { 0 } },
		{ "02:00:00:00:00", -EINVAL, { 0 } },
		{ "02:00:00:00:00:01:", -EINVAL, { 0 } },
		{ "02:00:00:00:00:01 ", -EINVAL, { 0 } },
		{ "02:00:00:00:00:0 ", -EINVAL, { 0 } },
		{ "02:00:00:00:00: 1", -EINVAL, { 0 } },
		{ "02:00:00:00:00:+1", -EINVAL, { 0 } },
		{ "02:00:00:00:0x:01", -EINVAL, { 0 } },
		{ "02-00-00-00-00-01", -EINVAL, { 0 } },
		{ "02:00:00:00:00:0g", -EINVAL, { 0 } },
		{ "020:00:00:00:00:1", -EINVAL, { 0 } },
		{ "", -EINVAL, { 0 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		uint8_t mac[6];
		int r = sh_parse_mac(cases[i].s, mac);

		if (r != cases[i].ret)
			fail_msg("sh_parse_mac(\"%s\"): want %d, got %d", cases[i].s, cases[i].ret, r);
		if (r == 0)
			assert_memory_equal(mac, cases[i].mac, 6);
	}
}

static void test_format_mac(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0x0c, 0x00, 0xff, 0x1 };
	uint8_t back[6];
	char buf[18];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_ptr_equal(sh_format_mac(mac, buf), buf);
	assert_string_equal(buf, "02:ab:0c:00:ff:01");
	assert_int_equal(sh_parse_mac(buf, back), 0);
	assert_memory_equal(back, mac, 6);
}

static void test_ifname_valid(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "eth0", true },
		{ "net1", true },
		{ "a", true },
		{ "abcdefghijklmno", true }, /* 15: IFNAMSIZ - 1 */
		{ "ens1f0v3", true },
		{ "v-lan_1.5", true },
		{ "...", true },
		{ "abcdefghijklmnop", false }, /* 16 */
		{ "", false },
		{ ".", false },
		{ "..", false },
		{ "a/b", false },
		{ "/", false },
		{ "a:b", false },
		{ "a b", false },
		{ " eth0", false },
		{ "eth0\t", false },
		{ "eth0\n", false },
		{ "eth\x01", false },
		{ "eth\x7f", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++)
		if (sh_ifname_valid(cases[i].name) != cases[i].ok)
			fail_msg("sh_ifname_valid(\"%s\"): want %d", cases[i].name, cases[i].ok);
}

static void test_pci_addr_valid(void **state)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{ "0000:3b:00.0", true },
		{ "0000:3b:1f.7", true },
		{ "ffff:ff:1f.7", true },
		{ "0000:3B:0A.1", true },
		{ "0001:00:02.3", true },
		{ "0000:3b:20.0", false }, /* device < 32 */
		{ "0000:3b:00.8", false }, /* function < 8 */
		{ "3b:00.0", false },
		{ "0000:3b:00.0 ", false },
		{ " 000:3b:00.0", false },
		{ "0000:3b:00:0", false },
		{ "0000.3b:00.0", false },
		{ "0000:3b.00.0", false },
		{ "00000:3b:00.0", false },
		{ "0000:3b:000.0", false },
		{ "000g:3b:00.0", false },
		{ "0000:3b:00.", false },
		{ "", false },
		{ "eth0", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++)
		if (sh_pci_addr_valid(cases[i].s) != cases[i].ok)
			fail_msg("sh_pci_addr_valid(\"%s\"): want %d", cases[i].s, cases[i].ok);
}

/* Each field is exactly its hex digits: no blanks, signs or "0x" that sscanf("%x") would take. */
static void test_pci_addr_valid_strict(void **state)
{
	static const char *const bad[] = {
		"0000: b:00.0", "0000:+b:00.0", "0000:-1:00.0", "0000:3b:0x.0", "0000:3b:+1.0", "0x00:3b:00.0",
		"0000:3b: 1.0",
	};
	size_t i;
	int failures = 0;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		if (sh_pci_addr_valid(bad[i])) {
			print_error("sh_pci_addr_valid(\"%s\") is true\n", bad[i]);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* A PCI address comes out as sysfs spells it, in lower case; an invalid one leaves out alone. */
static void test_parse_pci_addr(void **state)
{
	char out[SH_PCI_LEN];

	(void)state;
	assert_int_equal(sh_parse_pci_addr("0000:3B:0A.1", out), 0);
	assert_string_equal(out, "0000:3b:0a.1");
	assert_int_equal(sh_parse_pci_addr("ffff:ff:1f.7", out), 0);
	assert_string_equal(out, "ffff:ff:1f.7");
	strcpy(out, "unchanged");
	assert_int_equal(sh_parse_pci_addr("0000:3b:20.0", out), -EINVAL);
	assert_int_equal(sh_parse_pci_addr("eth0", out), -EINVAL);
	assert_int_equal(sh_parse_pci_addr("", out), -EINVAL);
	assert_string_equal(out, "unchanged");
}

static void test_mac_is_unicast(void **state)
{
	static const struct {
		uint8_t mac[6];
		bool unicast;
	} cases[] = {
		{ { 0x02, 0, 0, 0, 0, 1 }, true },
		{ { 0x00, 0, 0, 0, 0, 1 }, true },
		{ { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff }, true },
		{ { 0, 0, 0, 0, 0, 0 }, false },		    /* none */
		{ { 0x01, 0x00, 0x5e, 0, 0, 1 }, false },	    /* multicast */
		{ { 0x03, 0, 0, 0, 0, 1 }, false },		    /* multicast, locally administered */
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, false }, /* broadcast */
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++)
		if (sh_mac_is_unicast(cases[i].mac) != cases[i].unicast)
			fail_msg("case %zu: want %d", i, cases[i].unicast);
}

static void test_ip_in_subnet(void **state)
{
	static const struct {
		const char *ip, *cidr;
		bool in;
	} cases[] = {
		{ "10.0.0.1", "10.0.0.2/24", true },
		{ "10.0.1.1", "10.0.0.2/24", false },
		{ "10.0.0.254", "10.0.0.130/25", true },
		{ "10.0.0.1", "10.0.0.130/25", false }, /* the prefix ends inside an octet */
		{ "192.168.7.1", "10.0.0.2/0", true },
		{ "10.0.0.3", "10.0.0.2/32", false },
		{ "10.0.0.2", "10.0.0.2/32", true },
		{ "fd00::1", "fd00::2/64", true },
		{ "fd01::1", "fd00::2/64", false },
		{ "fd00::1", "fd00::2/127", false },
		{ "10.0.0.1", "fd00::2/0", false }, /* another family is never inside */
		{ "::ffff:10.0.0.1", "10.0.0.2/24", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_ip ip, cidr;

		assert_int_equal(sh_parse_ip(cases[i].ip, false, &ip), 0);
		assert_int_equal(sh_parse_ip(cases[i].cidr, true, &cidr), 0);
		if (sh_ip_in_subnet(&ip, &cidr) != cases[i].in)
			fail_msg("%s in %s: want %d", cases[i].ip, cases[i].cidr, cases[i].in);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_ip),
		cmocka_unit_test(test_parse_ip_value),
		cmocka_unit_test(test_format_ip),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_format_mac),
		cmocka_unit_test(test_mac_is_unicast),
		cmocka_unit_test(test_ifname_valid),
		cmocka_unit_test(test_pci_addr_valid),
		cmocka_unit_test(test_pci_addr_valid_strict),
		cmocka_unit_test(test_parse_pci_addr),
		cmocka_unit_test(test_ip_in_subnet),
	};

	return cmocka_run_group_tests_name("types", tests, NULL, NULL);
}
