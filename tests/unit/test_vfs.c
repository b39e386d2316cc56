/* sriovctl vfs apply on a fake sysfs tree: sriov_numvfs is a plain file there, so what is tested
 * is the plan (unchanged, changed, refused) and that one bad PF does not stop the others; for the
 * VFs of vfio pools, the plan (bind, on vfio-pci already, held, refused for no IOMMU group or a
 * group that is not viable) and that a refusal changes nothing (binding is the VM suite's). */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/ctl/vfs.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/sys/netns.h"

struct seen {
	struct sh_vfs_result res[8];
	char why[8][256];
	size_t n;
};

static void record(const struct sh_vfs_result *res, void *data)
{
	struct seen *s = data;

	assert_true(s->n < 8);
	s->res[s->n] = *res;
	snprintf(s->why[s->n], sizeof(s->why[0]), "%s", res->why ? res->why : "");
	s->n++;
}

static int tree_setup(void **state)
{
	if (tmpdir_setup_for(state, "vfs") < 0)
		return -1;
	fs_pf(*state, "0000:3b:00.0", "ens1f0", "0\n", "8\n");
	fs_pf(*state, "0000:3b:00.1", "ens1f1", "4\n", "8\n");
	fs_pf(*state, "0000:3b:00.2", "ens1f2", "2\n", "8\n");
	return 0;
}

static unsigned numvfs(const char *root, const char *pci)
{
	char path[PATH_MAX];
	unsigned n = 999;
	FILE *f;

	fs_path(path, root, "devices/pci0000:00/%s/sriov_numvfs", pci);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fscanf(f, "%u", &n), 1);
	fclose(f);
	return n;
}

static void config_for(struct sh_config *cfg, const char *root)
{
	static char *names[] = {"ens1f0", "0000:3b:00.1", "ens1f9", "ens1f2"};
	static const unsigned counts[] = {7, 4, 2, 9};
	size_t i;

	sh_config_defaults(cfg);
	snprintf(cfg->sysfs_root, sizeof(cfg->sysfs_root), "%s", root);
	/* A change of count takes the VFs' locks in the store: a private one. */
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/state", root);
	for (i = 0; i < 4; i++) {
		cfg->pfs[i].pf = names[i];
		cfg->pfs[i].numvfs = counts[i];
	}
	cfg->n_pfs = 4;
}

static void test_apply(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct seen s = {0};

	config_for(&cfg, *state);
	/* ens1f0 0 -> 7, ens1f1 (by PCI) stays 4, ens1f9 does not exist, ens1f2 wants 9 of 8. */
	assert_int_equal(sh_vfs_apply(&cfg, record, &s, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "2 of 4 PFs not set; the first: PF ens1f9"));
	assert_int_equal(s.n, 4);
	assert_int_equal(s.res[0].outcome, SH_VFS_CHANGED);
	assert_int_equal(s.res[0].from, 0);
	assert_int_equal(s.res[0].to, 7);
	assert_int_equal(numvfs(*state, "0000:3b:00.0"), 7);
	assert_int_equal(s.res[1].outcome, SH_VFS_UNCHANGED);
	assert_string_equal(s.res[1].pf, "ens1f1");
	assert_int_equal(s.res[2].outcome, SH_VFS_REFUSED);
	assert_non_null(strstr(s.why[2], "no such network interface"));
	assert_int_equal(s.res[3].outcome, SH_VFS_REFUSED);
	assert_non_null(strstr(s.why[3], "at most 8 VFs"));
	assert_int_equal(numvfs(*state, "0000:3b:00.2"), 2);

	/* Again: idempotent for what was done, the same refusals. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(sh_vfs_apply(&cfg, record, &s, &err), -ENODEV);
	assert_int_equal(s.res[0].outcome, SH_VFS_UNCHANGED);
	assert_int_equal(numvfs(*state, "0000:3b:00.0"), 7);

	/* A changed count (7 -> 3) is written; so is 0. */
	cfg.pfs[0].numvfs = 3;
	cfg.pfs[1].numvfs = 0;
	cfg.n_pfs = 2;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sh_vfs_apply(&cfg, record, &s, &err), 0);
	assert_int_equal(s.res[0].outcome, SH_VFS_CHANGED);
	assert_int_equal(s.res[0].from, 7);
	assert_int_equal(numvfs(*state, "0000:3b:00.0"), 3);
	assert_int_equal(numvfs(*state, "0000:3b:00.1"), 0);
}

static void test_write_refused(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};
	struct seen s = {0};
	char path[PATH_MAX];

	config_for(&cfg, *state);
	cfg.pfs[0].numvfs = 5;
	cfg.n_pfs = 1;
	fs_path(path, *state, "devices/pci0000:00/0000:3b:00.0/sriov_numvfs");
	assert_int_equal(chmod(path, 0444), 0);
	if (access(path, W_OK) == 0) { /* root ignores the mode: a directory cannot be written either */
		unlink(path);
		fs_mkdir_p(path);
	}
	assert_int_not_equal(sh_vfs_apply(&cfg, record, &s, &err), 0);
	assert_true(s.res[0].outcome == SH_VFS_FAILED || s.res[0].outcome == SH_VFS_REFUSED);
	assert_non_null(strstr(err.msg, "sriov_numvfs"));
}

