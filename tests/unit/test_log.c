/* The log's sinks against stand-in listeners on temporary sockets: the journal's native protocol
 * and its fields, syslog's line (datagram and stream), the fallbacks down to stderr when a sink is
 * missing or stops taking lines (said once, no line lost), a file, and the journal under the
 * seccomp sandbox. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/core/sandbox.h"

#define ID "3f2a9c1d0b8e7f6a5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291807f6e"

static const char *dir; /* the current test's, from setup */

static int setup(void **state)
{
	if (tmpdir_setup_for(state, "log") < 0)
		return -1;
	dir = *state;
	/* Never the machine's own journal or syslog. */
	sh_log_set_system_sockets("/nonexistent/journal", "/nonexistent/dev-log");
	return 0;
}

static int teardown(void **state)
{
	sh_log_close();
	sh_log_set_system_sockets(NULL, NULL);
	return tmpdir_teardown(state);
}

/* A listener bound at dir/name (type SOCK_DGRAM or SOCK_STREAM); its path in path. */
static int listener(const char *name, int type, char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(path, sizeof(sa.sun_path), "%s/%s", dir, name);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* The next datagram on fd, without waiting: its length, or -1 when there is none. */
static ssize_t next_datagram(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The value of field name in a native journal entry (either encoding), into out; false if absent. */
static bool journal_field(const char *entry, size_t len, const char *name, char *out, size_t out_len)
{
	const char *p = entry, *end = entry + len;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eq = memchr(p, '=', (size_t)(end - p));

		assert_non_null(nl);
		if (eq && eq < nl) { /* NAME=value\n */
			if ((size_t)(eq - p) == nlen && !memcmp(p, name, nlen)) {
				snprintf(out, out_len, "%.*s", (int)(nl - eq - 1), eq + 1);
				return true;
			}
			p = nl + 1;
			continue;
		}
		{ /* NAME\n, 64-bit little-endian length, value, \n */
			uint64_t vlen = 0;
			const unsigned char *l = (const unsigned char *)nl + 1;
			int i;

			for (i = 7; i >= 0; i--)
				vlen = vlen << 8 | l[i];
			if ((size_t)(nl - p) == nlen && !memcmp(p, name, nlen)) {
				snprintf(out, out_len, "%.*s", (int)vlen, (const char *)l + 8);
				return true;
			}
			assert_int_equal(((const char *)l)[8 + vlen], '\n');
			p = (const char *)l + 8 + vlen + 1;
		}
	}
	return false;
}

static void assert_field(const char *entry, size_t len, const char *name, const char *want)
{
	char got[2048];

	if (!journal_field(entry, len, name, got, sizeof(got)))
		fail_msg("journal entry lacks %s", name);
	if (strcmp(got, want))
		fail_msg("%s=\"%s\", want \"%s\"", name, got, want);
}

static void assert_no_field(const char *entry, size_t len, const char *name)
{
	char got[2048];

	if (journal_field(entry, len, name, got, sizeof(got)))
		fail_msg("journal entry has %s=%s", name, got);
}

/* Runs fn with stderr going to dir/stderr; returns what it wrote. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	static char out[8192];

	capture_stderr_in(dir, fn, arg, out, sizeof(out));
	return out;
}

/* ---- the journal ------------------------------------------------------------------------------- */

/* One datagram per line, the message with its prefix, and the fields a reader filters on:
 * CONTAINER_ID (12 characters, as docker's and podman's journald drivers), CONTAINER_ID_FULL,
 * CONTAINER_NAME, SRIOV_STAGE, SRIOV_PF, SRIOV_VF_PCI. */
static void test_journal_fields(void **state)
{
	char path[PATH_MAX], buf[8192], target[PATH_MAX + 16];
	struct sh_error err = { 0 };
	ssize_t n;
	int fd;

	(void)state;
	fd = listener("journal", SOCK_DGRAM, path);
	snprintf(target, sizeof(target), "journal:%s", path);
	assert_int_equal(sh_log_open(target, &err), 0);
	sh_log_set_container(ID, "web", "createRuntime");
	sh_log_set_vf("ens1f0", "0000:3b:10.2");
	sh_log_msg(LOG_INFO, "VF %d attached", 2);
	assert_true((n = next_datagram(fd, buf, sizeof(buf))) > 0);
	assert_field(buf, (size_t)n, "MESSAGE", ID " (web): createRuntime: VF 2 attached");
	assert_field(buf, (size_t)n, "PRIORITY", "6");
	assert_field(buf, (size_t)n, "SYSLOG_IDENTIFIER", "sriov-hook");
	assert_field(buf, (size_t)n, "CONTAINER_ID", "3f2a9c1d0b8e");
	assert_field(buf, (size_t)n, "CONTAINER_ID_FULL", ID);
	assert_field(buf, (size_t)n, "CONTAINER_NAME", "web");
	assert_field(buf, (size_t)n, "SRIOV_STAGE", "createRuntime");
	assert_field(buf, (size_t)n, "SRIOV_PF", "ens1f0");
	assert_field(buf, (size_t)n, "SRIOV_VF_PCI", "0000:3b:10.2");
	assert_int_equal(next_datagram(fd, buf, sizeof(buf)), -1); /* one line, one datagram */

	/* no name, no VF: those fields are left out, not sent empty */
	sh_log_set_container("c1", NULL, "poststop");
	sh_log_set_vf(NULL, NULL);
	sh_log_msg(LOG_WARNING, "nothing to do");
	assert_true((n = next_datagram(fd, buf, sizeof(buf))) > 0);
	assert_field(buf, (size_t)n, "MESSAGE", "c1: poststop: nothing to do");
	assert_field(buf, (size_t)n, "PRIORITY", "4");
	assert_field(buf, (size_t)n, "CONTAINER_ID", "c1");
	assert_no_field(buf, (size_t)n, "CONTAINER_NAME");
	assert_no_field(buf, (size_t)n, "SRIOV_PF");
	assert_no_field(buf, (size_t)n, "SRIOV_VF_PCI");

	/* a value with a newline travels in the binary form; the message itself stays one line */
	sh_log_set_container("c1\nx", NULL, "poststop");
	sh_log_msg(LOG_ERR, "a\nb");
	assert_true((n = next_datagram(fd, buf, sizeof(buf))) > 0);
	assert_field(buf, (size_t)n, "CONTAINER_ID_FULL", "c1\nx");
	assert_field(buf, (size_t)n, "PRIORITY", "3");
	close(fd);
}

static void failure_then_close(void *arg)
{
	sh_log_failure(arg);
}

/* A failure: in the journal at priority err, and once on stderr for the runtime to show. */
static void test_journal_failure(void **state)
{
	char path[PATH_MAX], buf[8192], target[PATH_MAX + 16], *out;
	struct sh_error err = { 0 };
	ssize_t n;
	int fd;

	(void)state;
	fd = listener("journal", SOCK_DGRAM, path);
	snprintf(target, sizeof(target), "journal:%s", path);
	assert_int_equal(sh_log_open(target, &err), 0);
	sh_log_set_container("c2", "db", "createRuntime");
	out = capture_stderr(failure_then_close, "claim VF 0 of p0: already held by c1");
	assert_string_equal(out, "sriov-hook: c2 (db): createRuntime: claim VF 0 of p0: already held by c1\n");
	assert_true((n = next_datagram(fd, buf, sizeof(buf))) > 0);
	assert_field(buf, (size_t)n, "MESSAGE", "c2 (db): createRuntime: claim VF 0 of p0: already held by c1");
	assert_field(buf, (size_t)n, "PRIORITY", "3");
	close(fd);
}

/* auto takes the journal when its socket is there. */
static void test_auto_prefers_journal(void **state)
{
	char jpath[PATH_MAX], spath[PATH_MAX], buf[8192];
	struct sh_error err = { 0 };
	int j, s;

	(void)state;
	j = listener("journal", SOCK_DGRAM, jpath);
	s = listener("dev-log", SOCK_DGRAM, spath);
	sh_log_set_system_sockets(jpath, spath);
	assert_int_equal(sh_log_open("auto", &err), 0);
	sh_log_set_container("c3", NULL, "createRuntime");
	sh_log_msg(LOG_INFO, "hello");
	assert_true(next_datagram(j, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "MESSAGE=c3: createRuntime: hello\n"));
	assert_int_equal(next_datagram(s, buf, sizeof(buf)), -1);
	close(j);
	close(s);
}

/* ---- syslog and the fallbacks ------------------------------------------------------------------ */

/* Without a journal, auto speaks syslog's protocol on /dev/log, as glibc's syslog() does. */
static void test_auto_syslog_without_journal(void **state)
{
	char spath[PATH_MAX], buf[8192], want[256];
	struct sh_error err = { 0 };
	int s;

	(void)state;
	s = listener("dev-log", SOCK_DGRAM, spath);
	sh_log_set_system_sockets("/nonexistent/journal", spath);
	assert_int_equal(sh_log_open(NULL, &err), 0);
	sh_log_set_container("c4", NULL, "poststop");
	sh_log_msg(LOG_NOTICE, "released");
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	/* <daemon.notice>Mmm dd hh:mm:ss sriov-hook[pid]: line -- and no note: a missing journal is no news */
	assert_memory_equal(buf, "<29>", 4);
	snprintf(want, sizeof(want), " sriov-hook[%d]: c4: poststop: released", (int)getpid());
	assert_string_equal(buf + 4 + 15, want);
	assert_int_equal(next_datagram(s, buf, sizeof(buf)), -1);
	close(s);
}

/* A syslog daemon on a stream socket gets the same line, NUL-terminated. */
static void test_syslog_stream(void **state)
{
	char spath[PATH_MAX], target[PATH_MAX + 16], buf[512];
	struct sh_error err = { 0 };
	ssize_t n;
	int s, c;

	(void)state;
	s = listener("dev-log", SOCK_STREAM, spath);
	snprintf(target, sizeof(target), "syslog:%s", spath);
	assert_int_equal(sh_log_open(target, &err), 0);
	c = accept(s, NULL, NULL);
	assert_true(c >= 0);
	sh_log_set_prefix("tool");
	sh_log_msg(LOG_ERR, "stream");
	n = recv(c, buf, sizeof(buf), 0);
	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\0');
	assert_non_null(strstr(buf, "]: tool: stream"));
	close(c);
	close(s);
}

static void log_two(void *arg)
{
	(void)arg;
	sh_log_msg(LOG_INFO, "first");
	sh_log_msg(LOG_INFO, "second");
}

/* Neither journal nor syslog: auto writes to stderr, without a note (there is nothing wrong). */
static void test_auto_stderr_without_either(void **state)
{
	struct sh_error err = { 0 };
	char *out;

	(void)state;
	assert_int_equal(sh_log_open("auto", &err), 0);
	sh_log_set_container("c5", NULL, "createRuntime");
	out = capture_stderr(log_two, NULL);
	assert_string_equal(out, "sriov-hook: c5: createRuntime: first\nsriov-hook: c5: createRuntime: second\n");
	/* a failure is said once, not once as a log line and once as the failure */
	out = capture_stderr(failure_then_close, "boom");
	assert_string_equal(out, "sriov-hook: c5: createRuntime: boom\n");
}

/* A journal socket nobody listens on (journald stopped): syslog takes over, and says why once. */
static void test_journal_refused_falls_back_to_syslog(void **state)
{
	char jpath[PATH_MAX], spath[PATH_MAX], buf[8192], target[PATH_MAX + 16];
	struct sh_error err = { 0 };
	int s;

	(void)state;
	close(listener("journal", SOCK_DGRAM, jpath)); /* the socket file stays, nobody behind it */
	s = listener("dev-log", SOCK_DGRAM, spath);
	sh_log_set_system_sockets(jpath, spath);
	snprintf(target, sizeof(target), "journal:%s", jpath);
	assert_int_equal(sh_log_open(target, &err), 0);
	sh_log_set_container("c6", NULL, "createRuntime");
	sh_log_msg(LOG_INFO, "one");
	sh_log_msg(LOG_INFO, "two");
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_memory_equal(buf, "<28>", 4); /* warning */
	assert_non_null(strstr(buf, "]: c6: createRuntime: log: the journal ("));
	assert_non_null(strstr(buf, jpath));
	assert_non_null(strstr(buf, "is not available: Connection refused; logging to syslog from here on"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "]: c6: createRuntime: one"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "]: c6: createRuntime: two"));
	assert_int_equal(next_datagram(s, buf, sizeof(buf)), -1);
	close(s);
}

/* The journal goes away between two lines: the second goes to syslog after one note; nothing is
 * lost. Then syslog goes too: stderr, with its own note. */
static void test_send_failure_falls_back_once(void **state)
{
	char jpath[PATH_MAX], spath[PATH_MAX], buf[8192], target[PATH_MAX + 16], *out;
	struct sh_error err = { 0 };
	int j, s;

	(void)state;
	j = listener("journal", SOCK_DGRAM, jpath);
	s = listener("dev-log", SOCK_DGRAM, spath);
	sh_log_set_system_sockets(jpath, spath);
	snprintf(target, sizeof(target), "journal:%s", jpath);
	assert_int_equal(sh_log_open(target, &err), 0);
	sh_log_set_container("c7", NULL, "poststop");
	sh_log_msg(LOG_INFO, "zero");
	assert_true(next_datagram(j, buf, sizeof(buf)) > 0);
	close(j);
	sh_log_msg(LOG_INFO, "one");
	sh_log_msg(LOG_INFO, "two");
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "log: cannot send to the journal ("));
	assert_non_null(strstr(buf, "Connection refused; logging to syslog from here on"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ": c7: poststop: one"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ": c7: poststop: two"));
	assert_int_equal(next_datagram(s, buf, sizeof(buf)), -1);

	close(s);
	out = capture_stderr(log_two, NULL);
	assert_non_null(strstr(out, "sriov-hook: c7: poststop: log: cannot send to syslog ("));
	assert_non_null(strstr(out, "; logging to stderr from here on\nsriov-hook: c7: poststop: first\n"
				    "sriov-hook: c7: poststop: second\n"));
}

