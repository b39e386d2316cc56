/* The state store's handle on temporary directories: what it makes, and whom it trusts. The
 * store's parts have their own tests: test_claim, test_pin, test_tidy, test_scan. */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include "storefix.h"

/* ---- trust ------------------------------------------------------------------------------------- */

static void test_open_creates(void **state)
{
	struct fixture *f = *state;
	const char *subdirs[] = {"locks", "claims", "owners", "netns"};
	struct sh_store s2;
	struct sh_error err = {0};
	struct stat sb;
	size_t i;

	assert_int_equal(stat(f->dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++) {
		assert_int_equal(stat(in(f, subdirs[i]), &sb), 0);
		assert_true(S_ISDIR(sb.st_mode));
		assert_int_equal(sb.st_mode & 07777, 0700);
	}
	/* again (every createRuntime does it); a subdirectory removed comes back */
	assert_int_equal(rmdir(in(f, "netns")), 0);
	assert_int_equal(sh_store_open(f->dir, true, &s2, &err), 0);
	assert_true(exists(in(f, "netns")));
	sh_store_close(&s2);
	/* a trailing slash is the same store */
	{
		char slash[PATH_MAX];

		snprintf(slash, sizeof(slash), "%s//", f->dir);
		assert_int_equal(sh_store_open(slash, true, &s2, &err), 0);
	}
	assert_string_equal(s2.path, f->dir);
	sh_store_close(&s2);
}

/* Without create (poststop, gc, listings) a missing store is empty and nothing is made. */
static void test_open_missing(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], pci[4][SH_PCI_LEN];
	struct sh_store s;
	struct sh_error err = {0};
	size_t n = 99;

	snprintf(dir, sizeof(dir), "%s/never", f->tmp);
	assert_int_equal(sh_store_open(dir, false, &s, &err), 0);
	assert_int_equal(s.dir, -1);
	assert_int_equal(sh_store_list_owned(&s, "c1", pci, 4, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_false(sh_store_has_record(&s, PCI_A));
	assert_int_equal(sh_store_tidy(&s, false, NULL, NULL, &err), 0);
	sh_store_close(&s);
	assert_false(exists(dir));
	/* a relative path is no state directory */
	assert_int_equal(sh_store_open("run/sh", true, &s, &err), -EINVAL);
}

static void expect_untrusted(const char *dir, bool create, const char *needle)
{
	struct sh_store s;
	struct sh_error err = {0};

	if (sh_store_open(dir, create, &s, &err) == 0)
		fail_msg("%s was trusted", dir);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
	assert_int_equal(s.dir, -1);
}

static void test_open_untrusted(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX + 16], link[PATH_MAX], parent[256];

	/* writable by others, or by the group */
	assert_int_equal(chmod(f->dir, 0777), 0);
	expect_untrusted(f->dir, true, "writable by group or others (mode 0777)");
	expect_untrusted(f->dir, false, f->dir);
	assert_int_equal(chmod(f->dir, 0770), 0);
	expect_untrusted(f->dir, false, "writable by group or others");
	assert_int_equal(chmod(f->dir, 0755), 0); /* readable is fine */
	{
		struct sh_store s;
		struct sh_error err = {0};

		assert_int_equal(sh_store_open(f->dir, false, &s, &err), 0);
		sh_store_close(&s);
	}
	/* a subdirectory someone else may write */
	assert_int_equal(chmod(in(f, "claims"), 0777), 0);
	expect_untrusted(f->dir, true, "/claims is writable");
	assert_int_equal(chmod(in(f, "claims"), 0700), 0);
	/* a symlink: refused, not followed */
	snprintf(link, sizeof(link), "%s/link", f->tmp);
	assert_int_equal(symlink(f->dir, link), 0);
	expect_untrusted(link, true, "symbolic link");
	/* a subdirectory replaced by a symlink */
	assert_int_equal(rename(in(f, "owners"), in(f, "owners.real")), 0);
	assert_int_equal(symlink("owners.real", in(f, "owners")), 0);
	expect_untrusted(f->dir, false, "/owners is not a directory");
	/* a directory above it that anyone may write (not sticky) */
	snprintf(parent, sizeof(parent), "%s/open", f->tmp);
	assert_int_equal(mkdir(parent, 0777), 0);
	assert_int_equal(chmod(parent, 0777), 0);
	snprintf(dir, sizeof(dir), "%s/state", parent);
	expect_untrusted(dir, true, "the directory above it,");
	/* sticky, as /tmp is: fine */
	assert_int_equal(chmod(parent, 01777), 0);
	{
		struct sh_store s;
		struct sh_error err = {0};

		if (sh_store_open(dir, true, &s, &err) != 0)
			fail_msg("%s", err.msg);
		sh_store_close(&s);
	}
	/* another user's (as root: chown; as another user the owner check is the same) */
	if (geteuid() == 0) {
		assert_int_equal(chown(f->dir, 65534, 65534), 0);
		assert_int_equal(chmod(f->dir, 0700), 0);
		expect_untrusted(f->dir, false, "belongs to uid 65534");
		assert_int_equal(chown(f->dir, 0, 0), 0);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_creates),
		T(test_open_missing),
		T(test_open_untrusted),
	};
#undef T

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
