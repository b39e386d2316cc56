/* Whether a VF may be handed out, besides its claim: in the request's scope (a pool's VFs only
 * through their pool) and usable as the mode wants it (a netdev on the host nobody there uses, or
 * a VF on vfio-pci that nothing has open). */
#include "sriov-hook/hook/usable.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/sys/vfio.h"

/* Reads whether the VF can be handed out: its netdev is on the host, down or without addresses,
 * and no bridge, bond or stacked device uses it. *why gets the category, why_text the reason (for
 * all but SH_USABLE). A negative errno only when it cannot tell (sysfs, netlink). */
int sh_vf_usability(struct sh_attach_run *a, struct sh_vf *vf, struct sh_link *host, enum sh_usability *why,
		    char *why_text, size_t len, struct sh_error *err)
{
	int r;

	*why = SH_USABLE;
	memset(host, 0, sizeof(*host));
	if ((r = sh_sysfs_pci_netdev(a->ctx->cfg->sysfs_root, vf->pci, vf->netdev, err)) < 0)
		return r;
	return sh_vf_usability_as_read(a, vf, host, why, why_text, len, err);
}

int sh_vf_usability_as_read(struct sh_attach_run *a, const struct sh_vf *vf, struct sh_link *host,
			    enum sh_usability *why, char *why_text, size_t len, struct sh_error *err)
{
	int r;

	*why = SH_USABLE;
	memset(host, 0, sizeof(*host));
	if (a->mode == SH_MODE_VFIO && !strcmp(vf->driver, SH_VFIO_DRIVER)) {
		/* bound ahead (a vfio pool), or by an administrator for a VM: free unless open */
		if (sh_vfio_device_in_use(a->ctx->cfg->sysfs_root, vf->pci)) {
			*why = SH_NOT_ON_HOST;
			snprintf(why_text, len,
				 "on vfio-pci and open (a VM's or a DPDK process's: its PCI enable is set)");
		}
		return 0;
	}
	if (a->mode == SH_MODE_VFIO && !a->prepare) {
		/* The container's device nodes are fixed before createRuntime: too late to bind now. */
		*why = SH_UNUSABLE;
		snprintf(why_text, len,
			 "on %s, not vfio-pci: a vfio VF must be bound before the container is created (run it "
			 "through sriov-runc, or give it a vfio pool's CDI device: `sriovctl vfs apply` binds them)",
			 vf->driver[0] ? vf->driver : "no driver");
		return 0;
	}
	if (!vf->netdev[0]) {
		if (!vf->driver[0]) {
			*why = SH_UNUSABLE;
			snprintf(why_text, len, "not bound to any driver");
		} else if (!strcmp(vf->driver, SH_VFIO_DRIVER) || !strncmp(vf->driver, "uio", 3)) {
			*why = SH_UNUSABLE;
			snprintf(why_text, len, "bound to %s, which gives no netdev%s", vf->driver,
				 strcmp(vf->driver, SH_VFIO_DRIVER) ? "" : " (io.sriov.mode=vfio takes it)");
		} else {
			*why = SH_NOT_ON_HOST;
			snprintf(why_text, len, "its netdev is not in the host namespace");
		}
		return 0;
	}
	r = sh_link_get(a->host_sk, 0, vf->netdev, host, err);
	if (r == -ENODEV) {
		*why = SH_NOT_ON_HOST;
		snprintf(why_text, len, "its netdev %s is not in the host namespace", vf->netdev);
		return 0;
	}
	if (r < 0 || (r = sh_link_host_use(a->host_sk, host, why_text, len, err)) < 0)
		return r;
	if (r > 0)
		*why = SH_IN_USE_BY_HOST;
	return 0;
}

/* sh_vf_usability() as the error of a VF that was asked for (or tried). */
int sh_vf_check_usable(struct sh_attach_run *a, struct sh_vf *vf, struct sh_link *host, struct sh_error *err)
{
	enum sh_usability why;
	char text[SH_ERR_MAX / 4];
	int r;

	if ((r = sh_vf_usability(a, vf, host, &why, text, sizeof(text), err)) < 0)
		return r;
	switch (why) {
	case SH_IN_USE_BY_HOST:
		return sh_err(err, EBUSY, "in use by the host: %s", text);
	case SH_NOT_ON_HOST:
		return sh_err(err, EBUSY, "in use: %s", text);
	case SH_UNUSABLE:
		return sh_err(err, vf->driver[0] ? EOPNOTSUPP : ENODEV, "%s", text);
	default:
		return 0;
	}
}

/* Whether VF i of pf is one this request may take: a pool's VFs through their pool only, so that
 * nobody takes one by index or auto without the pool's admin settings. */
bool sh_vf_in_scope(const struct sh_attach_run *a, const struct sh_pf *pf, unsigned i, const struct sh_pool *pool)
{
	const struct sh_config *cfg = a->ctx->cfg;

	if (pool)
		return sh_pool_has_vf(pool, pf->name, pf->pci, i);
	return !sh_pool_of_vf(cfg->pools, cfg->n_pools, pf->name, pf->pci, i);
}

bool sh_vf_netdev_on_host(const char *root, const char *pci, struct sh_host_netdevs *h)
{
	char netdev[IFNAMSIZ];
	struct sh_error ignored;

	if (h->asked < SH_NETDEV_DIRECT) {
		h->asked++;
		return sh_sysfs_pci_netdev(root, pci, netdev, NULL) == 0 && netdev[0];
	}
	/* listed once; a listing that fails leaves each VF to its own net/ */
	if (h->asked == SH_NETDEV_DIRECT) {
		h->asked++;
		h->have_list = sh_sysfs_netdev_pcis(root, &h->listed, &ignored) == 0;
	}
	if (!h->have_list)
		return sh_sysfs_pci_netdev(root, pci, netdev, NULL) == 0 && netdev[0];
	return sh_netdev_pcis_has(&h->listed, pci);
}

bool sh_vf_maybe_free(struct sh_attach_run *a, const char *pci, struct sh_host_netdevs *h)
{
	const char *root = a->ctx->cfg->sysfs_root;

	if (a->mode != SH_MODE_NETDEV)
		return !sh_store_has_record(&a->store, pci);
	if (h->have_list)
		return sh_vf_netdev_on_host(root, pci, h) && !sh_store_has_record(&a->store, pci);
	return !sh_store_has_record(&a->store, pci) && sh_vf_netdev_on_host(root, pci, h);
}

void sh_host_netdevs_free(struct sh_host_netdevs *h)
{
	sh_netdev_pcis_free(&h->listed);
	h->have_list = false;
}