/* A journal that takes lines slower than they come: a full queue never blocks the hook, and every
 * line is somewhere, the journal's share then syslog's after one note. */
static void test_full_journal_loses_nothing(void **state)
{
	enum { LINES = 2000 };
	char jpath[PATH_MAX], spath[PATH_MAX], buf[8192], target[PATH_MAX + 16];
	struct sh_error err = { 0 };
	int j, s, i, in_journal = 0, in_syslog = 0, notes = 0, rcvbuf = 4096;

	(void)state;
	j = listener("journal", SOCK_DGRAM, jpath);
	assert_int_equal(setsockopt(j, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	s = listener("dev-log", SOCK_DGRAM, spath);
	rcvbuf = 1 << 22;
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	sh_log_set_system_sockets(jpath, spath);
	snprintf(target, sizeof(target), "journal:%s", jpath);
	assert_int_equal(sh_log_open(target, &err), 0);
	sh_log_set_container("c8", NULL, "createRuntime");
	alarm(20);
	for (i = 0; i < LINES; i++) {
		sh_log_msg(LOG_INFO, "line %d", i);
		/* drain syslog as we go: its own queue is not under test */
		while (next_datagram(s, buf, sizeof(buf)) > 0) {
			if (strstr(buf, "log: cannot send to the journal"))
				notes++;
			else
				in_syslog++;
		}
	}
	alarm(0);
	while (next_datagram(j, buf, sizeof(buf)) > 0)
		in_journal++;
	assert_true(in_journal > 0);
	assert_true(in_syslog > 0);
	assert_int_equal(notes, 1);
	assert_int_equal(in_journal + in_syslog, LINES);
	close(j);
	close(s);
}

/* A file that cannot be opened (a FIFO without a reader): the system log takes over, saying why. */
static void test_file_falls_back(void **state)
{
	char spath[PATH_MAX], fifo[PATH_MAX], buf[8192];
	struct sh_error err = { 0 };
	int s;

	(void)state;
	s = listener("dev-log", SOCK_DGRAM, spath);
	sh_log_set_system_sockets("/nonexistent/journal", spath);
	snprintf(fifo, sizeof(fifo), "%s/log.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	assert_int_equal(sh_log_open(fifo, &err), 0);
	alarm(0);
	sh_log_set_container("c9", NULL, "createRuntime");
	sh_log_msg(LOG_INFO, "where");
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "log: the file ("));
	assert_non_null(strstr(buf, "No such device or address; logging to syslog from here on"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "c9: createRuntime: where"));
	close(s);
}

/* A file: one line per message, timestamped, with the prefix. */
static void test_file(void **state)
{
	char path[PATH_MAX], *text = NULL;
	struct sh_error err = { 0 };
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/hook.log", dir);
	assert_int_equal(sh_log_open(path, &err), 0);
	sh_log_set_container("c10", "web", "poststop");
	sh_log_msg(LOG_INFO, "released");
	sh_log_close();
	assert_non_null(f = fopen(path, "r"));
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "Z sriov-hook["));
	assert_non_null(strstr(text, "]: c10 (web): poststop: released\n"));
	free(text);
}

