/* Small file helpers: whole writes, and bounded reads that refuse anything but a regular file, so
 * that a FIFO, a device or a huge file put where a JSON document is expected fails with one line
 * instead of blocking the hook or exhausting its memory. */
#include "sriov-hook/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int sh_fd_write_all(int fd, const void *buf, size_t len, const char *what, struct sh_error *err)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sh_err_errno(err, errno, "write %s", what ? what : "file");
		p += n;
		len -= n;
	}
	return 0;
}

int sh_read_fd(int fd, size_t max, char **out, size_t *len, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t used = 0, cap = 0;
	char *nbuf;
	ssize_t n;

	for (;;) {
		if (used == cap) {
			/* One byte beyond max tells "exactly max" from "more than max". */
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf)
				return sh_err(err, ENOMEM, "out of memory");
			buf = nbuf;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sh_err_errno(err, errno, "read");
		if (n == 0)
			break;
		used += n;
		if (used > max)
			return sh_err(err, EFBIG, "more than %zu bytes", max);
	}
	buf[used] = '\0';
	*out = sh_steal_ptr(&buf);
	if (len)
		*len = used;
	return 0;
}

static const char *file_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFDIR:
		return "a directory";
	case S_IFSOCK:
		return "a socket";
	default:
		return "of an unknown type";
	}
}

int sh_read_regular_file(const char *path, size_t max, char **out, size_t *len, struct sh_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat sb;

	if (fd < 0)
		return sh_err_errno(err, errno, "open %s", path);
	if (fstat(fd, &sb) < 0)
		return sh_err_errno(err, errno, "stat %s", path);
	if (!S_ISREG(sb.st_mode))
		return sh_err(err, EINVAL, "%s: not a regular file (%s)", path, file_type(sb.st_mode));
	if ((unsigned long long)sb.st_size > max)
		return sh_err(err, EFBIG, "%s has %lld bytes, more than the %zu allowed", path, (long long)sb.st_size,
			      max);
	if (sh_read_fd(fd, max, out, len, err) < 0)
		return sh_err_ctx(err, "%s", path);
	return 0;
}

/* Fills the temporary file fd (which it closes): mode, owner (when owner is given), content, fsync. */
static int fill_temporary(int owned_fd, const char *tmp, const char *buf, size_t len, mode_t mode,
			  const struct stat *owner, struct sh_error *err)
{
	_cleanup_close_ int fd = owned_fd;

	/* Only root can give the file away; an unprivileged caller already owns it. */
	if (fchmod(fd, mode) < 0 || (owner && fchown(fd, owner->st_uid, owner->st_gid) < 0 && errno != EPERM))
		return sh_err_errno(err, errno, "set mode and owner of %s", tmp);
	if (sh_fd_write_all(fd, buf, len, tmp, err) < 0)
		return -err->code;
	if (fsync(fd) < 0)
		return sh_err_errno(err, errno, "fsync %s", tmp);
	if (close(sh_steal_fd(&fd)) < 0)
		return sh_err_errno(err, errno, "close %s", tmp);
	return 0;
}

int sh_write_file_atomic(const char *path, const char *buf, size_t len, int mode, struct sh_error *err)
{
	char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	struct stat sb;
	bool exists;
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.sriov-XXXXXX", dirname(dir), basename(base)) >= sizeof(tmp))
		return sh_err(err, ENAMETOOLONG, "write %s: path too long", path);
	exists = stat(path, &sb) == 0;
	fd = mkstemp(tmp);
	if (fd < 0)
		return sh_err_errno(err, errno, "write %s: create temporary file in %s", path, dir);
	r = fill_temporary(fd, tmp, buf, len, mode >= 0 ? (mode_t)mode : exists ? sb.st_mode & 07777 : 0644,
			   exists ? &sb : NULL, err);
	if (r == 0 && rename(tmp, path) < 0)
		r = sh_err_errno(err, errno, "rename %s to %s", tmp, path);
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	/* The rename itself must survive a crash too. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		(void)fsync(dfd);
	return 0;
}
