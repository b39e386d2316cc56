/* `sriovctl vfs apply`: makes each PF's sriov_numvfs what the configuration's "pfs" says (the
 * udev rule and unit of the SR-IOV guides, as one idempotent command), then binds every VF of a
 * vfio pool to vfio-pci, so that its CDI device's nodes exist when a container starts. */
#ifndef SRIOV_HOOK_VFS_H
#define SRIOV_HOOK_VFS_H

#include <net/if.h>
#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/input/config.h"

enum sh_vfs_outcome {
	SH_VFS_UNCHANGED, /* already numvfs VFs; a VF: already on vfio-pci, or held (why says by whom) */
	SH_VFS_CHANGED,	  /* from -> to (through 0 when both are non-zero); a VF: bound to vfio-pci */
	SH_VFS_REFUSED,	  /* not done: why (a claimed VF, more than totalvfs, no such PF; a VF: the
			   * IOMMU is off, its group is not viable, a hook is acting on it) */
	SH_VFS_FAILED,	  /* the kernel refused a write: why */
};

struct sh_vfs_result {
	const char *spec; /* the configuration's key; NULL for a VF */
	char pf[IFNAMSIZ];
	char pci[SH_PCI_LEN];
	unsigned from, to;
	/* A VF of a vfio pool (vf_pci not ""): its index, pool, the driver it was on. */
	char vf_pci[SH_PCI_LEN];
	unsigned vf;
	const char *pool;
	char driver[64];
	enum sh_vfs_outcome outcome;
	const char *why;
};

/* What vfs apply does with one VF of a vfio pool, decided before anything changes. */
enum sh_vfio_step {
	SH_VFIO_STEP_BIND,   /* bind it to vfio-pci */
	SH_VFIO_STEP_NONE,   /* on vfio-pci already */
	SH_VFIO_STEP_HELD,   /* a claim record names it: its container's (or gc's), left as it is */
	SH_VFIO_STEP_REFUSE, /* why: no IOMMU group (the IOMMU is off), a group not viable, not in sysfs */
};

struct sh_vfio_plan {
	const char *pool;
	char pf[SH_PCI_LEN]; /* its netdev name, or its PCI address when it has none */
	unsigned index;
	char pci[SH_PCI_LEN];
	int iommu_group; /* -1: none */
	char driver[64]; /* now, "" when unbound */
	enum sh_vfio_step step;
	int code; /* REFUSE: the errno */
	char why[SH_ERR_MAX];
};

/* Every VF of a vfio pool on the PFs containers may use (allowed_pfs), in PF and index order, and
 * its step; nothing is changed. *plan is malloc'd (NULL when *n is 0). */
int sh_vfs_vfio_plan(const struct sh_config *cfg, struct sh_vfio_plan **plan, size_t *n, struct sh_error *err);

/* Applies every entry of cfg->pfs, each on its own: one refused PF does not stop the others;
 * report is called once per entry. Then binds each VF of a vfio pool to vfio-pci as its plan
 * says, under the VF's claim lock (a VF claimed meanwhile is left alone), calling report once per
 * VF. Returns 0 when every PF has its count and every such VF is on vfio-pci or held, else the
 * first refusal or failure (err filled). */
int sh_vfs_apply(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data), void *data,
		 struct sh_error *err);

#endif
