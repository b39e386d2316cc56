/* The two stages, end to end: attach at createRuntime, detach at poststop, and the restore both
 * use (rollback, poststop, stale-claim takeover, gc). They compose the store (store.h), which owns
 * everything under state_dir. */
#ifndef SRIOV_HOOK_ATTACH_H
#define SRIOV_HOOK_ATTACH_H

#include <limits.h>
#include <stdbool.h>

#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/oci.h"
#include "sriov-hook/request.h"
#include "sriov-hook/store.h"

/* One hook run: its inputs, validated. */
struct sh_ctx {
	const struct sh_config *cfg;
	const struct sh_state *state;
	const struct sh_request *req;
	char netns_path[PATH_MAX]; /* createRuntime; at poststop "" unless the runtime named it */
	const char *name;	   /* the container's name where the runtime gave one, else NULL */
	/* The key of the CDI device this run is the hook of ("pf=ens1f0 vf=0"), "" when the
	 * annotations say: poststop releases that device's VFs only. */
	char device[SH_DEVICE_MAX];
};

/* createRuntime: idempotent per container and request (a slot this container already holds in
 * this namespace is left as it is), and all or nothing for the rest. */
int sh_attach(const struct sh_ctx *ctx, struct sh_error *err);
/* sriov-runc, before `runc create`: claims the container's vfio VFs (ctx->state: its id and
 * bundle, no pid yet), records them, applies their PF-side settings and binds them to vfio-pci, so
 * that their device nodes exist for config.json. They are held by this process (its pid) until the
 * container's createRuntime hook adopts them; should this process die first, they are stale and
 * the next claim or gc gives them back. The netdev VFs are left to the hook. out (max entries) gets
 * the records of the VFs claimed, in slot order, *n their count. */
int sh_attach_prepare(const struct sh_ctx *ctx, struct sh_record *out, size_t max, size_t *n, struct sh_error *err);
/* sriov-runc, after a `runc create` that failed: gives back what sh_attach_prepare claimed and no
 * createRuntime adopted (those adopted are the container's poststop's). */
int sh_attach_abandon(const struct sh_ctx *ctx, struct sh_error *err);
/* poststop: gives back the VFs of container ctx->state->id whose holder is gone (or is the
 * container the runtime names), never those of a live container that shares the id. */
int sh_detach(const struct sh_ctx *ctx, struct sh_error *err);
struct nl_sock;

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

#endif
