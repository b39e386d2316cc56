/* Which VF a request slot gets: the PF resolved and allowed, then the VF the request names, or for
 * auto and pools the lowest free one before the lowest stale one (given back and taken over), each
 * claimed through the store and checked usable; when none can be had, the census says why. */
#include "sriov-hook/hook/pick.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/census.h"
#include "sriov-hook/hook/locality.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/hook/usable.h"
#include "sriov-hook/input/pool.h"
#include "sriov-hook/sys/vfio.h"

/* Adds "; <fmt>" to the message already in err. */
static void err_append(struct sh_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err_append(struct sh_error *err, const char *fmt, ...)
{
	size_t at = strlen(err->msg);
	va_list ap;

	if (at + 3 >= sizeof(err->msg))
		return;
	memcpy(err->msg + at, "; ", 3);
	va_start(ap, fmt);
	vsnprintf(err->msg + at + 2, sizeof(err->msg) - at - 2, fmt, ap);
	va_end(ap);
}

/* The configuration file, as messages name it. */
static const char *config_file(const struct sh_config *cfg)
{
	return cfg->path[0] ? cfg->path : SH_DEFAULT_CONFIG;
}

/* A PF that does not resolve (a typo, a VF, a netdev without SR-IOV): the message goes on with the
 * SR-IOV PFs there are, and which of them allowed_pfs lets containers use. */
static void list_pfs(const struct sh_config *cfg, struct sh_error *err)
{
	_cleanup_free_ struct sh_pf *pfs = NULL;
	struct sh_error ignored;
	char list[640] = "";
	size_t i, n, at = 0;
	unsigned total;

	if (sh_sysfs_pf_list(cfg->sysfs_root, &pfs, &n, &ignored) < 0)
		return;
	if (n == 0) {
		err_append(err, "this host has no SR-IOV PF");
		return;
	}
	for (i = 0; i < n && at < sizeof(list) - 1; i++) {
		if (sh_sysfs_pci_attr_uint(cfg->sysfs_root, pfs[i].pci, "sriov_totalvfs", &total) < 0)
			total = 0;
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s (%s, %u of %u VFs enabled%s)", i ? ", " : "",
				       pfs[i].name[0] ? pfs[i].name : "no netdev", pfs[i].pci, pfs[i].numvfs, total,
				       sh_config_pf_allowed(cfg, pfs[i].name, pfs[i].pci) ? ""
											  : ", not in allowed_pfs");
	}
	err_append(err, "the SR-IOV PFs here: %s", list);
}

static int resolve_pf(const struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
		      struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	char allowed[512] = "";
	size_t i, at = 0;
	int r;

	if (v->select == SH_VF_PCI) {
		if ((r = sh_sysfs_vf_by_pci(cfg->sysfs_root, v->vf_pci, pf, vf, err)) < 0)
			return r;
		if (v->pf[0] && strcmp(v->pf, pf->name) && strcasecmp(v->pf, pf->pci))
			return sh_err(err, EINVAL, "VF %s belongs to %s, not to %s", v->vf_pci, pf->name, v->pf);
	} else if ((r = sh_sysfs_pf_resolve(cfg->sysfs_root, v->pf, pf, err)) < 0) {
		if (r == -ENODEV || r == -ENOTSUP || r == -EINVAL)
			list_pfs(cfg, err);
		return r;
	}
	if (!sh_config_pf_allowed(cfg, pf->name, pf->pci)) {
		for (i = 0; i < cfg->n_allowed_pfs && at < sizeof(allowed) - 1; i++)
			at += (size_t)snprintf(allowed + at, sizeof(allowed) - at, "%s%s", i ? ", " : "",
					       cfg->allowed_pfs[i]);
		return sh_err(err, EPERM, "PF %s (%s) is not in allowed_pfs of %s (it allows: %s)", pf->name, pf->pci,
			      config_file(cfg), allowed[0] ? allowed : "none");
	}
	return 0;
}

