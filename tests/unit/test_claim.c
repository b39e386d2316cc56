/* A VF's claim on temporary directories: the per-VF lock (per open file, across processes, free
 * again when its holder crashes, never held on an unlinked file), records and the owners index with
 * what a crash between them leaves, planted symlinks; and the claim at the size of attach (begin,
 * save, commit, abort, adopt, reopen). */
#define _GNU_SOURCE /* nftw, unshare, setns */
#include "storefix.h"

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

/* ---- a claim at the size of attach ------------------------------------------------------------- */

/* This process as a container "ctr" in namespace 11/22. */
static struct sh_holder me(void)
{
	return (struct sh_holder){"ctr", getpid(), sh_proc_start_time(getpid()), 11, 22};
}

/* A record of container id on VF pci, written through the store with the lock let go. */
static void put_for(struct fixture *f, const char *id, const char *name, int pid, enum sh_record_phase phase,
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
	struct sh_holder self = me();
	struct sh_error err = {0};
	struct sh_record stale, r;
	struct sh_claim c;

	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &self, &c, &stale, &err), 0);
	/* the store starts the record: holder, VF, phase, time */
	assert_string_equal(c.rec.id, "ctr");
	assert_int_equal(c.rec.pid, self.pid);
	assert_true(c.rec.pid_start == self.pid_start);
	assert_true(c.rec.netns_dev == 11 && c.rec.netns_ino == 22);
	assert_string_equal(c.rec.vf_pci, PCI_A);
	assert_int_equal(c.rec.phase, SH_PHASE_ATTACHING);
	assert_true(c.rec.since > 0);
	assert_false(exists(in(f, "claims/" PCI_A ".json")));
	snprintf(c.rec.pf_name, sizeof(c.rec.pf_name), "ens1f0");
	c.rec.pf_ifindex = 7;
	snprintf(c.rec.host_name, sizeof(c.rec.host_name), "ens1f0v0");
	assert_int_equal(sh_claim_save(&c, &err), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_int_equal(r.phase, SH_PHASE_ATTACHING);
	assert_true(exists(in(f, "owners/ctr/" PCI_A)));
	assert_int_equal(sh_claim_commit(&c, &err), 0);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_int_equal(r.phase, SH_PHASE_ATTACHED);
	assert_true(sh_record_held_by(&r, &self));
	sh_claim_unlock(&c);
	/* now held by a live container: the next begin is refused, naming it */
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &self, &c, &stale, &err), -EBUSY);
	assert_string_equal(err.msg, "already held by ctr");
	assert_true(exists(in(f, "claims/" PCI_A ".json")));
}

static void test_begin_held_names_holder(void **state)
{
	struct fixture *f = *state;
	struct sh_holder self = me();
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	put_for(f, "other", "web", getpid(), SH_PHASE_ATTACHED, PCI_A);
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &self, &c, &stale, &err), -EBUSY);
	assert_string_equal(err.msg, "already held by other (web)");
	assert_int_equal(c.lock_fd, -1);
}

static void test_begin_stale(void **state)
{
	struct fixture *f = *state;
	struct sh_holder self = me();
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	/* left attaching by a hook that died: stale under the lock */
	put_for(f, "dead", "", getpid(), SH_PHASE_ATTACHING, PCI_A);
	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &self, &c, &stale, &err), 1);
	assert_string_equal(stale.id, "dead");
	assert_string_equal(c.rec.id, "ctr");
	assert_true(c.lock_fd >= 0);
	/* the caller gives it back, keeping the lock, then goes on */
	assert_int_equal(sh_claim_drop(&c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_A ".json")));
	sh_claim_abort(&c);
	assert_false(exists(in(f, "locks/" PCI_A ".lock")));
}

