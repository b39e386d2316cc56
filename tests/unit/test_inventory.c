/* The inventory of SR-IOV PFs and VFs on fake sysfs trees: which devices are PFs, their link and
 * counts, each VF's binding and IOMMU group, and what a wrong PF name says. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/ctl/inventory.h"

/*
 * ens1f0 0000:3b:00.0  numvfs 5 of 8, up with carrier:
 *   0 0000:3b:02.0 ens1f0v0 igbvf (IOMMU group 40)
 *   1 0000:3b:02.1 (empty net/) igbvf
 *   2 0000:3b:0a.0 (no net/) vfio-pci
 *   3 0000:3b:02.3 unbound
 *   4 0000:3b:02.4 uio_pci_generic
 * ens1f1 0000:3b:00.1  numvfs 0 of 8, down
 * 0000:3b:00.2  SR-IOV, no netdev, class 0x020000 (a network PF bound to no net driver)
 * 0000:5e:00.0  SR-IOV, no netdev, class 0x010802 (an NVMe drive: not ours)
 * eno1 0000:00:1f.6  no SR-IOV
 */
static int tree_setup(void **state)
{
	char *root;
	char path[PATH_MAX];

	if (tmpdir_setup_for(state, "inventory") < 0)
		return -1;
	root = *state;
	fs_pf(root, "0000:3b:00.0", "ens1f0", "5\n", "8\n");
	fs_vf(root, "0000:3b:00.0", 0, "0000:3b:02.0", "ens1f0v0", "igbvf");
	fs_vf(root, "0000:3b:00.0", 1, "0000:3b:02.1", "", "igbvf");
	fs_vf(root, "0000:3b:00.0", 2, "0000:3b:0a.0", NULL, "vfio-pci");
	fs_vf(root, "0000:3b:00.0", 3, "0000:3b:02.3", NULL, NULL);
	fs_vf(root, "0000:3b:00.0", 4, "0000:3b:02.4", NULL, "uio_pci_generic");
	fs_path(path, root, "kernel/iommu_groups/40");
	fs_mkdir_p(path);
	fs_path(path, root, "devices/pci0000:00/0000:3b:02.0/iommu_group");
	fs_link("../../../kernel/iommu_groups/40", path);
	fs_path(path, root, "devices/pci0000:00/0000:3b:00.0/net/ens1f0/operstate");
	write_text(path, "up\n");
	fs_path(path, root, "devices/pci0000:00/0000:3b:00.0/net/ens1f0/flags");
	write_text(path, "0x1003\n");
	fs_path(path, root, "devices/pci0000:00/0000:3b:00.0/net/ens1f0/carrier");
	write_text(path, "1\n");
	fs_pf(root, "0000:3b:00.1", "ens1f1", "0\n", "8\n");
	fs_path(path, root, "devices/pci0000:00/0000:3b:00.1/net/ens1f1/operstate");
	write_text(path, "down\n");
	fs_path(path, root, "devices/pci0000:00/0000:3b:00.1/net/ens1f1/flags");
	write_text(path, "0x1002\n");
	fs_pf(root, "0000:3b:00.2", NULL, "0\n", "8\n");
	fs_attr(root, "0000:3b:00.2", "class", "0x020000\n");
	fs_pf(root, "0000:5e:00.0", NULL, "0\n", "16\n");
	fs_attr(root, "0000:5e:00.0", "class", "0x010802\n");
	fs_pf(root, "0000:00:1f.6", "eno1", NULL, NULL);
	return 0;
}

static void config_for(struct sh_config *cfg, const char *root)
{
	sh_config_defaults(cfg);
	snprintf(cfg->sysfs_root, sizeof(cfg->sysfs_root), "%s", root);
}

static void test_every_pf(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs;
	size_t n;

	config_for(&cfg, *state);
	assert_int_equal(sh_inventory_pfs(&cfg, NULL, 0, &pfs, &n, &err), 0);
	/* The network PFs in PCI order; not the NVMe drive, not the VFs, not eno1. */
	assert_int_equal(n, 3);
	assert_string_equal(pfs[0].pf.pci, "0000:3b:00.0");
	assert_string_equal(pfs[0].pf.name, "ens1f0");
	assert_int_equal(pfs[0].pf.numvfs, 5);
	assert_int_equal(pfs[0].totalvfs, 8);
	assert_string_equal(pfs[0].driver, "igb");
	assert_string_equal(pfs[0].operstate, "up");
	assert_true(pfs[0].admin_up);
	assert_int_equal(pfs[0].carrier, 1);
	assert_true(pfs[0].allowed);
	assert_string_equal(pfs[1].pf.name, "ens1f1");
	assert_false(pfs[1].admin_up);
	assert_int_equal(pfs[1].carrier, -1); /* no carrier file while down */
	assert_string_equal(pfs[2].pf.pci, "0000:3b:00.2");
	assert_string_equal(pfs[2].pf.name, "");
	free(pfs);
}