/* A PF whose VFs are not enabled: say so, and how to enable them. */
static int no_vfs_enabled(const struct sh_config *cfg, const struct sh_pf *pf, struct sh_error *err)
{
	unsigned total;

	if (sh_sysfs_pci_attr_uint(cfg->sysfs_root, pf->pci, "sriov_totalvfs", &total) < 0 || total == 0)
		total = 1;
	return sh_err(err, ENODEV,
		      "PF %s (%s) has no VFs enabled (sriov_numvfs is 0, it supports up to %u): enable them with "
		      "`sriovctl vfs apply` after adding \"pfs\": {\"%s\": {\"numvfs\": %u}} to %s, or with "
		      "`echo %u > %s/class/net/%s/device/sriov_numvfs`",
		      pf->name, pf->pci, total, pf->name, total, config_file(cfg), total,
		      strcmp(cfg->sysfs_root, "/") ? cfg->sysfs_root : "", pf->name);
}

int sh_pick_begin(struct sh_attach_run *a, const char *pci, struct sh_claim *c, struct sh_record *old,
		  struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_error ignored;
	int r;

	if ((r = sh_claim_begin(&a->store, pci, &a->self, c, old, err)) != 1)
		return r;
	sh_log_msg(LOG_NOTICE, "VF %s: taking over the %s claim of %s", pci,
		   old->phase == SH_PHASE_RETURNING ? "returning" : "stale", old->id);
	if ((r = sh_release_vf(cfg, a->host_sk, c, old, true, err)) < 0)
		return sh_err_ctx(err, "take over the claim of %s", old->id);
	/* not waiting: a pin whose lock is held is in use, or left to the next sweep */
	sh_store_unpin_if_unused(&a->store, old->pin, false, &ignored);
	sh_release_group_rest(cfg, a->host_sk, &a->store, old); /* a vfio group goes back as one */
	return 1;
}

/* Begins this run's claim of vf (sh_pick_begin) and checks that the VF is usable. On success c
 * holds the lock and starts the record; on failure nothing is held. */
static int try_claim(struct sh_attach_run *a, struct sh_vf *vf, struct sh_claim *c, struct sh_link *host,
		     struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_record old;
	int r;

	if ((r = sh_pick_begin(a, vf->pci, c, &old, err)) < 0)
		return r;
	/* a vfio VF given back is on its own driver again: judge it as it is now */
	if (r == 1 && old.mode == SH_MODE_VFIO && (r = sh_vfio_driver(cfg->sysfs_root, vf->pci, vf->driver, err)) < 0) {
		sh_claim_abort(c);
		return r;
	}
	if ((r = sh_vf_check_usable(a, vf, host, err)) < 0)
		sh_claim_abort(c);
	return r;
}

/* Whether auto moves on to the next VF after this failure: the VF is busy, in use, not back yet
 * or not a netdev. Anything else (the state directory, netlink) is reported as it is. */
static bool skippable(int r)
{
	return r == -EBUSY || r == -EAGAIN || r == -ENODEV || r == -EOPNOTSUPP;
}

/* One pass of auto over the VFs of pf in scope: pass 0 takes the lowest VF nobody claimed whose
 * netdev is on the host, pass 1 the lowest whose claim is stale or returning (finished and taken
 * over). Claimed and in-use VFs cost no lock and no parse. -ENOENT (err untouched) when none; why
 * a stale claim could not be taken over goes to cs. */
static int pick_pass(struct sh_attach_run *a, const struct sh_pf *pf, const struct sh_pool *pool, int pass,
		     struct sh_vf *vf, struct sh_claim *c, struct sh_link *host, struct sh_census *cs,
		     struct sh_error *err)
{
	const char *root = a->ctx->cfg->sysfs_root;
	_cleanup_host_netdevs_ struct sh_host_netdevs on_host = SH_HOST_NETDEVS_INIT;
	_cleanup_close_ int pf_fd = sh_sysfs_pf_open(root, pf);
	char pci[SH_PCI_LEN];
	struct sh_error why;
	unsigned i;
	int r;

