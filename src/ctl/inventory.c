/* The host's SR-IOV PFs and VFs as sysfs shows them, under the configured sysfs root (tests point
 * it at a fake tree). Reads only: nothing here claims, locks or talks netlink. */
#include "sriov-hook/ctl/inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void fill_pf(const struct sh_config *cfg, struct sh_inv_pf *p)
{
	const char *root = cfg->sysfs_root;
	struct sh_pcie_path path;
	char buf[32];
	unsigned long flags;

	if (sh_sysfs_pci_attr_uint(root, p->pf.pci, "sriov_totalvfs", &p->totalvfs) < 0)
		p->totalvfs = p->pf.numvfs;
	if (sh_sysfs_pci_link(root, p->pf.pci, "driver", p->driver, sizeof(p->driver)) < 0)
		p->driver[0] = '\0';
	p->carrier = -1;
	p->numa_node = sh_topo_pci_node(root, p->pf.pci);
	if (sh_topo_pcie_path(root, p->pf.pci, &path, NULL) == 0)
		snprintf(p->pcie_root, sizeof(p->pcie_root), "%s", sh_topo_pcie_root(&path));
	p->allowed = sh_config_pf_allowed(cfg, p->pf.name, p->pf.pci);
	if (!p->pf.name[0])
		return;
	if (sh_sysfs_net_attr(root, p->pf.name, "operstate", p->operstate, sizeof(p->operstate)) < 0)
		p->operstate[0] = '\0';
	if (sh_sysfs_net_attr(root, p->pf.name, "flags", buf, sizeof(buf)) == 0) {
		flags = strtoul(buf, NULL, 16);
		p->admin_up = flags & IFF_UP;
	}
	/* carrier reads EINVAL while the link is administratively down. */
	if (sh_sysfs_net_attr(root, p->pf.name, "carrier", buf, sizeof(buf)) == 0 && (buf[0] == '0' || buf[0] == '1'))
		p->carrier = buf[0] == '1';
}

/* "eth0 (0000:01:00.0), eth1 (...)" or "none" */
static void list_names(const struct sh_pf *pfs, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s (%s)", i ? ", " : "",
					 pfs[i].name[0] ? pfs[i].name : "no netdev", pfs[i].pci);
}

static int find_pf(const struct sh_pf *all, size_t n_all, const struct sh_config *cfg, const char *spec,
		   struct sh_pf *pf, struct sh_error *err)
{
	char names[512], why[SH_ERR_MAX / 2];
	size_t i;

	for (i = 0; i < n_all; i++) {
		if ((all[i].name[0] && !strcmp(all[i].name, spec)) || !strcasecmp(all[i].pci, spec)) {
			*pf = all[i];
			return 0;
		}
	}
	/* Say why (not a PF, a VF, no SR-IOV), then what there is to choose from. */
	if (sh_sysfs_pf_resolve(cfg->sysfs_root, spec, pf, err) == 0)
		sh_err(err, ENODEV, "%s is not an SR-IOV network PF", spec);
	snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, err->msg);
	list_names(all, n_all, names, sizeof(names));
	return sh_err(err, err->code ? err->code : ENODEV, "%s; the SR-IOV PFs on this host: %.*s", why,
		      SH_ERR_MAX / 2 - 64, names);
}

int sh_inventory_pfs(const struct sh_config *cfg, char *const *specs, size_t n_specs, struct sh_inv_pf **out, size_t *n,
		     struct sh_error *err)
{
	struct sh_pf *all = NULL;
	struct sh_inv_pf *pfs;
	size_t n_all, i, count;
	int r;

	if ((r = sh_sysfs_pf_list(cfg->sysfs_root, &all, &n_all, err)) < 0)
		return r;
	count = n_specs ? n_specs : n_all;
	if (!(pfs = calloc(count ? count : 1, sizeof(*pfs)))) {
		free(all);
		return sh_err(err, ENOMEM, "out of memory");
	}
	for (i = 0; i < count; i++) {
		if (!n_specs)
			pfs[i].pf = all[i];
		else if ((r = find_pf(all, n_all, cfg, specs[i], &pfs[i].pf, err)) < 0)
			break;
		fill_pf(cfg, &pfs[i]);
	}
	free(all);
	if (r < 0) {
		free(pfs);
		return r;
	}
	*out = pfs;
	*n = count;
	return 0;
}

static enum sh_vf_binding binding_of(const struct sh_vf *vf)
{
	if (vf->netdev[0])
		return SH_VF_BOUND_NETDEV;
	if (!vf->driver[0])
		return SH_VF_UNBOUND;
	if (!strcmp(vf->driver, "vfio-pci"))
		return SH_VF_BOUND_VFIO;
	if (!strncmp(vf->driver, "uio", 3) || strstr(vf->driver, "_uio"))
		return SH_VF_BOUND_OTHER;
	return SH_VF_BOUND_AWAY;
}

const char *sh_vf_binding_why(enum sh_vf_binding b, const char *driver, char *buf, size_t len)
{
	switch (b) {
	case SH_VF_BOUND_NETDEV:
		snprintf(buf, len, "has a netdev on the host");
		break;
	case SH_VF_BOUND_AWAY:
		snprintf(buf, len, "its netdev is in another network namespace");
		break;
	case SH_VF_BOUND_VFIO:
		snprintf(buf, len, "bound to vfio-pci (for VMs and DPDK): no netdev");
		break;
	case SH_VF_BOUND_OTHER:
		snprintf(buf, len, "bound to %s: no netdev", driver);
		break;
	case SH_VF_UNBOUND:
		snprintf(buf, len, "not bound to any driver: no netdev");
		break;
	}
	return buf;
}

int sh_inventory_vfs(const char *root, const struct sh_inv_pf *pf, struct sh_inv_vf **out, size_t *n,
		     struct sh_error *err)
{
	struct sh_inv_vf *vfs = NULL;
	struct sh_error why;
	char group[16];
	unsigned i;

	*out = NULL;
	*n = 0;
	if (!pf->pf.numvfs)
		return 0;
	if (!(vfs = calloc(pf->pf.numvfs, sizeof(*vfs))))
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < pf->pf.numvfs; i++) {
		struct sh_inv_vf *v = &vfs[i];

		if (sh_sysfs_vf_get(root, &pf->pf, i, &v->vf, &why) < 0) {
			/* Listed by numvfs but not (yet) in sysfs: shown as such, not fatal. */
			snprintf(v->vf.pf_name, sizeof(v->vf.pf_name), "%s", pf->pf.name);
			snprintf(v->vf.pf_pci, sizeof(v->vf.pf_pci), "%s", pf->pf.pci);
			v->vf.index = i;
			v->missing = true;
			v->binding = SH_VF_UNBOUND;
			v->iommu_group = -1;
			continue;
		}
		v->binding = binding_of(&v->vf);
		v->iommu_group =
			sh_sysfs_pci_link(root, v->vf.pci, "iommu_group", group, sizeof(group)) == 0 ? atoi(group) : -1;
	}
	*out = vfs;
	*n = pf->pf.numvfs;
	return 0;
}
