/* The state store: every path under state_dir is built and opened here, relative to directory fds
 * and without following symlinks. Crash safety rests on three rules: a lock (flock, freed by the
 * kernel when its holder dies) covers every change to a VF's files or to a pin; what names
 * something is written before it and removed after it (index before record, record before the
 * pin's lock is let go); and whoever next holds a lock finishes what a dead holder left. */
#define _GNU_SOURCE
#include "sriov-hook/store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/sys/netns.h"

#define RECORD_MAX_BYTES (64u << 10)
#define LOCK_NOTE_LEN 256 /* a VF lock file's content: "<id>\n", zero-padded */
#define PIN_DIR "netns"

static const struct {
	const char *name;
	size_t off;
} subdirs[] = {
	{"locks", offsetof(struct sh_store, locks)},
	{"claims", offsetof(struct sh_store, claims)},
	{"owners", offsetof(struct sh_store, owners)},
	{PIN_DIR, offsetof(struct sh_store, pins)},
	{"info", offsetof(struct sh_store, info)},
	{"cdi", offsetof(struct sh_store, cdi)},
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void sh_store_close(struct sh_store *s)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++)
		close_fd((int *)((char *)s + subdirs[i].off));
	close_fd(&s->dir);
}

/* ---- trusting state_dir ----------------------------------------------------------------------- */

/* A directory the hook may trust: its own user's (or, above state_dir, root's), and writable by
 * nobody else, unless sticky (/tmp) above state_dir. what names it in the message. */
static int check_dir(int fd, const char *what, const char *path, bool above, struct sh_error *err)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return sh_err_errno(err, errno, "%s %s", what, path);
	if (!S_ISDIR(sb.st_mode))
		return sh_err(err, ENOTDIR, "%s %s is not a directory: refusing it", what, path);
	if (sb.st_uid != geteuid() && !(above && sb.st_uid == 0))
		return sh_err(err, EPERM, "%s %s belongs to uid %u, not to uid %u: refusing it", what, path,
			      (unsigned)sb.st_uid, (unsigned)geteuid());
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) && !(above && (sb.st_mode & S_ISVTX)))
		return sh_err(err, EPERM, "%s %s is writable by group or others (mode %04o): refusing it", what, path,
			      (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* state_dir and every directory above it, walked up through ".." from the open fd: what is
 * checked is what was opened, whatever symlinks the configured path went through. */
static int check_trusted(const struct sh_store *s, struct sh_error *err)
{
	char above[PATH_MAX], what[PATH_MAX + 64], *slash;
	struct stat cur, up;
	int fd, parent, r, depth;

	if ((r = check_dir(s->dir, "state directory", s->path, false, err)) < 0)
		return r;
	snprintf(above, sizeof(above), "%s", s->path);
	fd = s->dir;
	for (depth = 0; depth < 256; depth++) {
		if (fstat(fd, &cur) < 0)
			break;
		parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd != s->dir)
			close(fd);
		if (parent < 0)
			return sh_err_errno(err, errno, "state directory %s: open its parent", s->path);
		if (fstat(parent, &up) < 0 || (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)) {
			close(parent);
			return 0; /* the root */
		}
		slash = strrchr(above, '/');
		if (slash)
			*(slash == above ? slash + 1 : slash) = '\0';
		snprintf(what, sizeof(what), "state directory %s: the directory above it,", s->path);
		if ((r = check_dir(parent, what, above, true, err)) < 0) {
			close(parent);
			return r;
		}
		fd = parent;
	}
	if (fd != s->dir)
		close(fd);
	return 0;
}

static int open_subdir(struct sh_store *s, const char *name, bool create, int *out, struct sh_error *err)
{
	char what[PATH_MAX + 16];
	int r;

	snprintf(what, sizeof(what), "%s/%s", s->path, name);
	if (create && mkdirat(s->dir, name, 0700) < 0 && errno != EEXIST)
		return sh_err_errno(err, errno, "create %s", what);
	*out = openat(s->dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*out < 0 && errno == ENOENT && !create)
		return 0;
	if (*out < 0 && (errno == ELOOP || errno == ENOTDIR))
		return sh_err(err, ENOTDIR, "%s is not a directory (a symbolic link?): refusing it", what);
	if (*out < 0)
		return sh_err_errno(err, errno, "open %s", what);
	if ((r = check_dir(*out, "state directory", what, false, err)) < 0)
		return r;
	return 0;
}

int sh_store_open(const char *state_dir, bool create, struct sh_store *s, struct sh_error *err)
{
	size_t i, len = strlen(state_dir);
	int r;

	*s = SH_STORE_INIT;
	while (len > 1 && state_dir[len - 1] == '/')
		len--; /* v1 records name pins under the path as configured, without a trailing slash */
	if (state_dir[0] != '/' || len >= sizeof(s->path))
		return sh_err(err, EINVAL, "state directory %s is not an absolute path of a usable length", state_dir);
	memcpy(s->path, state_dir, len);
	s->path[len] = '\0';
	if (create && mkdir(s->path, 0700) < 0 && errno != EEXIST)
		return sh_err_errno(err, errno, "create state directory %s", s->path);
	s->dir = open(s->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dir < 0 && errno == ENOENT && !create)
		return 0;
	if (s->dir < 0 && (errno == ELOOP || errno == ENOTDIR))
		return sh_err(err, ENOTDIR, "state directory %s is not a directory (a symbolic link?): refusing it",
			      s->path);
	if (s->dir < 0)
		return sh_err_errno(err, errno, "open state directory %s", s->path);
	if ((r = check_trusted(s, err)) < 0)
		goto fail;
	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++)
		if ((r = open_subdir(s, subdirs[i].name, create, (int *)((char *)s + subdirs[i].off), err)) < 0)
			goto fail;
	return 0;
fail:
	sh_store_close(s);
	return r;
}

