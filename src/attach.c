/* createRuntime: resolve and claim each requested VF, record its original state, configure it,
 * move it into the container, set it up there. Any failure puts back every VF already touched. */
#include <dirent.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/attach.h"
#include "sriov-hook/log.h"
#include "sriov-hook/netns.h"
#include "sriov-hook/nl.h"
#include "sriov-hook/sysfs.h"
#include "sriov-hook/vfcfg.h"

struct attach {
	const struct sh_ctx *ctx;
	int nsfd;
	uint64_t ns_dev, ns_ino;
	char pin[PATH_MAX];
	struct nl_sock *host_sk, *cont_sk;
	struct sh_claim claims[SH_MAX_VFS];
	struct sh_record records[SH_MAX_VFS];
	size_t n; /* VFs claimed so far, records written */
};

static int resolve_pf(const struct attach *a, const struct sh_vf_request *v, struct sh_pf *pf, struct sh_vf *vf,
		      struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	int r;

	if (v->select == SH_VF_PCI) {
		if ((r = sh_sysfs_vf_by_pci(cfg->sysfs_root, v->vf_pci, pf, vf, err)) < 0)
			return r;
		if (v->pf[0] && strcmp(v->pf, pf->name) && strcasecmp(v->pf, pf->pci))
			return sh_err(err, EINVAL, "VF %s belongs to %s, not to %s", v->vf_pci, pf->name, v->pf);
	} else if ((r = sh_sysfs_pf_resolve(cfg->sysfs_root, v->pf, pf, err)) < 0) {
		return r;
	}
	if (!sh_config_pf_allowed(cfg, pf->name, pf->pci))
		return sh_err(err, EPERM, "PF %s (%s) is not in allowed_pfs of the configuration", pf->name, pf->pci);
	return 0;
}

/* Checks, under the VF's lock and with no claim on it, that the VF can be handed out. */
static int check_usable(struct attach *a, struct sh_vf *vf, struct sh_link *host, struct sh_error *err)
{
	unsigned naddrs;
	int r;

	if ((r = sh_sysfs_vf_netdev(a->ctx->cfg->sysfs_root, vf->pci, vf->netdev)) < 0)
		return sh_err_errno(err, r, "read sysfs");
	if (!vf->netdev[0]) {
		if (!vf->driver[0])
			return sh_err(err, ENODEV, "not bound to any driver");
		if (!strcmp(vf->driver, "vfio-pci") || !strncmp(vf->driver, "uio", 3))
			return sh_err(err, EOPNOTSUPP,
				      "bound to %s, which gives no netdev (vfio/DPDK mode is not supported yet)",
				      vf->driver);
		return sh_err(err, EBUSY, "in use: its netdev is not in the host namespace");
	}
	if (sh_link_get(a->host_sk, 0, vf->netdev, host, err) < 0)
		return sh_err(err, EBUSY, "in use: its netdev %s is not in the host namespace", vf->netdev);
	if ((r = sh_link_count_addrs(a->host_sk, host->ifindex, &naddrs, err)) < 0)
		return r;
	if (host->up && naddrs)
		return sh_err(err, EBUSY, "in use by the host: %s is up with addresses", host->name);
	return 0;
}

/* Takes the lock of vf and checks that the VF is free and usable. With a stale claim on it, the
 * VF is restored first and the claim taken over. On success the lock is kept; on failure the lock
 * file goes too unless a claim record still needs it. */
static int try_claim(struct attach *a, struct sh_vf *vf, struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_record old;
	int r;

	if ((r = sh_claim_lock(cfg->state_dir, vf->pci, false, c, err)) < 0)
		return r;
	r = sh_claim_read(c, &old, err);
	if (r == 0 && !sh_record_is_stale(&old))
		r = sh_err(err, EBUSY, "already held by %s", old.id);
	else if (r == 0) {
		sh_log_msg(LOG_NOTICE, "VF %s: taking over the stale claim of %s", vf->pci, old.id);
		if ((r = sh_restore_vf(cfg, a->host_sk, &old, err)) == 0 && (r = sh_claim_release_record(c, err)) == 0)
			r = sh_unpin_if_unused(cfg, old.id, old.pin, err);
		if (r < 0)
			sh_err_ctx(err, "take over the stale claim of %s", old.id);
	} else if (r == -ENOENT) {
		r = 0;
	}
	if (r < 0) {
		sh_claim_unlock(c); /* a claim record remains: its lock file stays with it */
		return r;
	}
	if ((r = check_usable(a, vf, host, err)) < 0)
		sh_claim_release(c, NULL);
	return r;
}

