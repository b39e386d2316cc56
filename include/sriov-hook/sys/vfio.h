/* A VF and vfio-pci, through sysfs: its IOMMU group and whether that group is viable, the bind to
 * vfio-pci (driver_override, unbind, probe) and the way back to its own driver, and the device
 * nodes a container needs. Paths are read and written under sysfs_root and dev_root (tests point
 * them at a fake tree); nothing here knows of claims or containers. */
#ifndef SRIOV_HOOK_VFIO_H
#define SRIOV_HOOK_VFIO_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

#define SH_VFIO_DRIVER_MAX 64
/* How long a bind or a return to the VF's driver may take before it is an error. */
#define SH_VFIO_BIND_TIMEOUT_MS 5000

/* For the unit tests only: replaces SH_VFIO_BIND_TIMEOUT_MS (0 restores it), so that a bind that
 * never completes fails within a fraction of a second. Not for production callers. */
void sh_vfio_set_timeout_ms(unsigned ms);

/* The IOMMU group of the PCI device pci (*group >= 0). With no IOMMU group (the IOMMU is off, or
 * the kernel has none): -ENODEV and a message that names the fix (intel_iommu=on / amd_iommu=on
 * iommu=pt on the kernel command line). */
int sh_vfio_iommu_group(const char *sysfs_root, const char *pci, int *group, struct sh_error *err);

/* The driver pci is bound to now ("" when none), from its driver link. */
int sh_vfio_driver(const char *sysfs_root, const char *pci, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err);

/* Whether group (pci's) can be used through vfio once pci is on vfio-pci: every other device of
 * the group is unbound or bound to vfio-pci, pci-stub or pcieport (the kernel's rule). -EBUSY with
 * a message that names the others and their drivers ("IOMMU group 7 of 0000:01:10.0 also holds
 * 0000:01:00.0 (igb): ..."). */
int sh_vfio_group_check(const char *sysfs_root, const char *pci, int group, struct sh_error *err);

/* The PCI devices of IOMMU group (kernel/iommu_groups/<group>/devices), sorted: *n of them, the
 * first max in pci. Devices that share a group (no ACS between them) are one unit for vfio: whoever
 * opens /dev/vfio/<group> reaches every one of them. */
int sh_vfio_group_devices(const char *sysfs_root, int group, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			  struct sh_error *err);

/* The SR-IOV VFs of IOMMU group: their count (other devices of the group are not counted), in pcis
 * their addresses comma-separated, in text "IOMMU group 7 is shared by VF 0 (0000:01:10.0) and VF 1
 * (0000:01:10.1) of ens1f0" (each VF's PF named when they differ). Both cut at their length. */
int sh_vfio_group_vfs(const char *sysfs_root, int group, char *pcis, size_t plen, char *text, size_t tlen,
		      struct sh_error *err);

/* Binds pci to vfio-pci: checks that vfio-pci is loaded (else -ENOENT naming `modprobe
 * vfio-pci`), writes driver_override, unbinds the current driver, asks drivers_probe, and waits
 * (up to SH_VFIO_BIND_TIMEOUT_MS) for the driver to be vfio-pci and dev_root/vfio/<group> to exist.
 * Already on vfio-pci: 0, nothing written. On failure what it changed is put back (override
 * cleared, unbound from vfio-pci if it got there, the former driver probed again or bound by hand)
 * and the error is the first one (-ETIMEDOUT for the wait), with "(and putting it back failed:
 * ...)" on the same line when that failed too. orig (may be NULL) gets the driver it was on (""
 * when it was unbound or already on vfio-pci, or on failure). The caller checks the group first
 * (sh_vfio_group_check): the bind does not. */
int sh_vfio_bind(const char *sysfs_root, const char *dev_root, const char *pci, int group,
		 char orig[SH_VFIO_DRIVER_MAX], struct sh_error *err);

/* Gives pci back to driver: unbind from vfio-pci (if bound), clear driver_override, probe, and
 * bind through drivers/<driver>/bind if probing chose another (or none: a short grace first, for a
 * bind that completes just after the probe); waits (up to SH_VFIO_BIND_TIMEOUT_MS) until its
 * driver is driver, else -ETIMEDOUT naming pci and driver. Already on driver: 0, nothing written.
 * A driver name with '/' or "." / ".." is refused (-EINVAL): it comes from a claim record. A
 * driver that is not loaded (no bus/pci/drivers/<driver>): -ENOENT, nothing written, so the device
 * is not left unbound. */
int sh_vfio_unbind(const char *sysfs_root, const char *pci, const char *driver, struct sh_error *err);

/* Unbinds pci from the driver it is on and probes it again (driver_override cleared, as a return
 * from vfio-pci does), so that the driver makes a fresh netdev; waits for the driver to take it
 * back. *driver gets that driver's name. */
int sh_pci_rebind(const char *sysfs_root, const char *pci, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err);

/* A character device node: its path, and numbers for config.json's linux.devices and the
 * device cgroup rule. */
struct sh_devnode {
	char path[64]; /* as the container sees it: /dev/vfio/vfio, /dev/vfio/<group> */
	unsigned major, minor;
};
/* The node of dev_root/vfio/<group> (group -1: dev_root/vfio/vfio, the container node). -ENOENT
 * when absent, -ENOTTY when not a character device (a symlink is not followed: -ENOTTY too). */
int sh_vfio_devnode(const char *dev_root, int group, struct sh_devnode *node, struct sh_error *err);

/* Whether pci, on vfio-pci, is open by someone (a VM, a DPDK process): vfio-pci enables the device
 * when a user opens it and disables it at the last close, so its enable attribute says so. An
 * attribute that is absent or unreadable says no. */
bool sh_vfio_device_in_use(const char *sysfs_root, const char *pci);

/* The NUMA node of pci (its numa_node attribute), -1 when the platform does not say or the
 * attribute is absent, a link, or not one integer >= -1. */
int sh_vfio_numa_node(const char *sysfs_root, const char *pci);

#endif
