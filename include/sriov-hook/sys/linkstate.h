/* What a holder can change on a VF's netdev from inside its namespace and what survives the way
 * back to the host (link flags, alias, txqueuelen, group, IPv6 address generation mode, an XDP
 * program, qdiscs, the permanent address a driver takes from the PF, ethtool state): read before a claim, compared and put back at release item by
 * item. MTU, MAC, up/down and altnames are the claim record's own fields. */
#ifndef SRIOV_HOOK_LINKSTATE_H
#define SRIOV_HOOK_LINKSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/sys/ethtool.h"

struct nl_sock;

/* The link flags a holder can set and the release puts back (IFF_*). */
#define SH_RESIDUE_FLAGS (0x100u /* PROMISC */ | 0x200u /* ALLMULTI */ | 0x1000u /* MULTICAST */ | 0x80u /* NOARP */)
#define SH_ALIAS_LEN 256

struct sh_netdev_state {
	bool known;	/* false: read before this was kept (an older record): nothing is compared */
	unsigned flags; /* within SH_RESIDUE_FLAGS */
	char alias[SH_ALIAS_LEN];
	unsigned txqlen, group;
	int addrgenmode;   /* IN6_ADDR_GEN_MODE_*, -1 none (no IPv6 on the link) */
	unsigned xdp_prog; /* id of an attached XDP program, 0 none */
	unsigned xdp_mode; /* XDP_ATTACHED_* of that program */
	bool tc_root;	   /* a root qdisc other than the kernel's default */
	bool tc_ingress;   /* an ingress or clsact qdisc */
	/* The driver's permanent address (IFLA_PERM_ADDRESS; zero: none). igbvf copies into it, at each
	 * reset, the address the PF holds for the VF: the one its last holder set, until the next. */
	uint8_t perm_addr[6];
	bool up; /* IFF_UP as read; not kept in records (the record's host_up is the one to restore) */
	struct sh_ethtool_state eth;
};

/* The residue kinds, as release and `list` name them. */
enum sh_residue {
	SH_RES_PROMISC,
	SH_RES_ALLMULTI,
	SH_RES_MULTICAST,
	SH_RES_NOARP,
	SH_RES_ALIAS,
	SH_RES_TXQLEN,
	SH_RES_GROUP,
	SH_RES_ADDRGENMODE,
	SH_RES_XDP,
	SH_RES_TC_ROOT,
	SH_RES_TC_INGRESS,
	SH_RES_PERMADDR,
	SH_RES_ETHTOOL, /* + enum sh_eth_part */
	SH_RES_COUNT = SH_RES_ETHTOOL + SH_ETH_PART_COUNT,
};
const char *sh_residue_name(enum sh_residue res);

/* The state of netdev ifindex (named name, for ethtool) in sk's namespace. */
int sh_netdev_state_read(struct nl_sock *sk, int ifindex, const char *name, struct sh_netdev_state *st,
			 struct sh_error *err);
/* Whether kind res differs between the state before a claim and now. */
bool sh_residue_differs(const struct sh_netdev_state *want, const struct sh_netdev_state *now, enum sh_residue res);
/* The names of what differs, comma-separated ("promisc,alias,features"); "" when nothing. */
void sh_netdev_state_diff(const struct sh_netdev_state *want, const struct sh_netdev_state *now, char *out, size_t len);
/* Puts kind res of netdev ifindex back as want had it (now: as it is). */
int sh_residue_restore(struct nl_sock *sk, int ifindex, const char *name, const struct sh_netdev_state *want,
		       const struct sh_netdev_state *now, enum sh_residue res, struct sh_error *err);

#endif