static void test_abort(void **state)
{
	struct fixture *f = *state;
	struct sh_holder self = me();
	struct sh_error err = {0};
	struct sh_record stale;
	struct sh_claim c;

	assert_int_equal(sh_claim_begin(&f->s, PCI_A, &self, &c, &stale, &err), 0);
	assert_true(exists(in(f, "locks/" PCI_A ".lock")));
	sh_claim_abort(&c);
	assert_int_equal(c.lock_fd, -1);
	assert_false(exists(in(f, "locks/" PCI_A ".lock")));
	assert_false(exists(in(f, "claims/" PCI_A ".json")));
	assert_false(exists(in(f, "owners/ctr")));
}

static bool fits_web(const struct sh_record *r, void *data)
{
	(void)data;
	return !strcmp(r->name, "web");
}

static void test_adopt(void **state)
{
	struct fixture *f = *state;
	struct sh_holder self = me();
	struct sh_error err = {0};
	struct sh_record r;
	struct sh_claim c;

	/* made for container ctr by another process (sriov-runc), its own pid the holder */
	put_for(f, "ctr", "web", getppid(), SH_PHASE_ATTACHED, PCI_A);
	put_for(f, "ctr", "db", getppid(), SH_PHASE_ATTACHED, PCI_B);
	assert_int_equal(sh_claim_adopt(&f->s, PCI_B, &self, fits_web, NULL, &c, &err), -ENOENT);
	assert_int_equal(c.lock_fd, -1);
	assert_int_equal(sh_store_peek(&f->s, PCI_B, &r, &err), 0);
	assert_int_equal(r.pid, getppid());
	assert_int_equal(sh_claim_adopt(&f->s, "0000:3b:02.7", &self, fits_web, NULL, &c, &err), -ENOENT);
	assert_int_equal(sh_claim_adopt(&f->s, PCI_A, &self, fits_web, NULL, &c, &err), 0);
	assert_int_equal(c.rec.phase, SH_PHASE_ATTACHING);
	assert_int_equal(sh_store_peek(&f->s, PCI_A, &r, &err), 0);
	assert_true(sh_record_held_by(&r, &self));
	assert_int_equal(r.phase, SH_PHASE_ATTACHING);
	assert_string_equal(r.name, "web");
	sh_claim_unlock(&c);
}

static void test_reopen(void **state)
{
	struct fixture *f = *state;
	struct sh_holder self = me(), other = self;
	struct sh_error err = {0};
	struct sh_claim c;

	other.netns_ino = 0;
	other.netns_dev = 0;
	put_for(f, "ctr", "", getpid(), SH_PHASE_ATTACHED, PCI_A);
	/* the record says netns 0/0: held by other, not by self */
	assert_int_equal(sh_claim_reopen(&f->s, PCI_A, &self, &c, &err), -ENOENT);
	assert_int_equal(c.lock_fd, -1);
	assert_int_equal(sh_claim_reopen(&f->s, PCI_B, &other, &c, &err), -ENOENT);
	assert_int_equal(sh_claim_reopen(&f->s, PCI_A, &other, &c, &err), 0);
	assert_true(c.lock_fd >= 0);
	assert_string_equal(c.rec.vf_pci, PCI_A);
	assert_int_equal(sh_claim_release(&c, &err), 0);
	assert_false(exists(in(f, "claims/" PCI_A ".json")));
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

	put_for(f, "ctr", "", getpid(), SH_PHASE_ATTACHED, PCI_A);
	put_for(f, "other", "", getpid(), SH_PHASE_ATTACHED, PCI_B);
	assert_int_equal(sh_store_each_record_of(&f->s, "ctr", see, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.pci[0], PCI_A);
	memset(&s, 0, sizeof(s));
	assert_int_equal(sh_store_each_record_of(&f->s, "nobody", see, &s, &err), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_lock_basic),
		T(test_lock_other_process),
		T(test_lock_after_release_is_exclusive),
		T(test_write_read_release),
		T(test_crash_leftovers),
		T(test_read_corrupt),
		T(test_v1_pin_path),
		T(test_symlinks_refused),
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
