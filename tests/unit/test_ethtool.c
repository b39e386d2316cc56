/* The ethtool state through the ethtool netlink family: the requests as the kernel must get them
 * (nlctrl's family lookup, each part's GET with the device's index and compact bitsets, a SET that
 * carries only what differs), replies parsed into the words the claim record keeps, and on this
 * machine's loopback device the family and SIOCETHTOOL reading the same words, with the debug line
 * that names the way taken. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/sys/ethtool.h"
#include "sriov-hook/sys/ethtool_ioctl.h"
#include "sriov-hook/sys/ethtool_nl.h"

#define FAMILY 0x1b

static struct genlmsghdr *genl_hdr(struct nl_msg *msg)
{
	return nlmsg_data(nlmsg_hdr(msg));
}

/* The top-level attributes of a generic netlink message (max: highest type kept). */
static void parse(struct nl_msg *msg, struct nlattr **tb, int max)
{
	assert_int_equal(nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, max, NULL), 0);
}

/* A reply as the kernel would send it: the genetlink header with cmd, attributes to follow. */
static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *h;

	assert_non_null(msg);
	assert_non_null(h = nlmsg_put(msg, 0, 0, FAMILY, GENL_HDRLEN, 0));
	((struct genlmsghdr *)nlmsg_data(h))->cmd = cmd;
	((struct genlmsghdr *)nlmsg_data(h))->version = ETHTOOL_GENL_VERSION;
	return msg;
}

/* A compact bitset without mask, as the kernel puts its replies' bitsets. */
static void put_reply_bitset(struct nl_msg *msg, int type, const uint32_t *words, uint32_t nbits)
{
	struct nlattr *set = nla_nest_start(msg, type | NLA_F_NESTED);

	assert_non_null(set);
	assert_int_equal(nla_put_flag(msg, ETHTOOL_A_BITSET_NOMASK), 0);
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, nbits), 0);
	assert_int_equal(nla_put(msg, ETHTOOL_A_BITSET_VALUE, (int)((nbits + 31) / 32 * 4), words), 0);
	nla_nest_end(msg, set);
}

static void test_family_lookup(void **state)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nl_msg *msg = sh_ethnl_family_msg(), *rep;
	uint16_t id = 0;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(genl_hdr(msg)->cmd, CTRL_CMD_GETFAMILY);
	parse(msg, tb, CTRL_ATTR_MAX);
	assert_non_null(tb[CTRL_ATTR_FAMILY_NAME]);
	assert_string_equal(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "ethtool");
	nlmsg_free(msg);

	/* nlctrl's answer gives the id */
	rep = reply(CTRL_CMD_NEWFAMILY);
	assert_int_equal(nla_put_string(rep, CTRL_ATTR_FAMILY_NAME, "ethtool"), 0);
	assert_int_equal(nla_put_u16(rep, CTRL_ATTR_FAMILY_ID, 27), 0);
	assert_int_equal(sh_ethnl_family_parse(rep, &id), NL_OK);
	assert_int_equal(id, 27);
	nlmsg_free(rep);
	/* another command is not it */
	id = 0;
	rep = reply(CTRL_CMD_NEWOPS);
	assert_int_equal(nla_put_u16(rep, CTRL_ATTR_FAMILY_ID, 99), 0);
	assert_int_equal(sh_ethnl_family_parse(rep, &id), NL_SKIP);
	assert_int_equal(id, 0);
	nlmsg_free(rep);
}

