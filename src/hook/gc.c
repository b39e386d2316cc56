/* Garbage collection: finishes the claims nobody else will (holder gone without poststop, hook
 * killed mid-way, VF that was not back yet), with the same locks and the same release as the hooks,
 * then lets the store remove what crashed operations left, and returns each free VF that differs
 * from its baseline (its state before its first claim) to it, item by item. */
#include "sriov-hook/hook/gc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/hook/dirty.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/baseline.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/store/tidy.h"
#include "sriov-hook/sys/linkstate.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/vfcfg.h"

struct gc {
	const struct sh_config *cfg;
	bool dry_run;
	struct sh_store store;
	struct nl_sock *sk;
	void (*report)(const struct sh_gc_event *ev, void *data);
	void *data;
	int first;
	/* The first claim whose pid cannot be read here: VF, holder, pid (0: none). */
	char unreadable_pci[SH_PCI_LEN];
	char unreadable_id[SH_ID_MAX + 1];
	int unreadable_pid;
	struct sh_error *err;
};

static void gc_event(struct gc *g, const char *pci, const char *id, const char *what, const char *path, int result,
		     const struct sh_error *e)
{
	struct sh_gc_event ev = {pci, id, what, path, result, result < 0 && e ? e->msg : NULL};

	if (result < 0 && !g->first) {
		g->first = result;
		if (e && e != g->err)
			*g->err = *e;
	}
	if (g->report)
		g->report(&ev, g->data);
}

static void tidy_event(const char *what, const char *path, int result, const char *why, void *data)
{
	struct gc *g = data;
	struct sh_gc_event ev = {NULL, NULL, what, path, result, why};

	if (g->report)
		g->report(&ev, g->data);
}

/* Whether r is a claim only its pid can say is over, and that pid cannot be read here: left alone
 * and remembered for the one refusal line. */
static bool left_unjudged(struct gc *g, const char *pci, const struct sh_record *r)
{
	if (r->phase != SH_PHASE_ATTACHED || r->pid <= 0 || sh_record_pid_readable(r))
		return false;
	if (!g->unreadable_pid) {
		g->unreadable_pid = r->pid;
		snprintf(g->unreadable_pci, sizeof(g->unreadable_pci), "%s", pci);
		snprintf(g->unreadable_id, sizeof(g->unreadable_id), "%s", r->id);
	}
	return true;
}

/* One claim: left alone while its holder lives, else given back (or, dry run, reported). */
static void gc_claim(struct gc *g, const char *pci)
{
	struct sh_claim c;
	struct sh_record r;
	struct sh_error e, ignored;
	int ret;

	if (g->dry_run) {
		/* nothing taken, nothing tidied: only what the real run would do */
		if (sh_store_vf_busy(&g->store, pci) || (ret = sh_store_peek(&g->store, pci, &r, &e)) == -ENOENT)
			return;
		if (ret < 0)
			return gc_event(g, pci, NULL, "returned", NULL, ret, &e);
		if (left_unjudged(g, pci, &r))
			return;
		if (sh_record_is_stale(&r))
			gc_event(g, pci, r.id, r.phase == SH_PHASE_RETURNING ? "returning" : "returned", NULL, 0, NULL);
		return;
	}
	ret = sh_store_lock_vf(&g->store, pci, false, &c, &e);
	if (ret == -EBUSY)
		return; /* a hook acts on it: its holder lives */
	if (ret < 0)
		return gc_event(g, pci, NULL, "returned", NULL, ret, &e);
	ret = sh_claim_read(&c, &r, &e);
	if (ret == 0 && (left_unjudged(g, pci, &r) || !sh_record_is_stale(&r))) {
		sh_claim_unlock(&c);
		return;
	}
	if (ret == -ENOENT) {
		sh_claim_unlock(&c);
		return;
	}
	if (ret < 0) {
		sh_claim_unlock(&c);
		return gc_event(g, pci, NULL, "returned", NULL, ret, &e);
	}
	if (!g->sk && (ret = sh_nl_open(&g->sk, &e)) < 0) {
		sh_claim_unlock(&c);
		return gc_event(g, pci, r.id, "returned", NULL, ret, &e);
	}
	ret = sh_release_vf(g->cfg, g->sk, &c, &r, false, &e);
	gc_event(g, pci, r.id, ret == -EAGAIN ? "returning" : "returned", NULL, ret, &e);
	if (ret == 0) {
		/* waiting is safe: no lock is held here, and no pin holder waits for anything */
		if ((ret = sh_store_unpin_if_unused(&g->store, r.pin, true, &ignored)) < 0)
			gc_event(g, pci, r.id, "removed stale pin", r.pin, ret, &ignored);
	}
}

