/* The tidy-up of what crashed operations leave under state_dir: each thing is looked at under its
 * lock taken without waiting (what a live process holds is its own) and removed only when nothing
 * names it any more. gc runs it all (or as a dry run); each createRuntime sweeps pins and info. */
#define _GNU_SOURCE
#include "sriov-hook/store/tidy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/files.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/pin.h"

struct tidy {
	struct sh_store *s;
	bool thorough, dry_run;
	const char *own_id; /* the hooks: this container's pins get the full check */
	sh_store_report_fn *report;
	void *data;
	int first;
	struct sh_error *err;
	char sub[16]; /* the subdirectory walked, for paths in reports */
	int subfd;    /* owners/<id> while walking it */
	const char *id;
};

static void tidy_report(struct tidy *t, const char *what, const char *name, int result, const struct sh_error *e)
{
	char path[PATH_MAX * 2];

	if (t->id)
		snprintf(path, sizeof(path), "%s/%s/%s/%s", t->s->path, t->sub, t->id, name);
	else if (name)
		snprintf(path, sizeof(path), "%s/%s/%s", t->s->path, t->sub, name);
	else
		snprintf(path, sizeof(path), "%s/%s", t->s->path, t->sub);
	if (result < 0 && !t->first) {
		t->first = result;
		sh_err(t->err, -result, "%s: %s", path, e ? e->msg : strerror(-result));
	}
	if (t->report)
		t->report(what, path, result, result < 0 && e ? e->msg : NULL, t->data);
}

/* claims/<pci>.json.tmp (and version 1's <pci>.json.tmp.<pid>): a writer that died. */
static int tidy_claim_file(const char *name, void *data)
{
	struct tidy *t = data;
	char pci[SH_PCI_LEN];
	struct sh_claim c;
	const char *dot = strstr(name, ".json.tmp");
	int r;

	if (!dot || (dot[9] && dot[9] != '.') || (size_t)(dot - name) >= sizeof(pci) ||
	    sh_store_is_link(t->s->claims, name))
		return 0;
	memcpy(pci, name, (size_t)(dot - name));
	pci[dot - name] = '\0';
	if (!sh_pci_addr_valid(pci) || sh_claim_trylock(t->s, pci, &c) == -EBUSY)
		return 0; /* a live writer's */
	r = t->dry_run || unlinkat(t->s->claims, name, 0) == 0 || errno == ENOENT ? 0 : -errno;
	sh_claim_unlock(&c);
	tidy_report(t, "removed stray file", name, r, NULL);
	return 0;
}

/* owners/<id>/<pci>: an entry whose record is gone or another container's (a sharer's is its own). */
static int tidy_index_entry(const char *pci, void *data)
{
	struct tidy *t = data;
	struct sh_error ignored;
	struct sh_record r;
	struct sh_claim c;
	int ret, lk;

	if (!sh_pci_addr_valid(pci) || sh_store_is_link(t->subfd, pci))
		return 0;
	lk = sh_claim_trylock(t->s, pci, &c);
	if (lk == -EBUSY || (lk < 0 && lk != 1))
		return 0;
	ret = sh_store_read_record(t->s, pci, &r, NULL, &ignored);
	if ((ret == 0 && (!strcmp(r.id, t->id) || sh_record_sharer(&r, t->id) >= 0)) || (ret < 0 && ret != -ENOENT)) {
		sh_claim_unlock(&c);
		return 0;
	}
	ret = t->dry_run || unlinkat(t->subfd, pci, 0) == 0 || errno == ENOENT ? 0 : -errno;
	sh_claim_unlock(&c);
	tidy_report(t, "removed stray file", pci, ret, NULL);
	return 0;
}

