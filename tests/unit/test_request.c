/* Annotations -> request: every key of the annotation table with valid and invalid values, the
 * contradictory combinations, numbered VF slots, the process.env fallback, the desired PF-side
 * state, and the key list as the unknown-key message, --help and the man page show it. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/input/annotations.h"
#include "sriov-hook/input/request.h"
#include "man_tables.h"

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
	const char *given[2]; /* the settings each VF names, by name: "vlan qos" */
};

#define PF0 "io.sriov.pf", "ens1f0"
#define VF0 "io.sriov.vf", "0"
#define BASE PF0, VF0
#define WANT_BASE .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 0
#define K(k) SH_KNOB_BIT(SH_KNOB_##k)

static const struct valid_case valid_cases[] = {
	{ "minimal", { BASE, NULL }, 1, { { WANT_BASE } }, {{0}}, {{0}}, { NULL } },
	{ "vf index", { PF0, "io.sriov.vf", "7", NULL }, 1, { { .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 7 } },
	  {{0}}, {{0}}, { NULL } },
	{ "vf index max", { PF0, "io.sriov.vf", "65535", NULL }, 1,
	  { { .pf = "ens1f0", .select = SH_VF_INDEX, .vf_index = 65535 } }, {{0}}, {{0}}, { NULL } },
	{ "vf auto", { PF0, "io.sriov.vf", "auto", NULL }, 1, { { .pf = "ens1f0", .select = SH_VF_AUTO } }, {{0}},
	  {{0}}, { NULL } },
	{ "vf pci without pf", { "io.sriov.vf", "0000:3b:02.1", NULL }, 1,
	  { { .pf = "", .select = SH_VF_PCI, .vf_pci = "0000:3b:02.1" } }, {{0}}, {{0}}, { NULL } },
	{ "vf pci upper case is lowered", { "io.sriov.vf", "0000:3B:0A.1", NULL }, 1,
	  { { .pf = "", .select = SH_VF_PCI, .vf_pci = "0000:3b:0a.1" } }, {{0}}, {{0}}, { NULL } },
	{ "vf pci with pf", { PF0, "io.sriov.vf", "0000:3b:02.1", NULL }, 1,
	  { { .pf = "ens1f0", .select = SH_VF_PCI, .vf_pci = "0000:3b:02.1" } }, {{0}}, {{0}}, { NULL } },
	{ "pf by pci", { "io.sriov.pf", "0000:3b:00.0", VF0, NULL }, 1,
	  { { .pf = "0000:3b:00.0", .select = SH_VF_INDEX } }, {{0}}, {{0}}, { NULL } },
	{ "ifname", { BASE, "io.sriov.ifname", "net5", NULL }, 1, { { WANT_BASE, .ifname = "net5" } }, {{0}}, {{0}},
	  { NULL } },
	{ "ifname 15 chars", { BASE, "io.sriov.ifname", "abcdefghijklmno", NULL }, 1,
	  { { WANT_BASE, .ifname = "abcdefghijklmno" } }, {{0}}, {{0}}, { NULL } },
	{ "mac", { BASE, "io.sriov.mac", "02:00:00:00:00:01", NULL }, 1,
	  { { WANT_BASE, .knobs = K(MAC), .cfg = { .mac = { 2, 0, 0, 0, 0, 1 } } } }, {{0}}, {{0}}, { "mac" } },
	{ "mac upper case", { BASE, "io.sriov.mac", "0A:BC:DE:F0:12:34", NULL }, 1,
	  { { WANT_BASE, .knobs = K(MAC), .cfg = { .mac = { 0x0a, 0xbc, 0xde, 0xf0, 0x12, 0x34 } } } }, {{0}}, {{0}},
	  { "mac" } },
	/* the request holds what was given; the knob's other settings are sh_vf_request_desired's */
	{ "vlan alone", { BASE, "io.sriov.vlan", "100", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan = 100 } } }, {{0}}, {{0}}, { "vlan" } },
	{ "vlan 0", { BASE, "io.sriov.vlan", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan = 0 } } }, {{0}}, {{0}}, { "vlan" } },
	{ "vlan 4095", { BASE, "io.sriov.vlan", "4095", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan = 4095 } } }, {{0}}, {{0}}, { "vlan" } },
	{ "vlan qos 802.1ad", { BASE, "io.sriov.vlan", "10", "io.sriov.qos", "7", "io.sriov.vlan_proto", "802.1ad", NULL },
	  1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan = 10, .qos = 7, .vlan_proto = ETH_P_8021AD } } },
	  {{0}}, {{0}}, { "vlan qos vlan_proto" } },
	{ "vlan_proto any case", { BASE, "io.sriov.vlan", "10", "io.sriov.vlan_proto", "802.1q", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan = 10, .vlan_proto = ETH_P_8021Q } } },
	  {{0}}, {{0}}, { "vlan vlan_proto" } },
	{ "vlan_proto 802.1Q alone", { BASE, "io.sriov.vlan_proto", "802.1Q", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN), .cfg = { .vlan_proto = ETH_P_8021Q } } }, {{0}},
	  {{0}}, { "vlan_proto" } },
	{ "qos 0 without vlan", { BASE, "io.sriov.qos", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(VLAN) } }, {{0}}, {{0}}, { "qos" } },
	{ "spoofchk on", { BASE, "io.sriov.spoofchk", "on", NULL }, 1,
	  { { WANT_BASE, .knobs = K(SPOOFCHK), .cfg = { .spoofchk = 1 } } }, {{0}}, {{0}}, { "spoofchk" } },
	{ "spoofchk off", { BASE, "io.sriov.spoofchk", "off", NULL }, 1,
	  { { WANT_BASE, .knobs = K(SPOOFCHK), .cfg = { .spoofchk = 0 } } }, {{0}}, {{0}}, { "spoofchk" } },
	{ "trust on", { BASE, "io.sriov.trust", "on", NULL }, 1,
	  { { WANT_BASE, .knobs = K(TRUST), .cfg = { .trust = 1 } } }, {{0}}, {{0}}, { "trust" } },
	{ "trust off", { BASE, "io.sriov.trust", "off", NULL }, 1, { { WANT_BASE, .knobs = K(TRUST) } }, {{0}},
	  {{0}}, { "trust" } },
	{ "link_state auto", { BASE, "io.sriov.link_state", "auto", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_AUTO } } }, {{0}}, {{0}},
	  { "link_state" } },
	{ "link_state enable", { BASE, "io.sriov.link_state", "enable", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_ENABLE } } }, {{0}},
	  {{0}}, { "link_state" } },
	{ "link_state disable", { BASE, "io.sriov.link_state", "disable", NULL }, 1,
	  { { WANT_BASE, .knobs = K(LINK_STATE), .cfg = { .link_state = IFLA_VF_LINK_STATE_DISABLE } } }, {{0}},
	  {{0}}, { "link_state" } },
	{ "rates", { BASE, "io.sriov.min_tx_rate", "100", "io.sriov.max_tx_rate", "1000", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .cfg = { .min_tx_rate = 100, .max_tx_rate = 1000 } } },
	  {{0}}, {{0}}, { "min_tx_rate max_tx_rate" } },
	{ "min = max", { BASE, "io.sriov.min_tx_rate", "500", "io.sriov.max_tx_rate", "500", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .cfg = { .min_tx_rate = 500, .max_tx_rate = 500 } } },
	  {{0}}, {{0}}, { "min_tx_rate max_tx_rate" } },
	{ "min only", { BASE, "io.sriov.min_tx_rate", "100", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .cfg = { .min_tx_rate = 100 } } }, {{0}}, {{0}},
	  { "min_tx_rate" } },
	{ "max only, largest", { BASE, "io.sriov.max_tx_rate", "4294967295", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .cfg = { .max_tx_rate = 4294967295u } } }, {{0}},
	  {{0}}, { "max_tx_rate" } },
	/* max 0 means "no limit" (as ip link): any min goes with it */
	{ "max 0 is unlimited", { BASE, "io.sriov.min_tx_rate", "100", "io.sriov.max_tx_rate", "0", NULL }, 1,
	  { { WANT_BASE, .knobs = K(RATE), .cfg = { .min_tx_rate = 100 } } },
	  {{0}}, {{0}}, { "min_tx_rate max_tx_rate" } },
	{ "mtu 68", { BASE, "io.sriov.mtu", "68", NULL }, 1, { { WANT_BASE, .mtu = 68 } }, {{0}}, {{0}}, { NULL } },
	{ "mtu 9000", { BASE, "io.sriov.mtu", "9000", NULL }, 1, { { WANT_BASE, .mtu = 9000 } }, {{0}}, {{0}}, { NULL } },
	{ "mtu 65535", { BASE, "io.sriov.mtu", "65535", NULL }, 1, { { WANT_BASE, .mtu = 65535 } }, {{0}}, {{0}}, { NULL } },
	{ "ip v4", { BASE, "io.sriov.ip", "10.100.0.10/24", NULL }, 1, { { WANT_BASE, .n_addrs = 1 } },
	  { { "10.100.0.10/24" } }, {{0}}, { NULL } },
	{ "ip v4 and v6 with spaces", { BASE, "io.sriov.ip", " 10.0.0.2/24 , fd00::2/64,192.168.1.5/32", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 3 } }, { { "10.0.0.2/24", "fd00::2/64", "192.168.1.5/32" } }, {{0}}, { NULL } },
	{ "ip prefix bounds", { BASE, "io.sriov.ip", "10.0.0.2/0,fd00::2/128", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2 } }, { { "10.0.0.2/0", "fd00::2/128" } }, {{0}}, { NULL } },
	{ "ip 16 entries",
	  { BASE, "io.sriov.ip",
	    "10.0.0.1/24,10.0.0.2/24,10.0.0.3/24,10.0.0.4/24,10.0.0.5/24,10.0.0.6/24,10.0.0.7/24,10.0.0.8/24,"
	    "10.0.0.9/24,10.0.0.10/24,10.0.0.11/24,10.0.0.12/24,10.0.0.13/24,10.0.0.14/24,10.0.0.15/24,10.0.0.16/24",
	    NULL },
	  1, { { WANT_BASE, .n_addrs = 16 } },
	  { { "10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24", "10.0.0.4/24", "10.0.0.5/24", "10.0.0.6/24", "10.0.0.7/24",
	      "10.0.0.8/24", "10.0.0.9/24", "10.0.0.10/24", "10.0.0.11/24", "10.0.0.12/24", "10.0.0.13/24",
	      "10.0.0.14/24", "10.0.0.15/24", "10.0.0.16/24" } },
	  {{0}}, { NULL } },
	{ "gateway v4", { BASE, "io.sriov.ip", "10.0.0.2/24", "io.sriov.gateway", "10.0.0.1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "10.0.0.2/24" } }, { { "10.0.0.1" } }, { NULL } },
	{ "gateway in a non-octet subnet", { BASE, "io.sriov.ip", "10.0.0.130/25", "io.sriov.gateway", "10.0.0.254", NULL },
	  1, { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "10.0.0.130/25" } }, { { "10.0.0.254" } }, { NULL } },
	{ "gateway v4 and v6",
	  { BASE, "io.sriov.ip", "10.0.0.2/24,fd00::2/64", "io.sriov.gateway", "10.0.0.1, fd00::1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2, .n_gateways = 2 } }, { { "10.0.0.2/24", "fd00::2/64" } },
	  { { "10.0.0.1", "fd00::1" } }, { NULL } },
	{ "gateway in the second address's subnet",
	  { BASE, "io.sriov.ip", "10.0.0.2/24,192.168.7.2/24", "io.sriov.gateway", "192.168.7.1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 2, .n_gateways = 1 } }, { { "10.0.0.2/24", "192.168.7.2/24" } },
	  { { "192.168.7.1" } }, { NULL } },
	/* an IPv6 link-local next hop is on-link whatever the prefixes */
	{ "gateway v6 link-local", { BASE, "io.sriov.ip", "fd00::2/64", "io.sriov.gateway", "fe80::1", NULL }, 1,
	  { { WANT_BASE, .n_addrs = 1, .n_gateways = 1 } }, { { "fd00::2/64" } }, { { "fe80::1" } }, { NULL } },
	{ "every key",
	  { "io.sriov.pf", "0000:3b:00.0", "io.sriov.vf", "auto", "io.sriov.ifname", "sriov0", "io.sriov.mac",
	    "02:11:22:33:44:55", "io.sriov.vlan", "42", "io.sriov.qos", "3", "io.sriov.vlan_proto", "802.1Q",
	    "io.sriov.spoofchk", "off", "io.sriov.trust", "on", "io.sriov.link_state", "enable", "io.sriov.min_tx_rate",
	    "10", "io.sriov.max_tx_rate", "20", "io.sriov.mtu", "1400", "io.sriov.ip", "10.1.0.5/16,fd01::5/64",
	    "io.sriov.gateway", "fd01::1,10.1.255.254", NULL },
	  1,
	  { { .pf = "0000:3b:00.0", .select = SH_VF_AUTO, .ifname = "sriov0",
	      .knobs = K(MAC) | K(VLAN) | K(SPOOFCHK) | K(TRUST) | K(LINK_STATE) | K(RATE),
	      .cfg = { .mac = { 2, 0x11, 0x22, 0x33, 0x44, 0x55 }, .vlan = 42, .qos = 3, .vlan_proto = ETH_P_8021Q,
		       .spoofchk = 0, .trust = 1, .link_state = IFLA_VF_LINK_STATE_ENABLE, .min_tx_rate = 10,
		       .max_tx_rate = 20 },
	      .mtu = 1400, .n_addrs = 2, .n_gateways = 2 } },
	  { { "10.1.0.5/16", "fd01::5/64" } }, { { "fd01::1", "10.1.255.254" } },
	  { "mac vlan qos vlan_proto spoofchk trust link_state min_tx_rate max_tx_rate" } },
	/* numbered slots: io.sriov.<N>.<key>, in slot order; each slot's settings stay its own */
	{ "slot 0 and slot 1",
	  { "io.sriov.1.pf", "ens2f0", "io.sriov.1.vf", "auto", "io.sriov.1.vlan", "7", BASE, "io.sriov.mtu", "9000",
	    NULL },
	  2,
	  { { WANT_BASE, .mtu = 9000 },
	    { .pf = "ens2f0", .select = SH_VF_AUTO, .knobs = K(VLAN), .cfg = { .vlan = 7 } } },
	  {{0}}, {{0}}, { "", "vlan" } },
	{ "slot 7 only", { "io.sriov.7.vf", "0000:5e:00.3", "io.sriov.7.ifname", "net7", NULL }, 1,
	  { { .select = SH_VF_PCI, .vf_pci = "0000:5e:00.3", .ifname = "net7" } }, {{0}}, {{0}}, { NULL } },
	{ "slots 3 and 5 with addresses",
	  { "io.sriov.5.pf", "p5", "io.sriov.5.vf", "5", "io.sriov.5.ip", "10.5.0.2/24", "io.sriov.5.gateway",
	    "10.5.0.1", "io.sriov.3.pf", "p3", "io.sriov.3.vf", "3", "io.sriov.3.ip", "fd03::2/64", NULL },
	  2,
	  { { .pf = "p3", .select = SH_VF_INDEX, .vf_index = 3, .n_addrs = 1 },
	    { .pf = "p5", .select = SH_VF_INDEX, .vf_index = 5, .n_addrs = 1, .n_gateways = 1 } },
	  { { "fd03::2/64" }, { "10.5.0.2/24" } }, { { 0 }, { "10.5.0.1" } }, { NULL } },
	{ "other annotations are ignored",
	  { "org.opencontainers.image.title", "x", BASE, "io.sriovx.pf", "bogus", "io.kubernetes.cri.container-type",
	    "sandbox", "IO.SRIOV.vlan", "bogus", "sriov.vlan", "bogus", NULL },
	  1, { { WANT_BASE } }, {{0}}, {{0}}, { NULL } },
};

/* "vlan qos" -> the bits of those settings in sh_vf_request.given. */
static unsigned given_bits(const char *names)
{
	char buf[256], *name, *save;
	unsigned bits = 0;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", names ? names : "");
	for (name = strtok_r(buf, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		if (!sh_vf_setting_find(name, &i))
			fail_msg("test table: no setting %s", name);
		bits |= 1u << i;
	}
	return bits;
}

static void check_vf(const struct sh_vf_request *got, const struct sh_vf_request *want, const char *given,
		     const char *const *addrs, const char *const *gws)
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
	assert_int_equal(got->given, given_bits(given));
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
			check_vf(&req.vf[j], &c->want[j], c->given[j], c->addrs[j], c->gws[j]);
		sh_annotations_free(&a);
	}
}

/* io.sriov.mode, and a pool's VF by PCI address (a vfio pool's CDI device), in either order. */
static void test_mode_and_pool_vf(void **state)
{
	static const char *const vfio[] = { BASE, "io.sriov.mode", "vfio", "io.sriov.mac", "02:00:00:00:00:01",
					    "io.sriov.1.pf", "p1", "io.sriov.1.vf", "2", NULL };
	static const char *const pool_vf[2][5] = {
		{ "io.sriov.pool", "fast", "io.sriov.vf", "0000:3B:02.1", NULL },
		{ "io.sriov.vf", "0000:3b:02.1", "io.sriov.pool", "fast", NULL },
	};
	struct sh_annotations a;
	struct sh_request req;
	struct sh_error err = { 0 };
	char key[SH_DEVICE_MAX];
	size_t i;

	(void)state;
	build_annotations(vfio, &a);
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
	assert_int_equal(req.n, 2);
	assert_int_equal(req.vf[0].mode, SH_MODE_VFIO);
	assert_true(req.vf[0].has_mode);
	assert_int_equal(req.vf[1].mode, SH_MODE_NETDEV); /* the default */
	assert_false(req.vf[1].has_mode);
	assert_true(sh_request_has_own(&req, SH_MODE_NETDEV));
	assert_true(sh_request_has_own(&req, SH_MODE_VFIO));
	req.vf[1].elsewhere = true;
	assert_false(sh_request_has_own(&req, SH_MODE_NETDEV));
	req.vf[0].elsewhere = true;
	assert_false(sh_request_has_own(&req, SH_MODE_VFIO));
	sh_annotations_free(&a);
	for (i = 0; i < 2; i++) {
		build_annotations(pool_vf[i], &a);
		if (sh_request_from_annotations(&a, &req, &err) != 0)
			fail_msg("order %zu: %s", i, err.msg);
		assert_int_equal(req.vf[0].select, SH_VF_POOL);
		assert_string_equal(req.vf[0].pool, "fast");
		assert_string_equal(req.vf[0].vf_pci, "0000:3b:02.1");
		assert_string_equal(sh_request_selector_key(&req.vf[0], key, sizeof(key)), "pool=fast vf=0000:3b:02.1");
		sh_annotations_free(&a);
	}
}

/* io.sriov.numa and io.sriov.near, per slot; a bad value names what is accepted. */
static void test_numa_and_near(void **state)
{
	static const char *const good[] = { BASE, "io.sriov.numa", "strict", "io.sriov.near", "0000:AF:00.0",
					    "io.sriov.1.pool", "fast", "io.sriov.1.numa", "3", "io.sriov.1.near", "auto",
					    "io.sriov.2.pool", "slow", "io.sriov.2.numa", "any", NULL };
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "io.sriov.numa", "local", "\"local\" is not prefer, strict, any or a NUMA node number" },
		{ "io.sriov.numa", "-1", "is not prefer" },
		{ "io.sriov.near", "gpu0", "\"gpu0\" is not a PCI address (0000:af:00.0) or \"auto\"" },
	};
	struct sh_annotations a;
	struct sh_request req;
	struct sh_error err = { 0 };
	size_t i;

	(void)state;
	build_annotations(good, &a);
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
	sh_annotations_free(&a);
	assert_int_equal(req.n, 3);
	assert_int_equal(req.vf[0].numa, SH_NUMA_STRICT);
	assert_true(req.vf[0].has_numa);
	assert_string_equal(req.vf[0].near, "0000:af:00.0");
	assert_int_equal(req.vf[1].numa, SH_NUMA_NODE);
	assert_int_equal(req.vf[1].numa_node, 3);
	assert_string_equal(req.vf[1].near, "auto");
	assert_int_equal(req.vf[2].numa, SH_NUMA_ANY);
	assert_string_equal(req.vf[2].near, "");
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		const char *kv[] = { BASE, bad[i].key, bad[i].value, NULL };

		build_annotations(kv, &a);
		assert_int_equal(sh_request_from_annotations(&a, &req, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].msg) || !strstr(err.msg, bad[i].key))
			fail_msg("%s=%s: %s", bad[i].key, bad[i].value, err.msg);
		sh_annotations_free(&a);
	}
	/* unnamed: prefer, near nothing */
	{
		const char *kv[] = { BASE, NULL };

		build_annotations(kv, &a);
		assert_int_equal(sh_request_from_annotations(&a, &req, &err), 0);
		assert_int_equal(req.vf[0].numa, SH_NUMA_PREFER);
		assert_false(req.vf[0].has_numa);
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
	/* mode: netdev or vfio; a vfio VF has no netdev to name, size or address */
	{ { BASE, "io.sriov.mode", "dpdk", NULL }, "io.sriov.mode", "netdev or vfio" },
	{ { BASE, "io.sriov.mode", "VFIO", NULL }, "io.sriov.mode", NULL },
	{ { BASE, "io.sriov.mode", "vfio", "io.sriov.mtu", "9000", NULL }, "io.sriov.mtu", "io.sriov.mode vfio" },
	{ { BASE, "io.sriov.mode", "vfio", "io.sriov.ifname", "dp0", NULL }, "io.sriov.ifname", "no netdev" },
	{ { BASE, "io.sriov.mode", "vfio", "io.sriov.ip", "10.0.0.2/24", NULL }, "io.sriov.ip", "no netdev" },
	{ { BASE, "io.sriov.2.pf", "p2", "io.sriov.2.vf", "1", "io.sriov.2.mode", "vfio", "io.sriov.2.ip", "10.0.0.2/24",
	    "io.sriov.2.gateway", "10.0.0.1", NULL },
	  "io.sriov.2.ip", "io.sriov.2.mode" },
	/* a pool with one of its VFs: by PCI address only */
	{ { "io.sriov.pool", "fast", "io.sriov.vf", "3", NULL }, "io.sriov.pool", "io.sriov.vf" },
	{ { "io.sriov.pool", "fast", "io.sriov.vf", "auto", NULL }, "io.sriov.pool", "io.sriov.vf" },
	{ { "io.sriov.pool", "fast", "io.sriov.pf", "p", "io.sriov.vf", "0000:3b:02.1", NULL }, "io.sriov.pool", NULL },
	/* required keys */
	{ { PF0, NULL }, "io.sriov.vf", "missing: give it" },
	{ { PF0, "io.sriov.mtu", "1500", NULL }, "io.sriov.vf", "missing: give it" },
	{ { BASE, "io.sriov.2.pf", "ens2f0", NULL }, "io.sriov.2.vf", "missing: give it" },
	{ { "io.sriov.vf", "3", NULL }, "io.sriov.pf", "missing: give it" },
	{ { "io.sriov.vf", "auto", NULL }, "io.sriov.pf", "missing: give it" },
	{ { BASE, "io.sriov.3.vf", "auto", NULL }, "io.sriov.3.pf", "missing: give it" },
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

#define N_ENV(e) SH_ARRAY_SIZE(e)

static size_t known_keys(char *buf, size_t len, const char **names, size_t max);

/* Variables that spell a known key ask, in any slot; nothing else with the prefix is looked at. */
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
		/* an image's own settings, and near misses: not keys, not read, not errors */
		"SRIOV_FLAVOR=x",
		"SRIOV_HOOK_CONFIG=/etc/x.json",
		"SRIOV_VLANID=5000",
		"SRIOV_mtu=1",
		"SRIOV_Mtu=1",
		"SRIOV_0_VF=bogus",
		"SRIOV_8_VF=bogus",
		"SRIOV_9_PF=bogus",
		"SRIOV_1_=x",
		"SRIOV_2.VF=1",
		"SRIOV",
		"SRIOV_",
		"SRIOV_=x",
		"SRIOV_MTU",
		"XSRIOV_MTU=1",
		"sriov_mtu=1",
	};
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_request_build_with_env(&a, env, N_ENV(env), NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 2);
	assert_string_equal(req.vf[0].pf, "ens1f0");
	assert_int_equal(req.vf[0].select, SH_VF_AUTO);
	assert_int_equal(req.vf[0].cfg.max_tx_rate, 100);
	assert_int_equal(req.vf[0].given, given_bits("max_tx_rate"));
	assert_int_equal(req.vf[0].n_addrs, 2);
	assert_int_equal(req.vf[0].mtu, 0);
	assert_string_equal(req.vf[1].pf, "ens2f0");
	assert_int_equal(req.vf[1].vf_index, 3);
	assert_int_equal(req.vf[1].cfg.max_tx_rate, 50); /* only the slot's '_' is a dot */
	/* without env (env_fallback off), the same variables ask for nothing */
	assert_int_equal(sh_request_build_with_env(&a, NULL, 0, NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 0);
}

