/* A VF's counters, as its PF reports them (IFLA_VF_STATS, what `ip -s link show PF` prints for
 * each VF) and as the VF's own netdev counts them (the VF driver's view, where the PF driver
 * reports none: igb has no per-VF counters). */
#ifndef SRIOV_HOOK_VFSTATS_H
#define SRIOV_HOOK_VFSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"

struct nl_sock;

enum sh_vf_counter {
	SH_VF_RX_PACKETS,
	SH_VF_TX_PACKETS,
	SH_VF_RX_BYTES,
	SH_VF_TX_BYTES,
	SH_VF_RX_DROPPED,
	SH_VF_TX_DROPPED,
	SH_VF_BROADCAST,
	SH_VF_MULTICAST,
	SH_VF_COUNTER_COUNT,
};

struct sh_vf_stats {
	uint64_t v[SH_VF_COUNTER_COUNT];
	unsigned present; /* bit (1u << counter) for each counter the source reported */
};

/* "rx_packets", ...: the names of the JSON keys and, with a prefix, of the metrics. */
const char *sh_vf_counter_name(enum sh_vf_counter c);

/* The counters of VFs 0..n-1 of the PF pf_ifindex as the PF reports them, in one request. A VF
 * the PF says nothing about keeps present == 0. */
int sh_vf_stats_get(struct nl_sock *sk, int pf_ifindex, struct sh_vf_stats *stats, size_t n, struct sh_error *err);
/* The counters of the netdev name in the namespace sk talks to (-ENODEV when absent). */
int sh_netdev_stats_get(struct nl_sock *sk, const char *name, struct sh_vf_stats *out, struct sh_error *err);

#endif
