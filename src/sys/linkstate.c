/* A netdev's state as a holder can leave it: read with one RTM_GETLINK (flags, alias, txqueuelen,
 * group, IPv6 address generation mode, XDP), the qdisc dump and ethtool; put back with one
 * request per kind, so a driver that refuses one kind leaves the others to be restored. */
#include "sriov-hook/sys/linkstate.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/sys/nl-internal.h"
#include "sriov-hook/sys/qdisc.h"

static const char *const names[SH_RES_ETHTOOL] = {
	[SH_RES_PROMISC] = "promisc",
	[SH_RES_ALLMULTI] = "allmulticast",
	[SH_RES_MULTICAST] = "multicast",
	[SH_RES_NOARP] = "arp",
	[SH_RES_ALIAS] = "alias",
	[SH_RES_TXQLEN] = "txqueuelen",
	[SH_RES_GROUP] = "group",
	[SH_RES_ADDRGENMODE] = "addrgenmode",
	[SH_RES_XDP] = "xdp",
	[SH_RES_TC_ROOT] = "qdisc root",
	[SH_RES_TC_INGRESS] = "qdisc ingress",
	[SH_RES_PERMADDR] = "permaddr",
};

/* The IFF_ flag of each flag kind. */
static const unsigned flag_of[] = {
	[SH_RES_PROMISC] = IFF_PROMISC,
	[SH_RES_ALLMULTI] = IFF_ALLMULTI,
	[SH_RES_MULTICAST] = IFF_MULTICAST,
	[SH_RES_NOARP] = IFF_NOARP,
};

_Static_assert(SH_RESIDUE_FLAGS == (IFF_PROMISC | IFF_ALLMULTI | IFF_MULTICAST | IFF_NOARP), "residue flags");

const char *sh_residue_name(enum sh_residue res)
{
	if (res >= SH_RES_ETHTOOL && res < SH_RES_COUNT)
		return sh_ethtool_part_name((enum sh_eth_part)(res - SH_RES_ETHTOOL));
	return (size_t)res < SH_RES_ETHTOOL ? names[res] : "?";
}

/* ---- reading ---------------------------------------------------------------------------------- */

static void parse_af_spec(struct nlattr *spec, struct sh_netdev_state *st)
{
	struct nlattr *af, *a;
	int rem, rem2;

	nla_for_each_nested(af, spec, rem)
	{
		if (nla_type(af) != AF_INET6)
			continue;
		nla_for_each_nested(a, af, rem2)
		{
			if (nla_type(a) == IFLA_INET6_ADDR_GEN_MODE && nla_len(a) >= 1)
				st->addrgenmode = nla_get_u8(a);
		}
	}
}

static void parse_xdp(struct nlattr *xdp, struct sh_netdev_state *st)
{
	struct nlattr *tb[IFLA_XDP_MAX + 1];

	if (nla_parse_nested(tb, IFLA_XDP_MAX, xdp, NULL) < 0)
		return;
	if (tb[IFLA_XDP_ATTACHED] && nla_len(tb[IFLA_XDP_ATTACHED]) >= 1)
		st->xdp_mode = nla_get_u8(tb[IFLA_XDP_ATTACHED]);
	if (tb[IFLA_XDP_PROG_ID] && nla_len(tb[IFLA_XDP_PROG_ID]) >= 4)
		st->xdp_prog = nla_get_u32(tb[IFLA_XDP_PROG_ID]);
	if (st->xdp_mode == XDP_ATTACHED_NONE)
		st->xdp_prog = 0;
}

static int parse_link(struct nl_msg *msg, void *data)
{
	struct sh_netdev_state *st = data;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	st->flags = ((struct ifinfomsg *)nlmsg_data(h))->ifi_flags & SH_RESIDUE_FLAGS;
	st->up = ((struct ifinfomsg *)nlmsg_data(h))->ifi_flags & IFF_UP;
	if (tb[IFLA_PERM_ADDRESS] && nla_len(tb[IFLA_PERM_ADDRESS]) == sizeof(st->perm_addr))
		memcpy(st->perm_addr, nla_data(tb[IFLA_PERM_ADDRESS]), sizeof(st->perm_addr));
	if (tb[IFLA_IFALIAS])
		nla_strlcpy(st->alias, tb[IFLA_IFALIAS], sizeof(st->alias));
	if (tb[IFLA_TXQLEN])
		st->txqlen = nla_get_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_GROUP])
		st->group = nla_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_AF_SPEC])
		parse_af_spec(tb[IFLA_AF_SPEC], st);
	if (tb[IFLA_XDP])
		parse_xdp(tb[IFLA_XDP], st);
	return NL_OK;
}