static void test_get_requests(void **state)
{
	static const uint8_t cmds[SH_ETH_PART_COUNT] = {
		[SH_ETH_FEATURES] = ETHTOOL_MSG_FEATURES_GET, [SH_ETH_RINGS] = ETHTOOL_MSG_RINGS_GET,
		[SH_ETH_CHANNELS] = ETHTOOL_MSG_CHANNELS_GET, [SH_ETH_COALESCE] = ETHTOOL_MSG_COALESCE_GET,
		[SH_ETH_PAUSE] = ETHTOOL_MSG_PAUSE_GET,	      [SH_ETH_PRIVFLAGS] = ETHTOOL_MSG_PRIVFLAGS_GET,
	};
	int p;

	(void)state;
	for (p = 0; p < SH_ETH_PART_COUNT; p++) {
		struct nlattr *tb[2], *hdr[ETHTOOL_A_HEADER_MAX + 1];
		struct nl_msg *msg = sh_ethnl_get_msg(FAMILY, 42, p);

		assert_non_null(msg);
		assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY);
		assert_int_equal(genl_hdr(msg)->cmd, cmds[p]);
		assert_int_equal(genl_hdr(msg)->version, ETHTOOL_GENL_VERSION);
		parse(msg, tb, 1);
		/* the header alone, marked nested: the family parses strictly */
		assert_non_null(tb[1]);
		assert_true(tb[1]->nla_type & NLA_F_NESTED);
		assert_int_equal(nla_parse_nested(hdr, ETHTOOL_A_HEADER_MAX, tb[1], NULL), 0);
		assert_int_equal(nla_get_u32(hdr[ETHTOOL_A_HEADER_DEV_INDEX]), 42);
		assert_null(hdr[ETHTOOL_A_HEADER_DEV_NAME]);
		assert_int_equal(nla_get_u32(hdr[ETHTOOL_A_HEADER_FLAGS]), ETHTOOL_FLAG_COMPACT_BITSETS);
		assert_int_equal(nlmsg_attrlen(nlmsg_hdr(msg), GENL_HDRLEN), nla_total_size(nla_len(tb[1])));
		nlmsg_free(msg);
	}
}

static void test_reply_features(void **state)
{
	/* 70 features: three words; the kernel's order is the ioctl's */
	const uint32_t hw[3] = {0xff, 0x1, 0x20}, wanted[3] = {0x0f, 0x1, 0x20}, nochange[3] = {0x80, 0, 0x20};
	struct sh_ethtool_state st;
	struct sh_ethnl_reply rep = {.part = SH_ETH_FEATURES, .st = &st};
	struct nl_msg *msg = reply(ETHTOOL_MSG_FEATURES_GET_REPLY);

	(void)state;
	memset(&st, 0xee, sizeof(st));
	put_reply_bitset(msg, ETHTOOL_A_FEATURES_HW, hw, 70);
	put_reply_bitset(msg, ETHTOOL_A_FEATURES_WANTED, wanted, 70);
	put_reply_bitset(msg, ETHTOOL_A_FEATURES_ACTIVE, wanted, 70);
	put_reply_bitset(msg, ETHTOOL_A_FEATURES_NOCHANGE, nochange, 70);
	assert_int_equal(sh_ethnl_reply_parse(msg, &rep), NL_SKIP); /* the ACK is still to be read */
	assert_true(rep.seen);
	assert_int_equal(rep.err, 0);
	assert_int_equal(rep.nbits, 70);
	assert_int_equal(st.features[0], 0x0f);
	assert_int_equal(st.features[2], 0x20);
	assert_int_equal(st.features[3], 0); /* words past the kernel's are zero */
	assert_int_equal(st.changeable[0], 0x7f);
	assert_int_equal(st.changeable[1], 0x1);
	assert_int_equal(st.changeable[2], 0);
	assert_int_equal(st.changeable[7], 0);
	nlmsg_free(msg);
}

static void test_reply_values(void **state)
{
	struct sh_ethtool_state st;
	struct sh_ethnl_reply rep = {.part = SH_ETH_COALESCE, .st = &st};
	struct nl_msg *msg = reply(ETHTOOL_MSG_COALESCE_GET_REPLY);
	int i;

	(void)state;
	memset(&st, 0xee, sizeof(st));
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_COALESCE_RX_USECS, 77), 0);
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX, 1), 0);
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL, 5), 0);
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_COALESCE_USE_CQE_MODE_RX, 1), 0); /* not kept */
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, 0);
	/* the words of struct ethtool_coalesce after its command */
	assert_int_equal(st.coalesce[0], 77);
	assert_int_equal(st.coalesce[offsetof(struct ethtool_coalesce, use_adaptive_rx_coalesce) / 4 - 1], 1);
	assert_int_equal(st.coalesce[offsetof(struct ethtool_coalesce, rate_sample_interval) / 4 - 1], 5);
	for (i = 1; i < 9; i++)
		assert_int_equal(st.coalesce[i], 0); /* not reported: zero, as the ioctl gives it */
	assert_int_equal(st.rings[0], 0xeeeeeeee);   /* other parts untouched */
	nlmsg_free(msg);

	msg = reply(ETHTOOL_MSG_PAUSE_GET_REPLY);
	rep = (struct sh_ethnl_reply){.part = SH_ETH_PAUSE, .st = &st};
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_PAUSE_AUTONEG, 1), 0);
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_PAUSE_RX, 0), 0);
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_PAUSE_TX, 1), 0);
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, 0);
	assert_int_equal(st.pause[0], 1);
	assert_int_equal(st.pause[1], 0);
	assert_int_equal(st.pause[2], 1);
	nlmsg_free(msg);

	msg = reply(ETHTOOL_MSG_CHANNELS_GET_REPLY);
	rep = (struct sh_ethnl_reply){.part = SH_ETH_CHANNELS, .st = &st};
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_CHANNELS_RX_MAX, 8), 0); /* a maximum: not kept */
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_CHANNELS_RX_COUNT, 2), 0);
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_CHANNELS_COMBINED_COUNT, 4), 0);
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, 0);
	assert_memory_equal(st.channels, ((uint32_t[]){2, 0, 0, 4}), sizeof(st.channels));
	nlmsg_free(msg);
}

