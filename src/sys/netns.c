/* The container's network namespace, checked as an attacker would probe it: the path in config.json
 * is the container's word, so it is opened without side effects (O_PATH: a FIFO or a device is
 * never opened for real), and must be a live network namespace that is not the host's. */
#define _GNU_SOURCE
#include "sriov-hook/sys/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

unsigned long long sh_proc_start_time(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: count fields after the last ')'. */
	p = strrchr(buf, ')');
	/* A zombie has exited: it only waits for a parent that may never reap it. */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &start);
	return start;
}

int sh_netns_identity(int fd, uint64_t *dev, uint64_t *ino, struct sh_error *err)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return sh_err_errno(err, errno, "identify the network namespace");
	*dev = sb.st_dev;
	*ino = sb.st_ino;
	return 0;
}

static const char *nstype_name(int type)
{
	switch (type) {
	case CLONE_NEWNET:
		return "network";
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	default:
		return "other";
	}
}

int sh_netns_check_type(int fd, int nstype, const char *what, struct sh_error *err)
{
	struct statfs sf;
	int type;

	if (fstatfs(fd, &sf) < 0)
		return sh_err_errno(err, errno, "%s", what);
	if (sf.f_type != NSFS_MAGIC)
		return sh_err(err, EINVAL, "%s is not a namespace", what);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 && errno == ENOTTY)
		return 0; /* a kernel before 4.11: setns() checks the type */
	if (type < 0)
		return sh_err_errno(err, errno, "%s: read the namespace type", what);
	if (type != nstype)
		return sh_err(err, EINVAL, "%s is a %s namespace, not a %s namespace", what, nstype_name(type),
			      nstype_name(nstype));
	return 0;
}

static int ns_identity_at(const char *path, uint64_t *dev, uint64_t *ino)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return -errno;
	*dev = sb.st_dev;
	*ino = sb.st_ino;
	return 0;
}

int sh_pidns_self(uint64_t *dev, uint64_t *ino)
{
	return ns_identity_at("/proc/self/ns/pid", dev, ino);
}

/* /proc/self/status's NSpid lists this process's pid in each PID namespace from the one /proc was
 * mounted for down to its own: a single entry means they are the same. (/proc/1/ns/pid would say
 * it directly, but hardened hosts refuse it even to root.) */
int sh_pidns_of_proc(uint64_t *dev, uint64_t *ino)
{
	char buf[4096], *p;
	unsigned long pid;
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	if (!(p = strstr(buf, "\nNSpid:")))
		return -ENOENT;
	p += strlen("\nNSpid:");
	pid = strtoul(p, &p, 10);
	if (!pid || (*p != '\n' && *p != '\0'))
		return -EXDEV;
	return sh_pidns_self(dev, ino);
}

/* Whether the namespace (dev, ino) is the one at path (where path can be read). */
static bool same_ns(const char *path, uint64_t dev, uint64_t ino)
{
	struct stat sb;

	return stat(path, &sb) == 0 && sb.st_dev == dev && sb.st_ino == ino;
}

/* The pid in "/proc/<pid>/ns/net", or 0. */
static int proc_pid_of(const char *path)
{
	unsigned long pid;
	char *end;

	if (strncmp(path, "/proc/", 6) || path[6] < '1' || path[6] > '9')
		return 0;
	pid = strtoul(path + 6, &end, 10);
	if (strcmp(end, "/ns/net") || pid > 0x7fffffff)
		return 0;
	return (int)pid;
}

/* The process must have started before this hook did (the container's init exists before its
 * createRuntime hooks run) and still be the same one: a pid reused since belongs to someone else. */
static int check_process(int pid, unsigned long long seen, const char *what, struct sh_error *err)
{
	unsigned long long now = sh_proc_start_time(pid), self = sh_proc_start_time(getpid());

	if (!seen || !now)
		return sh_err(err, ESRCH, "%s: process %d is gone", what, pid);
	if (now != seen || (self && now > self))
		return sh_err(err, ESRCH, "%s: process %d was replaced by another since the hook started", what, pid);
	return 0;
}

static int open_checked(const char *path, int *out, struct sh_error *err)
{
	_cleanup_close_ int pathfd = -1;
	struct statfs sf;
	char proc[64];
	int r;

	/* O_PATH: nothing of a FIFO, device or regular file is opened for real before it is known to
	 * be a namespace; then reopened through /proc for setns() and the type check. */
	pathfd = open(path, O_PATH | O_CLOEXEC);
	if (pathfd < 0)
		return sh_err_errno(err, errno, "open network namespace %s", path);
	if (fstatfs(pathfd, &sf) < 0)
		return sh_err_errno(err, errno, "open network namespace %s", path);
	if (sf.f_type != NSFS_MAGIC)
		return sh_err(err, EINVAL, "%s is not a namespace", path);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	*out = open(proc, O_RDONLY | O_CLOEXEC);
	if (*out < 0)
		return sh_err_errno(err, errno, "open network namespace %s", path);
	if ((r = sh_netns_check_type(*out, CLONE_NEWNET, path, err)) < 0) {
		close(*out);
		*out = -1;
		return r;
	}
	return 0;
}

/* path opened and checked as a network namespace, the process(es) it names alive, its identity. */
static int open_identified(const char *path, int pid, struct sh_netns_target *t, struct sh_error *err)
{
	_cleanup_close_ int fd = -1;
	int path_pid = proc_pid_of(path), r;
	unsigned long long path_start = 0;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (pid > 0 && !(t->pid_start = sh_proc_start_time(pid)))
		return sh_err(err, ESRCH, "the container's process %d is gone", pid);
	if (path_pid > 0)
		path_start = path_pid == pid ? t->pid_start : sh_proc_start_time(path_pid);
	if ((r = open_checked(path, &fd, err)) < 0)
		return r;
	if (path_pid > 0 && (r = check_process(path_pid, path_start, path, err)) < 0)
		return r;
	if (pid > 0 && (r = check_process(pid, t->pid_start, "the container", err)) < 0)
		return r;
	if ((r = sh_netns_identity(fd, &t->dev, &t->ino, err)) < 0)
		return sh_err_ctx(err, "%s", path);
	t->pid = pid;
	t->fd = sh_steal_fd(&fd);
	return 0;
}

int sh_netns_open_target(const char *path, int pid, struct sh_netns_target *t, struct sh_error *err)
{
	int r;

	if ((r = open_identified(path, pid, t, err)) < 0)
		return r;
	if (same_ns("/proc/self/ns/net", t->dev, t->ino))
		r = sh_err(err, EPERM,
			   "network namespace %s is the host's (the one sriov-hook runs in): refusing to move a VF "
			   "into it",
			   path);
	else if (same_ns("/proc/1/ns/net", t->dev, t->ino))
		r = sh_err(err, EPERM, "network namespace %s is the host's (pid 1's): refusing to move a VF into it",
			   path);
	if (r < 0) {
		close(t->fd);
		t->fd = -1;
	}
	return r;
}

int sh_netns_open_holder(int pid, struct sh_netns_target *t, struct sh_error *err)
{
	char path[64];

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (pid <= 0)
		return sh_err(err, EINVAL, "the OCI state gives no pid: the container's process is unknown");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	return open_identified(path, pid, t, err);
}
