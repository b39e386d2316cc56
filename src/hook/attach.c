/* createRuntime: pick and claim each requested VF, record its original state, configure it, move
 * it into the container, set it up there (or, in vfio mode, bind or adopt it). Any failure puts
 * back every VF this run touched; what this container already holds (an earlier createRuntime for
 * it) is left as it is. The store keeps the rules of claims and pins; this file is the steps. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/adopt.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/hook/attach.h"
#include "sriov-hook/hook/knobs.h"
#include "sriov-hook/hook/pick.h"
#include "sriov-hook/hook/restore.h"
#include "sriov-hook/store/baseline.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/tidy.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"
#include "sriov-hook/sys/vfio.h"

_Static_assert(sizeof(((struct sh_record *)0)->device) >= SH_DEVICE_MAX, "a record keeps a request's device key");

/* eth0 when free in the container, else net1, net2, ...; net1 and up when the engine adds the
 * container's eth0 after this hook (ctx.h). */
static int pick_ifname(struct sh_attach_run *a, const struct sh_vf_request *v, char *name, struct sh_error *err)
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

static int configure_inside(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_claim *c,
			    struct sh_error *err)
{
	struct sh_record *r = &c->rec;
	struct sh_link l;
	size_t i;
	int ret;

	if ((ret = sh_link_get(a->cont_sk, 0, r->cont_name, &l, err)) < 0)
		return ret;
	r->cont_ifindex = l.ifindex;
	sh_record_set_setup(r, v->mtu, v->addrs, v->n_addrs, v->gateways, v->n_gateways);
	if ((ret = sh_claim_save(c, err)) < 0)
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

/* The rest of the record, which the store started with the holder, the VF's address and the time. */
static void record_init(struct sh_attach_run *a, size_t slot, const struct sh_vf *vf, const struct sh_pf *pf,
			int pf_ifindex, const struct sh_link *host, struct sh_record *r)
{
	record_name(a->ctx->name, r->name);
	record_name(a->ctx->state->bundle, r->bundle);
	r->slot = (int)slot;
	snprintf(r->device, sizeof(r->device), "%s", a->ctx->req->vf[slot].device);
	snprintf(r->pin, sizeof(r->pin), "%s", a->pin.rel);
	snprintf(r->pf_name, sizeof(r->pf_name), "%s", pf->name);
	snprintf(r->pf_pci, sizeof(r->pf_pci), "%s", pf->pci);
	r->pf_ifindex = pf_ifindex;
	r->vf_index = vf->index;
	snprintf(r->host_name, sizeof(r->host_name), "%s", host->name);
	r->host_ifindex = host->ifindex;
	memcpy(r->host_mac, host->mac, 6);
	r->host_mtu = host->mtu;
	r->host_up = host->up;
}

static int record_altnames(struct sh_attach_run *a, struct sh_record *r, struct sh_error *err)
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

/* The IOMMU group of a VF to give in vfio mode, and that it can be used: nothing is changed when
 * the IOMMU is off or the group holds devices bound to other drivers. */
static int vfio_group(const struct sh_attach_run *a, const struct sh_vf *vf, int *group, struct sh_error *err)
{
	const struct sh_config *cfg = a->ctx->cfg;
	int r;

	if ((r = sh_vfio_iommu_group(cfg->sysfs_root, vf->pci, group, err)) < 0 ||
	    (r = sh_vfio_group_check(cfg->sysfs_root, vf->pci, *group, err)) < 0)
		return r;
	return 0;
}

/* VF pci, of the IOMMU group of the VF that lead claims, claimed with it for this holder: a record
 * that gives nothing back but the claim (the VF stays on the driver the group check found it on),
 * saved at once, so that a rollback, the poststop and gc release it with the lead. */
static int claim_companion(struct sh_attach_run *a, const struct sh_claim *lead, const char *pci,
			   const struct sh_pf *pf, const struct sh_vf *vf, struct sh_error *err)
{
	struct sh_claim *c = &a->claims[a->n];
	struct sh_record *r = &c->rec, old;
	struct sh_link pf_link;
	int ret;

	if ((ret = sh_link_get(a->host_sk, 0, pf->name, &pf_link, err)) < 0)
		return sh_err_ctx(err, "PF %s", pf->name);
	if ((ret = sh_pick_begin(a, pci, c, &old, err)) < 0)
		return ret;
	record_name(a->ctx->name, r->name);
	record_name(a->ctx->state->bundle, r->bundle);
	r->slot = lead->rec.slot;
	memcpy(r->device, lead->rec.device, sizeof(r->device)); /* two claims of a->claims: no overlap */
	snprintf(r->pf_name, sizeof(r->pf_name), "%s", pf->name);
	snprintf(r->pf_pci, sizeof(r->pf_pci), "%s", pf->pci);
	r->pf_ifindex = pf_link.ifindex;
	r->vf_index = vf->index;
	r->mode = SH_MODE_VFIO;
	r->iommu_group = lead->rec.iommu_group;
	_Static_assert(sizeof(r->group_of) == sizeof(lead->pci), "a PCI address fits group_of");
	memcpy(r->group_of, lead->pci, sizeof(r->group_of));
	if ((ret = sh_claim_save(c, err)) < 0) {
		sh_claim_abort(c);
		return ret;
	}
	a->n++; /* from here on, rollback releases it */
	return 0;
}

static bool acts_on(const struct sh_attach_run *a, size_t i);

/* Whether VF pci of the lead's IOMMU group is this container's already: claimed by this run (a
 * slot's VF, or with another slot's group), or named by a slot of the request, which claims it
 * as its own, with its own settings. */
static bool group_mate_ours(const struct sh_attach_run *a, const char *pci, const struct sh_pf *pf,
			    const struct sh_vf *vf)
{
	const struct sh_request *req = a->ctx->req;
	const struct sh_vf_request *v;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->claims[i].pci, pci))
			return true;
	for (i = 0; i < req->n; i++) {
		v = &req->vf[i];
		if (!acts_on(a, i))
			continue;
		if (v->select == SH_VF_PCI && !strcasecmp(v->vf_pci, pci))
			return true;
		if (v->select == SH_VF_INDEX && v->vf_index == vf->index &&
		    (!strcmp(v->pf, pf->name) || !strcasecmp(v->pf, pf->pci)))
			return true;
	}
	return false;
}

