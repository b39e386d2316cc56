/* gc on temporary stores and a fake sysfs tree: what it finishes (claims whose holder is gone), what
 * it leaves (live holders, claims a hook is acting on), the events it reports, a VF that is not back
 * (kept, returning), and a dry run that changes nothing. Netlink is only asked about links that do
 * not exist, so no privilege is needed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/hook/gc.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/sys/netns.h"

#define PF_PCI "0000:3b:00.0"
#define VF_PCI "0000:3b:10.0"	/* exists in the fake sysfs, its netdev not on the host */
#define GONE_PCI "0000:3b:10.5" /* does not exist any more (VFs disabled since) */
#define LIVE_PCI "0000:3b:10.6"

struct fixture {
	char tmp[64];
	struct sh_config cfg;
	struct sh_store s;
};

static void mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static int gc_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sh_error err = {0};
	char p[PATH_MAX], t[PATH_MAX];

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/sriov-hook-test-gc-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	sh_config_defaults(&f->cfg);
	snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s/state", f->tmp);
	snprintf(f->cfg.sysfs_root, sizeof(f->cfg.sysfs_root), "%s/sys", f->tmp);
	f->cfg.poststop_timeout_ms = 0;
	/* a PF with one VF whose netdev is elsewhere (bus/pci/devices only: what restore asks) */
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/" PF_PCI "/net/p0", f->tmp);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/" PF_PCI "/sriov_numvfs", f->tmp);
	write_text(p, "1\n");
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/" VF_PCI, f->tmp);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/" VF_PCI "/physfn", f->tmp);
	snprintf(t, sizeof(t), "%s/sys/bus/pci/devices/" PF_PCI, f->tmp);
	if (symlink(t, p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/" PF_PCI "/virtfn0", f->tmp);
	snprintf(t, sizeof(t), "%s/sys/bus/pci/devices/" VF_PCI, f->tmp);
	if (symlink(t, p) < 0)
		return -1;
	if (sh_store_open(f->cfg.state_dir, true, &f->s, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int gc_teardown(void **state)
{
	struct fixture *f = *state;

	sh_store_close(&f->s);
	rm_tree(f->tmp);
	sh_config_free(&f->cfg);
	free(f);
	return 0;
}

static bool exists(const struct fixture *f, const char *rel)
{
	char path[PATH_MAX + 64];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", f->cfg.state_dir, rel);
	return lstat(path, &sb) == 0;
}

/* A record for id on pci, its holder pid (0: this process), written through the store. */
static void put(struct fixture *f, const char *id, const char *pci, pid_t pid, enum sh_record_phase phase)
{
	struct sh_claim c;
	struct sh_record r;
	struct sh_error err = {0};

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.phase = phase;
	r.pid = pid ? pid : getpid();
	r.pid_start = sh_proc_start_time(r.pid);
	if (!r.pid_start)
		r.pid_start = 1; /* a holder that is gone */
	snprintf(r.pf_name, sizeof(r.pf_name), "p0");
	r.pf_ifindex = 0x7ffffff0; /* no such link: nothing PF-side is asked for, knobs are 0 */
	snprintf(r.vf_pci, sizeof(r.vf_pci), "%s", pci);
	snprintf(r.host_name, sizeof(r.host_name), "shgcv0");
	assert_int_equal(sh_store_lock_vf(&f->s, pci, false, &c, &err), 0);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
}

struct events {
	char line[16][PATH_MAX + 128];
	int n;
};

static void collect(const struct sh_gc_event *ev, void *data)
{
	struct events *e = data;

	if (e->n < 16)
		snprintf(e->line[e->n], sizeof(e->line[0]), "%s|%s|%s|%s|%d", ev->what, ev->pci ? ev->pci : "-",
			 ev->id ? ev->id : "-", ev->path ? strrchr(ev->path, '/') + 1 : "-", ev->result);
	e->n++;
}

static bool saw(const struct events *e, const char *line)
{
	for (int i = 0; i < e->n && i < 16; i++)
		if (!strcmp(e->line[i], line))
			return true;
	return false;
}

static void dump(const struct events *e)
{
	for (int i = 0; i < e->n && i < 16; i++)
		print_message("event: %s\n", e->line[i]);
}

static void test_missing_store(void **state)
{
	struct fixture *f = *state;
	struct events e = {0};
	struct sh_error err = {0};

	snprintf(f->cfg.state_dir, sizeof(f->cfg.state_dir), "%s/never", f->tmp);
	assert_int_equal(sh_gc(&f->cfg, false, collect, &e, &err), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(access(f->cfg.state_dir, F_OK), -1); /* nothing made */
}

/* The holder is gone: returned (here: the VF is gone too, so the claim is just dropped); a live
 * holder's claim stays, and so does one a hook acts on now. */
static void test_returns_stale_only(void **state)
{
	struct fixture *f = *state;
	struct events e = {0};
	struct sh_error err = {0};
	struct sh_claim busy;
	int r;

	put(f, "dead", GONE_PCI, 0x7ffffffe, SH_PHASE_ATTACHED);
	put(f, "live", LIVE_PCI, 0, SH_PHASE_ATTACHED);
	put(f, "acting", "0000:3b:10.7", 0, SH_PHASE_ATTACHING);
	assert_int_equal(sh_store_lock_vf(&f->s, "0000:3b:10.7", false, &busy, &err), 0);
	r = sh_gc(&f->cfg, false, collect, &e, &err);
	dump(&e);
	assert_int_equal(r, 0);
	assert_true(saw(&e, "returned|" GONE_PCI "|dead|-|0"));
	assert_false(exists(f, "claims/" GONE_PCI ".json"));
	assert_false(exists(f, "locks/" GONE_PCI ".lock"));
	assert_false(exists(f, "owners/dead"));
	assert_true(exists(f, "claims/" LIVE_PCI ".json"));
	assert_true(exists(f, "claims/0000:3b:10.7.json"));
	assert_int_equal(e.n, 1);
	sh_claim_unlock(&busy);
	/* the hook died (its lock free): attaching is stale even with its container alive */
	memset(&e, 0, sizeof(e));
	assert_int_equal(sh_gc(&f->cfg, false, collect, &e, &err), 0);
	assert_true(saw(&e, "returned|0000:3b:10.7|acting|-|0"));
	assert_true(exists(f, "claims/" LIVE_PCI ".json"));
}

/* The VF exists but is not back on the host: the claim stays, returning; gc says so and fails. */
static void test_not_back(void **state)
{
	struct fixture *f = *state;
	struct events e = {0};
	struct sh_error err = {0};
	struct sh_record r;

	put(f, "dead", VF_PCI, 0x7ffffffe, SH_PHASE_ATTACHED);
	assert_int_equal(sh_gc(&f->cfg, false, collect, &e, &err), -EAGAIN);
	dump(&e);
	assert_true(saw(&e, "returning|" VF_PCI "|dead|-|-11"));
	assert_non_null(strstr(err.msg, "not back on the host yet"));
	assert_int_equal(sh_store_peek(&f->s, VF_PCI, &r, &err), 0);
	assert_int_equal(r.phase, SH_PHASE_RETURNING);
	assert_true(exists(f, "owners/dead/" VF_PCI));
	assert_true(exists(f, "locks/" VF_PCI ".lock"));
}

static void snapshot(const char *dir, char *out, size_t len)
{
	char cmd[PATH_MAX + 64];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%p %%s %%m\\n' | sort; cat claims/*.json", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	pclose(p);
}

/* A dry run reports what the real one does, and changes nothing. */
static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct events dry = {0}, real = {0};
	struct sh_error err = {0};
	char before[16384], after[16384], path[PATH_MAX + 64];

	put(f, "dead", GONE_PCI, 0x7ffffffe, SH_PHASE_ATTACHED);
	put(f, "live", LIVE_PCI, 0, SH_PHASE_ATTACHED);
	snprintf(path, sizeof(path), "%s/claims/" LIVE_PCI ".json.tmp", f->cfg.state_dir);
	write_text(path, "{");
	snprintf(path, sizeof(path), "%s/owners/ghost", f->cfg.state_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/owners/ghost/" LIVE_PCI, f->cfg.state_dir);
	write_text(path, "");
	snprintf(path, sizeof(path), "%s/locks/0000:3b:10.3.lock", f->cfg.state_dir);
	write_text(path, "");
	snapshot(f->cfg.state_dir, before, sizeof(before));
	assert_int_equal(sh_gc(&f->cfg, true, collect, &dry, &err), 0);
	snapshot(f->cfg.state_dir, after, sizeof(after));
	assert_string_equal(after, before);
	assert_true(saw(&dry, "returned|" GONE_PCI "|dead|-|0"));
	assert_true(saw(&dry, "removed stray file|-|-|" LIVE_PCI ".json.tmp|0"));
	assert_true(saw(&dry, "removed stray file|-|-|" LIVE_PCI "|0"));
	assert_true(saw(&dry, "removed stray file|-|-|0000:3b:10.3.lock|0"));

	assert_int_equal(sh_gc(&f->cfg, false, collect, &real, &err), 0);
	dump(&real);
	for (int i = 0; i < dry.n; i++)
		if (!saw(&real, dry.line[i]))
			fail_msg("the dry run said \"%s\", the real run did not", dry.line[i]);
	assert_false(exists(f, "claims/" GONE_PCI ".json"));
	assert_false(exists(f, "claims/" LIVE_PCI ".json.tmp"));
	assert_false(exists(f, "owners/ghost"));
	assert_false(exists(f, "locks/0000:3b:10.3.lock"));
	assert_true(exists(f, "claims/" LIVE_PCI ".json"));
	assert_true(exists(f, "owners/live/" LIVE_PCI));
	/* nothing left to do */
	memset(&real, 0, sizeof(real));
	assert_int_equal(sh_gc(&f->cfg, false, collect, &real, &err), 0);
	assert_int_equal(real.n, 0);
}

/* A record gc cannot read: reported, the rest still done. */
static void test_corrupt_record(void **state)
{
	struct fixture *f = *state;
	struct events e = {0};
	struct sh_error err = {0};
	char path[PATH_MAX + 64];

	put(f, "dead", GONE_PCI, 0x7ffffffe, SH_PHASE_ATTACHED);
	snprintf(path, sizeof(path), "%s/claims/0000:3b:10.2.json", f->cfg.state_dir);
	write_text(path, "{\"id\":");
	assert_int_equal(sh_gc(&f->cfg, false, collect, &e, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "0000:3b:10.2.json"));
	assert_true(saw(&e, "returned|0000:3b:10.2|-|-|-22"));
	assert_true(saw(&e, "returned|" GONE_PCI "|dead|-|0"));
	assert_true(exists(f, "claims/0000:3b:10.2.json"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, gc_setup, gc_teardown)
	const struct CMUnitTest tests[] = {
		T(test_missing_store), T(test_returns_stale_only), T(test_not_back),
		T(test_dry_run),       T(test_corrupt_record),
	};
#undef T

	return cmocka_run_group_tests_name("gc", tests, NULL, NULL);
}
