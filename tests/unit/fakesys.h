/* Fake sysfs trees for the unit tests of sysfs readers (include after cmocka.h and testutil.h),
 * mirroring the real layout, symlinks included:
 *
 *   ROOT/devices/pci0000:00/<pf>/{sriov_numvfs, sriov_totalvfs, virtfnK -> ../<vf>, net/<name>/device}
 *   ROOT/devices/pci0000:00/<vf>/{physfn -> ../<pf>, net/<name>/, driver -> ../../../bus/pci/drivers/<drv>}
 *   ROOT/bus/pci/devices/<pci> -> ../../../devices/pci0000:00/<pci>
 *   ROOT/class/net/<name> -> ../../devices/pci0000:00/<pci>/net/<name>
 *   ROOT/kernel/iommu_groups/<n>/devices/<pci> -> ../../../../devices/pci0000:00/<pci> (fs_iommu_group)
 */
#ifndef SRIOV_HOOK_FAKESYS_H
#define SRIOV_HOOK_FAKESYS_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* testutil.h's mkdir_p, failing the test instead of returning. */
static inline void fs_mkdir_p(const char *path)
{
	if (mkdir_p(path) < 0)
		fail_msg("mkdir -p %s: %s", path, strerror(errno));
}

static inline void fs_path(char *out, const char *root, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void fs_path(char *out, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, PATH_MAX, "%s/", root);

	va_start(ap, fmt);
	vsnprintf(out + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
}

static inline void fs_link(const char *target, const char *path)
{
	unlink(path);
	if (symlink(target, path) < 0)
		fail_msg("symlink %s -> %s: %s", path, target, strerror(errno));
}

/* devices/pci0000:00/<pci>/<attr> = text */
static inline void fs_attr(const char *root, const char *pci, const char *attr, const char *text)
{
	char path[PATH_MAX];

	fs_path(path, root, "devices/pci0000:00/%s/%s", pci, attr);
	write_text(path, text);
}

/* A PCI device at devices/<rel> (any depth: behind bridges and switches), with its
 * bus/pci/devices/<address> link; the address is rel's last component. */
static inline void fs_pci_at(const char *root, const char *rel)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

	fs_path(path, root, "devices/%s", rel);
	fs_mkdir_p(path);
	fs_path(path, root, "bus/pci/devices");
	fs_mkdir_p(path);
	fs_path(path, root, "bus/pci/devices/%s", base);
	snprintf(target, sizeof(target), "../../../devices/%s", rel);
	fs_link(target, path);
}

static inline void fs_pci(const char *root, const char *pci)
{
	char rel[128]; /* a PCI address under the root bus */

	snprintf(rel, sizeof(rel), "pci0000:00/%.64s", pci);
	fs_pci_at(root, rel);
}

static inline void fs_netdev(const char *root, const char *pci, const char *name)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, root, "devices/pci0000:00/%s/net/%s", pci, name);
	fs_mkdir_p(path);
	fs_path(path, root, "devices/pci0000:00/%s/net/%s/device", pci, name);
	snprintf(target, sizeof(target), "../../../%s", pci);
	fs_link(target, path);
	fs_path(path, root, "class/net");
	fs_mkdir_p(path);
	fs_path(path, root, "class/net/%s", name);
	snprintf(target, sizeof(target), "../../devices/pci0000:00/%s/net/%s", pci, name);
	fs_link(target, path);
}

static inline void fs_driver(const char *root, const char *pci, const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, root, "bus/pci/drivers/%s", driver);
	fs_mkdir_p(path);
	fs_path(path, root, "devices/pci0000:00/%s/driver", pci);
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	fs_link(target, path);
}

/* pci in IOMMU group n, both ways as the kernel links them:
 *   devices/pci0000:00/<pci>/iommu_group -> ../../../kernel/iommu_groups/<n>
 *   kernel/iommu_groups/<n>/devices/<pci> -> ../../../../devices/pci0000:00/<pci> */
static inline void fs_iommu_group(const char *root, const char *pci, int n)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, root, "kernel/iommu_groups/%d/devices", n);
	fs_mkdir_p(path);
	fs_path(path, root, "kernel/iommu_groups/%d/devices/%s", n, pci);
	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", pci);
	fs_link(target, path);
	fs_path(path, root, "devices/pci0000:00/%s/iommu_group", pci);
	snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", n);
	fs_link(target, path);
}

/* A PF: name NULL for none; numvfs/totalvfs NULL to leave the file out. */
static inline void fs_pf(const char *root, const char *pci, const char *name, const char *numvfs, const char *totalvfs)
{
	fs_pci(root, pci);
	if (name)
		fs_netdev(root, pci, name);
	fs_driver(root, pci, "igb");
	if (numvfs)
		fs_attr(root, pci, "sriov_numvfs", numvfs);
	if (totalvfs)
		fs_attr(root, pci, "sriov_totalvfs", totalvfs);
}

/* A VF: netdev NULL for no net/ directory, "" for an empty one; driver NULL for unbound. */
static inline void fs_vf(const char *root, const char *pf_pci, unsigned index, const char *pci, const char *netdev,
			 const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_pci(root, pci);
	fs_path(path, root, "devices/pci0000:00/%s/physfn", pci);
	snprintf(target, sizeof(target), "../%s", pf_pci);
	fs_link(target, path);
	fs_path(path, root, "devices/pci0000:00/%s/virtfn%u", pf_pci, index);
	snprintf(target, sizeof(target), "../%s", pci);
	fs_link(target, path);
	if (netdev && *netdev) {
		fs_netdev(root, pci, netdev);
	} else if (netdev) {
		fs_path(path, root, "devices/pci0000:00/%s/net", pci);
		fs_mkdir_p(path);
	}
	if (driver)
		fs_driver(root, pci, driver);
}

#endif
