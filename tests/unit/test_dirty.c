/* The baseline compare behind `sriovctl list`'s dirty note and gc (hook/dirty.c): nothing differs
 * between equal states; each kind that differs is named once, in the order gc returns them; PF-side
 * settings are compared only when both sides have them and named "vf <setting>"; and the
 * baseline's own format (store/baseline.c): its round trip, the identity that tells a recreated VF,
 * and the refusals of what it must not read. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/hook/dirty.h"
#include "sriov-hook/store/baseline.h"

/* A VF as a first claim would find it: up, MTU 1500, multicast, TSO on, PF-side defaults. */
static void fresh(struct sh_baseline *b)
{
	static const uint8_t mac[6] = {0x02, 0x5e, 0x3e, 0x00, 0x10, 0x00};

	memset(b, 0, sizeof(*b));
	snprintf(b->vf_pci, sizeof(b->vf_pci), "0000:3e:10.0");
	snprintf(b->pf_pci, sizeof(b->pf_pci), "0000:3e:00.0");
	b->vf_index = 0;
	b->dev_dev = 23;
	b->dev_ino = 4242;
	b->since = 1700000000;
	snprintf(b->netdev, sizeof(b->netdev), "ens1f0v0");
	memcpy(b->mac, mac, 6);
	b->mtu = 1500;
	b->up = true;
	b->state.known = true;
	b->state.flags = IFF_MULTICAST;
	b->state.txqlen = 1000;
	b->state.addrgenmode = 0;
	b->state.eth.have = 1u << SH_ETH_FEATURES;
	b->state.eth.features[0] = 0x1 | 0x10000;
	b->state.eth.changeable[0] = 0xffffffff;
	b->has_cfg = true;
	sh_vf_cfg_defaults(&b->cfg);
}

static const char *text(const struct sh_baseline *base, const struct sh_baseline *now, char *buf, size_t len)
{
	struct sh_dirty d;

	sh_dirty_compare(base, now, &d);
	return sh_dirty_text(&d, ", ", buf, len);
}

static void test_equal_is_clean(void **state)
{
	struct sh_baseline base, now;
	struct sh_dirty d;

	(void)state;
	fresh(&base);
	fresh(&now);
	now.since = base.since + 100;			   /* when it was read is no difference */
	snprintf(now.netdev, sizeof(now.netdev), "dev12"); /* nor the name, which the hook restores */
	sh_dirty_compare(&base, &now, &d);
	assert_int_equal(d.n, 0);
}

static void test_each_kind_named(void **state)
{
	struct sh_baseline base, now;
	char buf[512];

	(void)state;
	fresh(&base);
	fresh(&now);
	now.state.flags |= IFF_PROMISC | IFF_ALLMULTI;
	snprintf(now.state.alias, sizeof(now.state.alias), "tenantA");
	now.mtu = 1400;
	now.state.txqlen = 77;
	now.state.eth.features[0] &= ~0x10000u; /* tso off */
	assert_string_equal(text(&base, &now, buf, sizeof(buf)),
			    "promisc, allmulticast, alias, txqueuelen, features, mtu");
}

static void test_link_items(void **state)
{
	struct sh_baseline base, now;
	char buf[512];

	(void)state;
	fresh(&base);
	fresh(&now);
	now.up = false;
	now.mac[5] = 0x77;
	assert_string_equal(text(&base, &now, buf, sizeof(buf)), "mac, up/down");
	fresh(&now);
	now.state.flags &= ~IFF_MULTICAST;
	now.state.flags |= IFF_NOARP;
	now.state.xdp_prog = 9;
	now.state.xdp_mode = 2;
	now.state.tc_ingress = true;
	assert_string_equal(text(&base, &now, buf, sizeof(buf)), "multicast, arp, xdp, qdisc ingress");
}

static void test_settings(void **state)
{
	struct sh_baseline base, now;
	struct sh_dirty d;
	char buf[512];

	(void)state;
	fresh(&base);
	fresh(&now);
	now.cfg.vlan = 10;
	now.cfg.qos = 3;
	now.cfg.trust = 1;
	assert_string_equal(text(&base, &now, buf, sizeof(buf)), "vf vlan, vf qos, vf trust");
	/* one side without PF-side settings (virtio_net, a stand-in): nothing of them is compared */
	now.has_cfg = false;
	sh_dirty_compare(&base, &now, &d);
	assert_int_equal(d.n, 0);
	now.has_cfg = true;
	base.has_cfg = false;
	sh_dirty_compare(&base, &now, &d);
	assert_int_equal(d.n, 0);
}