/* Whoever opens /dev/vfio/<group> reaches every device of the group: a vfio claim takes every
 * other VF of it too (hardware without ACS between VFs), or none when one is held or open. Other
 * devices (a bridge on pcieport, a device unbound) are not the store's: the group check let them. */
static int claim_group(struct sh_attach_run *a, const struct sh_claim *lead, struct sh_error *err)
{
	const char *root = a->ctx->cfg->sysfs_root;
	int group = lead->rec.iommu_group;
	char pci[SH_ATTACH_MAX_CLAIMS][SH_PCI_LEN];
	struct sh_error ignored;
	struct sh_pf pf;
	struct sh_vf vf;
	size_t i, n, taken = 0;
	int ret;

	if ((ret = sh_vfio_group_devices(root, group, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return ret;
	if (n > SH_ARRAY_SIZE(pci))
		return sh_err(err, E2BIG,
			      "IOMMU group %d of %s holds %zu devices, more than a container may claim (%zu)", group,
			      lead->pci, n, SH_ARRAY_SIZE(pci));
	for (i = 0; i < n; i++) {
		if (!strcmp(pci[i], lead->pci))
			continue;
		if (sh_vfio_device_in_use(root, pci[i]))
			return sh_err(err, EBUSY,
				      "IOMMU group %d of %s: %s of the same group is open (a VM's or a DPDK "
				      "process's): the group is in use; stop that user first",
				      group, lead->pci, pci[i]);
		if (sh_sysfs_vf_by_pci(root, pci[i], &pf, &vf, &ignored) < 0 || group_mate_ours(a, pci[i], &pf, &vf))
			continue;
		if (a->n >= SH_ATTACH_MAX_CLAIMS)
			return sh_err(err, E2BIG,
				      "IOMMU group %d of %s holds more VFs than a container may claim (%zu)", group,
				      lead->pci, (size_t)SH_ATTACH_MAX_CLAIMS);
		if ((ret = claim_companion(a, lead, pci[i], &pf, &vf, err)) < 0)
			return sh_err_ctx(err,
					  "IOMMU group %d of %s is shared with VF %u (%s) of %s, which a vfio claim "
					  "takes too",
					  group, lead->pci, vf.index, pci[i], pf.name);
		taken++;
	}
	if (taken)
		sh_log_msg(LOG_NOTICE,
			   "IOMMU group %d of %s holds %zu other VF(s): claimed with it (whoever opens "
			   "/dev/vfio/%d reaches them all)",
			   group, lead->pci, taken, group);
	return 0;
}

/* The vfio side of attach_one, once the VF is claimed and its record initialised: the group checked,
 * the driver to go back to recorded before anything changes, the PF-side settings, then (sriov-runc)
 * the bind; a VF bound ahead must have its group's node. */
static int attach_vfio(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_claim *c,
		       const struct sh_vf *vf, const struct sh_link *host, bool *recorded, struct sh_error *err)
{
	struct sh_record *r = &c->rec;
	const struct sh_config *cfg = a->ctx->cfg;
	struct sh_devnode node;
	int ret;

	*recorded = false;
	if ((ret = vfio_group(a, vf, &r->iommu_group, err)) < 0)
		return ret;
	if (!strcmp(vf->driver, SH_VFIO_DRIVER) &&
	    (ret = sh_vfio_devnode(cfg->dev_root, r->iommu_group, &node, err)) < 0)
		return ret;
	r->mode = SH_MODE_VFIO;
	if (strcmp(vf->driver, SH_VFIO_DRIVER))
		snprintf(r->driver, sizeof(r->driver), "%s", vf->driver);
	/* The PF-side settings as they are: what the container is told (its MAC, VLAN) even when it
	 * changes none; a driver without SR-IOV netlink support only fails a request that does. */
	if ((ret = sh_vf_cfg_get(a->host_sk, r->pf_ifindex, vf->index, &r->orig, err)) < 0 && v->knobs)
		return ret == -EOPNOTSUPP ? sh_vf_cfg_refuse(cfg->sysfs_root, vf->pf_name, vf->pf_pci, v->given, err)
					  : ret;
	if ((ret = sh_claim_save(c, err)) < 0)
		return ret;
	*recorded = true;
	a->n++; /* from here on, rollback restores this VF, and rebinds its driver */
	if ((ret = claim_group(a, c, err)) < 0)
		return ret;
	if ((ret = sh_knobs_apply(a, v, c, host, err)) < 0)
		return ret;
	if (r->driver[0] &&
	    (ret = sh_vfio_bind(cfg->sysfs_root, cfg->dev_root, vf->pci, r->iommu_group, NULL, err)) < 0)
		return ret;
	return 0;
}

/* The VF's state before its first claim, for `sriovctl list` and gc (baseline.h): taken once,
 * under the claim's lock, before anything changes. Never a reason to refuse the claim. */
static void keep_baseline(struct sh_attach_run *a, const char *pci, const char *what)
{
	struct sh_error e;

	if (sh_baseline_keep(&a->store, a->host_sk, a->ctx->cfg->sysfs_root, pci, &e) < 0)
		sh_log_msg(LOG_WARNING,
			   "%s: its baseline was not kept (sriovctl list cannot tell what holders "
			   "leave on it): %s",
			   what, e.msg);
}

/* Claims, records and configures the VF of request slot. Once its record is saved it counts in
 * a->n and a failure is rolled back by the caller. */
static int attach_one(struct sh_attach_run *a, size_t slot, struct sh_error *err)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[slot];
	struct sh_claim *c = &a->claims[a->n];
	struct sh_record *r = &c->rec;
	struct sh_pf pf = {0};
	struct sh_vf vf = {0};
	struct sh_link host, pf_link;
	char what[128];
	bool recorded;
	int ret;

	if (a->n >= SH_ATTACH_MAX_CLAIMS)
		return sh_err(err, E2BIG, "the container claims more than %d VFs (with their IOMMU groups)",
			      SH_ATTACH_MAX_CLAIMS);
	if (v->mode == SH_MODE_VFIO && !a->prepare && (ret = sh_adopt(a, slot, err)) != -ENOENT)
		return ret;
	ret = sh_pick_vf(a, v, &pf, &vf, c, &host, err);
	if (pf.name[0]) /* the log's fields: the PF, and the VF once one is claimed */
		sh_log_set_vf(pf.name, ret == 0 ? vf.pci : NULL);
	if (ret < 0)
		return ret;
	if ((ret = sh_link_get(a->host_sk, 0, pf.name, &pf_link, err)) < 0) {
		sh_claim_abort(c);
		return sh_err_ctx(err, "PF %s", pf.name);
	}
	snprintf(what, sizeof(what), "VF %u (%s) of %s", vf.index, vf.pci, pf.name);
	record_init(a, slot, &vf, &pf, pf_link.ifindex, &host, r);
	/* The MAC joins the record once sh_knobs_apply knows whether the PF enforced one: recorded
	 * before, a hook killed meanwhile would have the PF enforce the VF's own MAC ever after. */
	r->knobs = v->knobs & ~SH_KNOB_BIT(SH_KNOB_MAC);
	if (r->host_name[0] && (ret = record_altnames(a, r, err)) < 0)
		goto unclaimed;
	r->release = sh_release_mode_of(a->ctx->cfg, pf.name, pf.pci, vf.index);
	/* a rebind cut short by a kill leaves the VF on no driver: the next release binds it here */
	if (v->mode == SH_MODE_NETDEV && r->release == SH_RELEASE_REBIND &&
	    (ret = sh_vfio_driver(a->ctx->cfg->sysfs_root, vf.pci, r->driver, err)) < 0)
		goto unclaimed;
	/* what a holder may change in its namespace and release puts back */
	if (r->host_name[0] &&
	    (ret = sh_netdev_state_read(a->host_sk, r->host_ifindex, r->host_name, &r->host_state, err)) < 0)
		goto unclaimed;
	if (v->mode == SH_MODE_NETDEV && r->host_name[0])
		keep_baseline(a, vf.pci, what);
	if (v->mode == SH_MODE_VFIO) {
		if ((ret = attach_vfio(a, v, c, &vf, &host, &recorded, err)) < 0 && !recorded)
			goto unclaimed;
		if (ret < 0)
			return sh_err_ctx(err, "%s", what);
		sh_log_msg(LOG_INFO, "%s (%s) attached on vfio-pci (IOMMU group %d)", what,
			   host.name[0] ? host.name : "no netdev", r->iommu_group);
		return 0;
	}
	if (v->knobs && (ret = sh_vf_cfg_get(a->host_sk, pf_link.ifindex, vf.index, &r->orig, err)) < 0) {
		if (ret == -EOPNOTSUPP) /* virtio_net: no PF-side setting at all; nothing changed yet */
			ret = sh_vf_cfg_refuse(a->ctx->cfg->sysfs_root, pf.name, pf.pci, v->given, err);
		goto unclaimed;
	}
	if ((ret = pick_ifname(a, v, r->cont_name, err)) < 0)
		goto unclaimed;
	if ((ret = sh_claim_save(c, err)) < 0)
		goto unclaimed;
	a->n++; /* from here on, rollback restores this VF */
	if ((ret = sh_knobs_apply(a, v, c, &host, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = sh_link_move(a->host_sk, host.ifindex, a->ns.fd, r->cont_name, err)) < 0)
		return sh_err_ctx(err, "%s", what);
	if ((ret = configure_inside(a, v, c, err)) < 0)
		return sh_err_ctx(err, "%s: set up %s in the container", what, r->cont_name);
	sh_log_msg(LOG_INFO, "%s (%s) attached as %s", what, host.name, r->cont_name);
	return 0;
unclaimed:
	sh_claim_abort(c);
	return sh_err_ctx(err, "%s", what);
}

/* Gives back what this run attached, and its pin unless a record (an earlier run's, or one kept
 * returning) still names it. What earlier runs of the container attached (its other CDI devices)
 * stays: a run never removes what it did not create; the runtime's poststop, or once the
 * container is gone the next claim or gc, gives it back. */
static void rollback(struct sh_attach_run *a)
{
	struct sh_error err;

	while (a->n > 0) {
		a->n--;
		if (sh_release_vf(a->ctx->cfg, a->host_sk, &a->claims[a->n], &a->claims[a->n].rec, false, &err) < 0)
			sh_log_failure(err.msg);
	}
	if (a->pin.lock_fd >= 0 && sh_pin_remove_if_unused(&a->pin, &err) < 0)
		sh_log_failure(err.msg);
}

/* Marks the slots this container (same id, init process and namespace) already holds: a second
 * createRuntime for it (two CDI devices, a runtime's retry) leaves them as they are; and notes the
 * VFs sriov-runc prepared for its slots, which attach_one adopts. */
static int note_held(const char *pci, const struct sh_record *r, void *data)
{
	struct sh_attach_run *a = data;
	size_t i;

	/* A VF the container holds already through another's IOMMU group (its other CDI device): the
	 * group is the container's, so is the VF. */
	for (i = 0; r->group_of[0] && sh_record_held_by(r, &a->self) && i < a->ctx->req->n; i++) {
		const struct sh_vf_request *v = &a->ctx->req->vf[i];

		if (v->mode == SH_MODE_VFIO && !strcmp(v->vf_pci, pci) && !a->held[i]) {
			sh_log_msg(LOG_INFO, "VF %s is the container's already, with %s of its IOMMU group %d", pci,
				   r->group_of, r->iommu_group);
			a->held[i] = true;
		}
	}
	if (r->slot < 0 || (size_t)r->slot >= a->ctx->req->n)
		return 0;
	if (sh_record_held_by(r, &a->self) && r->phase == SH_PHASE_ATTACHED &&
	    !strcmp(r->device, a->ctx->req->vf[r->slot].device))
		a->held[r->slot] = true;
	else if (!a->prepare && sh_adopt_prepared_for(a, (size_t)r->slot, r))
		snprintf(a->prepared[r->slot], sizeof(a->prepared[r->slot]), "%s", pci);
	return 0;
}

static int find_held(struct sh_attach_run *a, struct sh_error *err)
{
	return sh_store_each_record_of(&a->store, a->self.id, note_held, a, err);
}

/* Whether this run acts on slot i: its own VFs (not another CDI device's), and while preparing
 * (sriov-runc) the vfio ones only, the netdev ones being the hook's. */
static bool acts_on(const struct sh_attach_run *a, size_t i)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[i];

	return !a->held[i] && !v->elsewhere && (!a->prepare || v->mode == SH_MODE_VFIO);
}

/* This container holds VF pci, which another container of its namespace brought, too: it is named
 * a sharer in the record, and indexed under this id so that its poststop finds the VF. */
static int share(struct sh_attach_run *a, const char *pci, struct sh_error *err)
{
	struct sh_claim c;
	struct sh_record r;
	int ret;

	if ((ret = sh_store_lock_vf(&a->store, pci, true, &c, err)) < 0)
		return ret;
	if ((ret = sh_claim_read(&c, &r, err)) == 0 && sh_record_sharer(&r, a->self.id) < 0) {
		if (sh_record_add_sharer(&r, &a->self) < 0)
			ret = sh_err(err, ENOSPC, "VF %s is shared by %d containers already", pci,
				     SH_RECORD_SHARERS + 1);
		else if ((ret = sh_owners_add(&a->store, a->self.id, pci, err)) == 0)
			ret = sh_claim_write(&c, &r, err);
	}
	sh_claim_unlock(&c);
	return ret == -ENOENT ? 0 : ret;
}

static int attach_all(struct sh_attach_run *a, struct sh_error *err)
{
	const struct sh_ctx *ctx = a->ctx;
	char holder[SH_ID_MAX + 1], pci[SH_PCI_LEN];
	size_t i, todo = 0;
	int r;

	if ((r = a->netdev ? sh_store_lock_pin(&a->store, &a->self, &a->pin, err) : 0) < 0 ||
	    (r = find_held(a, err)) < 0)
		return r;
	/* Under the pin's lock no other hook adds a record for this namespace: what is read now
	 * holds. A device another live container of the namespace (a pod) already brought there is
	 * shared: this container holds its VF too; the pod's other devices come in beside it. */
	for (i = 0; a->netdev && i < ctx->req->n; i++) {
		if (!acts_on(a, i) || ctx->req->vf[i].mode != SH_MODE_NETDEV)
			continue;
		if ((r = sh_store_netns_holder(&a->store, &a->self, ctx->req->vf[i].device, holder, pci, err)) < 0 ||
		    (*holder && (r = share(a, pci, err)) < 0))
			return r;
		if (*holder) {
			sh_log_msg(LOG_NOTICE, "the network namespace already has the VF%s%s of %s: shared with it",
				   ctx->req->vf[i].device[0] ? " of device " : "s", ctx->req->vf[i].device, holder);
			a->held[i] = true;
		}
	}
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
		if ((r = sh_claim_commit(&a->claims[i], err)) < 0) {
			rollback(a);
			return r;
		}
	}
	for (i = 0; i < a->n; i++) {
		/* the VFs claimed with another's IOMMU group are not the container's to use */
		if (a->out && *a->out_n < a->out_max && !a->claims[i].rec.group_of[0])
			a->out[(*a->out_n)++] = a->claims[i].rec;
		sh_claim_unlock(&a->claims[i]);
	}
	return 0;
}

int sh_attach_run(struct sh_attach_run *a, struct sh_error *err)
{
	struct sh_error ignored;
	int r;

	/* calloc's fresh pages cost nothing until a claim is written into them */
	a->claims = calloc(SH_ATTACH_MAX_CLAIMS, sizeof(*a->claims));
	if (!a->claims)
		r = sh_err(err, ENOMEM, "claim VFs: out of memory");
	else if ((r = sh_store_open(a->ctx->cfg->state_dir, true, &a->store, err)) == 0) {
		r = attach_all(a, err);
		sh_pin_unlock(&a->pin);
		/* what crashed hooks left: pins no record names (this container's own included) */
		if (!a->prepare)
			sh_store_sweep_pins(&a->store, a->ctx->state->id, &ignored);
	}
	sh_nl_close(a->cont_sk);
	sh_nl_close(a->host_sk);
	sh_store_close(&a->store);
	free(a->claims);
	a->claims = NULL;
	if (a->ns.fd >= 0)
		close(a->ns.fd);
	if (r == 0) /* a failure's line is about the VF it names */
		sh_log_set_vf(NULL, NULL);
	return r;
}

int sh_attach(const struct sh_ctx *ctx, struct sh_error *err)
{
	struct sh_attach_run a = {.ctx = ctx, .store = SH_STORE_INIT, .pin = SH_PIN_INIT};
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
	return sh_attach_run(&a, err);
}
