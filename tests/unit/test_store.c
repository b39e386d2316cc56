/* The state store on temporary directories: who it trusts, the per-VF lock (per open file, across
 * processes, free again when its holder crashes, never held on an unlinked file), records and the
 * owners index with what a crash between them leaves, planted symlinks, holders, pins (as root),
 * the tidy of leftovers, and the operators' read side. */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/store/tidy.h"
#include "sriov-hook/sys/netns.h"

#define PCI_A "0000:3b:02.0"
#define PCI_B "0000:3b:02.1"
#define PCI_C "0000:3b:0a.3"

/* ---- fixtures ---------------------------------------------------------------------------------- */

/* A store under a fresh temporary directory, removed whatever the test's outcome. */
struct fixture {
	char tmp[64];
	char dir[128];
	struct sh_store s;
};

static int store_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sh_error err = {0};

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/sriov-hook-test-store-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/state", f->tmp);
	if (sh_store_open(f->dir, true, &f->s, &err) < 0) {
		fprintf(stderr, "sh_store_open: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int store_teardown(void **state)
{
	struct fixture *f = *state;
	char path[256];

	sh_store_close(&f->s);
	/* pins a failed test left */
	snprintf(path, sizeof(path), "%s/state/netns", f->tmp);
	{
		DIR *d = opendir(path);
		struct dirent *e;
		char p[600];

		while (d && (e = readdir(d))) {
			snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
			umount2(p, MNT_DETACH | UMOUNT_NOFOLLOW);
		}
		if (d)
			closedir(d);
	}
	rm_tree(f->tmp);
	free(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static const char *in(const struct fixture *f, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], PATH_MAX, "%s/%s", f->dir, rel);
	return buf[i];
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void rec_for(struct sh_record *r, const char *id, const char *pci)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->phase = SH_PHASE_ATTACHED;
	r->slot = 0;
	r->pid = getpid();
	r->pid_start = sh_proc_start_time(getpid());
	snprintf(r->pf_name, sizeof(r->pf_name), "ens1f0");
	r->pf_ifindex = 7;
	snprintf(r->vf_pci, sizeof(r->vf_pci), "%s", pci);
	snprintf(r->host_name, sizeof(r->host_name), "ens1f0v%c", pci[strlen(pci) - 1]);
	r->host_mtu = 1500;
	r->altnames_known = true;
}

/* Writes a record for id on VF pci through the store, leaving the lock free. */
static void put(struct fixture *f, const char *id, const char *pci, enum sh_record_phase phase)
{
	struct sh_claim c;
	struct sh_record r;
	struct sh_error err = {0};

	rec_for(&r, id, pci);
	r.phase = phase;
	assert_int_equal(sh_store_lock_vf(&f->s, pci, false, &c, &err), 0);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
}

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

/* ---- locks ------------------------------------------------------------------------------------- */

static void test_lock_basic(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c, c2, c3;
	struct sh_error err = {0};

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	assert_true(c.lock_fd >= 0);
	assert_true(exists(in(f, "locks/" PCI_A ".lock")));
	assert_false(exists(in(f, "claims/" PCI_A ".json"))); /* locking writes no record */
	assert_true(fcntl(c.lock_fd, F_GETFD) & FD_CLOEXEC);
	/* flock() belongs to the open file: a second open in the same process conflicts */
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c2, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "another sriov-hook is acting on VF " PCI_A));
	assert_int_equal(c2.lock_fd, -1);
	assert_int_equal(sh_store_vf_busy(&f->s, PCI_A), 1);
	/* another VF is independent */
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_B, false, &c3, &err), 0);
	sh_claim_unlock(&c);
	assert_int_equal(c.lock_fd, -1);
	sh_claim_unlock(&c); /* harmless twice */
	assert_int_equal(sh_store_vf_busy(&f->s, PCI_A), 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c2, &err), 0);
	sh_claim_unlock(&c2);
	sh_claim_unlock(&c3);
	/* not a PCI address: no path is built from it */
	assert_int_equal(sh_store_lock_vf(&f->s, "../../etc/x", false, &c, &err), -EINVAL);
}

