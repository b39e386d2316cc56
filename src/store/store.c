/* The state store's handle: state_dir and its subdirectories opened (after checking that nobody
 * else may write them) as directory fds that every other part of the store works relative to, and
 * the names of things under them. Crash safety rests on three rules: a lock (flock, freed by the
 * kernel when its holder dies) covers every change to a VF's files or to a pin; what names
 * something is written before it and removed after it (index before record, record before the
 * pin's lock is let go); and whoever next holds a lock finishes what a dead holder left. */
#include "sriov-hook/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *name;
	size_t off;
} subdirs[] = {
	{"locks", offsetof(struct sh_store, locks)},   {"claims", offsetof(struct sh_store, claims)},
	{"owners", offsetof(struct sh_store, owners)}, {SH_STORE_PIN_DIR, offsetof(struct sh_store, pins)},
	{"info", offsetof(struct sh_store, info)},     {"cdi", offsetof(struct sh_store, cdi)},
	{"baseline", offsetof(struct sh_store, baseline)},
};

void sh_store_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void sh_store_close(struct sh_store *s)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++)
		sh_store_close_fd((int *)((char *)s + subdirs[i].off));
	sh_store_close_fd(&s->dir);
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

/* ---- names under state_dir -------------------------------------------------------------------- */

void sh_store_vf_lock_name(char *out, size_t len, const char *pci)
{
	snprintf(out, len, "%s.lock", pci);
}

void sh_store_pin_lock_name(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s.lock", name);
}

void sh_store_record_name(char *out, size_t len, const char *pci)
{
	snprintf(out, len, "%s.json", pci);
}

const char *sh_store_pin_name_of(const char *rel)
{
	size_t n = strlen(SH_STORE_PIN_DIR);

	if (strncmp(rel, SH_STORE_PIN_DIR "/", n + 1) || !rel[n + 1] || rel[n + 1] == '.' || strchr(rel + n + 1, '/') ||
	    strlen(rel + n + 1) > NAME_MAX)
		return NULL;
	return rel + n + 1;
}
