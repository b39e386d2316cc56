/* What the store's unit tests share: a store under a fresh temporary directory (removed, with any
 * pin a failed test left, whatever the outcome), records written through the store, and new
 * network namespaces to pin (root). Included by test_store, test_claim, test_pin, test_tidy and
 * test_scan after `#define _GNU_SOURCE`. */
#ifndef SRIOV_HOOK_STOREFIX_H
#define SRIOV_HOOK_STOREFIX_H

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

static inline int store_setup(void **state)
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

static inline int store_teardown(void **state)
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

static inline bool exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static inline const char *in(const struct fixture *f, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], PATH_MAX, "%s/%s", f->dir, rel);
	return buf[i];
}

static inline char *slurp(const char *path)
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

static inline void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static inline void rec_for(struct sh_record *r, const char *id, const char *pci)
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
static inline void put(struct fixture *f, const char *id, const char *pci, enum sh_record_phase phase)
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

/* A new network namespace, kept alive by the returned fd. */
static inline int new_netns(void)
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

static inline struct sh_holder holder_of(const char *id, int nsfd)
{
	struct sh_holder h = {.id = id, .pid = getpid(), .pid_start = sh_proc_start_time(getpid())};
	struct sh_error err = {0};

	assert_int_equal(sh_netns_identity(nsfd, &h.netns_dev, &h.netns_ino, &err), 0);
	return h;
}

static inline bool mounted(const char *path)
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
static inline ino_t pinned_ino(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

/* A child that locks the VF, reports on `ready`, and waits for a byte on `go` (or to be killed). */
static inline pid_t spawn_holder(struct fixture *f, const char *pci, int *ready_rd, int *go_wr)
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

#endif
