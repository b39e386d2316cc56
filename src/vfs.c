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

/* Locks every VF of pf (the hooks' per-VF locks, so that no hook claims one while its PF's count
 * changes) and says in why what must not be removed: "" when no VF has a claim record. A stale or
 * returning claim counts too: its record is what restores the VF, and gc needs the VF to exist. */
static int lock_vfs(const struct sh_config *cfg, const struct sh_pf *pf, struct sh_store *st, struct sh_claim *locks,
		    char *why, size_t len, struct sh_error *err)
{
	struct sh_record rec;
	char pci[SH_PCI_LEN];
	unsigned i;
	int r;

	why[0] = '\0';
	if ((r = sh_store_open(cfg->state_dir, true, st, err)) < 0)
		return r;
	for (i = 0; i < pf->numvfs; i++) {
		if (sh_sysfs_virtfn_pci(cfg->sysfs_root, pf, i, pci, NULL) < 0)
			continue;
		if ((r = sh_store_lock_vf(st, pci, false, &locks[i], err)) == -EBUSY) {
			snprintf(why, len, "a hook is acting on VF %u (%s) right now: run vfs apply again", i, pci);
			return 0;
		}
		if (r < 0)
			return r;
		r = sh_claim_read(&locks[i], &rec, err);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return sh_err_ctx(err, "read the claim on VF %u (%s)", i, pci);
		if (sh_record_holder_gone(&rec))
			snprintf(
				why, len,
				"VF %u (%s) is still claimed for container %.64s, which is gone: run sriovctl gc first",
				i, pci, rec.id);
		else
			snprintf(why, len, "VF %u (%s) is held by container %.64s%s%.64s%s: stop it first", i, pci,
				 rec.id, rec.name[0] ? " (" : "", rec.name, rec.name[0] ? ")" : "");
		return 0;
	}
	return 0;
}

static void unlock_vfs(struct sh_claim *locks, unsigned n)
{
	unsigned i;

	for (i = 0; locks && i < n; i++)
		sh_claim_unlock(&locks[i]);
	free(locks);
}

/* Changes a non-zero count: under the VFs' locks, through 0. */
static int change_count(const struct sh_config *cfg, const struct sh_pf *pf, unsigned to, struct sh_vfs_result *res,
			struct sh_error *err)
{
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	struct sh_claim *locks = calloc(pf->numvfs, sizeof(*locks));
	char why[512];
	unsigned i;
	int r;

	if (!locks)
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < pf->numvfs; i++)
		locks[i] = SH_CLAIM_INIT;
	if ((r = lock_vfs(cfg, pf, &st, locks, why, sizeof(why), err)) == 0 && why[0])
		r = sh_err(err, EBUSY, "changing %u VFs to %u removes them all first, but %s", pf->numvfs, to, why);
	if (r == 0) {
		res->outcome = SH_VFS_FAILED;
		if ((r = sh_sysfs_set_numvfs(cfg->sysfs_root, pf, 0, err)) == 0 && to)
			r = sh_sysfs_set_numvfs(cfg->sysfs_root, pf, to, err);
	}
	unlock_vfs(locks, pf->numvfs);
	return r;
}

static int apply_one(const struct sh_config *cfg, const struct sh_pf_setting *want, struct sh_vfs_result *res,
		     struct sh_error *err)
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
	if (pf.numvfs)
		r = change_count(cfg, &pf, want->numvfs, res, err);
	else {
		res->outcome = SH_VFS_FAILED;
		r = sh_sysfs_set_numvfs(cfg->sysfs_root, &pf, want->numvfs, err);
	}
	if (r < 0)
		return r;
	res->outcome = SH_VFS_CHANGED;
	return 0;
}

int sh_vfs_apply(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data), void *data,
		 struct sh_error *err)
{
	struct sh_error one, first_err = {0};
	size_t i, failed = 0;
	int r, first = 0;

	for (i = 0; i < cfg->n_pfs; i++) {
		struct sh_vfs_result res = {.spec = cfg->pfs[i].pf, .to = cfg->pfs[i].numvfs};

		memset(&one, 0, sizeof(one));
		snprintf(res.pf, sizeof(res.pf), "%.*s", (int)sizeof(res.pf) - 1, cfg->pfs[i].pf);
		r = apply_one(cfg, &cfg->pfs[i], &res, &one);
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
