/* The CDI spec (Container Device Interface) that podman, docker >= 25, containerd, CRI-O and
 * Kubernetes read: kind sriov.io/vf, a device per VF (<pf>-<index>), per PF (<pf>: any free VF of
 * it) and per pool (<pool>), each carrying the hook's createRuntime and poststop with the
 * arguments that name its VF. Generated from the host and the configuration; written atomically. */
#ifndef SRIOV_HOOK_CDI_H
#define SRIOV_HOOK_CDI_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/pool.h"
#include "sriov-hook/types.h"

#define SH_CDI_KIND "sriov.io/vf"
#define SH_CDI_DEFAULT_OUTPUT "/var/run/cdi/sriov-hook.json"
#define SH_CDI_ETC_OUTPUT "/etc/cdi/sriov-hook.json" /* kept across boots */

/* A PF as the spec needs it. vf_netdev[i]: VF i's netdev on the host when generating ("" when it
 * has none), for netDevices only; NULL when not asked. */
struct sh_cdi_pf {
	char name[IFNAMSIZ];
	char pci[SH_PCI_LEN];
	unsigned numvfs;
	char (*vf_netdev)[IFNAMSIZ];
};

struct sh_cdi_opts {
	const char *hook;   /* the hook's path, as the runtimes will run it */
	const char *config; /* the configuration the hooks are given (--config), NULL: their default */
	/* CDI 1.1.0 netDevices for <pf>-<index> devices (the runtime moves the VF's netdev itself, no
	 * hook; runc >= 1.4, crun >= 1.22): the spec then needs cdiVersion 1.1.0. */
	bool net_devices;
};

/* The lowest cdiVersion that carries what the spec uses: hooks are in 0.3.0, a device name that
 * begins with a digit needs 0.5.0, netDevices 1.1.0 (podman 4.3's library reads up to 0.5.0). */
const char *sh_cdi_version(bool digit_name, bool net_devices);
/* The spec as JSON, in a malloc'd *out. pfs: those whose VFs containers may take (allowed_pfs);
 * a VF in a pool is left to the pool's device. A device name that is not a valid CDI name, or that
 * two devices would share, is an error. */
int sh_cdi_generate(const struct sh_cdi_pf *pfs, size_t n_pfs, const struct sh_pool *pools, size_t n_pools,
		    const struct sh_cdi_opts *o, char **out, struct sh_error *err);
/* Whether the spec at path is one this tool wrote for the configuration config (absolute, or NULL
 * for the hooks' default): its hooks name the same --config. */
bool sh_cdi_spec_is_for(const char *path, const char *config);
/* Reads the host's SR-IOV PFs (those allowed_pfs lets containers use) and writes the spec to path
 * atomically (a temporary file the runtimes do not read, renamed over it), making its directory. */
int sh_cdi_generate_file(const struct sh_config *cfg, const struct sh_cdi_opts *o, const char *path,
			 struct sh_error *err);

#endif
