/* The ethtool state through the ethtool generic netlink family. A part is one GET and one SET
 * message; the words of struct sh_ethtool_state map onto the message's attributes in order (the
 * table below), so a record written by either way reads the same. */
#include "sriov-hook/sys/ethtool_nl.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stddef.h>
#include <string.h>

#include "sriov-hook/sys/nl-internal.h"
#include "sriov-hook/sys/nl.h"

/* Every part's message: the GET, its reply and the SET command; for the parts of plain values,
 * the attribute of word 0 (the others follow it in order) and which words travel as u8. */
static const struct nlpart {
	uint8_t get, reply, set;
	uint16_t first;
	uint32_t u8_words;
} nlparts[SH_ETH_PART_COUNT] = {
	[SH_ETH_FEATURES] = {ETHTOOL_MSG_FEATURES_GET, ETHTOOL_MSG_FEATURES_GET_REPLY, ETHTOOL_MSG_FEATURES_SET, 0, 0},
	[SH_ETH_RINGS] = {ETHTOOL_MSG_RINGS_GET, ETHTOOL_MSG_RINGS_GET_REPLY, ETHTOOL_MSG_RINGS_SET, ETHTOOL_A_RINGS_RX,
			  0},
	[SH_ETH_CHANNELS] = {ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_MSG_CHANNELS_GET_REPLY, ETHTOOL_MSG_CHANNELS_SET,
			     ETHTOOL_A_CHANNELS_RX_COUNT, 0},
	[SH_ETH_COALESCE] = {ETHTOOL_MSG_COALESCE_GET, ETHTOOL_MSG_COALESCE_GET_REPLY, ETHTOOL_MSG_COALESCE_SET,
			     ETHTOOL_A_COALESCE_RX_USECS,
			     1u << (ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX - ETHTOOL_A_COALESCE_RX_USECS) |
				     1u << (ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX - ETHTOOL_A_COALESCE_RX_USECS)},
	[SH_ETH_PAUSE] = {ETHTOOL_MSG_PAUSE_GET, ETHTOOL_MSG_PAUSE_GET_REPLY, ETHTOOL_MSG_PAUSE_SET,
			  ETHTOOL_A_PAUSE_AUTONEG, 0x7},
	[SH_ETH_PRIVFLAGS] = {ETHTOOL_MSG_PRIVFLAGS_GET, ETHTOOL_MSG_PRIVFLAGS_GET_REPLY, ETHTOOL_MSG_PRIVFLAGS_SET, 0,
			      0},
};

/* The words of a part are the ioctl struct's fields, and the attributes list the same fields in
 * the same order: what makes the two ways interchangeable. */
#define WORD_OF(type, field) (offsetof(type, field) / 4 - 1)
_Static_assert(ETHTOOL_A_RINGS_TX - ETHTOOL_A_RINGS_RX == 3, "rings: rx, rx_mini, rx_jumbo, tx");
_Static_assert(ETHTOOL_A_CHANNELS_COMBINED_COUNT - ETHTOOL_A_CHANNELS_RX_COUNT == 3,
	       "channels: rx, tx, other, combined");
_Static_assert(ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL - ETHTOOL_A_COALESCE_RX_USECS == SH_ETH_COALESCE_WORDS - 1,
	       "coalesce: one attribute per word");
_Static_assert(ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX - ETHTOOL_A_COALESCE_RX_USECS ==
		       WORD_OF(struct ethtool_coalesce, use_adaptive_rx_coalesce),
	       "coalesce: adaptive rx");
_Static_assert(ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL - ETHTOOL_A_COALESCE_RX_USECS ==
		       WORD_OF(struct ethtool_coalesce, rate_sample_interval),
	       "coalesce: rate sample interval");
_Static_assert(ETHTOOL_A_PAUSE_TX - ETHTOOL_A_PAUSE_AUTONEG == 2, "pause: autoneg, rx, tx");
/* Every part's header is its attribute 1. */
_Static_assert(ETHTOOL_A_FEATURES_HEADER == 1 && ETHTOOL_A_RINGS_HEADER == 1 && ETHTOOL_A_CHANNELS_HEADER == 1 &&
		       ETHTOOL_A_COALESCE_HEADER == 1 && ETHTOOL_A_PAUSE_HEADER == 1 && ETHTOOL_A_PRIVFLAGS_HEADER == 1,
	       "part headers");
