/* PF and VF discovery on fake sysfs trees that mirror the real layout, symlinks included:
 *
 *   ROOT/devices/pci0000:00/<pf>/{sriov_numvfs, sriov_totalvfs, virtfnK -> ../<vf>, net/<pfname>/device ->
 * ../../../<pf>} ROOT/devices/pci0000:00/<vf>/{physfn -> ../<pf>, net/<vfname>/, driver ->
 * ../../../bus/pci/drivers/<drv>} ROOT/bus/pci/devices/<pci> -> ../../../devices/pci0000:00/<pci> ROOT/class/net/<name>
 * -> ../../devices/pci0000:00/<pci>/net/<name>
 */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"

#define PF_PCI "0000:3b:00.0"
#define PF_NAME "ens1f0"

/* ---- the tree (fakesys.h builds it) -------------------------------------------------------------- */

/*
 * ens1f0 (0000:3b:00.0): sriov_numvfs 4, sriov_totalvfs 8, VFs at addresses that are not contiguous:
 *   0 0000:3b:02.0 ens1f0v0 igbvf
 *   1 0000:3b:02.1 (empty net/: moved into a container) igbvf
 *   2 0000:3b:0a.0 ens1f0v2 igbvf
 *   3 0000:3b:02.3 (no net/) vfio-pci
 * ens1f1 (0000:3b:00.1): SR-IOV capable, sriov_numvfs 0
 * 0000:3b:00.2: SR-IOV capable but no netdev
 * eno1 (0000:00:1f.6): no SR-IOV
 * veth0: a virtual device (no device link)
 */
static int tree_setup(void **state)
{
	char *root = strdup("/tmp/sriov-hook-test-sysfs-XXXXXX");
	char path[PATH_MAX];

	if (!root || !mkdtemp(root))
		return -1;
	fs_pf(root, PF_PCI, PF_NAME, "4\n", "8\n");
	fs_vf(root, PF_PCI, 0, "0000:3b:02.0", "ens1f0v0", "igbvf");
	fs_vf(root, PF_PCI, 1, "0000:3b:02.1", "", "igbvf");
	fs_vf(root, PF_PCI, 2, "0000:3b:0a.0", "ens1f0v2", "igbvf");
	fs_vf(root, PF_PCI, 3, "0000:3b:02.3", NULL, "vfio-pci");
	fs_pf(root, "0000:3b:00.1", "ens1f1", "0\n", "8\n");
	fs_pf(root, "0000:3b:00.2", NULL, "2\n", "8\n");
	fs_pf(root, "0000:00:1f.6", "eno1", NULL, NULL);
	fs_path(path, root, "devices/virtual/net/veth0");
	assert_int_equal(mkdir_p(path), 0);
	fs_path(path, root, "class/net/veth0");
	fs_link("../../devices/virtual/net/veth0", path);
	*state = root;
	return 0;
}

static int tree_teardown(void **state)
{
	rm_tree(*state);
	free(*state);
	return 0;
}

/* The fixture is what real sysfs looks like: the links resolve to the devices. */
static void test_tree_is_realistic(void **state)
{
	const char *root = *state;
	char path[PATH_MAX], real[PATH_MAX], want[PATH_MAX];

	fs_path(path, root, "class/net/%s/device/virtfn2/physfn/net/%s", PF_NAME, PF_NAME);
	assert_non_null(realpath(path, real));
	fs_path(want, root, "devices/pci0000:00/%s/net/%s", PF_PCI, PF_NAME);
	assert_string_equal(real, want);
	fs_path(path, root, "bus/pci/devices/0000:3b:02.0/driver");
	assert_non_null(realpath(path, real));
	fs_path(want, root, "bus/pci/drivers/igbvf");
	assert_string_equal(real, want);
}

/* ---- PFs ---------------------------------------------------------------------------------------- */

