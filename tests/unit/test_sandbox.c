/* The seccomp sandbox, in forked children (a filter cannot be removed): what the hook never needs
 * fails with EPERM (execve first of all), while what it does after installing the sandbox still
 * works — files, netlink, the claim store, sysfs reads, the log, pinning a netns. */
#define _GNU_SOURCE /* nftw, execveat, unshare */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#ifdef SH_SANITIZER_BUILD
#include <sanitizer/lsan_interface.h>
#endif

#include "testutil.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/core/sandbox.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/store/tidy.h"
#include "sriov-hook/sys/netns.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"

extern char **environ;

/* ---- running probes in a sandboxed child -------------------------------------------------------- */

#define MAX_RESULTS 64

struct result {
	char name[48];
	int err; /* 0: the call succeeded, else its errno */
};

struct results {
	struct result r[MAX_RESULTS];
	size_t n;
	int status; /* the child's wait status */
};

/* In the child: one line "name errno" per probe, through a pipe (write is allowed). */
static void report(int fd, const char *name, int err)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "%s %d\n", name, err);

	if (write(fd, line, (size_t)n) != n)
		_exit(90);
}

static void report_call(int fd, const char *name, long ret)
{
	report(fd, name, ret < 0 ? errno : 0);
}

/* For the hook's functions, which return the negative errno. */
static void report_ret(int fd, const char *name, int ret)
{
	report(fd, name, ret < 0 ? -ret : 0);
}

/* Forks; the child runs pre() unsandboxed, installs the sandbox, runs body(), exits. */
static void run_sandboxed(void (*pre)(int fd, void *arg), void (*body)(int fd, void *arg), void *arg,
			  struct results *res)
{
	int p[2];
	pid_t pid;
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	char *line, *save = NULL;

	memset(res, 0, sizeof(*res));
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_error err = {0};

		close(p[0]);
		if (pre)
			pre(p[1], arg);
		if (sh_sandbox_install(&err) < 0) {
			report(p[1], "install", err.code);
			_exit(1);
		}
		report(p[1], "install", 0);
		body(p[1], arg);
		report(p[1], "end", 0);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &res->status, 0), pid);
	for (line = strtok_r(buf, "\n", &save); line && res->n < MAX_RESULTS; line = strtok_r(NULL, "\n", &save)) {
		struct result *r = &res->r[res->n++];

		if (sscanf(line, "%47s %d", r->name, &r->err) != 2)
			fail_msg("bad report line: %s", line);
	}
}

static const struct result *find(const struct results *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (!strcmp(res->r[i].name, name))
			return &res->r[i];
	return NULL;
}

/* The probe ran and ended with errno want (0: success). */
static int check(const struct results *res, const char *name, int want)
{
	const struct result *r = find(res, name);

	if (!r) {
		print_error("%s: no report (the child stopped before it)\n", name);
		return 1;
	}
	if (r->err != want) {
		print_error("%s: got %s, want %s\n", name, r->err ? strerror(r->err) : "success",
			    want ? strerror(want) : "success");
		return 1;
	}
	return 0;
}

static void check_ran_to_end(const struct results *res)
{
	if (check(res, "install", 0))
		fail_msg("sandbox_install failed in the child");
	if (!find(res, "end"))
		fail_msg("the sandboxed child did not reach its end (wait status 0x%x)", res->status);
	assert_true(WIFEXITED(res->status));
	assert_int_equal(WEXITSTATUS(res->status), 0);
}

/* ---- fixtures ----------------------------------------------------------------------------------- */

static int sandbox_teardown(void **state)
{
	char pin[PATH_MAX];

	/* a pin left mounted by a failed test would keep the directory */
	snprintf(pin, sizeof(pin), "%s/state/netns/sandboxed", (char *)*state);
	umount2(pin, MNT_DETACH);
	return tmpdir_teardown(state);
}

/* ---- what is denied ----------------------------------------------------------------------------- */

