/* sriovctl vfs apply: for each PF of the configuration's "pfs", validate (the PF exists and has
 * SR-IOV, the count fits totalvfs, no VF of it is claimed), then write sriov_numvfs. The kernel
 * refuses to change a non-zero count to another non-zero one (EBUSY), so a change goes through 0;
 * and since that removes every VF, it is refused while a container holds one. Then each VF of a
 * vfio pool goes to vfio-pci: planned first (IOMMU group, viability, claims), bound after. */
#include "sriov-hook/ctl/vfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/ctl/inventory.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfio.h"

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

/* ---- vfio pools ---------------------------------------------------------------------------------- */

/* The step of one VF: a claim first (its holder's, whatever its driver), then what binding needs. */
static void plan_vf(const struct sh_config *cfg, const struct sh_store *st, const struct sh_pf *pf,
		    struct sh_vfio_plan *v)
{
	struct sh_error why = {0};

	v->iommu_group = -1;
	if (sh_sysfs_virtfn_pci(cfg->sysfs_root, pf, v->index, v->pci, &why) < 0) {
		v->step = SH_VFIO_STEP_REFUSE;
		v->code = why.code ? why.code : ENOENT;
		snprintf(v->why, sizeof(v->why), "not in sysfs (yet): %.*s", SH_ERR_MAX - 64, why.msg);
		return;
	}
	if (sh_store_has_record(st, v->pci)) {
		v->step = SH_VFIO_STEP_HELD;
		return;
	}
	sh_vfio_driver(cfg->sysfs_root, v->pci, v->driver, &why);
	if (sh_vfio_iommu_group(cfg->sysfs_root, v->pci, &v->iommu_group, &why) < 0) {
		v->iommu_group = -1;
		v->step = SH_VFIO_STEP_REFUSE;
		v->code = why.code ? why.code : ENODEV;
		snprintf(v->why, sizeof(v->why), "%s", why.msg);
		return;
	}
	if (!strcmp(v->driver, SH_VFIO_DRIVER)) {
		v->step = SH_VFIO_STEP_NONE;
		return;
	}
	if (sh_vfio_group_check(cfg->sysfs_root, v->pci, v->iommu_group, &why) < 0) {
		v->step = SH_VFIO_STEP_REFUSE;
		v->code = why.code ? why.code : EBUSY;
		snprintf(v->why, sizeof(v->why), "%s", why.msg);
		return;
	}
	v->step = SH_VFIO_STEP_BIND;
}

int sh_vfs_vfio_plan(const struct sh_config *cfg, struct sh_vfio_plan **plan, size_t *n, struct sh_error *err)
{
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	_cleanup_free_ struct sh_inv_pf *pfs = NULL;
	struct sh_vfio_plan *out = NULL, *grown;
	size_t n_pfs, p, cap = 0;
	unsigned i;
	int r;

	*plan = NULL;
	*n = 0;
	for (i = 0; i < cfg->n_pools && cfg->pools[i].mode != SH_MODE_VFIO; i++)
		;
	if (i == cfg->n_pools)
		return 0; /* no vfio pool: not even the store is read */
	if ((r = sh_store_open(cfg->state_dir, false, &st, err)) < 0)
		return sh_err_ctx(err, "read the claims in %s", cfg->state_dir);
	if ((r = sh_inventory_pfs(cfg, NULL, 0, &pfs, &n_pfs, err)) < 0)
		return r;
	for (p = 0; p < n_pfs; p++) {
		const struct sh_pf *pf = &pfs[p].pf;

		if (!pfs[p].allowed)
			continue;
		for (i = 0; i < pf->numvfs; i++) {
			const struct sh_pool *pool = sh_pool_of_vf(cfg->pools, cfg->n_pools, pf->name, pf->pci, i);
			struct sh_vfio_plan *v;

			if (!pool || pool->mode != SH_MODE_VFIO)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				if (!(grown = reallocarray(out, cap, sizeof(*out)))) {
					free(out);
					*n = 0;
					return sh_err(err, ENOMEM, "out of memory");
				}
				out = grown;
			}
			v = &out[(*n)++];
			memset(v, 0, sizeof(*v));
			v->pool = pool->name;
			snprintf(v->pf, sizeof(v->pf), "%s", pf->name[0] ? pf->name : pf->pci);
			v->index = i;
			plan_vf(cfg, &st, pf, v);
		}
	}
	*plan = out;
	return 0;
}

/* Binds one planned VF under its claim lock: a hook that claimed it since the plan was made has
 * it, and no hook claims it while it moves. */
static int bind_vf(const struct sh_config *cfg, struct sh_store *st, const struct sh_vfio_plan *v,
		   struct sh_vfs_result *res, char *why, size_t len, struct sh_error *err)
{
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_record rec;
	int r;