/* ---- directory walks -------------------------------------------------------------------------- */

typedef int entry_fn(const char *name, void *data);

/* Calls fn for every entry of dir not starting with '.', stopping at its first non-zero return.
 * The directory is reopened so that dir stays usable (the sandbox has no dup). */
static int each_entry(int dir, entry_fn *fn, void *data)
{
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (dir < 0)
		return 0;
	fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while (r == 0 && (errno = 0, e = readdir(d)))
		if (e->d_name[0] != '.')
			r = fn(e->d_name, data);
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

static bool has_suffix(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n <= m || strcmp(s + n - m, suffix))
		return false;
	*stem = n - m;
	return true;
}

/* Whether name is a symbolic link or absent in dir: left alone by every walk. */
static bool is_link(int dir, const char *name)
{
	struct stat sb;

	return fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(sb.st_mode);
}

/* ---- locks ------------------------------------------------------------------------------------ */

/* Opens and flock()s locks/<name>. A releaser unlinks a lock file while holding it: a file that is
 * no longer at the path once locked is not the lock, so retry on the one there now. create=false:
 * -ENOENT when there is no lock file (nobody can hold it). -EBUSY (err untouched) when held and
 * wait is false. */
static int lock_file(struct sh_store *s, const char *name, bool create, bool wait, int *out, struct sh_error *err)
{
	struct stat fd_st, path_st;
	int fd, e;

	*out = -1;
	if (s->locks < 0)
		return create ? sh_err(err, ENOENT, "state directory %s has no locks/", s->path) : -ENOENT;
	for (;;) {
		fd = openat(s->locks, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (create ? O_CREAT : 0),
			    0600);
		if (fd < 0 && errno == ENOENT && !create)
			return -ENOENT;
		if (fd < 0 && errno == ELOOP)
			return sh_err(err, ELOOP, "lock %s/locks/%s is a symbolic link: refusing it", s->path, name);
		if (fd < 0)
			return sh_err_errno(err, errno, "open lock %s/locks/%s", s->path, name);
		if (fstat(fd, &fd_st) < 0 || !S_ISREG(fd_st.st_mode)) {
			close(fd);
			return sh_err(err, EINVAL, "lock %s/locks/%s is not a regular file: refusing it", s->path,
				      name);
		}
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
			e = errno;
			close(fd);
			if (e == EINTR)
				continue;
			if (e == EWOULDBLOCK)
				return -EBUSY;
			return sh_err_errno(err, e, "lock %s/locks/%s", s->path, name);
		}
		if (fstatat(s->locks, name, &path_st, AT_SYMLINK_NOFOLLOW) == 0 && fd_st.st_ino == path_st.st_ino &&
		    fd_st.st_dev == path_st.st_dev)
			break;
		close(fd);
		if (!create)
			return -ENOENT;
	}
	*out = fd;
	return 0;
}

/* Unlinks the lock file while still holding it, then lets it go. */
static void unlock_remove(struct sh_store *s, const char *name, int *fd)
{
	if (*fd >= 0 && s->locks >= 0)
		unlinkat(s->locks, name, 0);
	close_fd(fd);
}

static void vf_lock_name(char *out, size_t len, const char *pci)
{
	snprintf(out, len, "%s.lock", pci);
}

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

/* ---- the owners index ------------------------------------------------------------------------- */

static int index_add(struct sh_store *s, const char *id, const char *pci, struct sh_error *err)
{
	int d, fd, tries;

	/* A releaser of another VF of id may remove owners/<id> between mkdir and create: retry. */
	for (tries = 0; tries < 16; tries++) {
		if (mkdirat(s->owners, id, 0700) < 0 && errno != EEXIST)
			return sh_err_errno(err, errno, "index the claim of VF %s: create %s/owners/%s", pci, s->path,
					    id);
		d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0 && errno == ENOENT)
			continue;
		if (d < 0)
			return sh_err_errno(err, errno, "index the claim of VF %s: open %s/owners/%s", pci, s->path,
					    id);
		fd = openat(d, pci, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		close(d);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != ENOENT)
			return sh_err_errno(err, errno, "index the claim of VF %s: create %s/owners/%s/%s", pci,
					    s->path, id, pci);
	}
	return sh_err(err, EAGAIN, "index the claim of VF %s: %s/owners/%s keeps disappearing", pci, s->path, id);
}

/* Removes owners/<id>/<pci>, and owners/<id> once empty. */
static int index_del(struct sh_store *s, const char *id, const char *pci)
{
	int d, r = 0;

	if (s->owners < 0 || !*id)
		return 0;
	d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return errno == ENOENT ? 0 : -errno;
	if (unlinkat(d, pci, 0) < 0 && errno != ENOENT)
		r = -errno;
	close(d);
	/* fails while other VFs of the container are listed */
	unlinkat(s->owners, id, AT_REMOVEDIR);
	return r;
}

struct owned {
	char (*pci)[SH_PCI_LEN];
	size_t max, n;
};

