/* The claim record format: the round trip of every field, the PF-side settings written from the
 * settings table and named (never by an enum's ordinal), tolerant reading (unknown keys, optional
 * keys missing, versions 1, 2 and 3 as their releases wrote them, from fixtures), and the refusals
 * (required keys, bad values, a newer version). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/sys/netns.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

static void fill_record(struct sh_record *r)
{
	static const uint8_t host_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	static const uint8_t orig_mac[6] = {0xfe, 0x00, 0x00, 0x00, 0x0a, 0x01};
	static const uint8_t new_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xbb, 0x01};

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", "3f2a9c1d-container_id.with+chars");
	snprintf(r->name, sizeof(r->name), "%s", "web frontend (prod) é");
	snprintf(r->bundle, sizeof(r->bundle), "%s", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3f2a9c1d");
	r->phase = SH_PHASE_ATTACHED;
	r->slot = 7;
	r->since = 1700000000;
	r->pid = 123456;
	r->pid_start = 98765432101ULL;
	r->netns_dev = 0xffffffffffffff00ULL; /* beyond a signed 64-bit integer */
	r->netns_ino = 4026532999ULL;
	r->pidns_dev = 4;
	r->pidns_ino = 4026531836ULL;
	snprintf(r->pin, sizeof(r->pin), "%s", "netns/3f2a9c1d-container_id.with+chars@4-4026532999");
	snprintf(r->pf_name, sizeof(r->pf_name), "%s", "ens1f0");
	snprintf(r->pf_pci, sizeof(r->pf_pci), "%s", "0000:3b:00.0");
	r->pf_ifindex = 7;
	r->vf_index = 63;
	snprintf(r->vf_pci, sizeof(r->vf_pci), "%s", "0000:3b:0a.3");
	snprintf(r->host_name, sizeof(r->host_name), "%s", "ens1f0v63");
	r->host_ifindex = 1234;
	memcpy(r->host_mac, host_mac, 6);
	r->host_mtu = 9000;
	r->host_up = true;
	r->altnames_known = true;
	snprintf(r->host_altnames[0], sizeof(r->host_altnames[0]), "%s", "enp59s0f0v63");
	memset(r->host_altnames[1], 'n', sizeof(r->host_altnames[1]) - 1); /* the longest an altname gets */
	r->n_host_altnames = 2;
	snprintf(r->cont_name, sizeof(r->cont_name), "%s", "net1");
	r->cont_ifindex = 3;
	r->knobs = SH_KNOB_BIT(SH_KNOB_MAC) | SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_RATE) |
		   SH_KNOB_BIT(SH_KNOB_TRUST);
	memcpy(r->orig.mac, orig_mac, 6);
	r->orig.vlan = 4095;
	r->orig.qos = 7;
	r->orig.vlan_proto = ETH_P_8021AD;
	r->orig.spoofchk = 1;
	r->orig.trust = 1;
	r->orig.link_state = IFLA_VF_LINK_STATE_DISABLE;
	r->orig.min_tx_rate = 100;
	r->orig.max_tx_rate = 4294967295u;
	r->applied = r->orig;
	memcpy(r->applied.mac, new_mac, 6);
	r->applied.vlan = 10;
	r->applied.vlan_proto = ETH_P_8021Q;
	r->applied.trust = 0;
}

static void assert_cfg_equal(const struct sh_vf_cfg *a, const struct sh_vf_cfg *b)
{
	size_t i, n;
	const struct sh_cfg_field *f = sh_vf_cfg_fields(&n);

	for (i = 0; i < n; i++) {
		if (f[i].kind == SH_CFG_MAC)
			assert_memory_equal((const char *)a + f[i].offset, (const char *)b + f[i].offset, 6);
		else
			assert_int_equal(*(const unsigned *)((const char *)a + f[i].offset),
					 *(const unsigned *)((const char *)b + f[i].offset));
	}
}

