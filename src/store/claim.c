/* A VF's claim: its lock file (which also names the container whose index entry may exist), its
 * record and its index entry, changed in an order that a hook killed anywhere leaves nothing the
 * next lock holder misses. attach's claims (begin, save, commit, abort) are built on the rest. */
#include "sriov-hook/store/claim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/store/files.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/sys/netns.h"

#define RECORD_MAX_BYTES (64u << 10)
#define LOCK_NOTE_LEN 256 /* a VF lock file's content: "<id>\n", zero-padded */

/* The lock file of a VF names the container whose index entry may exist for it. */
static void lock_note_read(int fd, char id[SH_ID_MAX + 1])
{
	char buf[LOCK_NOTE_LEN + 1], *nl;
	struct sh_error ignored;
	ssize_t n;

	id[0] = '\0';
	if (lseek(fd, 0, SEEK_SET) < 0 || (n = read(fd, buf, LOCK_NOTE_LEN)) <= 0)
		return;
	buf[n] = '\0';
	if (!(nl = strchr(buf, '\n')))
		return; /* empty, or cut short by a crash: no entry was made after it */
	*nl = '\0';
	if (strlen(buf) <= SH_ID_MAX && sh_container_id_validate(buf, &ignored) == 0)
		memcpy(id, buf, strlen(buf) + 1);
}

static int lock_note_write(struct sh_claim *c, const char *id, struct sh_error *err)
{
	char buf[LOCK_NOTE_LEN] = {0};
	int r;

	snprintf(buf, sizeof(buf), "%s\n", id);
	if (lseek(c->lock_fd, 0, SEEK_SET) < 0)
		return sh_err_errno(err, errno, "write lock of VF %s", c->pci);
	/* always the whole note, so no truncation is needed */
	if ((r = sh_fd_write_all(c->lock_fd, buf, sizeof(buf), "the lock", err)) < 0)
		return sh_err_ctx(err, "VF %s", c->pci);
	return 0;
}

/* Version 1 named the pin by its absolute path: keep the part under state_dir. A pin elsewhere
 * (state_dir moved since) or of another shape is not the store's: the record has none. */
static void pin_make_relative(const struct sh_store *s, struct sh_record *r)
{
	size_t n = strlen(s->path);

	if (r->pin[0] == '/' && !strncmp(r->pin, s->path, n) && r->pin[n] == '/')
		memmove(r->pin, r->pin + n + 1, strlen(r->pin + n + 1) + 1);
	if (r->pin[0] && !sh_store_pin_name_of(r->pin))
		r->pin[0] = '\0';
}

int sh_store_read_record(struct sh_store *s, const char *pci, struct sh_record *r, struct stat *st,
			 struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	char name[SH_PCI_LEN + 8];
	struct stat sb;

	if (s->claims < 0)
		return -ENOENT;
	sh_store_record_name(name, sizeof(name), pci);
	fd = openat(s->claims, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && errno == ELOOP)
		return sh_err(err, ELOOP, "claim record %s/claims/%s is a symbolic link: refusing it", s->path, name);
	if (fd < 0)
		return sh_err_errno(err, errno, "open %s/claims/%s", s->path, name);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return sh_err(err, EINVAL, "claim record %s/claims/%s is not a regular file: refusing it", s->path,
			      name);
	if (sh_json_read_fd(fd, RECORD_MAX_BYTES, &buf, err) < 0 || sh_record_parse(buf, r, err) < 0)
		return sh_err_ctx(err, "read %s/claims/%s", s->path, name);
	if (strcmp(r->vf_pci, pci))
		return sh_err(err, EINVAL, "read %s/claims/%s: it is the record of VF %s", s->path, name, r->vf_pci);
	pin_make_relative(s, r);
	if (st)
		*st = sb;
	return 0;
}

int sh_store_peek(struct sh_store *s, const char *pci, struct sh_record *r, struct sh_error *err)
{
	return sh_store_read_record(s, pci, r, NULL, err);
}