	res->outcome = SH_VFS_REFUSED;
	if ((r = sh_store_lock_vf(st, v->pci, false, &c, err)) == -EBUSY)
		return sh_err(err, EBUSY, "a hook is acting on it right now: run vfs apply again");
	if (r < 0)
		return r;
	if ((r = sh_claim_read(&c, &rec, err)) == 0) {
		res->outcome = SH_VFS_UNCHANGED;
		snprintf(why, len, "held by container %.64s: left as it is", rec.id);
		res->why = why;
	} else if (r == -ENOENT) {
		res->outcome = SH_VFS_FAILED;
		if ((r = sh_vfio_bind(cfg->sysfs_root, cfg->dev_root, v->pci, v->iommu_group, NULL, err)) == 0)
			res->outcome = SH_VFS_CHANGED;
	}
	sh_claim_unlock(&c);
	return r;
}

/* Each VF of the plan, reported on its own; *failed counts those not on vfio-pci or held. */
static int apply_vfio(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data),
		      void *data, size_t *failed, struct sh_error *first, struct sh_error *err)
{
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	_cleanup_free_ struct sh_vfio_plan *plan = NULL;
	size_t n, i;
	int r;

	*failed = 0;
	if ((r = sh_vfs_vfio_plan(cfg, &plan, &n, err)) < 0)
		return r;
	if (n && (r = sh_store_open(cfg->state_dir, true, &st, err)) < 0)
		return sh_err_ctx(err, "open the state directory to lock the vfio pools' VFs");
	for (i = 0; i < n; i++) {
		const struct sh_vfio_plan *v = &plan[i];
		struct sh_vfs_result res = {.pool = v->pool, .vf = v->index};
		struct sh_error one = {0};
		char why[SH_ERR_MAX];

		snprintf(res.pf, sizeof(res.pf), "%.*s", (int)sizeof(res.pf) - 1, v->pf);
		snprintf(res.vf_pci, sizeof(res.vf_pci), "%s", v->pci[0] ? v->pci : "?");
		snprintf(res.driver, sizeof(res.driver), "%s", v->driver);
		r = 0;
		switch (v->step) {
		case SH_VFIO_STEP_NONE:
			res.outcome = SH_VFS_UNCHANGED;
			break;
		case SH_VFIO_STEP_HELD:
			res.outcome = SH_VFS_UNCHANGED;
			res.why = "held by a container: left as it is";
			break;
		case SH_VFIO_STEP_REFUSE:
			res.outcome = SH_VFS_REFUSED;
			r = sh_err(&one, v->code, "%s", v->why);
			break;
		case SH_VFIO_STEP_BIND:
			r = bind_vf(cfg, &st, v, &res, why, sizeof(why), &one);
			break;
		}
		if (r < 0)
			res.why = one.msg;
		if (report)
			report(&res, data);
		if (r < 0 && (*failed)++ == 0) {
			sh_err(first, -r, "%s VF %u (%s): %s", v->pf, v->index, res.vf_pci, one.msg);
		}
	}
	return 0;
}

/* Two "pfs" entries that name one PF (by name and by PCI address) would set its count twice per
 * apply, recreating its VFs each time: refused before anything changes. */
static int check_distinct_pfs(const struct sh_config *cfg, struct sh_error *err)
{
	char(*pci)[SH_PCI_LEN] = calloc(cfg->n_pfs ? cfg->n_pfs : 1, SH_PCI_LEN);
	struct sh_error ignored;
	struct sh_pf pf;
	size_t i, j;
	int r = 0;

	if (!pci)
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < cfg->n_pfs && !r; i++) {
		if (sh_sysfs_pf_resolve(cfg->sysfs_root, cfg->pfs[i].pf, &pf, &ignored) < 0)
			continue; /* apply_one says why */
		snprintf(pci[i], SH_PCI_LEN, "%s", pf.pci);
		for (j = 0; j < i && !r; j++)
			if (pci[j][0] && !strcmp(pci[j], pci[i]))
				r = sh_err(err, EINVAL,
					   "config: \"pfs\": \"%s\" and \"%s\" are one PF (%s): give it once",
					   cfg->pfs[j].pf, cfg->pfs[i].pf, pf.pci);
	}
	free(pci);
	return r;
}

int sh_vfs_apply(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data), void *data,
		 struct sh_error *err)
{
	struct sh_error one, first_err = {0}, vf_err = {0};
	size_t i, failed = 0, vf_failed = 0;
	int r, first = 0;

	if ((r = check_distinct_pfs(cfg, err)) < 0)
		return r;

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
	/* The VFs that are there now, whatever became of the counts. */
	if ((r = apply_vfio(cfg, report, data, &vf_failed, &vf_err, &one)) < 0) {
		vf_failed++;
		vf_err = one;
	}
	if (failed && vf_failed)
		return sh_err(err, -first,
			      "%zu of %zu PFs not set, %zu VF(s) of vfio pools not on vfio-pci; the first: %.*s",
			      failed, cfg->n_pfs, vf_failed, SH_ERR_MAX / 2, first_err.msg);
	if (failed)
		return sh_err(err, -first, "%zu of %zu PFs not set; the first: %.*s", failed, cfg->n_pfs,
			      SH_ERR_MAX / 2, first_err.msg);
	if (vf_failed)
		return sh_err(err, vf_err.code ? vf_err.code : EIO,
			      "%zu VF(s) of vfio pools not on vfio-pci; the first: %.*s", vf_failed, SH_ERR_MAX / 2,
			      vf_err.msg);
	return 0;
}