/* An image that uses the prefix for its own settings alone asks for nothing. */
static void test_env_fallback_foreign_variables(void **state)
{
	char *env[] = { "SRIOV_FLAVOR=x", "SRIOV_DEBUG=1", "SRIOV_VLANID=5", "SRIOV_3_FLAVOR=y" };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(sh_request_build_with_env(&a, env, N_ENV(env), NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 0);
	for (i = 0; i < N_ENV(env); i++)
		assert_false(sh_request_env_is_key(env[i]));
}

static void test_env_fallback_annotations_win(void **state)
{
	char *env[] = { "SRIOV_VF=2", "SRIOV_PF=other", "SRIOV_MTU=9000", "SRIOV_1_VF=5", "SRIOV_VLAN=bogus" };
	const char *kv[] = {
		"io.sriov.pf", "ens1f0",	"io.sriov.vf", "1", "io.sriov.1.vf", "auto", "io.sriov.1.pf",
		"p1",	       "io.sriov.vlan", "7",	       NULL
	};
	struct sh_annotations a;
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	build_annotations(kv, &a);
	/* the bad SRIOV_VLAN is not even parsed: the annotation gives vlan */
	assert_int_equal(sh_request_build_with_env(&a, env, N_ENV(env), NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 2);
	assert_string_equal(req.vf[0].pf, "ens1f0");
	assert_int_equal(req.vf[0].vf_index, 1);
	assert_int_equal(req.vf[0].cfg.vlan, 7);
	assert_int_equal(req.vf[0].mtu, 9000); /* no annotation gives it: the variable does */
	assert_int_equal(req.vf[1].select, SH_VF_AUTO);
	sh_annotations_free(&a);
}

/* Among variables of one key the first wins; a later bad one is not looked at. */
static void test_env_fallback_first_wins(void **state)
{
	char *env[] = { "SRIOV_VF=2", "SRIOV_MTU=1500", "SRIOV_VF=3", "SRIOV_PF=p0", "SRIOV_MTU=bogus", "SRIOV_PF=p1" };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_request_build_with_env(&a, env, N_ENV(env), NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 1);
	assert_int_equal(req.vf[0].vf_index, 2);
	assert_int_equal(req.vf[0].mtu, 1500);
	assert_string_equal(req.vf[0].pf, "p0");
}

/* An error in a value that came from a variable names the variable, never the annotation it stands
 * for; a key the message adds is spelled like the key it is about. */
/* SRIOV_ variables the request does not use are named, with why: env_fallback off, or no key (and
 * the nearest one, in the variable's slot). The hook's own SRIOV_VFIO_ and SRIOV_HOOK_ are not. */
static void test_env_unused(void **state)
{
	static const struct {
		const char *env[6];
		bool fallback;
		size_t n;
		const char *want;
	} cases[] = {
		{ { "PATH=/bin", "SRIOV_PF=p0", "SRIOV_VF=0" }, true, 0, "" },
		{ { "SRIOV_PF=p0", "SRIOV_VF=0" }, false, 2, "SRIOV_PF, SRIOV_VF not read: env_fallback is off in the configuration" },
		{ { "SRIOV_PF=p0", "SRIOV_IPADDR=10.0.0.2/24" }, true, 1, "SRIOV_IPADDR (not a key; the nearest is SRIOV_IP)" },
		{ { "SRIOV_2_VLANID=5" }, true, 1, "SRIOV_2_VLANID (not a key; the nearest is SRIOV_2_VLAN)" },
		{ { "SRIOV_MTU=9000", "SRIOV_vlan=5" }, false, 2,
		  "SRIOV_MTU not read: env_fallback is off in the configuration; SRIOV_vlan (not a key; the nearest is SRIOV_VLAN)" },
		{ { "SRIOV_VFIO_PCI=0000:3b:02.0", "SRIOV_HOOK_CONFIG=/x", "SRIOVX=1" }, false, 0, "" },
	};
	char out[1024];
	size_t i, n;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		for (n = 0; n < 6 && cases[i].env[n]; n++)
			;
		if (sh_request_env_unused((char *const *)cases[i].env, n, cases[i].fallback, out, sizeof(out)) !=
			    cases[i].n ||
		    strcmp(out, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, cases[i].want);
	}
}

static void test_env_fallback_errors_name_the_variable(void **state)
{
	static const struct {
		const char *kv[8];
		const char *env[6];
		const char *want, *not ;
	} cases[] = {
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_VLAN=5000" },
		  "variable SRIOV_VLAN: \"5000\" is not",
		  "io.sriov" },
		{ { NULL }, { "SRIOV_PF=p0", "SRIOV_VF=x" }, "variable SRIOV_VF: \"x\" is not", "io.sriov" },
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_2_PF=p2", "SRIOV_2_VF=1", "SRIOV_2_MTU=1" },
		  "variable SRIOV_2_MTU: \"1\" is not an MTU",
		  "io.sriov" },
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_IP=10.0.0.2" },
		  "variable SRIOV_IP: \"10.0.0.2\"",
		  "io.sriov" },
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_QOS=3" },
		  "variable SRIOV_QOS needs SRIOV_VLAN greater than 0",
		  "io.sriov" },
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_MIN_TX_RATE=200", "SRIOV_MAX_TX_RATE=100" },
		  "variable SRIOV_MIN_TX_RATE (200) is greater than SRIOV_MAX_TX_RATE (100)",
		  "io.sriov" },
		{ { NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_IP=10.0.0.2/24", "SRIOV_GATEWAY=10.0.1.1" },
		  "variable SRIOV_GATEWAY: 10.0.1.1 is not in the subnet of any IPv4 address of SRIOV_IP",
		  "io.sriov" },
		{ { NULL }, { "SRIOV_PF=p0" }, "variable SRIOV_VF is missing", "io.sriov" },
		{ { NULL },
		  { "SRIOV_MTU=1500" },
		  "variable SRIOV_VF is missing: give it (a VF index, \"auto\" or a VF PCI address), or give SRIOV_POOL",
		  "io.sriov" },
		{ { NULL },
		  { "SRIOV_POOL=fast", "SRIOV_VF=0" },
		  "variable SRIOV_POOL picks the VF: give it without SRIOV_PF and SRIOV_VF",
		  "io.sriov" },
		{ { NULL }, { "SRIOV_POOL=-x" }, "variable SRIOV_POOL: \"-x\" is not a pool name", "io.sriov" },
		{ { NULL }, { "SRIOV_3_PF=p0", "SRIOV_3_MTU=1500" }, "variable SRIOV_3_VF is missing", "io.sriov" },
		{ { NULL },
		  { "SRIOV_VF=3" },
		  "variable SRIOV_PF is missing: give it (a PF name or PCI address), or give SRIOV_VF a VF PCI address",
		  "io.sriov" },
		/* mixed: each key named as it was given */
		{ { "io.sriov.qos", "3", NULL },
		  { "SRIOV_PF=p0", "SRIOV_VF=0", "SRIOV_VLAN=0" },
		  "annotation io.sriov.qos needs SRIOV_VLAN greater than 0",
		  "io.sriov.vlan" },
		{ { "io.sriov.pf", "p0", "io.sriov.vf", "0", NULL },
		  { "SRIOV_SPOOFCHK=yes" },
		  "variable SRIOV_SPOOFCHK: \"yes\"",
		  "io.sriov.spoofchk" },
		{ { "io.sriov.pf", "p0", NULL }, { "SRIOV_MTU=1500" }, "annotation io.sriov.vf is missing", "SRIOV_" },
		{ { "io.sriov.pf", "p0", "io.sriov.vf", "0", "io.sriov.vlan", "x", NULL },
		  { "SRIOV_MTU=1" },
		  "annotation io.sriov.vlan: \"x\"",
		  "SRIOV_" },
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };
		int r;

		for (n = 0; cases[i].env[n]; n++)
			;
		build_annotations(cases[i].kv, &a);
		r = sh_request_build_with_env(&a, (char *const *)cases[i].env, n, NULL, 0, &req, &err);
		if (r != -EINVAL || !strstr(err.msg, cases[i].want) || strstr(err.msg, cases[i].not ))
			fail_msg("case %zu: got %d \"%s\", want \"%s\" without \"%s\"", i, r, err.msg, cases[i].want,
				 cases[i].not );
		sh_annotations_free(&a);
	}
}