	for (i = 0; i < pf->numvfs; i++) {
		/* Cheap checks first: this loop may walk hundreds of VFs. */
		if (!sh_vf_in_scope(a, pf, i, pool) || sh_sysfs_virtfn_pci_at(pf_fd, i, pci) < 0 ||
		    !(pass == 0 ? sh_vf_maybe_free(a, pci, &on_host) : sh_store_has_record(&a->store, pci)))
			continue;
		if (sh_sysfs_vf_get(root, pf, i, vf, &why) < 0)
			continue;
		if ((r = try_claim(a, vf, c, host, err)) == 0)
			return 0;
		if (!skippable(r))
			return sh_err_ctx(err, "claim VF %u (%s) of %s", i, pci, pf->name);
		if (pass == 1 && !cs->stale_why[0] && strncmp(err->msg, "already held", 12))
			snprintf(cs->stale_why, sizeof(cs->stale_why), "VF %u: %.200s", i, err->msg);
	}
	return -ENOENT;
}

/* Where request v wants its VF: its cpuset's nodes, io.sriov.numa, io.sriov.near. */
static int locality(const struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_locality *loc,
		    struct sh_error *err)
{
	char p[32];

	if (v->slot)
		snprintf(p, sizeof(p), SH_ANNOTATION_PREFIX "%u.", v->slot);
	else
		snprintf(p, sizeof(p), SH_ANNOTATION_PREFIX);
	return sh_locality_init(a->ctx->cfg->sysfs_root, a->ctx->spec, v, p, loc, err);
}

/* The claim's log line says why this VF when locality chose it. */
static void log_why(const struct sh_locality *loc, const struct sh_pf_place *pl, const struct sh_pf *pf,
		    const struct sh_vf *vf)
{
	char why[256];

	if (sh_locality_active(loc) && sh_locality_why(loc, pl, why, sizeof(why))[0])
		sh_log_msg(LOG_INFO, "VF %u (%s) of %s chosen: %s", vf->index, vf->pci, pf->name, why);
}

/* After strict found no local VF: "; per node: node 0: 3 of 4 free, node 1: 0 of 4 free" over the
 * PFs in scope (each counted once), so that the refusal says where VFs are left. */
static void census_per_node(struct sh_attach_run *a, const struct sh_pf *pfs, const int *nodes, size_t n,
			    const struct sh_pool *pool, struct sh_error *err)
{
	enum { MAX_NODES = 16 };
	int node[MAX_NODES];
	unsigned total[MAX_NODES] = {0}, freed[MAX_NODES] = {0};
	char list[320] = "";
	size_t i, j, k, m = 0, at = 0;
	bool done[MAX_NODES] = {false};

	for (i = 0; i < n; i++) {
		struct sh_census cs = {0};

		for (j = 0; j < i && strcmp(pfs[j].pci, pfs[i].pci); j++)
			;
		for (k = 0; k < m && node[k] != nodes[i]; k++)
			;
		if (j < i || (k == m && m == MAX_NODES))
			continue;
		if (k == m)
			node[m++] = nodes[i];
		sh_census_count(a, &pfs[i], pool, &cs);
		total[k] += cs.total;
		freed[k] += cs.freed;
	}
	/* in node order (unknown first): a few nodes, a selection each */
	for (i = 0; i < m && at < sizeof(list) - 1; i++) {
		for (k = m, j = 0; j < m; j++)
			if (!done[j] && (k == m || node[j] < node[k]))
				k = j;
		done[k] = true;
		if (node[k] < 0)
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%snode unknown: %u of %u free",
					       i ? ", " : "", freed[k], total[k]);
		else
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%snode %d: %u of %u free", i ? ", " : "",
					       node[k], freed[k], total[k]);
	}
	err_append(err, "per node: %s", list);
}

static int pick_auto(struct sh_attach_run *a, const struct sh_vf_request *v, const struct sh_pf *pf, struct sh_vf *vf,
		     struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	struct sh_census cs = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	char head[192], nodes[48];
	unsigned i, pooled = 0;
	int pass, r;

	if ((r = locality(a, v, &loc, err)) < 0)
		return r;
	sh_locality_place(&loc, pf, &pl);
	if (loc.strict && !pl.local) {
		if (pl.node < 0)
			snprintf(head, sizeof(head), "an unknown node");
		else
			snprintf(head, sizeof(head), "node %d", pl.node);
		sh_err(err, EBUSY, "claim a VF of %s: it is on %s, not on node %s (%s)", pf->name, head,
		       sh_cpuset_format(&loc.nodes, nodes, sizeof(nodes)), loc.why_nodes);
		census_per_node(a, pf, &pl.node, 1, NULL, err);
		return -EBUSY;
	}
	for (pass = 0; pass < 2; pass++)
		if ((r = pick_pass(a, pf, NULL, pass, vf, c, host, &cs, err)) != -ENOENT) {
			if (r == 0)
				log_why(&loc, &pl, pf, vf);
			return r;
		}
	for (i = 0; i < pf->numvfs; i++)
		pooled += !sh_vf_in_scope(a, pf, i, NULL);
	sh_census_count(a, pf, NULL, &cs);
	snprintf(head, sizeof(head), "claim a VF of %s", pf->name);
	r = sh_census_error(&cs, head, pooled, err);
	if (loc.strict)
		census_per_node(a, pf, &pl.node, 1, NULL, err);
	return r;
}

