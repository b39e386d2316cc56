/* What a vfio container is told of its VFs, so that a DPDK application can learn what it cannot ask
 * the VF: its PCI address, IOMMU group, the MAC and VLAN the PF gives it, its NUMA node. The same
 * facts as environment variables and as a small JSON file mounted into the container. */
#ifndef SRIOV_HOOK_VFIOINFO_H
#define SRIOV_HOOK_VFIOINFO_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/record.h"

/* Where the container finds the file (sriov-runc), and a CDI device's (under its name). */
#define SH_VFIO_INFO_PATH "/run/sriov/vfio.json"
#define SH_VFIO_INFO_DIR "/run/sriov/vfio"
#define SH_VFIO_ENV_PREFIX "SRIOV_VFIO_"

struct sh_vfio_info {
	char pci[SH_PCI_LEN];
	char pf[IFNAMSIZ];
	unsigned vf;
	int iommu_group;
	uint8_t mac[6];
	unsigned vlan, qos;
	int numa_node;
};

/* A claimed VF's facts: the PF-side MAC, VLAN and QoS are those the claim set, else those it found. */
void sh_vfio_info_from_record(const struct sh_record *r, int numa_node, struct sh_vfio_info *out);
/* {"vfs": [{"pci", "pf", "vf", "iommu_group", "device_nodes", "mac", "vlan", "qos", "numa_node"}]}
 * in a malloc'd string; "mac" is null (and empty in the variables) when the PF gives the VF none. */
int sh_vfio_info_json(const struct sh_vfio_info *vfs, size_t n, char **out, struct sh_error *err);
/* The variables SRIOV_VFIO_<KEY><suffix>=value (KEY: PCI, IOMMU_GROUP, MAC, VLAN, NUMA_NODE, each a
 * comma-separated list over vfs, and INFO=info_path): SH_VFIO_ENV_COUNT malloc'd strings into env,
 * freed with sh_vfio_info_env_free. suffix: "" (sriov-runc) or "_<DEVICE>" (a CDI device). */
#define SH_VFIO_ENV_COUNT 6
int sh_vfio_info_env(const struct sh_vfio_info *vfs, size_t n, const char *suffix, const char *info_path,
		     char *env[SH_VFIO_ENV_COUNT], struct sh_error *err);
void sh_vfio_info_env_free(char *env[SH_VFIO_ENV_COUNT]);

#endif