/* ---- free VFs back to their baseline ---------------------------------------------------------- */

/* Puts item it of VF now back as base has it; a setting is set with the other settings of its
 * knob, once (*knobs_done). */
static int return_item(struct gc *g, const struct sh_baseline *base, const struct sh_baseline *now,
		       const struct sh_dirty_item *it, unsigned *knobs_done, struct sh_error *e)
{
	const struct sh_vf_setting *s;
	size_t n;

	switch (it->kind) {
	case SH_DIRTY_RESIDUE:
		return sh_residue_restore(g->sk, now->ifindex, now->netdev, &base->state, &now->state,
					  (enum sh_residue)it->which, e);
	case SH_DIRTY_LINK:
		if (it->which == SH_DIRTY_MTU)
			return sh_link_set_mtu(g->sk, now->ifindex, base->mtu, e);
		if (it->which == SH_DIRTY_MAC)
			return sh_link_set_mac(g->sk, now->ifindex, base->mac, e);
		return sh_link_set_up(g->sk, now->ifindex, base->up, e);
	case SH_DIRTY_SETTING:
		s = sh_vf_settings(&n);
		if (*knobs_done & SH_KNOB_BIT(s[it->which].knob))
			return 0;
		*knobs_done |= SH_KNOB_BIT(s[it->which].knob);
		return sh_vf_knob_set(g->sk, now->pf_ifindex, now->vf_index, s[it->which].knob, &base->cfg, e);
	}
	return sh_err(e, EINVAL, "no such item");
}

/* Returns each item of d, naming in one line each one the driver refuses and going on. */
static void return_items(struct gc *g, const char *pci, const struct sh_baseline *base, const struct sh_baseline *now,
			 const struct sh_dirty *d)
{
	char done[512] = "", what[600], buf[48];
	unsigned knobs_done = 0;
	struct sh_error e;
	const char *name;
	size_t i, used = 0;
	int r;

	for (i = 0; i < d->n; i++) {
		name = sh_dirty_item_name(&d->item[i], buf, sizeof(buf));
		if ((r = return_item(g, base, now, &d->item[i], &knobs_done, &e)) < 0) {
			snprintf(what, sizeof(what), "%s not returned to its baseline", name);
			gc_event(g, pci, NULL, what, NULL, r, &e);
		} else if (used < sizeof(done)) {
			used += (size_t)snprintf(done + used, sizeof(done) - used, "%s%s", used ? ", " : "", name);
		}
	}
	if (done[0]) {
		snprintf(what, sizeof(what), "returned to its baseline (%s)", done);
		gc_event(g, pci, NULL, what, NULL, 0, NULL);
	}
}

/* Whether the host itself uses the VF's netdev (addresses, a master): its state is the admin's. */
static bool host_uses(struct gc *g, const struct sh_baseline *now)
{
	struct sh_error ignored;
	struct sh_link l;
	char why[128];

	return sh_link_get(g->sk, now->ifindex, NULL, &l, &ignored) == 0 &&
	       sh_link_host_use(g->sk, &l, why, sizeof(why), &ignored) > 0;
}

/* VF pci's baseline, with the VF's lock held (or, dry run, looked at): removed when its VF is gone
 * or is another PCI function now; else, when the free VF differs from it, the VF is put back. */
static void gc_baseline_vf(struct gc *g, const char *pci)
{
	struct sh_baseline base, now;
	struct sh_dirty d;
	struct sh_error e;
	char what[600], items[512];
	int r;

	if ((r = sh_baseline_read(&g->store, pci, &base, &e)) == -ENOENT)
		return;
	if (r < 0)
		return gc_event(g, pci, NULL, "returned to its baseline", NULL, r, &e);
	if (!g->sk && (r = sh_nl_open(&g->sk, &e)) < 0)
		return gc_event(g, pci, NULL, "returned to its baseline", NULL, r, &e);
	r = sh_baseline_capture(g->sk, g->cfg->sysfs_root, pci, true, &now, &e);
	if (r == -ENOENT || (r == 0 && !sh_baseline_same_vf(&base, &now))) {
		/* a VF recreated at the address never had this state: it gets its own at its claim */
		r = g->dry_run ? 0 : sh_baseline_remove(&g->store, pci, &e);
		gc_event(g, pci, NULL,
			 now.dev_ino ? "removed the baseline of an earlier VF at its address"
				     : "removed the baseline of a VF that is gone",
			 NULL, r, &e);
		return;
	}
	if (r == -ENODEV || (r == 0 && host_uses(g, &now)))
		return; /* no netdev on the host (vfio-pci, moved away), or the host's own use */
	if (r < 0)
		return gc_event(g, pci, NULL, "returned to its baseline", NULL, r, &e);
	sh_dirty_compare(&base, &now, &d);
	if (!d.n)
		return;
	if (!g->dry_run)
		return return_items(g, pci, &base, &now, &d);
	snprintf(what, sizeof(what), "returned to its baseline (%s)", sh_dirty_text(&d, ", ", items, sizeof(items)));
	gc_event(g, pci, NULL, what, NULL, 0, NULL);
}

