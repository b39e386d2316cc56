/* Annotations -> request: every key of the annotation table with valid and invalid values, the
 * contradictory combinations, numbered VF slots, the process.env fallback, and the small parsers
 * (IP, MAC, interface name, PCI address) the request is built from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/annotations.h"
#include "sriov-hook/request.h"

#define MAX_KV 48 /* key, value, key, value, ..., NULL */

/* ---- helpers ------------------------------------------------------------------------------- */

static void build_annotations(const char *const *kv, struct sh_annotations *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; kv[i]; i += 2) {
		assert_non_null(kv[i + 1]);
		assert_int_equal(sh_annotations_add(a, kv[i], kv[i + 1]), 0);
	}
}

/* "10.0.0.2/24" or "fd00::1" -> sh_ip, without going through sh_parse_ip (the code under test). */
static struct sh_ip ip_of(const char *s)
{
	struct sh_ip ip;
	char buf[128];
	char *slash;

	memset(&ip, 0, sizeof(ip));
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		ip.prefix = (unsigned)strtoul(slash + 1, NULL, 10);
	}
	if (inet_pton(AF_INET, buf, &ip.a.v4) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &ip.a.v6) == 1)
		ip.family = AF_INET6;
	else
		fail_msg("test table: bad address %s", s);
	return ip;
}

static void assert_ip_equal(const struct sh_ip *got, const char *want, const char *what)
{
	struct sh_ip w = ip_of(want);

	if (got->family != w.family || got->prefix != w.prefix ||
	    memcmp(&got->a, &w.a, w.family == AF_INET ? sizeof(w.a.v4) : sizeof(w.a.v6)))
		fail_msg("%s: want %s, got family %d prefix %u", what, want, got->family, got->prefix);
}

/* ---- valid annotations ---------------------------------------------------------------------- */

struct valid_case {
	const char *name;
	const char *kv[MAX_KV];
	size_t n; /* VFs in the request */
	/* The first two VFs of the request as they must come out (addresses separately). */
	struct sh_vf_request want[2];
	const char *addrs[2][SH_MAX_ADDRS + 1];
	const char *gws[2][SH_MAX_GATEWAYS + 1];
};

#define PF0 "io.sriov.pf", "ens1f0"
#define VF0 "io.sriov.vf", "0"
#define BASE PF0, VF0
#define WANT_BASE .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 0
#define K(k) SH_KNOB_BIT(SH_KNOB_##k)

