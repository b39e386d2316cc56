/* The claim store on temporary directories: the per-VF lock (per open file, across processes,
 * free again when its holder crashes, never held on an unlinked file), the record's round trip and
 * its corruption, release, listing, and how a stale owner is recognised. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/claim.h"
#include "sriov-hook/json.h"

#define PCI_A "0000:3b:02.0"
#define PCI_B "0000:3b:02.1"
#define PCI_C "0000:3b:0a.3"

/* ---- fixtures ---------------------------------------------------------------------------------- */

/* A state_dir under a fresh temporary directory, removed whatever the test's outcome. */
struct fixture {
	char tmp[64];
	char state_dir[128];
};

static int store_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sh_error err = { 0 };

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/sriov-hook-test-claim-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/state", f->tmp);
	if (sh_claim_store_init(f->state_dir, &err) < 0) {
		fprintf(stderr, "claim_store_init: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int store_teardown(void **state)
{
	struct fixture *f = *state;

	rm_tree(f->tmp);
	free(f);
	return 0;
}

static bool exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static void path_in(char *out, const struct fixture *f, const char *rel)
{
	snprintf(out, PATH_MAX, "%s/%s", f->state_dir, rel);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- the store ---------------------------------------------------------------------------------- */

static void test_store_init(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = { 0 };
	char path[PATH_MAX];
	const char *subdirs[] = { "locks", "claims", "netns" };
	struct stat sb;
	size_t i;

	assert_int_equal(stat(f->state_dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++) {
		path_in(path, f, subdirs[i]);
		assert_int_equal(stat(path, &sb), 0);
		assert_true(S_ISDIR(sb.st_mode));
		assert_int_equal(sb.st_mode & 0777, 0700);
	}
	/* idempotent: every hook calls it */
	assert_int_equal(sh_claim_store_init(f->state_dir, &err), 0);
	/* a subdirectory a crash or an admin removed comes back */
	path_in(path, f, "netns");
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(sh_claim_store_init(f->state_dir, &err), 0);
	assert_true(exists(path));
}

static void test_store_init_fails(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = { 0 };
	char path[PATH_MAX];
	FILE *fp;

	/* state_dir is a file */
	snprintf(path, sizeof(path), "%s/file", f->tmp);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_true(sh_claim_store_init(path, &err) < 0);
	assert_non_null(strstr(err.msg, path));
}

/* ---- locks -------------------------------------------------------------------------------------- */

static void test_lock_basic(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_error err = { 0 };
	char path[PATH_MAX];

	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c, &err), 0);
	assert_true(c.lock_fd >= 0);
	assert_string_equal(c.pci, PCI_A);
	path_in(path, f, "locks/" PCI_A ".lock");
	assert_string_equal(c.lock_path, path);
	assert_true(exists(path));
	path_in(path, f, "claims/" PCI_A ".json");
	assert_string_equal(c.rec_path, path);
	assert_false(exists(path)); /* locking writes no record */
	/* the lock fd does not leak into anything the hook might exec */
	assert_true(fcntl(c.lock_fd, F_GETFD) & FD_CLOEXEC);
	sh_claim_unlock(&c);
	assert_int_equal(c.lock_fd, -1);
	sh_claim_unlock(&c); /* harmless twice */
}

/* flock() belongs to the open file description: a second open in the same process conflicts. */
static void test_lock_twice_same_process(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c1 = SH_CLAIM_INIT, c2 = SH_CLAIM_INIT, c3 = SH_CLAIM_INIT;
	struct sh_error err = { 0 };

	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c1, &err), 0);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c2, &err), -EBUSY);
	assert_int_equal(err.code, EBUSY);
	assert_non_null(strstr(err.msg, PCI_A));
	assert_int_equal(c2.lock_fd, -1);
	/* another VF is independent */
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_B, false, &c3, &err), 0);
	sh_claim_unlock(&c1);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c2, &err), 0);
	sh_claim_unlock(&c2);
	sh_claim_unlock(&c3);
}

