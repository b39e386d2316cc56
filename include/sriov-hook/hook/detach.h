/* poststop: the VFs a container holds go back to the host as they were. */
#ifndef SRIOV_HOOK_DETACH_H
#define SRIOV_HOOK_DETACH_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/ctx.h"

/* poststop: gives back the VFs of container ctx->state->id whose holder is gone (or is the
 * container the runtime names), never those of a live container that shares the id. */
int sh_detach(const struct sh_ctx *ctx, struct sh_error *err);
#endif