static const struct valid_case valid_cases[] = {
	{ "minimal", { BASE, NULL }, 1, { { WANT_BASE } }, {{0}}, {{0}} },
	{ "vf index", { PF0, "io.sriov.vf", "7", NULL }, 1, { { .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 7 } },
	  {{0}}, {{0}} },
	{ "vf index max", { PF0, "io.sriov.vf", "65535", NULL }, 1,
	  { { .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 65535 } }, {{0}}, {{0}} },
	{ "vf auto", { PF0, "io.sriov.vf", "auto", NULL }, 1, { { .pf = "ens1f0", .select = SH_VF_AUTO } }, {{0}},
	  {{0}} },
	{ "vf pci without pf", { "io.sriov.vf", "0000:3b:02.1", NULL }, 1,
	  { { .pf = "", .select = SH_VF_PCI, .vf_pci = "0000:3b:02.1" } }, {{0}}, {{0}} },
	{ "vf pci upper case is lowered", { "io.sriov.vf", "0000:3B:0A.1", NULL }, 1,
	  { { .pf = "", .select = SH_VF_PCI, .vf_pci = "0000:3b:0a.1" } }, {{0}}, {{0}} },
	{ "vf pci with pf", { PF0, "io.sriov.vf", "0000:3b:02.1", NULL }, 1,
	  { { .pf = "ens1f0", .select = SH_VF_PCI, .vf_pci = "0000:3b:02.1" } }, {{0}}, {{0}} },
	{ "pf by pci", { "io.sriov.pf", "0000:3b:00.0", VF0, NULL }, 1,
	  { { .pf = "0000:3b:00.0", .select = SH_VF_INDEX } }, {{0}}, {{0}} },
	{ "ifname", { BASE, "io.sriov.ifname", "net5", NULL }, 1, { { WANT_BASE, .ifname = "net5" } }, {{0}}, {{0}} },
	{ "ifname 15 chars", { BASE, "io.sriov.ifname", "abcdefghijklmno", NULL }, 1,
	  { { WANT_BASE, .ifname = "abcdefghijklmno" } }, {{0}}, {{0}} },
	{ "mac", { BASE, "io.sriov.mac", "02:00:00:00:00:01", NULL }, 1,
	  { { WANT_BASE, .knobs = K(MAC), .cfg = { .mac = { 2, 0, 0, 0, 0, 1 } } } }, {{0}}, {{0}} },
	{ "mac upper case", { BASE, "io.sriov.mac", "0A:BC:DE:F0:12:34", NULL }, 1,
	  { { WANT_BASE, .knobs = K(MAC), .cfg = { .mac = { 0x0a, 0xbc, 0xde, 0xf0, 0x12, 0x34 } } } }, {{0}}, {{0}} },
	{ "vlan defaults to 802.1Q", { BASE, "io.sriov.vlan", "100", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan = true, .cfg = { .vlan = 100, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}} },
	{ "vlan 0", { BASE, "io.sriov.vlan", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan = true, .cfg = { .vlan = 0, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}} },
	{ "vlan 4095", { BASE, "io.sriov.vlan", "4095", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan = true, .cfg = { .vlan = 4095, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}} },
	{ "vlan qos 802.1ad", { BASE, "io.sriov.vlan", "10", "io.sriov.qos", "7", "io.sriov.vlan_proto", "802.1ad", NULL },
	  1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan = true, .has_qos = true, .has_vlan_proto = true,
	      .cfg = { .vlan = 10, .qos = 7, .vlan_proto = ETH_P_8021AD } } },
	  {{0}}, {{0}} },
	{ "vlan_proto any case", { BASE, "io.sriov.vlan", "10", "io.sriov.vlan_proto", "802.1q", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan = true, .has_vlan_proto = true,
	      .cfg = { .vlan = 10, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}} },
	{ "vlan_proto 802.1Q alone", { BASE, "io.sriov.vlan_proto", "802.1Q", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_vlan_proto = true, .cfg = { .vlan_proto = ETH_P_8021Q } } }, {{0}},
	  {{0}} },
	{ "qos 0 without vlan", { BASE, "io.sriov.qos", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .has_qos = true } }, {{0}}, {{0}} },
	{ "spoofchk on", { BASE, "io.sriov.spoofchk", "on", NULL }, 1,
	  { { WANT_BASE, .knobs = K(SPOOFCHK), .cfg = { .spoofchk = 1 } } }, {{0}}, {{0}} },
	{ "spoofchk off", { BASE, "io.sriov.spoofchk", "off", NULL }, 1,
	  { { WANT_BASE, .knobs = K(SPOOFCHK), .cfg = { .spoofchk = 0 } } }, {{0}}, {{0}} },
	{ "trust on", { BASE, "io.sriov.trust", "on", NULL }, 1,
	  { { WANT_BASE, .knobs = K(TRUST), .cfg = { .trust = 1 } } }, {{0}}, {{0}} },
	{ "trust off", { BASE, "io.sriov.trust", "off", NULL }, 1, { { WANT_BASE, .knobs = K(TRUST) } }, {{0}},
	  {{0}} },
	{ "link_state auto", { BASE, "io.sriov.link_state", "auto", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_AUTO } } }, {{0}}, {{0}} },
	{ "link_state enable", { BASE, "io.sriov.link_state", "enable", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_ENABLE } } }, {{0}},
	  {{0}} },
	{ "link_state disable", { BASE, "io.sriov.link_state", "disable", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_DISABLE } } }, {{0}},
	  {{0}} },
	{ "rates", { BASE, "io.sriov.min_tx_rate", "100", "io.sriov.max_tx_rate", "1000", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .has_min_tx_rate = true, .has_max_tx_rate = true,
	      .cfg = { .min_tx_rate = 100, .max_tx_rate = 1000 } } },
	  {{0}}, {{0}} },
	{ "min = max", { BASE, "io.sriov.min_tx_rate", "500", "io.sriov.max_tx_rate", "500", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .has_min_tx_rate = true, .has_max_tx_rate = true,
	      .cfg = { .min_tx_rate = 500, .max_tx_rate = 500 } } },
	  {{0}}, {{0}} },
	{ "min only", { BASE, "io.sriov.min_tx_rate", "100", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .has_min_tx_rate = true, .cfg = { .min_tx_rate = 100 } } }, {{0}}, {{0}} },
	{ "max only, largest", { BASE, "io.sriov.max_tx_rate", "4294967295", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .has_max_tx_rate = true, .cfg = { .max_tx_rate = 4294967295u } } }, {{0}},
	  {{0}} },
	/* max 0 means "no limit" (as ip link): any min goes with it */
	{ "max 0 is unlimited", { BASE, "io.sriov.min_tx_rate", "100", "io.sriov.max_tx_rate", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .has_min_tx_rate = true, .has_max_tx_rate = true,
	      .cfg = { .min_tx_rate = 100 } } },
	  {{0}}, {{0}} },
	{ "mtu 68", { BASE, "io.sriov.mtu", "68", NULL }, 1, { { WANT_BASE, .mtu = 68 } }, {{0}}, {{0}} },
	{ "mtu 9000", { BASE, "io.sriov.mtu", "9000", NULL }, 1, { { WANT_BASE, .mtu = 9000 } }, {{0}}, {{0}} },
	{ "mtu 65535", { BASE, "io.sriov.mtu", "65535", NULL }, 1, { { WANT_BASE, .mtu = 65535 } }, {{0}}, {{0}} },
	{ "ip v4", { BASE, "io.sriov.ip", "10.100.0.10/24", NULL }, 1, { { WANT_BASE, .n_addrs = 1 } },
	  { { "10.100.0.10/24" } }, {{0}} },
	{ "ip v4 and v6 with spaces", { BASE, "io.sriov.ip", " 10.0.0.2/24 , fd00::2/64,192.168.1.5/32", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 3 } }, { { "10.0.0.2/24", "fd00::2/64", "192.168.1.5/32" } }, {{0}} },
	{ "ip prefix bounds", { BASE, "io.sriov.ip", "10.0.0.2/0,fd00::2/128", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2 } }, { { "10.0.0.2/0", "fd00::2/128" } }, {{0}} },
	{ "ip 16 entries",
	  { BASE, "io.sriov.ip",
	    "10.0.0.1/24,10.0.0.2/24,10.0.0.3/24,10.0.0.4/24,10.0.0.5/24,10.0.0.6/24,10.0.0.7/24,10.0.0.8/24,"
	    "10.0.0.9/24,10.0.0.10/24,10.0.0.11/24,10.0.0.12/24,10.0.0.13/24,10.0.0.14/24,10.0.0.15/24,10.0.0.16/24",
	    NULL },
	  1, { { WANT_BASE, .n_addrs = 16 } },
	  { { "10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24", "10.0.0.4/24", "10.0.0.5/24", "10.0.0.6/24", "10.0.0.7/24",
	      "10.0.0.8/24", "10.0.0.9/24", "10.0.0.10/24", "10.0.0.11/24", "10.0.0.12/24", "10.0.0.13/24",
	      "10.0.0.14/24", "10.0.0.15/24", "10.0.0.16/24" } },
	  {{0}} },
	{ "gateway v4", { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.0.1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "10.0.0.2/24" } }, { { "10.0.0.1" } } },
	{ "gateway in a non-octet subnet", { BASE, "io.sriov.ip", "10.0.0.130/25", "io.sriov.gateway", "10.0.0.254", NULL },
	  1, { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "10.0.0.130/25" } }, { { "10.0.0.254" } } },
	{ "gateway v4 and v6",
	  { BASE, "io.sriov.ip", "10.0.0.2/24,fd00::2/64", "io.sriov.gateway", "10.0.0.1, fd00::1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2, .n_gateways = 2 } }, { { "10.0.0.2/24", "fd00::2/64" } },
	  { { "10.0.0.1", "fd00::1" } } },
	{ "gateway in the second address's subnet",
	  { BASE, "io.sriov.ip", "10.0.0.2/24,192.168.7.2/24", "io.sriov.gateway", "192.168.7.1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2, .n_gateways = 1 } }, { { "10.0.0.2/24", "192.168.7.2/24" } },
	  { { "192.168.7.1" } } },
	/* an IPv6 link-local next hop is on-link whatever the prefixes */
	{ "gateway v6 link-local", { BASE, "io.sriov.ip", "fd00::2/64", "io.sriov.gateway", "fe80::1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "fd00::2/64" } }, { { "fe80::1" } } },
	{ "every key",
	  { "io.sriov.pf", "0000:3b:00.0", "io.sriov.vf", "auto", "io.sriov.ifname", "sriov0", "io.sriov.mac",
	    "02:11:22:33:44:55", "io.sriov.vlan", "42", "io.sriov.qos", "3", "io.sriov.vlan_proto", "802.1Q",
	    "io.sriov.spoofchk", "off", "io.sriov.trust", "on", "io.sriov.link_state", "enable", "io.sriov.min_tx_rate",
	    "10", "io.sriov.max_tx_rate", "20", "io.sriov.mtu", "1400", "io.sriov.ip", "10.1.0.5/16,fd01::5/64",
	    "io.sriov.gateway", "fd01::1,10.1.255.254", NULL },
	  1,
	  { { .pf = "0000:3b:00.0", .select = SH_VF_AUTO, .ifname = "sriov0",
	      .knobs = K(MAC) | K(VLAN) | K(SPOOFCHK) | K(TRUST) | K(LINK_STATE) | K(RATE), .has_vlan = true,
	      .has_qos = true, .has_vlan_proto = true, .has_min_tx_rate = true, .has_max_tx_rate = true,
	      .cfg = { .mac = { 2, 0x11, 0x22, 0x33, 0x44, 0x55 }, .vlan = 42, .qos = 3, .vlan_proto = ETH_P_8021Q,
		       .spoofchk = 0, .trust = 1, .link_state = IFLA_VF_LINK_STATE_ENABLE, .min_tx_rate = 10,
		       .max_tx_rate = 20 },
	      .mtu = 1400, .n_addrs = 2, .n_gateways = 2 } },
	  { { "10.1.0.5/16", "fd01::5/64" } }, { { "fd01::1", "10.1.255.254" } } },
	/* numbered slots: io.sriov.<N>.<key>, in slot order; each slot's settings stay its own */
	{ "slot 0 and slot 1",
	  { "io.sriov.1.pf", "ens2f0", "io.sriov.1.vf", "auto", "io.sriov.1.vlan", "7", BASE, "io.sriov.mtu", "9000",
	    NULL },
	  2,
	  { { WANT_BASE, .mtu = 9000 },
	    { .pf = "ens2f0", .select = SH_VF_AUTO, .knobs = K(VLAN), .has_vlan = true,
	      .cfg = { .vlan = 7, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}} },
	{ "slot 7 only", { "io.sriov.7.vf", "0000:5e:00.3", "io.sriov.7.ifname", "net7", NULL }, 1,
	  { { .select = SH_VF_PCI, .vf_pci = "0000:5e:00.3", .ifname = "net7" } }, {{0}}, {{0}} },
	{ "slots 3 and 5 with addresses",
	  { "io.sriov.5.pf", "p5", "io.sriov.5.vf", "5", "io.sriov.5.ip", "10.5.0.2/24", "io.sriov.5.gateway",
	    "10.5.0.1", "io.sriov.3.pf", "p3", "io.sriov.3.vf", "3", "io.sriov.3.ip", "fd03::2/64", NULL },
	  2,
	  { { .pf = "p3", .select = SH_VF_INDEX, .vf_index = 3, .n_addrs = 1 },
	    { .pf = "p5", .select = SH_VF_INDEX, .vf_index = 5, .n_addrs = 1, .n_gateways = 1 } },
	  { { "fd03::2/64" }, { "10.5.0.2/24" } }, { { 0 }, { "10.5.0.1" } } },
	{ "other annotations are ignored",
	  { "org.opencontainers.image.title", "x", BASE, "io.sriovx.pf", "bogus", "io.kubernetes.cri.container-type",
	    "sandbox", "IO.SRIOV.vlan", "bogus", "sriov.vlan", "bogus", NULL },
	  1, { { WANT_BASE } }, {{0}}, {{0}} },
};

static void check_vf(const struct sh_vf_request *got, const struct sh_vf_request *want, const char *const *addrs,
		     const char *const *gws)
{
	size_t i;

	assert_string_equal(got->pf, want->pf);
	assert_int_equal(got->select, want->select);
	if (want->select == SH_VF_INDEX)
		assert_int_equal(got->vf_index, want->vf_index);
	if (want->select == SH_VF_PCI)
		assert_string_equal(got->vf_pci, want->vf_pci);
	assert_string_equal(got->ifname, want->ifname);
	assert_int_equal(got->knobs, want->knobs);
	assert_int_equal(got->has_vlan, want->has_vlan);
	assert_int_equal(got->has_qos, want->has_qos);
	assert_int_equal(got->has_vlan_proto, want->has_vlan_proto);
	assert_int_equal(got->has_min_tx_rate, want->has_min_tx_rate);
	assert_int_equal(got->has_max_tx_rate, want->has_max_tx_rate);
	if (want->knobs & K(MAC))
		assert_memory_equal(got->cfg.mac, want->cfg.mac, 6);
	assert_int_equal(got->cfg.vlan, want->cfg.vlan);
	assert_int_equal(got->cfg.qos, want->cfg.qos);
	assert_int_equal(got->cfg.vlan_proto, want->cfg.vlan_proto);
	assert_int_equal(got->cfg.spoofchk, want->cfg.spoofchk);
	assert_int_equal(got->cfg.trust, want->cfg.trust);
	assert_int_equal(got->cfg.link_state, want->cfg.link_state);
	assert_int_equal(got->cfg.min_tx_rate, want->cfg.min_tx_rate);
	assert_int_equal(got->cfg.max_tx_rate, want->cfg.max_tx_rate);
	assert_int_equal(got->mtu, want->mtu);
	assert_int_equal(got->n_addrs, want->n_addrs);
	for (i = 0; i < want->n_addrs; i++)
		assert_ip_equal(&got->addrs[i], addrs[i], "address");
	assert_int_equal(got->n_gateways, want->n_gateways);
	for (i = 0; i < want->n_gateways; i++)
		assert_ip_equal(&got->gateways[i], gws[i], "gateway");
}

static void test_valid_annotations(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(valid_cases); i++) {
		const struct valid_case *c = &valid_cases[i];
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };
		int r;

		build_annotations(c->kv, &a);
		r = sh_request_from_annotations(&a, &req, &err);
		if (r != 0)
			fail_msg("%s: unexpected error %d: %s", c->name, r, err.msg);
		assert_int_equal(req.n, c->n);
		for (j = 0; j < c->n && j < 2; j++)
			check_vf(&req.vf[j], &c->want[j], c->addrs[j], c->gws[j]);
		sh_annotations_free(&a);
	}
}

static void test_no_sriov_annotations(void **state)
{
	static const char *const kv[] = { "org.opencontainers.image.title", "x", "io.sriovpf", "y", "sriov.vf", "1",
					  NULL };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	memset(&req, 0xa5, sizeof(req));
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
	assert_int_equal(req.n, 0);
	build_annotations(kv, &a);
	memset(&req, 0xa5, sizeof(req));
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
	assert_int_equal(req.n, 0);
	sh_annotations_free(&a);
}

/* ---- invalid annotations -------------------------------------------------------------------- */

struct invalid_case {
	const char *kv[MAX_KV];
	const char *msg;  /* the key the message must name */
	const char *msg2; /* and, when set, this too (what is accepted, the offending value) */
};

static const struct invalid_case invalid_cases[] = {
	/* vf */
	{ { PF0, "io.sriov.vf", "-1", NULL }, "io.sriov.vf", "VF index" },
	{ { PF0, "io.sriov.vf", "+1", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", " 1", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "1 ", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "0x1", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "65536", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "1.5", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "AUTO", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "auto ", NULL }, "io.sriov.vf", NULL },
	{ { PF0, "io.sriov.vf", "0000:3b:20.0", NULL }, "io.sriov.vf", NULL }, /* device 32 */
	{ { PF0, "io.sriov.vf", "0000:3b:02.8", NULL }, "io.sriov.vf", NULL }, /* function 8 */
	{ { PF0, "io.sriov.vf", "3b:02.1", NULL }, "io.sriov.vf", NULL },      /* no domain */
	{ { PF0, "io.sriov.vf", "99999999999", NULL }, "io.sriov.vf", NULL },
	/* pf */
	{ { "io.sriov.pf", "", VF0, NULL }, "io.sriov.pf", "PF" },
	{ { "io.sriov.pf", "ens/1", VF0, NULL }, "io.sriov.pf", NULL },
	{ { "io.sriov.pf", "ens 1", VF0, NULL }, "io.sriov.pf", NULL },
	{ { "io.sriov.pf", "..", VF0, NULL }, "io.sriov.pf", NULL },
	{ { "io.sriov.pf", "abcdefghijklmnop", VF0, NULL }, "io.sriov.pf", NULL },
	{ { "io.sriov.pf", "0000:3b:00.8", VF0, NULL }, "io.sriov.pf", NULL }, /* neither a name nor a PCI address */
	{ { "io.sriov.pf", "0000:3b:00", VF0, NULL }, "io.sriov.pf", NULL },
	/* ifname */
	{ { BASE, "io.sriov.ifname", "abcdefghijklmnop", NULL }, "io.sriov.ifname", "interface name" },
	{ { BASE, "io.sriov.ifname", "a/b", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "a:b", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "a b", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "eth0\t", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "eth\n0", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", ".", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "..", NULL }, "io.sriov.ifname", NULL },
	{ { BASE, "io.sriov.ifname", "", NULL }, "io.sriov.ifname", NULL },
	/* mac */
	{ { BASE, "io.sriov.mac", "01:00:5e:00:00:01", NULL }, "io.sriov.mac", "unicast" }, /* multicast */
	{ { BASE, "io.sriov.mac", "ff:ff:ff:ff:ff:ff", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "03:00:00:00:00:01", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "00:00:00:00:00:00", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "02:00:00:00:00", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "02:00:00:00:00:01:02", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "02-00-00-00-00-01", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "02:00:00:00:00:0g", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "2:0:0:0:0:1", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", " 2:00:00:00:00:01", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "02:00:00:00:00: 1", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "0200.0000.0001", NULL }, "io.sriov.mac", NULL },
	{ { BASE, "io.sriov.mac", "", NULL }, "io.sriov.mac", NULL },
	/* vlan / qos / vlan_proto */
	{ { BASE, "io.sriov.vlan", "4096", NULL }, "io.sriov.vlan", "0-4095" },
	{ { BASE, "io.sriov.vlan", "-1", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "+5", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", " 5", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "5 ", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "0x10", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "1e3", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "12345678901", NULL }, "io.sriov.vlan", NULL },
	{ { BASE, "io.sriov.vlan", "10", "io.sriov.qos", "8", NULL }, "io.sriov.qos", "0-7" },
	{ { BASE, "io.sriov.vlan", "10", "io.sriov.qos", "-1", NULL }, "io.sriov.qos", NULL },
	{ { BASE, "io.sriov.vlan", "10", "io.sriov.qos", "", NULL }, "io.sriov.qos", NULL },
	{ { BASE, "io.sriov.qos", "3", NULL }, "io.sriov.qos", "io.sriov.vlan" },           /* qos without vlan */
	{ { BASE, "io.sriov.vlan", "0", "io.sriov.qos", "3", NULL }, "io.sriov.qos", "vlan" }, /* vlan 0 = none */
	{ { BASE, "io.sriov.vlan_proto", "802.1x", NULL }, "io.sriov.vlan_proto", "802.1ad" },
	{ { BASE, "io.sriov.vlan_proto", "", NULL }, "io.sriov.vlan_proto", NULL },
	{ { BASE, "io.sriov.vlan_proto", "8021Q", NULL }, "io.sriov.vlan_proto", NULL },
	{ { BASE, "io.sriov.vlan_proto", "802.1Q ", NULL }, "io.sriov.vlan_proto", NULL },
	{ { BASE, "io.sriov.vlan_proto", "802.1ad", NULL }, "io.sriov.vlan_proto", "io.sriov.vlan" },
	{ { BASE, "io.sriov.vlan", "0", "io.sriov.vlan_proto", "802.1ad", NULL }, "io.sriov.vlan_proto", NULL },
	/* spoofchk / trust / link_state */
	{ { BASE, "io.sriov.spoofchk", "yes", NULL }, "io.sriov.spoofchk", "\"on\" or \"off\"" },
	{ { BASE, "io.sriov.spoofchk", "ON", NULL }, "io.sriov.spoofchk", NULL },
	{ { BASE, "io.sriov.spoofchk", "1", NULL }, "io.sriov.spoofchk", NULL },
	{ { BASE, "io.sriov.spoofchk", "", NULL }, "io.sriov.spoofchk", NULL },
	{ { BASE, "io.sriov.trust", "true", NULL }, "io.sriov.trust", "\"on\" or \"off\"" },
	{ { BASE, "io.sriov.trust", "off ", NULL }, "io.sriov.trust", NULL },
	{ { BASE, "io.sriov.link_state", "up", NULL }, "io.sriov.link_state", "\"disable\"" },
	{ { BASE, "io.sriov.link_state", "Enable", NULL }, "io.sriov.link_state", NULL },
	{ { BASE, "io.sriov.link_state", "", NULL }, "io.sriov.link_state", NULL },
	/* rates */
	{ { BASE, "io.sriov.min_tx_rate", "-5", NULL }, "io.sriov.min_tx_rate", "Mbps" },
	{ { BASE, "io.sriov.min_tx_rate", "4294967296", NULL }, "io.sriov.min_tx_rate", NULL },
	{ { BASE, "io.sriov.min_tx_rate", "1.5", NULL }, "io.sriov.min_tx_rate", NULL },
	{ { BASE, "io.sriov.min_tx_rate", "", NULL }, "io.sriov.min_tx_rate", NULL },
	{ { BASE, "io.sriov.max_tx_rate", "abc", NULL }, "io.sriov.max_tx_rate", "Mbps" },
	{ { BASE, "io.sriov.max_tx_rate", "4294967296", NULL }, "io.sriov.max_tx_rate", NULL },
	{ { BASE, "io.sriov.max_tx_rate", "100M", NULL }, "io.sriov.max_tx_rate", NULL },
	{ { BASE, "io.sriov.min_tx_rate", "200", "io.sriov.max_tx_rate", "100", NULL }, "io.sriov.min_tx_rate",
	  "io.sriov.max_tx_rate" },
	/* mtu */
	{ { BASE, "io.sriov.mtu", "67", NULL }, "io.sriov.mtu", "68-65535" },
	{ { BASE, "io.sriov.mtu", "0", NULL }, "io.sriov.mtu", NULL },
	{ { BASE, "io.sriov.mtu", "65536", NULL }, "io.sriov.mtu", NULL },
	{ { BASE, "io.sriov.mtu", "-1500", NULL }, "io.sriov.mtu", NULL },
	{ { BASE, "io.sriov.mtu", "1500 ", NULL }, "io.sriov.mtu", NULL },
	{ { BASE, "io.sriov.mtu", "0x5dc", NULL }, "io.sriov.mtu", NULL },
	{ { BASE, "io.sriov.mtu", "", NULL }, "io.sriov.mtu", NULL },
	/* ip */
	{ { BASE, "io.sriov.ip", "10.0.0.2", NULL }, "io.sriov.ip", "prefix length" },
	{ { BASE, "io.sriov.ip", "10.0.0.2/33", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "fd00::2/129", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.256/24", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/-1", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/+8", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/ 8", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24,bogus", NULL }, "io.sriov.ip", "bogus" },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24/8", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", ",", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", " ", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24,", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", ",10.0.0.2/24", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24,,10.0.0.3/24", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24, ,10.0.0.3/24", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24;10.0.0.3/24", NULL }, "io.sriov.ip", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.0.1,", NULL }, "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip",
	    "10.0.0.1/24,10.0.0.2/24,10.0.0.3/24,10.0.0.4/24,10.0.0.5/24,10.0.0.6/24,10.0.0.7/24,10.0.0.8/24,"
	    "10.0.0.9/24,10.0.0.10/24,10.0.0.11/24,10.0.0.12/24,10.0.0.13/24,10.0.0.14/24,10.0.0.15/24,10.0.0.16/24,"
	    "10.0.0.17/24",
	    NULL },
	  "io.sriov.ip", "more than 16" },
	/* gateway */
	{ { BASE, "io.sriov.gateway", "10.0.0.1", NULL }, "io.sriov.gateway", "10.0.0.1" }, /* no ip at all */
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "fd00::1", NULL }, "io.sriov.gateway", "IPv6" },
	{ { BASE, "io.sriov.ip", "fd00::2/64", "io.sriov.gateway", "10.0.0.1", NULL }, "io.sriov.gateway", "IPv4" },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.1.1", NULL }, "io.sriov.gateway", "10.0.1.1" },
	{ { BASE, "io.sriov.ip", "10.0.0.130/25", "io.sriov.gateway", "10.0.0.1", NULL }, "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip", "fd00::2/64", "io.sriov.gateway", "fd01::1", NULL }, "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.0.1,10.0.0.254", NULL }, "io.sriov.gateway",
	  "more than one IPv4" },
	{ { BASE, "io.sriov.ip", "fd00::2/64", "io.sriov.gateway", "fd00::1,fe80::1", NULL }, "io.sriov.gateway",
	  "more than one IPv6" },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24,fd00::2/64", "io.sriov.gateway", "10.0.0.1,fd00::1,fd00::3", NULL },
	  "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.0.1/24", NULL }, "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "bogus", NULL }, "io.sriov.gateway", NULL },
	{ { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "", NULL }, "io.sriov.gateway", NULL },
	/* keys */
	{ { BASE, "io.sriov.vlanid", "5", NULL }, "io.sriov.vlanid", "known keys" },
	{ { BASE, "io.sriov.Vlan", "5", NULL }, "io.sriov.Vlan", NULL },
	{ { BASE, "io.sriov.", "5", NULL }, "io.sriov.", "unknown" },
	{ { BASE, "io.sriov.1.foo", "5", NULL }, "io.sriov.1.foo", "unknown" },
	{ { BASE, "io.sriov.10.vf", "5", NULL }, "io.sriov.10.vf", NULL },
	{ { BASE, "io.sriov.0.vf", "1", NULL }, "io.sriov.0.vf", "1-7" },
	{ { BASE, "io.sriov.8.vf", "1", NULL }, "io.sriov.8.vf", "1-7" },
	{ { BASE, "io.sriov.9.pf", "x", NULL }, "io.sriov.9.pf", NULL },
	{ { BASE, "io.sriov.1.", "x", NULL }, "io.sriov.1.", NULL },
	/* required keys */
	{ { PF0, NULL }, "io.sriov.vf", "required" },
	{ { PF0, "io.sriov.mtu", "1500", NULL }, "io.sriov.vf", "required" },
	{ { BASE, "io.sriov.2.pf", "ens2f0", NULL }, "io.sriov.2.vf", "required" },
	{ { "io.sriov.vf", "3", NULL }, "io.sriov.pf", "required" },
	{ { "io.sriov.vf", "auto", NULL }, "io.sriov.pf", "required" },
	{ { BASE, "io.sriov.3.vf", "auto", NULL }, "io.sriov.3.pf", "required" },
	/* numbered slots are checked like the first one */
	{ { BASE, "io.sriov.4.pf", "p4", "io.sriov.4.vf", "1", "io.sriov.4.mtu", "20", NULL }, "io.sriov.4.mtu", NULL },
	{ { BASE, "io.sriov.4.pf", "p4", "io.sriov.4.vf", "1", "io.sriov.4.qos", "2", NULL }, "io.sriov.4.qos",
	  "io.sriov.4.vlan" },
	{ { BASE, "io.sriov.6.pf", "p6", "io.sriov.6.vf", "1", "io.sriov.6.gateway", "10.0.0.1", NULL },
	  "io.sriov.6.gateway", NULL },
};

static void test_invalid_annotations(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(invalid_cases); i++) {
		const struct invalid_case *c = &invalid_cases[i];
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };
		char desc[256] = "";
		size_t k;
		int r;

		for (k = 0; c->kv[k]; k += 2)
			snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), " %s=\"%s\"", c->kv[k], c->kv[k + 1]);
		build_annotations(c->kv, &a);
		r = sh_request_from_annotations(&a, &req, &err);
		if (r != -EINVAL)
			fail_msg("case %zu%s: want -EINVAL, got %d", i, desc, r);
		if (err.code != EINVAL)
			fail_msg("case %zu%s: err.code %d", i, desc, err.code);
		if (!strstr(err.msg, c->msg))
			fail_msg("case %zu%s: message \"%s\" does not name %s", i, desc, err.msg, c->msg);
		if (c->msg2 && !strstr(err.msg, c->msg2))
			fail_msg("case %zu%s: message \"%s\" lacks \"%s\"", i, desc, err.msg, c->msg2);
		sh_annotations_free(&a);
	}
}