bool sh_store_has_record(const struct sh_store *s, const char *pci)
{
	char name[SH_PCI_LEN + 8];

	sh_store_record_name(name, sizeof(name), pci);
	return s->claims >= 0 && faccessat(s->claims, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int sh_store_lock_vf(struct sh_store *s, const char *pci, bool wait, struct sh_claim *c, struct sh_error *err)
{
	char name[SH_PCI_LEN + 16];
	int r;

	*c = SH_CLAIM_INIT;
	c->store = s;
	if (!sh_pci_addr_valid(pci))
		return sh_err(err, EINVAL, "\"%.32s\" is not a PCI address", pci);
	snprintf(c->pci, sizeof(c->pci), "%s", pci);
	sh_store_vf_lock_name(name, sizeof(name), pci);
	r = sh_store_lock_file(s, name, true, wait, &c->lock_fd, err);
	if (r == -EBUSY)
		return sh_err(err, EBUSY, "another sriov-hook is acting on VF %s", pci);
	if (r < 0)
		return r;
	lock_note_read(c->lock_fd, c->indexed);
	/* Only a lock holder writes the temporary record: one found now was left by a dead writer. */
	snprintf(name, sizeof(name), "%s.json.tmp", pci);
	if (s->claims >= 0)
		unlinkat(s->claims, name, 0);
	return 0;
}

int sh_store_vf_busy(struct sh_store *s, const char *pci)
{
	char name[SH_PCI_LEN + 16];
	struct sh_error ignored;
	int fd, r;

	sh_store_vf_lock_name(name, sizeof(name), pci);
	r = sh_store_lock_file(s, name, false, false, &fd, &ignored);
	sh_store_close_fd(&fd);
	return r == -EBUSY;
}

void sh_claim_unlock(struct sh_claim *c)
{
	sh_store_close_fd(&c->lock_fd);
}

int sh_claim_read(struct sh_claim *c, struct sh_record *r, struct sh_error *err)
{
	int ret = sh_store_read_record(c->store, c->pci, r, NULL, err);

	c->owner[0] = '\0';
	if (ret == -ENOENT || (ret == 0 && c->indexed[0] && strcmp(c->indexed, r->id))) {
		/* an index entry whose record never came (or went): its hook died in between */
		sh_owners_del(c->store, c->indexed, c->pci);
		c->indexed[0] = '\0';
	}
	if (ret < 0)
		return ret;
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	snprintf(c->indexed, sizeof(c->indexed), "%s", r->id);
	return 0;
}

int sh_claim_write(struct sh_claim *c, const struct sh_record *r, struct sh_error *err)
{
	struct sh_store *s = c->store;
	_cleanup_free_ char *json = NULL;
	char name[SH_PCI_LEN + 8];
	bool created;
	int ret;

	if ((ret = sh_record_format(r, &json)) < 0)
		return ret == -ENOMEM ? sh_err(err, ENOMEM, "out of memory")
				      : sh_err(err, EINVAL, "claim record of VF %s: a value is out of range", c->pci);
	/* The lock file names the new owner before its index entry exists, and the entry exists before
	 * the record: a hook killed anywhere in between leaves nothing the next lock holder misses. */
	if (strcmp(c->indexed, r->id)) {
		if (c->indexed[0] && strcmp(c->indexed, c->owner))
			sh_owners_del(s, c->indexed, c->pci);
		if ((ret = lock_note_write(c, r->id, err)) < 0 || (ret = sh_owners_add(s, r->id, c->pci, err)) < 0)
			return ret;
		snprintf(c->indexed, sizeof(c->indexed), "%s", r->id);
	}
	sh_store_record_name(name, sizeof(name), c->pci);
	if ((ret = sh_store_replace_at(s->claims, name, json, 0600, &created)) < 0)
		return created ? sh_err_errno(err, -ret, "write claim %s/claims/%s", s->path, name)
			       : sh_err_errno(err, -ret, "create %s/claims/%s.tmp", s->path, name);
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	return 0;
}

void sh_claim_unindex(struct sh_claim *c, const char *id)
{
	if (strcmp(c->owner, id))
		sh_owners_del(c->store, id, c->pci);
}

int sh_claim_drop(struct sh_claim *c, struct sh_error *err)
{
	struct sh_store *s = c->store;
	char name[SH_PCI_LEN + 8];

	sh_store_record_name(name, sizeof(name), c->pci);
	if (s->claims >= 0 && unlinkat(s->claims, name, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove claim %s/claims/%s", s->path, name);
	sh_owners_del(s, c->owner, c->pci);
	if (strcmp(c->indexed, c->owner))
		sh_owners_del(s, c->indexed, c->pci);
	c->owner[0] = c->indexed[0] = '\0';
	return 0;
}

int sh_claim_release(struct sh_claim *c, struct sh_error *err)
{
	char name[SH_PCI_LEN + 16];
	int r = sh_claim_drop(c, err);

	sh_store_vf_lock_name(name, sizeof(name), c->pci);
	if (r == 0)
		sh_store_unlock_remove(c->store, name, &c->lock_fd);
	sh_claim_unlock(c);
	return r;
}

int sh_claim_trylock(struct sh_store *s, const char *pci, struct sh_claim *c)
{
	char name[SH_PCI_LEN + 16];
	struct sh_error ignored;
	int r;

	*c = SH_CLAIM_INIT;
	c->store = s;
	snprintf(c->pci, sizeof(c->pci), "%s", pci);
	sh_store_vf_lock_name(name, sizeof(name), pci);
	r = sh_store_lock_file(s, name, false, false, &c->lock_fd, &ignored);
	if (r == -ENOENT)
		return 1;
	if (r == 0)
		lock_note_read(c->lock_fd, c->indexed);
	return r;
}

/* ---- a claim as attach makes it --------------------------------------------------------------- */

/* "<id>" or "<id> (<name>)": a claim's holder as messages name it. */
static const char *holder_of(const struct sh_record *r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s%s", r->id, r->name[0] ? " (" : "", r->name, r->name[0] ? ")" : "");
	return out;
}

static void set_holder(struct sh_record *r, const struct sh_holder *h)
{
	snprintf(r->id, sizeof(r->id), "%s", h->id);
	r->pid = h->pid;
	r->pid_start = h->pid_start;
	r->netns_dev = h->netns_dev;
	r->netns_ino = h->netns_ino;
	/* the pid is the runtime's, and the hook runs in the runtime's PID namespace */
	if (sh_pidns_self(&r->pidns_dev, &r->pidns_ino) < 0)
		r->pidns_dev = r->pidns_ino = 0;
}

int sh_claim_begin(struct sh_store *s, const char *pci, const struct sh_holder *h, struct sh_claim *c,
		   struct sh_record *stale, struct sh_error *err)
{
	int r;

	if ((r = sh_store_lock_vf(s, pci, false, c, err)) < 0)
		return r;
	r = sh_claim_read(c, stale, err);
	if (r == 0 && !sh_record_is_stale(stale)) {
		char holder[SH_ID_MAX + SH_NAME_MAX + 8];

		sh_claim_unlock(c);
		if (stale->group_of[0])
			return sh_err(err, EBUSY, "already held by %s, with VF %s of its IOMMU group %d (through vfio)",
				      holder_of(stale, holder, sizeof(holder)), stale->group_of, stale->iommu_group);
		return sh_err(err, EBUSY, "already held by %s", holder_of(stale, holder, sizeof(holder)));
	}
	if (r < 0 && r != -ENOENT) {
		sh_claim_unlock(c);
		return r;
	}
	memset(&c->rec, 0, sizeof(c->rec));
	set_holder(&c->rec, h);
	c->rec.phase = SH_PHASE_ATTACHING;
	c->rec.since = (long long)time(NULL);
	snprintf(c->rec.vf_pci, sizeof(c->rec.vf_pci), "%s", c->pci);
	return r == 0;
}

/* Locks VF pci (waiting) and reads its record into c->rec: -ENOENT (unlocked, err untouched)
 * when it has none or fits says it is not the one looked for. */
static int lock_record_if(struct sh_store *s, const char *pci, bool (*fits)(const struct sh_record *r, void *data),
			  void *data, struct sh_claim *c, struct sh_error *err)
{
	struct sh_error ignored;
	int r;

	if ((r = sh_store_lock_vf(s, pci, true, c, err)) < 0)
		return r;
	if (sh_claim_read(c, &c->rec, &ignored) < 0 || !fits(&c->rec, data)) {
		sh_claim_unlock(c);
		return -ENOENT;
	}
	return 0;
}

int sh_claim_adopt(struct sh_store *s, const char *pci, const struct sh_holder *h,
		   bool (*fits)(const struct sh_record *r, void *data), void *data, struct sh_claim *c,
		   struct sh_error *err)
{
	int r;

	if ((r = lock_record_if(s, pci, fits, data, c, err)) < 0)
		return r;
	set_holder(&c->rec, h);
	c->rec.phase = SH_PHASE_ATTACHING;
	if ((r = sh_claim_save(c, err)) < 0) {
		sh_claim_unlock(c);
		return r;
	}
	return 0;
}

int sh_claim_save(struct sh_claim *c, struct sh_error *err)
{
	return sh_claim_write(c, &c->rec, err);
}

int sh_claim_commit(struct sh_claim *c, struct sh_error *err)
{
	c->rec.phase = SH_PHASE_ATTACHED;
	return sh_claim_save(c, err);
}

void sh_claim_abort(struct sh_claim *c)
{
	struct sh_error ignored;

	sh_claim_release(c, &ignored);
}

static bool held_by(const struct sh_record *r, void *h)
{
	return sh_record_held_by(r, h);
}

int sh_claim_reopen(struct sh_store *s, const char *pci, const struct sh_holder *h, struct sh_claim *c,
		    struct sh_error *err)
{
	return lock_record_if(s, pci, held_by, (void *)h, c, err);
}

int sh_store_each_record_of(struct sh_store *s, const char *id,
			    int (*fn)(const char *pci, const struct sh_record *r, void *data), void *data,
			    struct sh_error *err)
{
	char pci[64][SH_PCI_LEN];
	struct sh_error ignored;
	struct sh_record r;
	size_t i, n;
	int ret;

	if ((ret = sh_store_list_owned(s, id, pci, SH_ARRAY_SIZE(pci), &n, err)) < 0)
		return ret;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++)
		if (sh_store_read_record(s, pci[i], &r, NULL, &ignored) == 0 && (ret = fn(pci[i], &r, data)) != 0)
			return ret;
	return 0;
}