static void test_reply_refused(void **state)
{
	uint32_t words[10] = {0x3};
	struct sh_ethtool_state st;
	struct sh_ethnl_reply rep = {.part = SH_ETH_PRIVFLAGS, .st = &st};
	struct nl_msg *msg;
	struct nlattr *set;

	(void)state;
	/* more private flags than the record keeps: not reported, as the ioctl way says it */
	msg = reply(ETHTOOL_MSG_PRIVFLAGS_GET_REPLY);
	put_reply_bitset(msg, ETHTOOL_A_PRIVFLAGS_FLAGS, words, 40);
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, -E2BIG);
	nlmsg_free(msg);
	/* a bit list (no compact value) is not read as zeros */
	rep = (struct sh_ethnl_reply){.part = SH_ETH_PRIVFLAGS, .st = &st};
	msg = reply(ETHTOOL_MSG_PRIVFLAGS_GET_REPLY);
	assert_non_null(set = nla_nest_start(msg, ETHTOOL_A_PRIVFLAGS_FLAGS | NLA_F_NESTED));
	assert_int_equal(nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, 2), 0);
	nla_nest_end(msg, set);
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, -EPROTO);
	nlmsg_free(msg);
	/* a u32 value cut short */
	rep = (struct sh_ethnl_reply){.part = SH_ETH_RINGS, .st = &st};
	msg = reply(ETHTOOL_MSG_RINGS_GET_REPLY);
	assert_int_equal(nla_put_u8(msg, ETHTOOL_A_RINGS_RX, 1), 0);
	sh_ethnl_reply_parse(msg, &rep);
	assert_int_equal(rep.err, -EPROTO);
	nlmsg_free(msg);
	/* another part's reply is not this one's */
	rep = (struct sh_ethnl_reply){.part = SH_ETH_RINGS, .st = &st};
	msg = reply(ETHTOOL_MSG_CHANNELS_GET_REPLY);
	assert_int_equal(sh_ethnl_reply_parse(msg, &rep), NL_SKIP);
	assert_false(rep.seen);
	nlmsg_free(msg);
}

/* The SET's attributes past its header (which it must have: OMIT_REPLY, the device). */
static void parse_set(struct nl_msg *msg, uint8_t cmd, struct nlattr **tb, int max)
{
	struct nlattr *hdr[ETHTOOL_A_HEADER_MAX + 1];

	assert_int_equal(genl_hdr(msg)->cmd, cmd);
	parse(msg, tb, max);
	assert_int_equal(nla_parse_nested(hdr, ETHTOOL_A_HEADER_MAX, tb[1], NULL), 0);
	assert_int_equal(nla_get_u32(hdr[ETHTOOL_A_HEADER_DEV_INDEX]), 7);
	assert_int_equal(nla_get_u32(hdr[ETHTOOL_A_HEADER_FLAGS]), ETHTOOL_FLAG_OMIT_REPLY);
}