static void test_named_pfs_and_allowed(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs;
	char *specs[] = {"0000:3b:00.1", "ens1f0"};
	size_t n;

	config_for(&cfg, *state);
	cfg.allowed_pfs[0] = "ens1f1";
	cfg.n_allowed_pfs = 1;
	cfg.has_allowed_pfs = true;
	assert_int_equal(sh_inventory_pfs(&cfg, specs, 2, &pfs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(pfs[0].pf.name, "ens1f1"); /* in the order given */
	assert_true(pfs[0].allowed);
	assert_string_equal(pfs[1].pf.name, "ens1f0");
	assert_false(pfs[1].allowed);
	free(pfs);
}

static void test_unknown_pf_lists_the_pfs(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs = NULL;
	char *typo[] = {"ens1f9"}, *vf[] = {"0000:3b:02.0"}, *plain[] = {"eno1"};
	size_t n;

	config_for(&cfg, *state);
	assert_int_equal(sh_inventory_pfs(&cfg, typo, 1, &pfs, &n, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "ens1f9"));
	assert_non_null(strstr(err.msg, "ens1f0 (0000:3b:00.0), ens1f1 (0000:3b:00.1)"));
	assert_int_not_equal(sh_inventory_pfs(&cfg, vf, 1, &pfs, &n, &err), 0);
	assert_non_null(strstr(err.msg, "is a VF"));
	assert_int_not_equal(sh_inventory_pfs(&cfg, plain, 1, &pfs, &n, &err), 0);
	assert_non_null(strstr(err.msg, "not an SR-IOV PF"));
	assert_non_null(strstr(err.msg, "the SR-IOV PFs on this host: ens1f0"));
}

static void test_vf_bindings(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs;
	struct sh_inv_vf *vfs;
	char why[128];
	size_t n, nv;

	config_for(&cfg, *state);
	assert_int_equal(sh_inventory_pfs(&cfg, NULL, 0, &pfs, &n, &err), 0);
	assert_int_equal(sh_inventory_vfs(cfg.sysfs_root, &pfs[0], &vfs, &nv, &err), 0);
	assert_int_equal(nv, 5);
	assert_int_equal(vfs[0].binding, SH_VF_BOUND_NETDEV);
	assert_string_equal(vfs[0].vf.netdev, "ens1f0v0");
	assert_int_equal(vfs[0].iommu_group, 40);
	assert_int_equal(vfs[1].binding, SH_VF_BOUND_AWAY);
	assert_int_equal(vfs[1].iommu_group, -1);
	assert_int_equal(vfs[2].binding, SH_VF_BOUND_VFIO);
	assert_string_equal(vfs[2].vf.pci, "0000:3b:0a.0");
	assert_int_equal(vfs[3].binding, SH_VF_UNBOUND);
	assert_int_equal(vfs[4].binding, SH_VF_BOUND_OTHER);
	assert_non_null(
		strstr(sh_vf_binding_why(vfs[4].binding, vfs[4].vf.driver, why, sizeof(why)), "uio_pci_generic"));
	free(vfs);
	/* No VFs: nothing, no allocation. */
	assert_int_equal(sh_inventory_vfs(cfg.sysfs_root, &pfs[1], &vfs, &nv, &err), 0);
	assert_int_equal(nv, 0);
	assert_null(vfs);
	free(pfs);
}

static void test_virtfn_missing(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs;
	struct sh_inv_vf *vfs;
	char path[PATH_MAX];
	size_t n, nv;

	config_for(&cfg, *state);
	fs_attr(*state, "0000:3b:00.0", "sriov_numvfs", "6\n"); /* VF 5 has no virtfn5 yet */
	assert_int_equal(sh_inventory_pfs(&cfg, NULL, 0, &pfs, &n, &err), 0);
	assert_int_equal(sh_inventory_vfs(cfg.sysfs_root, &pfs[0], &vfs, &nv, &err), 0);
	assert_int_equal(nv, 6);
	assert_true(vfs[5].missing);
	assert_int_equal(vfs[5].vf.index, 5);
	assert_string_equal(vfs[5].vf.pf_name, "ens1f0");
	free(vfs);
	free(pfs);
	fs_path(path, *state, "devices/pci0000:00/0000:3b:00.0/sriov_numvfs");
	write_text(path, "5\n");
}

static void test_no_pci_tree(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct sh_inv_pf *pfs;
	size_t n;
	char root[PATH_MAX];

	fs_path(root, *state, "nothing-here");
	config_for(&cfg, root);
	assert_int_equal(sh_inventory_pfs(&cfg, NULL, 0, &pfs, &n, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "list PCI devices"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pf),
		cmocka_unit_test(test_named_pfs_and_allowed),
		cmocka_unit_test(test_unknown_pf_lists_the_pfs),
		cmocka_unit_test(test_vf_bindings),
		cmocka_unit_test(test_virtfn_missing),
		cmocka_unit_test(test_no_pci_tree),
	};

	return cmocka_run_group_tests(tests, tree_setup, tmpdir_teardown);
}