static void assert_record_equal(const struct sh_record *a, const struct sh_record *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->bundle, b->bundle);
	assert_int_equal(a->phase, b->phase);
	assert_int_equal(a->slot, b->slot);
	assert_true(a->since == b->since);
	assert_int_equal(a->pid, b->pid);
	assert_true(a->pid_start == b->pid_start);
	assert_true(a->netns_dev == b->netns_dev);
	assert_true(a->netns_ino == b->netns_ino);
	assert_true(a->pidns_dev == b->pidns_dev && a->pidns_ino == b->pidns_ino);
	assert_int_equal(a->release, b->release);
	assert_int_equal(a->host_state.known, b->host_state.known);
	if (a->host_state.known)
		assert_memory_equal(&a->host_state, &b->host_state, sizeof(a->host_state));
	assert_string_equal(a->pin, b->pin);
	assert_string_equal(a->pf_name, b->pf_name);
	assert_string_equal(a->pf_pci, b->pf_pci);
	assert_int_equal(a->pf_ifindex, b->pf_ifindex);
	assert_int_equal(a->vf_index, b->vf_index);
	assert_string_equal(a->vf_pci, b->vf_pci);
	assert_string_equal(a->host_name, b->host_name);
	assert_int_equal(a->host_ifindex, b->host_ifindex);
	assert_memory_equal(a->host_mac, b->host_mac, 6);
	assert_int_equal(a->host_mtu, b->host_mtu);
	assert_int_equal(a->host_up, b->host_up);
	assert_int_equal(a->altnames_known, b->altnames_known);
	assert_int_equal(a->n_host_altnames, b->n_host_altnames);
	for (size_t i = 0; i < a->n_host_altnames; i++)
		assert_string_equal(a->host_altnames[i], b->host_altnames[i]);
	assert_string_equal(a->cont_name, b->cont_name);
	assert_int_equal(a->cont_ifindex, b->cont_ifindex);
	assert_int_equal(a->knobs, b->knobs);
	assert_cfg_equal(&a->orig, &b->orig);
	assert_cfg_equal(&a->applied, &b->applied);
}

static void roundtrip(const struct sh_record *r)
{
	struct sh_record back;
	struct sh_error err = {0};
	char *json = NULL;

	assert_int_equal(sh_record_format(r, &json), 0);
	assert_non_null(json);
	memset(&back, 0xa5, sizeof(back));
	if (sh_record_parse(json, &back, &err) != 0)
		fail_msg("sh_record_parse: %s\n%s", err.msg, json);
	assert_record_equal(&back, r);
	free(json);
}

static void test_roundtrip(void **state)
{
	struct sh_record r;

	(void)state;
	fill_record(&r);
	roundtrip(&r);
	for (size_t i = 0; i < SH_ARRAY_SIZE(r.host_altnames); i++)
		snprintf(r.host_altnames[i], sizeof(r.host_altnames[i]), "alt%zu", i);
	r.n_host_altnames = SH_ARRAY_SIZE(r.host_altnames);
	roundtrip(&r);

	/* the other values: each phase, nothing known, host down, no pin, no name */
	r.phase = SH_PHASE_ATTACHING;
	roundtrip(&r);
	r.phase = SH_PHASE_RETURNING;
	r.host_up = false;
	r.pin[0] = r.name[0] = r.bundle[0] = r.cont_name[0] = '\0';
	r.pid = 0;
	r.pid_start = 0;
	r.slot = -1;
	r.since = 0;
	r.knobs = 0;
	r.n_host_altnames = 0;
	memset(&r.orig, 0, sizeof(r.orig));
	roundtrip(&r);
	/* altnames unknown (a version 1 record without them) stay unknown, not "none" */
	r.altnames_known = false;
	roundtrip(&r);
	/* sharers, and the first holder gone before them */
	r.sharers[0] = (struct sh_sharer){"sidecar", 4242, 99999ULL};
	r.sharers[1] = (struct sh_sharer){"restarted", 0, 0};
	r.n_sharers = 2;
	r.holder_left = true;
	roundtrip(&r);
	r.n_sharers = 0;
	r.holder_left = false;

	/* each release mode; unset (an older record) is not written */
	r.release = SH_RELEASE_REBIND;
	roundtrip(&r);
	r.release = SH_RELEASE_RESTORE;
	roundtrip(&r);
	r.release = SH_RELEASE_UNSET;
	/* the netdev's state before the claim: every member, each ethtool part or none */
	memset(&r.host_state, 0, sizeof(r.host_state));
	r.host_state.known = true;
	r.host_state.flags = 0x1000 | 0x100;
	snprintf(r.host_state.alias, sizeof(r.host_state.alias), "uplink \"A\"");
	r.host_state.txqlen = 1000;
	r.host_state.group = 7;
	r.host_state.addrgenmode = -1;
	memcpy(r.host_state.perm_addr, "\x02\x5e\x00\x00\x00\x07", 6);
	r.host_state.xdp_prog = 12;
	r.host_state.xdp_mode = 1;
	r.host_state.tc_ingress = true;
	roundtrip(&r);
	r.host_state.eth.have = (1u << SH_ETH_PART_COUNT) - 1;
	for (size_t i = 0; i < sizeof(r.host_state.eth) / 4 - 1; i++)
		((uint32_t *)&r.host_state.eth)[i + 1] = 0xfffffff0u + (uint32_t)i;
	r.host_state.addrgenmode = 3;
	roundtrip(&r);
}

