/* Why no VF could be had: after auto or a pool found none to claim, each VF in scope is counted
 * once under what keeps it, with the first reason of each kind, and the counts become one message
 * that says what to do about them. */
#include "sriov-hook/hook/census.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/hook/usable.h"

static void census_add_holder(struct sh_census *cs, const struct sh_record *r)
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
		snprintf(why, len, "%.*s", (int)len - 1, text);
}

/* Counts the VFs of pf in scope (pool, or none: the VFs outside pools) after no claim succeeded:
 * claims are read without their lock, usability as check_usable sees it (a snapshot: a VF freed
 * meanwhile counts as such). A VF not on the host costs its links and no directory read, as in
 * auto's walk. */
void sh_census_count(struct sh_attach_run *a, const struct sh_pf *pf, const struct sh_pool *pool, struct sh_census *cs)
{
	const char *root = a->ctx->cfg->sysfs_root;
	_cleanup_host_netdevs_ struct sh_host_netdevs on_host = SH_HOST_NETDEVS_INIT;
	_cleanup_close_ int pf_fd = sh_sysfs_pf_open(root, pf);
	struct sh_error ignored;
	struct sh_record rec;
	struct sh_link host;
	enum sh_usability why;
	char text[SH_ERR_MAX / 4], pci[SH_PCI_LEN];
	struct sh_vf vf;
	unsigned i;

	for (i = 0; i < pf->numvfs; i++) {
		if (!sh_vf_in_scope(a, pf, i, pool))
			continue;
		cs->total++;
		if (sh_sysfs_virtfn_pci_at(pf_fd, i, pci) < 0) {
			sh_err(&ignored, ENODEV, "VF %u of %s: no virtfn%u in sysfs", i, pf->name, i);
			census_note(&cs->unusable, cs->unusable_why, sizeof(cs->unusable_why), ignored.msg);
			continue;
		}
		if (sh_sysfs_vf_at(root, pf, i, pci, sh_vf_netdev_on_host(root, pci, &on_host), &vf, &ignored) < 0) {
			census_note(&cs->unusable, cs->unusable_why, sizeof(cs->unusable_why), ignored.msg);
			continue;
		}
		if (sh_store_has_record(&a->store, vf.pci) && sh_store_peek(&a->store, vf.pci, &rec, &ignored) == 0) {
			/* Read without its lock: a live holder still attaching counts as holding. */
			if (rec.phase == SH_PHASE_RETURNING || sh_record_holder_gone(&rec)) {
				cs->stale++;
			} else {
				cs->held++;
				census_add_holder(cs, &rec);
			}
			continue;
		}
		if (sh_vf_usability_as_read(a, &vf, &host, &why, text, sizeof(text), &ignored) < 0) {
			why = SH_UNUSABLE;
			snprintf(text, sizeof(text), "%.*s", (int)sizeof(text) - 1, ignored.msg);
		}
		if (why == SH_IN_USE_BY_HOST)
			census_note(&cs->host, cs->host_why, sizeof(cs->host_why), text);
		else if (why == SH_NOT_ON_HOST)
			census_note(&cs->elsewhere, cs->elsewhere_why, sizeof(cs->elsewhere_why), text);
		else if (why == SH_UNUSABLE)
			census_note(&cs->unusable, cs->unusable_why, sizeof(cs->unusable_why), text);
		else
			cs->freed++;
	}
}

/* "<head>: no free VF among its N[ outside pools (M are in pools)]: 2 held by running containers
 * (web, db); 1 in use by the host (...); ..." */
int sh_census_error(const struct sh_census *cs, const char *head, unsigned pooled, struct sh_error *err)
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