/* A child that locks the VF, reports on `ready`, and waits for a byte on `go` (or to be killed). */
static pid_t spawn_holder(struct fixture *f, const char *pci, int *ready_rd, int *go_wr)
{
	int ready[2], go[2];
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_claim c;
		struct sh_error err = {0};
		char b = sh_store_lock_vf(&f->s, pci, false, &c, &err) == 0 ? 'L' : 'E';

		close(ready[0]);
		close(go[1]);
		if (write(ready[1], &b, 1) != 1)
			_exit(2);
		if (read(go[0], &b, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	*ready_rd = ready[0];
	*go_wr = go[1];
	return pid;
}

static void test_lock_other_process(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c;
	struct sh_error err = {0};
	int ready, go, status;
	char b = 0;
	pid_t pid = spawn_holder(f, PCI_A, &ready, &go);

	assert_int_equal(read(ready, &b, 1), 1);
	assert_int_equal(b, 'L');
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), -EBUSY);
	/* the holder is killed: the kernel lets go of its lock */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	sh_claim_unlock(&c);
	close(ready);
	close(go);
}

/* A releaser unlinks the lock file while holding it. A hook that was waiting on the old file must
 * not end up "holding" an unlinked file while a third one locks the new file at the path. */
static void test_lock_after_release_is_exclusive(void **state)
{
	struct fixture *f = *state;
	struct sh_claim holder, third;
	struct sh_error err = {0};
	int report[2], go[2], status;
	char b = 0;
	pid_t pid;

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &holder, &err), 0);
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_claim c;
		struct sh_error e = {0};
		struct stat fd_st, path_st;

		close(holder.lock_fd); /* fork() shared the holder's open file */
		close(report[0]);
		close(go[1]);
		b = sh_store_lock_vf(&f->s, PCI_A, true, &c, &e) == 0 ? 'L' : 'E';
		if (b == 'L' && (fstat(c.lock_fd, &fd_st) < 0 || stat(in(f, "locks/" PCI_A ".lock"), &path_st) < 0 ||
				 fd_st.st_ino != path_st.st_ino || fd_st.st_nlink == 0))
			b = 'U';
		if (write(report[1], &b, 1) != 1 || read(go[0], &b, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	sleep_ms(200); /* the child blocks in flock() on the current file */
	assert_int_equal(sh_claim_release(&holder, &err), 0);
	assert_int_equal(read(report[0], &b, 1), 1);
	if (b != 'L')
		fail_msg("the waiting hook got '%c' (U: it locked the unlinked file)", b);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &third, &err), -EBUSY);
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &third, &err), 0);
	sh_claim_unlock(&third);
	close(report[0]);
	close(go[1]);
}

/* ---- records and the index --------------------------------------------------------------------- */

static void test_write_read_release(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c, other;
	struct sh_record r, back;
	struct sh_error err = {0};
	char pci[4][SH_PCI_LEN];
	struct stat sb;
	size_t n;

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_C, false, &c, &err), 0);
	assert_int_equal(sh_claim_read(&c, &back, &err), -ENOENT);
	rec_for(&r, "ctr1", PCI_C);
	r.phase = SH_PHASE_ATTACHING;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_true(exists(in(f, "owners/ctr1/" PCI_C)));
	assert_int_equal(sh_claim_read(&c, &back, &err), 0);
	assert_string_equal(back.id, "ctr1");
	assert_int_equal(back.phase, SH_PHASE_ATTACHING);
	assert_string_equal(c.owner, "ctr1");
	/* the lock file names the owner whose index entry exists */
	assert_non_null(strstr(slurp(in(f, "locks/" PCI_C ".lock")), "ctr1\n"));
	r.phase = SH_PHASE_ATTACHED;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(stat(in(f, "claims/" PCI_C ".json"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_false(exists(in(f, "claims/" PCI_C ".json.tmp")));
	assert_true(sh_store_has_record(&f->s, PCI_C));
	assert_int_equal(sh_store_peek(&f->s, PCI_C, &back, &err), 0);
	assert_int_equal(back.phase, SH_PHASE_ATTACHED);
	assert_int_equal(sh_store_list_owned(&f->s, "ctr1", pci, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pci[0], PCI_C);

	/* drop: the record and its index entry, keeping the lock (a takeover goes on) */
	assert_int_equal(sh_claim_drop(&c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_C ".json")));
	assert_false(exists(in(f, "owners/ctr1"))); /* its last entry: the directory goes too */
	assert_true(exists(in(f, "locks/" PCI_C ".lock")));
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_C, false, &other, &err), -EBUSY);
	/* release: everything, the lock file included */
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_C ".json")));
	assert_false(exists(in(f, "locks/" PCI_C ".lock")));
	assert_false(exists(in(f, "owners/ctr1")));
	assert_int_equal(c.lock_fd, -1);
	/* nothing there: harmless (poststop twice) */
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_C, false, &other, &err), 0);
	assert_int_equal(sh_claim_read(&other, &back, &err), -ENOENT);
	assert_int_equal(sh_claim_release(&other, &err), 0);
	assert_false(exists(in(f, "locks/" PCI_C ".lock")));
}

