/* sriovctl list: every VF's state, joined from sysfs, the claim store and netlink, shown as a
 * table (like `podman ps`) or as JSON (a stable interface, documented in sriovctl(8)). */
#define _GNU_SOURCE /* CLONE_NEWNET */
#include "sriov-hook/ctl/listing.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/jsongen.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/ctl/heal.h"
#include "sriov-hook/store/baseline.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/vfcfg.h"

const char *sh_vf_state_name(enum sh_vf_state s)
{
	static const char *const names[SH_VF_STATE_COUNT] = {
		[SH_VF_FREE] = "free",		 [SH_VF_HELD] = "held", [SH_VF_STALE] = "stale",
		[SH_VF_RETURNING] = "returning", [SH_VF_VFIO] = "vfio", [SH_VF_UNUSABLE] = "unusable",
		[SH_VF_LOST] = "lost",
	};

	return (unsigned)s < SH_VF_STATE_COUNT ? names[s] : "?";
}

void sh_listing_free(struct sh_listing *l)
{
	free(l->pfs);
	free(l->vfs);
	memset(l, 0, sizeof(*l));
}

const struct sh_vf_stats *sh_list_vf_counters(const struct sh_list_vf *v)
{
	size_t c;

	if (!v->netdev_stats.present)
		return &v->stats;
	for (c = 0; c < SH_VF_COUNTER_COUNT; c++)
		if (v->stats.v[c])
			return &v->stats;
	return &v->netdev_stats;
}

/* ---- building ---------------------------------------------------------------------------------- */

/* A claim on one of the listed VFs: its holder and what the store says of it. */
static int add_claim(const struct sh_claim_info *info, void *data)
{
	struct sh_listing *l = data;
	struct sh_list_vf *v = NULL;
	size_t i;

	for (i = 0; i < l->n_vfs && !v; i++)
		if (!strcmp(l->vfs[i].inv.vf.pci, info->rec.vf_pci))
			v = &l->vfs[i];
	if (!v || info->state == SH_CLAIM_NONE)
		return 0; /* a VF of a PF not listed, or one that is gone */
	v->has_claim = true;
	v->claim = *info;
	switch (info->state) {
	case SH_CLAIM_STALE:
		v->state = SH_VF_STALE;
		snprintf(v->why, sizeof(v->why), "its container is gone: the next claim or sriovctl gc returns it");
		break;
	case SH_CLAIM_RETURNING:
		v->state = SH_VF_RETURNING;
		if (v->inv.vf.netdev[0])
			snprintf(v->why, sizeof(v->why),
				 "back on the host as %s, not restored yet: sriovctl gc restores it", v->inv.vf.netdev);
		else
			snprintf(v->why, sizeof(v->why), "released, not back on the host yet: sriovctl gc finishes it");
		break;
	default:
		v->state = SH_VF_HELD;
	}
	return 0;
}

/* Each VF's pool, and its mode: a claim's from its record (the summary the store gives has none),
 * else its pool's. A record that cannot be read now (replaced or gone meanwhile) leaves it out. */
static void add_modes(const struct sh_config *cfg, struct sh_listing *l)
{
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	struct sh_error ignored;
	struct sh_record rec;
	bool store = sh_store_open(cfg->state_dir, false, &st, &ignored) == 0;
	size_t i;

	for (i = 0; i < l->n_vfs; i++) {
		struct sh_list_vf *v = &l->vfs[i];
		const struct sh_pool *pool =
			sh_pool_of_vf(cfg->pools, cfg->n_pools, v->inv.vf.pf_name, v->inv.vf.pf_pci, v->inv.vf.index);

		if (pool) {
			snprintf(v->pool, sizeof(v->pool), "%s", pool->name);
			v->has_mode = true;
			v->mode = pool->mode;
		}
		if (v->has_claim && store && sh_store_peek(&st, v->inv.vf.pci, &rec, &ignored) == 0) {
			v->has_mode = true;
			v->mode = rec.mode;
			if (rec.mode == SH_MODE_VFIO)
				snprintf(v->return_driver, sizeof(v->return_driver), "%s", rec.driver);
		}
	}
}