static int add_owned(const char *name, void *data)
{
	struct owned *o = data;

	if (!sh_pci_addr_valid(name))
		return 0;
	if (o->n < o->max)
		snprintf(o->pci[o->n], SH_PCI_LEN, "%s", name);
	o->n++;
	return 0;
}

int sh_store_list_owned(struct sh_store *s, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			struct sh_error *err)
{
	struct owned o = {pci, max, 0};
	int d, r;

	*n = 0;
	if (s->owners < 0)
		return 0;
	d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0 && errno == ENOENT)
		return 0;
	if (d < 0)
		return sh_err_errno(err, errno, "open %s/owners/%s", s->path, id);
	r = each_entry(d, add_owned, &o);
	close(d);
	if (r < 0)
		return sh_err_errno(err, -r, "read %s/owners/%s", s->path, id);
	*n = o.n;
	return 0;
}

/* ---- records ---------------------------------------------------------------------------------- */

/* "netns/<name>" with a plain name, or NULL. */
static const char *pin_name_of(const char *rel)
{
	size_t n = strlen(PIN_DIR);

	if (strncmp(rel, PIN_DIR "/", n + 1) || !rel[n + 1] || rel[n + 1] == '.' || strchr(rel + n + 1, '/') ||
	    strlen(rel + n + 1) > NAME_MAX)
		return NULL;
	return rel + n + 1;
}

/* Version 1 named the pin by its absolute path: keep the part under state_dir. A pin elsewhere
 * (state_dir moved since) or of another shape is not the store's: the record has none. */
static void pin_make_relative(const struct sh_store *s, struct sh_record *r)
{
	size_t n = strlen(s->path);

	if (r->pin[0] == '/' && !strncmp(r->pin, s->path, n) && r->pin[n] == '/')
		memmove(r->pin, r->pin + n + 1, strlen(r->pin + n + 1) + 1);
	if (r->pin[0] && !pin_name_of(r->pin))
		r->pin[0] = '\0';
}

static int read_record(struct sh_store *s, const char *pci, struct sh_record *r, struct stat *st, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	char name[SH_PCI_LEN + 8];
	struct stat sb;

	if (s->claims < 0)
		return -ENOENT;
	snprintf(name, sizeof(name), "%s.json", pci);
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
	return read_record(s, pci, r, NULL, err);
}

bool sh_store_has_record(const struct sh_store *s, const char *pci)
{
	char name[SH_PCI_LEN + 8];

	snprintf(name, sizeof(name), "%s.json", pci);
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
	vf_lock_name(name, sizeof(name), pci);
	r = lock_file(s, name, true, wait, &c->lock_fd, err);
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

	vf_lock_name(name, sizeof(name), pci);
	r = lock_file(s, name, false, false, &fd, &ignored);
	close_fd(&fd);
	return r == -EBUSY;
}

void sh_claim_unlock(struct sh_claim *c)
{
	close_fd(&c->lock_fd);
}

int sh_claim_read(struct sh_claim *c, struct sh_record *r, struct sh_error *err)
{
	int ret = read_record(c->store, c->pci, r, NULL, err);

	c->owner[0] = '\0';
	if (ret == -ENOENT || (ret == 0 && c->indexed[0] && strcmp(c->indexed, r->id))) {
		/* an index entry whose record never came (or went): its hook died in between */
		index_del(c->store, c->indexed, c->pci);
		c->indexed[0] = '\0';
	}
	if (ret < 0)
		return ret;
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	snprintf(c->indexed, sizeof(c->indexed), "%s", r->id);
	return 0;
}

/* Replaces dir/name with data through name.tmp, written, fsync'd, given mode, then renamed
 * over it: a reader sees the old file or the new one, never part of one. 0, or a negative errno
 * (*created: whether the temporary file was made, which then goes). */
static int replace_at(int dir, const char *name, const char *data, mode_t mode, bool *created)
{
	char tmp[NAME_MAX + 8];
	int fd, ret;

	*created = false;
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	*created = true;
	ret = sh_fd_write_all(fd, data, strlen(data), NULL, NULL);
	/* Bits for others must survive the umask; the owner's always do (and the hooks' sandbox has
	 * no fchmod). */
	if (ret == 0 && (fsync(fd) < 0 || ((mode & 077) && fchmod(fd, mode) < 0)))
		ret = -errno;
	close(fd);
	if (ret == 0 && renameat(dir, tmp, dir, name) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(dir, tmp, 0);
	return ret;
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
			index_del(s, c->indexed, c->pci);
		if ((ret = lock_note_write(c, r->id, err)) < 0 || (ret = index_add(s, r->id, c->pci, err)) < 0)
			return ret;
		snprintf(c->indexed, sizeof(c->indexed), "%s", r->id);
	}
	snprintf(name, sizeof(name), "%s.json", c->pci);
	if ((ret = replace_at(s->claims, name, json, 0600, &created)) < 0)
		return created ? sh_err_errno(err, -ret, "write claim %s/claims/%s", s->path, name)
			       : sh_err_errno(err, -ret, "create %s/claims/%s.tmp", s->path, name);
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	return 0;
}

void sh_claim_unindex(struct sh_claim *c, const char *id)
{
	if (strcmp(c->owner, id))
		index_del(c->store, id, c->pci);
}

