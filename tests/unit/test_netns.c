/* The target namespace and processes: what sh_netns_open_target refuses (a file that is no
 * namespace, another type, the host's, a process that is gone), that it never blocks on a FIFO,
 * and process start times (the identity of a container's init). Namespaces of this process only:
 * no privilege needed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/sys/netns.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void expect_refused(const char *path, int pid, int code, const char *needle)
{
	struct sh_netns_target t;
	struct sh_error err = {0};
	int r = sh_netns_open_target(path, pid, &t, &err);

	if (r != -code)
		fail_msg("%s: %d (%s), expected -%d", path, r, err.msg, code);
	if (!strstr(err.msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", path, err.msg, needle);
	assert_int_equal(t.fd, -1);
}

static void test_refused_targets(void **state)
{
	char *dir = *state, path[256];

	/* the hook's own namespace, by any path */
	expect_refused("/proc/self/ns/net", 0, EPERM, "is the host's (the one sriov-hook runs in)");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)getpid());
	expect_refused(path, getpid(), EPERM, "is the host's");
	/* no namespace */
	snprintf(path, sizeof(path), "%s/file", dir);
	write_text(path, "x");
	expect_refused(path, 0, EINVAL, "is not a namespace");
	expect_refused(dir, 0, EINVAL, "is not a namespace");
	expect_refused("/dev/null", 0, EINVAL, "/dev/null is not a namespace");
	snprintf(path, sizeof(path), "%s/missing", dir);
	expect_refused(path, 0, ENOENT, "open network namespace");
	/* a FIFO: refused at once, never opened for reading (which would block) */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(path, 0, EINVAL, "is not a namespace");
	/* another type */
	expect_refused("/proc/self/ns/pid", 0, EINVAL, "is a pid namespace, not a network namespace");
	expect_refused("/proc/self/ns/mnt", 0, EINVAL, "is a mount namespace, not a network namespace");
	expect_refused("/proc/self/ns/uts", 0, EINVAL, "is a uts namespace");
}


static void test_process_gone(void **state)
{
	char path[64];
	int go, status;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
	/* the state's pid */
	expect_refused("/proc/self/ns/net", pid, ESRCH, "process");
	/* the path's */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	expect_refused(path, 0, ENOENT, path);
}

/* A vfio container's holder: its process's namespace, identified whatever it is (the host's
 * included: nothing moves into it), but only of a live process the state names. */
static void test_holder(void **state)
{
	struct sh_netns_target t;
	struct sh_error err = {0};
	struct stat sb;
	int go, status;
	pid_t pid;

	(void)state;
	assert_int_equal(sh_netns_open_holder(getpid(), &t, &err), 0);
	assert_int_equal(stat("/proc/self/ns/net", &sb), 0);
	assert_true(t.dev == sb.st_dev && t.ino == sb.st_ino);
	assert_int_equal(t.pid, getpid());
	assert_int_equal(t.pid_start, sh_proc_start_time(getpid()));
	assert_true(t.fd >= 0);
	close(t.fd);
	assert_int_equal(sh_netns_open_holder(0, &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "gives no pid"));
	assert_int_equal(t.fd, -1);
	pid = spawn_waiter(&go, NULL);
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
	assert_int_equal(sh_netns_open_holder(pid, &t, &err), -ESRCH);
	assert_non_null(strstr(err.msg, "is gone"));
	assert_int_equal(t.fd, -1);
}

static void test_identity(void **state)
{
	struct stat sb;
	uint64_t dev, ino;
	struct sh_error err = {0};
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(sh_netns_identity(fd, &dev, &ino, &err), 0);
	assert_int_equal(stat("/proc/self/ns/net", &sb), 0);
	assert_true(dev == sb.st_dev && ino == sb.st_ino);
	assert_int_equal(sh_netns_check_type(fd, CLONE_NEWNET, "x", &err), 0);
	close(fd);
	assert_int_equal(sh_netns_identity(-1, &dev, &ino, &err), -EBADF);
	assert_non_null(strstr(err.msg, "identify the network namespace"));
}

/* Field 22 of /proc/<pid>/stat, parsed here on its own. */
static unsigned long long stat_field22(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* field 2 ends here */
	assert_non_null(p);
	p += 2; /* field 3 */
	for (i = 3; i < 22; i++) {
		p = strchr(p, ' ');
		assert_non_null(p);
		p++;
	}
	assert_int_equal(sscanf(p, "%llu", &v), 1);
	return v;
}

static void test_proc_start_time_self(void **state)
{
	unsigned long long t = sh_proc_start_time(getpid());

	(void)state;
	assert_true(t > 0);
	assert_true(t == stat_field22(getpid()));
	assert_true(sh_proc_start_time(getppid()) == stat_field22(getppid()));
	assert_true(sh_proc_start_time(1) == stat_field22(1));
	/* no such process */
	assert_true(sh_proc_start_time(0) == 0);
	assert_true(sh_proc_start_time(-1) == 0);
	assert_true(sh_proc_start_time(0x7ffffffe) == 0);
}

static char proc_state(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

static void wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";
	int i;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, comm))
				return;
		}
		sleep_ms(10);
	}
	fail_msg("child comm never became \"%s\" (is \"%s\")", comm, buf);
}

/* A command name with spaces and parentheses does not shift the fields. */
static void test_proc_start_time_odd_comm(void **state)
{
	static const char comm[] = ") (x y) Z 1";
	int go, status;
	pid_t pid = spawn_waiter(&go, comm);
	unsigned long long t;

	(void)state;
	wait_comm(pid, comm);
	t = sh_proc_start_time(pid);
	assert_true(t > 0);
	assert_true(t == stat_field22(pid));
	assert_int_equal(write(go, "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
}

/* A process that exited but was not reaped is gone as far as its VFs go. */
static void test_proc_start_time_zombie(void **state)
{
	int go, status, i;
	pid_t pid = spawn_waiter(&go, NULL);

	(void)state;
	assert_true(sh_proc_start_time(pid) > 0);
	assert_int_equal(write(go, "x", 1), 1);
	for (i = 0; i < 500 && proc_state(pid) != 'Z'; i++)
		sleep_ms(10);
	assert_int_equal(proc_state(pid), 'Z');
	assert_true(sh_proc_start_time(pid) == 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(go);
}

static int tmpdir_setup(void **state)
{
	return tmpdir_setup_for(state, "netns");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_targets, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_process_gone),
		cmocka_unit_test(test_holder),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_proc_start_time_self),
		cmocka_unit_test(test_proc_start_time_odd_comm),
		cmocka_unit_test(test_proc_start_time_zombie),
	};

	return cmocka_run_group_tests_name("netns", tests, NULL, NULL);
}
