/* sriovctl vfs apply: for each PF of the configuration's "pfs", validate (the PF exists and has
 * SR-IOV, the count fits totalvfs, no VF of it is claimed), then write sriov_numvfs. The kernel
 * refuses to change a non-zero count to another non-zero one (EBUSY), so a change goes through 0;
 * and since that removes every VF, it is refused while a container holds one. */
#include "sriov-hook/vfs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/store.h"
#include "sriov-hook/sysfs.h"

/* Why the VFs of pf must not be removed now: "" when no claim names one of them. A stale or
 * returning claim counts too: its record is what restores the VF, and gc needs the VF to exist. */
static int pf_claimed(const struct sh_config *cfg, const struct sh_pf *pf, char *why, size_t len, struct sh_error *err)
{
	static const char *const states[] = {[SH_CLAIM_HELD] = "held",
					     [SH_CLAIM_STALE] = "claimed (stale)",
					     [SH_CLAIM_RETURNING] = "not returned yet"};
	struct sh_claim_info info;
	char pci[SH_PCI_LEN];
	unsigned i;
	int r;

	why[0] = '\0';
	for (i = 0; i < pf->numvfs; i++) {
		if (sh_sysfs_vf_pci(cfg->sysfs_root, pf, i, pci) < 0)
			continue;
		r = sh_store_claim_info(cfg->state_dir, pci, &info, err);
		if (r == -ENOENT || (r == 0 && info.state == SH_CLAIM_NONE))
			continue;
		if (r < 0)
			return sh_err_ctx(err, "read the claim on VF %u (%s)", i, pci);
		snprintf(why, len, "VF %u (%s) is %s by container %.64s%s%.64s%s: %s", i, pci, states[info.state],
			 info.id, info.name[0] ? " (" : "", info.name, info.name[0] ? ")" : "",
			 info.state == SH_CLAIM_HELD ? "stop it first" : "run sriovctl gc first");
		return 0;
	}
	return 0;
}

static int apply_one(const struct sh_config *cfg, const struct sh_pf_setting *want, struct sh_vfs_result *res,
		     char *why, size_t len, struct sh_error *err)
{
	struct sh_pf pf;
	unsigned total;
	int r;

	if ((r = sh_sysfs_pf_resolve(cfg->sysfs_root, want->pf, &pf, err)) < 0) {
		res->outcome = SH_VFS_REFUSED;
		return r;
	}
	snprintf(res->pf, sizeof(res->pf), "%s", pf.name);
	snprintf(res->pci, sizeof(res->pci), "%s", pf.pci);
	res->from = pf.numvfs;
	if (pf.numvfs == want->numvfs) {
		res->outcome = SH_VFS_UNCHANGED;
		return 0;
	}
	res->outcome = SH_VFS_REFUSED;
	if (sh_sysfs_pci_attr_uint(cfg->sysfs_root, pf.pci, "sriov_totalvfs", &total) == 0 && want->numvfs > total)
		return sh_err(err, ERANGE, "%s supports at most %u VFs (sriov_totalvfs), not %u", pf.name, total,
			      want->numvfs);
	if (pf.numvfs && (r = pf_claimed(cfg, &pf, why, len, err)) < 0)
		return r;
	if (why[0])
		return sh_err(err, EBUSY, "changing %u VFs to %u removes them all first, but %s", pf.numvfs,
			      want->numvfs, why);
	res->outcome = SH_VFS_FAILED;
	if (pf.numvfs && want->numvfs && (r = sh_sysfs_set_numvfs(cfg->sysfs_root, &pf, 0, err)) < 0)
		return r;
	if ((r = sh_sysfs_set_numvfs(cfg->sysfs_root, &pf, want->numvfs, err)) < 0)
		return r;
	res->outcome = SH_VFS_CHANGED;
	return 0;
}

int sh_vfs_apply(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data), void *data,
		 struct sh_error *err)
{
	struct sh_error one, first_err = {0};
	char why[256];
	size_t i, failed = 0;
	int r, first = 0;

	for (i = 0; i < cfg->n_pfs; i++) {
		struct sh_vfs_result res = {.spec = cfg->pfs[i].pf, .to = cfg->pfs[i].numvfs};

		memset(&one, 0, sizeof(one));
		why[0] = '\0';
		snprintf(res.pf, sizeof(res.pf), "%.*s", (int)sizeof(res.pf) - 1, cfg->pfs[i].pf);
		r = apply_one(cfg, &cfg->pfs[i], &res, why, sizeof(why), &one);
		res.why = r < 0 ? one.msg : NULL;
		if (report)
			report(&res, data);
		if (r < 0 && failed++ == 0) {
			first = r;
			first_err = one;
		}
	}
	if (failed)
		return sh_err(err, -first, "%zu of %zu PFs not set; the first: %.*s", failed, cfg->n_pfs,
			      SH_ERR_MAX / 2, first_err.msg);
	return 0;
}