static void test_pf_by_name(void **state)
{
	const char *root = *state;
	struct sh_pf pf;
	struct sh_error err = { 0 };

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_string_equal(pf.name, PF_NAME);
	assert_string_equal(pf.pci, PF_PCI);
	assert_int_equal(pf.numvfs, 4);

	assert_int_equal(sh_sysfs_pf_resolve(root, "ens1f1", &pf, &err), 0);
	assert_string_equal(pf.pci, "0000:3b:00.1");
	assert_int_equal(pf.numvfs, 0);
}

static void test_pf_by_pci(void **state)
{
	const char *root = *state;
	struct sh_pf pf;
	struct sh_error err = { 0 };

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_PCI, &pf, &err), 0);
	assert_string_equal(pf.name, PF_NAME);
	assert_string_equal(pf.pci, PF_PCI);
	assert_int_equal(pf.numvfs, 4);
}

static void test_pf_errors(void **state)
{
	static const struct {
		const char *spec;
		int ret;
		const char *msg;
	} cases[] = {
		{ "ens9", -ENODEV, "ens9: no such network interface" },
		{ "0000:3b:00.7", -ENODEV, "0000:3b:00.7: no such PCI device" },
		{ "0000:3b:00.2", -ENODEV, "0000:3b:00.2 has no network interface" },
		{ "eno1", -ENOTSUP, "not an SR-IOV PF" },
		{ "0000:00:1f.6", -ENOTSUP, "not an SR-IOV PF" },
		{ "veth0", -ENODEV, "veth0 is not a PCI device" },
		/* a VF is never taken for a PF, by name or by address */
		{ "ens1f0v0", -EINVAL, "is a VF, not a PF" },
		{ "0000:3b:02.0", -EINVAL, "is a VF, not a PF" },
		{ "0000:3b:02.3", -ENODEV, "no network interface" }, /* vfio-bound VF: no netdev at all */
	};
	const char *root = *state;
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_pf pf;
		struct sh_error err = { 0 };
		int r = sh_sysfs_pf_resolve(root, cases[i].spec, &pf, &err);

		if (r != cases[i].ret)
			fail_msg("%s: want %d, got %d (%s)", cases[i].spec, cases[i].ret, r, err.msg);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].spec, err.msg, cases[i].msg);
	}
}

static void test_pf_numvfs_unreadable(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	struct sh_pf pf;
	struct sh_error err = { 0 };

	fs_path(path, root, "devices/pci0000:00/%s/sriov_numvfs", PF_PCI);
	write_text(path, "garbage\n");
	assert_true(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err) < 0);
	write_text(path, "");
	assert_true(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err) < 0);
	write_text(path, "7");
	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_int_equal(pf.numvfs, 7);
}

static void test_pf_missing_root(void **state)
{
	struct sh_pf pf;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_sysfs_pf_resolve("/nonexistent/sriov-hook-sysfs", PF_NAME, &pf, &err), -ENODEV);
	assert_int_equal(sh_sysfs_pf_resolve("/nonexistent/sriov-hook-sysfs", PF_PCI, &pf, &err), -ENODEV);
}

/* ---- VFs by index ------------------------------------------------------------------------------- */

static void test_vf_get(void **state)
{
	static const struct {
		unsigned index;
		const char *pci, *netdev, *driver;
	} cases[] = {
		{ 0, "0000:3b:02.0", "ens1f0v0", "igbvf" },
		{ 1, "0000:3b:02.1", "", "igbvf" }, /* net/ empty: no netdev on the host */
		{ 2, "0000:3b:0a.0", "ens1f0v2", "igbvf" },
		{ 3, "0000:3b:02.3", "", "vfio-pci" }, /* bound to vfio: no netdev at all */
	};
	const char *root = *state;
	struct sh_pf pf;
	struct sh_error err = { 0 };
	size_t i;

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_vf vf;

		memset(&vf, 0xa5, sizeof(vf));
		if (sh_sysfs_vf_get(root, &pf, cases[i].index, &vf, &err) != 0)
			fail_msg("VF %u: %s", cases[i].index, err.msg);
		assert_int_equal(vf.index, cases[i].index);
		assert_string_equal(vf.pf_name, PF_NAME);
		assert_string_equal(vf.pf_pci, PF_PCI);
		assert_string_equal(vf.pci, cases[i].pci);
		assert_string_equal(vf.netdev, cases[i].netdev);
		assert_string_equal(vf.driver, cases[i].driver);
	}
}