/* A child that locks the VF, reports on `ready`, and waits for a byte on `go` (or to be killed). */
static pid_t spawn_holder(const char *state_dir, const char *pci, int *ready_rd, int *go_wr)
{
	int ready[2], go[2];
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_claim c = SH_CLAIM_INIT;
		struct sh_error err = { 0 };
		char b = sh_claim_lock(state_dir, pci, false, &c, &err) == 0 ? 'L' : 'E';

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

static void test_lock_held_by_other_process(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_error err = { 0 };
	int ready, go, status;
	char b = 0;
	pid_t pid = spawn_holder(f->state_dir, PCI_A, &ready, &go);

	assert_int_equal(read(ready, &b, 1), 1);
	assert_int_equal(b, 'L');
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "another sriov-hook"));
	/* the holder crashes without unlocking: the kernel drops its lock */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c, &err), 0);
	sh_claim_unlock(&c);
	close(ready);
	close(go);
}

static void test_lock_wait(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_error err = { 0 };
	int ready, go, status;
	char b = 0;
	double t0;
	pid_t pid = spawn_holder(f->state_dir, PCI_A, &ready, &go);

	assert_int_equal(read(ready, &b, 1), 1);
	assert_int_equal(b, 'L');
	/* the holder lets go after a while; wait=true blocks until then */
	if (fork() == 0) {
		sleep_ms(300);
		if (write(go, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	t0 = now_ms();
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, true, &c, &err), 0);
	assert_true(now_ms() - t0 >= 200);
	sh_claim_unlock(&c);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while (wait(NULL) > 0)
		;
	close(ready);
	close(go);
}

/* A releaser unlinks the lock file while holding it. A hook that was waiting on the old file must
 * not end up "holding" an unlinked file while a third one locks the new file at the path. */
static void test_lock_after_release_is_exclusive(void **state)
{
	struct fixture *f = *state;
	struct sh_claim holder = SH_CLAIM_INIT, third = SH_CLAIM_INIT;
	struct sh_error err = { 0 };
	int report[2], go[2], status;
	char b = 0;
	pid_t pid;

	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &holder, &err), 0);
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_claim c = SH_CLAIM_INIT;
		struct sh_error e = { 0 };
		struct stat fd_st, path_st;

		/* fork() shared the holder's open file (and so its lock): only the parent holds it */
		close(holder.lock_fd);
		close(report[0]);
		close(go[1]);
		/* blocks on the holder's file */
		b = sh_claim_lock(f->state_dir, PCI_A, true, &c, &e) == 0 ? 'L' : 'E';
		if (b == 'L' && (fstat(c.lock_fd, &fd_st) < 0 || stat(c.lock_path, &path_st) < 0 ||
				 fd_st.st_ino != path_st.st_ino || fd_st.st_nlink == 0))
			b = 'U'; /* holds a file that is no longer at the path */
		if (write(report[1], &b, 1) != 1 || read(go[0], &b, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(report[1]);
	close(go[0]);
	sleep_ms(200); /* let the child block in flock() on the current file */
	assert_int_equal(sh_claim_release(&holder, &err), 0);
	assert_int_equal(read(report[0], &b, 1), 1);
	if (b != 'L')
		fail_msg("the waiting hook got '%c' (U: it locked the unlinked file)", b);
	/* the child holds the lock at the path: nobody else gets it */
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &third, &err), -EBUSY);
	assert_int_equal(write(go[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &third, &err), 0);
	sh_claim_unlock(&third);
	close(report[0]);
	close(go[1]);
}

static void test_lock_missing_store(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_error err = { 0 };
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/nonexistent", f->tmp);
	assert_int_equal(sh_claim_lock(dir, PCI_A, false, &c, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "open lock"));
	assert_int_equal(c.lock_fd, -1);
}

/* ---- records ------------------------------------------------------------------------------------ */

