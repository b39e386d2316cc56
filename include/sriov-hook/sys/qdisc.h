/* The qdiscs a holder can leave on a VF's netdev: a root qdisc of its own and an ingress or clsact
 * qdisc (with its tc filters and BPF programs). Release deletes them, so the kernel's default root
 * comes back and no filter of one tenant sees the next one's packets. */
#ifndef SRIOV_HOOK_QDISC_H
#define SRIOV_HOOK_QDISC_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"

struct nl_sock;

/* Whether link ifindex has a root qdisc other than the default (*root) and an ingress or clsact
 * qdisc (*ingress). */
int sh_qdisc_read(struct nl_sock *sk, int ifindex, bool *root, bool *ingress, struct sh_error *err);
/* Deletes the root qdisc (ingress false) or the ingress/clsact one (true); none there is 0. */
int sh_qdisc_delete(struct nl_sock *sk, int ifindex, bool ingress, struct sh_error *err);

#endif