/* The PCI address accepted as io.sriov.vf / io.sriov.pf must be exactly DDDD:BB:DD.F in hex:
 * sscanf's %x would also take spaces, signs and "0x" inside the fields. */
static void test_vf_pci_strict(void **state)
{
	static const char *const bad[] = {
		"0000: b:00.0", "0000:+b:00.0", "0000:3b:0x.0", "0000:3b:+1.0", "0x00:3b:00.0", "0000:-1:00.0",
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		const char *kv_vf[] = { "io.sriov.vf", bad[i], NULL };
		const char *kv_pf[] = { "io.sriov.pf", bad[i], "io.sriov.vf", "0", NULL };
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };

		build_annotations(kv_vf, &a);
		if (sh_request_from_annotations(&a, &req, &err) != -EINVAL)
			fail_msg("io.sriov.vf=\"%s\" accepted as a VF PCI address (vf_pci \"%s\")", bad[i], req.vf[0].vf_pci);
		sh_annotations_free(&a);
		build_annotations(kv_pf, &a);
		if (sh_request_from_annotations(&a, &req, &err) != -EINVAL)
			fail_msg("io.sriov.pf=\"%s\" accepted as a PF PCI address", bad[i]);
		sh_annotations_free(&a);
	}
}

/* ---- process.env fallback -------------------------------------------------------------------- */

