/* createRuntime, end to end: each requested VF picked and claimed, recorded, configured and moved
 * into the container (or, in vfio mode, bound or adopted). sriov-runc's claims of vfio VFs before
 * the container exists are prepare.h's. It composes the store (store/claim.h, store/pin.h), which
 * owns everything under state_dir. */
#ifndef SRIOV_HOOK_ATTACH_H
#define SRIOV_HOOK_ATTACH_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/ctx.h"

/* createRuntime: idempotent per container and request (a slot this container already holds in
 * this namespace is left as it is), and all or nothing for the rest. */
int sh_attach(const struct sh_ctx *ctx, struct sh_error *err);

#endif
