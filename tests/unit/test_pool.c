/* Pools: the device plugin's selector syntax (valid and invalid), the configuration's "pools" in
 * its list and object forms with the administrator's settings checked through the VF settings
 * table, membership, and the merge into a request (a container may not override a pool's
 * settings: one line names both). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/input/pool.h"
#include "sriov-hook/input/request.h"

/* ---- selectors ------------------------------------------------------------------------------ */

static void test_selector_valid(void **state)
{
	static const struct {
		const char *in, *pf, *norm;
		size_t n_ranges;
	} cases[] = {
		{"ens1f0", "ens1f0", "ens1f0", 0},
		{"ens1f0#0-3,6", "ens1f0", "ens1f0#0-3,6", 2},
		{"ens1f0#6", "ens1f0", "ens1f0#6", 1},
		{"ens1f0#2-2", "ens1f0", "ens1f0#2", 1},
		{"0000:3B:00.1#0-7", "0000:3b:00.1", "0000:3b:00.1#0-7", 1}, /* a PCI address in lower case */
		{"0000:3b:00.1", "0000:3b:00.1", "0000:3b:00.1", 0},
		{"p#0,1,2,3-5,65535", "p", "p#0,1,2,3-5,65535", 5},
	};
	struct sh_pool_selector sel;
	struct sh_error err = {0};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		if (sh_pool_selector_parse(cases[i].in, &sel, "sel", &err) != 0)
			fail_msg("%s: %s", cases[i].in, err.msg);
		assert_string_equal(sel.pf, cases[i].pf);
		assert_int_equal(sel.n_ranges, cases[i].n_ranges);
		assert_string_equal(sh_pool_selector_format(&sel, buf, sizeof(buf)), cases[i].norm);
	}
}

static void test_selector_invalid(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{"", "PF name or PCI address"},
		{"#0-3", "PF name or PCI address"},
		{"ens 1#0", "PF name or PCI address"},
		{"abcdefghijklmnop#0", "PF name or PCI address"}, /* 16 characters: no netdev name */
		{"ens1f0#", "VF index or range"},
		{"ens1f0#,1", "VF index or range"},
		{"ens1f0#1,", "VF index or range"},
		{"ens1f0#1,,2", "VF index or range"},
		{"ens1f0#-3", "VF index or range"},
		{"ens1f0#3-", "VF index or range"},
		{"ens1f0#1-2-3", "VF index or range"},
		{"ens1f0#a", "VF index or range"},
		{"ens1f0# 1", "VF index or range"},
		{"ens1f0#+1", "VF index or range"},
		{"ens1f0#65536", "VF index or range"},
		{"ens1f0#0#1", "VF index or range"},
		{"ens1f0#4-2", "ends before it begins"},
		{"ens1f0#0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32",
		 "more than 32 ranges"},
	};
	struct sh_pool_selector sel;
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = {0};

		if (sh_pool_selector_parse(cases[i].in, &sel, "config: pools.x[0]", &err) != -EINVAL)
			fail_msg("\"%s\" accepted", cases[i].in);
		if (!strstr(err.msg, cases[i].msg) || strncmp(err.msg, "config: pools.x[0]: ", 20))
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].in, err.msg, cases[i].msg);
	}
}

static void test_selector_membership(void **state)
{
	struct sh_pool_selector sel;
	struct sh_error err = {0};

	(void)state;
	assert_int_equal(sh_pool_selector_parse("ens1f0#0-3,6", &sel, "s", &err), 0);
	assert_true(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 0));
	assert_true(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 3));
	assert_false(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 4));
	assert_false(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 5));
	assert_true(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 6));
	assert_false(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 7));
	assert_false(sh_pool_selector_has(&sel, "ens1f1", "0000:3b:00.1", 0)); /* another PF */
	assert_false(sh_pool_selector_has(&sel, "ens1f", "0000:3b:00.0", 0));  /* names compare whole */
	/* by PCI address, whatever the case the PF's address is spelled in */
	assert_int_equal(sh_pool_selector_parse("0000:3b:00.1#1", &sel, "s", &err), 0);
	assert_true(sh_pool_selector_has(&sel, "ens1f1", "0000:3B:00.1", 1));
	assert_true(sh_pool_selector_has(&sel, "", "0000:3b:00.1", 1));
	assert_false(sh_pool_selector_has(&sel, "ens1f1", "0000:3b:00.1", 0));
	assert_true(sh_pool_selector_names_pf(&sel, "x", "0000:3b:00.1"));
	/* every VF of a PF named alone */
	assert_int_equal(sh_pool_selector_parse("ens1f0", &sel, "s", &err), 0);
	assert_true(sh_pool_selector_has(&sel, "ens1f0", "0000:3b:00.0", 65535));
}