/* A hook killed between its index entry and its record, or while writing the record: the next
 * holder of the lock removes what it left. */
static void test_crash_leftovers(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c;
	struct sh_record r;
	struct sh_error err = {0};

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	rec_for(&r, "ghost", PCI_A);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	/* as if killed before the rename: index entry and lock note, no record */
	assert_int_equal(unlink(in(f, "claims/" PCI_A ".json")), 0);
	write_text(in(f, "claims/" PCI_A ".json.tmp"), "{\"id\":");
	sh_claim_unlock(&c);
	assert_true(exists(in(f, "owners/ghost/" PCI_A)));

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_A ".json.tmp"))); /* the dead writer's */
	assert_int_equal(sh_claim_read(&c, &r, &err), -ENOENT);
	assert_false(exists(in(f, "owners/ghost")));
	/* the same with a record of another container in place: ghost's entry goes, not its */
	rec_for(&r, "ghost", PCI_A);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_drop(&c, &err), 0);
	rec_for(&r, "real", PCI_A);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
	assert_int_equal(mkdir(in(f, "owners/ghost"), 0700), 0);
	write_text(in(f, "owners/ghost/" PCI_A), "");
	write_text(in(f, "locks/" PCI_A ".lock"), "ghost\n");
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	assert_int_equal(sh_claim_read(&c, &r, &err), 0);
	assert_string_equal(r.id, "real");
	assert_false(exists(in(f, "owners/ghost")));
	assert_true(exists(in(f, "owners/real/" PCI_A)));
	/* unindex: a container's entry goes unless it owns the record */
	assert_int_equal(mkdir(in(f, "owners/late"), 0700), 0);
	write_text(in(f, "owners/late/" PCI_A), "");
	sh_claim_unindex(&c, "late");
	sh_claim_unindex(&c, "real");
	assert_false(exists(in(f, "owners/late")));
	assert_true(exists(in(f, "owners/real/" PCI_A)));
	sh_claim_unlock(&c);
}

static void test_read_corrupt(void **state)
{
	static const char *const texts[] = {"", "{", "not json", "[]", "{}", "{\"id\":\"c1\"}", "null"};
	struct fixture *f = *state;
	struct sh_claim c;
	struct sh_record r;
	struct sh_error err = {0};
	size_t i;

	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	for (i = 0; i < SH_ARRAY_SIZE(texts); i++) {
		write_text(in(f, "claims/" PCI_A ".json"), texts[i]);
		if (sh_claim_read(&c, &r, &err) != -EINVAL)
			fail_msg("read accepted \"%s\"", texts[i]);
		assert_non_null(strstr(err.msg, in(f, "claims/" PCI_A ".json")));
	}
	/* a record filed under another VF's address */
	sh_claim_unlock(&c);
	put(f, "c1", PCI_B, SH_PHASE_ATTACHED);
	assert_int_equal(rename(in(f, "claims/" PCI_B ".json"), in(f, "claims/" PCI_A ".json")), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "record of VF " PCI_B));
}

/* Version 1 named the pin by its absolute path: read back relative; elsewhere, none. */
static void test_v1_pin_path(void **state)
{
	struct fixture *f = *state;
	struct sh_record r;
	struct sh_error err = {0};
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"id\":\"web-1\",\"phase\":\"attached\",\"pin\":\"%s/netns/web-1\",\"pf_name\":\"p\","
		 "\"pf_ifindex\":1,\"vf_index\":0,\"vf_pci\":\"" PCI_A "\",\"host_name\":\"v0\"}",
		 f->dir);
	write_text(in(f, "claims/" PCI_A ".json"), json);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_string_equal(r.pin, "netns/web-1");
	snprintf(json, sizeof(json),
		 "{\"id\":\"web-1\",\"phase\":\"attached\",\"pin\":\"/elsewhere/netns/web-1\",\"pf_name\":\"p\","
		 "\"pf_ifindex\":1,\"vf_index\":0,\"vf_pci\":\"" PCI_A "\",\"host_name\":\"v0\"}");
	write_text(in(f, "claims/" PCI_A ".json"), json);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_string_equal(r.pin, "");
	snprintf(json, sizeof(json),
		 "{\"id\":\"web-1\",\"phase\":\"attached\",\"pin\":\"netns/../../x\",\"pf_name\":\"p\","
		 "\"pf_ifindex\":1,\"vf_index\":0,\"vf_pci\":\"" PCI_A "\",\"host_name\":\"v0\"}");
	write_text(in(f, "claims/" PCI_A ".json"), json);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_string_equal(r.pin, "");
}