/* A VF several containers of a pod hold: each joins once, leaves once; the record says it is
 * gone only when every holder is. */
static void test_sharers(void **state)
{
	struct sh_record r;
	struct sh_holder h = {"b2", 0, 0, 4, 4026532000ULL};
	char *json = NULL;
	int go, status;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	/* one holder: the format as before sharers existed */
	fill_record(&r);
	r.phase = SH_PHASE_ATTACHED;
	snprintf(r.id, sizeof(r.id), "b1");
	r.pid = pid;
	r.pid_start = sh_proc_start_time(pid);
	assert_int_equal(sh_record_format(&r, &json), 0);
	assert_null(strstr(json, "sharers"));
	assert_null(strstr(json, "holder_left"));
	free(json);

	assert_int_equal(sh_record_sharer(&r, "b2"), -1);
	h.pid = pid;
	h.pid_start = r.pid_start;
	assert_int_equal(sh_record_add_sharer(&r, &h), 0);
	assert_int_equal(sh_record_add_sharer(&r, &h), 0); /* once */
	assert_int_equal(r.n_sharers, 1);
	assert_int_equal(sh_record_sharer(&r, "b2"), 0);
	/* the first holder leaves (poststop) or dies: the sharer keeps the VF */
	r.holder_left = true;
	assert_false(sh_record_holder_gone(&r));
	assert_false(sh_record_is_stale(&r));
	r.holder_left = false;
	r.pid_start++;
	assert_false(sh_record_holder_gone(&r));
	/* and once the sharer has gone too, the claim is stale */
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(sh_record_holder_gone(&r));
	assert_true(sh_record_remove_sharer(&r, "b2"));
	assert_false(sh_record_remove_sharer(&r, "b2"));
	assert_int_equal(r.n_sharers, 0);
	assert_true(sh_record_holder_gone(&r));
	/* no room for a ninth */
	for (size_t i = 0; i < SH_RECORD_SHARERS; i++) {
		char id[16];

		snprintf(id, sizeof(id), "s%zu", i);
		h.id = id;
		assert_int_equal(sh_record_add_sharer(&r, &h), 0);
	}
	h.id = "one-more";
	assert_int_equal(sh_record_add_sharer(&r, &h), -ENOSPC);
	assert_string_equal(r.sharers[7].id, "s7");
	close(go);

}

/* Written: the version, and every field of the settings table under orig and applied. */
static void test_format_fields(void **state)
{
	struct sh_record r;
	char *json = NULL;
	const struct sh_cfg_field *f;
	struct sh_error err = {0};
	size_t i, n;
	yajl_val t, orig, applied;
	long long v;

	(void)state;
	fill_record(&r);
	assert_int_equal(sh_record_format(&r, &json), 0);
	assert_int_equal(sh_json_parse(json, "record", &t, &err), 0);
	assert_int_equal(sh_json_get_int(t, "version", &v), 0);
	assert_int_equal(v, SH_RECORD_VERSION);
	orig = sh_json_get(t, "orig");
	applied = sh_json_get(t, "applied");
	assert_non_null(orig);
	assert_non_null(applied);
	f = sh_vf_cfg_fields(&n);
	assert_true(n >= 9);
	for (i = 0; i < n; i++) {
		assert_non_null(sh_json_get(orig, f[i].name));
		assert_non_null(sh_json_get(applied, f[i].name));
	}
	assert_int_equal(orig->u.object.len, n);
	/* a 64-bit device number is written unsigned */
	assert_non_null(strstr(json, "\"netns_dev\": 18446744073709551360"));
	yajl_tree_free(t);
	free(json);
}

/* A value the reader would refuse is never written. */
static void test_format_refuses(void **state)
{
	struct sh_record r;
	char *json = (char *)"untouched";

	(void)state;
	fill_record(&r);
	snprintf(r.id, sizeof(r.id), "../etc");
	assert_int_equal(sh_record_format(&r, &json), -EINVAL);
	assert_null(json);
	fill_record(&r);
	snprintf(r.name, sizeof(r.name), "two\nlines");
	assert_int_equal(sh_record_format(&r, &json), -EINVAL);
	fill_record(&r);
	r.vf_pci[0] = '\0';
	assert_int_equal(sh_record_format(&r, &json), -EINVAL);
}

