/* What the host has, as sysfs tells it: every SR-IOV PF (driver, link, carrier, numvfs/totalvfs)
 * and each of its VFs (PCI address, driver, host netdev, IOMMU group). For the operators' tool;
 * claims and netlink views are joined on top of it (listing.h). */
#ifndef SRIOV_HOOK_INVENTORY_H
#define SRIOV_HOOK_INVENTORY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/topology.h"

struct sh_inv_pf {
	struct sh_pf pf; /* name ("" when it has no netdev), pci, numvfs */
	unsigned totalvfs;
	char driver[64];	    /* "" when unbound */
	char operstate[16];	    /* "up", "down", "lowerlayerdown", ... ("" without a netdev) */
	bool admin_up;		    /* IFF_UP */
	int carrier;		    /* 1, 0, or -1 when unknown (the kernel reads none while down) */
	bool allowed;		    /* containers may take its VFs (allowed_pfs) */
	int numa_node;		    /* -1 when the kernel does not know it */
	char pcie_root[SH_PCI_LEN]; /* its root port, or root complex on the root bus; "" unknown */
};

/* Why a VF has, or has not, a netdev on the host: the part of its state sysfs alone can tell. */
enum sh_vf_binding {
	SH_VF_BOUND_NETDEV, /* a netdev driver, its netdev in the host namespace */
	SH_VF_BOUND_AWAY,   /* a netdev driver, but no netdev here: in another namespace */
	SH_VF_BOUND_VFIO,   /* vfio-pci: for VMs and DPDK */
	SH_VF_BOUND_OTHER,  /* uio_pci_generic, igb_uio, ...: no netdev */
	SH_VF_UNBOUND,	    /* no driver */
};

struct sh_inv_vf {
	struct sh_vf vf; /* pf_name, pf_pci, index, pci, netdev, driver */
	enum sh_vf_binding binding;
	int iommu_group; /* -1 when none (no IOMMU) */
	bool missing;	 /* virtfnN absent although N < numvfs: the kernel is still creating it */
};

/* The SR-IOV PFs: every one (specs NULL / n_specs 0), or those named (netdev name or PCI address,
 * in the given order; one that is not an SR-IOV PF is an error that lists those that are). *out
 * is malloc'd. */
int sh_inventory_pfs(const struct sh_config *cfg, char *const *specs, size_t n_specs, struct sh_inv_pf **out, size_t *n,
		     struct sh_error *err);
/* VFs 0..numvfs-1 of pf. *out is malloc'd (NULL when numvfs is 0). */
int sh_inventory_vfs(const char *root, const struct sh_inv_pf *pf, struct sh_inv_vf **out, size_t *n,
		     struct sh_error *err);
const char *sh_vf_binding_why(enum sh_vf_binding b, const char *driver, char *buf, size_t len);

#endif