/* Planted symlinks are refused or ignored, never followed. */
static void test_symlinks_refused(void **state)
{
	struct fixture *f = *state;
	char victim[256], vdir[256], vfile[PATH_MAX], pci[4][SH_PCI_LEN];
	struct sh_claim c;
	struct sh_record r;
	struct sh_error err = {0};
	size_t n;

	snprintf(victim, sizeof(victim), "%s/victim", f->tmp);
	write_text(victim, "precious\n");
	snprintf(vdir, sizeof(vdir), "%s/victimdir", f->tmp);
	assert_int_equal(mkdir(vdir, 0700), 0);
	snprintf(vfile, sizeof(vfile), "%s/" PCI_A, vdir);
	write_text(vfile, "precious\n");

	/* a record */
	assert_int_equal(symlink(victim, in(f, "claims/" PCI_A ".json")), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	assert_int_equal(sh_claim_read(&c, &r, &err), -ELOOP);
	assert_int_equal(sh_claim_drop(&c, &err), 0); /* removes the link, not what it names */
	sh_claim_unlock(&c);
	assert_false(exists(in(f, "claims/" PCI_A ".json")));
	/* a lock file */
	assert_int_equal(symlink(victim, in(f, "locks/" PCI_B ".lock")), 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_B, false, &c, &err), -ELOOP);
	/* an owners directory: poststop would have emptied the victim directory */
	assert_int_equal(symlink(vdir, in(f, "owners/evil")), 0);
	assert_true(sh_store_list_owned(&f->s, "evil", pci, 4, &n, &err) < 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	rec_for(&r, "evil", PCI_A);
	assert_true(sh_claim_write(&c, &r, &err) < 0);
	sh_claim_unindex(&c, "evil");
	assert_int_equal(sh_claim_release(&c, &err), 0);
	/* an index entry */
	assert_int_equal(mkdir(in(f, "owners/c1"), 0700), 0);
	assert_int_equal(symlink(victim, in(f, "owners/c1/" PCI_C)), 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_C, false, &c, &err), 0);
	rec_for(&r, "c1", PCI_C);
	assert_true(sh_claim_write(&c, &r, &err) < 0);
	sh_claim_unindex(&c, "c1");
	assert_false(exists(in(f, "owners/c1/" PCI_C)));
	assert_int_equal(sh_claim_release(&c, &err), 0);
	/* a temporary record */
	assert_int_equal(symlink(victim, in(f, "claims/" PCI_C ".json.tmp")), 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_C, false, &c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_C ".json.tmp")));
	rec_for(&r, "c1", PCI_C);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	/* and gc's tidy leaves every link alone */
	assert_int_equal(symlink(victim, in(f, "claims/" PCI_C ".json.tmp")), 0);
	assert_int_equal(symlink(victim, in(f, "netns/c9@4-4")), 0);
	assert_int_equal(sh_store_tidy(&f->s, false, NULL, NULL, &err), 0);
	assert_true(exists(in(f, "owners/evil")));

	assert_string_equal(slurp(victim), "precious\n");
	assert_string_equal(slurp(vfile), "precious\n");
}

/* ---- holders ----------------------------------------------------------------------------------- */

static void test_holders(void **state)
{
	struct sh_record r;
	struct sh_holder h;
	int go, status;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	rec_for(&r, "c1", PCI_A);
	r.pid = pid;
	r.pid_start = sh_proc_start_time(pid);
	r.netns_dev = 4;
	r.netns_ino = 4026532000ULL;
	assert_false(sh_record_holder_gone(&r));
	assert_false(sh_record_is_stale(&r));
	/* attaching with the lock free (the caller holds it): the hook died mid-way */
	r.phase = SH_PHASE_ATTACHING;
	assert_true(sh_record_is_stale(&r));
	r.phase = SH_PHASE_RETURNING;
	assert_true(sh_record_is_stale(&r));
	r.phase = SH_PHASE_ATTACHED;
	/* its identity: id, init (pid and start time), namespace */
	h = (struct sh_holder){"c1", pid, r.pid_start, 4, 4026532000ULL};
	assert_true(sh_record_held_by(&r, &h));
	h.id = "c2";
	assert_false(sh_record_held_by(&r, &h));
	h.id = "c1";
	h.pid_start++;
	assert_false(sh_record_held_by(&r, &h));
	h.pid_start--;
	h.netns_ino++;
	assert_false(sh_record_held_by(&r, &h));
	/* the pid reused by another process */
	r.pid_start += 1;
	assert_true(sh_record_holder_gone(&r));
	r.pid_start -= 1;
	/* gone (a zombie counts as gone) */
	assert_int_equal(write(go, "x", 1), 1);
	sleep_ms(100);
	assert_true(sh_record_holder_gone(&r));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(sh_record_holder_gone(&r));
	assert_true(sh_record_is_stale(&r));
	/* unknown holder (no pid given at createRuntime): never gone by the pid */
	r.pid = 0;
	assert_false(sh_record_holder_gone(&r));
	close(go);
}

