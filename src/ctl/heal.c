/* sriovctl heal: puts the VFs a PF reset took from their containers back, from their records.
 * Each VF is handled under its lock, as the hooks do; every step compares before it changes, so a
 * second run, or one after a heal that was killed, finishes the job and changes nothing more. */
#define _GNU_SOURCE
#include "sriov-hook/ctl/heal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"

/* The holder's namespace through its process, when that process still has the recorded one. */
static int open_holder_ns(const struct sh_record *r)
{
	char path[64];
	uint64_t dev, ino;
	struct sh_error ignored;
	int fd;

	if (r->pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", r->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (sh_netns_check_type(fd, CLONE_NEWNET, path, &ignored) < 0 ||
	    sh_netns_identity(fd, &dev, &ino, &ignored) < 0 || dev != r->netns_dev || ino != r->netns_ino) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The VF's netdev on the host, found by its PCI address. */
static int on_host(const struct sh_config *cfg, struct nl_sock *host_sk, const struct sh_record *r, struct sh_link *l)
{
	struct sh_error ignored;
	char name[IFNAMSIZ];

	if (sh_sysfs_pci_netdev(cfg->sysfs_root, r->vf_pci, name, NULL) < 0 || !name[0] ||
	    sh_link_get(host_sk, 0, name, l, &ignored) < 0)
		return -ENODEV;
	return 0;
}

enum sh_heal_where sh_heal_locate(const struct sh_config *cfg, struct nl_sock *host_sk, const struct sh_record *r,
				  int nsfd, int *host_ifindex)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_error ignored;
	struct sh_link l;
	int fd = nsfd >= 0 ? nsfd : open_holder_ns(r);
	enum sh_heal_where w = SH_HEAL_UNKNOWN;

	*host_ifindex = 0;
	if (fd < 0 || sh_nl_open_in(fd, &sk, &ignored) < 0)
		goto out;
	/* A netns hands out indexes without reuse: the recorded one is the VF, whatever its name. */
	if (r->cont_ifindex > 0 && sh_link_get(sk, r->cont_ifindex, NULL, &l, &ignored) == 0)
		w = SH_HEAL_IN_PLACE;
	else if (r->cont_name[0] && sh_link_get(sk, 0, r->cont_name, &l, &ignored) == 0 && host_sk &&
		 on_host(cfg, host_sk, r, &l) < 0)
		w = SH_HEAL_MOVED;
	else if (host_sk && on_host(cfg, host_sk, r, &l) == 0) {
		w = SH_HEAL_ON_HOST;
		*host_ifindex = l.ifindex;
	} else
		w = SH_HEAL_LOST;
out:
	if (fd >= 0 && fd != nsfd)
		close(fd);
	return w;
}

/* ---- healing one VF */

struct heal {
	const struct sh_config *cfg;
	struct sh_store store;
	struct nl_sock *host_sk;
	FILE *out;
	unsigned failed;
};

/* The PF-side settings the claim applied, as knobs.c applies them (a MAC through the netdev first). */
static int redo_knobs(struct heal *h, const struct sh_record *r, int pf_ifindex, int host_ifindex, struct sh_error *err)
{
	int k, ret;

	if (r->knobs & SH_KNOB_BIT(SH_KNOB_MAC) &&
	    ((ret = sh_vf_clear_mac(h->host_sk, pf_ifindex, r->vf_index, err)) < 0 ||
	     (ret = sh_link_set_mac(h->host_sk, host_ifindex, r->applied.mac, err)) < 0))
		return ret;
	for (k = 0; k < SH_KNOB_COUNT; k++)
		if ((r->knobs & SH_KNOB_BIT(k)) &&
		    (ret = sh_vf_knob_set(h->host_sk, pf_ifindex, r->vf_index, k, &r->applied, err)) < 0)
			return sh_err_ctx(err, "PF-side settings on %s", r->pf_name);
	return 0;
}

/* The container-side setup of configure_inside, again; what is there already is kept. */
static int redo_inside(int nsfd, const struct sh_record *r, int *ifindex, struct sh_error *err)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_ip ips[16];
	struct sh_link l;
	size_t i, n;
	int ret;

	if ((ret = sh_nl_open_in(nsfd, &sk, err)) < 0 || (ret = sh_link_get(sk, 0, r->cont_name, &l, err)) < 0)
		return ret;
	*ifindex = l.ifindex;
	if (r->cont_mtu && l.mtu != r->cont_mtu && (ret = sh_link_set_mtu(sk, l.ifindex, r->cont_mtu, err)) < 0)
		return ret;
	if ((ret = sh_link_set_up(sk, l.ifindex, true, err)) < 0)
		return ret;
	if (sh_record_ips(r->cont_ip, true, ips, SH_ARRAY_SIZE(ips), &n) < 0)
		return sh_err(err, EINVAL, "the record's addresses (%s) do not parse", r->cont_ip);
	for (i = 0; i < n; i++)
		if ((ret = sh_addr_add(sk, l.ifindex, &ips[i], err)) < 0 && ret != -EEXIST)
			return ret;
	if (sh_record_ips(r->cont_gateway, false, ips, SH_ARRAY_SIZE(ips), &n) < 0)
		return sh_err(err, EINVAL, "the record's gateways (%s) do not parse", r->cont_gateway);
	for (i = 0; i < n; i++)
		if ((ret = sh_route_add_default(sk, l.ifindex, &ips[i], err)) < 0 && ret != -EEXIST)
			return ret;
	return 0;
}

/* Back on the host: PF-side settings, the move (under the name the container knew), the setup. The
 * record learns the new indexes last, so that a heal killed on the way is finished by the next. */
