/* The tidy-up of what crashed operations leave: the hooks' sweep of pins and info files, and gc's
 * full tidy with its reports (pins need root). */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include "storefix.h"

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_pin_sweep),
		T(test_pin_sweep_cheap),
		T(test_tidy),
	};
#undef T

	return cmocka_run_group_tests_name("tidy", tests, NULL, NULL);
}