/* ---- pins (need root: mounts, namespaces) ------------------------------------------------------ */

/* A new network namespace, kept alive by the returned fd. */
static int new_netns(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	assert_true(self >= 0);
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_int_equal(setns(self, CLONE_NEWNET), 0);
	close(self);
	assert_true(fd >= 0);
	return fd;
}

static struct sh_holder holder_of(const char *id, int nsfd)
{
	struct sh_holder h = {.id = id, .pid = getpid(), .pid_start = sh_proc_start_time(getpid())};
	struct sh_error err = {0};

	assert_int_equal(sh_netns_identity(nsfd, &h.netns_dev, &h.netns_ino, &err), 0);
	return h;
}

static bool mounted(const char *path)
{
	char line[1024];
	FILE *fp = fopen("/proc/self/mounts", "r");
	bool found = false;

	while (fp && fgets(line, sizeof(line), fp))
		if (strstr(line, path))
			found = true;
	if (fp)
		fclose(fp);
	return found;
}

/* stat through the pin: the namespace it holds */
static ino_t pinned_ino(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

static void test_pin_make_and_remove(void **state)
{
	struct fixture *f = *state;
	struct sh_pin p;
	struct sh_error err = {0};
	struct sh_record r;
	struct sh_claim c;
	char path[PATH_MAX], rel[4][NAME_MAX + 8];
	int ns1, ns2, fd;
	size_t n;
	struct sh_holder h1, h2;

	if (geteuid() != 0)
		skip();
	ns1 = new_netns();
	ns2 = new_netns();
	h1 = holder_of("ctr1", ns1);
	h2 = holder_of("ctr1", ns2);
	assert_int_equal(sh_store_lock_pin(&f->s, &h1, &p, &err), 0);
	snprintf(path, sizeof(path), "%s/%s", f->dir, p.rel);
	assert_non_null(strstr(p.rel, "netns/ctr1@"));
	assert_true(p.lock_fd >= 0);
	assert_int_equal(sh_pin_make(&p, ns1, &h1, &err), 0);
	assert_true(mounted(path));
	assert_true(pinned_ino(path) == h1.netns_ino);
	/* again: the same pin, still one mount */
	assert_int_equal(sh_pin_make(&p, ns1, &h1, &err), 0);
	assert_true(pinned_ino(path) == h1.netns_ino);
	assert_int_equal(sh_store_open_pin(&f->s, p.rel, h1.netns_dev, h1.netns_ino, &fd, &err), 0);
	close(fd);
	/* not when the record says another namespace */
	assert_int_equal(sh_store_open_pin(&f->s, p.rel, h2.netns_dev, h2.netns_ino, &fd, &err), -ENOENT);
	/* a pin that holds nothing or another namespace than its name says is never reused */
	assert_int_equal(umount2(path, MNT_DETACH), 0);
	write_text(path, ""); /* a pin made, never mounted: a hook died in between */
	assert_int_equal(sh_pin_make(&p, ns1, &h1, &err), 0);
	assert_true(pinned_ino(path) == h1.netns_ino);
	{
		/* mounted over with the wrong namespace (a stale pin) */
		char src[64];

		snprintf(src, sizeof(src), "/proc/self/fd/%d", ns2);
		assert_int_equal(umount2(path, MNT_DETACH), 0);
		assert_int_equal(mount(src, path, NULL, MS_BIND, NULL), 0);
		assert_true(pinned_ino(path) == h2.netns_ino);
		assert_int_equal(sh_pin_make(&p, ns1, &h1, &err), 0);
		assert_true(pinned_ino(path) == h1.netns_ino);
	}
	/* a record names it: kept */
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	rec_for(&r, "ctr1", PCI_A);
	snprintf(r.pin, sizeof(r.pin), "%s", p.rel);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
	assert_int_equal(sh_pin_remove_if_unused(&p, &err), 0);
	assert_true(mounted(path));
	assert_int_equal(sh_store_list_pins(&f->s, "ctr1", rel, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rel[0], p.rel);
	assert_int_equal(sh_store_list_pins(&f->s, "ctr", rel, 4, &n, &err), 0);
	assert_int_equal(n, 0);
	sh_pin_unlock(&p);
	/* the record gone: removed */
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	assert_int_equal(sh_claim_read(&c, &r, &err), 0);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_int_equal(sh_store_unpin_if_unused(&f->s, r.pin, true, &err), 0);
	assert_false(mounted(path));
	assert_false(exists(path));
	/* the lock files went with them */
	assert_false(exists(in(f, "locks/" PCI_A ".lock")));
	snprintf(path, sizeof(path), "%s/locks/%s.lock", f->dir, p.name);
	assert_false(exists(path));
	close(ns1);
	close(ns2);
}

/* A pin whose lock a live hook holds (between making it and recording it) is never removed; once
 * that hook is gone (its lock freed by the kernel), a sweep removes it. */
static void test_pin_sweep(void **state)
{
	struct fixture *f = *state;
	struct sh_pin p;
	struct sh_error err = {0};
	char path[PATH_MAX], orphan[PATH_MAX];
	int ns1, ready[2], go[2], status;
	struct sh_holder h1;
	pid_t pid;
	char b;

	if (geteuid() != 0)
		skip();
	ns1 = new_netns();
	h1 = holder_of("dead", ns1);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	if (pid == 0) {
		/* the hook: pins, and would record next */
		b = sh_store_lock_pin(&f->s, &h1, &p, &err) == 0 && sh_pin_make(&p, ns1, &h1, &err) == 0 ? 'P' : 'E';
		if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) < 0)
			_exit(2);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &b, 1), 1);
	assert_int_equal(b, 'P');
	snprintf(path, sizeof(path), "%s/netns/dead@%llu-%llu", f->dir, (unsigned long long)h1.netns_dev,
		 (unsigned long long)h1.netns_ino);
	assert_true(mounted(path));
	/* a pin of a hook killed long ago, unlocked, and a stray plain file */
	snprintf(orphan, sizeof(orphan), "%s/netns/old@1-2", f->dir);
	write_text(orphan, "");
	assert_int_equal(sh_store_sweep_pins(&f->s, "someone", &err), 0);
	assert_true(mounted(path));
	assert_false(exists(orphan));
	assert_int_equal(sh_store_unpin_if_unused(&f->s, "netns/dead@1-2", false, &err), 0);
	assert_int_equal(sh_store_tidy(&f->s, false, NULL, NULL, &err), 0);
	assert_true(mounted(path));
	/* the hook is killed */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(sh_store_sweep_pins(&f->s, "someone", &err), 0);
	assert_false(mounted(path));
	assert_false(exists(path));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	close(ns1);
}

