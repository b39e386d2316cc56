/* VF counters through libnl-route-3: the PF's IFLA_VF_STATS for every VF in one RTM_GETLINK
 * (rtnl_link_vf_get_stat, plus the dropped counters libnl 3.7 does not parse, read with libnl's
 * attribute parser from the same message), and a netdev's own link statistics. */
#include "sriov-hook/sys/vfstats.h"

#include <errno.h>
#include <linux/if_link.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <string.h>

#include "sriov-hook/sys/nl-internal.h"

#define SH_VF_BIT(c) (1u << (c))

const char *sh_vf_counter_name(enum sh_vf_counter c)
{
	static const char *const names[SH_VF_COUNTER_COUNT] = {
		[SH_VF_RX_PACKETS] = "rx_packets", [SH_VF_TX_PACKETS] = "tx_packets", [SH_VF_RX_BYTES] = "rx_bytes",
		[SH_VF_TX_BYTES] = "tx_bytes",	   [SH_VF_RX_DROPPED] = "rx_dropped", [SH_VF_TX_DROPPED] = "tx_dropped",
		[SH_VF_BROADCAST] = "broadcast",   [SH_VF_MULTICAST] = "multicast",
	};

	return (unsigned)c < SH_VF_COUNTER_COUNT ? names[c] : "?";
}

struct stats_reply {
	struct sh_vf_stats *stats;
	size_t n;
	bool seen;
};

/* The six counters libnl knows, from its parsed link object. */
static void from_link_object(struct nl_object *obj, void *data)
{
	static const struct {
		rtnl_link_vf_stats_t nl;
		enum sh_vf_counter c;
	} map[] = {
		{RTNL_LINK_VF_STATS_RX_PACKETS, SH_VF_RX_PACKETS}, {RTNL_LINK_VF_STATS_TX_PACKETS, SH_VF_TX_PACKETS},
		{RTNL_LINK_VF_STATS_RX_BYTES, SH_VF_RX_BYTES},	   {RTNL_LINK_VF_STATS_TX_BYTES, SH_VF_TX_BYTES},
		{RTNL_LINK_VF_STATS_BROADCAST, SH_VF_BROADCAST},   {RTNL_LINK_VF_STATS_MULTICAST, SH_VF_MULTICAST},
	};
	struct stats_reply *rep = data;
	struct rtnl_link *link = (struct rtnl_link *)obj;
	struct rtnl_link_vf *vf;
	uint64_t v;
	size_t i, k;

	rep->seen = true;
	if (!rtnl_link_has_vf_list(link))
		return;
	for (i = 0; i < rep->n; i++) {
		if (!(vf = rtnl_link_vf_get(link, (uint32_t)i)))
			continue;
		for (k = 0; k < SH_ARRAY_SIZE(map); k++) {
			if (rtnl_link_vf_get_stat(vf, map[k].nl, &v) == 0) {
				rep->stats[i].v[map[k].c] = v;
				rep->stats[i].present |= SH_VF_BIT(map[k].c);
			}
		}
		rtnl_link_vf_put(vf);
	}
}

