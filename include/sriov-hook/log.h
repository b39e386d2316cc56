/* Where the hook's messages go: syslog (default), stderr, or an append-only file. Failures are
 * always written to stderr as well, so the runtime shows them to the user. */
#ifndef SRIOV_HOOK_LOG_H
#define SRIOV_HOOK_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "sriov-hook/error.h"

/* target: "syslog", "stderr" or an absolute path (a file appended to, never waited on). */
int sh_log_open(const char *target, struct sh_error *err);
/* prefix: "<id>: <stage>", before each line. */
void sh_log_set_prefix(const char *prefix);
void sh_log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure: one line on stderr ("sriov-hook: <prefix>: <msg>") and in the log. Here and in
 * sh_log_msg, control characters in the message are written as \xNN, so a line stays one line. */
void sh_log_failure(const char *msg);
void sh_log_close(void);

#endif