static void fill_record(struct sh_record *r)
{
	static const uint8_t host_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t orig_mac[6] = { 0xfe, 0x00, 0x00, 0x00, 0x0a, 0x01 };

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", "3f2a9c1d-container_id.with+chars");
	r->phase = SH_PHASE_ATTACHED;
	r->pid = 123456;
	r->pid_start = 98765432101ULL;
	r->netns_dev = 0x1000000004ULL;
	r->netns_ino = 4026532999ULL;
	snprintf(r->pin, sizeof(r->pin), "%s", "/run/sriov-hook/netns/3f2a9c1d-container_id.with+chars");
	snprintf(r->pf_name, sizeof(r->pf_name), "%s", "ens1f0");
	snprintf(r->pf_pci, sizeof(r->pf_pci), "%s", "0000:3b:00.0");
	r->pf_ifindex = 7;
	r->vf_index = 63;
	snprintf(r->vf_pci, sizeof(r->vf_pci), "%s", PCI_C);
	snprintf(r->host_name, sizeof(r->host_name), "%s", "ens1f0v63");
	r->host_ifindex = 1234;
	memcpy(r->host_mac, host_mac, 6);
	r->host_mtu = 9000;
	r->host_up = true;
	snprintf(r->host_altnames[0], sizeof(r->host_altnames[0]), "%s", "enp59s0f0v63");
	memset(r->host_altnames[1], 'n', sizeof(r->host_altnames[1]) - 1); /* the longest an altname gets */
	r->n_host_altnames = 2;
	snprintf(r->cont_name, sizeof(r->cont_name), "%s", "net1");
	r->cont_ifindex = 3;
	r->knobs = SH_KNOB_BIT(SH_KNOB_MAC) | SH_KNOB_BIT(SH_KNOB_VLAN) | SH_KNOB_BIT(SH_KNOB_RATE) |
		   SH_KNOB_BIT(SH_KNOB_TRUST);
	memcpy(r->orig.mac, orig_mac, 6);
	r->orig.vlan = 4095;
	r->orig.qos = 7;
	r->orig.vlan_proto = ETH_P_8021AD;
	r->orig.spoofchk = 1;
	r->orig.trust = 1;
	r->orig.link_state = IFLA_VF_LINK_STATE_DISABLE;
	r->orig.min_tx_rate = 100;
	r->orig.max_tx_rate = 4294967295u;
}

static void assert_record_equal(const struct sh_record *a, const struct sh_record *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->phase, b->phase);
	assert_int_equal(a->pid, b->pid);
	assert_true(a->pid_start == b->pid_start);
	assert_true(a->netns_dev == b->netns_dev);
	assert_true(a->netns_ino == b->netns_ino);
	assert_string_equal(a->pin, b->pin);
	assert_string_equal(a->pf_name, b->pf_name);
	assert_string_equal(a->pf_pci, b->pf_pci);
	assert_int_equal(a->pf_ifindex, b->pf_ifindex);
	assert_int_equal(a->vf_index, b->vf_index);
	assert_string_equal(a->vf_pci, b->vf_pci);
	assert_string_equal(a->host_name, b->host_name);
	assert_int_equal(a->host_ifindex, b->host_ifindex);
	assert_memory_equal(a->host_mac, b->host_mac, 6);
	assert_int_equal(a->host_mtu, b->host_mtu);
	assert_int_equal(a->host_up, b->host_up);
	assert_int_equal(a->n_host_altnames, b->n_host_altnames);
	for (size_t i = 0; i < a->n_host_altnames; i++)
		assert_string_equal(a->host_altnames[i], b->host_altnames[i]);
	assert_string_equal(a->cont_name, b->cont_name);
	assert_int_equal(a->cont_ifindex, b->cont_ifindex);
	assert_int_equal(a->knobs, b->knobs);
	assert_memory_equal(a->orig.mac, b->orig.mac, 6);
	assert_int_equal(a->orig.vlan, b->orig.vlan);
	assert_int_equal(a->orig.qos, b->orig.qos);
	assert_int_equal(a->orig.vlan_proto, b->orig.vlan_proto);
	assert_int_equal(a->orig.spoofchk, b->orig.spoofchk);
	assert_int_equal(a->orig.trust, b->orig.trust);
	assert_int_equal(a->orig.link_state, b->orig.link_state);
	assert_int_equal(a->orig.min_tx_rate, b->orig.min_tx_rate);
	assert_int_equal(a->orig.max_tx_rate, b->orig.max_tx_rate);
}