/* A pool from a variable; a variable may not name the VF of a CDI device's slot (the device's
 * hook arguments do), and its settings apply to that device like an annotation's. */
static void test_env_fallback_pool_and_devices(void **state)
{
	char *pool_env[] = { "SRIOV_POOL=fast", "SRIOV_MTU=9000" };
	char *vf_env[] = { "SRIOV_VF=auto" };
	char *mtu_env[] = { "SRIOV_MTU=1400" };
	struct sh_vf_request dev = { .select = SH_VF_AUTO, .pf = "ens1f0" };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_request_build_with_env(&a, pool_env, 2, NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 1);
	assert_int_equal(req.vf[0].select, SH_VF_POOL);
	assert_string_equal(req.vf[0].pool, "fast");
	assert_int_equal(req.vf[0].mtu, 9000);

	assert_int_equal(sh_request_build_with_env(&a, vf_env, 1, &dev, 1, &req, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "variable SRIOV_VF: slot 0 is CDI device \"pf=ens1f0 vf=auto\""));

	assert_int_equal(sh_request_build_with_env(&a, mtu_env, 1, &dev, 1, &req, &err), 0);
	assert_int_equal(req.n, 1);
	assert_int_equal(req.vf[0].mtu, 1400);
	assert_string_equal(req.vf[0].device, "pf=ens1f0 vf=auto");
}

