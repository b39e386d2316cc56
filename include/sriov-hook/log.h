/* Where the hook's messages go: syslog (default), stderr, or an append-only file. Failures are
 * always written to stderr as well, so the runtime shows them to the user. */
#ifndef SRIOV_HOOK_LOG_H
#define SRIOV_HOOK_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* target: "syslog", "stderr" or an absolute path. prefix: e.g. "<id>: createRuntime". */
int sh_log_open(const char *target);
void sh_log_set_prefix(const char *prefix);
void sh_log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure: one line on stderr ("sriov-hook: <prefix>: <msg>") and in the log. */
void sh_log_failure(const char *msg);
void sh_log_close(void);

#endif
