/* Logging: one sink chosen by the config (syslog, stderr or a file), plus stderr for failures so
 * the runtime can show them. Lines carry the container id and stage as their prefix. */
#include "sriov-hook/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum sink { SINK_SYSLOG, SINK_STDERR, SINK_FILE };

static enum sink log_sink = SINK_STDERR;
static int log_fd = -1;
static char log_prefix[512];

int sh_log_open(const char *target, struct sh_error *err)
{
	if (!target || !strcmp(target, "syslog")) {
		openlog("sriov-hook", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_sink = SINK_SYSLOG;
		return 0;
	}
	if (!strcmp(target, "stderr")) {
		log_sink = SINK_STDERR;
		return 0;
	}
	/* Non-blocking: a FIFO without a reader fails here, a full one drops a line; the hook never
	 * waits on its log. */
	log_fd = open(target, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
	if (log_fd < 0)
		return sh_err_errno(err, errno, "open log %s", target);
	log_sink = SINK_FILE;
	return 0;
}

void sh_log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix ? prefix : "");
}

/* msg with control characters written as \xNN: a value quoted from the input (an annotation with
 * a newline, an id with an escape sequence) must not split the one line or reach a terminal. */
static const char *one_line(const char *msg, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *msg && o + 5 < len; msg++) {
		unsigned char c = (unsigned char)*msg;

		if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

static void log_line(int priority, const char *raw)
{
	char line[2048], stamp[32], msg[1600];
	struct timespec ts;
	struct tm tm;
	int n;

	one_line(raw, msg, sizeof(msg));
	switch (log_sink) {
	case SINK_SYSLOG:
		syslog(priority, "%s%s%s", log_prefix, *log_prefix ? ": " : "", msg);
		break;
	case SINK_STDERR:
		fprintf(stderr, "sriov-hook: %s%s%s\n", log_prefix, *log_prefix ? ": " : "", msg);
		break;
	case SINK_FILE:
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ldZ sriov-hook[%d]: %s%s%s\n", stamp, ts.tv_nsec / 1000000,
			     (int)getpid(), log_prefix, *log_prefix ? ": " : "", msg);
		if (n > (int)sizeof(line) - 1) {
			n = sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		/* One write() per line so concurrent hooks do not interleave. */
		if (write(log_fd, line, n) < 0)
			break;
		break;
	}
}

void sh_log_msg(int priority, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(priority, msg);
}

void sh_log_failure(const char *msg)
{
	char safe[1600];

	if (log_sink != SINK_STDERR)
		log_line(LOG_ERR, msg);
	fprintf(stderr, "sriov-hook: %s%s%s\n", log_prefix, *log_prefix ? ": " : "", one_line(msg, safe, sizeof(safe)));
}

void sh_log_close(void)
{
	if (log_sink == SINK_SYSLOG)
		closelog();
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}