static void test_targets(void **state)
{
	static const char *const good[] = { "auto",
					    "journal",
					    "syslog",
					    "stderr",
					    "/var/log/sriov-hook.log",
					    "journal:/run/systemd/journal.blue/socket",
					    "syslog:/dev/log" };
	static const char *const bad[] = {
		"",
		"Journal",
		"journal:",
		"journal:run/x",
		"syslog:x",
		"stderr:/x",
		"auto:/x",
		"file",
		"journal:/" /* 120 characters follow */
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	};
	struct sh_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(good); i++)
		if (!sh_log_target_valid(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++)
		if (sh_log_target_valid(bad[i]))
			fail_msg("\"%s\" taken", bad[i]);
	assert_int_equal(sh_log_open("jornal", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "jornal"));
}

/* ---- under the sandbox ------------------------------------------------------------------------- */

/* The hook opens its log before the seccomp filter goes up; lines, and a fallback to another
 * socket (journal gone, syslog opened then), still work under it. */
static void test_journal_under_sandbox(void **state)
{
	char jpath[PATH_MAX], spath[PATH_MAX], buf[8192], target[PATH_MAX + 16];
	int j, s, status, go[2];
	pid_t pid;

	(void)state;
	j = listener("journal", SOCK_DGRAM, jpath);
	s = listener("dev-log", SOCK_DGRAM, spath);
	snprintf(target, sizeof(target), "journal:%s", jpath);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_error err = { 0 };
		char c;

		/* only the parent may hold the listeners: the journal must go when the parent closes it */
		close(go[1]);
		close(j);
		close(s);
		sh_log_set_system_sockets(jpath, spath);
		if (sh_log_open(target, &err) < 0)
			_exit(10);
		if (sh_sandbox_install(&err) < 0)
			_exit(11);
		sh_log_set_container("c11", "web", "createRuntime");
		sh_log_set_vf("p0", "0000:3b:10.0");
		sh_log_msg(LOG_INFO, "sandboxed");
		/* wait until the parent closed the journal (and with it the pipe), then log again */
		if (read(go[0], &c, 1) < 0)
			_exit(12);
		sh_log_msg(LOG_INFO, "after");
		_exit(0);
	}
	{
		ssize_t n;
		int i;

		for (i = 0; i < 200 && (n = next_datagram(j, buf, sizeof(buf))) < 0; i++)
			usleep(20000);
		assert_true(n > 0);
		assert_field(buf, (size_t)n, "MESSAGE", "c11 (web): createRuntime: sandboxed");
		assert_field(buf, (size_t)n, "SRIOV_VF_PCI", "0000:3b:10.0");
	}
	close(go[0]);
	close(j);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "log: cannot send to the journal"));
	assert_true(next_datagram(s, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "c11 (web): createRuntime: after"));
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_prefers_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_syslog_without_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syslog_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_stderr_without_either, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_refused_falls_back_to_syslog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_failure_falls_back_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_journal_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_under_sandbox, setup, teardown),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