/* Every key of both tables, in every slot, is read from its SRIOV_ spelling, and only from it. */
static void test_env_fallback_every_key(void **state)
{
	const char *names[64];
	char buf[1024], var[64], lower[64];
	size_t i, k, n;
	unsigned slot;

	(void)state;
	n = known_keys(buf, sizeof(buf), names, SH_ARRAY_SIZE(names));
	for (i = 0; i < n; i++) {
		for (slot = 0; slot < SH_MAX_VFS; slot++) {
			int at = slot ? snprintf(var, sizeof(var), "SRIOV_%u_", slot)
				      : snprintf(var, sizeof(var), "SRIOV_");

			for (k = 0; names[i][k]; k++)
				var[at + k] = (char)toupper((unsigned char)names[i][k]);
			snprintf(var + at + k, sizeof(var) - at - k, "=\x01");
			if (!sh_request_env_is_key(var))
				fail_msg("%s is not read", var);
			/* the value is parsed, and refused as that variable's */
			{
				/* first: among variables of one key the first wins */
				char *env[] = { var,
						"SRIOV_PF=p0",
						"SRIOV_VF=0",
						"SRIOV_1_PF=p1",
						"SRIOV_1_VF=0",
						"SRIOV_2_PF=p2",
						"SRIOV_2_VF=0",
						"SRIOV_3_PF=p3",
						"SRIOV_3_VF=0" };
				struct sh_annotations a = { 0 };
				struct sh_request req;
				struct sh_error err = { 0 };
				char want[80];

				snprintf(want, sizeof(want), "variable %.*s", (int)(strchr(var, '=') - var), var);
				/* slots 4-7 get their pf and vf from annotations (but the one under test) */
				if (slot >= 4) {
					char pf[32], vf[32];

					snprintf(pf, sizeof(pf), "io.sriov.%u.pf", slot);
					snprintf(vf, sizeof(vf), "io.sriov.%u.vf", slot);
					if (strcmp(names[i], "pf"))
						assert_int_equal(sh_annotations_add(&a, pf, "p"), 0);
					if (strcmp(names[i], "vf"))
						assert_int_equal(sh_annotations_add(&a, vf, "0"), 0);
				}
				if (sh_request_build_with_env(&a, env, SH_ARRAY_SIZE(env), NULL, 0, &req, &err) !=
					    -EINVAL ||
				    !strstr(err.msg, want))
					fail_msg("%s: \"%s\" does not name it", var, err.msg);
				sh_annotations_free(&a);
			}
			/* other spellings of it are not read */
			snprintf(lower, sizeof(lower), "%s", var);
			lower[strlen(lower) - 3] = (char)tolower((unsigned char)lower[strlen(lower) - 3]);
			assert_false(sh_request_env_is_key(lower));
		}
	}
}

