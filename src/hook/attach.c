/* createRuntime: resolve and claim each requested VF, record its original state, configure it,
 * move it into the container, set it up there. Any failure puts back every VF this run touched;
 * what this container already holds (an earlier createRuntime for it) is left as it is. */
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/attach.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"
#include "sriov-hook/sys/vfio.h"

_Static_assert(sizeof(((struct sh_record *)0)->device) >= SH_DEVICE_MAX, "a record keeps a request's device key");

struct attach {
	const struct sh_ctx *ctx;
	/* sriov-runc before runc create: the vfio VFs only, bound to vfio-pci here, held by this
	 * process until the container's createRuntime adopts them. */
	bool prepare;
	bool netdev;		/* the run moves netdevs: a namespace, a pin, a socket in it */
	enum sh_vf_mode mode;	/* the mode of the VF being picked */
	struct sh_record *out;	/* prepare: the records of the VFs claimed, in slot order */
	size_t out_max, *out_n;
	struct sh_netns_target ns;
	struct sh_holder self;
	struct sh_store store;
	struct sh_pin pin;
	struct nl_sock *host_sk, *cont_sk;
	bool held[SH_MAX_VFS]; /* request slots this container already holds in this namespace */
	char prepared[SH_MAX_VFS][SH_PCI_LEN]; /* the VF sriov-runc bound for a slot, "" none */
	struct sh_claim claims[SH_MAX_VFS];
	struct sh_record records[SH_MAX_VFS];
	size_t n; /* VFs claimed by this run so far, records written */
};

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

