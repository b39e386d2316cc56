/* The ethtool state a holder of a VF can change from its namespace (offload features, ring sizes,
 * channels, interrupt coalescing, pause, private flags), read before a claim and put back at
 * release: through the ethtool netlink family, or SIOCETHTOOL where the kernel lacks the family or
 * its family does not know a part. */
#ifndef SRIOV_HOOK_ETHTOOL_H
#define SRIOV_HOOK_ETHTOOL_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/sys/ethtool_state.h"

/* Set to "ioctl" in the hook's environment, this turns the netlink family off, so that the tests
 * prove the SIOCETHTOOL way on a kernel that has the family; set to "netlink" it changes nothing
 * but the log, which then names the way of every read and restore (a hook as it ships logs only a
 * part that went through ioctl). Nothing else reads it. */
#define SH_ETHTOOL_ENV "SRIOV_HOOK_ETHTOOL"

/* Reads what the driver of netdev ifindex (named name) in the caller's network namespace reports;
 * a part it does not support is left out of have. */
int sh_ethtool_read(int ifindex, const char *name, struct sh_ethtool_state *st, struct sh_error *err);
/* Puts part of netdev ifindex (named name) back to want. */
int sh_ethtool_restore_part(int ifindex, const char *name, const struct sh_ethtool_state *want, enum sh_eth_part part,
			    struct sh_error *err);

#endif
