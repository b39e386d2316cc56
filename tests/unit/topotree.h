/* A fake sysfs tree with NUMA nodes and a PCIe hierarchy (include after fakesys.h), shared by
 * test_topology and test_locality. Devices nest under their bridges as the kernel nests them:
 *
 *   pci0000:00 (node 0) ─ 0000:00:01.0 root port ─ 0000:01:00.0 switch ┬ 0000:02:00.0 ─ PF A 0000:03:00.0
 *                      │                                               └ 0000:02:01.0 ─ GPU  0000:04:00.0
 *                      ├ 0000:00:02.0 root port ─ PF B 0000:05:00.0
 *                      └ 0000:00:03.0 root port ┬ PF G 0000:06:00.0
 *                                               └ NVMe 0000:06:00.1
 *   pci0000:40 (node 1) ─ 0000:40:01.0 ─ PF C 0000:41:00.0
 *   pci0000:80 (node 2) ─ PF D 0000:80:02.0 (on the root bus)
 *   pci0000:c0 (node 3) ─ 0000:c0:01.0 ─ PF E 0000:c1:00.0
 *
 * Nodes: 4 (CPUs 0-3, 4-7, 8-11, 12-15), or 2 (0-1, 2-3; only A and C then have a node of theirs).
 * Character devices: 226:128 the GPU's render node, 10:229 (fuse) and 4:64 (a tty on a platform
 * device): no PCI device behind them. vfio group nodes (class vfio, no device link): 242:0 group 7
 * (the GPU's audio function 0000:04:00.1 and the GPU), 242:1 noiommu-9 (the NVMe), 242:2 group 8
 * (no such IOMMU group); 10:196 is /dev/vfio/vfio (class misc). */
#ifndef SRIOV_HOOK_TOPOTREE_H
#define SRIOV_HOOK_TOPOTREE_H

#define PF_A "0000:03:00.0"
#define PF_B "0000:05:00.0"
#define PF_C "0000:41:00.0"
#define PF_D "0000:80:02.0"
#define PF_E "0000:c1:00.0"
#define PF_G "0000:06:00.0"
#define GPU "0000:04:00.0"
#define NVME "0000:06:00.1"
#define GPU_AUDIO "0000:04:00.1"
#define GPU_REL "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/" GPU

/* devices/<rel> with its bus/pci/devices link and, node >= -1, its numa_node. */
static inline void tt_dev(const char *root, const char *rel, int node)
{
	char path[PATH_MAX], text[16];

	fs_pci_at(root, rel);
	if (node < -1)
		return;
	fs_path(path, root, "devices/%s/numa_node", rel);
	snprintf(text, sizeof(text), "%d\n", node);
	write_text(path, text);
}

static inline void tt_node(const char *root, unsigned n, const char *cpulist)
{
	char path[PATH_MAX];

	fs_path(path, root, "devices/system/node/node%u", n);
	fs_mkdir_p(path);
	fs_path(path, root, "devices/system/node/node%u/cpulist", n);
	write_text(path, cpulist);
}

/* dev/char/<mm> -> the device directory rel (under devices/), with a device link when pci is set. */
static inline void tt_char(const char *root, const char *mm, const char *rel, const char *device_rel)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, root, "devices/%s", rel);
	fs_mkdir_p(path);
	fs_path(path, root, "dev/char");
	fs_mkdir_p(path);
	fs_path(path, root, "dev/char/%s", mm);
	snprintf(target, sizeof(target), "../../devices/%s", rel);
	fs_link(target, path);
	if (!device_rel)
		return;
	fs_path(path, root, "devices/%s/device", rel);
	snprintf(target, sizeof(target), "%s/devices/%s", root, device_rel);
	fs_link(target, path);
}

/* A vfio group node dev/char/<mm> -> devices/virtual/vfio/<name> in class vfio (or class misc,
 * /dev/vfio/vfio), without a device link, as the kernel makes them. */
static inline void tt_vfio_node(const char *root, const char *mm, const char *name, const char *class)
{
	char path[PATH_MAX], target[PATH_MAX];

	snprintf(target, sizeof(target), "virtual/%s/%s", class, name);
	tt_char(root, mm, target, NULL);
	fs_path(path, root, "class/%s", class);
	fs_mkdir_p(path);
	fs_path(path, root, "devices/virtual/%s/%s/subsystem", class, name);
	snprintf(target, sizeof(target), "../../../../class/%s", class);
	fs_link(target, path);
}

/* kernel/iommu_groups/<group>/devices/<pci> -> devices/<rel> */
static inline void tt_group_dev(const char *root, unsigned group, const char *rel)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base = strrchr(rel, '/') + 1;

	fs_path(path, root, "kernel/iommu_groups/%u/devices", group);
	fs_mkdir_p(path);
	fs_path(path, root, "kernel/iommu_groups/%u/devices/%s", group, base);
	snprintf(target, sizeof(target), "../../../../devices/%s", rel);
	fs_link(target, path);
}

static inline void tt_build(const char *root, unsigned nodes)
{
	tt_dev(root, "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/" PF_A, 0);
	tt_dev(root, GPU_REL, 0);
	tt_dev(root, "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/" GPU_AUDIO, 0);
	tt_dev(root, "pci0000:00/0000:00:02.0/" PF_B, 0);
	tt_dev(root, "pci0000:00/0000:00:03.0/" PF_G, 0);
	tt_dev(root, "pci0000:00/0000:00:03.0/" NVME, 0);
	tt_dev(root, "pci0000:40/0000:40:01.0/" PF_C, nodes == 4 ? 1 : 1);
	tt_dev(root, "pci0000:80/" PF_D, nodes == 4 ? 2 : -1);
	tt_dev(root, "pci0000:c0/0000:c0:01.0/" PF_E, nodes == 4 ? 3 : -1);
	if (nodes == 4) {
		tt_node(root, 0, "0-3\n");
		tt_node(root, 1, "4-7\n");
		tt_node(root, 2, "8-11\n");
		tt_node(root, 3, "12-15\n");
	} else {
		tt_node(root, 0, "0-1\n");
		tt_node(root, 1, "2-3\n");
	}
	tt_char(root, "226:128", "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/" GPU "/drm/renderD128",
		"pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/" GPU);
	tt_char(root, "10:229", "virtual/misc/fuse", NULL);
	tt_char(root, "4:64", "platform/serial8250/tty/ttyS0", "platform/serial8250");
	tt_vfio_node(root, "242:0", "7", "vfio");
	tt_group_dev(root, 7, "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/" GPU_AUDIO);
	tt_group_dev(root, 7, GPU_REL);
	tt_vfio_node(root, "242:1", "noiommu-9", "vfio");
	tt_group_dev(root, 9, "pci0000:00/0000:00:03.0/" NVME);
	tt_vfio_node(root, "242:2", "8", "vfio");
	tt_vfio_node(root, "10:196", "vfio", "misc");
}

#endif
