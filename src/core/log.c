/* Logging: one sink at a time, the journal (its native protocol, with fields), syslog, stderr or a
 * file, and a fallback down that list whenever a sink is missing or a line cannot be sent, said
 * once on the next sink, so that no line is dropped without a word. Failures also go to stderr,
 * where the runtime shows them. Lines name the container (id, name when the runtime gives one)
 * and the stage. */
#include "sriov-hook/core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/core/types.h"

/* A message with each control character written as \xNN (four times as long at worst), so that no
 * error (SH_ERR_MAX) is ever cut on its way out. */
#define MSG_LEN (SH_ERR_MAX * 4 + 8)
/* A line: the prefix, the message (or a note naming a path). */
#define LINE_LEN (MSG_LEN + 1024)

enum sink { SINK_JOURNAL, SINK_SYSLOG, SINK_STDERR, SINK_FILE };

static const char *const sink_names[] = {
	[SINK_JOURNAL] = "the journal",
	[SINK_SYSLOG] = "syslog",
	[SINK_STDERR] = "stderr",
	[SINK_FILE] = "the file",
};

/* The system's sockets; tests point them elsewhere (sh_log_set_system_sockets). */
static char journal_socket[sizeof(((struct sockaddr_un *)0)->sun_path)] = SH_LOG_JOURNAL_SOCKET;
static char syslog_socket[sizeof(((struct sockaddr_un *)0)->sun_path)] = SH_LOG_SYSLOG_SOCKET;

static struct {
	enum sink sink;
	int fd;			   /* the socket or file of the sink; -1 for stderr */
	char path[PATH_MAX];	   /* its socket or file, for messages */
	bool stream;		   /* syslog over a SOCK_STREAM socket */
	char note[PATH_MAX + 256]; /* why the sink changed, said before the next line; "" when said */
	char prefix[640];	   /* "<id> (<name>): <stage>" */
	char id[256], name[SH_LOG_NAME_MAX + 1], stage[32], pf[64], vf_pci[64];
} L = {.sink = SINK_STDERR, .fd = -1};

/* A file falls back to the system's log, which falls back down to stderr. */
static enum sink next_sink(enum sink sink)
{
	return sink == SINK_FILE ? SINK_JOURNAL : sink == SINK_JOURNAL ? SINK_SYSLOG : SINK_STDERR;
}

static void close_sink(void)
{
	if (L.fd >= 0)
		close(L.fd);
	L.fd = -1;
}

/* A non-blocking datagram (or, for syslog, stream) socket connected to path: the hook never waits
 * on its log. A negative errno when there is nobody there. */
static int connect_unix(const char *path, bool allow_stream, bool *stream)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int type = SOCK_DGRAM, fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			if (stream)
				*stream = type == SOCK_STREAM;
			return fd;
		}
		r = -errno;
		close(fd);
		/* A syslog daemon may listen on a stream socket (syslog-ng, some rsyslogs), as glibc knows. */
		if (r != -EPROTOTYPE || !allow_stream || type == SOCK_STREAM)
			return r;
		type = SOCK_STREAM;
	}
}

/* Opens sink (path NULL: the system's socket) or the first one down the list that works: a file,
 * the journal, syslog, stderr. A sink that cannot be opened is noted (the note goes out before the
 * next line), unless it is merely absent and quiet_if_absent is set (auto: a host without a
 * journal is no news). */
static void open_sink(enum sink sink, const char *path, bool quiet_if_absent)
{
	int fd;

	close_sink();
	for (;;) {
		const char *p = path;

		L.sink = sink;
		L.stream = false;
		switch (sink) {
		case SINK_JOURNAL:
		case SINK_SYSLOG:
			if (!p)
				p = sink == SINK_JOURNAL ? journal_socket : syslog_socket;
			fd = connect_unix(p, sink == SINK_SYSLOG, &L.stream);
			break;
		case SINK_FILE:
			/* Non-blocking: a FIFO without a reader fails here, a full one fails a write. */
			fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
			if (fd < 0)
				fd = -errno;
			break;
		default:
			snprintf(L.path, sizeof(L.path), "stderr");
			return;
		}
		snprintf(L.path, sizeof(L.path), "%s", p);
		if (fd >= 0) {
			L.fd = fd;
			return;
		}
		if (!(quiet_if_absent && fd == -ENOENT) && !L.note[0])
			snprintf(L.note, sizeof(L.note), "log: %s (%s) is not available: %s", sink_names[sink], L.path,
				 strerror(-fd));
		sink = next_sink(sink);
		path = NULL;
	}
}