/* IFLA_VF_STATS_RX_DROPPED / TX_DROPPED (Linux 4.19+), which libnl 3.7 drops. */
static void dropped_from_attrs(struct nlmsghdr *hdr, struct stats_reply *rep)
{
	struct nlattr *tb[IFLA_MAX + 1], *vfinfo, *vf[IFLA_VF_MAX + 1], *st[IFLA_VF_STATS_MAX + 1];
	struct ifla_vf_mac *mac;
	int rem;

	if (nlmsg_parse(hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_VFINFO_LIST])
		return;
	nla_for_each_nested(vfinfo, tb[IFLA_VFINFO_LIST], rem)
	{
		if (nla_type(vfinfo) != IFLA_VF_INFO || nla_parse_nested(vf, IFLA_VF_MAX, vfinfo, NULL) < 0 ||
		    !vf[IFLA_VF_MAC] || nla_len(vf[IFLA_VF_MAC]) < (int)sizeof(*mac) || !vf[IFLA_VF_STATS] ||
		    nla_parse_nested(st, IFLA_VF_STATS_MAX, vf[IFLA_VF_STATS], NULL) < 0)
			continue;
		mac = nla_data(vf[IFLA_VF_MAC]);
		if (mac->vf >= rep->n)
			continue;
		if (st[IFLA_VF_STATS_RX_DROPPED]) {
			rep->stats[mac->vf].v[SH_VF_RX_DROPPED] = nla_get_u64(st[IFLA_VF_STATS_RX_DROPPED]);
			rep->stats[mac->vf].present |= SH_VF_BIT(SH_VF_RX_DROPPED);
		}
		if (st[IFLA_VF_STATS_TX_DROPPED]) {
			rep->stats[mac->vf].v[SH_VF_TX_DROPPED] = nla_get_u64(st[IFLA_VF_STATS_TX_DROPPED]);
			rep->stats[mac->vf].present |= SH_VF_BIT(SH_VF_TX_DROPPED);
		}
	}
}

static int on_link_msg(struct nl_msg *msg, void *data)
{
	struct stats_reply *rep = data;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWLINK)
		return NL_SKIP;
	nl_msg_parse(msg, from_link_object, rep);
	dropped_from_attrs(nlmsg_hdr(msg), rep);
	return NL_STOP;
}

int sh_vf_stats_get(struct nl_sock *sk, int pf_ifindex, struct sh_vf_stats *stats, size_t n, struct sh_error *err)
{
	struct stats_reply rep = {.stats = stats, .n = n};
	struct nl_msg *msg = NULL;
	struct nl_cb *cb;
	int r;

	memset(stats, 0, n * sizeof(*stats));
	/* libnl's request asks for the VF list (RTEXT_FILTER_VF), counters included. */
	if ((r = rtnl_link_build_get_request(pf_ifindex, NULL, &msg)) < 0)
		return sh_nl_err(err, r, "build the PF's link request");
	r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return sh_nl_err(err, r, "ask the PF for its VF counters");
	if (!(cb = nl_cb_alloc(NL_CB_DEFAULT)))
		return sh_err(err, ENOMEM, "out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_link_msg, &rep);
	r = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	/* nl_send_auto asked for an acknowledgement too: read it, or the socket's next request
	 * would take it for its answer. */
	if (r >= 0)
		r = nl_wait_for_ack(sk);
	if (r < 0)
		return sh_nl_err(err, r, "read the PF's VF counters");
	if (!rep.seen)
		return sh_err(err, EIO, "read the PF's VF counters: the kernel sent no link");
	return 0;
}

int sh_netdev_stats_get(struct nl_sock *sk, const char *name, struct sh_vf_stats *out, struct sh_error *err)
{
	static const struct {
		rtnl_link_stat_id_t nl;
		enum sh_vf_counter c;
	} map[] = {
		{RTNL_LINK_RX_PACKETS, SH_VF_RX_PACKETS}, {RTNL_LINK_TX_PACKETS, SH_VF_TX_PACKETS},
		{RTNL_LINK_RX_BYTES, SH_VF_RX_BYTES},	  {RTNL_LINK_TX_BYTES, SH_VF_TX_BYTES},
		{RTNL_LINK_RX_DROPPED, SH_VF_RX_DROPPED}, {RTNL_LINK_TX_DROPPED, SH_VF_TX_DROPPED},
		{RTNL_LINK_MULTICAST, SH_VF_MULTICAST},
	};
	struct rtnl_link *link = NULL;
	size_t k;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = rtnl_link_get_kernel(sk, 0, name, &link)) < 0)
		return sh_nl_err(err, r, "read the counters of %s", name);
	for (k = 0; k < SH_ARRAY_SIZE(map); k++) {
		out->v[map[k].c] = rtnl_link_get_stat(link, map[k].nl);
		out->present |= SH_VF_BIT(map[k].c);
	}
	rtnl_link_put(link);
	return 0;
}
