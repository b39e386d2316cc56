/* Where things sit: the NUMA nodes of a set of CPUs (devices/system/node/node<N>/cpulist), a PCI
 * device's node (numa_node), its path from the root complex down (host bridge, root port,
 * switch ports), and the PCI devices behind a character device node (dev/char/<maj>:<min>/device,
 * or a vfio group node's IOMMU group). */
#ifndef SRIOV_HOOK_TOPOLOGY_H
#define SRIOV_HOOK_TOPOLOGY_H

#include "sriov-hook/core/cpuset.h"
#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

/* Deeper than any PCIe hierarchy seen: root port, a few switch levels, the device. */
#define SH_PCIE_DEPTH_MAX 16

/* hop[0] is the root complex ("pci0000:00"), hop[1] the root port, ... hop[n - 1] the device. */
struct sh_pcie_path {
	char hop[SH_PCIE_DEPTH_MAX][SH_PCI_LEN];
	unsigned n;
};

/* The nodes whose CPUs meet cpus, into nodes; *host_nodes: how many nodes the host has (0 when
 * sysfs shows none). */
int sh_topo_nodes_of_cpus(const char *root, const struct sh_cpuset *cpus, struct sh_cpuset *nodes, unsigned *host_nodes,
			  struct sh_error *err);
/* A PCI device's node, -1 when the kernel does not know it (or the file is absent). */
int sh_topo_pci_node(const char *root, const char *pci);
/* The path of PCI device pci from its root complex down. -ENODEV (err says so) when pci is no PCI
 * device under root. */
int sh_topo_pcie_path(const char *root, const char *pci, struct sh_pcie_path *p, struct sh_error *err);
/* How many hops above both devices a and b share: 0 none (other root complexes), 1 the root
 * complex, 2 the root port, 3 and more a switch (the deeper, the closer). *via: the deepest shared
 * hop, NULL when none. */
unsigned sh_topo_shared(const struct sh_pcie_path *a, const struct sh_pcie_path *b, const char **via);
/* What a shared depth is called: "root complex", "root port", "switch" ("" for 0). */
const char *sh_topo_share_name(unsigned shared);
/* The root port of a path (hop[1]), or its root complex when the device sits on the root bus. */
const char *sh_topo_pcie_root(const struct sh_pcie_path *p);
/* The PCI devices behind character device major:minor, at most max of them into pcis; how many (0:
 * the node is no PCI device's). The device dev/char/<major>:<minor>/device names, or for a vfio
 * group node (class vfio, no device link) every PCI device of its IOMMU group
 * (kernel/iommu_groups/<N>/devices/), sorted by address: a container given the group node holds
 * all of them. */
size_t sh_topo_char_pcis(const char *root, unsigned major, unsigned minor, char (*pcis)[SH_PCI_LEN], size_t max);

#endif