static void test_record_json_roundtrip(void **state)
{
	struct sh_record r, back;
	struct sh_error err = { 0 };
	char *json = NULL;

	(void)state;
	fill_record(&r);
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	assert_non_null(json);
	memset(&back, 0xa5, sizeof(back));
	if (sh_record_from_json(json, &back, &err) != 0)
		fail_msg("record_from_json: %s\n%s", err.msg, json);
	assert_record_equal(&back, &r);
	free(json);

	/* as many alternative names as the record holds */
	for (size_t i = 0; i < SH_ARRAY_SIZE(r.host_altnames); i++)
		snprintf(r.host_altnames[i], sizeof(r.host_altnames[i]), "alt%zu", i);
	r.n_host_altnames = SH_ARRAY_SIZE(r.host_altnames);
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	if (sh_record_from_json(json, &back, &err) != 0)
		fail_msg("record_from_json: %s\n%s", err.msg, json);
	assert_record_equal(&back, &r);
	free(json);

	/* the other values: attaching, host down, empty names, no pin, a 64-bit netns device number */
	r.phase = SH_PHASE_ATTACHING;
	r.host_up = false;
	r.pin[0] = '\0';
	r.cont_name[0] = '\0';
	r.host_name[0] = '\0';
	r.pid = 0;
	r.pid_start = 0;
	r.netns_dev = 0xffffffffffffff00ULL;
	r.knobs = 0;
	r.n_host_altnames = 0;
	memset(&r.orig, 0, sizeof(r.orig));
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	if (sh_record_from_json(json, &back, &err) != 0)
		fail_msg("record_from_json: %s\n%s", err.msg, json);
	assert_record_equal(&back, &r);
	free(json);
}

static void test_claim_write_read(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_record r, back;
	struct sh_error err = { 0 };
	struct stat sb;
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	assert_int_equal(sh_claim_lock(f->state_dir, PCI_C, false, &c, &err), 0);
	assert_int_equal(sh_claim_read(&c, &back, &err), -ENOENT);
	fill_record(&r);
	r.phase = SH_PHASE_ATTACHING;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_read(&c, &back, &err), 0);
	assert_record_equal(&back, &r);
	/* rewritten in place (attaching -> attached) */
	r.phase = SH_PHASE_ATTACHED;
	r.cont_ifindex = 99;
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_read(&c, &back, &err), 0);
	assert_record_equal(&back, &r);
	/* only the record is left: no temporary file; readable by root only */
	assert_int_equal(stat(c.rec_path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	path_in(path, f, "claims");
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, PCI_C ".json"))
			fail_msg("stray file in claims/: %s", e->d_name);
	closedir(d);
	sh_claim_unlock(&c);
}

/* ---- corrupt records ------------------------------------------------------------------------------ */

/* Regenerates a parsed document, leaving out top-level key `skip` or `orig`'s key `skip_orig`, or
 * replacing `replace`'s value by the raw JSON text `with` (as a string when with_string). */
struct mutation {
	const char *skip, *skip_orig, *replace;
	const char *with;
	bool with_string;
};

static void gen_value(yajl_gen g, yajl_val v, const struct mutation *m, bool top, bool in_orig)
{
	size_t i;

	if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len; i++) {
			const char *k = v->u.object.keys[i];

			if ((top && m->skip && !strcmp(k, m->skip)) || (in_orig && m->skip_orig && !strcmp(k, m->skip_orig)))
				continue;
			sh_json_gen_str(g, k);
			if (top && m->replace && !strcmp(k, m->replace)) {
				if (m->with_string)
					sh_json_gen_str(g, m->with);
				else
					yajl_gen_number(g, m->with, strlen(m->with));
				continue;
			}
			gen_value(g, v->u.object.values[i], m, false, top && !strcmp(k, "orig"));
		}
		yajl_gen_map_close(g);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len; i++)
			gen_value(g, v->u.array.values[i], m, false, false);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_STRING(v)) {
		sh_json_gen_str(g, YAJL_GET_STRING(v));
	} else if (YAJL_IS_INTEGER(v)) {
		yajl_gen_integer(g, YAJL_GET_INTEGER(v));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, YAJL_IS_TRUE(v));
	} else {
		fail_msg("unexpected JSON value in a record (type %d)", v ? (int)v->type : -1);
	}
}

static char *mutate(const char *json, const struct mutation *m)
{
	struct sh_error err = { 0 };
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	yajl_val t;
	size_t len;
	char *out;

	assert_int_equal(sh_json_parse(json, "record", &t, &err), 0);
	gen_value(g, t, m, true, false);
	yajl_gen_get_buf(g, &buf, &len);
	out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	yajl_tree_free(t);
	return out;
}