static void test_env_fallback(void **state)
{
	char *env[] = {
		"PATH=/usr/bin",
		"SRIOV_PF=ens1f0",
		"SRIOV_VF=auto",
		"SRIOV_MAX_TX_RATE=100",
		"SRIOV_2_VF=3",
		"SRIOV_2_PF=ens2f0",
		"SRIOV_2_MAX_TX_RATE=50",
		"SRIOV_IP=10.0.0.2/24,fd00::2/64",
		"SRIOV",
		"SRIOV_",
		"SRIOV_=x",
		"XSRIOV_MTU=1500",
		"sriov_mtu=1500",
	};
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_request_env_fallback(&a, env, SH_ARRAY_SIZE(env), &err), 0);
	assert_string_equal(sh_annotations_get(&a, "io.sriov.pf"), "ens1f0");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.vf"), "auto");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.max_tx_rate"), "100");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.2.vf"), "3");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.2.pf"), "ens2f0");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.2.max_tx_rate"), "50"); /* only the slot's '_' is a dot */
	assert_string_equal(sh_annotations_get(&a, "io.sriov.ip"), "10.0.0.2/24,fd00::2/64");
	assert_int_equal(a.n, 7); /* nothing else became an annotation */
	assert_null(sh_annotations_get(&a, "io.sriov.mtu"));

	assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
	assert_int_equal(req.n, 2);
	assert_int_equal(req.vf[0].select, SH_VF_AUTO);
	assert_int_equal(req.vf[0].cfg.max_tx_rate, 100);
	assert_true(req.vf[0].has_max_tx_rate);
	assert_int_equal(req.vf[0].n_addrs, 2);
	assert_string_equal(req.vf[1].pf, "ens2f0");
	assert_int_equal(req.vf[1].vf_index, 3);
	assert_int_equal(req.vf[1].cfg.max_tx_rate, 50);
	sh_annotations_free(&a);
}