/* The sweep after each claim looks closely only at pins of containers without index entries (and
 * of its own): gc at every pin. */
static void test_pin_sweep_cheap(void **state)
{
	struct fixture *f = *state;
	struct sh_pin p;
	struct sh_error err = {0};
	char path[PATH_MAX];
	int ns1;
	struct sh_holder h;

	if (geteuid() != 0)
		skip();
	ns1 = new_netns();
	h = holder_of("busy", ns1);
	assert_int_equal(sh_store_lock_pin(&f->s, &h, &p, &err), 0);
	assert_int_equal(sh_pin_make(&p, ns1, &h, &err), 0);
	sh_pin_unlock(&p);
	snprintf(path, sizeof(path), "%s/%s", f->dir, p.rel);
	put(f, "busy", PCI_A, SH_PHASE_ATTACHED); /* a record of busy, naming no pin */
	assert_int_equal(sh_store_sweep_pins(&f->s, "other", &err), 0);
	assert_true(mounted(path));
	assert_int_equal(sh_store_sweep_pins(&f->s, "busy", &err), 0); /* its own: looked at closely */
	assert_false(mounted(path));
	assert_int_equal(sh_store_lock_pin(&f->s, &h, &p, &err), 0);
	assert_int_equal(sh_pin_make(&p, ns1, &h, &err), 0);
	sh_pin_unlock(&p);
	assert_int_equal(sh_store_tidy(&f->s, false, NULL, NULL, &err), 0);
	assert_false(mounted(path));
	close(ns1);
}