static void test_vf_get_unbound(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_error err = { 0 };

	fs_path(path, root, "devices/pci0000:00/0000:3b:02.3/driver");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 3, &vf, &err), 0);
	assert_string_equal(vf.driver, "");
	assert_string_equal(vf.netdev, "");
}

static void test_vf_get_out_of_range(void **state)
{
	const char *root = *state;
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_error err = { 0 };

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	/* sriov_numvfs is 4: VF 4 does not exist, even though the device could have 8 */
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 4, &vf, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "VF 4 of ens1f0"));
	assert_non_null(strstr(err.msg, "sriov_numvfs is 4"));
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 65535, &vf, &err), -ERANGE);
	/* a PF with no VFs enabled */
	assert_int_equal(sh_sysfs_pf_resolve(root, "ens1f1", &pf, &err), 0);
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 0, &vf, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "sriov_numvfs is 0"));
}

/* sriov_numvfs says more than the virtfn links show (VFs being created or removed). */
static void test_vf_get_missing_virtfn(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_error err = { 0 };

	fs_path(path, root, "devices/pci0000:00/%s/sriov_numvfs", PF_PCI);
	write_text(path, "6\n");
	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 5, &vf, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "virtfn5"));
}

/* The VF's host netdev is read fresh: after a rename, or once the kernel brought it back. */
static void test_vf_netdev(void **state)
{
	const char *root = *state;
	char from[PATH_MAX], to[PATH_MAX], name[IFNAMSIZ];
	struct sh_error err = { 0 };

	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:02.0", name, &err), 0);
	assert_string_equal(name, "ens1f0v0");
	fs_path(from, root, "devices/pci0000:00/0000:3b:02.0/net/ens1f0v0");
	fs_path(to, root, "devices/pci0000:00/0000:3b:02.0/net/dev17");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:02.0", name, &err), 0);
	assert_string_equal(name, "dev17");
	/* gone into a container */
	fs_path(from, root, "devices/pci0000:00/0000:3b:02.0/net/dev17/device");
	unlink(from);
	assert_int_equal(rmdir(to), 0);
	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:02.0", name, &err), 0);
	assert_string_equal(name, "");
	/* no net/ at all, no such device */
	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:02.3", name, &err), 0);
	assert_string_equal(name, "");
	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:1f.7", name, &err), 0);
	assert_string_equal(name, "");
}

/* Every failure fills the error with the path and the reason: a caller that reports it never says
 * "no free VF" for what was an unreadable tree. */
static void test_errors_name_path(void **state)
{
	const char *root = *state;
	char path[PATH_MAX], name[IFNAMSIZ], pci[SH_PCI_LEN], want[PATH_MAX + 64];
	struct sh_error err = { 0 };
	struct sh_pf pf;

	/* a net/ that is not a directory */
	fs_path(path, root, "devices/pci0000:00/0000:3b:02.3/net");
	write_text(path, "");
	assert_int_equal(sh_sysfs_pci_netdev(root, "0000:3b:02.3", name, &err), -ENOTDIR);
	fs_path(path, root, "bus/pci/devices/0000:3b:02.3/net");
	snprintf(want, sizeof(want), "list %s: %s", path, strerror(ENOTDIR));
	assert_string_equal(err.msg, want);

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_int_equal(sh_sysfs_virtfn_pci(root, &pf, 2, pci, &err), 0);
	assert_string_equal(pci, "0000:3b:0a.0");
	assert_int_equal(sh_sysfs_virtfn_pci(root, &pf, 9, pci, &err), -ENOENT);
	fs_path(path, root, "bus/pci/devices/%s/virtfn9", PF_PCI);
	snprintf(want, sizeof(want), "read link %s: %s", path, strerror(ENOENT));
	assert_string_equal(err.msg, want);

	/* a root so long that no path under it fits */
	memset(path, 'r', PATH_MAX - 1);
	path[0] = '/';
	path[PATH_MAX - 1] = '\0';
	assert_int_equal(sh_sysfs_pci_netdev(path, "0000:3b:02.0", name, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "is too long"));
}

