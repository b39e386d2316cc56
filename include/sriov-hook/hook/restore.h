/* Giving one VF back: the restore of what its claim changed and the release of the claim, shared
 * by rollback, poststop, the takeover of a stale claim and gc. */
#ifndef SRIOV_HOOK_RESTORE_H
#define SRIOV_HOOK_RESTORE_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/store/claim.h"

struct nl_sock;

/* How release makes VF index of PF (pf_name, pf_pci) clean: its pool's "release", else the
 * configuration's. */
enum sh_release_mode sh_release_mode_of(const struct sh_config *cfg, const char *pf_name, const char *pf_pci,
					unsigned index);

/* Puts the VF of record r back on the host as it was before the claim: moved back from the pinned
 * netns (or found by PCI address where the kernel returned it), renamed, MTU, MAC, up state and
 * the PF-side settings the claim changed. Idempotent. The caller holds the VF's lock. -EAGAIN when
 * the VF is not back on the host (yet). */
int sh_restore_vf(const struct sh_config *cfg, struct sh_store *store, struct nl_sock *host_sk,
		  const struct sh_record *r, struct sh_error *err);
/* sh_restore_vf, then the record and its index entry go, and the lock too unless keep_lock (a
 * takeover goes on to claim the VF). When the VF could not be restored the record stays, marked
 * returning, and the lock is let go: the next poststop, claim or gc finishes the job. The pin is
 * the caller's (sh_store_unpin_if_unused). */
int sh_release_vf(const struct sh_config *cfg, struct nl_sock *host_sk, struct sh_claim *c, struct sh_record *r,
		  bool keep_lock, struct sh_error *err);

/* After the release of r (a vfio claim taken over as stale): the other VFs of the same group claim
 * (r's lead VF, and each VF claimed with it as one IOMMU group, group_of) held by r's holder and
 * stale too are released, each under its own lock (taken without waiting: one busy is left to its
 * holder or gc). A group goes back as one, never half. */
void sh_release_group_rest(const struct sh_config *cfg, struct nl_sock *host_sk, struct sh_store *store,
			   const struct sh_record *r);

#endif
