/* The state store: the only module that knows the layout of state_dir (locks, claim records, the
 * owners index, network namespace pins) and builds paths in it. Everything else asks it.
 *
 * This first part is the operators' read side (sriovctl list, metrics, doctor); the hooks' side
 * (locking, records, pins) follows below it. */
#ifndef SRIOV_HOOK_STORE_H
#define SRIOV_HOOK_STORE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sriov-hook/error.h"
#include "sriov-hook/types.h"

#define SH_ID_MAX 200	/* longest container id accepted */
#define SH_NAME_MAX 256 /* longest container name kept */

/* What the store says of one VF, read without taking its lock (a snapshot for display). */
enum sh_claim_state {
	SH_CLAIM_NONE,	    /* no record: free as far as the store knows */
	SH_CLAIM_HELD,	    /* a live container holds it */
	SH_CLAIM_STALE,	    /* its holder is gone (or died mid-way): the next claim or gc returns it */
	SH_CLAIM_RETURNING, /* released, but the VF was not back on the host yet: gc or a claim finishes */
};

struct sh_claim_info {
	enum sh_claim_state state;
	char pci[SH_PCI_LEN];
	char id[SH_ID_MAX + 1];	   /* holder's container id */
	char name[SH_NAME_MAX];	   /* holder's name where the runtime gave one, else "" */
	int pid;		   /* holder's init pid at createRuntime, 0 if unknown */
	uint64_t netns_dev, netns_ino;
	time_t since;		   /* when the claim was made (record's mtime at attach) */
	char pf_name[IFNAMSIZ];
	unsigned vf_index;
	char host_name[IFNAMSIZ];  /* the VF's netdev name on the host before the claim */
	char cont_name[IFNAMSIZ];  /* its name inside the container */
	struct sh_vf_cfg orig;	   /* PF-side settings before the claim */
	unsigned knobs;		   /* which of them the claim changed (SH_KNOB_BIT) */
	struct sh_vf_cfg applied;  /* values the claim set, for the knobs it changed */
};

/* The claim on VF pci: -ENOENT (err untouched) when it has none. */
int sh_store_claim_info(const char *state_dir, const char *pci, struct sh_claim_info *out, struct sh_error *err);
/* Every claim record in the store, in PCI address order; stops at fn's first non-zero return. */
int sh_store_foreach_claim(const char *state_dir, int (*fn)(const struct sh_claim_info *info, void *data), void *data,
			   struct sh_error *err);

#endif
