/* The ethtool state through SIOCETHTOOL, which every kernel answers: the way when the kernel has no
 * ethtool netlink family, or its family does not know a part's message. */
#ifndef SRIOV_HOOK_ETHTOOL_IOCTL_H
#define SRIOV_HOOK_ETHTOOL_IOCTL_H

#include "sriov-hook/sys/ethtool_state.h"

/* A socket for the requests, in the caller's network namespace. fd or a negative errno. */
int sh_ethtool_ioctl_socket(void);
/* Fills part's words in st from netdev name (st->have untouched). A negative errno: EOPNOTSUPP,
 * EINVAL or E2BIG when the driver does not report the part. */
int sh_ethtool_ioctl_read(int fd, const char *name, struct sh_ethtool_state *st, enum sh_eth_part part);
/* Sets part of netdev name to want's words. A negative errno. */
int sh_ethtool_ioctl_restore(int fd, const char *name, const struct sh_ethtool_state *want, enum sh_eth_part part);

#endif
