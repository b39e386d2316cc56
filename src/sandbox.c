/* The seccomp allowlist: what the hook needs after its inputs are read (files under state_dir and
 * sysfs, netlink and syslog sockets, setns, the bind mount of a pin) and nothing else. */
#include "sriov-hook/sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/socket.h>

static const char *const allowed[] = {
	"read",		  "write",	  "readv",	"writev",	   "pread64",	 "open",       "openat",
	"close",	  "fstat",	  "stat",	"lstat",	   "newfstatat", "statx",      "statfs",
	"fstatfs",	  "lseek",	  "mmap",	"munmap",	   "mprotect",	 "brk",	       "mremap",
	"madvise",	  "bind",	  "connect",	"getsockname",	   "sendto",	 "sendmsg",    "recvfrom",
	"recvmsg",	  "setsockopt",	  "getsockopt", "setns",	   "umount2",	 "flock",      "rename",
	"renameat",	  "renameat2",	  "unlink",	"unlinkat",	   "mkdir",	 "mkdirat",    "getdents",
	"getdents64",	  "readlink",	  "readlinkat", "access",	   "faccessat",	 "faccessat2", "getpid",
	"gettid",	  "getppid",	  "getuid",	"geteuid",	   "getgid",	 "getegid",    "clock_gettime",
	"gettimeofday",	  "time",	  "nanosleep",	"clock_nanosleep", "exit",	 "exit_group", "rt_sigreturn",
	"rt_sigprocmask", "rt_sigaction", "tgkill",	"fcntl",	   "fsync",	 "fdatasync",  "ioctl",
	"getrandom",	  "futex",	  "uname",	"restart_syscall", "poll",	 "ppoll",
};

int sh_sandbox_install(struct sh_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	size_t i;
	int r = 0;

	if (!ctx)
		return sh_err(err, ENOMEM, "seccomp: init");
	for (i = 0; i < SH_ARRAY_SIZE(allowed) && r == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	/* Sockets: netlink (rtnetlink) and unix (syslog) only; mounts: bind mounts (pins) only. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mount), 1, SCMP_A3(SCMP_CMP_EQ, MS_BIND, 0));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? sh_err_errno(err, -r, "install the seccomp sandbox") : 0;
}
