/* The store's file primitives: directory walks over an fd, lock files under locks/ (flock, and
 * the check that makes removing one while others wait for it safe), the atomic replace of a
 * file, and the name of a baseline file. Every name is opened relative to a directory fd, never following a symlink. */
#include "sriov-hook/store/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"

int sh_store_each_entry(int dir, sh_store_entry_fn *fn, void *data)
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

bool sh_store_has_suffix(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n <= m || strcmp(s + n - m, suffix))
		return false;
	*stem = n - m;
	return true;
}

/* Whether name is a symbolic link or absent in dir: left alone by every walk. */
bool sh_store_is_link(int dir, const char *name)
{
	struct stat sb;

	return fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(sb.st_mode);
}

/* baseline/<pci>.json of VF pci, as a name under baseline/ (baseline.h). */
void sh_store_baseline_name(char *out, size_t len, const char *pci)
{
	snprintf(out, len, "%s.json", pci);
}

/* ---- locks ------------------------------------------------------------------------------------ */

/* Opens and flock()s locks/<name>. A releaser unlinks a lock file while holding it: a file that is
 * no longer at the path once locked is not the lock, so retry on the one there now. create=false:
 * -ENOENT when there is no lock file (nobody can hold it). -EBUSY (err untouched) when held and
 * wait is false. */
int sh_store_lock_file(struct sh_store *s, const char *name, bool create, bool wait, int *out, struct sh_error *err)
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
void sh_store_unlock_remove(struct sh_store *s, const char *name, int *fd)
{
	if (*fd >= 0 && s->locks >= 0)
		unlinkat(s->locks, name, 0);
	sh_store_close_fd(fd);
}

/* Replaces dir/name with data through name.tmp, written, fsync'd, given mode, then renamed
 * over it: a reader sees the old file or the new one, never part of one. 0, or a negative errno
 * (*created: whether the temporary file was made, which then goes). */
int sh_store_replace_at(int dir, const char *name, const char *data, mode_t mode, bool *created)
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