/* sysfs may name a netdev that has just left the host namespace: netlink has the last word. */
static void check_host_netdev(struct nl_sock *sk, struct sh_list_vf *v)
{
	struct sh_error ignored;
	struct sh_link host;

	if (!sk || !v->inv.vf.netdev[0] || sh_link_get(sk, 0, v->inv.vf.netdev, &host, &ignored) == 0 ||
	    ignored.code != ENODEV)
		return;
	v->inv.vf.netdev[0] = '\0';
	v->inv.binding = SH_VF_BOUND_AWAY;
}

/* A VF nobody claimed: what sysfs and the host's view of its netdev say. */
static void state_unclaimed(struct nl_sock *sk, const struct sh_list_pf *pf, struct sh_list_vf *v)
{
	struct sh_error ignored;
	struct sh_link host;
	char why[128];

	if (v->inv.missing) {
		v->state = SH_VF_UNUSABLE;
		snprintf(v->why, sizeof(v->why), "counted in sriov_numvfs but not in sysfs (yet)");
		return;
	}
	if (v->inv.binding == SH_VF_BOUND_VFIO) {
		v->state = SH_VF_VFIO;
		if (v->has_mode && v->mode == SH_MODE_VFIO && pf->inv.allowed)
			snprintf(v->why, sizeof(v->why), "in vfio pool %s: free for a vfio request", v->pool);
		return;
	}
	if (v->inv.binding != SH_VF_BOUND_NETDEV) {
		v->state = SH_VF_UNUSABLE;
		sh_vf_binding_why(v->inv.binding, v->inv.vf.driver, v->why, sizeof(v->why));
		if (v->inv.binding == SH_VF_BOUND_AWAY)
			snprintf(v->why, sizeof(v->why),
				 "its netdev is in another network namespace, not by sriov-hook");
		return;
	}
	if (sk && sh_link_get(sk, 0, v->inv.vf.netdev, &host, &ignored) == 0 &&
	    sh_link_host_use(sk, &host, why, sizeof(why), &ignored) > 0) {
		v->state = SH_VF_UNUSABLE;
		snprintf(v->why, sizeof(v->why), "in use by the host: %s", why);
		return;
	}
	if (!pf->inv.allowed) {
		v->state = SH_VF_UNUSABLE;
		snprintf(v->why, sizeof(v->why), "its PF is not in allowed_pfs of the configuration");
		return;
	}
	v->state = SH_VF_FREE;
}

/* The VF netdev's own counters, read where it is: on the host, or in its holder's namespace when
 * that is the one the claim names (a reused pid must not show another namespace's device). */
static void netdev_counters(struct nl_sock *host_sk, struct sh_list_vf *v)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	_cleanup_close_ int nsfd = -1;
	struct sh_error ignored;
	uint64_t dev, ino;
	char path[64];

	if (v->inv.vf.netdev[0]) {
		if (host_sk)
			sh_netdev_stats_get(host_sk, v->inv.vf.netdev, &v->netdev_stats, &ignored);
		return;
	}
	if (!v->has_claim || v->claim.state != SH_CLAIM_HELD || v->claim.rec.pid <= 0 || !v->claim.rec.cont_name[0])
		return;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", v->claim.rec.pid);
	if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    sh_netns_check_type(nsfd, CLONE_NEWNET, path, &ignored) < 0 ||
	    sh_netns_identity(nsfd, &dev, &ino, &ignored) < 0 || dev != v->claim.rec.netns_dev ||
	    ino != v->claim.rec.netns_ino)
		return;
	if (sh_nl_open_in(nsfd, &sk, &ignored) == 0)
		sh_netdev_stats_get(sk, v->claim.rec.cont_name, &v->netdev_stats, &ignored);
}

static void fill_pf_netlink(struct nl_sock *sk, struct sh_list_pf *pf, struct sh_list_vf *vfs)
{
	struct sh_error ignored;
	struct sh_vf_stats *stats;
	struct sh_link link;
	size_t i;

	if (!sk || !pf->inv.pf.name[0] || sh_link_get(sk, 0, pf->inv.pf.name, &link, &ignored) < 0)
		return;
	pf->ifindex = link.ifindex;
	if (!pf->n_vfs)
		return;
	if ((stats = calloc(pf->n_vfs, sizeof(*stats))) &&
	    sh_vf_stats_get(sk, pf->ifindex, stats, pf->n_vfs, &ignored) == 0)
		for (i = 0; i < pf->n_vfs; i++)
			vfs[i].stats = stats[i];
	free(stats);
	for (i = 0; i < pf->n_vfs; i++)
		vfs[i].has_cfg = sh_vf_cfg_get(sk, pf->ifindex, vfs[i].inv.vf.index, &vfs[i].cfg, &ignored) == 0;
}

