/* auto's pre-filter over a large PF: whether each VF shows a netdev on the host, answered by the
 * VF's own net/ for the first ones and by one listing of class/net after, gives the same answer as
 * each VF's net/ for every VF; and with the claims, which VFs the first pass may try. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/hook/usable.h"
#include "sriov-hook/store/store.h"

#define PF_PCI "0000:5e:00.0"
#define NVFS 48

static void vf_pci(unsigned k, char pci[SH_PCI_LEN])
{
	snprintf(pci, SH_PCI_LEN, "0000:5f:%02x.%x", (k / 8) & 0x1f, k % 8);
}

/* VF k: a netdev on the host when k % 3 == 0, in a container (empty net/) when k % 3 == 1, no
 * netdev at all (vfio-pci) when k % 3 == 2; VF 40 and up all in containers but 45. */
static int tree_setup(void **state)
{
	char pci[SH_PCI_LEN], name[IFNAMSIZ];
	unsigned k;

	if (tmpdir_setup_for(state, "usable") < 0)
		return -1;
	fs_pf(*state, PF_PCI, "ens5f0", "48\n", "64\n");
	for (k = 0; k < NVFS; k++) {
		vf_pci(k, pci);
		snprintf(name, sizeof(name), "ens5f0v%u", k);
		if (k == 45 || (k < 40 && k % 3 == 0))
			fs_vf(*state, PF_PCI, k, pci, name, "iavf");
		else if (k >= 40 || k % 3 == 1)
			fs_vf(*state, PF_PCI, k, pci, "", "iavf");
		else
			fs_vf(*state, PF_PCI, k, pci, NULL, "vfio-pci");
	}
	return 0;
}

static void test_on_host_as_net_says(void **state)
{
	struct sh_host_netdevs h = SH_HOST_NETDEVS_INIT;
	char pci[SH_PCI_LEN], name[IFNAMSIZ];
	struct sh_error err = {0};
	unsigned k;
	bool on;

	for (k = 0; k < NVFS; k++) {
		vf_pci(k, pci);
		assert_int_equal(sh_sysfs_pci_netdev(*state, pci, name, &err), 0);
		on = sh_vf_netdev_on_host(*state, pci, &h);
		if (on != (name[0] != '\0'))
			fail_msg("VF %u (%s): on host %d, its net/ names \"%s\"", k, pci, on, name);
	}
	/* past the first VFs, the listing answered */
	assert_true(h.have_list);
	assert_int_equal(h.listed.n, 1 + 14 + 1); /* the PF, VFs 0, 3, ... 39, and 45 */
	sh_host_netdevs_free(&h);
	assert_null(h.listed.pci);
}

/* Without class/net (a tree that lacks it) each VF is asked through its own net/. */
static void test_no_listing(void **state)
{
	struct sh_host_netdevs h = SH_HOST_NETDEVS_INIT;
	char pci[SH_PCI_LEN], path[PATH_MAX];
	unsigned k, on = 0;

	fs_path(path, *state, "class/net");
	rm_tree(path);
	for (k = 0; k < NVFS; k++) {
		vf_pci(k, pci);
		on += sh_vf_netdev_on_host(*state, pci, &h);
	}
	assert_false(h.have_list);
	assert_int_equal(on, 14 + 1);
	sh_host_netdevs_free(&h);
}

/* auto's first pass: a VF is a candidate when it has no claim record and, for a netdev VF, a
 * netdev on the host; whichever question is asked first, for every VF. Claims on VFs 0, 5, 10...
 * (on the host or not). A vfio request asks only the claim. */
static void test_maybe_free(void **state)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	struct sh_host_netdevs h = SH_HOST_NETDEVS_INIT;
	struct sh_config cfg = {0};
	struct sh_ctx ctx = {.cfg = &cfg};
	struct sh_attach_run a = {.ctx = &ctx, .mode = SH_MODE_NETDEV};
	char pci[SH_PCI_LEN], name[IFNAMSIZ], path[PATH_MAX];
	struct sh_error err = {0};
	unsigned k, free_vfs = 0;
	bool want, got;

	snprintf(cfg.sysfs_root, sizeof(cfg.sysfs_root), "%s", (char *)*state);
	fs_path(path, *state, "state");
	assert_int_equal(sh_store_open(path, true, &store, &err), 0);
	a.store = store;
	for (k = 0; k < NVFS; k += 5) {
		vf_pci(k, pci);
		fs_path(path, *state, "state/claims/%s.json", pci);
		write_text(path, "{}");
	}
	for (k = 0; k < NVFS; k++) {
		vf_pci(k, pci);
		assert_int_equal(sh_sysfs_pci_netdev(*state, pci, name, &err), 0);
		want = k % 5 && name[0];
		got = sh_vf_maybe_free(&a, pci, &h);
		if (got != want)
			fail_msg("VF %u (%s): maybe free %d, want %d", k, pci, got, want);
		free_vfs += got;
	}
	assert_true(h.have_list);
	assert_int_equal(free_vfs, 11); /* 0, 3, ... 39 and 45, but 0, 15, 30 and 45 */
	a.mode = SH_MODE_VFIO;
	vf_pci(1, pci);
	assert_true(sh_vf_maybe_free(&a, pci, &h));
	vf_pci(5, pci);
	assert_false(sh_vf_maybe_free(&a, pci, &h));
	sh_host_netdevs_free(&h);
	a.store = SH_STORE_INIT; /* closed once, by its owner */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tmpdir_teardown)
	const struct CMUnitTest tests[] = {
		T(test_on_host_as_net_says),
		T(test_no_listing),
		T(test_maybe_free),
	};
#undef T

	return cmocka_run_group_tests_name("usable", tests, NULL, NULL);
}
