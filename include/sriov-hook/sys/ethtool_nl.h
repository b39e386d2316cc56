/* The ethtool state through the ethtool generic netlink family (Linux 5.6 on): its id asked of the
 * nlctrl family, each part read with ETHTOOL_MSG_<part>_GET and set with ETHTOOL_MSG_<part>_SET,
 * bitsets in their compact form. Built and parsed with libnl-3's message API; the generic netlink
 * header is put by hand, so libnl-genl-3 is not needed. */
#ifndef SRIOV_HOOK_ETHTOOL_NL_H
#define SRIOV_HOOK_ETHTOOL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "sriov-hook/sys/ethtool_state.h"

struct nl_msg;
struct nl_sock;

struct sh_ethnl {
	struct nl_sock *sk; /* NULL: not open */
	uint16_t family;
};

/* A generic netlink socket in the caller's network namespace and the ethtool family's id. A
 * negative errno: ENOENT when the kernel has no ethtool family. */
int sh_ethnl_open(struct sh_ethnl *nl);
void sh_ethnl_close(struct sh_ethnl *nl);
#define _cleanup_ethnl_ __attribute__((cleanup(sh_ethnl_close)))

/* Fills part's words in st from netdev ifindex (st->have untouched). A negative errno: EOPNOTSUPP
 * when the family does not know the part's message or the driver does not report the part. */
int sh_ethnl_read(struct sh_ethnl *nl, int ifindex, struct sh_ethtool_state *st, enum sh_eth_part part);
/* Sets part of netdev ifindex to want's words: reads it first and sends only the values that
 * differ (a driver refuses a parameter it does not support even at its current value). */
int sh_ethnl_restore(struct sh_ethnl *nl, int ifindex, const struct sh_ethtool_state *want, enum sh_eth_part part);

/* The messages themselves, pure, for the functions above and the tests. */
/* CTRL_CMD_GETFAMILY for "ethtool"; NULL when out of memory. */
struct nl_msg *sh_ethnl_family_msg(void);
/* A reply handler (NL_CB_VALID): the family id of a CTRL_CMD_NEWFAMILY into *(uint16_t *)id. */
int sh_ethnl_family_parse(struct nl_msg *msg, void *id);
/* ETHTOOL_MSG_<part>_GET for netdev ifindex, bitsets asked compact; NULL when out of memory. */
struct nl_msg *sh_ethnl_get_msg(uint16_t family, int ifindex, enum sh_eth_part part);

/* What a GET reply gives: part's words in *st, the size in bits of the kernel's bitset (features,
 * private flags), and a negative errno when the reply could not be read (0 when none came). */
struct sh_ethnl_reply {
	enum sh_eth_part part;
	struct sh_ethtool_state *st;
	unsigned nbits;
	bool seen;
	int err;
};
/* A reply handler (NL_CB_VALID) for struct sh_ethnl_reply. */
int sh_ethnl_reply_parse(struct nl_msg *msg, void *reply);

/* ETHTOOL_MSG_<part>_SET that puts part from now back to want, the values that differ only; nbits
 * is the kernel's bitset size now reports. The number of values in *out (0: nothing differs, *out
 * NULL) or a negative errno. */
int sh_ethnl_set_msg(uint16_t family, int ifindex, enum sh_eth_part part, const struct sh_ethtool_state *want,
		     const struct sh_ethtool_state *now, unsigned nbits, struct nl_msg **out);

#endif
