/* Where the hook's messages go: the journal (native protocol, with fields a reader filters on),
 * syslog, stderr, or an append-only file. A sink that is missing or fails hands over to the next
 * one (file -> journal -> syslog -> stderr) and says so there once: no line is dropped without a
 * word. Failures are always written to stderr as well, so the runtime shows them to the user. */
#ifndef SRIOV_HOOK_LOG_H
#define SRIOV_HOOK_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "sriov-hook/core/error.h"

#define SH_LOG_JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SH_LOG_SYSLOG_SOCKET "/dev/log"
/* A container name longer than this is not logged. */
#define SH_LOG_NAME_MAX 255

/* target: "auto" or NULL (the journal when its socket is there, else syslog, else stderr, without
 * a word about what is absent), "journal" or "journal:SOCKET" (a journald namespace's, say),
 * "syslog" or "syslog:SOCKET", "stderr", or an absolute path (a file appended to, never waited
 * on). Never fails for a sink that is not there (the next one takes over, and says why); -EINVAL
 * for a target that is none of these. */
int sh_log_open(const char *target, struct sh_error *err);
/* Whether target is one sh_log_open takes (the configuration's "log"). */
bool sh_log_target_valid(const char *target);
/* Who the lines are about: the container's id (NULL: not known yet, "-" in the prefix), its name
 * (NULL: the runtime gave none) and the stage. Lines read "<id> (<name>): <stage>: <msg>"; the
 * journal also gets CONTAINER_ID (12 characters), CONTAINER_ID_FULL, CONTAINER_NAME and
 * SRIOV_STAGE. */
void sh_log_set_container(const char *id, const char *name, const char *stage);
/* The container's name alone, when it is learnt later (poststop: from the claim record). */
void sh_log_set_name(const char *name);
/* The VF the next lines are about (SRIOV_PF, SRIOV_VF_PCI in the journal); NULL, NULL: none. */
void sh_log_set_vf(const char *pf, const char *vf_pci);
/* A plain prefix without fields, for callers with no container (tools, tests). */
void sh_log_set_prefix(const char *prefix);
void sh_log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure: one line on stderr ("sriov-hook: <prefix>: <msg>") and in the log. Here and in
 * sh_log_msg, control characters in the message are written as \xNN, so a line stays one line. */
void sh_log_failure(const char *msg);
void sh_log_close(void);
/* The sockets "auto" and the fallbacks use (NULL: the system's, as above). For tests. */
void sh_log_set_system_sockets(const char *journal, const char *syslog);

#endif