/* The file at the repository's path rel, whole. */
static char *repo_file(const char *rel)
{
	const char *src = __FILE__, *tail = strstr(src, "tests/unit/test_request.c");
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(tail);
	snprintf(path, sizeof(path), "%.*s%s", (int)(tail - src), src, rel);
	assert_non_null(f = fopen(path, "r"));
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	return text;
}

/* sriov-hook(8) and the README list every variable env_fallback reads: each key of the tables. */
static void test_env_variables_documented(void **state)
{
	static const char *const docs[] = { "man/sriov-hook.8", "README.md" };
	const char *names[64];
	char buf[1024], var[64];
	size_t i, k, d, n;

	(void)state;
	n = known_keys(buf, sizeof(buf), names, SH_ARRAY_SIZE(names));
	for (d = 0; d < SH_ARRAY_SIZE(docs); d++) {
		char *text = repo_file(docs[d]);

		for (i = 0; i < n; i++) {
			int at = snprintf(var, sizeof(var), "SRIOV_");

			for (k = 0; names[i][k]; k++)
				var[at + k] = (char)toupper((unsigned char)names[i][k]);
			var[at + k] = '\0';
			/* listed as a word of its own: SRIOV_VLAN is not found inside SRIOV_VLAN_PROTO */
			{
				const char *p = text;
				bool found = false;

				while (!found && (p = strstr(p, var))) {
					char next = p[strlen(var)];

					found = next != '_' && !isalnum((unsigned char)next) && !(next == '=');
					p += strlen(var);
				}
				if (!found)
					fail_msg("%s does not list %s", docs[d], var);
			}
		}
		free(text);
	}
}

