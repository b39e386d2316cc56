/* sriovctl vfs apply on a fake sysfs tree: sriov_numvfs is a plain file there, so what is tested
 * is the plan (unchanged, changed, refused) and that one bad PF does not stop the others. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/vfs.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_write_refused),
	};

	return cmocka_run_group_tests(tests, tree_setup, tmpdir_teardown);
}