/* ---- VFs by PCI address --------------------------------------------------------------------------- */

static void test_vf_by_pci(void **state)
{
	static const struct {
		const char *pci;
		unsigned index;
		const char *netdev;
	} cases[] = {
		{ "0000:3b:02.0", 0, "ens1f0v0" },
		{ "0000:3b:02.1", 1, "" },
		{ "0000:3b:0a.0", 2, "ens1f0v2" }, /* not at 02.2: found by scanning the virtfn links */
		{ "0000:3b:02.3", 3, "" },
	};
	const char *root = *state;
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_pf pf;
		struct sh_vf vf;
		struct sh_error err = { 0 };

		if (sh_sysfs_vf_by_pci(root, cases[i].pci, &pf, &vf, &err) != 0)
			fail_msg("%s: %s", cases[i].pci, err.msg);
		assert_string_equal(pf.name, PF_NAME);
		assert_string_equal(pf.pci, PF_PCI);
		assert_int_equal(pf.numvfs, 4);
		assert_int_equal(vf.index, cases[i].index);
		assert_string_equal(vf.pci, cases[i].pci);
		assert_string_equal(vf.netdev, cases[i].netdev);
		assert_string_equal(vf.pf_name, PF_NAME);
	}
}

/* Without sriov_totalvfs the scan still covers every enabled VF. */
static void test_vf_by_pci_no_totalvfs(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_error err = { 0 };

	fs_path(path, root, "devices/pci0000:00/%s/sriov_totalvfs", PF_PCI);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sh_sysfs_vf_by_pci(root, "0000:3b:02.3", &pf, &vf, &err), 0);
	assert_int_equal(vf.index, 3);
}

static void test_vf_by_pci_errors(void **state)
{
	static const struct {
		const char *pci;
		const char *msg;
	} cases[] = {
		{ PF_PCI, "no physfn" },	 /* a PF is not a VF */
		{ "0000:00:1f.6", "no physfn" }, /* nor is any other device */
		{ "0000:3b:1f.7", "no physfn" }, /* no such device */
	};
	const char *root = *state;
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_pf pf;
		struct sh_vf vf;
		struct sh_error err = { 0 };
		int r = sh_sysfs_vf_by_pci(root, cases[i].pci, &pf, &vf, &err);

		if (r != -ENODEV)
			fail_msg("%s: want -ENODEV, got %d (%s)", cases[i].pci, r, err.msg);
		if (!strstr(err.msg, cases[i].msg) || !strstr(err.msg, cases[i].pci))
			fail_msg("%s: message \"%s\"", cases[i].pci, err.msg);
	}
}

/* A VF whose physfn points at a PF that does not list it among its virtfn links. */
static void test_vf_by_pci_not_listed(void **state)
{
	const char *root = *state;
	char path[PATH_MAX];
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_error err = { 0 };

	fs_pci(root, "0000:3b:03.0");
	fs_path(path, root, "devices/pci0000:00/0000:3b:03.0/physfn");
	fs_link("../" PF_PCI, path);
	assert_int_equal(sh_sysfs_vf_by_pci(root, "0000:3b:03.0", &pf, &vf, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "not among the VFs of ens1f0"));
}

/* virtio-net SR-IOV: a netdev hangs off a virtio device below the PCI function:
 *   devices/pci0000:00/<pci>/virtioN/net/<name>, class/net/<name> -> ... (its device link is virtioN)
 * The PF resolves by name and by PCI address, and a VF's netdev is found, as with igb. */
