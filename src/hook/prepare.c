/* sriov-runc's part of attach, around `runc create`: before it, the container's vfio VFs claimed,
 * recorded, configured and bound to vfio-pci, held by the wrapper's process until the container's
 * createRuntime adopts them; after a create that failed, what no createRuntime adopted given back. */
#include "sriov-hook/hook/prepare.h"

#include <errno.h>
#include <unistd.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"

int sh_attach_prepare(const struct sh_ctx *ctx, struct sh_record *out, size_t max, size_t *n, struct sh_error *err)
{
	struct sh_attach_run a = {.ctx = ctx,
				  .store = SH_STORE_INIT,
				  .pin = SH_PIN_INIT,
				  .prepare = true,
				  .out = out,
				  .out_max = max,
				  .out_n = n};

	*n = 0;

	a.ns.fd = -1;
	a.ns.pid = getpid();
	a.ns.pid_start = sh_proc_start_time(a.ns.pid);
	a.self = (struct sh_holder){ctx->state->id, a.ns.pid, a.ns.pid_start, 0, 0};
	return sh_attach_run(&a, err);
}

int sh_attach_abandon(const struct sh_ctx *ctx, struct sh_error *err)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	char pci[SH_MAX_VFS * 4][SH_PCI_LEN];
	struct sh_holder self = {ctx->state->id, getpid(), sh_proc_start_time(getpid()), 0, 0};
	struct sh_error one;
	struct sh_claim c;
	size_t i, k, m, n;
	int ret, first = 0;

	if ((ret = sh_store_open(ctx->cfg->state_dir, false, &store, err)) < 0 ||
	    (ret = sh_store_list_owned(&store, self.id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return ret;
	/* The VFs claimed with another's IOMMU group first (as poststop does): killed half-way, the
	 * one they came with is still claimed, and its takeover gives them back with it. */
	m = n < SH_ARRAY_SIZE(pci) ? n : SH_ARRAY_SIZE(pci);
	for (k = 0; k < 2 * m; k++) {
		i = k % m;
		if ((ret = sh_claim_reopen(&store, pci[i], &self, &c, &one)) == -ENOENT)
			continue; /* adopted (the container's poststop gives it back), or released already */
		if (ret < 0)
			goto next;
		if (!c.rec.group_of[0] != (k >= m)) {
			sh_claim_unlock(&c);
			continue; /* the other pass's */
		}
		if (!sk && (ret = sh_nl_open(&sk, &one)) < 0) {
			sh_claim_unlock(&c);
			goto next;
		}
		sh_log_set_vf(c.rec.pf_name, c.rec.vf_pci);
		if ((ret = sh_release_vf(ctx->cfg, sk, &c, &c.rec, false, &one)) == 0)
			continue;
		sh_err_ctx(&one, "release VF %u (%s) of %s", c.rec.vf_index, c.rec.vf_pci, c.rec.pf_name);
	next:
		if (!first) {
			first = ret;
			*err = one;
		}
	}
	return first;
}