/* ---- the configuration's "pools" ------------------------------------------------------------ */

static void parse_ok(const char *json, struct sh_config *cfg)
{
	struct sh_error err = {0};

	sh_config_defaults(cfg);
	if (sh_config_parse(json, cfg, &err) != 0)
		fail_msg("%s: %s", json, err.msg);
}

static unsigned setting_bit(const char *name)
{
	size_t i;

	assert_non_null(sh_vf_setting_find(name, &i));
	return 1u << i;
}

static void test_pools_list_form(void **state)
{
	struct sh_config cfg;
	char buf[64];

	(void)state;
	parse_ok("{\"pools\": {\"fast\": [\"ens1f0#0-3,6\", \"0000:3b:00.1#0-7\"], \"slow\": [\"ens2f0\"]}}", &cfg);
	assert_int_equal(cfg.n_pools, 2);
	assert_string_equal(cfg.pools[0].name, "fast");
	assert_int_equal(cfg.pools[0].n_sel, 2);
	assert_string_equal(sh_pool_selector_format(&cfg.pools[0].sel[0], buf, sizeof(buf)), "ens1f0#0-3,6");
	assert_string_equal(sh_pool_selector_format(&cfg.pools[0].sel[1], buf, sizeof(buf)), "0000:3b:00.1#0-7");
	assert_int_equal(cfg.pools[0].given, 0);
	assert_int_equal(cfg.pools[0].knobs, 0);
	assert_ptr_equal(sh_pool_find(cfg.pools, cfg.n_pools, "slow"), &cfg.pools[1]);
	assert_null(sh_pool_find(cfg.pools, cfg.n_pools, "Fast"));
	assert_true(sh_pool_has_vf(&cfg.pools[0], "ens1f1", "0000:3b:00.1", 7));
	assert_false(sh_pool_has_vf(&cfg.pools[0], "ens1f1", "0000:3b:00.1", 8));
	assert_ptr_equal(sh_pool_of_vf(cfg.pools, cfg.n_pools, "ens2f0", "0000:5e:00.0", 9), &cfg.pools[1]);
	assert_null(sh_pool_of_vf(cfg.pools, cfg.n_pools, "ens1f0", "0000:3b:00.0", 4));
	sh_config_free(&cfg);
	assert_null(cfg.pools);
}

/* Every setting of the table but the MAC, in the form an annotation takes, and numbers as numbers. */
static void test_pools_object_form(void **state)
{
	struct sh_config cfg;
	const struct sh_pool *p;

	(void)state;
	parse_ok("{\"pools\": {\"fast\": {\"vfs\": [\"ens1f0#0-3\"], \"vlan\": 100, \"qos\": \"3\", "
		 "\"vlan_proto\": \"802.1ad\", \"spoofchk\": \"on\", \"trust\": \"off\", \"link_state\": \"enable\", "
		 "\"min_tx_rate\": 10, \"max_tx_rate\": 1000}}}",
		 &cfg);
	p = &cfg.pools[0];
	assert_int_equal(p->cfg.vlan, 100);
	assert_int_equal(p->cfg.qos, 3);
	assert_int_equal(p->cfg.vlan_proto, ETH_P_8021AD);
	assert_int_equal(p->cfg.spoofchk, 1);
	assert_int_equal(p->cfg.trust, 0);
	assert_int_equal(p->cfg.min_tx_rate, 10);
	assert_int_equal(p->cfg.max_tx_rate, 1000);
	assert_int_equal(p->given, setting_bit("vlan") | setting_bit("qos") | setting_bit("vlan_proto") |
					   setting_bit("spoofchk") | setting_bit("trust") | setting_bit("link_state") |
					   setting_bit("min_tx_rate") | setting_bit("max_tx_rate"));
	assert_int_equal(p->knobs, SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_SPOOFCHK) |
					   SH_KNOB_BIT(SH_KNOB_TRUST) | SH_KNOB_BIT(SH_KNOB_LINK_STATE) |
					   SH_KNOB_BIT(SH_KNOB_RATE));
	sh_config_free(&cfg);
}

