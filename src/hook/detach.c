/* poststop: every VF claimed by the container goes back to the host as it was, and its claim and
 * pin go. Container ids are not unique host-wide (two runc roots, containerd namespaces): a claim
 * under this id is released only when its holder is gone or is the container the runtime names,
 * never when it is a live one that shares the id. Nothing to release is success: runc and docker
 * run poststop after a failed createRuntime too, and a second poststop must be harmless. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/detach.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"

/* What the runtime says of the container being torn down, to tell it from a namesake. */
struct teardown {
	int pid; /* the state's pid, when it gives one */
	bool has_ns;
	uint64_t netns_dev, netns_ino;
};

static void teardown_init(const struct sh_ctx *ctx, struct teardown *t)
{
	struct sh_error ignored;
	int fd;

	memset(t, 0, sizeof(*t));
	t->pid = ctx->state->pid;
	if (!ctx->netns_path[0])
		return;
	fd = open(ctx->netns_path, O_PATH | O_CLOEXEC);
	if (fd >= 0 && sh_netns_identity(fd, &t->netns_dev, &t->netns_ino, &ignored) == 0)
		t->has_ns = true;
	if (fd >= 0)
		close(fd);
}

/* Whether this poststop may release record r (its id is this container's): its holder is gone,
 * or the runtime names the same container (the state's bundle, pid, or netns where given). A
 * record that cannot tell (version 1, no bundle; no pid) goes by the id, as it always did. */
static bool releasable(const struct sh_record *r, const struct sh_ctx *ctx, const struct teardown *t)
{
	if (sh_record_is_stale(r) || r->pid == 0 || !r->bundle[0])
		return true;
	if (!strcmp(r->bundle, ctx->state->bundle) || (t->pid > 0 && t->pid == r->pid))
		return true;
	return t->has_ns && r->netns_dev == t->netns_dev && r->netns_ino == t->netns_ino;
}

/* The log line of a release: a netdev VF is back under its host name; a vfio VF has none, and is
 * back on its driver, or stays on vfio-pci where it was before the claim. */
static void log_released(const struct sh_record *r)
{
	if (r->mode != SH_MODE_VFIO)
		sh_log_msg(LOG_INFO, "VF %u (%s) of %s released as %s", r->vf_index, r->vf_pci, r->pf_name,
			   r->host_name);
	else if (r->group_of[0])
		sh_log_msg(LOG_INFO, "VF %u (%s) of %s released with %s, whose IOMMU group %d it shares", r->vf_index,
			   r->vf_pci, r->pf_name, r->group_of, r->iommu_group);
	else if (r->driver[0])
		sh_log_msg(LOG_INFO, "VF %u (%s) of %s released: back on %s%s%s", r->vf_index, r->vf_pci, r->pf_name,
			   r->driver, r->host_name[0] ? " as " : "", r->host_name);
	else
		sh_log_msg(LOG_INFO, "VF %u (%s) of %s released: it stays on " SH_VFIO_DRIVER " (it was there before)",
			   r->vf_index, r->vf_pci, r->pf_name);
}

/* Under the VF's lock, re-checks that the claim is still this container's (a new container may
 * have taken the VF over since), then releases it; its pin is added to pins. */