static int add_pf_vfs(const struct sh_config *cfg, struct sh_listing *l, size_t p, struct sh_error *err)
{
	struct sh_list_pf *pf = &l->pfs[p];
	struct sh_inv_vf *inv;
	struct sh_list_vf *grown;
	size_t n, i;
	int r;

	if ((r = sh_inventory_vfs(cfg->sysfs_root, &pf->inv, &inv, &n, err)) < 0)
		return r;
	if (n && !(grown = realloc(l->vfs, (l->n_vfs + n) * sizeof(*l->vfs)))) {
		free(inv);
		return sh_err(err, ENOMEM, "out of memory");
	}
	if (n)
		l->vfs = grown;
	pf->first_vf = l->n_vfs;
	pf->n_vfs = n;
	for (i = 0; i < n; i++) {
		memset(&l->vfs[l->n_vfs + i], 0, sizeof(l->vfs[0]));
		l->vfs[l->n_vfs + i].inv = inv[i];
	}
	l->n_vfs += n;
	free(inv);
	return 0;
}

/* A held netdev VF whose netdev left its container (a PF reset destroyed it) is lost until heal. */
static void mark_lost(const struct sh_config *cfg, struct nl_sock *sk, struct sh_list_vf *v)
{
	enum sh_heal_where w;
	char when[32] = "a time heal has not seen yet";
	int ifindex;

	if (v->state != SH_VF_HELD || !v->has_mode || v->mode != SH_MODE_NETDEV)
		return;
	w = sh_heal_locate(cfg, sk, &v->claim.rec, -1, &ifindex);
	if (w != SH_HEAL_LOST && w != SH_HEAL_ON_HOST)
		return;
	v->state = SH_VF_LOST;
	if (v->claim.rec.lost_since)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime(&(time_t){(time_t)v->claim.rec.lost_since}));
	snprintf(v->why, sizeof(v->why), "its netdev left the container (since %s): %s", when,
		 w == SH_HEAL_ON_HOST ? "back on the host, sriovctl heal puts it back" : "not back on the host yet");
}

/* A free VF and its baseline (its state before its first claim): what differs now. The PF-side
 * settings are the ones the listing read already. */
static void mark_dirty(struct sh_store *st, struct nl_sock *sk, const char *sysfs_root, struct sh_list_vf *v)
{
	struct sh_baseline base, now;
	struct sh_error ignored;

	if (v->state != SH_VF_FREE || !sk || sh_baseline_read(st, v->inv.vf.pci, &base, &ignored) < 0 ||
	    sh_baseline_capture(sk, sysfs_root, v->inv.vf.pci, false, &now, &ignored) < 0 ||
	    !sh_baseline_same_vf(&base, &now))
		return;
	now.has_cfg = v->has_cfg;
	now.cfg = v->cfg;
	v->has_baseline = true;
	sh_dirty_compare(&base, &now, &v->dirty);
}