static void fs_virtio_netdev(const char *root, const char *pci, const char *virtio, const char *name)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, root, "devices/pci0000:00/%s/%s/net/%s", pci, virtio, name);
	fs_mkdir_p(path);
	fs_path(path, root, "devices/pci0000:00/%s/%s/net/%s/device", pci, virtio, name);
	snprintf(target, sizeof(target), "../../../%s", virtio);
	fs_link(target, path);
	fs_path(path, root, "class/net/%s", name);
	snprintf(target, sizeof(target), "../../devices/pci0000:00/%s/%s/net/%s", pci, virtio, name);
	fs_link(target, path);
}

static void test_virtio_layout(void **state)
{
	const char *root = *state;
	struct sh_error err = {0};
	struct sh_pf pf;
	struct sh_vf vf;
	char path[PATH_MAX], real[PATH_MAX];

	fs_pf(root, "0000:01:00.0", NULL, "2\n", "7\n");
	fs_virtio_netdev(root, "0000:01:00.0", "virtio0", "eth9");
	fs_vf(root, "0000:01:00.0", 0, "0000:01:00.1", NULL, "virtio-pci");
	fs_virtio_netdev(root, "0000:01:00.1", "virtio1", "eth10");
	fs_vf(root, "0000:01:00.0", 1, "0000:01:00.2", NULL, "virtio-pci");
	fs_path(path, root, "class/net/eth9/device");
	assert_non_null(realpath(path, real));
	assert_non_null(strstr(real, "0000:01:00.0/virtio0"));

	assert_int_equal(sh_sysfs_pf_resolve(root, "eth9", &pf, &err), 0);
	assert_string_equal(pf.pci, "0000:01:00.0");
	assert_int_equal(pf.numvfs, 2);
	assert_int_equal(sh_sysfs_pf_resolve(root, "0000:01:00.0", &pf, &err), 0);
	assert_string_equal(pf.name, "eth9");
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 0, &vf, &err), 0);
	assert_string_equal(vf.netdev, "eth10");
	assert_string_equal(vf.driver, "virtio-pci");
	/* In a container: virtio1 has no net/ on the host. */
	assert_int_equal(sh_sysfs_vf_get(root, &pf, 1, &vf, &err), 0);
	assert_string_equal(vf.netdev, "");
	assert_int_equal(sh_sysfs_vf_by_pci(root, "0000:01:00.1", &pf, &vf, &err), 0);
	assert_string_equal(pf.name, "eth9");
	assert_int_equal(vf.index, 0);
	/* The refusal of a PF-side setting names the netdev's driver (virtio_net), not virtio-pci. */
	fs_path(path, root, "bus/virtio/drivers/virtio_net");
	fs_mkdir_p(path);
	fs_path(path, root, "devices/pci0000:00/0000:01:00.0/virtio0/driver");
	fs_link("../../../../bus/virtio/drivers/virtio_net", path);
	assert_int_equal(sh_vf_cfg_refuse(root, "eth9", "0000:01:00.0", 1u << 1, &err), -EOPNOTSUPP);
	assert_string_equal(err.msg, "cannot set vlan: the driver of eth9, virtio_net, has no PF-side VF settings");
	assert_int_equal(sh_vf_cfg_refuse(root, "ens1f0", PF_PCI, 1u << 0, &err), -EOPNOTSUPP);
	assert_string_equal(err.msg, "cannot set mac: the driver of ens1f0, igb, has no PF-side VF settings");
}

/* The host's netdevs by PCI function, from class/net: the same answer as each device's net/ (the
 * VFs' own netdevs, the PFs', a virtio-net VF's through its virtio device), and nothing for a
 * virtual device or a VF whose netdev went into a container. */