#define BASE "\"phase\":\"attached\",\"pf_name\":\"ens1f0\",\"pf_ifindex\":7,\"vf_index\":2,\"host_name\":\"v2\""

static char *read_fixture(const char *name)
{
	char path[512];
	char *buf = NULL;
	struct sh_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	if (sh_json_read_file(path, 1 << 20, &buf, &err) < 0)
		fail_msg("%s", err.msg);
	return buf;
}

/* The first release's record of a running container, as its createRuntime wrote it. */
static void test_v1_fixture(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	char *json = read_fixture("record-v1.json");

	(void)state;
	if (sh_record_parse(json, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(r.id, "web-1");
	assert_int_equal(r.phase, SH_PHASE_ATTACHED);
	assert_int_equal(r.pid, 12873);
	assert_true(r.pid_start == 80182);
	assert_true(r.netns_dev == 4 && r.netns_ino == 4026532182ULL);
	assert_non_null(strstr(r.pin, "/netns/web-1")); /* absolute: the store makes it relative */
	assert_string_equal(r.pf_name, "sht31d7ap");
	assert_int_equal(r.pf_ifindex, 402);
	assert_string_equal(r.vf_pci, "0000:3b:10.0");
	assert_string_equal(r.host_name, "sht31d7av0");
	assert_int_equal(r.host_ifindex, 404);
	assert_int_equal(r.host_mtu, 1500);
	assert_true(r.altnames_known);
	assert_int_equal(r.n_host_altnames, 1);
	assert_string_equal(r.host_altnames[0], "sht31d7alt0");
	assert_string_equal(r.cont_name, "eth0");
	assert_int_equal(r.cont_ifindex, 404);
	/* what version 1 did not know */
	assert_int_equal(r.slot, -1);
	assert_true(r.since == 0);
	assert_string_equal(r.name, "");
	assert_string_equal(r.bundle, "");
	free(json);
}

static void test_v1_fixture_knobs(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	char *json = read_fixture("record-v1-knobs.json");
	static const uint8_t orig_mac[6] = {0xfe, 0x00, 0x00, 0x00, 0x0a, 0x01};

	(void)state;
	if (sh_record_parse(json, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.phase, SH_PHASE_ATTACHING);
	assert_true(r.pid_start == 98765432101ULL);
	assert_int_equal(r.knobs, SH_KNOB_BIT(SH_KNOB_MAC) | SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_RATE) |
					  SH_KNOB_BIT(SH_KNOB_TRUST));
	assert_memory_equal(r.orig.mac, orig_mac, 6);
	assert_int_equal(r.orig.vlan, 4095);
	assert_int_equal(r.orig.qos, 7);
	assert_int_equal(r.orig.vlan_proto, ETH_P_8021AD);
	assert_int_equal(r.orig.spoofchk, 1);
	assert_int_equal(r.orig.trust, 1);
	assert_int_equal(r.orig.link_state, IFLA_VF_LINK_STATE_DISABLE);
	assert_int_equal(r.orig.min_tx_rate, 100);
	assert_int_equal(r.orig.max_tx_rate, 4294967295u);
	free(json);
}

/* The record of fixtures/record-v2.json and record-v3.json: one claim as the last release (v2)
 * and this one (v3) wrote it, knobs MAC, VLAN, trust and rate. */
static void assert_v2_v3_record(const struct sh_record *r)
{
	static const uint8_t orig_mac[6] = {0x02, 0x5e, 0x3b, 0x00, 0x10, 0x02};
	static const uint8_t new_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xbb, 0x01};

	assert_string_equal(r->id, "9c1d0e7a4b2f");
	assert_string_equal(r->name, "web-2");
	assert_int_equal(r->phase, SH_PHASE_ATTACHED);
	assert_int_equal(r->slot, 0);
	assert_true(r->since == 1733500000);
	assert_string_equal(r->pin, "netns/9c1d0e7a4b2f@4-4026532611");
	assert_string_equal(r->vf_pci, "0000:3b:10.4");
	assert_int_equal(r->mode, SH_MODE_NETDEV);
	assert_int_equal(r->iommu_group, -1);
	assert_string_equal(r->host_name, "ens1f0v2");
	assert_int_equal(r->knobs, SH_KNOB_BIT(SH_KNOB_MAC) | SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_TRUST) |
					   SH_KNOB_BIT(SH_KNOB_RATE));
	assert_memory_equal(r->orig.mac, orig_mac, 6);
	assert_int_equal(r->orig.vlan_proto, ETH_P_8021Q);
	assert_int_equal(r->orig.spoofchk, 1);
	assert_memory_equal(r->applied.mac, new_mac, 6);
	assert_int_equal(r->applied.vlan, 100);
	assert_int_equal(r->applied.qos, 3);
	assert_int_equal(r->applied.vlan_proto, ETH_P_8021AD);
	assert_int_equal(r->applied.trust, 1);
	assert_int_equal(r->applied.max_tx_rate, 1000);
}