int sh_listing_build(const struct sh_config *cfg, char *const *specs, size_t n_specs, unsigned flags,
		     struct sh_listing *l, struct sh_error *err)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	struct sh_error nl_err;
	struct sh_inv_pf *inv = NULL;
	size_t n, p, i;
	int r;

	memset(l, 0, sizeof(*l));
	if ((r = sh_inventory_pfs(cfg, specs, n_specs, &inv, &n, err)) < 0)
		return r;
	if (!(l->pfs = calloc(n ? n : 1, sizeof(*l->pfs)))) {
		free(inv);
		return sh_err(err, ENOMEM, "out of memory");
	}
	for (p = 0; p < n; p++)
		l->pfs[p].inv = inv[p];
	l->n_pfs = n;
	free(inv);
	for (p = 0; p < l->n_pfs; p++) {
		if ((r = add_pf_vfs(cfg, l, p, err)) < 0) {
			sh_listing_free(l);
			return r;
		}
	}
	if ((r = sh_store_foreach_claim(cfg->state_dir, add_claim, l, &l->claims_err)) < 0) {
		l->claims_result = r;
		if (!(flags & SH_LISTING_CLAIMS_OPTIONAL)) {
			*err = l->claims_err;
			sh_listing_free(l);
			return sh_err_ctx(err, "read the claims in %s", cfg->state_dir);
		}
	}
	add_modes(cfg, l);
	/* Without netlink (a fake sysfs tree, say) the listing still says what sysfs and the store
	 * know; settings and counters stay empty. */
	if (sh_nl_open(&sk, &nl_err) < 0)
		sk = NULL;
	if (sh_store_open(cfg->state_dir, false, &st, &nl_err) < 0)
		st = SH_STORE_INIT; /* no baselines to compare: the claims' error was said above */
	for (p = 0; p < l->n_pfs; p++) {
		struct sh_list_pf *pf = &l->pfs[p];

		for (i = pf->first_vf; i < pf->first_vf + pf->n_vfs; i++)
			check_host_netdev(sk, &l->vfs[i]);
		fill_pf_netlink(sk, pf, &l->vfs[pf->first_vf]);
		for (i = pf->first_vf; i < pf->first_vf + pf->n_vfs; i++) {
			if (!l->vfs[i].has_claim)
				state_unclaimed(sk, pf, &l->vfs[i]);
			netdev_counters(sk, &l->vfs[i]);
			mark_lost(cfg, sk, &l->vfs[i]);
			mark_dirty(&st, sk, cfg->sysfs_root, &l->vfs[i]);
		}
	}
	return 0;
}

/* ---- table ------------------------------------------------------------------------------------- */

#define TABLE_MAX_COLS 12
#define CELL_LEN 256

struct table {
	size_t n_cols, n_rows;
	char (*cells)[TABLE_MAX_COLS][CELL_LEN];
	size_t width[TABLE_MAX_COLS];
};

static int table_row(struct table *t, struct sh_error *err, ...)
{
	void *grown = realloc(t->cells, (t->n_rows + 1) * sizeof(*t->cells));
	const char *s;
	va_list ap;
	size_t c;

	if (!grown)
		return sh_err(err, ENOMEM, "out of memory");
	t->cells = grown;
	va_start(ap, err);
	for (c = 0; c < t->n_cols; c++) {
		s = va_arg(ap, const char *);
		snprintf(t->cells[t->n_rows][c], CELL_LEN, "%s", s && *s ? s : "-");
		if (strlen(t->cells[t->n_rows][c]) > t->width[c])
			t->width[c] = strlen(t->cells[t->n_rows][c]);
	}
	va_end(ap);
	t->n_rows++;
	return 0;
}

static void table_print(struct table *t, FILE *out)
{
	size_t r, c;

	for (r = 0; r < t->n_rows; r++) {
		for (c = 0; c < t->n_cols; c++) {
			if (c == t->n_cols - 1)
				fprintf(out, "%s\n", t->cells[r][c]);
			else
				fprintf(out, "%-*s  ", (int)t->width[c], t->cells[r][c]);
		}
	}
	free(t->cells);
	t->cells = NULL;
}

/* "12s ago", "5m ago", "3h ago", "2d ago" */
static const char *age(time_t since, char *buf, size_t len)
{
	time_t d = time(NULL) - since;

	if (since <= 0)
		snprintf(buf, len, "-");
	else if (d < 120)
		snprintf(buf, len, "%llds ago", (long long)(d < 0 ? 0 : d));
	else if (d < 7200)
		snprintf(buf, len, "%lldm ago", (long long)d / 60);
	else if (d < 172800)
		snprintf(buf, len, "%lldh ago", (long long)d / 3600);
	else
		snprintf(buf, len, "%lldd ago", (long long)d / 86400);
	return buf;
}

/* The PF-side settings that differ from a fresh VF's, as `ip link set PF vf N` spells them. */
static const char *settings_text(const struct sh_list_vf *v, char *buf, size_t len)
{
	const struct sh_vf_cfg *c = &v->cfg;
	char part[96];
	size_t used = 0;
	enum sh_knob k;

	buf[0] = '\0';
	if (!v->has_cfg)
		return buf;
	for (k = 0; k < SH_KNOB_COUNT; k++) {
		if (sh_vf_knob_is_default(k, c))
			continue;
		sh_vf_knob_describe(k, c, part, sizeof(part));
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? " " : "", part);
		if (used >= len)
			break;
	}
	return buf;
}