/* ens2f0 (vfio pool "dpdk", VFs 0-3, IOMMU on) and ens2f1 (pool "off", no IOMMU groups):
 *   ens2f0 VF 0  igbvf, group 20 alone            -> bind
 *   ens2f0 VF 1  vfio-pci, group 21               -> on vfio-pci already
 *   ens2f0 VF 2  igbvf, group 22 with an igb NIC  -> refused: not viable
 *   ens2f0 VF 3  igbvf, group 23, claimed         -> held
 *   ens2f0 VF 4  igbvf, in no pool                -> not planned
 *   ens2f1 VF 0  igbvf, no IOMMU group            -> refused: the IOMMU is off */
static void vfio_tree(const char *root, struct sh_config *cfg)
{
	struct sh_error err = {0};

	fs_pf(root, "0000:5e:00.0", "ens2f0", "5\n", "8\n");
	fs_vf(root, "0000:5e:00.0", 0, "0000:5e:10.0", "ens2f0v0", "igbvf");
	fs_vf(root, "0000:5e:00.0", 1, "0000:5e:10.1", NULL, "vfio-pci");
	fs_vf(root, "0000:5e:00.0", 2, "0000:5e:10.2", "ens2f0v2", "igbvf");
	fs_vf(root, "0000:5e:00.0", 3, "0000:5e:10.3", "ens2f0v3", "igbvf");
	fs_vf(root, "0000:5e:00.0", 4, "0000:5e:10.4", "ens2f0v4", "igbvf");
	fs_pci(root, "0000:5e:00.7");
	fs_driver(root, "0000:5e:00.7", "igb");
	fs_iommu_group(root, "0000:5e:10.0", 20);
	fs_iommu_group(root, "0000:5e:10.1", 21);
	fs_iommu_group(root, "0000:5e:10.2", 22);
	fs_iommu_group(root, "0000:5e:00.7", 22);
	fs_iommu_group(root, "0000:5e:10.3", 23);
	fs_iommu_group(root, "0000:5e:10.4", 24);
	fs_pf(root, "0000:5e:00.1", "ens2f1", "1\n", "8\n");
	fs_vf(root, "0000:5e:00.1", 0, "0000:5e:11.0", "ens2f1v0", "igbvf");

	sh_config_defaults(cfg);
	if (sh_config_parse("{\"pools\": {\"dpdk\": {\"vfs\": [\"ens2f0#0-3\"], \"driver\": \"vfio-pci\"}, "
			    "\"off\": {\"vfs\": [\"0000:5e:00.1\"], \"driver\": \"vfio-pci\"}, "
			    "\"net\": [\"ens2f0#4\"]}}",
			    cfg, &err) != 0)
		fail_msg("config: %s", err.msg);
	snprintf(cfg->sysfs_root, sizeof(cfg->sysfs_root), "%s", root);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/state-vfio", root);
	snprintf(cfg->dev_root, sizeof(cfg->dev_root), "%s/dev", root);
}

/* A claim record on pci for a live container (this process). */
static void claim(const struct sh_config *cfg, const char *pci, const char *id)
{
	struct sh_store st = SH_STORE_INIT;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_error err = {0};
	struct sh_record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.phase = SH_PHASE_ATTACHED;
	r.pid = getpid();
	r.pid_start = sh_proc_start_time(r.pid);
	snprintf(r.pf_name, sizeof(r.pf_name), "ens2f0");
	r.pf_ifindex = 0x7ffffff0;
	snprintf(r.vf_pci, sizeof(r.vf_pci), "%s", pci);
	r.mode = SH_MODE_VFIO;
	r.iommu_group = 23;
	assert_int_equal(sh_store_open(cfg->state_dir, true, &st, &err), 0);
	assert_int_equal(sh_store_lock_vf(&st, pci, false, &c, &err), 0);
	if (sh_claim_write(&c, &r, &err) != 0)
		fail_msg("claim: %s", err.msg);
	sh_claim_unlock(&c);
	sh_store_close(&st);
}