#define PART_HEADER 1
/* Attributes of a reply read here are below this; newer ones are ignored. */
#define REPLY_ATTRS 32

/* ---- messages --------------------------------------------------------------------------------- */

/* A generic netlink message: the netlink header, then struct genlmsghdr as its payload. */
static struct nl_msg *genl_msg(uint16_t family, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr g = {.cmd = cmd, .version = version};
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *h;

	if (!msg)
		return NULL;
	if (!(h = nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, GENL_HDRLEN, 0))) {
		nlmsg_free(msg);
		return NULL;
	}
	memcpy(nlmsg_data(h), &g, sizeof(g));
	return msg;
}

/* The command of a generic netlink message, -1 when it is too short to have one. */
static int genl_cmd(struct nlmsghdr *h)
{
	return nlmsg_datalen(h) >= (int)GENL_HDRLEN ? ((struct genlmsghdr *)nlmsg_data(h))->cmd : -1;
}

struct nl_msg *sh_ethnl_family_msg(void)
{
	struct nl_msg *msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);

	if (msg && nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int sh_ethnl_family_parse(struct nl_msg *msg, void *id)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genl_cmd(h) != CTRL_CMD_NEWFAMILY || nlmsg_parse(h, GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[CTRL_ATTR_FAMILY_ID] && nla_len(tb[CTRL_ATTR_FAMILY_ID]) >= 2)
		*(uint16_t *)id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return NL_OK;
}

/* The request header every ethtool message starts with: the device and the request's flags. A
 * nested attribute must say so (NLA_F_NESTED): the family parses strictly. */
static struct nl_msg *ethtool_msg(uint16_t family, uint8_t cmd, int ifindex, uint32_t flags)
{
	struct nl_msg *msg = genl_msg(family, cmd, ETHTOOL_GENL_VERSION);
	struct nlattr *hdr;

	if (!msg)
		return NULL;
	if (!(hdr = nla_nest_start(msg, PART_HEADER | NLA_F_NESTED)) ||
	    nla_put_u32(msg, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)ifindex) < 0 ||
	    nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS, flags) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, hdr);
	return msg;
}

struct nl_msg *sh_ethnl_get_msg(uint16_t family, int ifindex, enum sh_eth_part part)
{
	return ethtool_msg(family, nlparts[part].get, ifindex, ETHTOOL_FLAG_COMPACT_BITSETS);
}

/* A compact bitset into words (cap of them; the rest zeroed) and its size in bits. */
static int get_bitset(struct nlattr *attr, uint32_t *words, size_t cap, unsigned *nbits)
{
	struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1];
	size_t n;

	if (!attr || nla_parse_nested(tb, ETHTOOL_A_BITSET_MAX, attr, NULL) < 0)
		return -EPROTO;
	if (!tb[ETHTOOL_A_BITSET_SIZE] || !tb[ETHTOOL_A_BITSET_VALUE] || nla_len(tb[ETHTOOL_A_BITSET_SIZE]) < 4)
		return -EPROTO; /* a bit list: the kernel ignored the compact flag */
	*nbits = nla_get_u32(tb[ETHTOOL_A_BITSET_SIZE]);
	n = (*nbits + 31) / 32;
	if (n > cap)
		return -E2BIG;
	if ((size_t)nla_len(tb[ETHTOOL_A_BITSET_VALUE]) < n * 4)
		return -EPROTO;
	memset(words, 0, cap * 4);
	memcpy(words, nla_data(tb[ETHTOOL_A_BITSET_VALUE]), n * 4);
	return 0;
}

/* The features as the ioctl gives them: the wanted bits, and the changeable ones (the driver's
 * hw_features less those the kernel never lets change). */
static int parse_features(struct nlattr **tb, struct sh_ethtool_state *st, unsigned *nbits)
{
	uint32_t nochange[SH_ETH_FEATURE_WORDS];
	unsigned n2;
	size_t i;
	int r;

	if ((r = get_bitset(tb[ETHTOOL_A_FEATURES_WANTED], st->features, SH_ETH_FEATURE_WORDS, nbits)) < 0 ||
	    (r = get_bitset(tb[ETHTOOL_A_FEATURES_HW], st->changeable, SH_ETH_FEATURE_WORDS, &n2)) < 0 ||
	    (r = get_bitset(tb[ETHTOOL_A_FEATURES_NOCHANGE], nochange, SH_ETH_FEATURE_WORDS, &n2)) < 0)
		return r;
	for (i = 0; i < SH_ETH_FEATURE_WORDS; i++)
		st->changeable[i] &= ~nochange[i];
	return 0;
}

