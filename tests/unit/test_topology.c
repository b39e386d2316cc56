/* CPU lists, the NUMA nodes of a cpuset, a PCI device's node and PCIe path, and the PCI device
 * behind a character device, on fake sysfs trees with 2 and 4 nodes (topotree.h). */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "fakesys.h"
#include "topotree.h"
#include "sriov-hook/core/cpuset.h"
#include "sriov-hook/sys/topology.h"

static int setup(void **state)
{
	return tmpdir_setup_for(state, "topology");
}

static void test_cpuset_parse(void **state)
{
	static const char *const bad[] = {"3-1", "a", "1,", ",1", "1-", "0-2:1", "8192", "1 2", "-1", "1\n2"};
	struct sh_cpuset s;
	char buf[64];
	size_t i;

	(void)state;
	assert_int_equal(sh_cpuset_parse("0-3,8, 10-11\n", &s), 0);
	assert_true(sh_cpuset_has(&s, 0) && sh_cpuset_has(&s, 3) && sh_cpuset_has(&s, 8) && sh_cpuset_has(&s, 11));
	assert_false(sh_cpuset_has(&s, 4) || sh_cpuset_has(&s, 9) || sh_cpuset_has(&s, 12));
	assert_string_equal(sh_cpuset_format(&s, buf, sizeof(buf)), "0-3,8,10-11");
	assert_int_equal(sh_cpuset_parse("8191", &s), 0);
	assert_string_equal(sh_cpuset_format(&s, buf, sizeof(buf)), "8191");
	assert_int_equal(sh_cpuset_parse("", &s), 0);
	assert_true(sh_cpuset_empty(&s));
	assert_int_equal(sh_cpuset_parse("\n", &s), 0); /* a node without CPUs */
	assert_true(sh_cpuset_empty(&s));
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++)
		if (sh_cpuset_parse(bad[i], &s) != -EINVAL)
			fail_msg("\"%s\" was taken", bad[i]);
	assert_int_equal(sh_cpuset_parse("0-4095", &s), 0);
	assert_string_equal(sh_cpuset_format(&s, buf, 6), "0-..."); /* cut short, and says so */
}

static void nodes_of(const char *root, const char *cpus, const char *want, unsigned want_host)
{
	struct sh_cpuset c, nodes;
	struct sh_error err = {0};
	unsigned host;
	char buf[64];

	assert_int_equal(sh_cpuset_parse(cpus, &c), 0);
	assert_int_equal(sh_topo_nodes_of_cpus(root, &c, &nodes, &host, &err), 0);
	assert_int_equal(host, want_host);
	if (strcmp(sh_cpuset_format(&nodes, buf, sizeof(buf)), want))
		fail_msg("CPUs %s: nodes %s, want %s", cpus, buf, want);
}

static void test_nodes_of_cpus(void **state)
{
	char root4[PATH_MAX], root2[PATH_MAX];

	fs_path(root4, *state, "four");
	fs_path(root2, *state, "two");
	tt_build(root4, 4);
	tt_build(root2, 2);
	nodes_of(root4, "5", "1", 4);
	nodes_of(root4, "2-5", "0-1", 4); /* a cpuset spanning nodes */
	nodes_of(root4, "0,12-13", "0,3", 4);
	nodes_of(root4, "16-20", "", 4); /* CPUs no node has */
	nodes_of(root2, "1-2", "0-1", 2);
	nodes_of(root2, "3", "1", 2);
	nodes_of(*state, "0", "", 0); /* no devices/system/node: no NUMA shown */
}

static void test_pci_node(void **state)
{
	char root[PATH_MAX];

	fs_path(root, *state, "four");
	tt_build(root, 4);
	assert_int_equal(sh_topo_pci_node(root, PF_A), 0);
	assert_int_equal(sh_topo_pci_node(root, PF_E), 3);
	fs_path(root, *state, "two");
	tt_build(root, 2);
	assert_int_equal(sh_topo_pci_node(root, PF_D), -1); /* the kernel's "-1" */
	assert_int_equal(sh_topo_pci_node(root, "0000:99:00.0"), -1);
}