static void test_set_values(void **state)
{
	struct sh_ethtool_state want, now;
	struct nlattr *tb[ETHTOOL_A_COALESCE_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	memset(&want, 0, sizeof(want));
	memset(&now, 0, sizeof(now));
	/* nothing differs: no message */
	want.channels[0] = now.channels[0] = 1;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_CHANNELS, &want, &now, 0, &msg), 0);
	assert_null(msg);
	/* the values that differ only: a driver refuses one it lacks, even unchanged */
	want.channels[1] = 1;
	now.channels[1] = 2;
	want.channels[3] = 0;
	now.channels[3] = 4;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_CHANNELS, &want, &now, 0, &msg), 2);
	parse_set(msg, ETHTOOL_MSG_CHANNELS_SET, tb, ETHTOOL_A_CHANNELS_MAX);
	assert_null(tb[ETHTOOL_A_CHANNELS_RX_COUNT]);
	assert_int_equal(nla_get_u32(tb[ETHTOOL_A_CHANNELS_TX_COUNT]), 1);
	assert_null(tb[ETHTOOL_A_CHANNELS_OTHER_COUNT]);
	assert_int_equal(nla_get_u32(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT]), 0);
	nlmsg_free(msg);
	/* booleans go as u8 */
	want.coalesce[9] = 1;
	want.coalesce[0] = 50;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_COALESCE, &want, &now, 0, &msg), 2);
	parse_set(msg, ETHTOOL_MSG_COALESCE_SET, tb, ETHTOOL_A_COALESCE_MAX);
	assert_int_equal(nla_get_u32(tb[ETHTOOL_A_COALESCE_RX_USECS]), 50);
	assert_int_equal(nla_len(tb[ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX]), 1);
	assert_int_equal(nla_get_u8(tb[ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX]), 1);
	nlmsg_free(msg);
	want.pause[2] = 1;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_PAUSE, &want, &now, 0, &msg), 1);
	parse_set(msg, ETHTOOL_MSG_PAUSE_SET, tb, ETHTOOL_A_PAUSE_MAX);
	assert_int_equal(nla_len(tb[ETHTOOL_A_PAUSE_TX]), 1);
	assert_null(tb[ETHTOOL_A_PAUSE_AUTONEG]);
	nlmsg_free(msg);
}

/* The compact bitset of a SET: its size, value and mask words. */
static void get_set_bitset(struct nlattr *attr, uint32_t *nbits, uint32_t *value, uint32_t *mask, int words)
{
	struct nlattr *bt[ETHTOOL_A_BITSET_MAX + 1];

	assert_non_null(attr);
	assert_true(attr->nla_type & NLA_F_NESTED);
	assert_int_equal(nla_parse_nested(bt, ETHTOOL_A_BITSET_MAX, attr, NULL), 0);
	assert_null(bt[ETHTOOL_A_BITSET_NOMASK]);
	*nbits = nla_get_u32(bt[ETHTOOL_A_BITSET_SIZE]);
	assert_int_equal(nla_len(bt[ETHTOOL_A_BITSET_VALUE]), words * 4);
	assert_int_equal(nla_len(bt[ETHTOOL_A_BITSET_MASK]), words * 4);
	memcpy(value, nla_data(bt[ETHTOOL_A_BITSET_VALUE]), words * 4);
	memcpy(mask, nla_data(bt[ETHTOOL_A_BITSET_MASK]), words * 4);
}

static void test_set_bitsets(void **state)
{
	struct sh_ethtool_state want, now;
	struct nlattr *tb[ETHTOOL_A_FEATURES_MAX + 1];
	uint32_t nbits, value[3], mask[3];
	struct nl_msg *msg;

	(void)state;
	memset(&want, 0, sizeof(want));
	memset(&now, 0, sizeof(now));
	/* tso off (bit 3) left by the holder, bit 5 too but the driver never let it change, and a
	 * bit past the kernel's 70 that the record holds */
	want.features[0] = 0x28;
	want.changeable[0] = 0x0f;
	want.features[2] = want.changeable[2] = 0x80;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_FEATURES, &want, &now, 70, &msg), 1);
	parse_set(msg, ETHTOOL_MSG_FEATURES_SET, tb, ETHTOOL_A_FEATURES_MAX);
	assert_null(tb[ETHTOOL_A_FEATURES_HW]);
	get_set_bitset(tb[ETHTOOL_A_FEATURES_WANTED], &nbits, value, mask, 3);
	assert_int_equal(nbits, 70);
	assert_int_equal(mask[0], 0x08);
	assert_int_equal(value[0], 0x08);
	assert_int_equal(mask[2], 0); /* the kernel refuses a mask past its size */
	nlmsg_free(msg);
	/* a feature to turn off: in the mask, not in the value */
	now.features[0] = 0x2c;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_FEATURES, &want, &now, 70, &msg), 1);
	parse_set(msg, ETHTOOL_MSG_FEATURES_SET, tb, ETHTOOL_A_FEATURES_MAX);
	get_set_bitset(tb[ETHTOOL_A_FEATURES_WANTED], &nbits, value, mask, 3);
	assert_int_equal(mask[0], 0x04);
	assert_int_equal(value[0], 0);
	nlmsg_free(msg);

	/* private flags: every flag the driver has counts */
	want.privflags[0] = 0x1;
	now.privflags[0] = 0x6;
	assert_int_equal(sh_ethnl_set_msg(FAMILY, 7, SH_ETH_PRIVFLAGS, &want, &now, 2, &msg), 1);
	parse_set(msg, ETHTOOL_MSG_PRIVFLAGS_SET, tb, ETHTOOL_A_PRIVFLAGS_MAX);
	get_set_bitset(tb[ETHTOOL_A_PRIVFLAGS_FLAGS], &nbits, value, mask, 1);
	assert_int_equal(nbits, 2);
	assert_int_equal(mask[0], 0x3);
	assert_int_equal(value[0], 0x1);
	nlmsg_free(msg);
}