static bool has_record(const struct attach *a, const char *pci)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/claims/%s.json", a->ctx->cfg->state_dir, pci);
	return access(path, F_OK) == 0;
}

/* auto: the lowest VF nobody claimed whose netdev is on the host; failing that, the lowest VF
 * whose claim is stale (taken over). Claimed and in-use VFs cost no lock and no parse. */
static int pick_auto(struct attach *a, const struct sh_pf *pf, struct sh_vf *vf, struct sh_claim *c,
		     struct sh_link *host, struct sh_error *err)
{
	const char *root = a->ctx->cfg->sysfs_root;
	char pci[SH_PCI_LEN], netdev[IFNAMSIZ];
	struct sh_error why;
	int pass;
	unsigned i;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < pf->numvfs; i++) {
			/* Cheap checks first: this loop may walk hundreds of VFs. */
			if (sh_sysfs_vf_pci(root, pf, i, pci) < 0 || has_record(a, pci) != (pass == 1))
				continue;
			if (pass == 0 && (sh_sysfs_vf_netdev(root, pci, netdev) < 0 || !netdev[0]))
				continue;
			if (sh_sysfs_vf_get(root, pf, i, vf, &why) == 0 && try_claim(a, vf, c, host, &why) == 0)
				return 0;
		}
	}
	return sh_err(err, EBUSY, "claim a VF of %s: no free VF (all %u are claimed or in use)", pf->name, pf->numvfs);
}

static int pick_vf(struct attach *a, const struct sh_vf_request *v, const struct sh_pf *pf, struct sh_vf *vf,
		   struct sh_claim *c, struct sh_link *host, struct sh_error *err)
{
	int r;

	if (v->select == SH_VF_AUTO)
		return pick_auto(a, pf, vf, c, host, err);
	if (v->select == SH_VF_INDEX && (r = sh_sysfs_vf_get(a->ctx->cfg->sysfs_root, pf, v->vf_index, vf, err)) < 0)
		return r;
	if ((r = try_claim(a, vf, c, host, err)) < 0)
		return sh_err_ctx(err, "claim VF %u (%s) of %s", vf->index, vf->pci, pf->name);
	return 0;
}

