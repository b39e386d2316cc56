/* sriovctl attach and detach: their command lines, the container they name (a pid, a network
 * namespace, or an id the claim store or a runtime state directory knows) resolved to an id and an
 * init process, then hook/live.h's createRuntime or poststop path. */
#ifndef SRIOV_HOOK_CTL_LIVE_H
#define SRIOV_HOOK_CTL_LIVE_H

#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"

/* runc's state directory, where `CONTAINER` is looked up when the claim store does not know it. */
#define SH_RUNC_ROOT "/run/runc"

/* sriovctl attach ARGS: one line on out for the VF attached. */
int sh_ctl_attach(const struct sh_config *cfg, char **args, int n, FILE *out, struct sh_error *err);
/* sriovctl detach ARGS: one line on out per VF given back. */
int sh_ctl_detach(const struct sh_config *cfg, char **args, int n, FILE *out, struct sh_error *err);

/* ---- for the tests */

/* The container a command line names: id (SH_ID_MAX + 1 bytes) and init pid (0 unknown). */
struct sh_live_target {
	char id[SH_ID_MAX + 1];
	int pid;
	const char *netns; /* --netns PATH, else NULL */
};
/* The id of the runc container whose init is pid, under root: 0, or -ENOENT. */
int sh_runc_id_of_pid(const char *root, int pid, char id[SH_ID_MAX + 1]);
/* The init pid runc's root/<id>/state.json names: 0, or -ENOENT / -EINVAL. */
int sh_runc_pid_of_id(const char *root, const char *id, int *pid);

#endif