static void body_denied(int fd, void *arg)
{
	char *const argv[] = {"true", NULL};
	char path[PATH_MAX];
	pid_t pid;

	/* on success these would replace the child: the report after them would be missing */
	report_call(fd, "execve", execve("/bin/true", argv, environ));
	report_call(fd, "execveat", syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, environ, 0));
	report_call(fd, "execve_sh", execve("/bin/sh", (char *const[]){"sh", "-c", "exit 0", NULL}, environ));
	report_call(fd, "socket_inet_stream", socket(AF_INET, SOCK_STREAM, 0));
	report_call(fd, "socket_inet_dgram", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	report_call(fd, "socket_inet6", socket(AF_INET6, SOCK_STREAM, 0));
	report_call(fd, "socket_packet", socket(AF_PACKET, SOCK_RAW, 0));
	pid = fork();
	if (pid == 0)
		_exit(0);
	report_call(fd, "fork", pid);
	report_call(fd, "unshare_net", unshare(CLONE_NEWNET));
	/* only bind mounts (a pin) pass: a tmpfs mount is refused before the kernel sees its path */
	snprintf(path, sizeof(path), "%s/no-such-dir", (const char *)arg);
	report_call(fd, "mount_tmpfs", mount("none", path, "tmpfs", 0, NULL));
	report_call(fd, "mount_remount", mount("none", path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	/* What only the sanitizer build's policy allows (src/sandbox.c): refused in the real one. */
	report_call(fd, "prctl", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	report_call(fd, "sigaltstack", sigaltstack(NULL, &(stack_t){0}));
	report_call(fd, "wait4", wait4(-1, NULL, WNOHANG, NULL));
	/* PTRACE_PEEKUSER on itself: harmless, the kernel says ESRCH (nobody traces it). */
	report_call(fd, "ptrace", syscall(SYS_ptrace, 3 /* PTRACE_PEEKUSER */, getpid(), NULL, NULL));
}

static void test_denied(void **state)
{
	struct results res;
	int failures = 0;

	run_sandboxed(NULL, body_denied, *state, &res);
	check_ran_to_end(&res);
	failures += check(&res, "execve", EPERM);
	failures += check(&res, "execveat", EPERM);
	failures += check(&res, "execve_sh", EPERM);
	failures += check(&res, "socket_inet_stream", EPERM);
	failures += check(&res, "socket_inet_dgram", EPERM);
	failures += check(&res, "socket_inet6", EPERM);
	failures += check(&res, "socket_packet", EPERM);
	failures += check(&res, "fork", EPERM);
	failures += check(&res, "unshare_net", EPERM);
	failures += check(&res, "mount_tmpfs", EPERM);
	failures += check(&res, "mount_remount", EPERM);
#ifdef SH_SANITIZER_BUILD
	/* Allowed here for the sanitizer runtime: they reach the kernel, which answers. */
	failures += check(&res, "prctl", 0);
	failures += check(&res, "sigaltstack", 0);
	failures += check(&res, "wait4", ECHILD);
	failures += check(&res, "ptrace", ESRCH);
#else
	failures += check(&res, "prctl", EPERM);
	failures += check(&res, "sigaltstack", EPERM);
	failures += check(&res, "wait4", EPERM);
	failures += check(&res, "ptrace", EPERM);
#endif
	assert_int_equal(failures, 0);
}

#ifdef SH_SANITIZER_BUILD
/* The sanitizer build's policy lets LeakSanitizer stop the world (a thread cloned with CLONE_VM,
 * ptrace, wait) under the sandbox: without it the leak check kills the child with a fatal error. */
static void body_leak_check(int fd, void *arg)
{
	(void)arg;
	__lsan_do_recoverable_leak_check();
	report(fd, "leak_check_ran", 0);
}

static void test_sanitizer_runtime_allowed(void **state)
{
	struct results res;

	(void)state;
	run_sandboxed(NULL, body_leak_check, NULL, &res);
	check_ran_to_end(&res);
	assert_int_equal(check(&res, "leak_check_ran", 0), 0);
}
#endif

/* Without the sandbox the same probes do get through: the EPERMs above are the sandbox's. */
static void test_denied_control(void **state)
{
	char *const argv[] = {"true", NULL};
	pid_t pid;
	int status, fd;

	(void)state;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execve("/bin/true", argv, environ);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- what still works --------------------------------------------------------------------------- */

static void body_allowed(int fd, void *arg)
{
	char path[PATH_MAX], buf[64] = "";
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int f, s;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/input.json", (const char *)arg);
	f = open(path, O_RDONLY | O_CLOEXEC);
	report_call(fd, "open", f);
	n = f >= 0 ? read(f, buf, sizeof(buf) - 1) : -1;
	report_call(fd, "read", n);
	report(fd, "read_content", n > 0 && !strncmp(buf, "{\"sandbox\":true}", (size_t)n) ? 0 : EIO);
	if (f >= 0)
		report_call(fd, "close", close(f));

	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	report_call(fd, "socket_netlink", s);
	if (s >= 0) {
		report_call(fd, "bind_netlink", bind(s, (struct sockaddr *)&sa, sizeof(sa)));
		close(s);
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	report_call(fd, "socket_unix", s);
	if (s >= 0)
		close(s);
	report_call(fd, "usleep", usleep(1000));
	report_call(fd, "getpid", getpid() > 0 ? 0 : -1);
}

static void pre_allowed(int fd, void *arg)
{
	char path[PATH_MAX];
	FILE *f;

	(void)fd;
	snprintf(path, sizeof(path), "%s/input.json", (const char *)arg);
	f = fopen(path, "w");
	if (!f)
		_exit(80);
	fputs("{\"sandbox\":true}", f);
	fclose(f);
}

static void test_allowed(void **state)
{
	struct results res;
	int failures = 0;

	run_sandboxed(pre_allowed, body_allowed, *state, &res);
	check_ran_to_end(&res);
	failures += check(&res, "open", 0);
	failures += check(&res, "read", 0);
	failures += check(&res, "read_content", 0);
	failures += check(&res, "close", 0);
	failures += check(&res, "socket_netlink", 0);
	failures += check(&res, "bind_netlink", 0);
	failures += check(&res, "socket_unix", 0);
	failures += check(&res, "usleep", 0);
	failures += check(&res, "getpid", 0);
	assert_int_equal(failures, 0);
}

/* ---- the hook's own work under the sandbox ------------------------------------------------------ */

/* Pins the hook's own netns in the store and removes the pin again: 0, or the errno. */
static int pin_and_unpin(struct sh_store *st)
{
	struct sh_holder h = { .id = "probe" };
	struct sh_pin p = SH_PIN_INIT;
	struct sh_error err = { 0 };
	int nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), r;

	if (nsfd < 0)
		return errno;
	r = sh_netns_identity(nsfd, &h.netns_dev, &h.netns_ino, &err);
	if (r == 0)
		r = sh_store_lock_pin(st, &h, &p, &err);
	if (r == 0)
		r = sh_pin_make(&p, nsfd, &h, &err);
	if (r == 0)
		r = sh_pin_remove_if_unused(&p, &err);
	sh_pin_unlock(&p);
	close(nsfd);
	return -r;
}

static bool can_pin; /* found out before the sandbox: pins need CAP_SYS_ADMIN */

static void pre_hook(int fd, void *arg)
{
	const char *dir = arg;
	struct sh_store st = SH_STORE_INIT;
	char path[PATH_MAX];
	struct sh_error err = {0};
	FILE *f;

	/* a fake sysfs: class/net/p0 (PCI 0000:3b:00.0) with 2 VFs */
	snprintf(path, sizeof(path), "%s/sys/class/net/p0", dir);
	if (mkdir_p(path) < 0)
		_exit(81);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:3b:00.0", dir);
	if (mkdir_p(path) < 0)
		_exit(81);
	snprintf(path, sizeof(path), "%s/sys/class/net/p0/device", dir);
	if (symlink("../../../bus/pci/devices/0000:3b:00.0", path) < 0)
		_exit(82);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", dir);
	f = fopen(path, "w");
	if (!f)
		_exit(83);
	fputs("2\n", f);
	fclose(f);

	/* the log is opened before the sandbox, as the hook does */
	snprintf(path, sizeof(path), "%s/hook.log", dir);
	if (sh_log_open(path, &err) < 0)
		_exit(84);
	sh_log_set_prefix("c1: createRuntime");

	snprintf(path, sizeof(path), "%s/state", dir);
	if (sh_store_open(path, true, &st, &err) < 0)
		_exit(85);
	err.code = pin_and_unpin(&st);
	can_pin = err.code == 0;
	sh_store_close(&st);
	report(fd, "can_pin", err.code);
}

static void body_hook(int fd, void *arg)
{
	const char *dir = arg;
	char state_dir[PATH_MAX], sys[PATH_MAX];
	char(*pci)[SH_PCI_LEN] = NULL;
	struct sh_store st = SH_STORE_INIT;
	struct sh_claim c = SH_CLAIM_INIT;
	struct sh_record rec, back;
	struct sh_error err = {0};
	struct sh_pf pf;
	struct nl_sock *sk = NULL;
	struct sh_link lo;
	size_t n = 0;
	int nsfd;

	snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
	snprintf(sys, sizeof(sys), "%s/sys", dir);

	/* the claim store */
	report_ret(fd, "claim_store_init", sh_store_open(state_dir, true, &st, &err));
	report_ret(fd, "claim_lock", sh_store_lock_vf(&st, "0000:3b:02.0", false, &c, &err));
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.id, sizeof(rec.id), "c1");
	snprintf(rec.pf_name, sizeof(rec.pf_name), "p0");
	rec.pf_ifindex = 1;
	snprintf(rec.vf_pci, sizeof(rec.vf_pci), "0000:3b:02.0");
	snprintf(rec.host_name, sizeof(rec.host_name), "v0");
	rec.phase = SH_PHASE_ATTACHED;
	report_ret(fd, "claim_write", sh_claim_write(&c, &rec, &err));
	report_ret(fd, "claim_read", sh_claim_read(&c, &back, &err));
	report_ret(fd, "claim_foreach", sh_store_list_claims(&st, &pci, &n, &err));
	report(fd, "claim_foreach_count", n == 1 ? 0 : EIO);
	free(pci);
	report_ret(fd, "claim_release", sh_claim_release(&c, &err));
	report_ret(fd, "store_tidy", sh_store_tidy(&st, false, NULL, NULL, &err));

	/* sysfs */
	report_call(fd, "sysfs_pf_resolve", sh_sysfs_pf_resolve(sys, "p0", &pf, &err));
	report(fd, "sysfs_numvfs", pf.numvfs == 2 ? 0 : EIO);

	/* the log */
	sh_log_msg(LOG_INFO, "written under the sandbox");
	report(fd, "log", 0);

	/* netlink, in our namespace and through setns into one */
	report_call(fd, "nl_open", sh_nl_open(&sk, &err));
	if (sk) {
		report_call(fd, "link_get", sh_link_get(sk, 0, "lo", &lo, &err));
		sh_nl_close(sk);
		sk = NULL;
	}
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	report_call(fd, "open_netns", nsfd);
	if (nsfd >= 0 && geteuid() == 0) {
		report_call(fd, "nl_open_in", sh_nl_open_in(nsfd, &sk, &err));
		sh_nl_close(sk);
	}
	if (nsfd >= 0)
		close(nsfd);

	/* pinning the netns: a bind mount, and its removal */
	if (can_pin) {
		report(fd, "netns_pin", pin_and_unpin(&st));
		report(fd, "netns_unpin", 0);
	}
	sh_store_close(&st);
}

static void test_hook_work_allowed(void **state)
{
	const char *dir = *state;
	struct results res;
	char path[PATH_MAX], buf[4096] = "";
	int failures = 0;
	size_t i;
	FILE *f;
	static const char *const must[] = {
		"claim_store_init", "claim_lock", "claim_write", "claim_read", "claim_foreach", "claim_foreach_count",
		"claim_release", "store_tidy", "sysfs_pf_resolve", "sysfs_numvfs", "log", "nl_open", "link_get", "open_netns",
	};

	run_sandboxed(pre_hook, body_hook, *state, &res);
	check_ran_to_end(&res);
	for (i = 0; i < SH_ARRAY_SIZE(must); i++)
		failures += check(&res, must[i], 0);
	if (geteuid() == 0)
		failures += check(&res, "nl_open_in", 0);
	if (find(&res, "can_pin") && find(&res, "can_pin")->err == 0) {
		failures += check(&res, "netns_pin", 0);
		failures += check(&res, "netns_unpin", 0);
	} else {
		print_message("netns pin not tried: no mount privilege here\n");
	}
	assert_int_equal(failures, 0);

	/* the log line made it to the file */
	snprintf(path, sizeof(path), "%s/hook.log", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(buf, "c1: createRuntime: written under the sandbox"));
	/* and the claim store is clean again */
	snprintf(path, sizeof(path), "%s/state/claims/0000:3b:02.0.json", dir);
	assert_int_equal(access(path, F_OK), -1);
}

static int tmpdir_setup(void **state)
{
	return tmpdir_setup_for(state, "sandbox");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_denied, tmpdir_setup, sandbox_teardown),
		cmocka_unit_test(test_denied_control),
		cmocka_unit_test_setup_teardown(test_allowed, tmpdir_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_hook_work_allowed, tmpdir_setup, sandbox_teardown),
#ifdef SH_SANITIZER_BUILD
		cmocka_unit_test(test_sanitizer_runtime_allowed),
#endif
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