int sh_claim_drop(struct sh_claim *c, struct sh_error *err)
{
	struct sh_store *s = c->store;
	char name[SH_PCI_LEN + 8];

	snprintf(name, sizeof(name), "%s.json", c->pci);
	if (s->claims >= 0 && unlinkat(s->claims, name, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove claim %s/claims/%s", s->path, name);
	index_del(s, c->owner, c->pci);
	if (strcmp(c->indexed, c->owner))
		index_del(s, c->indexed, c->pci);
	c->owner[0] = c->indexed[0] = '\0';
	return 0;
}

int sh_claim_release(struct sh_claim *c, struct sh_error *err)
{
	char name[SH_PCI_LEN + 16];
	int r = sh_claim_drop(c, err);

	vf_lock_name(name, sizeof(name), c->pci);
	if (r == 0)
		unlock_remove(c->store, name, &c->lock_fd);
	sh_claim_unlock(c);
	return r;
}

/* ---- holders ---------------------------------------------------------------------------------- */

bool sh_record_holder_gone(const struct sh_record *r)
{
	return r->pid > 0 && sh_proc_start_time(r->pid) != r->pid_start;
}

bool sh_record_is_stale(const struct sh_record *r)
{
	/* We hold the lock: a record still "attaching" belongs to a hook that died mid-way. */
	return r->phase != SH_PHASE_ATTACHED || sh_record_holder_gone(r);
}

bool sh_record_held_by(const struct sh_record *r, const struct sh_holder *h)
{
	return !strcmp(r->id, h->id) && r->pid == h->pid && r->pid_start == h->pid_start &&
	       r->netns_dev == h->netns_dev && r->netns_ino == h->netns_ino;
}

/* ---- pins ------------------------------------------------------------------------------------- */

struct pin_id {
	char id[SH_ID_MAX + 1];
	bool has_ns; /* false: a version 1 pin, named by the id alone */
	unsigned long long dev, ino;
};

static int parse_pin_name(const char *name, struct pin_id *p)
{
	const char *at = strrchr(name, '@');
	struct sh_error ignored;
	size_t len = at ? (size_t)(at - name) : strlen(name);
	char tail;

	memset(p, 0, sizeof(*p));
	if (len > SH_ID_MAX)
		return -EINVAL;
	memcpy(p->id, name, len);
	p->id[len] = '\0';
	if (sh_container_id_validate(p->id, &ignored) < 0)
		return -EINVAL;
	if (!at)
		return 0;
	if (sscanf(at + 1, "%llu-%llu%c", &p->dev, &p->ino, &tail) != 2 || at[1] < '0' || at[1] > '9')
		return -EINVAL;
	p->has_ns = true;
	return 0;
}

static void pin_set_name(struct sh_pin *p, const char *name)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->rel, sizeof(p->rel), PIN_DIR "/%s", name);
}

static void pin_lock_name(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s.lock", name);
}

/* Whether a record names pin name: the pin of container <id> is named only by records of <id>,
 * found through its index. Unknown (an unreadable record) counts as named. */
static bool pin_referenced(struct sh_store *s, const char *name)
{
	char pci[64][SH_PCI_LEN], rel[NAME_MAX + 8];
	struct sh_error ignored;
	struct sh_record r;
	struct pin_id id;
	size_t i, n;
	int ret;

	if (parse_pin_name(name, &id) < 0)
		return false;
	snprintf(rel, sizeof(rel), PIN_DIR "/%s", name);
	if (sh_store_list_owned(s, id.id, pci, SH_ARRAY_SIZE(pci), &n, &ignored) < 0 || n > SH_ARRAY_SIZE(pci))
		return true;
	for (i = 0; i < n; i++) {
		ret = read_record(s, pci[i], &r, NULL, &ignored);
		if (ret < 0 && ret != -ENOENT)
			return true;
		if (ret == 0 && !strcmp(r.id, id.id) && !strcmp(r.pin, rel))
			return true;
	}
	return false;
}

/* What pin name holds: 1 = a network namespace (its identity in dev, ino), 0 = nothing (a plain
 * file), -errno when it cannot be opened (-ENOENT absent, -ELOOP a symlink). */
static int pin_holds(struct sh_store *s, const char *name, uint64_t *dev, uint64_t *ino)
{
	struct sh_error ignored;
	struct statfs sf;
	struct stat sb;
	int fd = openat(s->pins, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC && fstat(fd, &sb) == 0 &&
	    sh_netns_check_type(fd, CLONE_NEWNET, name, &ignored) == 0) {
		*dev = sb.st_dev;
		*ino = sb.st_ino;
		r = 1;
	}
	close(fd);
	return r;
}