static const char *holder_text(const struct sh_list_vf *v, char *buf, size_t len)
{
	if (!v->has_claim)
		snprintf(buf, len, "-");
	else if (v->claim.rec.name[0])
		snprintf(buf, len, "%.12s (%.64s)", v->claim.rec.id, v->claim.rec.name);
	else
		snprintf(buf, len, "%.12s", v->claim.rec.id);
	return buf;
}

static const char *netdev_text(const struct sh_list_vf *v, char *buf, size_t len)
{
	if (v->inv.vf.netdev[0])
		snprintf(buf, len, "%s", v->inv.vf.netdev);
	else if (v->has_claim && v->has_mode && v->mode == SH_MODE_VFIO)
		snprintf(buf, len, "-"); /* a vfio VF has none, in the container either */
	else if (v->has_claim && v->claim.state == SH_CLAIM_HELD)
		snprintf(buf, len, "in container%s%s", v->claim.rec.cont_name[0] ? ": " : "", v->claim.rec.cont_name);
	else
		snprintf(buf, len, "-");
	return buf;
}

static const char *note_text(const struct sh_list_vf *v, char *buf, size_t len)
{
	char settings[CELL_LEN], dirty[CELL_LEN];

	settings_text(v, settings, sizeof(settings));
	/* what holders left on a free VF, after its PF-side settings */
	if (v->dirty.n) {
		snprintf(dirty, sizeof(dirty), "%s%sdirty: ", settings, settings[0] ? "; " : "");
		sh_dirty_text(&v->dirty, ", ", dirty + strlen(dirty), sizeof(dirty) - strlen(dirty));
		memcpy(settings, dirty, sizeof(settings));
	}
	if (v->has_claim && v->has_mode && v->mode == SH_MODE_VFIO && !v->why[0]) {
		char group[16] = "?";

		if (v->inv.iommu_group >= 0)
			snprintf(group, sizeof(group), "%d", v->inv.iommu_group);
		if (v->claim.rec.group_of[0]) /* the holder asked another VF of the group */
			snprintf(buf, len, "vfio: /dev/vfio/%s, held with %s (one IOMMU group)%s%s", group,
				 v->claim.rec.group_of, settings[0] ? "; " : "", settings);
		else
			snprintf(buf, len, "vfio: /dev/vfio/%s, back to %s on release%s%s", group,
				 v->return_driver[0] ? v->return_driver : "nothing (stays on vfio-pci)",
				 settings[0] ? "; " : "", settings);
	} else if (v->why[0])
		snprintf(buf, len, "%s%s%s", v->why, settings[0] ? "; " : "", settings);
	else if (v->has_claim && v->claim.rec.netns_ino)
		snprintf(buf, len, "netns net:[%llu]%s%s", (unsigned long long)v->claim.rec.netns_ino,
			 settings[0] ? "; " : "", settings);
	else
		snprintf(buf, len, "%s", settings);
	return buf;
}

