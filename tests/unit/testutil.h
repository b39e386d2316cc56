/* Shared by the unit tests (include after cmocka.h, with _GNU_SOURCE for nftw): temporary
 * directories that go whatever a test's outcome, mkdir -p, and files written in one call. */
#ifndef SRIOV_HOOK_TESTUTIL_H
#define SRIOV_HOOK_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static inline int testutil_rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Removes path and everything under it, without following links. */
static inline void rm_tree(const char *path)
{
	nftw(path, testutil_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new /tmp/sriov-hook-test-<concern>-XXXXXX as *state (cmocka setup). */
static inline int tmpdir_setup_for(void **state, const char *concern)
{
	char *dir = malloc(64);

	if (!dir)
		return -1;
	snprintf(dir, 64, "/tmp/sriov-hook-test-%s-XXXXXX", concern);
	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

/* Removes the directory of tmpdir_setup_for (cmocka teardown). */
static inline int tmpdir_teardown(void **state)
{
	rm_tree(*state);
	free(*state);
	return 0;
}

/* mkdir -p: 0, or -1 with errno set. Usable in a forked child that must not call cmocka. */
static inline int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A child that waits for a byte on the pipe *go_wr, then exits (named comm when not NULL): a process
 * whose life the test controls. */
static inline pid_t spawn_waiter(int *go_wr, const char *comm)
{
	int go[2];
	pid_t pid;
	char b;

	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		if (comm)
			prctl(PR_SET_NAME, comm, 0, 0, 0);
		if (read(go[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	*go_wr = go[1];
	return pid;
}

/* Runs fn(arg) with stderr going to dir/stderr, and puts what it wrote in out (len bytes with the
 * NUL): the one line a failing hook prints. */
static inline void capture_stderr_in(const char *dir, void (*fn)(void *), void *arg, char *out, size_t len)
{
	char path[PATH_MAX];
	int fd, saved;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	fn(arg);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	n = pread(fd, out, len - 1, 0);
	assert_true(n >= 0);
	out[n] = '\0';
	close(fd);
}

#endif