static void test_netns_holder(void **state)
{
	struct fixture *f = *state;
	struct sh_pin p;
	struct sh_error err = {0};
	struct sh_record r;
	struct sh_claim c;
	char holder[SH_ID_MAX + 1];
	int ns1;
	struct sh_holder sandbox, app;

	if (geteuid() != 0)
		skip();
	ns1 = new_netns();
	sandbox = holder_of("sandbox", ns1);
	app = holder_of("app", ns1);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, holder, &err), 0);
	assert_string_equal(holder, "");
	assert_int_equal(sh_store_lock_pin(&f->s, &sandbox, &p, &err), 0);
	assert_int_equal(sh_pin_make(&p, ns1, &sandbox, &err), 0);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_A, false, &c, &err), 0);
	rec_for(&r, "sandbox", PCI_A);
	r.netns_dev = sandbox.netns_dev;
	r.netns_ino = sandbox.netns_ino;
	snprintf(r.pin, sizeof(r.pin), "%s", p.rel);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_pin_unlock(&p);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, holder, &err), 0);
	assert_string_equal(holder, "sandbox");
	/* itself is no other holder */
	assert_int_equal(sh_store_netns_holder(&f->s, &sandbox, holder, &err), 0);
	assert_string_equal(holder, "");
	/* a holder that is gone is none */
	r.pid_start++;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, holder, &err), 0);
	assert_string_equal(holder, "");
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_int_equal(sh_store_unpin_if_unused(&f->s, r.pin, true, &err), 0);
	close(ns1);
}

/* ---- tidy -------------------------------------------------------------------------------------- */

struct seen {
	char lines[16][PATH_MAX + 64];
	int n;
};

static void collect(const char *what, const char *path, int result, const char *why, void *data)
{
	struct seen *s = data;

	(void)why;
	if (s->n < 16)
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s %s %d", what, path, result);
	s->n++;
}

static bool saw(const struct seen *s, const char *what, const char *path)
{
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s %s 0", what, path);
	for (int i = 0; i < s->n && i < 16; i++)
		if (!strcmp(s->lines[i], want))
			return true;
	return false;
}

static void test_tidy(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {0};
	struct sh_error err = {0};
	int ready, go, status;
	char b;
	pid_t holder;

	put(f, "live", PCI_A, SH_PHASE_ATTACHED);
	/* leftovers of dead writers: this release's and version 1's temporary records */
	write_text(in(f, "claims/" PCI_B ".json.tmp"), "{");
	write_text(in(f, "claims/" PCI_C ".json.tmp.4242"), "{");
	write_text(in(f, "claims/notes.txt"), "not ours"); /* unknown: left alone */
	/* index entries without their record, and one of a record that is another's */
	assert_int_equal(mkdir(in(f, "owners/gone"), 0700), 0);
	write_text(in(f, "owners/gone/" PCI_B), "");
	write_text(in(f, "owners/gone/" PCI_A), "");
	assert_int_equal(mkdir(in(f, "owners/empty"), 0700), 0);
	/* lock files without records, one held by a live process */
	write_text(in(f, "locks/" PCI_C ".lock"), "");
	holder = spawn_holder(f, "0000:3b:0a.4", &ready, &go);
	assert_int_equal(read(ready, &b, 1), 1);
	write_text(in(f, "locks/orphanpin@1-2.lock"), "");

	/* a dry run reports and changes nothing */
	assert_int_equal(sh_store_tidy(&f->s, true, collect, &seen, &err), 0);
	assert_true(saw(&seen, "removed stray file", in(f, "claims/" PCI_B ".json.tmp")));
	assert_true(saw(&seen, "removed stray file", in(f, "claims/" PCI_C ".json.tmp.4242")));
	assert_true(saw(&seen, "removed stray file", in(f, "owners/gone/" PCI_B)));
	assert_true(saw(&seen, "removed stray file", in(f, "owners/gone/" PCI_A)));
	assert_true(saw(&seen, "removed stray file", in(f, "locks/" PCI_C ".lock")));
	assert_true(saw(&seen, "removed stray file", in(f, "locks/orphanpin@1-2.lock")));
	assert_true(exists(in(f, "claims/" PCI_B ".json.tmp")));
	assert_true(exists(in(f, "owners/gone/" PCI_A)));
	assert_true(exists(in(f, "owners/empty")));
	assert_true(exists(in(f, "locks/" PCI_C ".lock")));

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(sh_store_tidy(&f->s, false, collect, &seen, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_B ".json.tmp")));
	assert_false(exists(in(f, "claims/" PCI_C ".json.tmp.4242")));
	assert_true(exists(in(f, "claims/notes.txt")));
	assert_false(exists(in(f, "owners/gone")));
	assert_false(exists(in(f, "owners/empty")));
	assert_false(exists(in(f, "locks/" PCI_C ".lock")));
	assert_false(exists(in(f, "locks/orphanpin@1-2.lock")));
	assert_true(saw(&seen, "removed empty directory", in(f, "owners/empty")));
	/* what lives stays */
	assert_true(exists(in(f, "claims/" PCI_A ".json")));
	assert_true(exists(in(f, "owners/live/" PCI_A)));
	assert_true(exists(in(f, "locks/" PCI_A ".lock")));
	assert_true(exists(in(f, "locks/0000:3b:0a.4.lock")));
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(holder, &status, 0), holder);
	close(ready);
	close(go);
}

