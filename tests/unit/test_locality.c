/* Where a request wants its VF: the nodes of its cpuset (prefer, strict, any, a node), the PCI
 * devices of io.sriov.near (an address, or auto through the container's character devices), how
 * each PF is placed and what the claim's log line says, on fake trees with 2 and 4 nodes. */
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
#include "sriov-hook/hook/locality.h"

static int setup4(void **state)
{
	char root[PATH_MAX];

	if (tmpdir_setup_for(state, "locality") < 0)
		return -1;
	fs_path(root, *state, "four");
	tt_build(root, 4);
	fs_path(root, *state, "two");
	tt_build(root, 2);
	return 0;
}

static const char *root_of(void **state, const char *which)
{
	static char root[PATH_MAX];

	fs_path(root, *state, "%s", which);
	return root;
}

static struct sh_spec spec_with(const char *cpus)
{
	struct sh_spec s;

	memset(&s, 0, sizeof(s));
	if (cpus) {
		assert_int_equal(sh_cpuset_parse(cpus, &s.cpus), 0);
		s.has_cpus = true;
	}
	return s;
}

static unsigned score(const struct sh_locality *loc, const char *pci, struct sh_pf_place *pl)
{
	struct sh_pf pf = {0};

	snprintf(pf.pci, sizeof(pf.pci), "%s", pci);
	sh_locality_place(loc, &pf, pl);
	return pl->score;
}

static void test_prefer_local_node(void **state)
{
	struct sh_spec spec = spec_with("4-5");
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	struct sh_error err = {0};
	char why[160];

	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_true(sh_locality_active(&loc));
	assert_false(loc.strict);
	assert_true(score(&loc, PF_C, &pl) > score(&loc, PF_A, &pl));
	score(&loc, PF_C, &pl);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)), "local to node 1");
	score(&loc, PF_A, &pl);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)), "no local VF free (this one is on node 0)");
	/* a cpuset spanning nodes 0 and 1: both local, node 2's not */
	spec = spec_with("3-4");
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(score(&loc, PF_A, &pl), 1);
	assert_int_equal(score(&loc, PF_C, &pl), 1);
	assert_int_equal(score(&loc, PF_D, &pl), 0);
	/* two nodes: a PF whose node the kernel does not know is never local */
	spec = spec_with("2");
	assert_int_equal(sh_locality_init(root_of(state, "two"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(score(&loc, PF_C, &pl), 1);
	assert_int_equal(score(&loc, PF_D, &pl), 0);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)),
			    "no local VF free (this one's node is unknown)");
}

static void test_policies(void **state)
{
	struct sh_spec spec = spec_with("4");
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	struct sh_error err = {0};

	v.numa = SH_NUMA_STRICT;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_true(loc.strict);
	assert_non_null(strstr(loc.why_nodes, "CPUs 4 are on node 1"));
	v.numa = SH_NUMA_ANY;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_false(sh_locality_active(&loc));
	assert_int_equal(score(&loc, PF_C, &pl), 0);
	v.numa = SH_NUMA_NODE;
	v.numa_node = 2;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_true(loc.strict);
	assert_int_equal(score(&loc, PF_D, &pl), 1);
	assert_int_equal(score(&loc, PF_C, &pl), 0);
	assert_string_equal(loc.why_nodes, "io.sriov.numa=2");
	/* no cpuset: the configuration's order, even with strict */
	v.numa = SH_NUMA_STRICT;
	assert_int_equal(sh_locality_init(root_of(state, "four"), NULL, &v, "io.sriov.", &loc, &err), 0);
	assert_false(sh_locality_active(&loc));
	spec = spec_with("");
	spec.has_cpus = false;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_false(sh_locality_active(&loc));
}