/* Unmounts and removes a pin (with its lock held). Stacked mounts go one by one. */
static int pin_remove(struct sh_store *s, const char *name, struct sh_error *err)
{
	char path[64 + NAME_MAX];
	int i;

	/* the last component is never followed; /proc/self/fd/<dir> is the directory the store opened */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", s->pins, name);
	for (i = 0; i < 8 && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
		;
	if (i == 0 && errno != EINVAL && errno != ENOENT)
		return sh_err_errno(err, errno, "unmount %s/" PIN_DIR "/%s", s->path, name);
	if (unlinkat(s->pins, name, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s/" PIN_DIR "/%s", s->path, name);
	return 0;
}

int sh_store_lock_pin(struct sh_store *s, const struct sh_holder *h, struct sh_pin *p, struct sh_error *err)
{
	char name[NAME_MAX + 1], lock[NAME_MAX + 8];
	int r;

	*p = SH_PIN_INIT;
	p->store = s;
	snprintf(name, sizeof(name), "%s@%llu-%llu", h->id, (unsigned long long)h->netns_dev,
		 (unsigned long long)h->netns_ino);
	pin_set_name(p, name);
	pin_lock_name(lock, sizeof(lock), name);
	if ((r = lock_file(s, lock, true, true, &p->lock_fd, err)) < 0)
		return sh_err_ctx(err, "pin the network namespace");
	return 0;
}

int sh_pin_make(struct sh_pin *p, int nsfd, const struct sh_holder *h, struct sh_error *err)
{
	struct sh_store *s = p->store;
	char src[64], dst[64];
	uint64_t dev, ino;
	int r, fd;

	r = pin_holds(s, p->name, &dev, &ino);
	if (r == 1 && dev == h->netns_dev && ino == h->netns_ino)
		return 0;
	if (r == -ELOOP)
		return sh_err(err, ELOOP, "pin %s/%s is a symbolic link: refusing it", s->path, p->rel);
	if (r < 0 && r != -ENOENT)
		return sh_err_errno(err, -r, "open pin %s/%s", s->path, p->rel);
	/* Made by a hook that died before mounting it, or holding another namespace: never reused. */
	if (r >= 0 && (r = pin_remove(s, p->name, err)) < 0)
		return r;
	fd = openat(s->pins, p->name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sh_err_errno(err, errno, "create pin %s/%s", s->path, p->rel);
	/* Both ends through /proc/self/fd: the namespace checked before, onto the file just made. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", nsfd);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
		r = sh_err_errno(err, errno, "pin the network namespace on %s/%s", s->path, p->rel);
		close(fd);
		unlinkat(s->pins, p->name, 0);
		return r;
	}
	close(fd);
	if (pin_holds(s, p->name, &dev, &ino) != 1 || dev != h->netns_dev || ino != h->netns_ino) {
		pin_remove(s, p->name, NULL);
		return sh_err(err, EIO, "pin %s/%s does not hold the network namespace after mounting", s->path,
			      p->rel);
	}
	return 0;
}

int sh_pin_remove_if_unused(struct sh_pin *p, struct sh_error *err)
{
	return pin_referenced(p->store, p->name) ? 0 : pin_remove(p->store, p->name, err);
}

void sh_pin_unlock(struct sh_pin *p)
{
	char lock[NAME_MAX + 8];

	if (p->lock_fd < 0)
		return;
	pin_lock_name(lock, sizeof(lock), p->name);
	unlock_remove(p->store, lock, &p->lock_fd);
}

/* Locks pin name without waiting (wait=false) or waiting; 0, -EBUSY (held) or an error. */
static int lock_pin_name(struct sh_store *s, const char *name, bool wait, struct sh_pin *p, struct sh_error *err)
{
	char lock[NAME_MAX + 8];

	*p = SH_PIN_INIT;
	p->store = s;
	pin_set_name(p, name);
	pin_lock_name(lock, sizeof(lock), name);
	return lock_file(s, lock, true, wait, &p->lock_fd, err);
}

int sh_store_unpin_if_unused(struct sh_store *s, const char *pin, bool wait, struct sh_error *err)
{
	const char *name = pin_name_of(pin);
	struct sh_pin p;
	int r;

	if (!name || s->pins < 0)
		return 0;
	r = lock_pin_name(s, name, wait, &p, err);
	if (r == -EBUSY)
		return 0; /* its holder is making it or using it, and removes it if it ends unused */
	if (r < 0)
		return r;
	r = sh_pin_remove_if_unused(&p, err);
	sh_pin_unlock(&p);
	return r;
}

int sh_store_open_pin(struct sh_store *s, const char *pin, uint64_t dev, uint64_t ino, int *nsfd, struct sh_error *err)
{
	const char *name = pin_name_of(pin);
	struct sh_error ignored;
	struct stat sb;
	int fd;

	(void)err; /* nothing to report: without its pin, the VF is looked for on the host */
	*nsfd = -1;
	if (!name || s->pins < 0)
		return -ENOENT;
	fd = openat(s->pins, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	/* A record names the namespace it was made for; a pin holding another one is not its. */
	if (sh_netns_check_type(fd, CLONE_NEWNET, name, &ignored) < 0 || fstat(fd, &sb) < 0 ||
	    ((dev || ino) && (sb.st_dev != dev || sb.st_ino != ino))) {
		close(fd);
		return -ENOENT;
	}
	*nsfd = fd;
	return 0;
}

struct pin_walk {
	struct sh_store *s;
	const char *id;
	char (*pins)[NAME_MAX + 8];
	size_t max, n;
};

static int add_pin_of(const char *name, void *data)
{
	struct pin_walk *w = data;
	struct pin_id id;

	if (parse_pin_name(name, &id) < 0 || strcmp(id.id, w->id) || is_link(w->s->pins, name))
		return 0;
	if (w->n < w->max)
		snprintf(w->pins[w->n], sizeof(w->pins[0]), PIN_DIR "/%s", name);
	w->n++;
	return 0;
}

int sh_store_list_pins(struct sh_store *s, const char *id, char (*pins)[NAME_MAX + 8], size_t max, size_t *n,
		       struct sh_error *err)
{
	struct pin_walk w = {s, id, pins, max, 0};
	int r = each_entry(s->pins, add_pin_of, &w);

	*n = w.n;
	return r < 0 ? sh_err_errno(err, -r, "read %s/" PIN_DIR, s->path) : 0;
}

/* ---- the holder of a network namespace -------------------------------------------------------- */

struct holder_walk {
	struct sh_store *s;
	const struct sh_holder *h;
	char *holder;
};

static int holder_of_pin(const char *name, void *data)
{
	struct holder_walk *w = data;
	char pci[64][SH_PCI_LEN];
	struct sh_error ignored;
	struct sh_record r;
	struct pin_id id;
	struct stat sb;
	size_t i, n;

	if (parse_pin_name(name, &id) < 0 || !strcmp(id.id, w->h->id))
		return 0;
	if (id.has_ns && (id.dev != w->h->netns_dev || id.ino != w->h->netns_ino))
		return 0;
	/* a version 1 pin: what it holds tells (a mount point stats as the mounted namespace) */
	if (!id.has_ns && (fstatat(w->s->pins, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || sb.st_dev != w->h->netns_dev ||
			   sb.st_ino != w->h->netns_ino))
		return 0;
	if (sh_store_list_owned(w->s, id.id, pci, SH_ARRAY_SIZE(pci), &n, &ignored) < 0)
		return 0;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++) {
		if (read_record(w->s, pci[i], &r, NULL, &ignored) == 0 && !strcmp(r.id, id.id) &&
		    r.netns_dev == w->h->netns_dev && r.netns_ino == w->h->netns_ino && r.phase == SH_PHASE_ATTACHED &&
		    !sh_record_holder_gone(&r)) {
			snprintf(w->holder, SH_ID_MAX + 1, "%s", id.id);
			return 1;
		}
	}
	return 0;
}

int sh_store_netns_holder(struct sh_store *s, const struct sh_holder *h, char holder[SH_ID_MAX + 1],
			  struct sh_error *err)
{
	struct holder_walk w = {s, h, holder};
	int r;

	holder[0] = '\0';
	r = each_entry(s->pins, holder_of_pin, &w);
	return r < 0 ? sh_err_errno(err, -r, "read %s/" PIN_DIR, s->path) : 0;
}

/* ---- leftovers -------------------------------------------------------------------------------- */

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

/* Takes VF pci's lock for a tidy without waiting: 0 (held in *fd), 1 when there is nothing to
 * lock (no lock file: no process acts on the VF), -EBUSY, or an error. A dry run makes no lock file. */
static int tidy_lock_vf(struct tidy *t, const char *pci, struct sh_claim *c)
{
	char name[SH_PCI_LEN + 16];
	struct sh_error ignored;
	int r;

	*c = SH_CLAIM_INIT;
	c->store = t->s;
	snprintf(c->pci, sizeof(c->pci), "%s", pci);
	vf_lock_name(name, sizeof(name), pci);
	r = lock_file(t->s, name, false, false, &c->lock_fd, &ignored);
	if (r == -ENOENT)
		return 1;
	if (r == 0)
		lock_note_read(c->lock_fd, c->indexed);
	return r;
}

/* claims/<pci>.json.tmp (and version 1's <pci>.json.tmp.<pid>): a writer that died. */
static int tidy_claim_file(const char *name, void *data)
{
	struct tidy *t = data;
	char pci[SH_PCI_LEN];
	struct sh_claim c;
	const char *dot = strstr(name, ".json.tmp");
	int r;

	if (!dot || (dot[9] && dot[9] != '.') || (size_t)(dot - name) >= sizeof(pci) || is_link(t->s->claims, name))
		return 0;
	memcpy(pci, name, (size_t)(dot - name));
	pci[dot - name] = '\0';
	if (!sh_pci_addr_valid(pci) || tidy_lock_vf(t, pci, &c) == -EBUSY)
		return 0; /* a live writer's */
	r = t->dry_run || unlinkat(t->s->claims, name, 0) == 0 || errno == ENOENT ? 0 : -errno;
	sh_claim_unlock(&c);
	tidy_report(t, "removed stray file", name, r, NULL);
	return 0;
}

/* owners/<id>/<pci>: an entry whose record is gone or another container's. */
static int tidy_index_entry(const char *pci, void *data)
{
	struct tidy *t = data;
	struct sh_error ignored;
	struct sh_record r;
	struct sh_claim c;
	int ret, lk;

	if (!sh_pci_addr_valid(pci) || is_link(t->subfd, pci))
		return 0;
	lk = tidy_lock_vf(t, pci, &c);
	if (lk == -EBUSY || (lk < 0 && lk != 1))
		return 0;
	ret = read_record(t->s, pci, &r, NULL, &ignored);
	if ((ret == 0 && !strcmp(r.id, t->id)) || (ret < 0 && ret != -ENOENT)) {
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

	if (sh_container_id_validate(id, &ignored) < 0 || is_link(t->s->owners, id))
		return 0;
	d = openat(t->s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return 0;
	t->subfd = d;
	t->id = id;
	each_entry(d, tidy_index_entry, t);
	t->id = NULL;
	t->subfd = -1;
	close(d);
	if (!t->dry_run && unlinkat(t->s->owners, id, AT_REMOVEDIR) == 0)
		tidy_report(t, "removed empty directory", id, 0, NULL);
	return 0;
}

/* Whether container id has no index entry left (and so no record to name its pins). */
static bool index_empty(struct sh_store *s, const char *id)
{
	struct sh_error ignored;
	size_t n;

	return sh_store_list_owned(s, id, NULL, 0, &n, &ignored) == 0 && n == 0;
}

/* netns/<name>: a pin no record names, or a file that holds no namespace. */
static int tidy_pin(const char *name, void *data)
{
	struct tidy *t = data;
	uint64_t dev, ino;
	struct sh_error e;
	struct pin_id id;
	struct sh_pin p;
	int held, r;

	if (parse_pin_name(name, &id) < 0 || is_link(t->s->pins, name))
		return 0;
	if (!t->thorough && strcmp(id.id, t->own_id) && !index_empty(t->s, id.id))
		return 0; /* cheap: a container with claims; gc looks closer */
	if (t->dry_run) {
		char lock[NAME_MAX + 8];
		int fd;

		pin_lock_name(lock, sizeof(lock), name);
		r = lock_file(t->s, lock, false, false, &fd, &e);
		close_fd(&fd);
		if (r == -EBUSY || (r < 0 && r != -ENOENT))
			return 0;
		held = pin_holds(t->s, name, &dev, &ino);
		if (held == 0 || (held == 1 && !pin_referenced(t->s, name)))
			tidy_report(t, held ? "removed stale pin" : "removed stray file", name, 0, NULL);
		return 0;
	}
	if (lock_pin_name(t->s, name, false, &p, &e) < 0)
		return 0; /* busy: its hook is making it, or using it */
	held = pin_holds(t->s, name, &dev, &ino);
	if (held >= 0 && (held == 0 || !pin_referenced(t->s, name))) {
		r = pin_remove(t->s, name, &e);
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

	if (!has_suffix(name, ".lock", &n) || n > NAME_MAX || is_link(t->s->locks, name))
		return 0;
	memcpy(stem, name, n);
	stem[n] = '\0';
	if (sh_pci_addr_valid(stem)) {
		if (tidy_lock_vf(t, stem, &c) != 0)
			return 0;
		r = read_record(t->s, stem, &(struct sh_record){0}, NULL, &e);
		if (r == -ENOENT && !t->dry_run) {
			index_del(t->s, c.indexed, stem);
			unlock_remove(t->s, name, &c.lock_fd);
		}
		sh_claim_unlock(&c);
		if (r == -ENOENT)
			tidy_report(t, "removed stray file", name, 0, NULL);
		return 0;
	}
	if (lock_file(t->s, name, false, false, &fd, &e) < 0)
		return 0;
	if (t->s->pins < 0 || faccessat(t->s->pins, stem, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		if (!t->dry_run)
			unlock_remove(t->s, name, &fd);
		tidy_report(t, "removed stray file", name, 0, NULL);
	}
	close_fd(&fd);
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

	if (is_link(t->s->info, name))
		return 0;
	if (!has_suffix(name, ".json", &n) && !(has_suffix(name, ".json.tmp", &n)))
		return 0;
	memcpy(id, name, n);
	id[n] = '\0';
	if (sh_container_id_validate(id, &ignored) == 0 && !index_empty(t->s, id))
		return 0;
	if (!t->dry_run && unlinkat(t->s->info, name, 0) < 0)
		return 0;
	tidy_report(t, "removed stray file", name, 0, NULL);
	return 0;
}

static int tidy_walk(struct tidy *t, const char *sub, int dir, entry_fn *fn)
{
	struct sh_error e;
	int r;

	snprintf(t->sub, sizeof(t->sub), "%s", sub);
	r = each_entry(dir, fn, t);
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
	tidy_walk(&t, PIN_DIR, s->pins, tidy_pin);
	tidy_walk(&t, "locks", s->locks, tidy_lock);
	tidy_walk(&t, "info", s->info, tidy_info);
	return t.first;
}

/* ---- what vfio containers are told (info/<id>.json, cdi/<pci>.json) ----------------------------- */

static int info_dir(struct sh_store *s, enum sh_info_kind kind, const char **sub)
{
	*sub = kind == SH_INFO_CONTAINER ? "info" : "cdi";
	return kind == SH_INFO_CONTAINER ? s->info : s->cdi;
}

/* The file name of name's info: a container id or a PCI address, both free of '/' and dots only
 * inside. */
static int info_name(const char *name, char *out, size_t len, struct sh_error *err)
{
	if (!name[0] || strchr(name, '/') || name[0] == '.' || (size_t)snprintf(out, len, "%s.json", name) >= len)
		return sh_err(err, EINVAL, "\"%.64s\" cannot name an info file", name);
	return 0;
}

int sh_store_info_write(struct sh_store *s, enum sh_info_kind kind, const char *name, const char *json,
			char path[PATH_MAX], struct sh_error *err)
{
	char file[NAME_MAX + 1];
	const char *sub;
	bool created;
	int dir = info_dir(s, kind, &sub), ret;

	if ((ret = info_name(name, file, sizeof(file) - 4, err)) < 0)
		return ret;
	if (dir < 0)
		return sh_err(err, ENOENT, "%s/%s does not exist", s->path, sub);
	if ((size_t)snprintf(path, PATH_MAX, "%s/%s/%s", s->path, sub, file) >= PATH_MAX)
		return sh_err(err, ENAMETOOLONG, "%s/%s/%s: path too long", s->path, sub, file);
	/* Read by the container through a read-only bind mount: world-readable, as /etc/resolv.conf. */
	if ((ret = replace_at(dir, file, json, 0644, &created)) < 0)
		return created ? sh_err_errno(err, -ret, "write %s", path)
			       : sh_err_errno(err, -ret, "create %s/%s/%s.tmp", s->path, sub, file);
	return 0;
}

int sh_store_info_remove(struct sh_store *s, enum sh_info_kind kind, const char *name, struct sh_error *err)
{
	char file[NAME_MAX + 1], tmp[NAME_MAX + 8];
	const char *sub;
	int dir = info_dir(s, kind, &sub), ret;

	if ((ret = info_name(name, file, sizeof(file) - 4, err)) < 0)
		return ret;
	if (dir < 0)
		return 0;
	/* and the temporary file of a writer that died before its rename */
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if (unlinkat(dir, tmp, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s/%s/%s", s->path, sub, tmp);
	if (unlinkat(dir, file, 0) == 0 || errno == ENOENT)
		return 0;
	return sh_err_errno(err, errno, "remove %s/%s/%s", s->path, sub, file);
}

int sh_store_sweep_pins(struct sh_store *s, const char *own_id, struct sh_error *err)
{
	struct tidy t = {.s = s, .own_id = own_id, .err = err, .subfd = -1};

	if (s->dir < 0)
		return 0;
	tidy_walk(&t, PIN_DIR, s->pins, tidy_pin);
	/* and the info files of vfio containers that hold nothing (a wrapper killed while giving back) */
	tidy_walk(&t, "info", s->info, tidy_info);
	return t.first;
}

/* ---- the operators' read side ----------------------------------------------------------------- */

struct claim_list {
	char (*pci)[SH_PCI_LEN];
	size_t n, cap;
};

static int add_claim(const char *name, void *data)
{
	struct claim_list *l = data;
	size_t stem;
	void *p;

	if (!has_suffix(name, ".json", &stem) || stem >= SH_PCI_LEN)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		if (!(p = realloc(l->pci, l->cap * sizeof(*l->pci))))
			return -ENOMEM;
		l->pci = p;
	}
	memcpy(l->pci[l->n], name, stem);
	l->pci[l->n][stem] = '\0';
	if (sh_pci_addr_valid(l->pci[l->n]))
		l->n++;
	return 0;
}

static int cmp_pci(const void *a, const void *b)
{
	return strcmp(a, b);
}

int sh_store_list_claims(struct sh_store *s, char (**pci)[SH_PCI_LEN], size_t *n, struct sh_error *err)
{
	struct claim_list l = {0};
	int r = each_entry(s->claims, add_claim, &l);

	*pci = NULL;
	*n = 0;
	if (r < 0) {
		free(l.pci);
		return sh_err_errno(err, -r, "read %s/claims", s->path);
	}
	if (l.n)
		qsort(l.pci, l.n, sizeof(*l.pci), cmp_pci);
	*pci = l.pci;
	*n = l.n;
	return 0;
}

static void info_from_record(const struct sh_record *r, const struct stat *st, struct sh_claim_info *info)
{
	memset(info, 0, sizeof(*info));
	if (r->phase == SH_PHASE_RETURNING)
		info->state = SH_CLAIM_RETURNING;
	else
		info->state = sh_record_holder_gone(r) ? SH_CLAIM_STALE : SH_CLAIM_HELD;
	snprintf(info->pci, sizeof(info->pci), "%s", r->vf_pci);
	snprintf(info->id, sizeof(info->id), "%s", r->id);
	snprintf(info->name, sizeof(info->name), "%s", r->name);
	info->pid = r->pid;
	info->netns_dev = r->netns_dev;
	info->netns_ino = r->netns_ino;
	info->since = r->since ? (time_t)r->since : st->st_mtime;
	snprintf(info->pf_name, sizeof(info->pf_name), "%s", r->pf_name);
	info->vf_index = r->vf_index;
	snprintf(info->host_name, sizeof(info->host_name), "%s", r->host_name);
	snprintf(info->cont_name, sizeof(info->cont_name), "%s", r->cont_name);
	info->orig = r->orig;
	info->knobs = r->knobs;
	info->applied = r->applied;
}

int sh_store_claim_info(const char *state_dir, const char *pci, struct sh_claim_info *out, struct sh_error *err)
{
	_cleanup_store_ struct sh_store s = SH_STORE_INIT;
	struct sh_record r;
	struct stat st;
	int ret;

	if (!sh_pci_addr_valid(pci))
		return sh_err(err, EINVAL, "\"%.32s\" is not a PCI address", pci);
	if ((ret = sh_store_open(state_dir, false, &s, err)) < 0)
		return ret;
	if ((ret = read_record(&s, pci, &r, &st, err)) < 0)
		return ret;
	info_from_record(&r, &st, out);
	return 0;
}

int sh_store_foreach_claim(const char *state_dir, int (*fn)(const struct sh_claim_info *info, void *data), void *data,
			   struct sh_error *err)
{
	_cleanup_store_ struct sh_store s = SH_STORE_INIT;
	_cleanup_free_ char(*pci)[SH_PCI_LEN] = NULL;
	struct sh_claim_info info;
	struct sh_error one;
	struct sh_record r;
	struct stat st;
	size_t i, n;
	int ret, first = 0;

	if ((ret = sh_store_open(state_dir, false, &s, err)) < 0 || (ret = sh_store_list_claims(&s, &pci, &n, err)) < 0)
		return ret;
	for (i = 0; i < n; i++) {
		ret = read_record(&s, pci[i], &r, &st, &one);
		if (ret == -ENOENT)
			continue; /* released since the directory was read */
		if (ret < 0) {
			/* one unreadable record does not hide the others */
			if (!first) {
				first = ret;
				*err = one;
			}
			continue;
		}
		info_from_record(&r, &st, &info);
		if ((ret = fn(&info, data)) != 0)
			return ret;
	}
	return first;
}