/* The VF v->vf_pci of pool: it must be one of the pool's. */
static int pick_pool_vf(struct sh_attach_run *a, const struct sh_vf_request *v, const struct sh_pool *pool,
			struct sh_pf *pf, struct sh_vf *vf, struct sh_claim *c, struct sh_link *host,
			struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	int r;

	if ((r = sh_sysfs_vf_by_pci(cfg->sysfs_root, v->vf_pci, pf, vf, err)) < 0)
		return sh_err_ctx(err, "claim VF %s of pool %s", v->vf_pci, pool->name);
	if (!sh_pool_has_vf(pool, pf->name, pf->pci, vf->index))
		return sh_err(err, EPERM, "VF %u (%s) of %s is not in pool %s", vf->index, vf->pci, pf->name,
			      pool->name);
	if (!sh_config_pf_allowed(cfg, pf->name, pf->pci))
		return sh_err(err, EPERM, "PF %s (%s) of pool %s is not in allowed_pfs", pf->name, pf->pci, pool->name);
	if ((r = try_claim(a, vf, c, host, err)) < 0)
		return sh_err_ctx(err, "claim VF %u (%s) of %s (pool %s)", vf->index, vf->pci, pf->name, pool->name);
	return 0;
}

/* A pool's selectors whose PF is present and allowed, with where each PF sits. */
struct pool_cands {
	struct sh_pf pf[SH_POOL_MAX_SELECTORS];
	struct sh_pf_place pl[SH_POOL_MAX_SELECTORS];
	int node[SH_POOL_MAX_SELECTORS];
	size_t order[SH_POOL_MAX_SELECTORS]; /* closest first, the configuration's order among equals */
	size_t n;
};

static void pool_cands(struct sh_attach_run *a, const struct sh_pool *pool, const struct sh_locality *loc,
		       struct pool_cands *pc)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_error why;
	size_t k, i, t;

	pc->n = 0;
	for (k = 0; k < pool->n_sel; k++) {
		if (sh_sysfs_pf_resolve(cfg->sysfs_root, pool->sel[k].pf, &pc->pf[pc->n], &why) < 0 ||
		    !sh_config_pf_allowed(cfg, pc->pf[pc->n].name, pc->pf[pc->n].pci))
			continue;
		sh_locality_place(loc, &pc->pf[pc->n], &pc->pl[pc->n]);
		pc->node[pc->n] = pc->pl[pc->n].node;
		/* insertion: stable, and a pool has a few selectors */
		for (i = pc->n; i > 0 && pc->pl[pc->order[i - 1]].score < pc->pl[pc->n].score; i--)
			;
		for (t = pc->n; t > i; t--)
			pc->order[t] = pc->order[t - 1];
		pc->order[i] = pc->n++;
	}
}

/* A pool: its selectors closest first (locality), in the configuration's order among equals; of
 * each group of equals the free VFs before any stale one. A selector whose PF is absent or not
 * allowed offers no VF; with strict, one not on the wanted nodes neither. */
