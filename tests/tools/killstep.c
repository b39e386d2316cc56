/* killstep: runs a command under ptrace and SIGKILLs it at the entry of its Nth system call, so that
 * a test can kill a program at every step in turn (strace's inject=...:when=N counts each system
 * call separately and so reaches only some steps). With N = 0 it only counts.
 *
 *   killstep [-k N] [-o FILE] [-t] -- COMMAND [ARG...]
 *
 * Steps are the system-call entries the command makes after its execve, numbered from 1, including
 * the ones a seccomp filter refuses (ptrace stops a call before seccomp sees it). The report goes to
 * FILE (default stderr), one line: "syscalls K" when the command ran to its end (K calls), or
 * "killed N NAME" when it was killed at step N, a call to NAME. -t also writes "step N NAME" for
 * every step. The exit status is the command's, 128 + signal when a signal ended it. Only the
 * process itself is followed: a child it forks runs untraced (sriov-hook never forks). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const syscall_names[] = {
#include "syscall-names.h"
};

static const char *syscall_name(unsigned long long nr)
{
	static char buf[32];

	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	snprintf(buf, sizeof(buf), "syscall_%llu", nr);
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: killstep [-k N] [-o FILE] [-t] -- COMMAND [ARG...]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "killstep: %s: %s\n", what, strerror(errno));
	exit(125);
}

static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	unsigned long kill_at = 0, step = 0;
	const char *out_path = NULL;
	bool trace = false, counting = false;
	FILE *out = stderr;
	pid_t pid;
	int c, st;

	while ((c = getopt(argc, argv, "+k:o:t")) != -1) {
		char *end;

		switch (c) {
		case 'k':
			errno = 0;
			kill_at = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg)
				usage();
			break;
		case 'o':
			out_path = optarg;
			break;
		case 't':
			trace = true;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (out_path && !(out = fopen(out_path, "we")))
		die(out_path);

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* Stop before execve so that the tracer sets its options first. */
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 || raise(SIGSTOP) < 0)
			_exit(126);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "killstep: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		die("wait for the child to stop");
	/* EXITKILL: if killstep dies (a test's timeout), the command dies with it instead of running on
	 * untraced. TRACESYSGOOD tells system-call stops from signals, TRACEEXEC marks the execve. */
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC)) < 0)
		die("PTRACE_SETOPTIONS");
	if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0)
		die("PTRACE_SYSCALL");

	for (;;) {
		int sig = 0;

		if (waitpid(pid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			die("waitpid");
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info info;

			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) < 0)
				die("PTRACE_GET_SYSCALL_INFO");
			if (counting && info.op == PTRACE_SYSCALL_INFO_ENTRY) {
				step++;
				if (trace)
					fprintf(out, "step %lu %s\n", step, syscall_name(info.entry.nr));
				if (step == kill_at) {
					/* The call has not run yet: SIGKILL ends the process before it does. */
					fprintf(out, "killed %lu %s\n", step, syscall_name(info.entry.nr));
					fflush(out);
					kill(pid, SIGKILL);
				}
			}
		} else if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
			counting = true;
		} else if (WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st); /* a signal for the command: deliver it */
		}
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
			die("PTRACE_SYSCALL");
	}
	if (!(kill_at && step >= kill_at))
		fprintf(out, "syscalls %lu\n", step);
	if (out != stderr && fclose(out) != 0)
		die(out_path);
	return exit_status(st);
}