static void test_one_node_host(void **state)
{
	struct sh_spec spec = spec_with("0");
	struct sh_vf_request v = {.numa = SH_NUMA_STRICT};
	struct sh_locality loc;
	struct sh_error err = {0};
	char root[PATH_MAX];

	fs_path(root, *state, "one");
	tt_dev(root, "pci0000:00/" PF_D, -1);
	tt_node(root, 0, "0-1\n");
	assert_int_equal(sh_locality_init(root, &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_false(sh_locality_active(&loc)); /* every VF is local: strict refuses none */
}

static void test_near_through_a_switch(void **state)
{
	struct sh_spec spec = spec_with("4");
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	struct sh_error err = {0};
	char why[160];

	snprintf(v.near, sizeof(v.near), GPU);
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	/* the PF behind the GPU's switch beats the local one: the PCIe path first, then the node */
	assert_int_equal(score(&loc, PF_A, &pl), 6);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)),
			    "near " GPU " via switch 0000:01:00.0, no local VF free (this one is on node 0)");
	assert_int_equal(score(&loc, PF_B, &pl), 2); /* the root complex only */
	assert_int_equal(score(&loc, PF_C, &pl), 1); /* local, not near */
	snprintf(v.near, sizeof(v.near), NVME);
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(score(&loc, PF_G, &pl), 4);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)),
			    "near " NVME " via root port 0000:00:03.0, no local VF free (this one is on node 0)");
}

static void test_near_auto(void **state)
{
	struct sh_oci_chardev devs[] = {
		{.path = "/dev/fuse", .major = 10, .minor = 229},
		{.path = "/dev/ttyS0", .major = 4, .minor = 64},
		{.path = "/dev/dri/renderD128", .major = 226, .minor = 128},
	};
	struct sh_spec spec = spec_with(NULL);
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	struct sh_error err = {0};

	snprintf(v.near, sizeof(v.near), "auto");
	spec.chardevs = devs;
	spec.n_chardevs = 3;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(loc.n_near, 1);
	assert_string_equal(loc.near_pci[0], GPU);
	assert_int_equal(score(&loc, PF_A, &pl), 6);
	/* devices that resolve to nothing: near says nothing, the choice is as without it */
	spec.n_chardevs = 2;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(loc.n_near, 0);
	assert_false(sh_locality_active(&loc));
}

/* A vfio group's node (no device link) brings its IOMMU group's devices: the GPU's group makes PF A,
 * behind the GPU's switch, the nearest; the container node /dev/vfio/vfio says nothing. */
static void test_near_auto_vfio_group(void **state)
{
	struct sh_oci_chardev devs[] = {
		{.path = "/dev/vfio/vfio", .major = 10, .minor = 196},
		{.path = "/dev/vfio/7", .major = 242, .minor = 0},
	};
	struct sh_spec spec = spec_with("4");
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_pf_place pl;
	struct sh_error err = {0};
	char why[160];

	snprintf(v.near, sizeof(v.near), "auto");
	spec.chardevs = devs;
	spec.n_chardevs = 2;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(loc.n_near, 2);
	assert_string_equal(loc.near_pci[0], GPU);
	assert_string_equal(loc.near_pci[1], GPU_AUDIO);
	assert_true(score(&loc, PF_A, &pl) > score(&loc, PF_C, &pl)); /* near beats the cpuset's node 1 */
	score(&loc, PF_A, &pl);
	assert_string_equal(sh_locality_why(&loc, &pl, why, sizeof(why)),
			    "near " GPU " via switch 0000:01:00.0, no local VF free (this one is on node 0)");
	/* the container node alone: no device, the cpuset decides */
	spec.n_chardevs = 1;
	assert_int_equal(sh_locality_init(root_of(state, "four"), &spec, &v, "io.sriov.", &loc, &err), 0);
	assert_int_equal(loc.n_near, 0);
	assert_true(score(&loc, PF_C, &pl) > score(&loc, PF_A, &pl));
}

static void test_near_no_pci_device(void **state)
{
	struct sh_vf_request v = {0};
	struct sh_locality loc;
	struct sh_error err = {0};

	snprintf(v.near, sizeof(v.near), "0000:99:00.0");
	assert_int_equal(sh_locality_init(root_of(state, "four"), NULL, &v, "io.sriov.2.", &loc, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "io.sriov.2.near"));
	assert_non_null(strstr(err.msg, "0000:99:00.0 is no PCI device"));
	assert_null(strchr(err.msg, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefer_local_node, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_policies, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_one_node_host, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_near_through_a_switch, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_near_auto, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_near_auto_vfio_group, setup4, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_near_no_pci_device, setup4, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("locality", tests, NULL, NULL);
}