/* 40,000 variables, most of them not keys, known ones many times over: one linear pass (a
 * quadratic one took 25 s here), and still the first of each key wins. */
static void test_env_fallback_many(void **state)
{
	enum { VARS = 40000 };
	struct sh_annotations a = { 0 };
	struct sh_request req;
	struct sh_error err = { 0 };
	char **env = calloc(VARS, sizeof(*env));
	size_t i;

	(void)state;
	assert_non_null(env);
	for (i = 0; i < VARS; i++) {
		int r;

		switch (i % 4) {
		case 0:
			r = asprintf(&env[i], "SRIOV_K%zu=v%zu", i, i);
			break;
		case 1:
			r = asprintf(&env[i], "SRIOV_MTU=%zu", 1500 + i);
			break;
		case 2:
			r = asprintf(&env[i], "SRIOV_%zu_VF=%zu", 1 + i % 7, i);
			break;
		default:
			r = asprintf(&env[i], "SRIOV_%zu_PF=p%zu", 1 + i % 7, i);
			break;
		}
		assert_true(r > 0);
	}
	assert_int_equal(sh_request_build_with_env(&a, env, VARS, NULL, 0, &req, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "variable SRIOV_VF is missing")); /* slot 0 has only SRIOV_MTU */
	assert_int_equal(sh_annotations_add(&a, "io.sriov.vf", "0"), 0);
	assert_int_equal(sh_annotations_add(&a, "io.sriov.pf", "p"), 0);
	assert_int_equal(sh_request_build_with_env(&a, env, VARS, NULL, 0, &req, &err), 0);
	assert_int_equal(req.n, 8);
	assert_int_equal(req.vf[0].mtu, 1501);
	for (i = 1; i < 8; i++)
		assert_true(req.vf[i].vf_index < 32); /* the first of each slot's many */
	for (i = 0; i < VARS; i++)
		free(env[i]);
	free(env);
	sh_annotations_free(&a);
}

