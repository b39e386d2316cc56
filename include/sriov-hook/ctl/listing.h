/* The operators' view of every SR-IOV VF: sysfs (inventory.h), the claim store (store.h) and
 * netlink (PF-side settings, counters) joined into one state per VF, for `sriovctl list` and
 * `sriovctl metrics`. The JSON form is a stable interface (sriovctl(8)). */
#ifndef SRIOV_HOOK_LISTING_H
#define SRIOV_HOOK_LISTING_H

#include <stdbool.h>
#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/ctl/inventory.h"
#include "sriov-hook/hook/dirty.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/sys/vfstats.h"

enum sh_vf_state {
	SH_VF_FREE,	 /* the hook may hand it out */
	SH_VF_HELD,	 /* a live container holds it (as a netdev, or through vfio-pci: mode) */
	SH_VF_STALE,	 /* claimed by a container that is gone: the next claim or gc returns it */
	SH_VF_RETURNING, /* released, not back on the host yet: the next claim or gc finishes */
	SH_VF_VFIO,	 /* bound to vfio-pci, no claim (free for a vfio request when in a vfio pool) */
	SH_VF_UNUSABLE,	 /* why says why */
	SH_VF_LOST,	 /* held, but its netdev left the container (a PF reset): sriovctl heal */
	SH_VF_STATE_COUNT,
};

struct sh_list_vf {
	struct sh_inv_vf inv;
	enum sh_vf_state state;
	char why[200]; /* unusable, stale, returning: why; else "" */
	bool has_claim;
	struct sh_claim_info claim;
	/* How it is, or would be, handed out: the claim's mode; without a claim its pool's (has_mode
	 * false when it is in no pool: a request chooses). pool: "" in none. For a vfio claim:
	 * return_driver, the driver it goes back to on release ("" stays on vfio-pci). */
	bool has_mode;
	enum sh_vf_mode mode;
	char pool[SH_POOL_NAME_MAX + 1];
	char return_driver[64];
	bool has_cfg;
	struct sh_vf_cfg cfg;		 /* PF-side settings now */
	struct sh_vf_stats stats;	 /* as the PF reports them (present 0: none) */
	struct sh_vf_stats netdev_stats; /* the VF netdev's own, on the host or in its holder's netns */
	/* A free VF: what differs from its baseline (its state before its first claim); has_baseline
	 * false when it has none of its own (never claimed, or recreated since). */
	bool has_baseline;
	struct sh_dirty dirty;
};

struct sh_list_pf {
	struct sh_inv_pf inv;
	int ifindex;		/* 0 without a netdev */
	size_t first_vf, n_vfs; /* its VFs in sh_listing.vfs */
};

struct sh_listing {
	struct sh_list_pf *pfs;
	size_t n_pfs;
	struct sh_list_vf *vfs;
	size_t n_vfs;
	int claims_result; /* 0, or why the claims could not be read (SH_LISTING_CLAIMS_OPTIONAL) */
	struct sh_error claims_err;
};

/* The claims are part of the listing: a store that cannot be read fails it, unless this flag
 * asks for the rest anyway (doctor, which reports the store's problem as one of its checks). */
#define SH_LISTING_CLAIMS_OPTIONAL 1u

/* Every SR-IOV PF (or those named in specs) and all their VFs. */
int sh_listing_build(const struct sh_config *cfg, char *const *specs, size_t n_specs, unsigned flags,
		     struct sh_listing *l, struct sh_error *err);
void sh_listing_free(struct sh_listing *l);
const char *sh_vf_state_name(enum sh_vf_state s);
/* The counters a table shows: the PF's, unless it reports none (all zero while the netdev counts). */
const struct sh_vf_stats *sh_list_vf_counters(const struct sh_list_vf *v);

/* `sriovctl list`: a PF table and a VF table, columns sized to their content. */
int sh_listing_print_table(const struct sh_listing *l, FILE *out, struct sh_error *err);
/* `sriovctl list --json`: {"pfs": [...], "vfs": [...]}. */
int sh_listing_print_json(const struct sh_listing *l, FILE *out, struct sh_error *err);

#endif