/* A state read before the netdev state was kept compares nothing of it (never a false note). */
static void test_unknown_state(void **state)
{
	struct sh_baseline base, now;
	struct sh_dirty d;

	(void)state;
	fresh(&base);
	fresh(&now);
	base.state.known = false;
	now.state.flags |= IFF_PROMISC;
	sh_dirty_compare(&base, &now, &d);
	assert_int_equal(d.n, 0);
}

static void test_round_trip(void **state)
{
	struct sh_baseline b, back;
	struct sh_error err;
	char *json = NULL;

	(void)state;
	fresh(&b);
	b.up = false;
	b.dev_ino = 0xfffffffffffffff0ULL; /* kernfs inode numbers use all 64 bits */
	snprintf(b.state.alias, sizeof(b.state.alias), "uplink \"a\"");
	b.cfg.vlan = 7;
	assert_int_equal(sh_baseline_format(&b, &json), 0);
	assert_int_equal(sh_baseline_parse(json, &back, &err), 0);
	free(json);
	b.ifindex = b.pf_ifindex = 0; /* not kept */
	assert_true(sh_baseline_same_vf(&b, &back));
	assert_string_equal(back.netdev, b.netdev);
	assert_memory_equal(back.mac, b.mac, 6);
	assert_int_equal(back.mtu, 1500);
	assert_false(back.up);
	assert_int_equal(back.since, b.since);
	assert_string_equal(back.state.alias, b.state.alias);
	assert_int_equal(back.state.flags, b.state.flags);
	assert_true(back.has_cfg);
	assert_int_equal(back.cfg.vlan, 7);
	assert_memory_equal(&back.cfg, &b.cfg, sizeof(b.cfg));
	assert_memory_equal(back.state.eth.features, b.state.eth.features, sizeof(b.state.eth.features));
	/* without PF-side settings none come back */
	b.has_cfg = false;
	assert_int_equal(sh_baseline_format(&b, &json), 0);
	assert_int_equal(sh_baseline_parse(json, &back, &err), 0);
	free(json);
	assert_false(back.has_cfg);
}

/* A VF recreated at the same address is another PCI function: another sysfs directory. */
static void test_identity(void **state)
{
	struct sh_baseline base, now;

	(void)state;
	fresh(&base);
	fresh(&now);
	assert_true(sh_baseline_same_vf(&base, &now));
	now.dev_ino++;
	assert_false(sh_baseline_same_vf(&base, &now));
	fresh(&now);
	now.vf_index = 1; /* the address given to another VF index */
	assert_false(sh_baseline_same_vf(&base, &now));
	fresh(&now);
	snprintf(now.pf_pci, sizeof(now.pf_pci), "0000:3f:00.0");
	assert_false(sh_baseline_same_vf(&base, &now));
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"{\"version\": 2, \"vf_pci\": \"0000:3e:10.0\"}", /* newer */
		"{\"vf_pci\": \"0000:3e:10.0\"}",		  /* no version */
		"[]",
	};
	struct sh_baseline b, back;
	struct sh_error err;
	char *json = NULL, *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(sh_baseline_parse(bad[i], &back, &err) < 0);
	assert_int_equal(sh_baseline_parse(bad[0], &back, &err), -EPROTONOSUPPORT);
	/* each required key, broken in turn */
	fresh(&b);
	assert_int_equal(sh_baseline_format(&b, &json), 0);
	p = strstr(json, "\"0000:3e:10.0\"");
	assert_non_null(p);
	memcpy(p + 1, "not-a-pci!!!", 12);
	assert_int_equal(sh_baseline_parse(json, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "vf_pci"));
	free(json);
	b.dev_ino = 0; /* no identity: could never tell a recreated VF */
	assert_int_equal(sh_baseline_format(&b, &json), -EINVAL);
	assert_null(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_is_clean), cmocka_unit_test(test_each_kind_named),
		cmocka_unit_test(test_link_items),     cmocka_unit_test(test_settings),
		cmocka_unit_test(test_unknown_state),  cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_identity),       cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
