/* Discovery of PFs and VFs through sysfs, under a root that tests point at a fake tree. */
#ifndef SRIOV_HOOK_SYSFS_H
#define SRIOV_HOOK_SYSFS_H

#include <net/if.h>

#include "sriov-hook/error.h"
#include "sriov-hook/types.h"

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
int sh_sysfs_vf_get(const char *root, const struct sh_pf *pf, unsigned index, struct sh_vf *vf, struct sh_error *err);
/* Finds a VF from its own PCI address (its physfn gives the PF). */
int sh_sysfs_vf_by_pci(const char *root, const char *pci, struct sh_pf *pf, struct sh_vf *vf, struct sh_error *err);
/* The current host netdev name of PCI device pci ("" when none shows in the host namespace). */
int sh_sysfs_pci_netdev(const char *root, const char *pci, char name[IFNAMSIZ], struct sh_error *err);

#endif
