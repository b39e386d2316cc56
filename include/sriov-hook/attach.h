/* The two stages, end to end: attach at createRuntime, detach at poststop, and the restore both
 * use (rollback, poststop, stale-claim takeover). */
#ifndef SRIOV_HOOK_ATTACH_H
#define SRIOV_HOOK_ATTACH_H

#include <limits.h>

#include "sriov-hook/claim.h"
#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/oci.h"
#include "sriov-hook/request.h"

/* One hook run: its inputs, validated. */
struct sh_ctx {
	const struct sh_config *cfg;
	const struct sh_state *state;
	const struct sh_request *req;
	char netns_path[PATH_MAX]; /* createRuntime only */
	const char *name;	   /* the container's name where the runtime gave one, else NULL */
	/* The key of the CDI device this run is the hook of ("pf=ens1f0 vf=0"), "" when the
	 * annotations say: poststop releases that device's VFs only. */
	char device[SH_DEVICE_MAX];
};

int sh_attach(const struct sh_ctx *ctx, struct sh_error *err);
int sh_detach(const struct sh_ctx *ctx, struct sh_error *err);
struct nl_sock;

/* Puts the VF of record r back on the host as it was before the claim: moved back from the pinned
 * netns (or found by PCI address where the kernel returned it), renamed, MTU, MAC, up state and
 * the PF-side settings the claim changed. Idempotent. The caller holds the VF's lock. */
int sh_restore_vf(const struct sh_config *cfg, struct nl_sock *host_sk, const struct sh_record *r,
		  struct sh_error *err);
/* sh_restore_vf, then the record and the lock go (the pin is the caller's). On failure the record
 * stays, for the next poststop or claim to retry. */
int sh_release_vf(const struct sh_config *cfg, struct nl_sock *host_sk, struct sh_claim *c, const struct sh_record *r,
		  struct sh_error *err);
/* Unpins the container's netns unless another claim record still names the pin. */
int sh_unpin_if_unused(const struct sh_config *cfg, const char *id, const char *pin, struct sh_error *err);

#endif