static int heal_back(struct heal *h, struct sh_claim *c, struct sh_record *r, int nsfd, int host_ifindex, bool moved,
		     struct sh_error *err)
{
	struct sh_link pf;
	int ret, ifindex;

	if (!moved) {
		if ((ret = sh_link_get(h->host_sk, 0, r->pf_name, &pf, err)) < 0)
			return sh_err_ctx(err, "PF %s", r->pf_name);
		if ((ret = redo_knobs(h, r, pf.ifindex, host_ifindex, err)) < 0)
			return ret;
		/* return_from_pin looks for the VF under this index when it has no other */
		r->host_ifindex = host_ifindex;
		r->pf_ifindex = pf.ifindex;
		if ((ret = sh_link_move(h->host_sk, host_ifindex, nsfd, r->cont_name, err)) < 0)
			return sh_err_ctx(err, "move it into the container as %s", r->cont_name);
	}
	if ((ret = redo_inside(nsfd, r, &ifindex, err)) < 0)
		return sh_err_ctx(err, "set up %s in the container", r->cont_name);
	r->cont_ifindex = ifindex;
	r->lost_since = 0;
	return sh_claim_write(c, r, err);
}

static void line(struct heal *h, const struct sh_record *r, const char *what, const struct sh_error *e)
{
	fprintf(h->out, "%s (VF %u of %s, container %s): %s%s%s\n", r->vf_pci, r->vf_index, r->pf_name, r->id, what,
		e ? ": " : "", e ? e->msg : "");
	h->failed += e != NULL;
}

static void heal_vf(struct heal *h, const char *pci, char **pfs, int n_pfs)
{
	_cleanup_close_ int nsfd = -1;
	struct sh_claim c;
	struct sh_record r;
	struct sh_error e;
	enum sh_heal_where w;
	char when[32];
	int i, ret, host_ifindex;

	if (sh_store_peek(&h->store, pci, &r, &e) < 0)
		return;
	for (i = 0; i < n_pfs && strcmp(pfs[i], r.pf_name) && strcmp(pfs[i], r.pf_pci); i++)
		;
	if ((n_pfs && i == n_pfs) || r.mode != SH_MODE_NETDEV)
		return;
	if ((ret = sh_store_lock_vf(&h->store, pci, true, &c, &e)) < 0)
		return line(h, &r, "failed", &e);
	if ((ret = sh_claim_read(&c, &r, &e)) < 0 || r.phase != SH_PHASE_ATTACHED) {
		sh_claim_unlock(&c);
		return ret < 0 && ret != -ENOENT ? line(h, &r, "failed", &e) : (void)0;
	}
	if (sh_record_holder_gone(&r)) {
		ret = sh_release_vf(h->cfg, h->host_sk, &c, &r, false, &e);
		if (ret == 0)
			sh_store_unpin_if_unused(&h->store, r.pin, true, &e);
		return line(h, &r,
			    ret == -EAGAIN ? "container gone: released, not back yet (returning)"
			    : ret == 0	   ? "container gone: released"
					   : "container gone: release failed",
			    ret < 0 && ret != -EAGAIN ? &e : NULL);
	}
	if (sh_store_open_pin(&h->store, r.pin, r.netns_dev, r.netns_ino, &nsfd, &e) < 0)
		nsfd = open_holder_ns(&r);
	w = sh_heal_locate(h->cfg, h->host_sk, &r, nsfd, &host_ifindex);
	switch (w) {
	case SH_HEAL_IN_PLACE:
		line(h, &r, "in place", NULL);
		break;
	case SH_HEAL_UNKNOWN:
		line(h, &r, "its container's network namespace cannot be reached", NULL);
		break;
	case SH_HEAL_LOST:
		if (!r.lost_since) {
			r.lost_since = (long long)time(NULL);
			sh_claim_write(&c, &r, &e);
		}
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&(time_t){(time_t)r.lost_since}));
		fprintf(h->out, "%s (VF %u of %s, container %s): lost since %s, not back on the host yet\n", r.vf_pci,
			r.vf_index, r.pf_name, r.id, when);
		break;
	case SH_HEAL_ON_HOST:
	case SH_HEAL_MOVED:
		if ((ret = heal_back(h, &c, &r, nsfd, host_ifindex, w == SH_HEAL_MOVED, &e)) < 0)
			line(h, &r, "heal failed", &e);
		else
			fprintf(h->out, "%s (VF %u of %s, container %s): healed as %s\n", r.vf_pci, r.vf_index,
				r.pf_name, r.id, r.cont_name);
		break;
	}
	sh_claim_unlock(&c);
}

int sh_ctl_heal(const struct sh_config *cfg, char **args, int n, FILE *out, struct sh_error *err)
{
	struct heal h = {.cfg = cfg, .store = SH_STORE_INIT, .out = out};
	char(*pci)[SH_PCI_LEN] = NULL;
	size_t i, n_pci = 0;
	int r;

	for (i = 0; i < (size_t)n; i++)
		if (args[i][0] == '-')
			return sh_err(err, EINVAL, "unknown option %s (see sriovctl(8))", args[i]);
	if ((r = sh_store_open(cfg->state_dir, false, &h.store, err)) < 0)
		return r;
	if ((r = sh_store_list_claims(&h.store, &pci, &n_pci, err)) == 0 && n_pci &&
	    (r = sh_nl_open(&h.host_sk, err)) == 0) {
		for (i = 0; i < n_pci; i++)
			heal_vf(&h, pci[i], args, n);
		if (h.failed)
			r = sh_err(err, EIO, "%u VF(s) could not be healed (see above)", h.failed);
	}
	free(pci);
	sh_nl_close(h.host_sk);
	sh_store_close(&h.store);
	return r;
}