int sh_log_open(const char *target, struct sh_error *err)
{
	const char *colon;

	close_sink();
	L.note[0] = '\0';
	if (target && !sh_log_target_valid(target)) {
		open_sink(SINK_STDERR, NULL, false);
		return sh_err(err, EINVAL,
			      "log target \"%s\" is not auto, journal[:SOCKET], syslog[:SOCKET], stderr or a path",
			      target);
	}
	colon = target ? strchr(target, ':') : NULL;
	if (!target || !strcmp(target, "auto"))
		open_sink(SINK_JOURNAL, NULL, true);
	else if (target[0] == '/')
		open_sink(SINK_FILE, target, false);
	else if (!strncmp(target, "journal", strlen("journal")))
		open_sink(SINK_JOURNAL, colon ? colon + 1 : NULL, false);
	else if (!strncmp(target, "syslog", strlen("syslog")))
		open_sink(SINK_SYSLOG, colon ? colon + 1 : NULL, false);
	else
		open_sink(SINK_STDERR, NULL, false);
	return 0;
}

bool sh_log_target_valid(const char *target)
{
	const char *colon = strchr(target, ':');

	if (target[0] == '/')
		return true;
	if (!colon)
		return !strcmp(target, "auto") || !strcmp(target, "journal") || !strcmp(target, "syslog") ||
		       !strcmp(target, "stderr");
	/* journal:/run/systemd/journal.<namespace>/socket, syslog:/dev/log */
	return colon[1] == '/' && strlen(colon + 1) < sizeof(journal_socket) &&
	       ((colon - target == 7 && !strncmp(target, "journal", 7)) ||
		(colon - target == 6 && !strncmp(target, "syslog", 6)));
}

void sh_log_set_system_sockets(const char *journal, const char *syslog)
{
	snprintf(journal_socket, sizeof(journal_socket), "%s", journal ? journal : SH_LOG_JOURNAL_SOCKET);
	snprintf(syslog_socket, sizeof(syslog_socket), "%s", syslog ? syslog : SH_LOG_SYSLOG_SOCKET);
}

void sh_log_set_prefix(const char *prefix)
{
	L.id[0] = L.name[0] = L.stage[0] = '\0';
	snprintf(L.prefix, sizeof(L.prefix), "%s", prefix ? prefix : "");
}

void sh_log_set_container(const char *id, const char *name, const char *stage)
{
	snprintf(L.id, sizeof(L.id), "%s", id ? id : "");
	snprintf(L.name, sizeof(L.name), "%s", id && name ? name : "");
	snprintf(L.stage, sizeof(L.stage), "%s", stage ? stage : "");
	/* "<id> (<name>): <stage>"; before the state names the container, "-" where the id goes */
	snprintf(L.prefix, sizeof(L.prefix), "%s%s%s%s%s%s", L.id[0] ? L.id : "-", L.name[0] ? " (" : "", L.name,
		 L.name[0] ? ")" : "", L.stage[0] ? ": " : "", L.stage);
}

void sh_log_set_name(const char *name)
{
	char id[sizeof(L.id)], stage[sizeof(L.stage)];

	memcpy(id, L.id, sizeof(id));
	memcpy(stage, L.stage, sizeof(stage));
	sh_log_set_container(id[0] ? id : NULL, name, stage[0] ? stage : NULL);
}

void sh_log_set_vf(const char *pf, const char *vf_pci)
{
	snprintf(L.pf, sizeof(L.pf), "%s", pf ? pf : "");
	snprintf(L.vf_pci, sizeof(L.vf_pci), "%s", vf_pci ? vf_pci : "");
}

/* msg with control characters written as \xNN: a value quoted from the input (an annotation with
 * a newline, an id with an escape sequence) must not split the one line or reach a terminal. */
static const char *one_line(const char *msg, char *out, size_t len)
{
	return sh_text_escape(msg, out, len);
}

/* "<prefix>: <msg>", or msg alone without a prefix. */
static int with_prefix(char *out, size_t len, const char *msg)
{
	int n = snprintf(out, len, "%s%s%s", L.prefix, L.prefix[0] ? ": " : "", msg);

	return n < (int)len ? n : (int)len - 1;
}

/* One field of a native journal entry into iov (at most 4 entries): NAME=value\n, or, for a
 * value with a newline, NAME\n, its length as 64-bit little endian, the value, \n. */
static size_t journal_field(struct iovec *iov, const char *name_eq, const char *value, uint64_t *len_le)
{
	size_t n = 0, vlen = strlen(value);
	uint64_t v = vlen;

	if (!memchr(value, '\n', vlen)) {
		iov[n++] = (struct iovec){(void *)name_eq, strlen(name_eq)};
		iov[n++] = (struct iovec){(void *)value, vlen};
		iov[n++] = (struct iovec){"\n", 1};
		return n;
	}
	for (size_t i = 0; i < 8; i++)
		((unsigned char *)len_le)[i] = (unsigned char)(v >> (8 * i));
	iov[n++] = (struct iovec){(void *)name_eq, strlen(name_eq) - 1};
	iov[n++] = (struct iovec){"\n", 1};
	iov[n++] = (struct iovec){len_le, 8};
	iov[n++] = (struct iovec){(void *)value, vlen};
	iov[n++] = (struct iovec){"\n", 1};
	return n;
}

