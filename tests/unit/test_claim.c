/* Unit tests for store/claim.c's claim at the size of attach: begin (free, held, stale), save,
 * commit, abort; adopt; reopen; each record of a container. The lock-level operations under
 * them are test_store.c's. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/sys/netns.h"

#define PCI_A "0000:3b:02.0"
#define PCI_B "0000:3b:02.1"

struct fixture {
	char *tmp;
	char dir[128];
	struct sh_store s;
	struct sh_holder self;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sh_error err = {0};
	void *tmp;

	if (!f || tmpdir_setup_for(&tmp, "claim") < 0)
		return -1;
	f->tmp = tmp;
	snprintf(f->dir, sizeof(f->dir), "%s/state", f->tmp);
	if (sh_store_open(f->dir, true, &f->s, &err) < 0) {
		fprintf(stderr, "sh_store_open: %s\n", err.msg);
		return -1;
	}
	f->self = (struct sh_holder){"ctr", getpid(), sh_proc_start_time(getpid()), 11, 22};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	void *tmp = f->tmp;

	sh_store_close(&f->s);
	free(f);
	return tmpdir_teardown(&tmp);
}

static bool exists(const struct fixture *f, const char *rel)
{
	char path[256];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return lstat(path, &sb) == 0;
}

/* A record of container id on VF pci, written through the store with the lock let go. */
static void put(struct fixture *f, const char *id, const char *name, int pid, enum sh_record_phase phase,
		const char *pci)
{
	struct sh_error err = {0};
	struct sh_record r = {0};
	struct sh_claim c;

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.vf_pci, sizeof(r.vf_pci), "%s", pci);
	snprintf(r.pf_name, sizeof(r.pf_name), "ens1f0");
	r.pf_ifindex = 7;
	snprintf(r.host_name, sizeof(r.host_name), "ens1f0v%c", pci[strlen(pci) - 1]);
	r.host_mtu = 1500;
	r.altnames_known = true;
	r.phase = phase;
	r.pid = pid;
	r.pid_start = pid ? sh_proc_start_time(pid) : 0;
	r.slot = 0;
	assert_int_equal(sh_store_lock_vf(&f->s, pci, false, &c, &err), 0);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	sh_claim_unlock(&c);
}

static void test_begin_free_commit(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct sh_record stale, r;
	struct sh_claim c;

	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &f->self, &c, &stale, &err), 0);
	/* the store starts the record: holder, VF, phase, time */
	assert_string_equal(c.rec.id, "ctr");
	assert_int_equal(c.rec.pid, f->self.pid);
	assert_true(c.rec.pid_start == f->self.pid_start);
	assert_true(c.rec.netns_dev == 11 && c.rec.netns_ino == 22);
	assert_string_equal(c.rec.vf_pci, PCI_A);
	assert_int_equal(c.rec.phase, SH_PHASE_ATTACHING);
	assert_true(c.rec.since > 0);
	assert_false(exists(f, "claims/" PCI_A ".json"));
	snprintf(c.rec.pf_name, sizeof(c.rec.pf_name), "ens1f0");
	c.rec.pf_ifindex = 7;
	snprintf(c.rec.host_name, sizeof(c.rec.host_name), "ens1f0v0");
	assert_int_equal(sh_claim_save(&c, &err), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_int_equal(r.phase, SH_PHASE_ATTACHING);
	assert_true(exists(f, "owners/ctr/" PCI_A));
	assert_int_equal(sh_claim_commit(&c, &err), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_int_equal(r.phase, SH_PHASE_ATTACHED);
	assert_true(sh_record_held_by(&r, &f->self));
	sh_claim_unlock(&c);
	/* now held by a live container: the next begin is refused, naming it */
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &f->self, &c, &stale, &err), -EBUSY);
	assert_string_equal(err.msg, "already held by ctr");
	assert_true(exists(f, "claims/" PCI_A ".json"));
}

static void test_begin_held_names_holder(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	put(f, "other", "web", getpid(), SH_PHASE_ATTACHED, PCI_A);
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &f->self, &c, &stale, &err), -EBUSY);
	assert_string_equal(err.msg, "already held by other (web)");
	assert_int_equal(c.lock_fd, -1);
}