static void test_pcie_path_and_sharing(void **state)
{
	struct sh_pcie_path a, b, c, d, g, gpu, nvme;
	struct sh_error err = {0};
	const char *via;
	char root[PATH_MAX];

	fs_path(root, *state, "four");
	tt_build(root, 4);
	assert_int_equal(sh_topo_pcie_path(root, PF_A, &a, &err), 0);
	assert_int_equal(a.n, 5);
	assert_string_equal(a.hop[0], "pci0000:00");
	assert_string_equal(a.hop[2], "0000:01:00.0");
	assert_string_equal(a.hop[4], PF_A);
	assert_string_equal(sh_topo_pcie_root(&a), "0000:00:01.0");
	assert_int_equal(sh_topo_pcie_path(root, PF_B, &b, &err), 0);
	assert_int_equal(sh_topo_pcie_path(root, PF_C, &c, &err), 0);
	assert_int_equal(sh_topo_pcie_path(root, PF_D, &d, &err), 0);
	assert_string_equal(sh_topo_pcie_root(&d), "pci0000:80"); /* on the root bus */
	assert_int_equal(sh_topo_pcie_path(root, PF_G, &g, &err), 0);
	assert_int_equal(sh_topo_pcie_path(root, GPU, &gpu, &err), 0);
	assert_int_equal(sh_topo_pcie_path(root, NVME, &nvme, &err), 0);

	assert_int_equal(sh_topo_shared(&a, &gpu, &via), 3); /* the switch */
	assert_string_equal(via, "0000:01:00.0");
	assert_string_equal(sh_topo_share_name(3), "switch");
	assert_int_equal(sh_topo_shared(&g, &nvme, &via), 2); /* the root port */
	assert_string_equal(via, "0000:00:03.0");
	assert_string_equal(sh_topo_share_name(2), "root port");
	assert_int_equal(sh_topo_shared(&b, &gpu, &via), 1); /* the root complex */
	assert_string_equal(via, "pci0000:00");
	assert_int_equal(sh_topo_shared(&c, &gpu, &via), 0);
	assert_null(via);

	assert_int_equal(sh_topo_pcie_path(root, "0000:99:00.0", &a, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "0000:99:00.0 is no PCI device"));
}

static void test_char_device_pci(void **state)
{
	char root[PATH_MAX], pcis[4][SH_PCI_LEN];

	fs_path(root, *state, "four");
	tt_build(root, 4);
	assert_int_equal(sh_topo_char_pcis(root, 226, 128, pcis, 4), 1);
	assert_string_equal(pcis[0], GPU);
	assert_int_equal(sh_topo_char_pcis(root, 10, 229, pcis, 4), 0); /* no device link */
	assert_int_equal(sh_topo_char_pcis(root, 4, 64, pcis, 4), 0);	/* a platform device */
	assert_int_equal(sh_topo_char_pcis(root, 1, 3, pcis, 4), 0);	/* no such node */
	assert_int_equal(sh_topo_char_pcis(root, 226, 128, pcis, 0), 0);
}

/* A vfio group node has no device link: its IOMMU group's devices, sorted, whatever the order
 * they were made in; no-IOMMU mode's name; a group the kernel does not show and the container
 * node /dev/vfio/vfio (class misc) give none. */
static void test_char_vfio_group(void **state)
{
	char root[PATH_MAX], pcis[4][SH_PCI_LEN];

	fs_path(root, *state, "four");
	tt_build(root, 4);
	assert_int_equal(sh_topo_char_pcis(root, 242, 0, pcis, 4), 2);
	assert_string_equal(pcis[0], GPU);
	assert_string_equal(pcis[1], GPU_AUDIO);
	assert_int_equal(sh_topo_char_pcis(root, 242, 0, pcis, 1), 1); /* the lowest address kept */
	assert_string_equal(pcis[0], GPU);
	assert_int_equal(sh_topo_char_pcis(root, 242, 1, pcis, 4), 1);
	assert_string_equal(pcis[0], NVME);
	assert_int_equal(sh_topo_char_pcis(root, 242, 2, pcis, 4), 0);
	assert_int_equal(sh_topo_char_pcis(root, 10, 196, pcis, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuset_parse),
		cmocka_unit_test_setup_teardown(test_nodes_of_cpus, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_pci_node, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_pcie_path_and_sharing, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_char_device_pci, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_char_vfio_group, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