/* A free VF only: one a live holder has (or a hook acts on, or whose claim gc could not return)
 * is never touched. A temporary file is a killed writer's: every writer holds the VF's lock. */
static int gc_baseline(const char *pci, bool tmp, void *data)
{
	struct gc *g = data;
	struct sh_claim c;
	struct sh_record r;
	struct sh_error e;
	char path[PATH_MAX + 64];
	int ret;

	if (tmp) {
		if ((ret = sh_claim_trylock(&g->store, pci, &c)) < 0)
			return 0;
		snprintf(path, sizeof(path), "%s/baseline/%s.json.tmp", g->store.path, pci);
		if (!g->dry_run)
			sh_baseline_remove_tmp(&g->store, pci);
		sh_claim_unlock(&c);
		gc_event(g, NULL, NULL, "removed stray file", path, 0, NULL);
		return 0;
	}
	if (g->dry_run) {
		if (sh_store_vf_busy(&g->store, pci) == 0 && !sh_store_has_record(&g->store, pci))
			gc_baseline_vf(g, pci);
		return 0;
	}
	if ((ret = sh_store_lock_vf(&g->store, pci, false, &c, &e)) == -EBUSY)
		return 0;
	if (ret < 0) {
		gc_event(g, pci, NULL, "returned to its baseline", NULL, ret, &e);
		return 0;
	}
	if ((ret = sh_claim_read(&c, &r, &e)) == -ENOENT) {
		gc_baseline_vf(g, pci);
		/* nothing names the VF: its lock file goes with the lock */
		if (sh_claim_release(&c, &e) < 0)
			sh_claim_unlock(&c);
		return 0;
	}
	if (ret < 0)
		gc_event(g, pci, NULL, "returned to its baseline", NULL, ret, &e);
	sh_claim_unlock(&c);
	return 0;
}

const char *sh_gc_event_what(const struct sh_gc_event *ev, bool dry_run, char *buf, size_t len)
{
	static const char removed[] = "removed ";

	if (!dry_run || ev->result < 0)
		return ev->what;
	if (!strcmp(ev->what, "returned"))
		return "would be returned";
	if (!strcmp(ev->what, "returning"))
		return "would be returned (its release was left unfinished)";
	if (!strncmp(ev->what, removed, strlen(removed))) {
		snprintf(buf, len, "would remove %s", ev->what + strlen(removed));
		return buf;
	}
	snprintf(buf, len, "would be %s", ev->what);
	return buf;
}

int sh_gc(const struct sh_config *cfg, bool dry_run, void (*report)(const struct sh_gc_event *ev, void *data),
	  void *data, struct sh_error *err)
{
	struct gc g = {
		.cfg = cfg, .dry_run = dry_run, .store = SH_STORE_INIT, .report = report, .data = data, .err = err};
	char(*pci)[SH_PCI_LEN] = NULL;
	struct sh_error e;
	size_t i, n;
	int r;

	if ((r = sh_store_open(cfg->state_dir, false, &g.store, err)) < 0)
		return r;
	/* Leftovers first (a claim's lock would remove its temporary record unreported); the pins of
	 * the claims returned below go with them. */
	if ((r = sh_store_tidy(&g.store, dry_run, tidy_event, &g, &e)) < 0 && !g.first) {
		g.first = r;
		*err = e;
	}
	if ((r = sh_store_list_claims(&g.store, &pci, &n, err)) < 0)
		goto out;
	for (i = 0; i < n; i++)
		gc_claim(&g, pci[i]);
	/* after the claims: a VF one of them just returned may still differ from its baseline */
	if ((r = sh_store_each_baseline(&g.store, gc_baseline, &g, &e)) < 0 && !g.first) {
		g.first = r;
		*err = e;
	}
	r = g.first;
	if (!r && g.unreadable_pid)
		r = sh_err(err, EPERM,
			   "VF %s is held by %s, whose pid %d is in another PID namespace than this /proc shows, "
			   "so gc cannot tell whether it lives: run gc in the host's PID namespace (hostPID)",
			   g.unreadable_pci, g.unreadable_id, g.unreadable_pid);
out:
	free(pci);
	sh_nl_close(g.sk);
	sh_store_close(&g.store);
	return r;
}
