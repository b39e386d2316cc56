/* Garbage collection: finishes the claims nobody else will (holder gone without poststop, hook
 * killed mid-way, VF that was not back yet), with the same locks and the same release as the hooks,
 * then lets the store remove what crashed operations left. */
#include "sriov-hook/hook/gc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/store/tidy.h"
#include "sriov-hook/sys/nl.h"

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