static void test_pools_invalid(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{"{\"pools\": []}", "\"pools\" must be an object"},
		{"{\"pools\": {\"fast\": \"ens1f0\"}}", "pools.fast must be a list of selectors or an object"},
		{"{\"pools\": {\"fast\": []}}", "pools.fast: \"vfs\" must be a non-empty list"},
		{"{\"pools\": {\"fast\": [1]}}", "pools.fast[0] is not a string"},
		{"{\"pools\": {\"fast\": [\"ens1f0#x\"]}}", "pools.fast[0]: \"x\" is not a VF index or range"},
		{"{\"pools\": {\"fast\": {\"vlan\": 1}}}", "pools.fast has no \"vfs\""},
		{"{\"pools\": {\"fast\": {\"vfs\": \"ens1f0\"}}}", "pools.fast: \"vfs\" must be a non-empty list"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"vlan\": 4096}}}",
		 "pools.fast.vlan must be a VLAN id (0-4095)"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"vlan\": -1}}}", "pools.fast.vlan must be"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"vlan\": 1.5}}}", "pools.fast.vlan must be"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"vlan\": true}}}", "pools.fast.vlan must be"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"spoofchk\": \"yes\"}}}",
		 "pools.fast.spoofchk must be \"on\" or \"off\""},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"spoofchk\": 1}}}", "pools.fast.spoofchk must be"},
		/* the table's checks of settings named together, as for annotations */
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"qos\": 3}}}",
		 "pools.fast.qos needs pools.fast.vlan greater than 0"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"min_tx_rate\": 200, \"max_tx_rate\": 100}}}",
		 "pools.fast.min_tx_rate (200) is greater than pools.fast.max_tx_rate (100)"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"mac\": \"02:00:00:00:00:01\"}}}",
		 "a MAC address belongs to one VF"},
		{"{\"pools\": {\"fast\": {\"vfs\": [\"p\"], \"vlanid\": 5}}}",
		 "pools.fast: unknown key \"vlanid\" (known: vfs, driver, numa, release, mac, vlan, qos, vlan_proto, spoofchk, "
		 "trust, link_state, min_tx_rate, max_tx_rate)"},
		/* names: those of CDI devices */
		{"{\"pools\": {\"\": [\"p\"]}}", "is not a pool name"},
		{"{\"pools\": {\"-fast\": [\"p\"]}}", "is not a pool name"},
		{"{\"pools\": {\"fast-\": [\"p\"]}}", "is not a pool name"},
		{"{\"pools\": {\"fa st\": [\"p\"]}}", "is not a pool name"},
		{"{\"pools\": {\"fa/st\": [\"p\"]}}", "is not a pool name"},
		{"{\"pools\": {\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": [\"p\"]}}", /* 64
														  */
		 "is not a pool name"},
		{"{\"pools\": {\"fast\": [\"p\"], \"fast\": [\"q\"]}}", "\"fast\" is given twice"},
		{"{\"pools\": {}, \"pools\": {}}", "\"pools\" is given twice"},
		/* a VF in two pools: the second's settings would be bypassed */
		{"{\"pools\": {\"a\": [\"p#0-3\"], \"b\": {\"vfs\": [\"p#3-5\"], \"vlan\": 7}}}",
		 "config: VF 3 of p is in pools.a and pools.b: a VF belongs to one pool"},
		{"{\"pools\": {\"a\": [\"q\", \"p#6,2\"], \"b\": [\"p\"]}}", "VF 2 of p is in pools.a and pools.b"},
		{"{\"pools\": {\"a\": [\"0000:3B:00.0#1\"], \"b\": [\"0000:3b:00.0#0-9\"]}}",
		 "VF 1 of 0000:3b:00.0 is in pools.a and pools.b"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_config cfg;
		struct sh_error err = {0};

		sh_config_defaults(&cfg);
		if (sh_config_parse(cases[i].json, &cfg, &err) != -EINVAL)
			fail_msg("%s: accepted", cases[i].json);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].json, err.msg, cases[i].msg);
		sh_config_free(&cfg);
	}
}

/* Pools that share a PF but no VF are fine. */
static void test_pools_disjoint(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};

	(void)state;
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"pools\": {\"a\": [\"p#0-3\", \"q\"], \"b\": [\"p#4-7\", \"r#0\"], "
					 "\"c\": [\"p#8\"]}}",
					 &cfg, &err),
			 0);
	assert_int_equal(cfg.n_pools, 3);
	sh_config_free(&cfg);
}

