/* sriov-runc's part of attach, around `runc create`: the container's vfio VFs claimed, bound and
 * recorded before it exists (its createRuntime adopts them), and given back when the create fails. */
#ifndef SRIOV_HOOK_PREPARE_H
#define SRIOV_HOOK_PREPARE_H

#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/ctx.h"
#include "sriov-hook/store/record.h"

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
