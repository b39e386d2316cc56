/* Shared by the netlink modules only: libnl error codes to errno and messages. */
#ifndef SRIOV_HOOK_NL_INTERNAL_H
#define SRIOV_HOOK_NL_INTERNAL_H

#include "sriov-hook/core/error.h"

struct nl_msg;
struct nl_sock;
struct rtnl_link;

/* Sends msg (freed here) and hands each reply to parse (NULL: none expected), then waits for the
 * kernel's ACK. A libnl error on failure. */
int sh_nl_request(struct nl_sock *sk, struct nl_msg *msg, int (*parse)(struct nl_msg *, void *), void *data);
/* A dump request (msg freed here): each reply to parse, up to the kernel's NLMSG_DONE. */
int sh_nl_dump(struct nl_sock *sk, struct nl_msg *msg, int (*parse)(struct nl_msg *, void *), void *data);

/* Sends the attributes set on change to the link ifindex (RTM_NEWLINK). libnl error on failure. */
int sh_link_change(struct nl_sock *sk, int ifindex, struct rtnl_link *change);
/* libnl's error code nle (negative or not) as the errno users know from ip(8). */
int sh_nl_errno(int nle);
/* Sets err to "<fmt>: <libnl's text for nle>" and returns the negative errno. */
int sh_nl_err(struct sh_error *err, int nle, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