static void test_record_missing_fields(void **state)
{
	struct sh_record r, back;
	struct sh_error err = { 0 };
	char *json, *bad;
	yajl_val t, orig;
	size_t i, n = 0;

	(void)state;
	fill_record(&r);
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	/* the unmodified regeneration parses: the mutation itself breaks nothing */
	bad = mutate(json, &(struct mutation){ 0 });
	assert_int_equal(sh_record_from_json(bad, &back, &err), 0);
	free(bad);

	assert_int_equal(sh_json_parse(json, "record", &t, &err), 0);
	for (i = 0; i < t->u.object.len; i++, n++) {
		bad = mutate(json, &(struct mutation){ .skip = t->u.object.keys[i] });
		if (sh_record_from_json(bad, &back, &err) != -EINVAL)
			fail_msg("a record without \"%s\" was accepted", t->u.object.keys[i]);
		assert_non_null(strstr(err.msg, "corrupt"));
		free(bad);
	}
	orig = sh_json_get(t, "orig");
	assert_true(YAJL_IS_OBJECT(orig));
	for (i = 0; i < orig->u.object.len; i++, n++) {
		bad = mutate(json, &(struct mutation){ .skip_orig = orig->u.object.keys[i] });
		if (sh_record_from_json(bad, &back, &err) != -EINVAL)
			fail_msg("a record without orig.\"%s\" was accepted", orig->u.object.keys[i]);
		free(bad);
	}
	assert_true(n >= 30); /* every field of struct sh_record is written */
	yajl_tree_free(t);
	free(json);
}

static void test_record_bad_values(void **state)
{
	static char long_id[300];
	static char long_altname[200];
	const struct mutation cases[] = {
		{ .replace = "pid", .with = "12", .with_string = true },
		{ .replace = "pid", .with = "1.5" },
		{ .replace = "id", .with = "42" },
		{ .replace = "id", .with = long_id, .with_string = true },
		{ .replace = "pf_name", .with = "a-name-longer-than-ifnamsiz", .with_string = true },
		{ .replace = "host_name", .with = "a-name-longer-than-ifnamsiz", .with_string = true },
		{ .replace = "cont_name", .with = "a-name-longer-than-ifnamsiz", .with_string = true },
		{ .replace = "vf_pci", .with = "0000:3b:02.0-and-much-more-than-32-chars", .with_string = true },
		{ .replace = "host_mac", .with = "zz:00:00:00:00:00", .with_string = true },
		{ .replace = "host_mac", .with = "02:00:00:00:00", .with_string = true },
		{ .replace = "host_up", .with = "1" },
		{ .replace = "orig", .with = "0" },
		{ .replace = "knobs", .with = "true", .with_string = true },
		{ .replace = "host_altnames", .with = "x", .with_string = true },
		{ .replace = "host_altnames", .with = "[1]" },
		{ .replace = "host_altnames", .with = long_altname },
		{ .replace = "host_altnames", .with = "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]" },
	};
	struct sh_record r, back;
	struct sh_error err = { 0 };
	char *json;
	size_t i;

	(void)state;
	memset(long_id, 'a', sizeof(long_id) - 1);
	snprintf(long_altname, sizeof(long_altname), "[\"%0128d\"]", 0); /* 128 chars: no room for the NUL */
	fill_record(&r);
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		char *bad = mutate(json, &cases[i]);

		if (sh_record_from_json(bad, &back, &err) != -EINVAL)
			fail_msg("accepted: %s", bad);
		free(bad);
	}
	free(json);
}

