/* Shared by the netlink modules only: libnl error codes to errno and messages. */
#ifndef SRIOV_HOOK_NL_INTERNAL_H
#define SRIOV_HOOK_NL_INTERNAL_H

#include "sriov-hook/core/error.h"

struct nl_sock;
struct rtnl_link;

/* Sends the attributes set on change to the link ifindex (RTM_NEWLINK). libnl error on failure. */
int sh_link_change(struct nl_sock *sk, int ifindex, struct rtnl_link *change);
/* Sets err to "<fmt>: <libnl's text for nle>" and returns the negative errno. */
int sh_nl_err(struct sh_error *err, int nle, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