int sh_listing_print_table(const struct sh_listing *l, FILE *out, struct sh_error *err)
{
	struct table pfs = {.n_cols = 9}, vfs = {.n_cols = 10};
	char vfcount[32], numa[16], idx[16], holder[256], since[32], netdev[64], rx[48], note[CELL_LEN];
	size_t i;
	int r;

	if (!l->n_pfs) {
		fprintf(out, "No SR-IOV PF on this host (no network device with sriov_totalvfs in sysfs).\n");
		return 0;
	}
	if ((r = table_row(&pfs, err, "PF", "PCI", "NUMA", "PCIE ROOT", "DRIVER", "LINK", "CARRIER", "VFS", "NOTE")) <
	    0)
		return r;
	for (i = 0; i < l->n_pfs && r == 0; i++) {
		const struct sh_inv_pf *p = &l->pfs[i].inv;

		snprintf(vfcount, sizeof(vfcount), "%u/%u", p->pf.numvfs, p->totalvfs);
		if (p->numa_node < 0)
			snprintf(numa, sizeof(numa), "-");
		else
			snprintf(numa, sizeof(numa), "%d", p->numa_node);
		r = table_row(&pfs, err, p->pf.name, p->pf.pci, numa, p->pcie_root[0] ? p->pcie_root : "-", p->driver,
			      p->operstate,
			      p->carrier < 0 ? "-"
			      : p->carrier   ? "yes"
					     : "no",
			      vfcount,
			      p->pf.numvfs ? (p->allowed ? "" : "not in allowed_pfs") : "no VFs: sriovctl vfs apply");
	}
	if (r < 0 || (r = table_row(&vfs, err, "PF", "VF", "PCI", "DRIVER", "NETDEV", "STATE", "CONTAINER", "SINCE",
				    "RX/TX PKTS", "NOTE")) < 0) {
		free(pfs.cells);
		return r;
	}
	for (i = 0; i < l->n_vfs && r == 0; i++) {
		const struct sh_list_vf *v = &l->vfs[i];
		const struct sh_vf_stats *s = sh_list_vf_counters(v);

		snprintf(idx, sizeof(idx), "%u", v->inv.vf.index);
		snprintf(rx, sizeof(rx), "-");
		if (s->present)
			snprintf(rx, sizeof(rx), "%llu/%llu", (unsigned long long)s->v[SH_VF_RX_PACKETS],
				 (unsigned long long)s->v[SH_VF_TX_PACKETS]);
		r = table_row(&vfs, err, v->inv.vf.pf_name, idx, v->inv.vf.pci, v->inv.vf.driver,
			      netdev_text(v, netdev, sizeof(netdev)), sh_vf_state_name(v->state),
			      holder_text(v, holder, sizeof(holder)),
			      v->has_claim ? age(v->claim.since, since, sizeof(since)) : "-", rx,
			      note_text(v, note, sizeof(note)));
	}
	if (r < 0) {
		free(pfs.cells);
		free(vfs.cells);
		return r;
	}
	table_print(&pfs, out);
	if (l->n_vfs) {
		fputc('\n', out);
		table_print(&vfs, out);
	}
	free(vfs.cells);
	return 0;
}

/* ---- JSON -------------------------------------------------------------------------------------- */

static void gen_key(struct sh_jgen *j, const char *key)
{
	sh_jgen_str(j, key);
}

static void gen_kv_str_or_null(struct sh_jgen *j, const char *key, const char *value)
{
	gen_key(j, key);
	if (value && *value)
		sh_jgen_str(j, value);
	else
		sh_jgen_null(j);
}

static void gen_stats(struct sh_jgen *j, const char *key, const struct sh_vf_stats *s)
{
	enum sh_vf_counter c;

	gen_key(j, key);
	if (!s->present) {
		sh_jgen_null(j);
		return;
	}
	sh_jgen_map_open(j);
	for (c = 0; c < SH_VF_COUNTER_COUNT; c++) {
		gen_key(j, sh_vf_counter_name(c));
		if (s->present & (1u << c))
			sh_jgen_int(j, (long long)s->v[c]);
		else
			sh_jgen_null(j);
	}
	sh_jgen_map_close(j);
}

static void gen_cfg(struct sh_jgen *j, const char *key, bool has, const struct sh_vf_cfg *cfg)
{
	gen_key(j, key);
	if (has)
		sh_vf_cfg_gen_json(j, cfg);
	else
		sh_jgen_null(j);
}

/* "dirty": what a free VF differs in from its baseline ([] when nothing); null without one. */
static void gen_dirty(struct sh_jgen *j, const struct sh_list_vf *v)
{
	char name[48];
	size_t i;

	gen_key(j, "dirty");
	if (!v->has_baseline) {
		sh_jgen_null(j);
		return;
	}
	sh_jgen_array_open(j);
	for (i = 0; i < v->dirty.n; i++)
		sh_jgen_str(j, sh_dirty_item_name(&v->dirty.item[i], name, sizeof(name)));
	sh_jgen_array_close(j);
}