/* One entry in one datagram (systemd.io/JOURNAL_NATIVE_PROTOCOL): the message and the fields a
 * reader filters on. CONTAINER_ID(_FULL) and CONTAINER_NAME are the names docker's and podman's
 * journald log drivers give a container's own output, so one query finds both. */
static int send_journal(int priority, const char *line)
{
	char prio[4], short_id[13];
	struct {
		const char *name_eq, *value;
	} f[] = {
		{"MESSAGE=", line},
		{"PRIORITY=", prio},
		{"SYSLOG_IDENTIFIER=", "sriov-hook"},
		{"SYSLOG_FACILITY=", "3"}, /* daemon, as the syslog sink */
		{"CONTAINER_ID=", L.id[0] ? short_id : NULL},
		{"CONTAINER_ID_FULL=", L.id[0] ? L.id : NULL},
		{"CONTAINER_NAME=", L.name[0] ? L.name : NULL},
		{"SRIOV_STAGE=", L.stage[0] ? L.stage : NULL},
		{"SRIOV_PF=", L.pf[0] ? L.pf : NULL},
		{"SRIOV_VF_PCI=", L.vf_pci[0] ? L.vf_pci : NULL},
	};
	struct iovec iov[SH_ARRAY_SIZE(f) * 5];
	uint64_t lens[SH_ARRAY_SIZE(f)];
	struct msghdr mh = {.msg_iov = iov};
	size_t i;

	snprintf(prio, sizeof(prio), "%d", priority & 7);
	snprintf(short_id, sizeof(short_id), "%.12s", L.id);
	for (i = 0; i < SH_ARRAY_SIZE(f); i++)
		if (f[i].value)
			mh.msg_iovlen += journal_field(iov + mh.msg_iovlen, f[i].name_eq, f[i].value, &lens[i]);
	return sendmsg(L.fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* As glibc's syslog() sends it (RFC 3164): <PRI>Mmm dd hh:mm:ss sriov-hook[PID]: line, with a NUL
 * after it on a stream socket. */
static int send_syslog(int priority, const char *line)
{
	char buf[LINE_LEN + 128], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%h %e %T", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s sriov-hook[%d]: %s", LOG_DAEMON | (priority & 7), stamp, (int)getpid(),
		     line);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	return send(L.fd, buf, (size_t)n + (L.stream ? 1 : 0), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int write_file(const char *line)
{
	char buf[LINE_LEN + 128], stamp[32];
	struct timespec ts;
	struct tm tm;
	ssize_t w;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "%s.%03ldZ sriov-hook[%d]: %s\n", stamp, ts.tv_nsec / 1000000, (int)getpid(),
		     line);
	if (n > (int)sizeof(buf) - 1) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	/* One write() per line so concurrent hooks do not interleave. */
	w = write(L.fd, buf, (size_t)n);
	return w < 0 ? -errno : w < n ? -EAGAIN : 0;
}

static void write_stderr(const char *line)
{
	fprintf(stderr, "sriov-hook: %s\n", line);
}

/* Sends one line to the current sink; on failure the sink is left for the next one down, which
 * gets the note saying so, then the line. */
static void emit(int priority, const char *line)
{
	for (;;) {
		int r;

		if (L.note[0]) {
			char note[sizeof(L.note) + 64], note_line[LINE_LEN];

			snprintf(note, sizeof(note), "%s; logging to %s from here on", L.note, sink_names[L.sink]);
			L.note[0] = '\0';
			with_prefix(note_line, sizeof(note_line), note);
			emit(LOG_WARNING, note_line);
		}
		switch (L.sink) {
		case SINK_JOURNAL:
			r = send_journal(priority, line);
			break;
		case SINK_SYSLOG:
			r = send_syslog(priority, line);
			break;
		case SINK_FILE:
			r = write_file(line);
			break;
		default:
			write_stderr(line);
			return;
		}
		if (r == 0)
			return;
		snprintf(L.note, sizeof(L.note), "log: cannot send to %s (%s): %s", sink_names[L.sink], L.path,
			 strerror(-r));
		open_sink(next_sink(L.sink), NULL, false);
	}
}

static void log_line(int priority, const char *raw)
{
	char line[LINE_LEN], msg[MSG_LEN];

	one_line(raw, msg, sizeof(msg));
	with_prefix(line, sizeof(line), msg);
	emit(priority, line);
}

void sh_log_msg(int priority, const char *fmt, ...)
{
	char msg[SH_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(priority, msg);
}

void sh_log_failure(const char *msg)
{
	char safe[MSG_LEN], line[LINE_LEN];

	with_prefix(line, sizeof(line), one_line(msg, safe, sizeof(safe)));
	emit(LOG_ERR, line);
	/* Once on stderr, also when the log is stderr or fell back to it while sending this line. */
	if (L.sink != SINK_STDERR)
		write_stderr(line);
}

void sh_log_close(void)
{
	close_sink();
	L.sink = SINK_STDERR;
	L.note[0] = '\0';
	L.path[0] = '\0';
}
