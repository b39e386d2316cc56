/* The CDI spec (Container Device Interface) that podman, docker >= 25, containerd, CRI-O and
 * Kubernetes read: kind sriov.io/vf, a device per VF (<pf>-<index>), per PF (<pf>: any free VF of
 * it) and per netdev pool (<pool>), each carrying the hook's createRuntime and poststop with the
 * arguments that name its VF; and, in a second file, kind sriov.io/vfio: a device per VF of each
 * vfio pool, with its device nodes, what the application is told of it (environment and a JSON
 * file) and the same hooks in vfio mode. Generated from the host and the configuration; written
 * atomically. */
#ifndef SRIOV_HOOK_CDI_H
#define SRIOV_HOOK_CDI_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/input/pool.h"

#define SH_CDI_KIND "sriov.io/vf"
#define SH_CDI_VFIO_KIND "sriov.io/vfio"
/* Where a vfio device's JSON file is mounted in the container: <dir>/<device>.json. */
#define SH_CDI_DEFAULT_OUTPUT "/var/run/cdi/sriov-hook.json"
#define SH_CDI_ETC_OUTPUT "/etc/cdi/sriov-hook.json" /* kept across boots */

/* A PF as the spec needs it. */
struct sh_cdi_pf {
	char name[IFNAMSIZ];
	char pci[SH_PCI_LEN];
	unsigned numvfs;
};

struct sh_cdi_opts {
	const char *hook;   /* the hook's path, as the runtimes will run it */
	const char *config; /* the configuration the hooks are given (--config), NULL: their default */
	/* Where the host's /dev/vfio is (the configuration's dev_root; NULL: /dev): elsewhere, the
	 * vfio devices' nodes name it as their hostPath (cdiVersion 0.5.0). */
	const char *dev_root;
	/* Called once per IOMMU group that VFs of vfio pools share, with a line that names them (NULL:
	 * not told). */
	void (*group_warning)(const char *text, void *data);
	void *data;
};

/* A VF of a vfio pool, as its sriov.io/vfio device needs it: device <pf>-<index>. */
struct sh_cdi_vfio_vf {
	char pf[IFNAMSIZ];
	unsigned index;
	char pci[SH_PCI_LEN];
	const char *pool;
	int iommu_group;
	int numa_node;	     /* -1: the platform does not say */
	char mac[18];	     /* the MAC the PF enforces for it when generated; "" none */
	unsigned vlan, qos;  /* the pool's, 0 when it sets none */
	char info[PATH_MAX]; /* its JSON file on the host (the store's cdi/<pci>.json), mounted read-only */
	/* The VFs of its IOMMU group, itself included, comma-separated, when it shares the group with
	 * others (no ACS between them); "" when it is alone. The device tells it the container
	 * (SRIOV_VFIO_GROUP_VFS_<DEV>): whichever of their devices it is given, it gets them all. */
	char group_vfs[256];
};

/* The lowest cdiVersion that carries what the spec uses: hooks are in 0.3.0, a device name that
 * begins with a digit needs 0.5.0 (podman 4.3's library reads up to 0.5.0). CDI 1.1.0's
 * netDevices (the runtime moves the netdev, no hook) is not offered: no engine's CDI library in
 * Debian parses it yet (podman 5.8: unknown field "netDevices"). */
const char *sh_cdi_version(bool digit_name);
/* The spec as JSON, in a malloc'd *out. pfs: those whose VFs containers may take (allowed_pfs);
 * a VF in a pool is left to the pool's device, and a vfio pool has none here (its VFs are devices
 * of the vfio spec, whose device nodes a hook could not add). A device name that is not a valid CDI name, or that
 * two devices would share, is an error. */
int sh_cdi_generate(const struct sh_cdi_pf *pfs, size_t n_pfs, const struct sh_pool *pools, size_t n_pools,
		    const struct sh_cdi_opts *o, char **out, struct sh_error *err);
/* The environment variables' suffix for device: upper case, every character other than A-Z and
 * 0-9 turned into '_' (ens1f0-3 -> ENS1F0_3). */
const char *sh_cdi_env_suffix(const char *device, char *buf, size_t len);
/* What the application of vfio VF v is told, as JSON ({"vfs": [{"pci": ..., ...}]}, the shape of
 * sriov-runc's file), in a malloc'd *out. */
int sh_cdi_vfio_info(const struct sh_cdi_vfio_vf *v, char **out, struct sh_error *err);
/* The sriov.io/vfio spec of vfs as JSON, in a malloc'd *out: a device <pf>-<index> per VF with
 * deviceNodes /dev/vfio/vfio and /dev/vfio/<group>, environment SRIOV_VFIO_*_<DEV>, the mount of
 * its JSON file at SH_VFIO_INFO_DIR/<device>.json, and the hooks run with --pool <pool> --vf
 * <VF PCI> --mode vfio. */
int sh_cdi_generate_vfio(const struct sh_cdi_vfio_vf *vfs, size_t n, const struct sh_cdi_opts *o, char **out,
			 struct sh_error *err);
/* The vfio spec's file beside the sriov.io/vf spec at path: its name without ".json", then
 * "-vfio.json" (/var/run/cdi/sriov-hook.json -> /var/run/cdi/sriov-hook-vfio.json). */
int sh_cdi_vfio_path(const char *path, char out[PATH_MAX], struct sh_error *err);
/* Whether the spec at path is one this tool wrote for the configuration config (absolute, or NULL
 * for the hooks' default): its hooks name the same --config. */
bool sh_cdi_spec_is_for(const char *path, const char *config);
/* Reads the host's SR-IOV PFs (those allowed_pfs lets containers use) and writes the spec to path
 * atomically (a temporary file the runtimes do not read, renamed over it), making its directory.
 * With vfio pools it writes each of their VFs' JSON file into the state directory and the vfio
 * spec beside path (sh_cdi_vfio_path); without, it removes a vfio spec left there for this
 * configuration. A VF without an IOMMU group has no device: the spec is written without it, and
 * that is the error returned. */
int sh_cdi_generate_file(const struct sh_config *cfg, const struct sh_cdi_opts *o, const char *path,
			 struct sh_error *err);

#endif
