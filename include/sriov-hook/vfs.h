/* `sriovctl vfs apply`: makes each PF's sriov_numvfs what the configuration's "pfs" says (the
 * udev rule and unit of the SR-IOV guides, as one idempotent command). */
#ifndef SRIOV_HOOK_VFS_H
#define SRIOV_HOOK_VFS_H

#include <net/if.h>
#include <stdbool.h>

#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/types.h"

enum sh_vfs_outcome {
	SH_VFS_UNCHANGED, /* already numvfs VFs */
	SH_VFS_CHANGED,	  /* from -> to (through 0 when both are non-zero) */
	SH_VFS_REFUSED,	  /* not done: why (a claimed VF, more than totalvfs, no such PF) */
	SH_VFS_FAILED,	  /* the kernel refused a write: why */
};

struct sh_vfs_result {
	const char *spec; /* the configuration's key */
	char pf[IFNAMSIZ];
	char pci[SH_PCI_LEN];
	unsigned from, to;
	enum sh_vfs_outcome outcome;
	const char *why;
};

/* Applies every entry of cfg->pfs, each on its own: one refused PF does not stop the others.
 * report is called once per entry. Returns 0 when every PF has its count, else the first
 * refusal or failure (err filled). */
int sh_vfs_apply(const struct sh_config *cfg, void (*report)(const struct sh_vfs_result *res, void *data), void *data,
		 struct sh_error *err);

#endif