static void test_pool_names_valid(void **state)
{
	(void)state;
	assert_true(sh_pool_name_valid("a"));
	assert_true(sh_pool_name_valid("10g"));
	assert_true(sh_pool_name_valid("fast_1.a:b-c"));
	assert_false(sh_pool_name_valid("a_"));
	assert_false(sh_pool_name_valid("a=b"));
	assert_false(sh_pool_name_valid("fast\n"));
}

/* ---- a request for a pool's VF -------------------------------------------------------------- */

static void build(const char *const *kv, const struct sh_vf_request *devs, size_t n_devs, struct sh_request *req)
{
	struct sh_annotations a = {0};
	struct sh_error err = {0};
	size_t i;

	for (i = 0; kv[i]; i += 2)
		assert_int_equal(sh_annotations_add(&a, kv[i], kv[i + 1]), 0);
	if (sh_request_build(&a, devs, n_devs, req, &err) != 0)
		fail_msg("request: %s", err.msg);
	sh_annotations_free(&a);
}

static const char pools_json[] = "{\"pools\": {\"fast\": {\"vfs\": [\"ens1f0#0-3\"], \"vlan\": 100, \"spoofchk\": "
				 "\"on\"}, \"plain\": [\"ens2f0\"]}}";

static void test_apply_merges_settings(void **state)
{
	static const char *const kv[] = {"io.sriov.pool", "fast", "io.sriov.trust", "on", "io.sriov.ip",
					 "10.0.0.2/24",	  NULL};
	struct sh_error err = {0};
	struct sh_config cfg;
	struct sh_request req;
	struct sh_vf_cfg cur, want;

	(void)state;
	parse_ok(pools_json, &cfg);
	build(kv, NULL, 0, &req);
	assert_int_equal(req.vf[0].select, SH_VF_POOL);
	assert_string_equal(req.vf[0].pool, "fast");
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	assert_int_equal(req.vf[0].given, setting_bit("vlan") | setting_bit("spoofchk") | setting_bit("trust"));
	assert_int_equal(req.vf[0].knobs,
			 SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_SPOOFCHK) | SH_KNOB_BIT(SH_KNOB_TRUST));
	/* what attach sets: the pool's vlan (qos and proto reset as ip-link does), spoofchk, the container's trust */
	sh_vf_cfg_defaults(&cur);
	cur.qos = 5;
	cur.max_tx_rate = 7;
	sh_vf_request_desired(&req.vf[0], &cur, &want);
	assert_int_equal(want.vlan, 100);
	assert_int_equal(want.qos, 0);
	assert_int_equal(want.vlan_proto, ETH_P_8021Q);
	assert_int_equal(want.spoofchk, 1);
	assert_int_equal(want.trust, 1);
	assert_int_equal(want.max_tx_rate, 7); /* not the pool's, not asked: as it was */
	/* a pool without settings changes nothing the container does not ask for */
	{
		static const char *const kv2[] = {"io.sriov.pool", "plain", NULL};

		build(kv2, NULL, 0, &req);
		assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
		assert_int_equal(req.vf[0].knobs, 0);
	}
	sh_config_free(&cfg);
}