static int resolve_pf(const struct attach *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
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

/* What keeps a VF from being handed out, besides a claim. */
enum usability {
	USABLE,
	IN_USE_BY_HOST, /* up with addresses, a bridge or bond port, a device stacked on it */
	NOT_ON_HOST,	/* its netdev is in another namespace, with no claim of ours */
	UNUSABLE,	/* no driver, or one without a netdev (vfio-pci) */
};

/* Reads whether the VF can be handed out: its netdev is on the host, down or without addresses,
 * and no bridge, bond or stacked device uses it. *why gets the category, why_text the reason (for
 * all but USABLE). A negative errno only when it cannot tell (sysfs, netlink). */
static int usability(struct attach *a, struct sh_vf *vf, struct sh_link *host, enum usability *why, char *why_text,
		     size_t len, struct sh_error *err)
{
	int r;

	*why = USABLE;
	memset(host, 0, sizeof(*host));
	if ((r = sh_sysfs_pci_netdev(a->ctx->cfg->sysfs_root, vf->pci, vf->netdev, err)) < 0)
		return r;
	if (a->mode == SH_MODE_VFIO && !strcmp(vf->driver, SH_VFIO_DRIVER)) {
		/* bound ahead (a vfio pool), or by an administrator for a VM: free unless open */
		if (sh_vfio_device_in_use(a->ctx->cfg->sysfs_root, vf->pci)) {
			*why = NOT_ON_HOST;
			snprintf(why_text, len, "on vfio-pci and open (a VM's or a DPDK process's: its PCI enable is set)");
		}
		return 0;
	}
	if (a->mode == SH_MODE_VFIO && !a->prepare) {
		/* The container's device nodes are fixed before createRuntime: too late to bind now. */
		*why = UNUSABLE;
		snprintf(why_text, len,
			 "on %s, not vfio-pci: a vfio VF must be bound before the container is created (run it "
			 "through sriov-runc, or give it a vfio pool's CDI device: `sriovctl vfs apply` binds them)",
			 vf->driver[0] ? vf->driver : "no driver");
		return 0;
	}
	if (!vf->netdev[0]) {
		if (!vf->driver[0]) {
			*why = UNUSABLE;
			snprintf(why_text, len, "not bound to any driver");
		} else if (!strcmp(vf->driver, SH_VFIO_DRIVER) || !strncmp(vf->driver, "uio", 3)) {
			*why = UNUSABLE;
			snprintf(why_text, len, "bound to %s, which gives no netdev%s", vf->driver,
				 strcmp(vf->driver, SH_VFIO_DRIVER) ? "" : " (io.sriov.mode=vfio takes it)");
		} else {
			*why = NOT_ON_HOST;
			snprintf(why_text, len, "its netdev is not in the host namespace");
		}
		return 0;
	}
	r = sh_link_get(a->host_sk, 0, vf->netdev, host, err);
	if (r == -ENODEV) {
		*why = NOT_ON_HOST;
		snprintf(why_text, len, "its netdev %s is not in the host namespace", vf->netdev);
		return 0;
	}
	if (r < 0 || (r = sh_link_host_use(a->host_sk, host, why_text, len, err)) < 0)
		return r;
	if (r > 0)
		*why = IN_USE_BY_HOST;
	return 0;
}

/* usability() as the error of a VF that was asked for (or tried). */
static int check_usable(struct attach *a, struct sh_vf *vf, struct sh_link *host, struct sh_error *err)
{
	enum usability why;
	char text[320];
	int r;

	if ((r = usability(a, vf, host, &why, text, sizeof(text), err)) < 0)
		return r;
	switch (why) {
	case IN_USE_BY_HOST:
		return sh_err(err, EBUSY, "in use by the host: %s", text);
	case NOT_ON_HOST:
		return sh_err(err, EBUSY, "in use: %s", text);
	case UNUSABLE:
		return sh_err(err, vf->driver[0] ? EOPNOTSUPP : ENODEV, "%s", text);
	default:
		return 0;
	}
}

/* "<id>" or "<id> (<name>)": a claim's holder as messages name it. */
static const char *holder_of(const struct sh_record *r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s%s", r->id, r->name[0] ? " (" : "", r->name, r->name[0] ? ")" : "");
	return out;
}

/* Takes the lock of vf and checks that the VF is free and usable. With a stale claim on it, the
 * VF is given back first (its record finished) and the claim taken over. On success the lock is
 * kept; on failure the lock file goes too unless a claim record still needs it. */
static int try_claim(struct attach *a, struct sh_vf *vf, struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_error ignored;
	struct sh_record old;
	int r;

	if ((r = sh_store_lock_vf(&a->store, vf->pci, false, c, err)) < 0)
		return r;
	r = sh_claim_read(c, &old, err);
	if (r == 0 && !sh_record_is_stale(&old)) {
		char holder[SH_ID_MAX + SH_NAME_MAX + 8];

		sh_claim_unlock(c);
		return sh_err(err, EBUSY, "already held by %s", holder_of(&old, holder, sizeof(holder)));
	}
	if (r == 0) {
		sh_log_msg(LOG_NOTICE, "VF %s: taking over the %s claim of %s", vf->pci,
			   old.phase == SH_PHASE_RETURNING ? "returning" : "stale", old.id);
		if ((r = sh_release_vf(cfg, a->host_sk, c, &old, true, err)) < 0)
			return sh_err_ctx(err, "take over the claim of %s", old.id);
		/* not waiting: a pin whose lock is held is in use, or left to the next sweep */
		sh_store_unpin_if_unused(&a->store, old.pin, false, &ignored);
		/* a vfio VF given back is on its own driver again: judge it as it is now */
		if (old.mode == SH_MODE_VFIO && (r = sh_vfio_driver(cfg->sysfs_root, vf->pci, vf->driver, err)) < 0) {
			sh_claim_release(c, &ignored);
			return r;
		}
	} else if (r != -ENOENT) {
		sh_claim_unlock(c);
		return r;
	}
	if ((r = check_usable(a, vf, host, err)) < 0)
		sh_claim_release(c, &ignored);
	return r;
}

/* Whether auto moves on to the next VF after this failure: the VF is busy, in use, not back yet
 * or not a netdev. Anything else (the state directory, netlink) is reported as it is. */
static bool skippable(int r)
{
	return r == -EBUSY || r == -EAGAIN || r == -ENODEV || r == -EOPNOTSUPP;
}

/* Whether VF i of pf is one this request may take: a pool's VFs through their pool only, so that
 * nobody takes one by index or auto without the pool's admin settings. */
static bool in_scope(const struct attach *a, const struct sh_pf *pf, unsigned i, const struct sh_pool *pool)
{
	const struct sh_config *cfg = a->ctx->cfg;

	if (pool)
		return sh_pool_has_vf(pool, pf->name, pf->pci, i);
	return !sh_pool_of_vf(cfg->pools, cfg->n_pools, pf->name, pf->pci, i);
}

/* Why no VF could be had: each VF in scope counted once, under what keeps it, with the first
 * reason of each kind. */
struct census {
	unsigned total, held, stale, host, elsewhere, unusable, freed;
	char holders[200];   /* the first holders, "web, 3f2a9c1d0b8e" */
	char stale_why[256]; /* why a stale claim could not be taken over */
	char host_why[160], elsewhere_why[160], unusable_why[160];
};

static void census_add_holder(struct census *cs, const struct sh_record *r)
{
	size_t at = strlen(cs->holders);

	if (cs->held > 3) {
		if (cs->held == 4)
			snprintf(cs->holders + at, sizeof(cs->holders) - at, ", ...");
		return;
	}
	/* the name where the runtime gave one, else the id (12 characters: a docker id reads so) */
	snprintf(cs->holders + at, sizeof(cs->holders) - at, "%s%.*s", at ? ", " : "", r->name[0] ? SH_NAME_MAX : 12,
		 r->name[0] ? r->name : r->id);
}

static void census_note(unsigned *count, char *why, size_t len, const char *text)
{
	if (!(*count)++)
		snprintf(why, len, "%.150s", text);
}

/* Counts the VFs of pf in scope (pool, or none: the VFs outside pools) after no claim succeeded:
 * claims are read without their lock, usability as check_usable sees it (a snapshot: a VF freed
 * meanwhile counts as such). */
static void census_count(struct attach *a, const struct sh_pf *pf, const struct sh_pool *pool, struct census *cs)
{
	const char *root = a->ctx->cfg->sysfs_root;
	struct sh_error ignored;
	struct sh_record rec;
	struct sh_link host;
	enum usability why;
	char text[320];
	struct sh_vf vf;
	unsigned i;

	for (i = 0; i < pf->numvfs; i++) {
		if (!in_scope(a, pf, i, pool))
			continue;
		cs->total++;
		if (sh_sysfs_vf_get(root, pf, i, &vf, &ignored) < 0) {
			census_note(&cs->unusable, cs->unusable_why, sizeof(cs->unusable_why), ignored.msg);
			continue;
		}
		if (sh_store_peek(&a->store, vf.pci, &rec, &ignored) == 0) {
			/* Read without its lock: a live holder still attaching counts as holding. */
			if (rec.phase == SH_PHASE_RETURNING || sh_record_holder_gone(&rec)) {
				cs->stale++;
			} else {
				cs->held++;
				census_add_holder(cs, &rec);
			}
			continue;
		}
		if (usability(a, &vf, &host, &why, text, sizeof(text), &ignored) < 0) {
			why = UNUSABLE;
			snprintf(text, sizeof(text), "%.150s", ignored.msg);
		}
		if (why == IN_USE_BY_HOST)
			census_note(&cs->host, cs->host_why, sizeof(cs->host_why), text);
		else if (why == NOT_ON_HOST)
			census_note(&cs->elsewhere, cs->elsewhere_why, sizeof(cs->elsewhere_why), text);
		else if (why == UNUSABLE)
			census_note(&cs->unusable, cs->unusable_why, sizeof(cs->unusable_why), text);
		else
			cs->freed++;
	}
}

/* "<head>: no free VF among its N[ outside pools (M are in pools)]: 2 held by running containers
 * (web, db); 1 in use by the host (...); ..." */
static int census_error(const struct census *cs, const char *head, unsigned pooled, struct sh_error *err)
{
	char msg[SH_ERR_MAX];
	size_t at;

	at = (size_t)snprintf(msg, sizeof(msg), "%s: no free VF among its %u", head, cs->total);
	if (pooled && at < sizeof(msg))
		at += (size_t)snprintf(msg + at, sizeof(msg) - at, " outside pools (%u are in pools)", pooled);
	if (at < sizeof(msg))
		at += (size_t)snprintf(msg + at, sizeof(msg) - at, ":");
#define PART(cond, ...)                                                                                                \
	do {                                                                                                           \
		if ((cond) && at < sizeof(msg))                                                                        \
			at += (size_t)snprintf(msg + at, sizeof(msg) - at, __VA_ARGS__);                               \
	} while (0)
	PART(cs->held, " %u held by running containers (%s);", cs->held, cs->holders);
	PART(cs->stale, " %u stale or returning, not taken over (%s);", cs->stale,
	     cs->stale_why[0] ? cs->stale_why : "their holders are gone; `sriovctl gc` returns them");
	PART(cs->host, " %u in use by the host (%s);", cs->host, cs->host_why);
	PART(cs->elsewhere, " %u in another network namespace without a claim (%s);", cs->elsewhere, cs->elsewhere_why);
	PART(cs->unusable, " %u unusable (%s);", cs->unusable, cs->unusable_why);
	PART(cs->freed, " %u free again by now: try again;", cs->freed);
#undef PART
	if (at < sizeof(msg) && (msg[at - 1] == ';' || msg[at - 1] == ':'))
		msg[at - 1] = '\0';
	return sh_err(err, EBUSY, "%s", msg);
}

/* One pass of auto over the VFs of pf in scope: pass 0 takes the lowest VF nobody claimed whose
 * netdev is on the host, pass 1 the lowest whose claim is stale or returning (finished and taken
 * over). Claimed and in-use VFs cost no lock and no parse. -ENOENT (err untouched) when none; why
 * a stale claim could not be taken over goes to cs. */
static int pick_pass(struct attach *a, const struct sh_pf *pf, const struct sh_pool *pool, int pass, struct sh_vf *vf,
		     struct sh_claim *c, struct sh_link *host, struct census *cs, struct sh_error *err)
{
	const char *root = a->ctx->cfg->sysfs_root;
	char pci[SH_PCI_LEN], netdev[IFNAMSIZ];
	struct sh_error why;
	unsigned i;
	int r;

	for (i = 0; i < pf->numvfs; i++) {
		/* Cheap checks first: this loop may walk hundreds of VFs. */
		if (!in_scope(a, pf, i, pool) || sh_sysfs_virtfn_pci(root, pf, i, pci, NULL) < 0 ||
		    sh_store_has_record(&a->store, pci) != (pass == 1))
			continue;
		if (pass == 0 && a->mode == SH_MODE_NETDEV &&
		    (sh_sysfs_pci_netdev(root, pci, netdev, NULL) < 0 || !netdev[0]))
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

static int pick_auto(struct attach *a, const struct sh_pf *pf, struct sh_vf *vf, struct sh_claim *c,
		     struct sh_link *host, struct sh_error *err)
{
	struct census cs = {0};
	char head[64];
	unsigned i, pooled = 0;
	int pass, r;

	for (pass = 0; pass < 2; pass++)
		if ((r = pick_pass(a, pf, NULL, pass, vf, c, host, &cs, err)) != -ENOENT)
			return r;
	for (i = 0; i < pf->numvfs; i++)
		pooled += !in_scope(a, pf, i, NULL);
	census_count(a, pf, NULL, &cs);
	snprintf(head, sizeof(head), "claim a VF of %s", pf->name);
	return census_error(&cs, head, pooled, err);
}

/* The VF v->vf_pci of pool: it must be one of the pool's. */
static int pick_pool_vf(struct attach *a, const struct sh_vf_request *v, const struct sh_pool *pool, struct sh_pf *pf,
			struct sh_vf *vf, struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	int r;

	if ((r = sh_sysfs_vf_by_pci(cfg->sysfs_root, v->vf_pci, pf, vf, err)) < 0)
		return sh_err_ctx(err, "claim VF %s of pool %s", v->vf_pci, pool->name);
	if (!sh_pool_has_vf(pool, pf->name, pf->pci, vf->index))
		return sh_err(err, EPERM, "VF %u (%s) of %s is not in pool %s", vf->index, vf->pci, pf->name,
			      pool->name);
	if (!sh_config_pf_allowed(cfg, pf->name, pf->pci))
		return sh_err(err, EPERM, "PF %s (%s) of pool %s is not in allowed_pfs", pf->name, pf->pci,
			      pool->name);
	if ((r = try_claim(a, vf, c, host, err)) < 0)
		return sh_err_ctx(err, "claim VF %u (%s) of %s (pool %s)", vf->index, vf->pci, pf->name, pool->name);
	return 0;
}

/* A pool: its selectors in order, the free VFs of all of them before any stale one. A selector
 * whose PF is absent or not allowed offers no VF. */
static int pick_pool(struct attach *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
		     struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	const struct sh_pool *pool = sh_pool_find(cfg->pools, cfg->n_pools, v->pool);
	struct census cs = {0};
	struct sh_pf no_vfs = {0};
	struct sh_error why;
	char head[128];
	size_t k;
	int pass, r;

	if (!pool) /* checked with the request; the configuration is read once */
		return sh_err(err, ENOENT, "no pool \"%s\" in the configuration", v->pool);
	if (v->vf_pci[0]) /* one VF of the pool: a vfio pool's CDI device */
		return pick_pool_vf(a, v, pool, pf, vf, c, host, err);
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < pool->n_sel; k++) {
			if (sh_sysfs_pf_resolve(cfg->sysfs_root, pool->sel[k].pf, pf, &why) < 0 ||
			    !sh_config_pf_allowed(cfg, pf->name, pf->pci))
				continue;
			if ((r = pick_pass(a, pf, pool, pass, vf, c, host, &cs, err)) != -ENOENT)
				return r;
		}
	}
	for (k = 0; k < pool->n_sel; k++) {
		if (sh_sysfs_pf_resolve(cfg->sysfs_root, pool->sel[k].pf, pf, &why) < 0 ||
		    !sh_config_pf_allowed(cfg, pf->name, pf->pci))
			continue;
		if (pf->numvfs == 0 && !no_vfs.name[0])
			no_vfs = *pf;
		census_count(a, pf, pool, &cs);
	}
	/* a pool on a PF whose VFs are not enabled: that, and how to enable them */
	if (cs.total == 0 && no_vfs.name[0]) {
		no_vfs_enabled(cfg, &no_vfs, err);
		return sh_err_ctx(err, "claim a VF of pool %s", pool->name);
	}
	snprintf(head, sizeof(head), "claim a VF of pool %s", pool->name);
	return census_error(&cs, head, 0, err);
}

static int pick_vf(struct attach *a, const struct sh_vf_request *v, const struct sh_pf *pf, struct sh_vf *vf,
		   struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	const struct sh_pool *pool;
	int r;

	if (v->select == SH_VF_AUTO)
		return pick_auto(a, pf, vf, c, host, err);
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

/* eth0 when free in the container, else net1, net2, ...; net1 and up when the engine adds the
 * container's eth0 after this hook (ctx.h). */
static int pick_ifname(struct attach *a, const struct sh_vf_request *v, char *name, struct sh_error *err)
{
	struct sh_link l;
	struct sh_error ignored;
	unsigned i;

	if (v->ifname[0]) {
		if (sh_link_get(a->cont_sk, 0, v->ifname, &l, &ignored) == 0)
			return sh_err(err, EEXIST, "interface name %s already exists in the container", v->ifname);
		snprintf(name, IFNAMSIZ, "%s", v->ifname);
		return 0;
	}
	i = a->ctx->eth0_later;
	snprintf(name, IFNAMSIZ, i ? "net1" : "eth0");
	for (i++; sh_link_get(a->cont_sk, 0, name, &l, &ignored) == 0; i++) {
		if (i > 64)
			return sh_err(err, EEXIST, "no free interface name in the container");
		snprintf(name, IFNAMSIZ, "net%u", i);
	}
	return 0;
}

/* Whether the PF enforces the MAC it reports for the VF. A VF that has been up reports its own MAC
 * through the PF, enforced or not: with trust off, an enforced MAC shows as the VF refusing to
 * change its own (igb), so try a change and undo it. */
static bool pf_enforces_mac(struct attach *a, const struct sh_record *r)
{
	static const uint8_t probe[6] = {0x02, 0x00, 0x5e, 0xff, 0xff, 0xfe};
	static const uint8_t zero[6];
	struct sh_error ignored;

	if (!memcmp(r->orig.mac, zero, 6))
		return false;
	if (memcmp(r->orig.mac, r->host_mac, 6))
		return true; /* set on the PF, not yet taken by the VF */
	if (r->orig.trust)
		return false; /* a trusted VF changes its MAC either way: nothing to tell, nothing to keep */
	if (sh_link_set_mac(a->host_sk, r->host_ifindex, probe, &ignored) < 0)
		return true;
	sh_link_set_mac(a->host_sk, r->host_ifindex, r->host_mac, &ignored);
	return false;
}

static int apply_knobs(struct attach *a, const struct sh_vf_request *v, struct sh_claim *c, struct sh_record *r,
		       const struct sh_link *host, struct sh_error *err)
{
	struct sh_vf_cfg want;
	int k, ret;

	sh_vf_request_desired(v, &r->orig, &want);
	r->applied = want;
	if (want.min_tx_rate && want.max_tx_rate && want.min_tx_rate > want.max_tx_rate)
		return sh_err(err, EINVAL, "min_tx_rate %u would exceed the VF's max_tx_rate %u", want.min_tx_rate,
			      want.max_tx_rate);
	if (v->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) {
		/* A MAC set on the PF reaches the VF netdev only when the VF resets, and while the PF
		 * enforces one an untrusted VF may set none itself (igb): lift the PF's MAC, give the
		 * netdev its MAC, then have the PF enforce it (in the loop below). Restore does the
		 * same in reverse; a MAC the PF did not enforce before is restored as none. */
		if (!pf_enforces_mac(a, r))
			memset(r->orig.mac, 0, 6);
		r->knobs |= SH_KNOB_BIT(SH_KNOB_MAC);
		if ((ret = sh_claim_write(c, r, err)) < 0)
			return ret;
		/* a vfio VF's driver reads its MAC from the PF when it starts: the PF's alone will do */
		if (r->mode == SH_MODE_NETDEV &&
		    ((ret = sh_vf_clear_mac(a->host_sk, r->pf_ifindex, r->vf_index, err)) < 0 ||
		     (ret = sh_link_set_mac(a->host_sk, host->ifindex, want.mac, err)) < 0))
			return sh_err_ctx(err, "configure %s", host->name);
	}
	for (k = 0; k < SH_KNOB_COUNT; k++) {
		if (!(v->knobs & SH_KNOB_BIT(k)))
			continue;
		if ((ret = sh_vf_knob_set(a->host_sk, r->pf_ifindex, r->vf_index, k, &want, err)) < 0)
			return sh_err_ctx(err, "configure %s", r->pf_name);
	}
	return 0;
}

static int configure_inside(struct attach *a, const struct sh_vf_request *v, struct sh_record *r, struct sh_claim *c,
			    struct sh_error *err)
{
	struct sh_link l;
	size_t i;
	int ret;

	if ((ret = sh_link_get(a->cont_sk, 0, r->cont_name, &l, err)) < 0)
		return ret;
	r->cont_ifindex = l.ifindex;
	if ((ret = sh_claim_write(c, r, err)) < 0)
		return ret;
	if (v->mtu && (ret = sh_link_set_mtu(a->cont_sk, l.ifindex, v->mtu, err)) < 0)
		return ret;
	if ((ret = sh_link_set_up(a->cont_sk, l.ifindex, true, err)) < 0)
		return ret;
	for (i = 0; i < v->n_addrs; i++)
		if ((ret = sh_addr_add(a->cont_sk, l.ifindex, &v->addrs[i], err)) < 0)
			return ret;
	for (i = 0; i < v->n_gateways; i++)
		if ((ret = sh_route_add_default(a->cont_sk, l.ifindex, &v->gateways[i], err)) < 0)
			return ret;
	return 0;
}

/* A name the runtime gave (the container's, its bundle's), when the record can keep it: listings
 * show them, one per line. */
static void record_name_n(const char *name, char *out, size_t len)
{
	out[0] = '\0';
	if (name && strlen(name) < len && sh_text_printable(name))
		memcpy(out, name, strlen(name) + 1);
}
#define record_name(name, out) record_name_n(name, out, sizeof(out))

static void record_init(struct attach *a, size_t slot, const struct sh_vf *vf, const struct sh_pf *pf, int pf_ifindex,
			const struct sh_link *host, struct sh_record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", a->self.id);
	record_name(a->ctx->name, r->name);
	record_name(a->ctx->state->bundle, r->bundle);
	r->phase = SH_PHASE_ATTACHING;
	r->slot = (int)slot;
	snprintf(r->device, sizeof(r->device), "%s", a->ctx->req->vf[slot].device);
	r->since = (long long)time(NULL);
	r->pid = a->self.pid;
	r->pid_start = a->self.pid_start;
	r->netns_dev = a->self.netns_dev;
	r->netns_ino = a->self.netns_ino;
	snprintf(r->pin, sizeof(r->pin), "%s", a->pin.rel);
	snprintf(r->pf_name, sizeof(r->pf_name), "%s", pf->name);
	snprintf(r->pf_pci, sizeof(r->pf_pci), "%s", pf->pci);
	r->pf_ifindex = pf_ifindex;
	r->vf_index = vf->index;
	snprintf(r->vf_pci, sizeof(r->vf_pci), "%s", vf->pci);
	snprintf(r->host_name, sizeof(r->host_name), "%s", host->name);
	r->host_ifindex = host->ifindex;
	memcpy(r->host_mac, host->mac, 6);
	r->host_mtu = host->mtu;
	r->host_up = host->up;
}

static int record_altnames(struct attach *a, struct sh_record *r, struct sh_error *err)
{
	struct sh_altnames alt;
	int ret;

	if ((ret = sh_link_get_altnames(a->host_sk, r->host_ifindex, &alt, err)) < 0)
		return ret;
	if (alt.n > SH_ARRAY_SIZE(r->host_altnames))
		return sh_err(err, E2BIG, "%s has more than %zu alternative names", r->host_name,
			      SH_ARRAY_SIZE(r->host_altnames));
	for (r->n_host_altnames = 0; r->n_host_altnames < alt.n; r->n_host_altnames++)
		snprintf(r->host_altnames[r->n_host_altnames], sizeof(r->host_altnames[0]), "%s",
			 alt.name[r->n_host_altnames]);
	r->altnames_known = true;
	return 0;
}

/* Whether the bundle paths a and b name the same directory (sriov-runc records the bundle as it
 * resolved it; the runtime's state may spell it otherwise). */
static bool same_bundle(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strcmp(a, b))
		return true;
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* Whether r is a vfio VF that sriov-runc bound for this container's slot and still holds. */
static bool prepared_for(const struct attach *a, size_t slot, const struct sh_record *r)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[slot];

	return r->mode == SH_MODE_VFIO && r->slot == (int)slot && !strcmp(r->device, v->device) &&
	       !strcmp(r->id, a->self.id) && r->phase == SH_PHASE_ATTACHED && !sh_record_held_by(r, &a->self) &&
	       !sh_record_holder_gone(r) && r->bundle[0] && same_bundle(r->bundle, a->ctx->state->bundle);
}

/* createRuntime of a container that sriov-runc prepared: the VF it bound for slot (found by
 * find_held) becomes the container's (its process and namespace the holder). -ENOENT (err
 * untouched) when there is none. */
static int adopt(struct attach *a, size_t slot, struct sh_error *err)
{
	struct sh_claim *c = &a->claims[a->n];
	struct sh_record *r = &a->records[a->n];
	struct sh_error ignored;
	int ret;

	if (!a->prepared[slot][0])
		return -ENOENT;
	if ((ret = sh_store_lock_vf(&a->store, a->prepared[slot], true, c, err)) < 0)
		return ret;
	/* still as find_held saw it, under the lock */
	if (sh_claim_read(c, r, &ignored) < 0 || !prepared_for(a, slot, r)) {
		sh_claim_unlock(c);
		return -ENOENT;
	}
	r->pid = a->self.pid;
	r->pid_start = a->self.pid_start;
	r->netns_dev = a->self.netns_dev;
	r->netns_ino = a->self.netns_ino;
	r->phase = SH_PHASE_ATTACHING;
	if ((ret = sh_claim_write(c, r, err)) < 0) {
		sh_claim_unlock(c);
		return ret;
	}
	a->n++; /* from here on, rollback gives it back */
	sh_log_set_vf(r->pf_name, r->vf_pci);
	sh_log_msg(LOG_INFO, "VF %u (%s) of %s, bound to vfio-pci by sriov-runc (IOMMU group %d), is the container's",
		   r->vf_index, r->vf_pci, r->pf_name, r->iommu_group);
	return 0;
}

/* The IOMMU group of a VF to give in vfio mode, and that it can be used: nothing is changed when
 * the IOMMU is off or the group holds devices bound to other drivers. */
static int vfio_group(const struct attach *a, const struct sh_vf *vf, int *group, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	int r;

	if ((r = sh_vfio_iommu_group(cfg->sysfs_root, vf->pci, group, err)) < 0 ||
	    (r = sh_vfio_group_check(cfg->sysfs_root, vf->pci, *group, err)) < 0)
		return r;
	return 0;
}

/* The vfio side of attach_one, once the VF is claimed and its record initialised: the group checked,
 * the driver to go back to recorded before anything changes, the PF-side settings, then (sriov-runc)
 * the bind; a VF bound ahead must have its group's node. */
static int attach_vfio(struct attach *a, const struct sh_vf_request *v, struct sh_claim *c, struct sh_record *r,
		       const struct sh_vf *vf, const struct sh_link *host, bool *recorded, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_devnode node;
	int ret;

	*recorded = false;
	if ((ret = vfio_group(a, vf, &r->iommu_group, err)) < 0)
		return ret;
	if (!strcmp(vf->driver, SH_VFIO_DRIVER) && (ret = sh_vfio_devnode(cfg->dev_root, r->iommu_group, &node, err)) < 0)
		return ret;
	r->mode = SH_MODE_VFIO;
	if (strcmp(vf->driver, SH_VFIO_DRIVER))
		snprintf(r->driver, sizeof(r->driver), "%s", vf->driver);
	/* The PF-side settings as they are: what the container is told (its MAC, VLAN) even when it
	 * changes none; a driver without SR-IOV netlink support only fails a request that does. */
	if ((ret = sh_vf_cfg_get(a->host_sk, r->pf_ifindex, vf->index, &r->orig, err)) < 0 && v->knobs)
		return ret;
	if ((ret = sh_claim_write(c, r, err)) < 0)
		return ret;
	*recorded = true;
	a->n++; /* from here on, rollback restores this VF, and rebinds its driver */
	if ((ret = apply_knobs(a, v, c, r, host, err)) < 0)
		return ret;
	if (r->driver[0] && (ret = sh_vfio_bind(cfg->sysfs_root, cfg->dev_root, vf->pci, r->iommu_group, NULL, err)) < 0)
		return ret;
	return 0;
}

/* Claims, records and configures the VF of request slot. Once its record is written it is in
 * a->records and a failure is rolled back by the caller. */
static int attach_one(struct attach *a, size_t slot, struct sh_error *err)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[slot];
	struct sh_claim *c = &a->claims[a->n];
	struct sh_record *r = &a->records[a->n];
	struct sh_error ignored;
	struct sh_pf pf = {0};
	struct sh_vf vf = {0};
	struct sh_link host, pf_link;
	char what[128];
	bool recorded;
	int ret;

	a->mode = v->mode;
	if (v->mode == SH_MODE_VFIO && !a->prepare && (ret = adopt(a, slot, err)) != -ENOENT)
		return ret;
	if (v->select == SH_VF_POOL)
		ret = pick_pool(a, v, &pf, &vf, c, &host, err);
	else if ((ret = resolve_pf(a, v, &pf, &vf, err)) == 0)
		ret = pf.numvfs ? pick_vf(a, v, &pf, &vf, c, &host, err) : no_vfs_enabled(a->ctx->cfg, &pf, err);
	if (pf.name[0]) /* the log's fields: the PF, and the VF once one is claimed */
		sh_log_set_vf(pf.name, ret == 0 ? vf.pci : NULL);
	if (ret < 0)
		return ret;
	if ((ret = sh_link_get(a->host_sk, 0, pf.name, &pf_link, err)) < 0) {
		sh_claim_release(c, &ignored);
		return sh_err_ctx(err, "PF %s", pf.name);
	}
	snprintf(what, sizeof(what), "VF %u (%s) of %s", vf.index, vf.pci, pf.name);
	record_init(a, slot, &vf, &pf, pf_link.ifindex, &host, r);
	/* The MAC joins the record once apply_knobs knows whether the PF enforced one: recorded
	 * before, a hook killed meanwhile would have the PF enforce the VF's own MAC ever after. */
	r->knobs = v->knobs & ~SH_KNOB_BIT(SH_KNOB_MAC);
	if (r->host_name[0] && (ret = record_altnames(a, r, err)) < 0)
		goto unclaimed;
	if (v->mode == SH_MODE_VFIO) {
		if ((ret = attach_vfio(a, v, c, r, &vf, &host, &recorded, err)) < 0 && !recorded)
			goto unclaimed;
		if (ret < 0)
			return sh_err_ctx(err, "%s", what);
		sh_log_msg(LOG_INFO, "%s (%s) attached on vfio-pci (IOMMU group %d)", what,
			   host.name[0] ? host.name : "no netdev", r->iommu_group);
		return 0;
	}
	if (v->knobs && (ret = sh_vf_cfg_get(a->host_sk, pf_link.ifindex, vf.index, &r->orig, err)) < 0)
		goto unclaimed;
	if ((ret = pick_ifname(a, v, r->cont_name, err)) < 0)
		goto unclaimed;
	if ((ret = sh_claim_write(c, r, err)) < 0)
		goto unclaimed;
	a->n++; /* from here on, rollback restores this VF */
	if ((ret = apply_knobs(a, v, c, r, &host, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = sh_link_move(a->host_sk, host.ifindex, a->ns.fd, r->cont_name, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = configure_inside(a, v, r, c, err)) < 0)
		return sh_err_ctx(err, "%s: set up %s in the container", what, r->cont_name);
	sh_log_msg(LOG_INFO, "%s (%s) attached as %s", what, host.name, r->cont_name);
	return 0;
unclaimed:
	sh_claim_release(c, &ignored);
	return sh_err_ctx(err, "%s", what);
}

/* Gives back what this run attached, and its pin unless a record (an earlier run's, or one kept
 * returning) still names it. What earlier runs of the container attached (its other CDI devices)
 * stays: a run never removes what it did not create; the runtime's poststop, or once the
 * container is gone the next claim or gc, gives it back. */
static void rollback(struct attach *a)
{
	struct sh_error err;

	while (a->n > 0) {
		a->n--;
		if (sh_release_vf(a->ctx->cfg, a->host_sk, &a->claims[a->n], &a->records[a->n], false, &err) < 0)
			sh_log_failure(err.msg);
	}
	if (a->pin.lock_fd >= 0 && sh_pin_remove_if_unused(&a->pin, &err) < 0)
		sh_log_failure(err.msg);
}

/* Marks the slots this container (same id, init process and namespace) already holds: a second
 * createRuntime for it (two CDI devices, a runtime's retry) leaves them as they are; and notes the
 * VFs sriov-runc prepared for its slots, which attach_one adopts. */
static int find_held(struct attach *a, struct sh_error *err)
{
	char pci[SH_MAX_VFS * 4][SH_PCI_LEN];
	struct sh_error ignored;
	struct sh_record r;
	size_t i, n;
	int ret;

	if ((ret = sh_store_list_owned(&a->store, a->self.id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return ret;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++) {
		if (sh_store_peek(&a->store, pci[i], &r, &ignored) < 0 || r.slot < 0 || (size_t)r.slot >= a->ctx->req->n)
			continue;
		if (sh_record_held_by(&r, &a->self) && r.phase == SH_PHASE_ATTACHED &&
		    !strcmp(r.device, a->ctx->req->vf[r.slot].device))
			a->held[r.slot] = true;
		else if (!a->prepare && prepared_for(a, (size_t)r.slot, &r))
			snprintf(a->prepared[r.slot], sizeof(a->prepared[r.slot]), "%s", pci[i]);
	}
	return 0;
}

/* Whether this run acts on slot i: its own VFs (not another CDI device's), and while preparing
 * (sriov-runc) the vfio ones only, the netdev ones being the hook's. */
static bool acts_on(const struct attach *a, size_t i)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[i];

	return !a->held[i] && !v->elsewhere && (!a->prepare || v->mode == SH_MODE_VFIO);
}

static int attach_all(struct attach *a, struct sh_error *err)
{
	const struct sh_ctx *ctx = a->ctx;
	char holder[SH_ID_MAX + 1];
	size_t i, todo = 0;
	int r;

	if (a->netdev) {
		if ((r = sh_store_lock_pin(&a->store, &a->self, &a->pin, err)) < 0)
			return r;
		/* Under the pin's lock no other hook adds a record for this namespace: what is read
		 * now holds. */
		if ((r = sh_store_netns_holder(&a->store, &a->self, holder, err)) < 0)
			return r;
		if (*holder) {
			sh_log_msg(LOG_NOTICE, "the network namespace already has the VFs of %s: nothing to do",
				   holder);
			return 0;
		}
	}
	if ((r = find_held(a, err)) < 0)
		return r;
	/* the VFs of other devices are their runs' */
	for (i = 0; i < ctx->req->n; i++)
		todo += acts_on(a, i);
	if (!todo) {
		sh_log_msg(LOG_NOTICE, "the container already holds every VF it asks for: nothing to do");
		return 0;
	}
	if ((r = sh_nl_open(&a->host_sk, err)) < 0)
		return r;
	if (a->netdev && ((r = sh_nl_open_in(a->ns.fd, &a->cont_sk, err)) < 0 ||
			  (r = sh_pin_make(&a->pin, a->ns.fd, &a->self, err)) < 0))
		return r;
	for (i = 0; i < ctx->req->n; i++) {
		if (acts_on(a, i) && (r = attach_one(a, i, err)) < 0) {
			rollback(a);
			return r;
		}
	}
	for (i = 0; i < a->n; i++) {
		a->records[i].phase = SH_PHASE_ATTACHED;
		if ((r = sh_claim_write(&a->claims[i], &a->records[i], err)) < 0) {
			rollback(a);
			return r;
		}
	}
	for (i = 0; i < a->n; i++) {
		if (a->out && i < a->out_max)
			a->out[(*a->out_n)++] = a->records[i];
		sh_claim_unlock(&a->claims[i]);
	}
	return 0;
}

static int attach_run(struct attach *a, struct sh_error *err)
{
	struct sh_error ignored;
	int r;

	if ((r = sh_store_open(a->ctx->cfg->state_dir, true, &a->store, err)) == 0) {
		r = attach_all(a, err);
		sh_pin_unlock(&a->pin);
		/* what crashed hooks left: pins no record names (this container's own included) */
		if (!a->prepare)
			sh_store_sweep_pins(&a->store, a->ctx->state->id, &ignored);
	}
	sh_nl_close(a->cont_sk);
	sh_nl_close(a->host_sk);
	sh_store_close(&a->store);
	if (a->ns.fd >= 0)
		close(a->ns.fd);
	if (r == 0) /* a failure's line is about the VF it names */
		sh_log_set_vf(NULL, NULL);
	return r;
}

int sh_attach(const struct sh_ctx *ctx, struct sh_error *err)
{
	struct attach a = {.ctx = ctx, .store = SH_STORE_INIT, .pin = SH_PIN_INIT};
	int r;

	if (sh_request_count_own(ctx->req) == 0)
		return 0;
	/* The target first: a namespace that is not the container's is refused before state_dir is
	 * even created. */
	a.netdev = sh_request_has_own(ctx->req, SH_MODE_NETDEV);
	/* a run with vfio VFs only moves nothing: the holder's namespace only identifies it */
	if ((r = a.netdev ? sh_netns_open_target(ctx->netns_path, ctx->state->pid, &a.ns, err)
			  : sh_netns_open_holder(ctx->state->pid, &a.ns, err)) < 0)
		return r;
	a.self = (struct sh_holder){ctx->state->id, a.ns.pid, a.ns.pid_start, a.ns.dev, a.ns.ino};
	return attach_run(&a, err);
}

int sh_attach_prepare(const struct sh_ctx *ctx, struct sh_record *out, size_t max, size_t *n, struct sh_error *err)
{
	struct attach a = {.ctx = ctx,
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
	return attach_run(&a, err);
}

int sh_attach_abandon(const struct sh_ctx *ctx, struct sh_error *err)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	char pci[SH_MAX_VFS * 4][SH_PCI_LEN];
	struct sh_holder self = {ctx->state->id, getpid(), sh_proc_start_time(getpid()), 0, 0};
	struct sh_error one;
	struct sh_claim c;
	struct sh_record r;
	size_t i, n;
	int ret, first = 0;

	if ((ret = sh_store_open(ctx->cfg->state_dir, false, &store, err)) < 0 ||
	    (ret = sh_store_list_owned(&store, self.id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return ret;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++) {
		if ((ret = sh_store_lock_vf(&store, pci[i], true, &c, &one)) < 0)
			goto next;
		if (sh_claim_read(&c, &r, &one) < 0 || !sh_record_held_by(&r, &self)) {
			sh_claim_unlock(&c); /* adopted: the container's poststop gives it back */
			continue;
		}
		if (!sk && (ret = sh_nl_open(&sk, &one)) < 0) {
			sh_claim_unlock(&c);
			goto next;
		}
		sh_log_set_vf(r.pf_name, r.vf_pci);
		if ((ret = sh_release_vf(ctx->cfg, sk, &c, &r, false, &one)) == 0)
			continue;
		sh_err_ctx(&one, "release VF %u (%s) of %s", r.vf_index, r.vf_pci, r.pf_name);
	next:
		if (!first) {
			first = ret;
			*err = one;
		}
	}
	return first;
}
