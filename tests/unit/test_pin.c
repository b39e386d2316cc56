/* Network namespace pins (as root: mounts, namespaces): made, checked, replaced and removed under
 * their lock, and the holder of a namespace found through them. */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include "storefix.h"

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

static void test_netns_holder(void **state)
{
	struct fixture *f = *state;
	struct sh_pin p;
	struct sh_error err = {0};
	struct sh_record r;
	struct sh_claim c;
	char holder[SH_ID_MAX + 1], pci[SH_PCI_LEN];
	int ns1;
	struct sh_holder sandbox, app;

	if (geteuid() != 0)
		skip();
	ns1 = new_netns();
	sandbox = holder_of("sandbox", ns1);
	app = holder_of("app", ns1);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "", holder, NULL, &err), 0);
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
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "", holder, NULL, &err), 0);
	assert_string_equal(holder, "sandbox");
	/* a device the sandbox did not bring is nobody's yet: the app's own (a pod's second container) */
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "pf=ens1f0 vf=1", holder, NULL, &err), 0);
	assert_string_equal(holder, "");
	snprintf(r.device, sizeof(r.device), "pf=ens1f0 vf=1");
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "pf=ens1f0 vf=1", holder, NULL, &err), 0);
	assert_string_equal(holder, "sandbox");
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "", holder, NULL, &err), 0);
	assert_string_equal(holder, "");
	r.device[0] = '\0';
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	/* itself is no other holder */
	assert_int_equal(sh_store_netns_holder(&f->s, &sandbox, "", holder, NULL, &err), 0);
	assert_string_equal(holder, "");
	/* a holder that is gone still has its VF in the namespace: a restarted container takes it */
	r.pid_start++;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_store_netns_holder(&f->s, &app, "", holder, pci, &err), 0);
	assert_string_equal(holder, "sandbox");
	assert_string_equal(pci, PCI_A);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_int_equal(sh_store_unpin_if_unused(&f->s, r.pin, true, &err), 0);
	close(ns1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_pin_make_and_remove),
		T(test_netns_holder),
	};
#undef T

	return cmocka_run_group_tests_name("pin", tests, NULL, NULL);
}
