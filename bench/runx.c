/* The bench's stopwatch: starts N copies of a command at once (each with its own stdin file and the
 * environment a runtime or a CNI caller would give it) and prints each one's wall time, measured from
 * just before fork() to its reaping, so shell overhead stays out of the numbers.
 *
 *   runx [-n N] [-i FILE] [-o FILE] [-E] [-e VAR=VAL]... [-w PATH -W IFNAME] -- CMD ARG...
 *
 *   -n N       start N copies together (default 1); "%d" in -i FILE and in ARGs becomes the copy's index
 *   -i FILE    stdin of each copy (default /dev/null)
 *   -o FILE    stdout and stderr of every copy are appended there (default /dev/null)
 *   -E         start from an empty environment (runc gives a hook only hook.env, often nothing)
 *   -e VAR=VAL add to the environment
 *   -w PATH -W IFNAME  also report "claimable <us>": the time from the start until PATH is absent and
 *              the netdev IFNAME exists in runx's namespace (polled every 100 us)
 *
 * Output: one "<index> <exit status> <microseconds>" line per copy, then "wall <us>" for the batch,
 * then "claimable <us>" (-1 when it never happened) with -w/-W. Exit status: 0 when every copy
 * exited 0, else 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES 256
#define MAX_ENV 64

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* "%d" in s replaced by i; other text copied as is. */
static char *subst(const char *s, int i)
{
	const char *p = strstr(s, "%d");
	char *out;

	if (!p)
		return strdup(s);
	if (asprintf(&out, "%.*s%d%s", (int)(p - s), s, i, p + 2) < 0)
		return NULL;
	return out;
}

static void usage(void)
{
	fprintf(stderr, "usage: runx [-n N] [-i FILE] [-o FILE] [-E] [-e VAR=VAL]... [-w PATH -W IFNAME] "
			"-- CMD ARG...\n");
	exit(2);
}

static bool claimable(const char *path, const char *ifname)
{
	struct stat st;

	return stat(path, &st) < 0 && errno == ENOENT && if_nametoindex(ifname) > 0;
}

int main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null", *wpath = NULL, *wif = NULL;
	char *env[MAX_ENV + 1];
	int n = 1, nenv = 0, opt;
	bool empty_env = false;
	extern char **environ;

	while ((opt = getopt(argc, argv, "+n:i:o:Ee:w:W:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			if (n < 1 || n > MAX_COPIES)
				usage();
			break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'E': empty_env = true; break;
		case 'e':
			if (nenv == MAX_ENV)
				usage();
			env[nenv++] = optarg;
			break;
		case 'w': wpath = optarg; break;
		case 'W': wif = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || (!wpath) != (!wif))
		usage();
	env[nenv] = NULL;

	if (!empty_env) {
		for (int k = 0; k < nenv; k++)
			putenv(env[k]);
	}
	char **child_env = empty_env ? env : environ;

	int nargs = argc - optind;
	pid_t pids[MAX_COPIES];
	long long start[MAX_COPIES], end[MAX_COPIES];
	int status[MAX_COPIES];
	char **args[MAX_COPIES];
	char *ins[MAX_COPIES];

	/* Everything a copy needs is prepared before the clock starts. */
	for (int i = 0; i < n; i++) {
		args[i] = calloc((size_t)nargs + 1, sizeof(char *));
		for (int k = 0; k < nargs; k++)
			args[i][k] = subst(argv[optind + k], i);
		ins[i] = subst(in, i);
	}
	int outfd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (outfd < 0) {
		perror(out);
		return 2;
	}
	int infd[MAX_COPIES];
	for (int i = 0; i < n; i++) {
		infd[i] = open(ins[i], O_RDONLY | O_CLOEXEC);
		if (infd[i] < 0) {
			perror(ins[i]);
			return 2;
		}
	}

	long long t0 = now_us();
	for (int i = 0; i < n; i++) {
		start[i] = now_us();
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
		if (pids[i] == 0) {
			dup2(infd[i], 0);
			dup2(outfd, 1);
			dup2(outfd, 2);
			execve(args[i][0], args[i], child_env);
			dprintf(2, "runx: %s: %s\n", args[i][0], strerror(errno));
			_exit(127);
		}
	}

	long long claim_at = -1;
	bool watching = wpath != NULL;
	int left = n;
	while (left > 0 || watching) {
		int st;
		pid_t p;

		if (watching) {
			if (claimable(wpath, wif)) {
				claim_at = now_us() - t0;
				watching = false;
			} else if (now_us() - t0 > 10 * 1000000LL) {
				watching = false;
			}
		}
		p = left > 0 ? waitpid(-1, &st, watching ? WNOHANG : 0) : 0;
		if (p < 0) {
			if (errno == EINTR)
				continue;
			perror("waitpid");
			return 2;
		} else if (p > 0) {
			long long t = now_us();
			for (int i = 0; i < n; i++) {
				if (pids[i] == p) {
					end[i] = t;
					status[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
					left--;
				}
			}
		} else if (watching) {
			struct timespec ts = { 0, 100000 };
			nanosleep(&ts, NULL);
		}
	}
	long long wall = 0;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		printf("%d %d %lld\n", i, status[i], end[i] - start[i]);
		if (end[i] - t0 > wall)
			wall = end[i] - t0;
		if (status[i] != 0)
			rc = 1;
	}
	printf("wall %lld\n", wall);
	if (wpath)
		printf("claimable %lld\n", claim_at);
	return rc;
}