static void gen_pf(struct sh_jgen *j, const struct sh_list_pf *pf)
{
	const struct sh_inv_pf *p = &pf->inv;

	sh_jgen_map_open(j);
	gen_kv_str_or_null(j, "name", p->pf.name);
	sh_jgen_kv_str(j, "pci", p->pf.pci);
	gen_kv_str_or_null(j, "driver", p->driver);
	gen_kv_str_or_null(j, "operstate", p->operstate);
	gen_key(j, "up");
	sh_jgen_bool(j, p->admin_up);
	gen_key(j, "carrier");
	if (p->carrier < 0)
		sh_jgen_null(j);
	else
		sh_jgen_bool(j, p->carrier);
	sh_jgen_kv_int(j, "numvfs", p->pf.numvfs);
	sh_jgen_kv_int(j, "totalvfs", p->totalvfs);
	gen_key(j, "numa_node");
	if (p->numa_node < 0)
		sh_jgen_null(j);
	else
		sh_jgen_int(j, p->numa_node);
	gen_kv_str_or_null(j, "pcie_root", p->pcie_root);
	gen_key(j, "allowed");
	sh_jgen_bool(j, p->allowed);
	sh_jgen_map_close(j);
}

static void gen_vf(struct sh_jgen *j, const struct sh_list_vf *v)
{
	const struct sh_claim_info *c = v->has_claim ? &v->claim : NULL;
	char netns[48], since[32];
	struct tm tm;

	sh_jgen_map_open(j);
	gen_kv_str_or_null(j, "pf", v->inv.vf.pf_name[0] ? v->inv.vf.pf_name : v->inv.vf.pf_pci);
	sh_jgen_kv_int(j, "index", v->inv.vf.index);
	gen_kv_str_or_null(j, "pci", v->inv.vf.pci);
	gen_kv_str_or_null(j, "driver", v->inv.vf.driver);
	gen_kv_str_or_null(j, "netdev", v->inv.vf.netdev);
	sh_jgen_kv_str(j, "state", sh_vf_state_name(v->state));
	gen_kv_str_or_null(j, "mode", v->has_mode ? sh_vf_mode_name(v->mode) : NULL);
	gen_kv_str_or_null(j, "pool", v->pool);
	gen_kv_str_or_null(j, "why", v->why);
	gen_kv_str_or_null(j, "container", c ? c->rec.id : NULL);
	gen_kv_str_or_null(j, "container_name", c ? c->rec.name : NULL);
	gen_key(j, "pid");
	if (c && c->rec.pid > 0)
		sh_jgen_int(j, c->rec.pid);
	else
		sh_jgen_null(j);
	snprintf(netns, sizeof(netns), "net:[%llu]", c ? (unsigned long long)c->rec.netns_ino : 0ULL);
	gen_kv_str_or_null(j, "netns", c && c->rec.netns_ino ? netns : NULL);
	since[0] = '\0';
	if (c && c->since > 0 && gmtime_r(&c->since, &tm))
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gen_kv_str_or_null(j, "since", since);
	gen_kv_str_or_null(j, "container_netdev", c ? c->rec.cont_name : NULL);
	gen_key(j, "iommu_group");
	if (v->inv.iommu_group >= 0)
		sh_jgen_int(j, v->inv.iommu_group);
	else
		sh_jgen_null(j);
	gen_cfg(j, "settings", v->has_cfg, &v->cfg);
	gen_dirty(j, v);
	gen_stats(j, "stats", &v->stats);
	gen_stats(j, "netdev_stats", &v->netdev_stats);
	sh_jgen_map_close(j);
}

int sh_listing_print_json(const struct sh_listing *l, FILE *out, struct sh_error *err)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	_cleanup_free_ char *text = NULL;
	size_t len, i;
	int r;

	sh_jgen_start(&j, "    ");
	sh_jgen_map_open(&j);
	gen_key(&j, "pfs");
	sh_jgen_array_open(&j);
	for (i = 0; i < l->n_pfs; i++)
		gen_pf(&j, &l->pfs[i]);
	sh_jgen_array_close(&j);
	gen_key(&j, "vfs");
	sh_jgen_array_open(&j);
	for (i = 0; i < l->n_vfs; i++)
		gen_vf(&j, &l->vfs[i]);
	sh_jgen_array_close(&j);
	sh_jgen_map_close(&j);
	if ((r = sh_jgen_finish(&j, "the listing", &text, &len, err)) < 0)
		return r;
	fwrite(text, 1, len, out);
	return 0;
}