static int tidy_owner_dir(const char *id, void *data)
{
	struct tidy *t = data;
	struct sh_error ignored;
	int d;

	if (sh_container_id_validate(id, &ignored) < 0 || sh_store_is_link(t->s->owners, id))
		return 0;
	d = openat(t->s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return 0;
	t->subfd = d;
	t->id = id;
	sh_store_each_entry(d, tidy_index_entry, t);
	t->id = NULL;
	t->subfd = -1;
	close(d);
	if (!t->dry_run && unlinkat(t->s->owners, id, AT_REMOVEDIR) == 0)
		tidy_report(t, "removed empty directory", id, 0, NULL);
	return 0;
}

/* netns/<name>: a pin no record names, or a file that holds no namespace. */
static int tidy_pin(const char *name, void *data)
{
	struct tidy *t = data;
	uint64_t dev, ino;
	struct sh_error e;
	struct sh_pin_id id;
	struct sh_pin p;
	int held, r;

	if (sh_pin_parse_name(name, &id) < 0 || sh_store_is_link(t->s->pins, name))
		return 0;
	if (!t->thorough && strcmp(id.id, t->own_id) && !sh_owners_empty(t->s, id.id))
		return 0; /* cheap: a container with claims; gc looks closer */
	if (t->dry_run) {
		char lock[NAME_MAX + 8];
		int fd;

		sh_store_pin_lock_name(lock, sizeof(lock), name);
		r = sh_store_lock_file(t->s, lock, false, false, &fd, &e);
		sh_store_close_fd(&fd);
		if (r == -EBUSY || (r < 0 && r != -ENOENT))
			return 0;
		held = sh_pin_holds(t->s, name, &dev, &ino);
		if (held == 0 || (held == 1 && !sh_pin_referenced(t->s, name)))
			tidy_report(t, held ? "removed stale pin" : "removed stray file", name, 0, NULL);
		return 0;
	}
	if (sh_store_lock_pin_name(t->s, name, false, &p, &e) < 0)
		return 0; /* busy: its hook is making it, or using it */
	held = sh_pin_holds(t->s, name, &dev, &ino);
	if (held >= 0 && (held == 0 || !sh_pin_referenced(t->s, name))) {
		r = sh_store_pin_remove(t->s, name, &e);
		tidy_report(t, held ? "removed stale pin" : "removed stray file", name, r, &e);
	}
	sh_pin_unlock(&p);
	return 0;
}

/* locks/<pci>.lock of a VF without a record, locks/<pin>.lock of a pin that is gone. */
static int tidy_lock(const char *name, void *data)
{
	struct tidy *t = data;
	char stem[NAME_MAX + 1];
	struct sh_error e;
	struct sh_claim c;
	size_t n;
	int fd, r;

	if (!sh_store_has_suffix(name, ".lock", &n) || n > NAME_MAX || sh_store_is_link(t->s->locks, name))
		return 0;
	memcpy(stem, name, n);
	stem[n] = '\0';
	if (sh_pci_addr_valid(stem)) {
		if (sh_claim_trylock(t->s, stem, &c) != 0)
			return 0;
		r = sh_store_read_record(t->s, stem, &(struct sh_record){0}, NULL, &e);
		if (r == -ENOENT && !t->dry_run) {
			sh_owners_del(t->s, c.indexed, stem);
			sh_store_unlock_remove(t->s, name, &c.lock_fd);
		}
		sh_claim_unlock(&c);
		if (r == -ENOENT)
			tidy_report(t, "removed stray file", name, 0, NULL);
		return 0;
	}
	if (sh_store_lock_file(t->s, name, false, false, &fd, &e) < 0)
		return 0;
	if (t->s->pins < 0 || faccessat(t->s->pins, stem, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		if (!t->dry_run)
			sh_store_unlock_remove(t->s, name, &fd);
		tidy_report(t, "removed stray file", name, 0, NULL);
	}
	sh_store_close_fd(&fd);
	return 0;
}

/* info/<id>.json (or its .tmp, a writer that died) of a container that holds no VF: sriov-runc
 * writes it only once the container's claims exist, and it goes with the last of them. */
static int tidy_info(const char *name, void *data)
{
	struct tidy *t = data;
	char id[NAME_MAX + 1];
	struct sh_error ignored;
	size_t n;

	if (sh_store_is_link(t->s->info, name))
		return 0;
	if (!sh_store_has_suffix(name, ".json", &n) && !(sh_store_has_suffix(name, ".json.tmp", &n)))
		return 0;
	memcpy(id, name, n);
	id[n] = '\0';
	if (sh_container_id_validate(id, &ignored) == 0 && !sh_owners_empty(t->s, id))
		return 0;
	if (!t->dry_run && unlinkat(t->s->info, name, 0) < 0)
		return 0;
	tidy_report(t, "removed stray file", name, 0, NULL);
	return 0;
}

static int tidy_walk(struct tidy *t, const char *sub, int dir, sh_store_entry_fn *fn)
{
	struct sh_error e;
	int r;

	snprintf(t->sub, sizeof(t->sub), "%s", sub);
	r = sh_store_each_entry(dir, fn, t);
	if (r < 0) {
		sh_err_errno(&e, -r, "read");
		tidy_report(t, "read directory", NULL, r, &e);
	}
	return 0;
}

int sh_store_tidy(struct sh_store *s, bool dry_run, sh_store_report_fn *report, void *data, struct sh_error *err)
{
	struct tidy t = {
		.s = s, .thorough = true, .dry_run = dry_run, .report = report, .data = data, .err = err, .subfd = -1};

	if (s->dir < 0)
		return 0;
	tidy_walk(&t, "claims", s->claims, tidy_claim_file);
	tidy_walk(&t, "owners", s->owners, tidy_owner_dir);
	tidy_walk(&t, SH_STORE_PIN_DIR, s->pins, tidy_pin);
	tidy_walk(&t, "locks", s->locks, tidy_lock);
	tidy_walk(&t, "info", s->info, tidy_info);
	return t.first;
}

int sh_store_sweep_pins(struct sh_store *s, const char *own_id, struct sh_error *err)
{
	struct tidy t = {.s = s, .own_id = own_id, .err = err, .subfd = -1};

	if (s->dir < 0)
		return 0;
	tidy_walk(&t, SH_STORE_PIN_DIR, s->pins, tidy_pin);
	/* and the info files of vfio containers that hold nothing (a wrapper killed while giving back) */
	tidy_walk(&t, "info", s->info, tidy_info);
	return t.first;
}