static void test_env_fallback_annotations_win(void **state)
{
	char *env[] = { "SRIOV_VF=2", "SRIOV_PF=other", "SRIOV_MTU=9000", "SRIOV_1_VF=5" };
	const char *kv[] = { "io.sriov.pf", "ens1f0", "io.sriov.vf", "1", "io.sriov.1.vf", "auto", NULL };
	struct sh_annotations a;
	struct sh_error err = { 0 };

	(void)state;
	build_annotations(kv, &a);
	assert_int_equal(sh_request_env_fallback(&a, env, SH_ARRAY_SIZE(env), &err), 0);
	assert_string_equal(sh_annotations_get(&a, "io.sriov.vf"), "1");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.pf"), "ens1f0");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.1.vf"), "auto");
	assert_string_equal(sh_annotations_get(&a, "io.sriov.mtu"), "9000"); /* not set by annotation: env fills it */
	assert_int_equal(a.n, 4);
	sh_annotations_free(&a);
}

/* An env entry that is no annotation key is caught by the validation, like an annotation. */
static void test_env_fallback_unknown_key(void **state)
{
	char *env[] = { "SRIOV_PF=ens1f0", "SRIOV_VF=0", "SRIOV_VLANID=5" };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_request_env_fallback(&a, env, SH_ARRAY_SIZE(env), &err), 0);
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "io.sriov.vlanid"));
	sh_annotations_free(&a);
}

/* ---- parsers ---------------------------------------------------------------------------------- */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_annotations),
		cmocka_unit_test(test_no_sriov_annotations),
		cmocka_unit_test(test_invalid_annotations),
		cmocka_unit_test(test_vf_pci_strict),
		cmocka_unit_test(test_env_fallback),
		cmocka_unit_test(test_env_fallback_annotations_win),
		cmocka_unit_test(test_env_fallback_unknown_key),
		cmocka_unit_test(test_parse_ip),
		cmocka_unit_test(test_parse_ip_value),
		cmocka_unit_test(test_format_ip),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_format_mac),
		cmocka_unit_test(test_ifname_valid),
		cmocka_unit_test(test_pci_addr_valid),
		cmocka_unit_test(test_pci_addr_valid_strict),
	};

	return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