static void test_claim_read_corrupt(void **state)
{
	static const char *const texts[] = {
		"", "{", "not json", "[]", "{}", "{\"id\":\"c1\"}", "null",
	};
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_record back, r;
	struct sh_error err = { 0 };
	char *json;
	size_t i;

	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c, &err), 0);
	for (i = 0; i < SH_ARRAY_SIZE(texts); i++) {
		write_text(c.rec_path, texts[i]);
		if (sh_claim_read(&c, &back, &err) != -EINVAL)
			fail_msg("claim_read accepted \"%s\"", texts[i]);
		assert_non_null(strstr(err.msg, c.rec_path));
	}
	/* a record cut short (a torn write claim_write's rename prevents) */
	fill_record(&r);
	assert_int_equal(sh_record_to_json(&r, &json), 0);
	json[strlen(json) / 2] = '\0';
	write_text(c.rec_path, json);
	assert_int_equal(sh_claim_read(&c, &back, &err), -EINVAL);
	free(json);
	sh_claim_unlock(&c);
}

/* ---- release and listing --------------------------------------------------------------------------- */

static void test_release(void **state)
{
	struct fixture *f = *state;
	struct sh_claim c = SH_CLAIM_INIT, other = SH_CLAIM_INIT;
	struct sh_record r;
	struct sh_error err = { 0 };
	char lock[PATH_MAX], rec[PATH_MAX];

	fill_record(&r);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &c, &err), 0);
	snprintf(lock, sizeof(lock), "%s", c.lock_path);
	snprintf(rec, sizeof(rec), "%s", c.rec_path);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);

	/* the record only: the lock stays held (a takeover goes on) */
	assert_int_equal(sh_claim_release_record(&c, &err), 0);
	assert_false(exists(rec));
	assert_true(exists(lock));
	assert_true(c.lock_fd >= 0);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &other, &err), -EBUSY);
	assert_int_equal(sh_claim_release_record(&c, &err), 0); /* no record: fine */

	/* everything */
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_false(exists(rec));
	assert_false(exists(lock));
	assert_int_equal(c.lock_fd, -1);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &other, &err), 0);
	assert_int_equal(sh_claim_read(&other, &r, &err), -ENOENT);
	/* releasing with nothing there is harmless (poststop twice) */
	assert_int_equal(sh_claim_release(&other, &err), 0);
	assert_false(exists(lock));
}

/* The owners/ index: claim_write lists the VF under its container, claim_list_owned finds a
 * container's VFs through it (checking each record), releases and claim_index_drop empty it. */
