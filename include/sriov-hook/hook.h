/* The two stages, end to end: attach at createRuntime, detach at poststop, and the restore both
 * use (rollback, poststop, stale-claim takeover). */
#ifndef SRIOV_HOOK_HOOK_H
#define SRIOV_HOOK_HOOK_H

#include <limits.h>

#include "sriov-hook/claim.h"
#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/oci.h"
#include "sriov-hook/request.h"

struct sh_ctx {
	const struct sh_config *cfg;
	const struct sh_state *state;
	const struct sh_request *req;
	char netns_path[PATH_MAX]; /* createRuntime only */
};

int hook_attach(const struct sh_ctx *ctx, struct sh_error *err);
int hook_detach(const struct sh_ctx *ctx, struct sh_error *err);
/* Puts the VF of record r back as it was and releases the claim c (held, locked). */
int restore_vf(const struct sh_config *cfg, struct sh_claim *c, const struct sh_record *r, struct sh_error *err);

#endif