int sh_netdev_state_read(struct nl_sock *sk, int ifindex, const char *name, struct sh_netdev_state *st,
			 struct sh_error *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
	int r = -NLE_NOMEM;

	memset(st, 0, sizeof(*st));
	st->addrgenmode = -1;
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0)
		r = sh_nl_request(sk, sh_steal_ptr(&msg), parse_link, st);
	nlmsg_free(msg);
	if (r < 0)
		return sh_nl_err(err, r, "read the state of interface %d", ifindex);
	if ((r = sh_qdisc_read(sk, ifindex, &st->tc_root, &st->tc_ingress, err)) < 0)
		return r;
	if ((r = sh_ethtool_read(ifindex, name, &st->eth, err)) < 0)
		return r;
	st->known = true;
	return 0;
}

/* ---- comparing -------------------------------------------------------------------------------- */

static bool is_zero_addr(const uint8_t a[6])
{
	static const uint8_t zero[6];

	return !memcmp(a, zero, sizeof(zero));
}

bool sh_residue_differs(const struct sh_netdev_state *want, const struct sh_netdev_state *now, enum sh_residue res)
{
	if (!want->known || !now->known)
		return false;
	switch (res) {
	case SH_RES_PROMISC:
	case SH_RES_ALLMULTI:
	case SH_RES_MULTICAST:
	case SH_RES_NOARP:
		return (want->flags ^ now->flags) & flag_of[res];
	case SH_RES_ALIAS:
		return strcmp(want->alias, now->alias) != 0;
	case SH_RES_TXQLEN:
		return want->txqlen != now->txqlen;
	case SH_RES_GROUP:
		return want->group != now->group;
	case SH_RES_ADDRGENMODE:
		return want->addrgenmode >= 0 && now->addrgenmode >= 0 && want->addrgenmode != now->addrgenmode;
	case SH_RES_XDP:
		return now->xdp_prog && now->xdp_prog != want->xdp_prog;
	case SH_RES_TC_ROOT:
		return now->tc_root && !want->tc_root;
	case SH_RES_TC_INGRESS:
		return now->tc_ingress && !want->tc_ingress;
	case SH_RES_PERMADDR:
		return !is_zero_addr(want->perm_addr) && !is_zero_addr(now->perm_addr) &&
		       memcmp(want->perm_addr, now->perm_addr, sizeof(want->perm_addr));
	default:
		if (res >= SH_RES_ETHTOOL && res < SH_RES_COUNT)
			return sh_ethtool_part_differs(&want->eth, &now->eth, (enum sh_eth_part)(res - SH_RES_ETHTOOL));
		return false;
	}
}

void sh_netdev_state_diff(const struct sh_netdev_state *want, const struct sh_netdev_state *now, char *out, size_t len)
{
	size_t used = 0;
	int res;

	if (len)
		out[0] = '\0';
	for (res = 0; res < SH_RES_COUNT; res++) {
		if (!sh_residue_differs(want, now, res) || used >= len)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", sh_residue_name(res));
	}
}

/* ---- putting back ----------------------------------------------------------------------------- */

/* One RTM_SETLINK: the flags in change set as in flags, and whatever put adds. */
static int setlink(struct nl_sock *sk, int ifindex, unsigned flags, unsigned change,
		   int (*put)(struct nl_msg *msg, const void *arg), const void *arg)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = flags, .ifi_change = change};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
	int r = -NLE_NOMEM;

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 && (!put || (r = put(msg, arg)) == 0))
		r = sh_nl_request(sk, sh_steal_ptr(&msg), NULL, NULL);
	nlmsg_free(msg);
	return r;
}

static int put_alias(struct nl_msg *msg, const void *arg)
{
	const char *alias = arg;

	/* without its NUL, as ip(8) sends it: an empty one removes the alias */
	return nla_put(msg, IFLA_IFALIAS, (int)strlen(alias), alias);
}

static int put_txqlen(struct nl_msg *msg, const void *arg)
{
	return nla_put_u32(msg, IFLA_TXQLEN, *(const unsigned *)arg);
}

static int put_group(struct nl_msg *msg, const void *arg)
{
	return nla_put_u32(msg, IFLA_GROUP, *(const unsigned *)arg);
}

