/* Giving a VF back: shared by poststop, by createRuntime's rollback and by the takeover of a stale
 * claim. Everything is compared with what the record says and changed only where it differs, so
 * running it again, or on a VF that was never fully attached, is harmless. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/info.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/sys/linkstate.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"
#include "sriov-hook/sys/vfio.h"

/* Moves the VF back to the host from the pinned netns if it is there. *pinned: whether the pin
 * still holds the record's namespace. 0 when moved or absent. */
static int return_from_pin(struct sh_store *store, const struct sh_record *r, bool *pinned, struct sh_error *err)
{
	_cleanup_close_ int nsfd = -1, hostfd = -1;
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_link l;
	struct sh_error ignored;
	int r1, candidates[2] = {r->cont_ifindex, r->host_ifindex};
	size_t i;

	*pinned = sh_store_open_pin(store, r->pin, r->netns_dev, r->netns_ino, &nsfd, &ignored) == 0;
	if (!*pinned)
		return 0;
	if ((r1 = sh_nl_open_in(nsfd, &sk, err)) < 0)
		return r1;
	hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (hostfd < 0)
		return sh_err_errno(err, errno, "open the host network namespace");
	/* The VF is the link with the ifindex it got in the container, whatever the container renamed
	 * it to (a netns hands out indexes without reuse). If the hook died before recording that
	 * index, look under the index it had on the host (kept on a move when free), and only under
	 * the name the hook gave it. */
	for (i = 0; i < SH_ARRAY_SIZE(candidates); i++) {
		if (candidates[i] <= 0 || sh_link_get(sk, candidates[i], NULL, &l, &ignored) < 0)
			continue;
		if (i > 0 && strcmp(l.name, r->cont_name))
			continue;
		r1 = sh_link_move(sk, l.ifindex, hostfd, r->host_name, err);
		return r1 < 0 ? sh_err_ctx(err, "move %s back to the host as %s", r->cont_name, r->host_name) : 0;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Finds the VF netdev on the host by its PCI address, waiting up to timeout_ms for the kernel to
 * bring it back from a destroyed namespace. -ENODEV when it does not come. */
static int find_on_host(const struct sh_config *cfg, struct nl_sock *sk, const struct sh_record *r, unsigned timeout_ms,
			struct sh_link *l)
{
	long long deadline = now_ms() + timeout_ms;
	struct sh_error ignored;
	char name[IFNAMSIZ];

	for (;;) {
		if (sh_sysfs_pci_netdev(cfg->sysfs_root, r->vf_pci, name, NULL) == 0 && name[0] &&
		    sh_link_get(sk, 0, name, l, &ignored) == 0)
			return 0;
		if (now_ms() >= deadline)
			return -ENODEV;
		usleep(10000);
	}
}

static int drop_new_altnames(struct nl_sock *sk, const struct sh_record *r, const struct sh_link *l,
			     struct sh_error *err)
{
	struct sh_altnames now;
	size_t i, j;
	int ret;

	if ((ret = sh_link_get_altnames(sk, l->ifindex, &now, err)) < 0)
		return ret;
	for (i = 0; i < now.n; i++) {
		for (j = 0; j < r->n_host_altnames && strcmp(now.name[i], r->host_altnames[j]); j++)
			;
		if (j == r->n_host_altnames && (ret = sh_link_del_altname(sk, l->ifindex, now.name[i], err)) < 0)
			return ret;
	}
	return 0;
}

static int restore_netdev(struct nl_sock *sk, const struct sh_record *r, struct sh_link *l, struct sh_error *err)
{
	static const uint8_t zero[6];
	char mac[18];
	int ret;

	if (strcmp(l->name, r->host_name)) {
		if (l->up && (ret = sh_link_set_up(sk, l->ifindex, false, err)) < 0)
			return ret;
		l->up = false;
		if ((ret = sh_link_set_name(sk, l->ifindex, r->host_name, err)) < 0)
			return ret;
	}
	if (r->host_mtu && l->mtu != r->host_mtu && (ret = sh_link_set_mtu(sk, l->ifindex, r->host_mtu, err)) < 0)
		return ret;
	if (memcmp(r->host_mac, zero, 6) && memcmp(l->mac, r->host_mac, 6) &&
	    sh_link_set_mac(sk, l->ifindex, r->host_mac, err) < 0)
		/* Some VF drivers refuse MAC changes from the VF side; the PF-side MAC is restored below. */
		sh_log_msg(LOG_WARNING, "%s: cannot restore MAC %s: %s", r->host_name, sh_format_mac(r->host_mac, mac),
			   err->msg);
	if (r->altnames_known && (ret = drop_new_altnames(sk, r, l, err)) < 0)
		return ret;
	if (l->up != r->host_up && (ret = sh_link_set_up(sk, l->ifindex, r->host_up, err)) < 0)
		return ret;
	return 0;
}

enum sh_release_mode sh_release_mode_of(const struct sh_config *cfg, const char *pf_name, const char *pf_pci,
					unsigned index)
{
	const struct sh_pool *p = sh_pool_of_vf(cfg->pools, cfg->n_pools, pf_name, pf_pci, index);

	return p && p->release != SH_RELEASE_UNSET ? p->release : cfg->release;
}

/* "release": "rebind": the VF's driver lets go of it and probes it again, which makes a netdev
 * with nothing of the holder's on it; restore_netdev then gives it its host name back. */
static int rebind_netdev(const struct sh_config *cfg, struct nl_sock *sk, const struct sh_record *r, struct sh_link *l,
			 struct sh_error *err)
{
	char driver[SH_VFIO_DRIVER_MAX];
	long long start = now_ms();
	int ret;

	if ((ret = sh_pci_rebind(cfg->sysfs_root, r->vf_pci, driver, err)) < 0)
		return ret;
	if (find_on_host(cfg, sk, r, cfg->poststop_timeout_ms, l) < 0)
		return sh_err(err, EAGAIN, "VF %s (%s) has no netdev after its rebind to %s", r->vf_pci, r->host_name,
			      driver);
	sh_log_msg(LOG_INFO, "%s: rebound VF %s to %s in %lld ms", r->host_name, r->vf_pci, driver, now_ms() - start);
	return 0;
}

/* What the holder left on the netdev (flags, alias, XDP, qdiscs, ethtool ...), put back kind by
 * kind. A kind the driver refuses is named in one line and does not fail the release: the VF is
 * still the host's, and the next claim or gc tries again. */
static void restore_residue(struct nl_sock *sk, const struct sh_record *r, const struct sh_link *l)
{
	struct sh_netdev_state now;
	struct sh_error e;
	int res;

	if (!r->host_state.known)
		return; /* an older record: nothing to compare with */
	if (sh_netdev_state_read(sk, l->ifindex, r->host_name, &now, &e) < 0) {
		sh_log_msg(LOG_WARNING, "%s: cannot read what the holder left: %s", r->host_name, e.msg);
		return;
	}
	for (res = 0; res < SH_RES_COUNT; res++) {
		if (sh_residue_differs(&r->host_state, &now, res) &&
		    sh_residue_restore(sk, l->ifindex, r->host_name, &r->host_state, &now, res, &e) < 0)
			sh_log_msg(LOG_WARNING, "%s: cannot reset the %s the holder left: %s", r->host_name,
				   sh_residue_name(res), e.msg);
	}
}

/* The PF-side settings other than the MAC, which restore_vf handles around the netdev. */
static int restore_knobs(struct nl_sock *sk, const struct sh_record *r, struct sh_error *err)
{
	struct sh_vf_cfg cur;
	int k, ret, first = 0;

	if (!(r->knobs & ~SH_KNOB_BIT(SH_KNOB_MAC)))
		return 0;
	if ((ret = sh_vf_cfg_get(sk, r->pf_ifindex, r->vf_index, &cur, err)) < 0)
		return sh_err_ctx(err, "%s", r->pf_name);
	for (k = SH_KNOB_COUNT - 1; k > SH_KNOB_MAC; k--) {
		if (!(r->knobs & SH_KNOB_BIT(k)) || sh_vf_knob_equal(k, &cur, &r->orig))
			continue;
		ret = sh_vf_knob_set(sk, r->pf_ifindex, r->vf_index, k, &r->orig, err);
		if (ret < 0 && !first)
			first = sh_err_ctx(err, "%s", r->pf_name);
	}
	return first;
}

/* The PF-side MAC as it was: none (the PF enforced none), or the one the PF enforced. */
static int restore_pf_mac(struct nl_sock *sk, const struct sh_record *r, struct sh_error *err)
{
	static const uint8_t zero[6];
	int ret;

	if (!(r->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) || !memcmp(r->orig.mac, zero, 6))
		return 0;
	ret = sh_vf_knob_set(sk, r->pf_ifindex, r->vf_index, SH_KNOB_MAC, &r->orig, err);
	return ret < 0 ? sh_err_ctx(err, "%s", r->pf_name) : 0;
}

/* A VF that is gone (its PF's VFs disabled or renumbered): nothing is left to give back. */
static bool vf_gone(const struct sh_config *cfg, const struct sh_record *r)
{
	struct sh_error ignored;
	struct sh_pf pf;
	struct sh_vf vf;

	if (sh_sysfs_vf_by_pci(cfg->sysfs_root, r->vf_pci, &pf, &vf, &ignored) != -ENODEV)
		return false;
	sh_log_msg(LOG_WARNING, "VF %s (%s) no longer exists: its claim is dropped", r->vf_pci,
		   r->host_name[0] ? r->host_name : "vfio");
	return true;
}

/* A vfio VF goes back to the driver it was on before the claim (none to go back to: it stays on
 * vfio-pci, where it was bound ahead), which makes its netdev again. */
static int rebind(const struct sh_config *cfg, const struct sh_record *r, struct sh_error *err)
{
	int ret;

	if (r->mode != SH_MODE_VFIO || !r->driver[0])
		return 0;
	if ((ret = sh_vfio_unbind(cfg->sysfs_root, r->vf_pci, r->driver, err)) < 0)
		return sh_err_ctx(err, "give VF %s back to %s", r->vf_pci, r->driver);
	return 0;
}

int sh_restore_vf(const struct sh_config *cfg, struct sh_store *store, struct nl_sock *host_sk,
		  const struct sh_record *r, struct sh_error *err)
{
	struct sh_link l;
	bool pinned = false;
	int ret;

	if (r->mode == SH_MODE_NETDEV && (ret = return_from_pin(store, r, &pinned, err)) < 0)
		return ret;
	/* While the PF enforces a MAC, an untrusted VF cannot take back its own (igb): lift it first,
	 * and enforce the original one again, if there was one, once the netdev is restored. */
	if ((r->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) &&
	    (ret = sh_vf_clear_mac(host_sk, r->pf_ifindex, r->vf_index, err)) < 0)
		return sh_err_ctx(err, "%s", r->pf_name);
	if ((ret = restore_knobs(host_sk, r, err)) < 0)
		return ret;
	if ((ret = rebind(cfg, r, err)) < 0)
		return vf_gone(cfg, r) ? 0 : ret;
	if (!r->host_name[0]) /* a vfio VF bound ahead: no netdev to restore */
		return restore_pf_mac(host_sk, r, err);
	/* A rebind cut short (the hook killed between unbind and probe): bind the VF to its driver. */
	if (r->mode == SH_MODE_NETDEV && r->release == SH_RELEASE_REBIND && r->driver[0] &&
	    (ret = sh_vfio_unbind(cfg->sysfs_root, r->vf_pci, r->driver, err)) < 0)
		return vf_gone(cfg, r) ? 0 : ret;
	/* Without a pin the kernel may still be bringing the VF back from a dying namespace, or its
	 * driver making its netdev again. */
	if (find_on_host(cfg, host_sk, r, pinned ? 0 : cfg->poststop_timeout_ms, &l) < 0) {
		if (vf_gone(cfg, r))
			return 0;
		return sh_err(err, EAGAIN, "VF %s (%s) is not back on the host yet", r->vf_pci, r->host_name);
	}
	if (r->mode == SH_MODE_NETDEV && r->release == SH_RELEASE_REBIND &&
	    (ret = rebind_netdev(cfg, host_sk, r, &l, err)) < 0)
		return ret;
	if ((ret = restore_netdev(host_sk, r, &l, err)) < 0)
		return sh_err_ctx(err, "restore %s", r->host_name);
	restore_residue(host_sk, r, &l);
	return restore_pf_mac(host_sk, r, err);
}

/* What sriov-runc told a vfio container (info/<id>.json) goes with the last VF it holds, whoever
 * gives that back: its poststop, a failed create, the takeover of a stale claim, gc. */
static void drop_info(struct sh_store *store, const char *id)
{
	struct sh_error ignored;
	size_t n;

	if (sh_store_list_owned(store, id, NULL, 0, &n, &ignored) == 0 && n == 0)
		sh_store_info_remove(store, SH_INFO_CONTAINER, id, &ignored);
}

int sh_release_vf(const struct sh_config *cfg, struct nl_sock *host_sk, struct sh_claim *c, struct sh_record *r,
		  bool keep_lock, struct sh_error *err)
{
	struct sh_error ignored;
	int ret;

	if ((ret = sh_restore_vf(cfg, c->store, host_sk, r, err)) < 0) {
		/* Keep the record: it is all that says how to put this VF back. Marked returning, it is
		 * the next poststop's, claim's or gc's to finish, whoever its holder was. */
		if (r->phase != SH_PHASE_RETURNING) {
			r->phase = SH_PHASE_RETURNING;
			sh_claim_write(c, r, &ignored);
		}
		sh_claim_unlock(c);
		if (ret == -EAGAIN) {
			char why[SH_ERR_MAX];

			snprintf(why, sizeof(why), "%s", err->msg);
			sh_err(err, EAGAIN, "%.900s: its claim is kept (returning) for the next poststop, claim or gc",
			       why);
		}
		return ret;
	}
	ret = keep_lock ? sh_claim_drop(c, err) : sh_claim_release(c, err);
	if (ret == 0 && r->mode == SH_MODE_VFIO)
		drop_info(c->store, r->id);
	return ret;
}

void sh_release_group_rest(const struct sh_config *cfg, struct nl_sock *host_sk, struct sh_store *store,
			   const struct sh_record *r)
{
	const char *lead = r->group_of[0] ? r->group_of : r->vf_pci;
	char pci[32][SH_PCI_LEN]; /* as many as a container may claim */
	struct sh_error e;
	struct sh_record rec;
	struct sh_claim c;
	size_t i, n;
	int ret;

	if (r->mode != SH_MODE_VFIO || sh_store_list_owned(store, r->id, pci, SH_ARRAY_SIZE(pci), &n, &e) < 0)
		return;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++) {
		if (!strcmp(pci[i], r->vf_pci) || sh_store_lock_vf(store, pci[i], false, &c, &e) < 0)
			continue;
		/* An index entry whose record never came: a hook killed while it claimed the group (the
		 * read drops the entry). */
		if ((ret = sh_claim_read(&c, &rec, &e)) == -ENOENT) {
			sh_claim_release(&c, &e);
			continue;
		}
		/* still that holder's, of that group, and left by it */
		if (ret < 0 || strcmp(rec.id, r->id) || rec.mode != SH_MODE_VFIO || !sh_record_is_stale(&rec) ||
		    (strcmp(pci[i], lead) && strcmp(rec.group_of, lead))) {
			sh_claim_unlock(&c);
			continue;
		}
		if (sh_release_vf(cfg, host_sk, &c, &rec, false, &e) < 0)
			sh_log_msg(LOG_WARNING, "VF %s of the IOMMU group of %s: %s", pci[i], lead, e.msg);
		else
			sh_log_msg(LOG_NOTICE, "VF %s, claimed with %s (IOMMU group %d), released with it", pci[i],
				   lead, rec.iommu_group);
	}
}
