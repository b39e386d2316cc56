/* Discovery of PFs and VFs through sysfs, under a root that tests point at a fake tree. */
#ifndef SRIOV_HOOK_SYSFS_H
#define SRIOV_HOOK_SYSFS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

struct sh_pf {
	char name[IFNAMSIZ];
	char pci[SH_PCI_LEN];
	unsigned numvfs;
};

struct sh_vf {
	char pf_name[IFNAMSIZ];
	char pf_pci[SH_PCI_LEN];
	unsigned index;
	char pci[SH_PCI_LEN];
	char netdev[IFNAMSIZ]; /* "" when no netdev shows in the host namespace */
	char driver[64];       /* "" when unbound */
};

/* spec: a PF netdev name or PCI address. Fails when it is absent or not an SR-IOV PF. */
int sh_sysfs_pf_resolve(const char *root, const char *spec, struct sh_pf *pf, struct sh_error *err);
/* Just the PCI address of VF index (its virtfn link). */
int sh_sysfs_virtfn_pci(const char *root, const struct sh_pf *pf, unsigned index, char pci[SH_PCI_LEN],
			struct sh_error *err);
/* The same through the PF's directory held open (sh_sysfs_pf_open: an fd, or a negative errno), for
 * a walk over many VFs: a short path per VF. A negative errno when there is no such link. */
int sh_sysfs_pf_open(const char *root, const struct sh_pf *pf);
int sh_sysfs_virtfn_pci_at(int pf_fd, unsigned index, char pci[SH_PCI_LEN]);
int sh_sysfs_vf_get(const char *root, const struct sh_pf *pf, unsigned index, struct sh_vf *vf, struct sh_error *err);
/* VF index of pf at pci (its virtfn link, read already): its netdev read only when netdev is true
 * (a caller that knows it shows none on the host leaves vf->netdev ""), its driver always. */
int sh_sysfs_vf_at(const char *root, const struct sh_pf *pf, unsigned index, const char *pci, bool netdev,
		   struct sh_vf *vf, struct sh_error *err);
/* Finds a VF from its own PCI address (its physfn gives the PF). */
int sh_sysfs_vf_by_pci(const char *root, const char *pci, struct sh_pf *pf, struct sh_vf *vf, struct sh_error *err);
/* The current host netdev name of PCI device pci ("" when none shows in the host namespace). */
int sh_sysfs_pci_netdev(const char *root, const char *pci, char name[IFNAMSIZ], struct sh_error *err);

/* The PCI functions with a netdev in this network namespace (the ones sh_sysfs_pci_netdev names),
 * from one listing of class/net: a walk over many VFs asks it instead of reading each VF's net/. */
struct sh_netdev_pcis {
	char (*pci)[SH_PCI_LEN]; /* sorted; malloc'd */
	size_t n;
};
int sh_sysfs_netdev_pcis(const char *root, struct sh_netdev_pcis *set, struct sh_error *err);
bool sh_netdev_pcis_has(const struct sh_netdev_pcis *set, const char *pci);
void sh_netdev_pcis_free(struct sh_netdev_pcis *set);

/* For the operators' tool (inventory, doctor, vfs apply): whole-device reads and the one write. */

/* Every SR-IOV PF (a network PCI device with sriov_totalvfs and no physfn), in PCI address order.
 * *pfs is malloc'd (free it); *n may be 0. */
int sh_sysfs_pf_list(const char *root, struct sh_pf **pfs, size_t *n, struct sh_error *err);
/* A PCI device's attribute file (bus/pci/devices/<pci>/<attr>), first line without its newline. */
int sh_sysfs_pci_attr(const char *root, const char *pci, const char *attr, char *buf, size_t len);
int sh_sysfs_pci_attr_uint(const char *root, const char *pci, const char *attr, unsigned *out);
/* The last component of a PCI device's symlink attribute ("driver", "iommu_group"): -ENOENT when
 * absent (an unbound device has no driver link). */
int sh_sysfs_pci_link(const char *root, const char *pci, const char *attr, char *buf, size_t len);
/* A netdev's attribute file (class/net/<name>/<attr>): operstate, carrier, flags, address. */
int sh_sysfs_net_attr(const char *root, const char *name, const char *attr, char *buf, size_t len);
/* Writes sriov_numvfs of the PF. */
int sh_sysfs_set_numvfs(const char *root, const struct sh_pf *pf, unsigned n, struct sh_error *err);
/* Whether the directory root/<rel> has an entry (the IOMMU groups, class/iommu). */
int sh_sysfs_dir_nonempty(const char *root, const char *rel, bool *nonempty);

#endif
