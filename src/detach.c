/* poststop: every VF claimed by the container goes back to the host as it was, and its claim and
 * the netns pin go. Nothing to release is success: runc and docker run poststop after a failed
 * createRuntime too, and a second poststop must be harmless. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/attach.h"
#include "sriov-hook/log.h"
#include "sriov-hook/netns.h"
#include "sriov-hook/nl.h"

/* Under the VF's lock, re-checks that the claim is still this container's (a new container may
 * have taken the VF over since), then releases it. */
static int detach_one(const struct sh_ctx *ctx, struct nl_sock *sk, const char *pci, struct sh_error *err)
{
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_record r;
	int ret;

	if ((ret = sh_claim_lock(ctx->cfg->state_dir, pci, true, &c, err)) < 0)
		return ret;
	ret = sh_claim_read(&c, &r, err);
	if (ret == -ENOENT || (ret == 0 && strcmp(r.id, ctx->state->id))) {
		sh_claim_unlock(&c);
		return 0;
	}
	if (ret < 0) {
		sh_claim_unlock(&c);
		return ret;
	}
	if ((ret = sh_release_vf(ctx->cfg, sk, &c, &r, err)) < 0)
		return sh_err_ctx(err, "release VF %u (%s) of %s", r.vf_index, r.vf_pci, r.pf_name);
	sh_log_msg(LOG_INFO, "VF %u (%s) of %s released as %s", r.vf_index, r.vf_pci, r.pf_name, r.host_name);
	return 0;
}

int sh_detach(const struct sh_ctx *ctx, struct sh_error *err)
{
	char pci[SH_MAX_VFS * 4][SH_PCI_LEN], pin[PATH_MAX];
	struct nl_sock *sk = NULL;
	struct sh_error one;
	size_t i, n;
	int r, first = 0;

	if ((r = sh_claim_list_owned(ctx->cfg->state_dir, ctx->state->id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return r;
	if (n > SH_ARRAY_SIZE(pci)) /* more than any createRuntime makes */
		return sh_err(err, E2BIG, "%zu claims name this container: the state directory is corrupt", n);
	if (n > 0 && (r = sh_nl_open(&sk, err)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		if ((r = detach_one(ctx, sk, pci[i], &one)) < 0 && !first) {
			first = r;
			*err = one;
		}
	}
	sh_nl_close(sk);
	if (first)
		return first; /* the claims left still need the pin */
	/* Every claim of the container is gone: its pin goes, also one left without claims (by a
	 * hook that died between pinning and claiming). */
	sh_claim_index_drop(ctx->cfg->state_dir, ctx->state->id);
	sh_netns_pin_path(ctx->cfg->state_dir, ctx->state->id, pin);
	return sh_netns_unpin(pin, err);
}