static void test_netdev_pcis(void **state)
{
	const char *root = *state;
	static const char *const pcis[] = {PF_PCI,	   "0000:3b:02.0", "0000:3b:02.1", "0000:3b:0a.0",
					   "0000:3b:02.3", "0000:3b:00.1", "0000:3b:00.2", "0000:00:1f.6",
					   "0000:01:00.0", "0000:01:00.1", "0000:01:00.2", "0000:3b:1f.7"};
	struct sh_netdev_pcis set;
	struct sh_error err = {0};
	char name[IFNAMSIZ], path[PATH_MAX];
	size_t i;

	fs_pf(root, "0000:01:00.0", NULL, "2\n", "7\n");
	fs_virtio_netdev(root, "0000:01:00.0", "virtio0", "eth9");
	fs_vf(root, "0000:01:00.0", 0, "0000:01:00.1", NULL, "virtio-pci");
	fs_virtio_netdev(root, "0000:01:00.1", "virtio1", "eth10");
	fs_vf(root, "0000:01:00.0", 1, "0000:01:00.2", NULL, "virtio-pci");
	assert_int_equal(sh_sysfs_netdev_pcis(root, &set, &err), 0);
	assert_int_equal(set.n, 7);
	for (i = 0; i < SH_ARRAY_SIZE(pcis); i++) {
		assert_int_equal(sh_sysfs_pci_netdev(root, pcis[i], name, &err), 0);
		if (sh_netdev_pcis_has(&set, pcis[i]) != (name[0] != '\0'))
			fail_msg("%s: listed %d, its net/ names \"%s\"", pcis[i], sh_netdev_pcis_has(&set, pcis[i]),
				 name);
	}
	assert_false(sh_netdev_pcis_has(&set, "veth0"));
	sh_netdev_pcis_free(&set);
	assert_null(set.pci);

	fs_path(path, root, "class/net");
	rm_tree(path);
	assert_int_equal(sh_sysfs_netdev_pcis(root, &set, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "class/net"));
	assert_null(set.pci);
}

/* A walk's reads through the PF's directory give what the path-based ones give. */
static void test_virtfn_at(void **state)
{
	const char *root = *state;
	struct sh_error err = {0};
	char pci[SH_PCI_LEN], want[SH_PCI_LEN];
	struct sh_pf pf;
	unsigned i;
	int fd;

	assert_int_equal(sh_sysfs_pf_resolve(root, PF_NAME, &pf, &err), 0);
	assert_true((fd = sh_sysfs_pf_open(root, &pf)) >= 0);
	for (i = 0; i < pf.numvfs; i++) {
		assert_int_equal(sh_sysfs_virtfn_pci(root, &pf, i, want, &err), 0);
		assert_int_equal(sh_sysfs_virtfn_pci_at(fd, i, pci), 0);
		assert_string_equal(pci, want);
	}
	assert_int_equal(sh_sysfs_virtfn_pci_at(fd, 4, pci), -ENOENT);
	assert_int_equal(sh_sysfs_virtfn_pci_at(-1, 0, pci), -EBADF);
	close(fd);
	snprintf(pf.pci, sizeof(pf.pci), "0000:3b:1f.7");
	assert_int_equal(sh_sysfs_pf_open(root, &pf), -ENOENT);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {
		T(test_tree_is_realistic),
		T(test_pf_by_name),
		T(test_pf_by_pci),
		T(test_pf_errors),
		T(test_pf_numvfs_unreadable),
		cmocka_unit_test(test_pf_missing_root),
		T(test_vf_get),
		T(test_vf_get_unbound),
		T(test_vf_get_out_of_range),
		T(test_vf_get_missing_virtfn),
		T(test_vf_netdev),
		T(test_errors_name_path),
		T(test_vf_by_pci),
		T(test_vf_by_pci_no_totalvfs),
		T(test_vf_by_pci_errors),
		T(test_vf_by_pci_not_listed),
		T(test_virtio_layout),
		T(test_netdev_pcis),
		T(test_virtfn_at),
	};
#undef T

	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