/* ---- the operators' read side ------------------------------------------------------------------ */

struct listed {
	struct sh_claim_info info[8];
	int n, stop_at;
};

static int list_one(const struct sh_claim_info *info, void *data)
{
	struct listed *l = data;

	if (l->n < 8)
		l->info[l->n] = *info;
	l->n++;
	return l->n == l->stop_at ? 42 : 0;
}

static void test_claim_info(void **state)
{
	struct fixture *f = *state;
	struct sh_claim_info info;
	struct sh_error err = {0};
	struct sh_claim c;
	struct sh_record r;
	struct listed l = {0};
	int go, status;
	pid_t dead = spawn_waiter(&go, NULL);
	time_t before = time(NULL);

	assert_int_equal(sh_store_claim_info(f->dir, PCI_A, &info, &err), -ENOENT);
	assert_int_equal(sh_store_claim_info(f->dir, "../x", &info, &err), -EINVAL);
	assert_int_equal(sh_store_foreach_claim(f->dir, list_one, &l, &err), 0);
	assert_int_equal(l.n, 0);

	/* written out of order; listed in PCI order */
	put(f, "held", PCI_C, SH_PHASE_ATTACHED);
	assert_int_equal(sh_store_lock_vf(&f->s, PCI_B, false, &c, &err), 0);
	rec_for(&r, "stale", PCI_B);
	r.pid = dead;
	r.pid_start = sh_proc_start_time(dead);
	r.since = 1700000000;
	snprintf(r.name, sizeof(r.name), "web");
	r.knobs = SH_KNOB_BIT(SH_KNOB_VLAN);
	r.orig.vlan = 5;
	r.applied.vlan = 100;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
	put(f, "returning", PCI_A, SH_PHASE_RETURNING);
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(dead, &status, 0), dead);

	assert_int_equal(sh_store_claim_info(f->dir, PCI_B, &info, &err), 0);
	assert_int_equal(info.state, SH_CLAIM_STALE);
	assert_string_equal(info.rec.id, "stale");
	assert_string_equal(info.rec.name, "web");
	assert_string_equal(info.rec.vf_pci, PCI_B);
	assert_true(info.since == 1700000000);
	assert_int_equal(info.rec.knobs, SH_KNOB_BIT(SH_KNOB_VLAN));
	assert_int_equal(info.rec.orig.vlan, 5);
	assert_int_equal(info.rec.applied.vlan, 100);
	assert_string_equal(info.rec.pf_name, "ens1f0");
	assert_string_equal(info.rec.host_name, "ens1f0v1");
	assert_int_equal(sh_store_foreach_claim(f->dir, list_one, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.info[0].rec.vf_pci, PCI_A);
	assert_int_equal(l.info[0].state, SH_CLAIM_RETURNING);
	assert_string_equal(l.info[1].rec.vf_pci, PCI_B);
	assert_string_equal(l.info[2].rec.vf_pci, PCI_C);
	assert_int_equal(l.info[2].state, SH_CLAIM_HELD);
	/* no claim time in the record (version 1): the record's mtime */
	assert_true(l.info[2].since == 0 || l.info[2].since >= before);
	assert_true(l.info[2].since >= before - 1);
	/* stops at the callback's first non-zero return */
	memset(&l, 0, sizeof(l));
	l.stop_at = 2;
	assert_int_equal(sh_store_foreach_claim(f->dir, list_one, &l, &err), 42);
	assert_int_equal(l.n, 2);
	/* a corrupt record: the others are still listed, the failure reported */
	write_text(in(f, "claims/0000:3b:0a.7.json"), "{");
	memset(&l, 0, sizeof(l));
	assert_true(sh_store_foreach_claim(f->dir, list_one, &l, &err) < 0);
	assert_int_equal(l.n, 3);
	assert_non_null(strstr(err.msg, "0000:3b:0a.7.json"));
	close(go);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_creates),
		T(test_open_missing),
		T(test_open_untrusted),
		T(test_lock_basic),
		T(test_lock_other_process),
		T(test_lock_after_release_is_exclusive),
		T(test_write_read_release),
		T(test_crash_leftovers),
		T(test_read_corrupt),
		T(test_v1_pin_path),
		T(test_symlinks_refused),
		T(test_holders),
		T(test_pin_make_and_remove),
		T(test_pin_sweep),
		T(test_pin_sweep_cheap),
		T(test_netns_holder),
		T(test_tidy),
		T(test_claim_info),
	};
#undef T

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
