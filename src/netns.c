/* The container's network namespace: opened by path, identified by (dev, inode), and pinned by a
 * bind mount under state_dir so that poststop can still reach the VF after the runtime dropped
 * its own reference. */
#include "sriov-hook/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int sh_netns_open(const char *path, int *fd, struct sh_error *err)
{
	struct statfs sf;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return sh_err_errno(err, errno, "open network namespace %s", path);
	if (fstatfs(*fd, &sf) < 0 || sf.f_type != NSFS_MAGIC) {
		close(*fd);
		*fd = -1;
		return sh_err(err, EINVAL, "%s is not a network namespace", path);
	}
	return 0;
}

int sh_netns_identity(int fd, uint64_t *dev, uint64_t *ino)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return -errno;
	*dev = sb.st_dev;
	*ino = sb.st_ino;
	return 0;
}

void sh_netns_pin_path(const char *state_dir, const char *id, char *pin)
{
	snprintf(pin, PATH_MAX, "%s/netns/%s", state_dir, id);
}

static bool is_nsfs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

int sh_netns_pin(const char *state_dir, const char *id, const char *path, char *pin, struct sh_error *err)
{
	int fd;

	sh_netns_pin_path(state_dir, id, pin);
	if (is_nsfs(pin))
		return 0;
	fd = open(pin, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sh_err_errno(err, errno, "create %s", pin);
	close(fd);
	if (mount(path, pin, NULL, MS_BIND, NULL) < 0) {
		int e = errno;
		unlink(pin);
		return sh_err_errno(err, e, "pin network namespace %s on %s", path, pin);
	}
	return 0;
}

int sh_netns_unpin(const char *pin, struct sh_error *err)
{
	if (!pin || !*pin)
		return 0;
	if (umount2(pin, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return sh_err_errno(err, errno, "unmount %s", pin);
	if (unlink(pin) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s", pin);
	return 0;
}
