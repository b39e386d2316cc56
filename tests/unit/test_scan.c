/* The operators' read side: claims listed and read without their locks, each with its record and
 * what it says of the VF. */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include "storefix.h"

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
		T(test_claim_info),
	};
#undef T

	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