static int parse_values(struct nlattr **tb, const struct nlpart *np, uint32_t *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct nlattr *a = tb[np->first + i];
		bool u8 = np->u8_words & (1u << i);

		if (!a) {
			w[i] = 0; /* not reported: as the ioctl leaves it */
			continue;
		}
		if (nla_len(a) < (u8 ? 1 : 4))
			return -EPROTO;
		w[i] = u8 ? nla_get_u8(a) : nla_get_u32(a);
	}
	return 0;
}

int sh_ethnl_reply_parse(struct nl_msg *msg, void *reply)
{
	struct sh_ethnl_reply *rep = reply;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	const struct nlpart *np = &nlparts[rep->part];
	struct nlattr *tb[REPLY_ATTRS];
	uint32_t *w;
	size_t n;

	if (genl_cmd(h) != np->reply)
		return NL_SKIP;
	rep->seen = true;
	if (nlmsg_parse(h, GENL_HDRLEN, tb, REPLY_ATTRS - 1, NULL) < 0) {
		rep->err = -EPROTO;
		return NL_SKIP;
	}
	w = sh_ethtool_part_words(rep->st, rep->part, &n);
	if (rep->part == SH_ETH_FEATURES)
		rep->err = parse_features(tb, rep->st, &rep->nbits);
	else if (rep->part == SH_ETH_PRIVFLAGS)
		rep->err = get_bitset(tb[ETHTOOL_A_PRIVFLAGS_FLAGS], w, n, &rep->nbits);
	else
		rep->err = parse_values(tb, np, w, n);
	/* A malformed reply is the caller's error, never libnl's: the ACK behind it must still be
	 * read, or the socket's next request would get it. */
	return NL_SKIP;
}

/* A compact bitset of nbits that sets the bits in mask to their value in value. */
static int put_bitset(struct nl_msg *msg, int type, const uint32_t *value, const uint32_t *mask, unsigned nbits)
{
	size_t n = (nbits + 31) / 32;
	struct nlattr *set;

	if (!(set = nla_nest_start(msg, type | NLA_F_NESTED)) || nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, nbits) < 0 ||
	    nla_put(msg, ETHTOOL_A_BITSET_VALUE, (int)(n * 4), value) < 0 ||
	    nla_put(msg, ETHTOOL_A_BITSET_MASK, (int)(n * 4), mask) < 0)
		return -ENOMEM;
	nla_nest_end(msg, set);
	return 0;
}

/* The bits of part (features or private flags) to change: those that differ where they count,
 * within the kernel's nbits. The number of words that have any. */
static size_t bits_to_change(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			     enum sh_eth_part part, unsigned nbits, uint32_t *value, uint32_t *mask)
{
	size_t n, i, changed = 0;
	const uint32_t *a = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
	const uint32_t *b = sh_ethtool_part_words((struct sh_ethtool_state *)now, part, &n);

	for (i = 0; i < n; i++) {
		uint32_t in_kernel = nbits >= 32 * (i + 1) ? ~0u : nbits > 32 * i ? (1u << (nbits - 32 * i)) - 1 : 0;
		uint32_t counts = part == SH_ETH_FEATURES ? want->changeable[i] : ~0u;

		mask[i] = (a[i] ^ b[i]) & counts & in_kernel;
		value[i] = a[i] & mask[i];
		changed += mask[i] != 0;
	}
	return changed;
}

static int put_changes(struct nl_msg *msg, enum sh_eth_part part, const struct sh_ethtool_state *want,
		       const struct sh_ethtool_state *now, unsigned nbits)
{
	uint32_t value[SH_ETH_FEATURE_WORDS], mask[SH_ETH_FEATURE_WORDS];
	const struct nlpart *np = &nlparts[part];
	size_t n, i;
	int changed = 0;
	const uint32_t *w = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);

	if (part == SH_ETH_FEATURES || part == SH_ETH_PRIVFLAGS) {
		if (!(changed = (int)bits_to_change(want, now, part, nbits, value, mask)))
			return 0;
		return put_bitset(msg, part == SH_ETH_FEATURES ? ETHTOOL_A_FEATURES_WANTED : ETHTOOL_A_PRIVFLAGS_FLAGS,
				  value, mask, nbits) < 0
			       ? -ENOMEM
			       : changed;
	}
	for (i = 0; i < n; i++) {
		int r;

		if (!sh_ethtool_word_differs(want, now, part, i))
			continue;
		if (np->u8_words & (1u << i))
			r = nla_put_u8(msg, np->first + i, (uint8_t)w[i]);
		else
			r = nla_put_u32(msg, np->first + i, w[i]);
		if (r < 0)
			return -ENOMEM;
		changed++;
	}
	return changed;
}