/* The file the debug lines go to, read whole. */
static char *log_text(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The loopback device of this machine: the family and the ioctl read the same words, and the
 * debug line names the way taken, the ioctl too when the tests' switch turns netlink off. */
static void test_loopback_both_ways(void **state)
{
	_cleanup_ethnl_ struct sh_ethnl nl = {0};
	struct sh_ethtool_state a, b, c;
	struct sh_error err = {0};
	int lo = (int)if_nametoindex("lo"), fd, r;
	char path[] = "/tmp/sriov-hook-test-ethtool-XXXXXX";

	(void)state;
	if ((r = sh_ethnl_open(&nl)) == -ENOENT)
		skip(); /* no ethtool netlink family in this kernel */
	assert_int_equal(r, 0);
	assert_true(nl.family > GENL_ID_CTRL);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(sh_ethnl_read(&nl, lo, &a, SH_ETH_FEATURES), 0);
	assert_true((fd = sh_ethtool_ioctl_socket()) >= 0);
	assert_int_equal(sh_ethtool_ioctl_read(fd, "lo", &b, SH_ETH_FEATURES), 0);
	close(fd);
	assert_memory_equal(a.features, b.features, sizeof(a.features));
	assert_memory_equal(a.changeable, b.changeable, sizeof(a.changeable));
	assert_true(a.features[0] != 0);
	/* loopback has no ring parameters: the family says so as the ioctl does */
	assert_int_equal(sh_ethnl_read(&nl, lo, &a, SH_ETH_RINGS), -EOPNOTSUPP);
	/* no such device */
	assert_int_equal(sh_ethnl_read(&nl, 0x7ffffff0, &a, SH_ETH_FEATURES), -ENODEV);

	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(sh_log_open(path, &err), 0);
	/* as the hook ships: all through netlink, nothing in the log */
	unsetenv(SH_ETHTOOL_ENV);
	assert_int_equal(sh_ethtool_read(lo, "lo", &c, &err), 0);
	assert_true(c.have & (1u << SH_ETH_FEATURES));
	assert_memory_equal(c.features, b.features, sizeof(c.features));
	assert_null(strstr(log_text(path), "ethtool:"));
	setenv(SH_ETHTOOL_ENV, "netlink", 1);
	assert_int_equal(sh_ethtool_read(lo, "lo", &c, &err), 0);
	assert_non_null(strstr(log_text(path), "ethtool: lo: read features through netlink\n"));
	setenv(SH_ETHTOOL_ENV, "ioctl", 1);
	assert_int_equal(sh_ethtool_read(lo, "lo", &c, &err), 0);
	unsetenv(SH_ETHTOOL_ENV);
	assert_memory_equal(c.features, b.features, sizeof(c.features));
	assert_non_null(strstr(log_text(path),
			       "ethtool: lo: read features through ioctl (netlink off by SRIOV_HOOK_ETHTOOL=ioctl)\n"));
	sh_log_close();
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_lookup),  cmocka_unit_test(test_get_requests),
		cmocka_unit_test(test_reply_features), cmocka_unit_test(test_reply_values),
		cmocka_unit_test(test_reply_refused),  cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_set_bitsets),    cmocka_unit_test(test_loopback_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