/* eth0 when free in the container, else net1, net2, ... */
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
	snprintf(name, IFNAMSIZ, "eth0");
	for (i = 1; sh_link_get(a->cont_sk, 0, name, &l, &ignored) == 0; i++) {
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
		if ((ret = sh_claim_write(c, r, err)) < 0)
			return ret;
		if ((ret = sh_vf_clear_mac(a->host_sk, r->pf_ifindex, r->vf_index, err)) < 0 ||
		    (ret = sh_link_set_mac(a->host_sk, host->ifindex, want.mac, err)) < 0)
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

static void record_init(struct attach *a, const struct sh_vf *vf, const struct sh_pf *pf, int pf_ifindex,
			const struct sh_link *host, struct sh_record *r)
{
	const struct sh_state *st = a->ctx->state;

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", st->id);
	r->phase = SH_PHASE_ATTACHING;
	r->pid = st->pid;
	r->pid_start = st->pid > 0 ? sh_proc_start_time(st->pid) : 0;
	r->netns_dev = a->ns_dev;
	r->netns_ino = a->ns_ino;
	snprintf(r->pin, sizeof(r->pin), "%s", a->pin);
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
	return 0;
}

/* Claims, records and configures one VF. Once its record is written it is in a->records and a
 * failure is rolled back by the caller. */
static int attach_one(struct attach *a, const struct sh_vf_request *v, struct sh_error *err)
{
	struct sh_claim *c = &a->claims[a->n];
	struct sh_record *r = &a->records[a->n];
	struct sh_pf pf;
	struct sh_vf vf = {0};
	struct sh_link host, pf_link;
	char what[128];
	int ret;

	if ((ret = resolve_pf(a, v, &pf, &vf, err)) < 0)
		return ret;
	if ((ret = sh_link_get(a->host_sk, 0, pf.name, &pf_link, err)) < 0)
		return sh_err_ctx(err, "PF %s", pf.name);
	if ((ret = pick_vf(a, v, &pf, &vf, c, &host, err)) < 0)
		return ret;
	snprintf(what, sizeof(what), "VF %u (%s) of %s", vf.index, vf.pci, pf.name);
	record_init(a, &vf, &pf, pf_link.ifindex, &host, r);
	r->knobs = v->knobs;
	if ((ret = record_altnames(a, r, err)) < 0)
		goto unclaimed;
	if (v->knobs && (ret = sh_vf_cfg_get(a->host_sk, pf_link.ifindex, vf.index, &r->orig, err)) < 0)
		goto unclaimed;
	if ((ret = pick_ifname(a, v, r->cont_name, err)) < 0)
		goto unclaimed;
	if ((ret = sh_claim_write(c, r, err)) < 0)
		goto unclaimed;
	a->n++; /* from here on, rollback restores this VF */
	if ((ret = apply_knobs(a, v, c, r, &host, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = sh_link_move(a->host_sk, host.ifindex, a->nsfd, r->cont_name, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = configure_inside(a, v, r, c, err)) < 0)
		return sh_err_ctx(err, "%s: set up %s in the container", what, r->cont_name);
	sh_log_msg(LOG_INFO, "%s (%s) attached as %s", what, host.name, r->cont_name);
	return 0;
unclaimed:
	sh_claim_release(c, NULL);
	return sh_err_ctx(err, "%s", what);
}

static void rollback(struct attach *a)
{
	struct sh_error err;

	while (a->n > 0) {
		a->n--;
		if (sh_release_vf(a->ctx->cfg, a->host_sk, &a->claims[a->n], &a->records[a->n], &err) < 0)
			sh_log_failure(err.msg);
	}
	sh_netns_unpin(a->pin, NULL);
}

/* The live container, other than ours, whose pin is this netns (a pod: CRI-O copies the pod's
 * annotations onto each of its containers, which all join the sandbox's netns). "" when none. */
static void netns_holder(const struct attach *a, char *holder, size_t len)
{
	const struct sh_ctx *ctx = a->ctx;
	char dir[PATH_MAX + 8], path[PATH_MAX + 264];
	struct dirent *e;
	struct stat sb;
	size_t n;
	DIR *d;

	*holder = '\0';
	snprintf(dir, sizeof(dir), "%s/netns", ctx->cfg->state_dir);
	if (!(d = opendir(dir)))
		return;
	while (!*holder && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, ctx->state->id))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) < 0 || sb.st_dev != a->ns_dev || sb.st_ino != a->ns_ino)
			continue;
		if (sh_claim_list_owned(ctx->cfg->state_dir, e->d_name, NULL, 0, &n, NULL) == 0 && n > 0)
			snprintf(holder, len, "%s", e->d_name);
	}
	closedir(d);
}

static int attach_all(struct attach *a, struct sh_error *err)
{
	char holder[256];
	const struct sh_ctx *ctx = a->ctx;
	size_t i;
	int r;

	if ((r = sh_netns_open(ctx->netns_path, &a->nsfd, err)) < 0)
		return r;
	if ((r = sh_netns_identity(a->nsfd, &a->ns_dev, &a->ns_ino)) < 0)
		return sh_err_errno(err, -r, "identify network namespace %s", ctx->netns_path);
	netns_holder(a, holder, sizeof(holder));
	if (*holder) {
		sh_log_msg(LOG_NOTICE, "the network namespace already has the VFs of %s: nothing to do", holder);
		return 0;
	}
	if ((r = sh_nl_open(&a->host_sk, err)) < 0 || (r = sh_nl_open_in(a->nsfd, &a->cont_sk, err)) < 0)
		return r;
	if ((r = sh_netns_pin(ctx->cfg->state_dir, ctx->state->id, ctx->netns_path, a->pin, err)) < 0)
		return r;
	for (i = 0; i < ctx->req->n; i++) {
		if ((r = attach_one(a, &ctx->req->vf[i], err)) < 0) {
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
	for (i = 0; i < a->n; i++)
		sh_claim_unlock(&a->claims[i]);
	return 0;
}

int sh_attach(const struct sh_ctx *ctx, struct sh_error *err)
{
	struct attach a = {.ctx = ctx, .nsfd = -1};
	int r;

	if (ctx->req->n == 0)
		return 0;
	if ((r = sh_claim_store_init(ctx->cfg->state_dir, err)) < 0)
		return r;
	r = attach_all(&a, err);
	sh_nl_close(a.cont_sk);
	sh_nl_close(a.host_sk);
	if (a.nsfd >= 0)
		close(a.nsfd);
	return r;
}