/* The previous release's record: the knobs as enum sh_knob's bits of that release. */
static void test_v2_fixture(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	char *json = read_fixture("record-v2.json");

	(void)state;
	if (sh_record_parse(json, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_v2_v3_record(&r);
	free(json);
}

/* This release's record reads back to the same claim, and writing that claim gives the fixture's
 * bytes again: a change to the format shows here, and needs a new version and fixture. */
static void test_v3_fixture(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	char *json = read_fixture("record-v3.json"), *again = NULL;

	(void)state;
	if (sh_record_parse(json, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_v2_v3_record(&r);
	assert_int_equal(sh_record_format(&r, &again), 0);
	assert_string_equal(again, json);
	free(again);
	free(json);
}

/* The container-side setup heal redoes: kept through a round trip, written only when set, and its
 * address lists read back as they were given. */
static void test_setup_fields(void **state)
{
	struct sh_record r, back;
	struct sh_ip addrs[2], gws[1], got[4];
	struct sh_error err = {0};
	char *json = NULL, buf[64];
	size_t n;

	(void)state;
	fill_record(&r);
	r.cont_mtu = 0;
	r.cont_ip[0] = r.cont_gateway[0] = '\0';
	r.lost_since = 0;
	assert_int_equal(sh_record_format(&r, &json), 0);
	assert_null(strstr(json, "cont_mtu"));
	assert_null(strstr(json, "cont_ip"));
	assert_null(strstr(json, "lost_since"));
	free(json);

	assert_int_equal(sh_parse_ip("10.1.0.2/24", true, &addrs[0]), 0);
	assert_int_equal(sh_parse_ip("fd00::2/64", true, &addrs[1]), 0);
	assert_int_equal(sh_parse_ip("10.1.0.1", false, &gws[0]), 0);
	sh_record_set_setup(&r, 9000, addrs, 2, gws, 1);
	r.lost_since = 1700000000;
	assert_int_equal(sh_record_format(&r, &json), 0);
	if (sh_record_parse(json, &back, &err) != 0)
		fail_msg("%s", err.msg);
	free(json);
	assert_int_equal(back.cont_mtu, 9000);
	assert_string_equal(back.cont_ip, "10.1.0.2/24,fd00::2/64");
	assert_string_equal(back.cont_gateway, "10.1.0.1");
	assert_int_equal(back.lost_since, 1700000000);
	assert_int_equal(sh_record_ips(back.cont_ip, true, got, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(sh_format_ip(&got[1], buf, sizeof(buf)), "fd00::2/64");
	assert_int_equal(sh_record_ips("", true, got, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sh_record_ips("10.1.0.2/24,bogus", true, got, 4, &n), -EINVAL);
	assert_int_equal(sh_record_ips("1.1.1.1,2.2.2.2", false, got, 1, &n), -EINVAL);
}

/* Each bit versions 1 and 2 wrote means the knob it meant then, whatever the enum is now. */
static void test_v2_knob_bits(void **state)
{
	static const enum sh_knob then[] = {SH_KNOB_MAC,   SH_KNOB_VLAN,       SH_KNOB_SPOOFCHK,
					    SH_KNOB_TRUST, SH_KNOB_LINK_STATE, SH_KNOB_RATE};
	struct sh_record r;
	struct sh_error err = {0};
	char json[256];
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(then); i++) {
		snprintf(json, sizeof(json),
			 "{\"version\":2,\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":%u," BASE "}", 1u << i);
		if (sh_record_parse(json, &r, &err) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(r.knobs, SH_KNOB_BIT(then[i]));
	}
}

/* Version 3 names every setting of each knob changed, in the table's order; any one of a knob's
 * settings brings back the whole knob. */
static void test_knobs_by_name(void **state)
{
	const struct sh_vf_setting *s;
	struct sh_record r;
	struct sh_error err = {0};
	yajl_val t, knobs;
	char *json = NULL;
	size_t i, k, n;

	(void)state;
	fill_record(&r);
	assert_int_equal(sh_record_format(&r, &json), 0);
	assert_int_equal(sh_json_parse(json, "record", &t, &err), 0);
	knobs = sh_json_get(t, "knobs");
	assert_true(YAJL_IS_ARRAY(knobs));
	for (s = sh_vf_settings(&n), i = 0, k = 0; i < n; i++) {
		if (!(r.knobs & SH_KNOB_BIT(s[i].knob)))
			continue;
		assert_true(k < knobs->u.array.len);
		assert_string_equal(YAJL_GET_STRING(knobs->u.array.values[k]), s[i].name);
		k++;
	}
	assert_int_equal(k, knobs->u.array.len);
	yajl_tree_free(t);
	free(json);

	assert_int_equal(sh_record_parse("{\"version\":3,\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\","
					 "\"knobs\":[\"qos\",\"max_tx_rate\"]," BASE "}",
					 &r, &err),
			 0);
	assert_int_equal(r.knobs, SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_RATE));
}

/* version 1 wrote 64-bit numbers signed: a device number above 2^63 came out negative */
static void test_v1_negative_u64(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	const char *json = "{\"id\":\"a\",\"phase\":\"attached\",\"netns_dev\":-256,\"pid_start\":-1,"
			   "\"pf_name\":\"p\",\"pf_ifindex\":1,\"vf_index\":0,\"vf_pci\":\"0000:3b:10.0\","
			   "\"host_name\":\"v\"}";

	(void)state;
	assert_int_equal(sh_record_parse(json, &r, &err), 0);
	assert_true(r.netns_dev == 0xffffffffffffff00ULL);
	assert_true(r.pid_start == ~0ULL);
}

/* Unknown keys are ignored and optional ones default: a later release's additions, or an earlier
 * one's omissions, do not strand the VF. */
static void test_tolerant(void **state)
{
	struct sh_record r;
	struct sh_error err = {0};
	const char *minimal = "{\"id\":\"c1\",\"phase\":\"attached\",\"pf_name\":\"ens1f0\",\"pf_ifindex\":7,"
			      "\"vf_index\":2,\"vf_pci\":\"0000:3b:10.2\",\"host_name\":\"ens1f0v2\"}";
	const char *extra =
		"{\"version\":2,\"id\":\"c1\",\"phase\":\"returning\",\"pf_name\":\"ens1f0\",\"pf_ifindex\":7,"
		"\"vf_index\":2,\"vf_pci\":\"0000:3b:10.2\",\"host_name\":\"ens1f0v2\","
		"\"future\":{\"a\":[1,2]},\"orig\":{\"vlan\":5,\"newknob\":3}}";
	const char *pidns = "{\"version\":3,\"id\":\"c1\",\"phase\":\"attached\",\"pf_name\":\"ens1f0\","
			    "\"pf_ifindex\":7,\"vf_index\":2,\"vf_pci\":\"0000:3b:10.2\",\"host_name\":\"ens1f0v2\","
			    "\"pid\":42,\"pidns_dev\":4,\"pidns_ino\":4026532444}";
	char *again = NULL;

	(void)state;
	if (sh_record_parse(minimal, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(r.id, "c1");
	assert_int_equal(r.slot, -1);
	assert_int_equal(r.pid, 0);
	assert_int_equal(r.knobs, 0);
	assert_int_equal(r.host_mtu, 0);
	assert_false(r.altnames_known);
	assert_string_equal(r.pin, "");
	/* before the PID namespace was recorded: zero, which readers take for the host's */
	assert_true(r.pidns_dev == 0 && r.pidns_ino == 0);
	/* before vfio mode: a netdev VF */
	assert_int_equal(r.mode, SH_MODE_NETDEV);
	assert_int_equal(r.iommu_group, -1);
	assert_string_equal(r.driver, "");
	if (sh_record_parse(extra, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.phase, SH_PHASE_RETURNING);
	assert_true(r.pidns_dev == 0 && r.pidns_ino == 0);
	assert_int_equal(r.orig.vlan, 5);
	assert_int_equal(r.orig.qos, 0);
	/* a name an earlier release wrote with a C1 control (printable then) is still read */
	if (sh_record_parse("{\"id\":\"c1\",\"name\":\"x\\u009b1m\",\"phase\":\"attached\",\"pf_name\":\"ens1f0\","
			    "\"pf_ifindex\":7,\"vf_index\":2,\"vf_pci\":\"0000:3b:10.2\",\"host_name\":\"ens1f0v2\"}",
			    &r, &err) != 0)
		fail_msg("%s", err.msg);
	/* the PID namespace, added to version 3: read, and written only when known */
	if (sh_record_parse(pidns, &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(r.pidns_dev == 4 && r.pidns_ino == 4026532444ULL);
	assert_int_equal(sh_record_format(&r, &again), 0);
	assert_non_null(strstr(again, "\"pidns_ino\": 4026532444"));
	free(again);
	r.pidns_dev = r.pidns_ino = 0;
	assert_int_equal(sh_record_format(&r, &again), 0);
	assert_null(strstr(again, "pidns"));
	free(again);
}

/* A vfio VF's record: no netdev when it was bound ahead; the driver to give it back to. */
static void test_vfio(void **state)
{
	struct sh_record r, back;
	struct sh_error err = {0};
	char *json;

	(void)state;
	if (sh_record_parse("{\"id\":\"c1\",\"phase\":\"attached\",\"pf_name\":\"ens1f0\",\"pf_ifindex\":7,"
			    "\"vf_index\":2,\"vf_pci\":\"0000:3b:10.2\",\"mode\":\"vfio\",\"iommu_group\":41}",
			    &r, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r.mode, SH_MODE_VFIO);
	assert_int_equal(r.iommu_group, 41);
	assert_string_equal(r.host_name, "");
	snprintf(r.driver, sizeof(r.driver), "igbvf");
	snprintf(r.host_name, sizeof(r.host_name), "ens1f0v2");
	assert_int_equal(sh_record_format(&r, &json), 0);
	assert_non_null(strstr(json, "\"mode\": \"vfio\",\n    \"driver\": \"igbvf\",\n    \"iommu_group\": 41"));
	assert_int_equal(sh_record_parse(json, &back, &err), 0);
	assert_int_equal(back.mode, SH_MODE_VFIO);
	assert_string_equal(back.driver, "igbvf");
	assert_string_equal(back.host_name, "ens1f0v2");
	free(json);
}

static void expect_refused(const char *json, const char *needle)
{
	struct sh_record r;
	struct sh_error err = {0};

	if (sh_record_parse(json, &r, &err) == 0)
		fail_msg("accepted: %s", json);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\" for %s", err.msg, needle, json);
}

static void test_refused(void **state)
{
	(void)state;
	/* what restore cannot do without */
	expect_refused("{" BASE "}", "\"id\" is missing");
	expect_refused("{\"id\":\"c1\"," BASE "}", "\"vf_pci\" is missing");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"pf_name\":\"e\",\"pf_ifindex\":1,\"vf_index\":0,"
		       "\"host_name\":\"v\"}",
		       "\"phase\" is missing");
	/* values that would build paths or requests */
	expect_refused("{\"id\":\"../x\",\"vf_pci\":\"0000:3b:10.2\"," BASE "}", "\"id\" is not valid");
	expect_refused("{\"id\":\"a/b\",\"vf_pci\":\"0000:3b:10.2\"," BASE "}", "\"id\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"../../x\"," BASE "}", "\"vf_pci\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"cont_name\":\"a/b\"," BASE "}",
		       "\"cont_name\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"phase\":\"gone\",\"pf_name\":\"e\","
		       "\"pf_ifindex\":1,\"vf_index\":0,\"host_name\":\"v\"}",
		       "\"phase\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"pid\":-4," BASE "}", "\"pid\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"slot\":64," BASE "}", "\"slot\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":4096," BASE "}", "\"knobs\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":64," BASE "}", "\"knobs\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":-1," BASE "}", "\"knobs\" is not valid");
	/* a setting this release cannot put back is not silently left as the container had it */
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":[\"vlan\",\"nosuch\"]," BASE "}",
		       "\"knobs\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":[1]," BASE "}", "\"knobs\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"knobs\":\"vlan\"," BASE "}",
		       "\"knobs\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"host_mac\":\"zz\"," BASE "}",
		       "\"host_mac\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"orig\":{\"vlan\":-1}," BASE "}",
		       "\"orig\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"host_altnames\":[\"\"]," BASE "}",
		       "\"host_altnames\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"host_altnames\":[1,2,3,4,5,6,7,8,9]," BASE "}",
		       "\"host_altnames\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"netns_ino\":\"4\"," BASE "}",
		       "\"netns_ino\" is not valid");
	/* a netdev VF's record names its netdev; modes are netdev and vfio */
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"phase\":\"attached\",\"pf_name\":\"e\","
		       "\"pf_ifindex\":1,\"vf_index\":0}",
		       "\"host_name\" is missing");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"mode\":\"dpdk\"," BASE "}",
		       "\"mode\" is not valid");
	expect_refused("{\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\",\"iommu_group\":-2," BASE "}",
		       "\"iommu_group\" is not valid");
	/* a record a later, incompatible release wrote */
	expect_refused("{\"version\":4,\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\"," BASE "}", "version 4 is newer");
	expect_refused("{\"version\":\"2\",\"id\":\"c1\",\"vf_pci\":\"0000:3b:10.2\"," BASE "}", "\"version\"");
	/* not a record at all */
	expect_refused("[]", "not a JSON object");
	expect_refused("{", "not valid JSON");
}

/* ---- what a record says of its holder
 * ----------------------------------------------------------------------------------- */

static void test_holders(void **state)
{
	struct sh_record r;
	struct sh_holder h;
	int go, status;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "c1");
	r.phase = SH_PHASE_ATTACHED;
	r.pid = pid;
	r.pid_start = sh_proc_start_time(pid);
	r.netns_dev = 4;
	r.netns_ino = 4026532000ULL;
	assert_false(sh_record_holder_gone(&r));
	assert_false(sh_record_is_stale(&r));
	assert_int_equal(sh_record_state(&r), SH_CLAIM_HELD);
	/* attaching with the lock free (the caller holds it): the hook died mid-way */
	r.phase = SH_PHASE_ATTACHING;
	assert_true(sh_record_is_stale(&r));
	r.phase = SH_PHASE_RETURNING;
	assert_true(sh_record_is_stale(&r));
	assert_int_equal(sh_record_state(&r), SH_CLAIM_RETURNING);
	r.phase = SH_PHASE_ATTACHED;
	/* its identity: id, init (pid and start time), namespace */
	h = (struct sh_holder){"c1", pid, r.pid_start, 4, 4026532000ULL};
	assert_true(sh_record_held_by(&r, &h));
	h.id = "c2";
	assert_false(sh_record_held_by(&r, &h));
	h.id = "c1";
	h.pid_start++;
	assert_false(sh_record_held_by(&r, &h));
	h.pid_start--;
	h.netns_ino++;
	assert_false(sh_record_held_by(&r, &h));
	/* the pid reused by another process */
	r.pid_start += 1;
	assert_true(sh_record_holder_gone(&r));
	r.pid_start -= 1;
	/* gone (a zombie counts as gone) */
	assert_int_equal(write(go, "x", 1), 1);
	usleep(100 * 1000);
	assert_true(sh_record_holder_gone(&r));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(sh_record_holder_gone(&r));
	assert_true(sh_record_is_stale(&r));
	assert_int_equal(sh_record_state(&r), SH_CLAIM_STALE);
	/* unknown holder (no pid given at createRuntime): never gone by the pid */
	r.pid = 0;
	assert_false(sh_record_holder_gone(&r));
	close(go);
}

/* A pid recorded in another PID namespace than the one /proc shows is never read here: a holder
 * that looks gone by it is not judged gone (gc from a pod without hostPID). */
static void test_holder_other_pidns(void **state)
{
	struct sh_record r;
	uint64_t dev, ino;

	(void)state;
	assert_int_equal(sh_pidns_self(&dev, &ino), 0);
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "c1");
	r.phase = SH_PHASE_ATTACHED;
	r.pid = getpid();
	r.pid_start = sh_proc_start_time(r.pid) + 1; /* the pid names another process now */
	r.pidns_dev = dev;
	r.pidns_ino = ino;
	assert_true(sh_record_pid_readable(&r));
	assert_true(sh_record_holder_gone(&r));
	r.pidns_ino = ino + 1;
	assert_false(sh_record_pid_readable(&r));
	assert_false(sh_record_holder_gone(&r));
	assert_false(sh_record_is_stale(&r));
	assert_int_equal(sh_record_state(&r), SH_CLAIM_HELD);
	/* a record older than the field: made in the host's namespace */
	r.pidns_dev = r.pidns_ino = 0;
	assert_true(sh_record_pid_readable(&r) == (ino == SH_PIDNS_INIT_INO));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vfio),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format_fields),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_v1_fixture),
		cmocka_unit_test(test_v1_fixture_knobs),
		cmocka_unit_test(test_v1_negative_u64),
		cmocka_unit_test(test_v2_fixture),
		cmocka_unit_test(test_v3_fixture),
		cmocka_unit_test(test_v2_knob_bits),
		cmocka_unit_test(test_setup_fields),
		cmocka_unit_test(test_knobs_by_name),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_holders),
		cmocka_unit_test(test_sharers),
		cmocka_unit_test(test_holder_other_pidns),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