/* ---- desired state ---------------------------------------------------------------------------- */

/* For each knob the request changes: what it names, the reset settings' defaults, the VF's current
 * value for the rest; every other knob as the VF has it. */
static void test_desired(void **state)
{
	static const struct sh_vf_cfg cur = { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 5, .qos = 3,
					      .vlan_proto = ETH_P_8021AD, .spoofchk = 1, .trust = 1,
					      .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 10,
					      .max_tx_rate = 20 };
	const struct {
		const char *kv[MAX_KV];
		struct sh_vf_cfg want;
	} cases[] = {
		{ { BASE, NULL }, cur },
		{ { BASE, "io.sriov.mtu", "1400", "io.sriov.ip", "10.0.0.2/24", NULL }, cur },
		{ { BASE, "io.sriov.vlan", "100", NULL },
		  { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 100, .qos = 0, .vlan_proto = ETH_P_8021Q, .spoofchk = 1,
		    .trust = 1, .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 10, .max_tx_rate = 20 } },
		{ { BASE, "io.sriov.qos", "0", NULL },
		  { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 5, .qos = 0, .vlan_proto = ETH_P_8021Q, .spoofchk = 1,
		    .trust = 1, .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 10, .max_tx_rate = 20 } },
		{ { BASE, "io.sriov.vlan", "7", "io.sriov.qos", "2", "io.sriov.vlan_proto", "802.1ad", NULL },
		  { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 7, .qos = 2, .vlan_proto = ETH_P_8021AD, .spoofchk = 1,
		    .trust = 1, .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 10, .max_tx_rate = 20 } },
		{ { BASE, "io.sriov.min_tx_rate", "15", NULL },
		  { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 5, .qos = 3, .vlan_proto = ETH_P_8021AD, .spoofchk = 1,
		    .trust = 1, .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 15, .max_tx_rate = 20 } },
		{ { BASE, "io.sriov.max_tx_rate", "0", NULL },
		  { .mac = { 2, 0, 0, 0, 0, 0x0c }, .vlan = 5, .qos = 3, .vlan_proto = ETH_P_8021AD, .spoofchk = 1,
		    .trust = 1, .link_state = IFLA_VF_LINK_STATE_DISABLE, .min_tx_rate = 10, .max_tx_rate = 0 } },
		{ { BASE, "io.sriov.mac", "02:aa:bb:cc:dd:ee", "io.sriov.spoofchk", "off", "io.sriov.trust", "off",
		    "io.sriov.link_state", "auto", NULL },
		  { .mac = { 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, .vlan = 5, .qos = 3, .vlan_proto = ETH_P_8021AD,
		    .spoofchk = 0, .trust = 0, .link_state = IFLA_VF_LINK_STATE_AUTO, .min_tx_rate = 10,
		    .max_tx_rate = 20 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };
		struct sh_vf_cfg want;

		build_annotations(cases[i].kv, &a);
		if (sh_request_from_annotations(&a, &req, &err) < 0)
			fail_msg("case %zu: %s", i, err.msg);
		memset(&want, 0xa5, sizeof(want));
		sh_vf_request_desired(&req.vf[0], &cur, &want);
		if (memcmp(&want, &cases[i].want, sizeof(want)))
			fail_msg("case %zu: want vlan %u qos %u proto %#x spoofchk %u trust %u state %u rates %u/%u, "
				 "got vlan %u qos %u proto %#x spoofchk %u trust %u state %u rates %u/%u",
				 i, cases[i].want.vlan, cases[i].want.qos, cases[i].want.vlan_proto, cases[i].want.spoofchk,
				 cases[i].want.trust, cases[i].want.link_state, cases[i].want.min_tx_rate,
				 cases[i].want.max_tx_rate, want.vlan, want.qos, want.vlan_proto, want.spoofchk,
				 want.trust, want.link_state, want.min_tx_rate, want.max_tx_rate);
		sh_annotations_free(&a);
	}
}

/* ---- the key list: unknown-key message, --help, man page ------------------------------------- */

/* The keys the unknown-key message lists, into names (NULL-terminated). */
static size_t known_keys(char *buf, size_t len, const char **names, size_t max)
{
	const char *kv[] = { BASE, "io.sriov.colour", "red", NULL };
	struct sh_annotations a;
	struct sh_request req;
	struct sh_error err = { 0 };
	char *start, *end, *name, *save;
	size_t n = 0;

	build_annotations(kv, &a);
	assert_int_equal(sh_request_from_annotations(&a, &req, &err), -EINVAL);
	sh_annotations_free(&a);
	assert_non_null(strstr(err.msg, "unknown annotation io.sriov.colour"));
	assert_non_null(start = strstr(err.msg, "io.sriov.[N.]{"));
	start += strlen("io.sriov.[N.]{");
	assert_non_null(end = strchr(start, '}'));
	snprintf(buf, len, "%.*s", (int)(end - start), start);
	for (name = strtok_r(buf, ", ", &save); name && n + 1 < max; name = strtok_r(NULL, ", ", &save))
		names[n++] = name;
	names[n] = NULL;
	return n;
}

/* The message lists every key the parser takes and no other: each listed key is parsed (a bad value
 * is refused as such, not as an unknown key), and every VF setting is listed. */
static void test_unknown_key_lists_the_keys(void **state)
{
	const struct sh_vf_setting *s;
	const char *names[64];
	char buf[1024];
	size_t i, j, n, n_settings;

	(void)state;
	n = known_keys(buf, sizeof(buf), names, SH_ARRAY_SIZE(names));
	for (i = 0; i < n; i++) {
		char key[64];
		const char *kv[] = { PF0, "io.sriov.vf", "auto", key, "\x01", NULL };
		struct sh_annotations a;
		struct sh_request req;
		struct sh_error err = { 0 };

		snprintf(key, sizeof(key), "io.sriov.%s", names[i]);
		build_annotations(kv, &a);
		assert_int_equal(sh_request_from_annotations(&a, &req, &err), -EINVAL);
		if (strstr(err.msg, "unknown") || !strstr(err.msg, key))
			fail_msg("listed key %s: %s", names[i], err.msg);
		sh_annotations_free(&a);
	}
	for (s = sh_vf_settings(&n_settings), j = 0; j < n_settings; j++) {
		for (i = 0; i < n && strcmp(names[i], s[j].name); i++)
			;
		if (i == n)
			fail_msg("setting %s is not listed as a known key", s[j].name);
	}
	assert_int_equal(n, 10 + n_settings); /* pf, vf, pool, mode, numa, near, ifname, mtu, ip, gateway */
}

static char *capture(void (*fn)(FILE *out))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fn(f);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* --help shows each known key once, at the start of a line, in the order of the message. */
static void test_help_lists_the_keys(void **state)
{
	const char *names[64];
	char buf[1024], *help = capture(sh_request_help), *line, *save;
	size_t n, at = 0;

	(void)state;
	n = known_keys(buf, sizeof(buf), names, SH_ARRAY_SIZE(names));
	for (line = strtok_r(help, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64];

		assert_true(strlen(line) <= 90);
		if (strncmp(line, "  ", 2) || line[2] == ' ' || sscanf(line + 2, "%63s", key) != 1)
			continue;
		if (at == n || strcmp(key, names[at]))
			fail_msg("--help line \"%s\": want key %s", line, at < n ? names[at] : "(none)");
		at++;
	}
	assert_int_equal(at, n);
	free(help);
}

/* man/sriov-hook.8's key tables are the generated ones (make man, or SH_UPDATE_MAN=1, rewrites them). */
static void test_man_page_tables(void **state)
{
	static const char begin[] = ".\\\" Generated from the key tables", end[] = ".\\\" End of the generated tables.\n";
	char path[4096], *page = NULL, *want = capture(sh_man_request_tables), *b, *e;
	const char *src = __FILE__, *tail = strstr(src, "tests/unit/test_request.c");
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(tail);
	snprintf(path, sizeof(path), "%.*sman/sriov-hook.8", (int)(tail - src), src);
	assert_non_null(f = fopen(path, "r"));
	assert_true(getdelim(&page, &len, '\0', f) > 0);
	fclose(f);
	b = strstr(page, begin);
	e = b ? strstr(b, end) : NULL;
	if (!b || !e)
		fail_msg("%s: no generated block (from \"%s\" to \"%s\")", path, begin, end);
	e += strlen(end);
	if ((size_t)(e - b) != strlen(want) || memcmp(b, want, strlen(want))) {
		size_t i, start = 0, line = 1;

		if (getenv("SH_UPDATE_MAN")) {
			assert_non_null(f = fopen(path, "w"));
			fprintf(f, "%.*s%s%s", (int)(b - page), page, want, e);
			assert_int_equal(fclose(f), 0);
		} else {
			for (i = 0; want[i] && want[i] == b[i]; i++)
				if (want[i] == '\n')
					line++, start = i + 1;
			fail_msg("%s: line %zu of the key tables is not the generated \"%.*s\" (make man "
				 "rewrites them)",
				 path, line, (int)strcspn(want + start, "\n"), want + start);
		}
	}
	free(page);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_annotations),
		cmocka_unit_test(test_no_sriov_annotations),
		cmocka_unit_test(test_mode_and_pool_vf),
		cmocka_unit_test(test_numa_and_near),
		cmocka_unit_test(test_invalid_annotations),
		cmocka_unit_test(test_vf_pci_strict),
		cmocka_unit_test(test_env_fallback),
		cmocka_unit_test(test_env_fallback_foreign_variables),
		cmocka_unit_test(test_env_fallback_annotations_win),
		cmocka_unit_test(test_env_fallback_first_wins),
		cmocka_unit_test(test_env_fallback_errors_name_the_variable),
		cmocka_unit_test(test_env_unused),
		cmocka_unit_test(test_env_fallback_pool_and_devices),
		cmocka_unit_test(test_env_fallback_every_key),
		cmocka_unit_test(test_env_variables_documented),
		cmocka_unit_test(test_env_fallback_many),
		cmocka_unit_test(test_desired),
		cmocka_unit_test(test_unknown_key_lists_the_keys),
		cmocka_unit_test(test_help_lists_the_keys),
		cmocka_unit_test(test_man_page_tables),
	};

	return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