static int detach_one(const struct sh_ctx *ctx, struct sh_store *store, struct nl_sock **sk, const char *pci,
		      const struct teardown *t, char (*pin)[NAME_MAX + 8], struct sh_error *err)
{
	struct sh_claim c;
	struct sh_record r;
	int ret;

	if ((ret = sh_store_lock_vf(store, pci, true, &c, err)) < 0)
		return ret;
	ret = sh_claim_read(&c, &r, err);
	if (ret == 0 || ret == -ENOENT)
		sh_claim_unindex(&c, ctx->state->id); /* unless the record is this id's */
	if (ret == -ENOENT)
		return sh_claim_release(&c, err); /* and its lock file */
	if (ret == 0 && strcmp(r.id, ctx->state->id)) {
		if (!sh_record_remove_sharer(&r, ctx->state->id)) {
			sh_claim_unlock(&c); /* another container's now */
			return 0;
		}
		/* A sharer leaves; the VF goes with the last of its holders. */
		if (!sh_record_holder_gone(&r)) {
			sh_log_msg(LOG_INFO, "VF %s stays in the namespace: its other holders remain", pci);
			ret = sh_claim_write(&c, &r, err);
			sh_claim_unlock(&c);
			return ret;
		}
	}
	if (ret == 0 && !ctx->any_device && strcmp(r.device, ctx->device)) {
		sh_claim_unlock(&c); /* another CDI device's (or the annotations'): its own poststop's */
		return 0;
	}
	if (ret < 0) {
		sh_claim_unlock(&c);
		return ret;
	}
	if (!releasable(&r, ctx, t)) {
		sh_log_msg(LOG_NOTICE, "VF %s is held by a live container with the same id (pid %d): left alone", pci,
			   r.pid);
		sh_claim_unlock(&c);
		return 0;
	}
	/* The first holder leaves before its sharers: the VF stays theirs. */
	r.holder_left = r.holder_left || !strcmp(r.id, ctx->state->id);
	if (r.n_sharers && !sh_record_holder_gone(&r)) {
		sh_log_msg(LOG_INFO, "VF %s stays in the namespace: %s holds it too", pci, r.sharers[0].id);
		ret = sh_claim_write(&c, &r, err);
		sh_claim_unlock(&c);
		return ret;
	}
	for (size_t k = 0; k < r.n_sharers; k++)
		sh_owners_del(store, r.sharers[k].id, pci);
	/* The log's fields: the VF, and the name the runtime gave at createRuntime (runc gives none now). */
	sh_log_set_vf(r.pf_name, r.vf_pci);
	if (!ctx->name && r.name[0])
		sh_log_set_name(r.name);
	snprintf(*pin, sizeof(*pin), "%.*s", (int)sizeof(*pin) - 1, r.pin);
	if (!*sk && (ret = sh_nl_open(sk, err)) < 0) {
		sh_claim_unlock(&c);
		return ret;
	}
	if ((ret = sh_release_vf(ctx->cfg, *sk, &c, &r, false, err)) < 0)
		return sh_err_ctx(err, "release VF %u (%s) of %s", r.vf_index, r.vf_pci, r.pf_name);
	log_released(&r);
	return 0;
}

/* The VF VF pci was claimed with, as a VF of its IOMMU group ("" when none): it goes with that one. */
static const char *claimed_with(struct sh_store *store, const char *pci, char lead[SH_PCI_LEN])
{
	struct sh_record r;
	struct sh_error ignored;

	lead[0] = '\0';
	if (sh_store_peek(store, pci, &r, &ignored) == 0)
		memcpy(lead, r.group_of, SH_PCI_LEN);
	return lead;
}

int sh_detach(const struct sh_ctx *ctx, struct sh_error *err)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	char pci[SH_MAX_VFS * 4][SH_PCI_LEN], pins[SH_MAX_VFS * 4 + 8][NAME_MAX + 8], lead[SH_PCI_LEN];
	const char *id = ctx->state->id;
	struct teardown t;
	struct sh_error one;
	size_t i, n, npins = 0, more;
	int r, pass, first = 0;

	/* poststop creates nothing: no state_dir is an empty store */
	if ((r = sh_store_open(ctx->cfg->state_dir, false, &store, err)) < 0)
		return r;
	if ((r = sh_store_list_owned(&store, id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return r;
	if (n > SH_ARRAY_SIZE(pci)) /* more than any createRuntime makes */
		return sh_err(err, E2BIG, "%zu claims name this container: the state directory is corrupt", n);
	teardown_init(ctx, &t);
	/* The VFs claimed with another's IOMMU group first: killed half-way, the one they came with is
	 * still claimed, and whoever takes that claim over gives them back with it. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			claimed_with(&store, pci[i], lead);
			if (!lead[0] != (pass == 1) ||
			    (ctx->vf_pci && strcmp(pci[i], ctx->vf_pci) && strcmp(lead, ctx->vf_pci)))
				continue;
			pins[npins][0] = '\0';
			if ((r = detach_one(ctx, &store, &sk, pci[i], &t, &pins[npins], &one)) < 0 && !first) {
				first = r;
				*err = one;
			}
			npins += pins[npins][0] != '\0';
		}
	}
	/* The pins: those of the claims released, and any other of this id that no record names (left
	 * by a hook that died between pinning and claiming). A pin a record still names stays, a
	 * returning one's and a live namesake's included. */
	if (sh_store_list_pins(&store, id, (char(*)[NAME_MAX + 8]) NULL, 0, &more, &one) == 0 && more) {
		char(*extra)[NAME_MAX + 8] = calloc(more, sizeof(*extra));

		if (extra && sh_store_list_pins(&store, id, extra, more, &more, &one) == 0)
			for (i = 0; i < more && npins < SH_ARRAY_SIZE(pins); i++)
				snprintf(pins[npins++], sizeof(pins[0]), "%s", extra[i]);
		free(extra);
	}
	for (i = 0; i < npins; i++)
		if ((r = sh_store_unpin_if_unused(&store, pins[i], true, &one)) < 0 && !first) {
			first = r;
			*err = one;
		}
	return first;
}