static int pick_pool(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
		     struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	const struct sh_pool *pool = sh_pool_find(cfg->pools, cfg->n_pools, v->pool);
	struct sh_census cs = {0};
	struct sh_pf no_vfs = {0};
	struct sh_locality loc;
	struct pool_cands pc;
	char head[192], nodes[48];
	size_t i, j, t, local = 0;
	int pass, r;

	if (!pool) /* checked with the request; the configuration is read once */
		return sh_err(err, ENOENT, "no pool \"%s\" in the configuration", v->pool);
	if (v->vf_pci[0]) /* one VF of the pool: a vfio pool's CDI device */
		return pick_pool_vf(a, v, pool, pf, vf, c, host, err);
	if ((r = locality(a, v, &loc, err)) < 0)
		return sh_err_ctx(err, "claim a VF of pool %s", pool->name);
	pool_cands(a, pool, &loc, &pc);
	for (i = 0; i < pc.n; i = j) {
		for (j = i + 1; j < pc.n && pc.pl[pc.order[j]].score == pc.pl[pc.order[i]].score; j++)
			;
		for (pass = 0; pass < 2; pass++) {
			for (t = i; t < j; t++) {
				if (loc.strict && !pc.pl[pc.order[t]].local)
					continue;
				*pf = pc.pf[pc.order[t]];
				if ((r = pick_pass(a, pf, pool, pass, vf, c, host, &cs, err)) == 0)
					log_why(&loc, &pc.pl[pc.order[t]], pf, vf);
				if (r != -ENOENT)
					return r;
			}
		}
	}
	for (t = 0; t < pc.n; t++) {
		if (loc.strict && !pc.pl[t].local)
			continue;
		local++;
		if (pc.pf[t].numvfs == 0 && !no_vfs.name[0])
			no_vfs = pc.pf[t];
		sh_census_count(a, &pc.pf[t], pool, &cs);
	}
	if (loc.strict && !local) {
		sh_err(err, EBUSY, "claim a VF of pool %s: none of its PFs is on node %s (%s)", pool->name,
		       sh_cpuset_format(&loc.nodes, nodes, sizeof(nodes)), loc.why_nodes);
		census_per_node(a, pc.pf, pc.node, pc.n, pool, err);
		return -EBUSY;
	}
	/* a pool on a PF whose VFs are not enabled: that, and how to enable them */
	if (cs.total == 0 && no_vfs.name[0]) {
		no_vfs_enabled(cfg, &no_vfs, err);
		return sh_err_ctx(err, "claim a VF of pool %s", pool->name);
	}
	if (loc.strict)
		snprintf(head, sizeof(head), "claim a VF of pool %s on node %s (%s)", pool->name,
			 sh_cpuset_format(&loc.nodes, nodes, sizeof(nodes)), loc.why_nodes);
	else
		snprintf(head, sizeof(head), "claim a VF of pool %s", pool->name);
	r = sh_census_error(&cs, head, 0, err);
	if (loc.strict)
		census_per_node(a, pc.pf, pc.node, pc.n, pool, err);
	return r;
}

static int pick_vf(struct sh_attach_run *a, const struct sh_vf_request *v, const struct sh_pf *pf, struct sh_vf *vf,
		   struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	const struct sh_pool *pool;
	int r;

	if (v->select == SH_VF_AUTO)
		return pick_auto(a, v, pf, vf, c, host, err);
	if (v->select == SH_VF_INDEX && (r = sh_sysfs_vf_get(cfg->sysfs_root, pf, v->vf_index, vf, err)) < 0)
		return r;
	if ((pool = sh_pool_of_vf(cfg->pools, cfg->n_pools, pf->name, pf->pci, vf->index)))
		return sh_err(err, EPERM,
			      "VF %u (%s) of %s is in pool %s: it is handed out through the pool only "
			      "(io.sriov.pool=%s, or the pool's CDI device)",
			      vf->index, vf->pci, pf->name, pool->name, pool->name);
	if ((r = try_claim(a, vf, c, host, err)) < 0)
		return sh_err_ctx(err, "claim VF %u (%s) of %s", vf->index, vf->pci, pf->name);
	return 0;
}

int sh_pick_vf(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
	       struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	int r;

	a->mode = v->mode;
	if (v->select == SH_VF_POOL)
		return pick_pool(a, v, pf, vf, c, host, err);
	if ((r = resolve_pf(a, v, pf, vf, err)) < 0)
		return r;
	return pf->numvfs ? pick_vf(a, v, pf, vf, c, host, err) : no_vfs_enabled(a->ctx->cfg, pf, err);
}
