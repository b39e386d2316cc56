/* Which VF a request slot gets: the PF resolved and allowed, then the VF it names, or for auto and
 * pools the lowest free one (then the lowest stale one, taken over), claimed through the store and
 * checked usable; when none can be had, the census says why. */
#ifndef SRIOV_HOOK_PICK_H
#define SRIOV_HOOK_PICK_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"

/* Picks and claims the VF of request v: on success c holds its lock and starts its record, pf and
 * vf say which VF, host is its netdev on the host. On failure nothing is held; pf->name says the
 * PF once it was resolved. */
int sh_pick_vf(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
	       struct sh_claim *c, struct sh_link *host, struct sh_error *err);

/* Begins this run's claim of VF pci through the store. A stale or returning claim on it is given
 * back first (with the rest of its vfio group) and taken over: 1, *old that claim. 0: the VF was
 * unclaimed. Either way c holds the lock and starts the record. */
int sh_pick_begin(struct sh_attach_run *a, const char *pci, struct sh_claim *c, struct sh_record *old,
		  struct sh_error *err);

#endif