static void test_owner_index(void **state)
{
	struct fixture *f = *state;
	struct sh_claim a = SH_CLAIM_INIT, b = SH_CLAIM_INIT, c = SH_CLAIM_INIT;
	struct sh_record r;
	struct sh_error err = { 0 };
	char pci[4][SH_PCI_LEN], path[PATH_MAX];
	size_t n;

	fill_record(&r);
	snprintf(r.id, sizeof(r.id), "ctr1");
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_A, false, &a, &err), 0);
	assert_int_equal(sh_claim_write(&a, &r, &err), 0);
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_B, false, &b, &err), 0);
	assert_int_equal(sh_claim_write(&b, &r, &err), 0);
	snprintf(r.id, sizeof(r.id), "ctr2");
	assert_int_equal(sh_claim_lock(f->state_dir, PCI_C, false, &c, &err), 0);
	assert_int_equal(sh_claim_write(&c, &r, &err), 0);
	path_in(path, f, "owners/ctr1/" PCI_A);
	assert_true(exists(path));

	assert_int_equal(sh_claim_list_owned(f->state_dir, "ctr1", pci, 4, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true((!strcmp(pci[0], PCI_A) && !strcmp(pci[1], PCI_B)) ||
		    (!strcmp(pci[0], PCI_B) && !strcmp(pci[1], PCI_A)));
	assert_int_equal(sh_claim_list_owned(f->state_dir, "ctr2", pci, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pci[0], PCI_C);
	assert_int_equal(sh_claim_list_owned(f->state_dir, "nobody", pci, 4, &n, &err), 0);
	assert_int_equal(n, 0);

	/* an index entry whose record went to another container is not counted */
	snprintf(r.id, sizeof(r.id), "ctr2");
	assert_int_equal(sh_claim_write(&b, &r, &err), 0);
	assert_int_equal(sh_claim_list_owned(f->state_dir, "ctr1", pci, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pci[0], PCI_A);

	/* releasing removes the entry, and the directory with the last one */
	assert_int_equal(sh_claim_release(&a, &err), 0);
	assert_false(exists(path));
	path_in(path, f, "owners/ctr2/" PCI_C);
	assert_true(exists(path));
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_false(exists(path));
	sh_claim_index_drop(f->state_dir, "ctr1");
	path_in(path, f, "owners/ctr1");
	assert_false(exists(path));
	assert_int_equal(sh_claim_release(&b, &err), 0);
	path_in(path, f, "owners/ctr2");
	assert_false(exists(path));
}

struct seen {
	char pci[8][SH_PCI_LEN];
	int n;
	int stop_at; /* return non-zero on this call (1-based), 0 = never */
};

static int collect(const char *pci, void *data)
{
	struct seen *s = data;

	if (s->n < 8)
		snprintf(s->pci[s->n], SH_PCI_LEN, "%s", pci);
	s->n++;
	return s->n == s->stop_at ? 42 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_foreach(void **state)
{
	struct fixture *f = *state;
	const char *pcis[] = { PCI_A, PCI_B, PCI_C };
	struct sh_error err = { 0 };
	struct sh_record r;
	struct seen seen = { 0 };
	char path[PATH_MAX];
	size_t i;

	/* empty store */
	assert_int_equal(sh_claim_foreach(f->state_dir, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 0);

	fill_record(&r);
	for (i = 0; i < SH_ARRAY_SIZE(pcis); i++) {
		struct sh_claim c = SH_CLAIM_INIT;

		assert_int_equal(sh_claim_lock(f->state_dir, pcis[i], false, &c, &err), 0);
		assert_int_equal(sh_claim_write(&c, &r, &err), 0);
		sh_claim_unlock(&c);
	}
	/* leftovers of a writer that died before its rename, and other strays */
	path_in(path, f, "claims/0000:3b:02.4.json.tmp.4242");
	write_text(path, "{");
	path_in(path, f, "claims/.json");
	write_text(path, "{}");
	path_in(path, f, "claims/notes.txt");
	write_text(path, "x");
	/* a lock without a record is no claim */
	{
		struct sh_claim c = SH_CLAIM_INIT;

		assert_int_equal(sh_claim_lock(f->state_dir, "0000:3b:02.5", false, &c, &err), 0);
		sh_claim_unlock(&c);
	}

	assert_int_equal(sh_claim_foreach(f->state_dir, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 3);
	qsort(seen.pci, 3, SH_PCI_LEN, cmp_str);
	assert_string_equal(seen.pci[0], PCI_A);
	assert_string_equal(seen.pci[1], PCI_B);
	assert_string_equal(seen.pci[2], PCI_C);

	/* the callback's first non-zero return stops the walk and is returned */
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	assert_int_equal(sh_claim_foreach(f->state_dir, collect, &seen, &err), 42);
	assert_int_equal(seen.n, 2);
}

static void test_foreach_no_store(void **state)
{
	struct fixture *f = *state;
	struct sh_error err = { 0 };
	struct seen seen = { 0 };
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/never-created", f->tmp);
	assert_int_equal(sh_claim_foreach(dir, collect, &seen, &err), 0);
	assert_int_equal(seen.n, 0);
}

/* ---- staleness ------------------------------------------------------------------------------------ */

/* Field 22 of /proc/<pid>/stat, parsed here on its own. */
static unsigned long long stat_field22(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* field 2 ends here */
	assert_non_null(p);
	p += 2; /* field 3 */
	for (i = 3; i < 22; i++) {
		p = strchr(p, ' ');
		assert_non_null(p);
		p++;
	}
	assert_int_equal(sscanf(p, "%llu", &v), 1);
	return v;
}

static void test_proc_start_time_self(void **state)
{
	unsigned long long t = sh_proc_start_time(getpid());

	(void)state;
	assert_true(t > 0);
	assert_true(t == stat_field22(getpid()));
	assert_true(sh_proc_start_time(getppid()) == stat_field22(getppid()));
	assert_true(sh_proc_start_time(1) == stat_field22(1));
	/* no such process */
	assert_true(sh_proc_start_time(0) == 0);
	assert_true(sh_proc_start_time(-1) == 0);
	assert_true(sh_proc_start_time(0x7ffffffe) == 0);
}

/* A child that waits for a byte on its pipe, then exits. */
static pid_t spawn_waiter(int *go_wr, const char *comm)
{
	int go[2];
	pid_t pid;
	char b;

	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		if (comm)
			prctl(PR_SET_NAME, comm, 0, 0, 0);
		if (read(go[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	*go_wr = go[1];
	return pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

static void wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";
	int i;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, comm))
				return;
		}
		sleep_ms(10);
	}
	fail_msg("child comm never became \"%s\" (is \"%s\")", comm, buf);
}

/* A command name with spaces and parentheses does not shift the fields. */
static void test_proc_start_time_odd_comm(void **state)
{
	static const char comm[] = ") (x y) Z 1";
	int go, status;
	pid_t pid = spawn_waiter(&go, comm);
	unsigned long long t;

	(void)state;
	wait_comm(pid, comm);
	t = sh_proc_start_time(pid);
	assert_true(t > 0);
	assert_true(t == stat_field22(pid));
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
}

static void test_stale_attaching(void **state)
{
	struct sh_record r;

	(void)state;
	fill_record(&r);
	/* even with a live owner: the hook that wrote "attaching" died mid-way (we hold the lock) */
	r.pid = getpid();
	r.pid_start = sh_proc_start_time(getpid());
	r.phase = SH_PHASE_ATTACHING;
	assert_true(sh_record_is_stale(&r));
	r.phase = SH_PHASE_ATTACHED;
	assert_false(sh_record_is_stale(&r));
}

static void test_stale_live_owner(void **state)
{
	struct sh_record r;

	(void)state;
	fill_record(&r);
	r.phase = SH_PHASE_ATTACHED;
	r.pid = getppid();
	r.pid_start = sh_proc_start_time(r.pid);
	assert_false(sh_record_is_stale(&r));
	/* same pid, another start time: the pid was reused by someone else */
	r.pid_start += 1;
	assert_true(sh_record_is_stale(&r));
	r.pid_start = 1;
	assert_true(sh_record_is_stale(&r));
}

static void test_stale_dead_owner(void **state)
{
	struct sh_record r;
	int go, status;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	fill_record(&r);
	r.phase = SH_PHASE_ATTACHED;
	r.pid = pid;
	r.pid_start = sh_proc_start_time(pid);
	assert_true(r.pid_start > 0);
	assert_false(sh_record_is_stale(&r));
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
	assert_true(sh_record_is_stale(&r));
	/* a pid that never existed */
	r.pid = 0x7ffffffe;
	assert_true(sh_record_is_stale(&r));
}

/* The container's init exited but nobody reaped it yet: it is gone as far as the VF goes. */
static void test_stale_zombie_owner(void **state)
{
	struct sh_record r;
	int go, status, i;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	fill_record(&r);
	r.phase = SH_PHASE_ATTACHED;
	r.pid = pid;
	r.pid_start = sh_proc_start_time(pid);
	assert_false(sh_record_is_stale(&r));
	assert_int_equal(write(go, "x", 1), 1);
	for (i = 0; i < 500 && proc_state(pid) != 'Z'; i++)
		sleep_ms(10);
	assert_int_equal(proc_state(pid), 'Z'); /* exited, not reaped: /proc/<pid> is still there */
	assert_true(sh_record_is_stale(&r));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_init),
		T(test_store_init_fails),
		T(test_lock_basic),
		T(test_lock_twice_same_process),
		T(test_lock_held_by_other_process),
		T(test_lock_wait),
		T(test_lock_after_release_is_exclusive),
		T(test_lock_missing_store),
		cmocka_unit_test(test_record_json_roundtrip),
		T(test_claim_write_read),
		cmocka_unit_test(test_record_missing_fields),
		cmocka_unit_test(test_record_bad_values),
		T(test_claim_read_corrupt),
		T(test_release),
		T(test_owner_index),
		T(test_foreach),
		T(test_foreach_no_store),
		cmocka_unit_test(test_proc_start_time_self),
		cmocka_unit_test(test_proc_start_time_odd_comm),
		cmocka_unit_test(test_stale_attaching),
		cmocka_unit_test(test_stale_live_owner),
		cmocka_unit_test(test_stale_dead_owner),
		cmocka_unit_test(test_stale_zombie_owner),
	};
#undef T

	return cmocka_run_group_tests_name("claim", tests, NULL, NULL);
}