/* One line that names the annotation, the pool and the administrator's values; nothing merged. */
/* "driver": "vfio-pci" makes a vfio pool: its VFs are vfio VFs, whatever the container says. */
static void test_vfio_pool(void **state)
{
	static const char *const plain[] = {"io.sriov.pool", "dpdk", NULL};
	static const char *const netdev[] = {"io.sriov.pool", "dpdk", "io.sriov.mode", "netdev", NULL};
	static const char *const mtu[] = {"io.sriov.pool", "dpdk", "io.sriov.mtu", "9000", NULL};
	static const char *const to_vfio[] = {"io.sriov.pool", "fast", "io.sriov.mode", "vfio", NULL};
	struct sh_error err = {0};
	struct sh_request req;
	struct sh_config cfg;

	(void)state;
	parse_ok("{\"pools\": {\"dpdk\": {\"vfs\": [\"p#0-3\"], \"driver\": \"vfio-pci\", \"vlan\": 7},"
		 " \"fast\": {\"vfs\": [\"p#4\"], \"driver\": \"netdev\"}}}",
		 &cfg);
	assert_int_equal(sh_pool_find(cfg.pools, cfg.n_pools, "dpdk")->mode, SH_MODE_VFIO);
	assert_int_equal(sh_pool_find(cfg.pools, cfg.n_pools, "fast")->mode, SH_MODE_NETDEV);
	build(plain, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	assert_int_equal(req.vf[0].mode, SH_MODE_VFIO);
	assert_int_equal(req.vf[0].cfg.vlan, 7);
	build(netdev, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
	assert_non_null(strstr(err.msg, "annotation io.sriov.mode: the VFs of pool \"dpdk\" are vfio VFs"));
	build(to_vfio, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
	assert_non_null(strstr(err.msg, "are netdev VFs"));
	build(mtu, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no netdev"));
	sh_config_free(&cfg);
	assert_int_equal(sh_config_parse("{\"pools\": {\"x\": {\"vfs\": [\"p\"], \"driver\": \"uio\"}}}", &cfg, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "pools.x.driver must be \"vfio-pci\""));
	sh_config_free(&cfg);
}

/* A pool's numa is its VFs' rule unless the container names its own; a bad one names the values. */
static void test_pool_numa(void **state)
{
	static const char *const plain[] = {"io.sriov.pool", "near", NULL};
	static const char *const own[] = {"io.sriov.pool", "near", "io.sriov.numa", "any", NULL};
	static const char *const other[] = {"io.sriov.pool", "plain", NULL};
	struct sh_error err = {0};
	struct sh_request req;
	struct sh_config cfg;

	(void)state;
	parse_ok("{\"pools\": {\"near\": {\"vfs\": [\"p\", \"q\"], \"numa\": \"strict\"},"
		 " \"one\": {\"vfs\": [\"r\"], \"numa\": \"1\"}, \"plain\": [\"s\"]}}",
		 &cfg);
	assert_true(sh_pool_find(cfg.pools, cfg.n_pools, "one")->has_numa);
	assert_int_equal(sh_pool_find(cfg.pools, cfg.n_pools, "one")->numa, SH_NUMA_NODE);
	assert_int_equal(sh_pool_find(cfg.pools, cfg.n_pools, "one")->numa_node, 1);
	build(plain, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	assert_int_equal(req.vf[0].numa, SH_NUMA_STRICT);
	build(own, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	assert_int_equal(req.vf[0].numa, SH_NUMA_ANY);
	build(other, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	assert_int_equal(req.vf[0].numa, SH_NUMA_PREFER);
	sh_config_free(&cfg);
	assert_int_equal(sh_config_parse("{\"pools\": {\"x\": {\"vfs\": [\"p\"], \"numa\": 1}}}", &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "pools.x.numa must be prefer, strict, any or a NUMA node number"));
	sh_config_free(&cfg);
}

static void test_apply_refuses_overrides(void **state)
{
	static const struct {
		const char *key, *value, *msg;
	} cases[] = {
		{"io.sriov.vlan", "200",
		 "annotation io.sriov.vlan: the VFs of pool \"fast\" have vlan 100, set by the administrator: a "
		 "container may not change vlan"},
		{"io.sriov.vlan", "100", "annotation io.sriov.vlan: "}, /* even the same value */
		/* another setting of the knob, which the pool's vlan resets */
		{"io.sriov.vlan_proto", "802.1Q",
		 "annotation io.sriov.vlan_proto: the VFs of pool \"fast\" have vlan 100"},
		{"io.sriov.spoofchk", "off",
		 "have spoofchk on, set by the administrator: a container may not change spoofchk"},
	};
	struct sh_config cfg;
	size_t i;

	(void)state;
	parse_ok(pools_json, &cfg);
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		const char *kv[] = {"io.sriov.pool", "fast", cases[i].key, cases[i].value, NULL};
		struct sh_error err = {0};
		struct sh_request req;

		build(kv, NULL, 0, &req);
		assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
		if (!strstr(err.msg, cases[i].msg) || strchr(err.msg, '\n'))
			fail_msg("%s=%s: \"%s\" lacks \"%s\"", cases[i].key, cases[i].value, err.msg, cases[i].msg);
	}
	/* in a numbered slot, its own key */
	{
		static const char *const kv[] = {
			"io.sriov.pf",	       "p",   "io.sriov.vf", "0", "io.sriov.1.pool", "fast",
			"io.sriov.1.spoofchk", "off", NULL};
		struct sh_error err = {0};
		struct sh_request req;

		build(kv, NULL, 0, &req);
		assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
		assert_non_null(strstr(err.msg, "annotation io.sriov.1.spoofchk: the VFs of pool \"fast\""));
	}
	sh_config_free(&cfg);
}

/* A pool's refusal names each key as the user wrote it: a variable, an annotation, a CDI device's
 * argument; and qos in a pool's slot is judged with the pool's settings (the pool's reason first). */
static void test_apply_names_keys_as_given(void **state)
{
	static const char *const pool_only[] = {"io.sriov.pool", "fast", NULL};
	static const char *const qos_fast[] = {"io.sriov.pool", "fast", "io.sriov.qos", "3", NULL};
	static const char *const qos_plain[] = {"io.sriov.pool", "plain", "io.sriov.qos", "3", NULL};
	static const char *const none[] = {NULL};
	char *vlan_env[] = {"SRIOV_VLAN=200"}, *mtu_env[] = {"SRIOV_MTU=9000"};
	struct sh_vf_request dev = {.select = SH_VF_POOL,
				    .pool = "dpdk",
				    .mode = SH_MODE_NETDEV,
				    .has_mode = true,
				    .device = "pool=dpdk mode=netdev"};
	struct sh_annotations a = {0};
	struct sh_error err = {0};
	struct sh_request req;
	struct sh_config cfg;
	size_t i;

	(void)state;
	parse_ok("{\"pools\": {\"fast\": {\"vfs\": [\"ens1f0#0-3\"], \"vlan\": 100}, \"plain\": [\"ens2f0\"],"
		 " \"dpdk\": {\"vfs\": [\"ens3f0\"], \"driver\": \"vfio-pci\"}}}",
		 &cfg);
	for (i = 0; pool_only[i]; i += 2)
		assert_int_equal(sh_annotations_add(&a, pool_only[i], pool_only[i + 1]), 0);
	assert_int_equal(sh_request_build_with_env(&a, vlan_env, 1, NULL, 0, &req, &err), 0);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
	if (!strstr(err.msg, "variable SRIOV_VLAN: the VFs of pool \"fast\" have vlan 100"))
		fail_msg("SRIOV_VLAN: %s", err.msg);
	sh_annotations_free(&a);
	a = (struct sh_annotations){0};
	assert_int_equal(sh_annotations_add(&a, "io.sriov.pool", "dpdk"), 0);
	assert_int_equal(sh_request_build_with_env(&a, mtu_env, 1, NULL, 0, &req, &err), 0);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EINVAL);
	if (!strstr(err.msg, "variable SRIOV_MTU: the VFs of pool \"dpdk\" are vfio VFs"))
		fail_msg("SRIOV_MTU: %s", err.msg);
	sh_annotations_free(&a);
	build(none, &dev, 1, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
	if (!strstr(err.msg, "CDI device \"pool=dpdk\": the VFs of pool \"dpdk\" are vfio VFs"))
		fail_msg("--mode: %s", err.msg);
	/* the pool fixes the vlan: the container may not change its qos (not "qos needs vlan") */
	build(qos_fast, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
	if (!strstr(err.msg, "annotation io.sriov.qos: the VFs of pool \"fast\" have vlan 100"))
		fail_msg("pool + qos: %s", err.msg);
	/* a pool that sets no vlan: qos needs the container's */
	build(qos_plain, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EINVAL);
	if (!strstr(err.msg, "annotation io.sriov.qos needs io.sriov.vlan greater than 0"))
		fail_msg("plain pool + qos: %s", err.msg);
	sh_config_free(&cfg);
}

/* "<setting>": "forbid": a container of the pool may not name it, MAC and trust included. */
static void test_apply_forbidden(void **state)
{
	static const char *const keys[] = {"io.sriov.mac", "02:00:00:00:00:09", "io.sriov.trust", "on"};
	struct sh_config cfg;
	size_t i;

	(void)state;
	parse_ok("{\"pools\": {\"t\": {\"vfs\": [\"p\"], \"spoofchk\": \"on\", \"mac\": \"forbid\", "
		 "\"trust\": \"forbid\"}}}",
		 &cfg);
	assert_int_equal(cfg.pools[0].knobs, SH_KNOB_BIT(SH_KNOB_SPOOFCHK));
	for (i = 0; i < SH_ARRAY_SIZE(keys); i += 2) {
		const char *kv[] = {"io.sriov.pool", "t", keys[i], keys[i + 1], NULL};
		struct sh_error err = {0};
		struct sh_request req;
		char want[128];

		build(kv, NULL, 0, &req);
		assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -EPERM);
		snprintf(want, sizeof(want), "annotation %s: pool \"t\" forbids it", keys[i]);
		if (!strstr(err.msg, want))
			fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
	}
	{
		/* what it does not forbid passes */
		const char *kv[] = {"io.sriov.pool", "t", "io.sriov.vlan", "5", NULL};
		struct sh_error err = {0};
		struct sh_request req;

		build(kv, NULL, 0, &req);
		assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), 0);
	}
	sh_config_free(&cfg);
}

static void test_apply_unknown_pool(void **state)
{
	static const char *const kv[] = {"io.sriov.2.pool", "nope", "io.sriov.pf", "p", "io.sriov.vf", "0", NULL};
	struct sh_vf_request dev = {0};
	struct sh_error err = {0};
	struct sh_config cfg;
	struct sh_request req;

	(void)state;
	parse_ok(pools_json, &cfg);
	build(kv, NULL, 0, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -ENOENT);
	assert_string_equal(err.msg, "annotation io.sriov.2.pool: no pool \"nope\" in the configuration (pools: fast, "
				     "plain)");
	/* a CDI device generated for a pool that is gone from the configuration since */
	assert_int_equal(sh_request_set_selector(&dev, "pool", "gone", "--pool", &err), 0);
	build((const char *const[]){NULL}, &dev, 1, &req);
	assert_int_equal(sh_pool_apply(cfg.pools, cfg.n_pools, &req, &err), -ENOENT);
	assert_string_equal(err.msg, "CDI device \"pool=gone\": no pool \"gone\" in the configuration (pools: fast, "
				     "plain)");
	assert_int_equal(sh_pool_apply(NULL, 0, &req, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "(pools: none)"));
	sh_config_free(&cfg);
}

/* pool and pf/vf exclude each other; the pool alone is enough (no vf required). */
static void test_pool_annotation_combinations(void **state)
{
	static const struct {
		const char *kv[8], *msg;
	} bad[] = {
		{{"io.sriov.pool", "fast", "io.sriov.vf", "0", NULL}, "annotation io.sriov.pool picks the VF"},
		{{"io.sriov.pool", "fast", "io.sriov.pf", "p", NULL}, "annotation io.sriov.pool picks the VF"},
		{{"io.sriov.3.pool", "fast", "io.sriov.3.vf", "auto", "io.sriov.3.pf", "p", NULL},
		 "annotation io.sriov.3.pool picks the VF: give it without io.sriov.3.pf and io.sriov.3.vf"},
		{{"io.sriov.pool", "fa st", NULL}, "annotation io.sriov.pool: \"fa st\" is not a pool name"},
		{{"io.sriov.pf", "p", NULL},
		 "io.sriov.vf is missing: give it (a VF index, \"auto\" or a VF PCI address), or give "
		 "io.sriov.pool"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		struct sh_annotations a = {0};
		struct sh_error err = {0};
		struct sh_request req;
		size_t k;

		for (k = 0; bad[i].kv[k]; k += 2)
			assert_int_equal(sh_annotations_add(&a, bad[i].kv[k], bad[i].kv[k + 1]), 0);
		assert_int_equal(sh_request_from_annotations(&a, &req, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].msg);
		sh_annotations_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selector_valid),
		cmocka_unit_test(test_selector_invalid),
		cmocka_unit_test(test_selector_membership),
		cmocka_unit_test(test_pools_list_form),
		cmocka_unit_test(test_pools_object_form),
		cmocka_unit_test(test_pools_invalid),
		cmocka_unit_test(test_pool_names_valid),
		cmocka_unit_test(test_pools_disjoint),
		cmocka_unit_test(test_apply_merges_settings),
		cmocka_unit_test(test_apply_refuses_overrides),
		cmocka_unit_test(test_vfio_pool),
		cmocka_unit_test(test_pool_numa),
		cmocka_unit_test(test_apply_forbidden),
		cmocka_unit_test(test_apply_names_keys_as_given),
		cmocka_unit_test(test_apply_unknown_pool),
		cmocka_unit_test(test_pool_annotation_combinations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