static void test_begin_stale(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	/* left attaching by a hook that died: stale under the lock */
	put(f, "dead", "", getpid(), SH_PHASE_ATTACHING, PCI_A);
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &f->self, &c, &stale, &err), 1);
	assert_string_equal(stale.id, "dead");
	assert_string_equal(c.rec.id, "ctr");
	assert_true(c.lock_fd >= 0);
	/* the caller gives it back, keeping the lock, then goes on */
	assert_int_equal(sh_claim_drop(&c, &err), 0);
	assert_false(exists(f, "claims/" PCI_A ".json"));
	sh_claim_abort(&c);
	assert_false(exists(f, "locks/" PCI_A ".lock"));
}

static void test_abort(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &f->self, &c, &stale, &err), 0);
	assert_true(exists(f, "locks/" PCI_A ".lock"));
	sh_claim_abort(&c);
	assert_int_equal(c.lock_fd, -1);
	assert_false(exists(f, "locks/" PCI_A ".lock"));
	assert_false(exists(f, "claims/" PCI_A ".json"));
	assert_false(exists(f, "owners/ctr"));
}

static bool fits_web(const struct sh_record *r, void *data)
{
	(void)data;
	return !strcmp(r->name, "web");
}

static void test_adopt(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct sh_record r;
	struct sh_claim c;

	/* made for container ctr by another process (sriov-runc), its own pid the holder */
	put(f, "ctr", "web", getppid(), SH_PHASE_ATTACHED, PCI_A);
	put(f, "ctr", "db", getppid(), SH_PHASE_ATTACHED, PCI_B);
	assert_int_equal(sh_claim_adopt(&f->s, PCI_B, &f->self, fits_web, NULL, &c, &err), -ENOENT);
	assert_int_equal(c.lock_fd, -1);
	assert_int_equal(sh_store_peek(&f->s, PCI_B, &r, &err), 0);
	assert_int_equal(r.pid, getppid());
	assert_int_equal(sh_claim_adopt(&f->s, "0000:3b:02.7", &f->self, fits_web, NULL, &c, &err), -ENOENT);
	assert_int_equal(sh_claim_adopt(&f->s, PCI_A, &f->self, fits_web, NULL, &c, &err), 0);
	assert_int_equal(c.rec.phase, SH_PHASE_ATTACHING);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_true(sh_record_held_by(&r, &f->self));
	assert_int_equal(r.phase, SH_PHASE_ATTACHING);
	assert_string_equal(r.name, "web");
	sh_claim_unlock(&c);
}

static void test_reopen(void **state)
{
	struct fixture *f = *state;
	struct sh_holder other = f->self;
	struct sh_error err = {0};
	struct sh_claim c;

	other.netns_ino = 0;
	other.netns_dev = 0;
	put(f, "ctr", "", getpid(), SH_PHASE_ATTACHED, PCI_A);
	/* the record says netns 0/0: held by other, not by self */
	assert_int_equal(sh_claim_reopen(&f->s, PCI_A, &f->self, &c, &err), -ENOENT);
	assert_int_equal(c.lock_fd, -1);
	assert_int_equal(sh_claim_reopen(&f->s, PCI_B, &other, &c, &err), -ENOENT);
	assert_int_equal(sh_claim_reopen(&f->s, PCI_A, &other, &c, &err), 0);
	assert_true(c.lock_fd >= 0);
	assert_string_equal(c.rec.vf_pci, PCI_A);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_false(exists(f, "claims/" PCI_A ".json"));
}

struct seen {
	char pci[4][SH_PCI_LEN];
	size_t n;
};

static int see(const char *pci, const struct sh_record *r, void *data)
{
	struct seen *s = data;

	assert_string_equal(pci, r->vf_pci);
	snprintf(s->pci[s->n++], SH_PCI_LEN, "%s", pci);
	return s->n == 3 ? 7 : 0;
}

static void test_each_record_of(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = {0};
	struct seen s = {0};

	put(f, "ctr", "", getpid(), SH_PHASE_ATTACHED, PCI_A);
	put(f, "other", "", getpid(), SH_PHASE_ATTACHED, PCI_B);
	assert_int_equal(sh_store_each_record_of(&f->s, "ctr", see, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pci[0], PCI_A);
	memset(&s, 0, sizeof(s));
	assert_int_equal(sh_store_each_record_of(&f->s, "nobody", see, &s, &err), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_begin_free_commit),
		T(test_begin_held_names_holder),
		T(test_begin_stale),
		T(test_abort),
		T(test_adopt),
		T(test_reopen),
		T(test_each_record_of),
	};
#undef T

	return cmocka_run_group_tests_name("claim", tests, NULL, NULL);
}