static int put_addrgenmode(struct nl_msg *msg, const void *arg)
{
	struct nlattr *spec, *af;

	if (!(spec = nla_nest_start(msg, IFLA_AF_SPEC)) || !(af = nla_nest_start(msg, AF_INET6)) ||
	    nla_put_u8(msg, IFLA_INET6_ADDR_GEN_MODE, (uint8_t) * (const int *)arg) < 0)
		return -NLE_NOMEM;
	nla_nest_end(msg, af);
	nla_nest_end(msg, spec);
	return 0;
}

/* Detaches the program in the mode given (XDP_FLAGS_*_MODE): fd -1 with that mode's flag. */
static int put_xdp_detach(struct nl_msg *msg, const void *arg)
{
	struct nlattr *xdp;

	if (!(xdp = nla_nest_start(msg, IFLA_XDP)) || nla_put_s32(msg, IFLA_XDP_FD, -1) < 0 ||
	    nla_put_u32(msg, IFLA_XDP_FLAGS, *(const uint32_t *)arg) < 0)
		return -NLE_NOMEM;
	nla_nest_end(msg, xdp);
	return 0;
}

static int xdp_detach(struct nl_sock *sk, int ifindex, unsigned attached)
{
	static const struct {
		unsigned attached;
		uint32_t flag;
	} modes[] = {
		{XDP_ATTACHED_SKB, XDP_FLAGS_SKB_MODE},
		{XDP_ATTACHED_DRV, XDP_FLAGS_DRV_MODE},
		{XDP_ATTACHED_HW, XDP_FLAGS_HW_MODE},
	};
	size_t i;
	int r, first = 0;

	/* several programs at once (XDP_ATTACHED_MULTI): detach in every mode */
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (attached != XDP_ATTACHED_MULTI && attached != modes[i].attached)
			continue;
		r = setlink(sk, ifindex, 0, 0, put_xdp_detach, &modes[i].flag);
		if (r < 0 && !first && attached != XDP_ATTACHED_MULTI)
			first = r;
	}
	return first;
}

int sh_residue_restore(struct nl_sock *sk, int ifindex, const char *name, const struct sh_netdev_state *want,
		       const struct sh_netdev_state *now, enum sh_residue res, struct sh_error *err)
{
	int r;

	switch (res) {
	case SH_RES_PROMISC:
	case SH_RES_ALLMULTI:
	case SH_RES_MULTICAST:
	case SH_RES_NOARP:
		r = setlink(sk, ifindex, want->flags & flag_of[res], flag_of[res], NULL, NULL);
		break;
	case SH_RES_ALIAS:
		r = setlink(sk, ifindex, 0, 0, put_alias, want->alias);
		break;
	case SH_RES_TXQLEN:
		r = setlink(sk, ifindex, 0, 0, put_txqlen, &want->txqlen);
		break;
	case SH_RES_GROUP:
		r = setlink(sk, ifindex, 0, 0, put_group, &want->group);
		break;
	case SH_RES_ADDRGENMODE:
		r = setlink(sk, ifindex, 0, 0, put_addrgenmode, &want->addrgenmode);
		break;
	case SH_RES_XDP:
		r = xdp_detach(sk, ifindex, now->xdp_mode);
		break;
	case SH_RES_TC_ROOT:
	case SH_RES_TC_INGRESS:
		return sh_qdisc_delete(sk, ifindex, res == SH_RES_TC_INGRESS, err);
	case SH_RES_PERMADDR:
		/* Only a reset of the driver makes it read its address anew (igbvf: at each close, from
		 * the PF, which holds what the MAC restore set): once down and up, or up and down. */
		r = setlink(sk, ifindex, now->up ? 0 : IFF_UP, IFF_UP, NULL, NULL);
		if (r >= 0)
			r = setlink(sk, ifindex, now->up ? IFF_UP : 0, IFF_UP, NULL, NULL);
		break;
	default:
		if (res < SH_RES_ETHTOOL || res >= SH_RES_COUNT)
			return sh_err(err, EINVAL, "no such residue kind %d", res);
		return sh_ethtool_restore_part(ifindex, name, &want->eth, (enum sh_eth_part)(res - SH_RES_ETHTOOL), err);
	}
	return r < 0 ? sh_nl_err(err, r, "set %s of %s back", sh_residue_name(res), name) : 0;
}