int sh_ethnl_set_msg(uint16_t family, int ifindex, enum sh_eth_part part, const struct sh_ethtool_state *want,
		     const struct sh_ethtool_state *now, unsigned nbits, struct nl_msg **out)
{
	/* No reply to a SET: the caller reads the part back to see what the driver made of it. */
	struct nl_msg *msg = ethtool_msg(family, nlparts[part].set, ifindex, ETHTOOL_FLAG_OMIT_REPLY);
	int r;

	*out = NULL;
	if (!msg)
		return -ENOMEM;
	if ((r = put_changes(msg, part, want, now, nbits)) <= 0) {
		nlmsg_free(msg);
		return r;
	}
	*out = msg;
	return r;
}

/* ---- requests --------------------------------------------------------------------------------- */

/* libnl's error as an errno; the kernel's ENOENT (libnl's "object not found") stays ENOENT here,
 * which is how nlctrl says it has no such family. */
static int nl_errno(int nle)
{
	return nle == -NLE_OBJ_NOTFOUND ? -ENOENT : -sh_nl_errno(nle);
}

int sh_ethnl_open(struct sh_ethnl *nl)
{
	struct nl_msg *msg;
	int r;

	nl->family = 0;
	if (!(nl->sk = nl_socket_alloc()))
		return -ENOMEM;
	/* Each reply read in one recvmsg rather than a peek and a read: nlctrl's answer is about
	 * 1 KiB (6.18), ethtool's a few hundred bytes. */
	nl_socket_disable_msg_peek(nl->sk);
	if ((r = nl_socket_set_msg_buf_size(nl->sk, 32768)) < 0 || (r = nl_connect(nl->sk, NETLINK_GENERIC)) < 0)
		r = nl_errno(r);
	else if (!(msg = sh_ethnl_family_msg()))
		r = -ENOMEM;
	else if ((r = sh_nl_request(nl->sk, msg, sh_ethnl_family_parse, &nl->family)) < 0)
		r = nl_errno(r);
	else if (!nl->family)
		r = -EPROTO;
	if (r < 0) {
		sh_ethnl_close(nl);
		return r;
	}
	return 0;
}

void sh_ethnl_close(struct sh_ethnl *nl)
{
	sh_nl_close(nl->sk);
	nl->sk = NULL;
}

static int read_part(struct sh_ethnl *nl, int ifindex, struct sh_ethtool_state *st, enum sh_eth_part part,
		     unsigned *nbits)
{
	struct sh_ethnl_reply rep = {.part = part, .st = st};
	struct nl_msg *msg = sh_ethnl_get_msg(nl->family, ifindex, part);
	int r;

	if (!msg)
		return -ENOMEM;
	if ((r = sh_nl_request(nl->sk, msg, sh_ethnl_reply_parse, &rep)) < 0)
		return nl_errno(r);
	if (rep.err < 0)
		return rep.err;
	*nbits = rep.nbits;
	return rep.seen ? 0 : -EPROTO;
}

int sh_ethnl_read(struct sh_ethnl *nl, int ifindex, struct sh_ethtool_state *st, enum sh_eth_part part)
{
	unsigned nbits;

	return read_part(nl, ifindex, st, part, &nbits);
}

int sh_ethnl_restore(struct sh_ethnl *nl, int ifindex, const struct sh_ethtool_state *want, enum sh_eth_part part)
{
	struct sh_ethtool_state now;
	struct nl_msg *msg;
	unsigned nbits = 0;
	int r;

	memset(&now, 0, sizeof(now));
	if ((r = read_part(nl, ifindex, &now, part, &nbits)) < 0)
		return r;
	if ((r = sh_ethnl_set_msg(nl->family, ifindex, part, want, &now, nbits, &msg)) <= 0)
		return r;
	r = sh_nl_request(nl->sk, msg, NULL, NULL);
	return r < 0 ? nl_errno(r) : 0;
}
