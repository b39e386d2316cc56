/* createRuntime, end to end: each requested VF resolved, claimed, recorded, configured and moved
 * into the container; and sriov-runc's claims of vfio VFs before the container exists. It composes
 * the store (store.h), which owns everything under state_dir. */
#ifndef SRIOV_HOOK_ATTACH_H
#define SRIOV_HOOK_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/ctx.h"
#include "sriov-hook/store/record.h"

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
#endif