static void test_vfio_plan(void **state)
{
	struct sh_vfio_plan *plan = NULL;
	struct sh_error err = {0};
	struct sh_config cfg;
	size_t n;

	vfio_tree(*state, &cfg);
	claim(&cfg, "0000:5e:10.3", "c0ffee");
	assert_int_equal(sh_vfs_vfio_plan(&cfg, &plan, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(plan[0].pci, "0000:5e:10.0");
	assert_string_equal(plan[0].pool, "dpdk");
	assert_string_equal(plan[0].pf, "ens2f0");
	assert_int_equal(plan[0].index, 0);
	assert_int_equal(plan[0].iommu_group, 20);
	assert_string_equal(plan[0].driver, "igbvf");
	assert_int_equal(plan[0].step, SH_VFIO_STEP_BIND);
	assert_int_equal(plan[1].step, SH_VFIO_STEP_NONE);
	assert_int_equal(plan[1].iommu_group, 21);
	assert_int_equal(plan[2].step, SH_VFIO_STEP_REFUSE);
	assert_int_equal(plan[2].code, EBUSY);
	assert_non_null(strstr(plan[2].why, "0000:5e:00.7"));
	assert_int_equal(plan[3].step, SH_VFIO_STEP_HELD);
	assert_int_equal(plan[3].index, 3);
	assert_string_equal(plan[4].pci, "0000:5e:11.0");
	assert_string_equal(plan[4].pool, "off");
	assert_int_equal(plan[4].step, SH_VFIO_STEP_REFUSE);
	assert_int_equal(plan[4].code, ENODEV);
	assert_int_equal(plan[4].iommu_group, -1);
	free(plan);

	/* a PF containers may not use: none of its VFs */
	cfg.allowed_pfs[0] = strdup("ens2f1");
	cfg.n_allowed_pfs = 1;
	cfg.has_allowed_pfs = true;
	assert_int_equal(sh_vfs_vfio_plan(&cfg, &plan, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(plan[0].pf, "ens2f1");
	free(plan);
	sh_config_free(&cfg);

	/* no vfio pool: no plan, and the store is not even opened */
	sh_config_defaults(&cfg);
	snprintf(cfg.sysfs_root, sizeof(cfg.sysfs_root), "%s", (const char *)*state);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "/nonexistent/state");
	assert_int_equal(sh_vfs_vfio_plan(&cfg, &plan, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(plan);
}

static bool has_override(const char *root, const char *pci)
{
	char path[PATH_MAX];

	fs_path(path, root, "devices/pci0000:00/%s/driver_override", pci);
	return access(path, F_OK) == 0;
}

static void driver_of(const char *root, const char *pci, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	fs_path(path, root, "devices/pci0000:00/%s/driver", pci);
	assert_true((n = readlink(path, buf, len - 1)) > 0);
	buf[n] = '\0';
}

/* The refusals are reported one line a VF, the others go on, and a refused VF is untouched. */
static void test_vfio_apply_refusals(void **state)
{
	struct sh_error err = {0};
	struct sh_config cfg;
	struct seen s = {0};
	char drv[PATH_MAX];

	vfio_tree(*state, &cfg);
	claim(&cfg, "0000:5e:10.3", "c0ffee");
	/* VF 0 would be bound: on vfio-pci already for this test (binding needs a kernel) */
	fs_driver(*state, "0000:5e:10.0", "vfio-pci");
	assert_int_not_equal(sh_vfs_apply(&cfg, record, &s, &err), 0);
	assert_non_null(
		strstr(err.msg, "2 VF(s) of vfio pools not on vfio-pci; the first: ens2f0 VF 2 (0000:5e:10.2): "));
	assert_int_equal(s.n, 5);
	assert_string_equal(s.res[0].vf_pci, "0000:5e:10.0");
	assert_int_equal(s.res[0].outcome, SH_VFS_UNCHANGED);
	assert_int_equal(s.res[1].outcome, SH_VFS_UNCHANGED);
	assert_string_equal(s.res[2].vf_pci, "0000:5e:10.2");
	assert_string_equal(s.res[2].pool, "dpdk");
	assert_int_equal(s.res[2].vf, 2);
	assert_int_equal(s.res[2].outcome, SH_VFS_REFUSED);
	assert_non_null(strstr(s.why[2], "0000:5e:00.7"));
	assert_int_equal(s.res[3].outcome, SH_VFS_UNCHANGED);
	assert_non_null(strstr(s.why[3], "held"));
	assert_int_equal(s.res[4].outcome, SH_VFS_REFUSED);
	assert_string_equal(s.res[4].pf, "ens2f1");
	/* nothing written for the refused and held VFs */
	assert_false(has_override(*state, "0000:5e:10.2"));
	assert_false(has_override(*state, "0000:5e:10.3"));
	assert_false(has_override(*state, "0000:5e:11.0"));
	driver_of(*state, "0000:5e:10.2", drv, sizeof(drv));
	assert_non_null(strstr(drv, "/igbvf"));
	driver_of(*state, "0000:5e:11.0", drv, sizeof(drv));
	assert_non_null(strstr(drv, "/igbvf"));
	sh_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_write_refused),
		cmocka_unit_test(test_vfio_plan),
		cmocka_unit_test(test_vfio_apply_refusals),
	};

	return cmocka_run_group_tests(tests, tree_setup, tmpdir_teardown);
}
