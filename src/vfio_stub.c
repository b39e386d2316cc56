/* TEMPORARY stand-in for src/vfio.c (another branch) so that wt-ctl builds and tests; reverted
 * before the branch is done. Reads what the fake sysfs trees hold; binds nothing. */
#include "sriov-hook/vfio.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sriov-hook/sysfs.h"

int sh_vfio_iommu_group(const char *sysfs_root, const char *pci, int *group, struct sh_error *err)
{
	char buf[32];

	if (sh_sysfs_pci_link(sysfs_root, pci, "iommu_group", buf, sizeof(buf)) < 0)
		return sh_err(err, ENODEV,
			      "%s has no IOMMU group: the IOMMU is off (add intel_iommu=on iommu=pt, AMD: "
			      "amd_iommu=on, to the kernel command line)",
			      pci);
	*group = atoi(buf);
	return 0;
}

int sh_vfio_driver(const char *sysfs_root, const char *pci, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	(void)err;
	if (sh_sysfs_pci_link(sysfs_root, pci, "driver", driver, SH_VFIO_DRIVER_MAX) < 0)
		driver[0] = '\0';
	return 0;
}

int sh_vfio_group_check(const char *sysfs_root, const char *pci, int group, struct sh_error *err)
{
	char path[4096], drv[64], others[512] = "";
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", sysfs_root, group);
	if (!(d = opendir(path)))
		return sh_err_errno(err, errno, "%s", path);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, pci))
			continue;
		if (sh_sysfs_pci_link(sysfs_root, e->d_name, "driver", drv, sizeof(drv)) < 0 ||
		    !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub") || !strcmp(drv, "pcieport"))
			continue;
		snprintf(others + strlen(others), sizeof(others) - strlen(others), "%s%s (%s)", others[0] ? ", " : "",
			 e->d_name, drv);
	}
	closedir(d);
	if (others[0])
		return sh_err(err, EBUSY, "IOMMU group %d of %s also holds %s: the group would not be viable", group,
			      pci, others);
	return 0;
}

int sh_vfio_bind(const char *sysfs_root, const char *dev_root, const char *pci, int group,
		 char orig[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	char drv[SH_VFIO_DRIVER_MAX];

	(void)dev_root;
	(void)group;
	sh_vfio_driver(sysfs_root, pci, drv, err);
	if (orig)
		orig[0] = '\0';
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	return sh_err(err, EOPNOTSUPP, "bind %s: stub", pci);
}

int sh_vfio_unbind(const char *sysfs_root, const char *pci, const char *driver, struct sh_error *err)
{
	(void)sysfs_root;
	(void)driver;
	return sh_err(err, EOPNOTSUPP, "unbind %s: stub", pci);
}

int sh_vfio_devnode(const char *dev_root, int group, struct sh_devnode *node, struct sh_error *err)
{
	char path[4096];
	struct stat sb;

	if (group < 0)
		snprintf(path, sizeof(path), "%s/vfio/vfio", dev_root);
	else
		snprintf(path, sizeof(path), "%s/vfio/%d", dev_root, group);
	if (stat(path, &sb) < 0)
		return sh_err_errno(err, errno, "%s", path);
	if (!S_ISCHR(sb.st_mode))
		return sh_err(err, ENOTTY, "%s: not a character device", path);
	snprintf(node->path, sizeof(node->path), "/dev/vfio/%s", strrchr(path, '/') + 1);
	node->major = major(sb.st_rdev);
	node->minor = minor(sb.st_rdev);
	return 0;
}

int sh_vfio_numa_node(const char *sysfs_root, const char *pci)
{
	char buf[32];

	if (sh_sysfs_pci_attr(sysfs_root, pci, "numa_node", buf, sizeof(buf)) < 0)
		return -1;
	return atoi(buf);
}
