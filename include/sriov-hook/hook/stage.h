/* One hook run, from its inputs to its end: the OCI state, the configuration and (createRuntime)
 * the bundle are read and validated into a struct sh_ctx, the sandbox goes up, then the stage
 * attaches or detaches. hook/sriov-hook.c only parses its command line: the stage, the
 * configuration file and, for a CDI device's hook, the VF its arguments name. */
#ifndef SRIOV_HOOK_STAGE_H
#define SRIOV_HOOK_STAGE_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach.h"
#include "sriov-hook/hook/cmdline.h"
#include "sriov-hook/hook/detach.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/input/oci.h"
#include "sriov-hook/input/request.h"

/* The OCI state on stdin is small (id, pid, bundle, annotations): more is refused. */
#define SH_STATE_MAX_BYTES (1u << 20)

/* A run's inputs, read and validated. ctx points into the other members: never copy the struct. */
struct sh_stage_input {
	enum sh_stage stage;
	/* The VF this run's arguments name (a CDI device's hook), NULL when the annotations say. */
	const struct sh_vf_request *device;
	/* This program, to tell its entries among config.json's hooks (NULL: /proc/self/exe). */
	const char *self;
	/* sriov-runc before runc create: the container has no process nor namespace yet. */
	bool wrapper;
	struct sh_config cfg;
	struct sh_state state;
	struct sh_spec spec;   /* createRuntime only */
	struct sh_request req; /* createRuntime only; poststop finds its VFs in the claim store */
	struct sh_ctx ctx;
};

/* Reads the OCI state from fd (at most SH_STATE_MAX_BYTES) and parses it into st. */
int sh_stage_read_state(int fd, struct sh_state *st, struct sh_error *err);
/* With in->stage, in->device, in->state and in->cfg in place: for createRuntime, the bundle's
 * config.json, the request (the container's devices and annotations, pools applied, the VFs of
 * other runs marked elsewhere) and, when this run has a VF to attach, the namespace to move it
 * into; for both stages the container's name. Reads files, changes nothing. */
int sh_stage_prepare(struct sh_stage_input *in, struct sh_error *err);
/* The VFs the container's CDI devices name, in the order of its createRuntime hooks: the entries
 * of spec that run the program self (the same file) with a VF in their arguments (slot 0, 1, ...).
 * own (this run's VF, or NULL): when no entry names it (the hook run by hand), it is the last. */
int sh_stage_devices(const struct sh_spec *spec, const char *self, const struct sh_vf_request *own,
		     struct sh_vf_request *out, size_t max, size_t *n, struct sh_error *err);
void sh_stage_input_free(struct sh_stage_input *in);

/* The container's name as the runtime put it into the annotations (CRI-O, containerd's CRI,
 * nerdctl; podman 4.3 and docker 20.10 give none), NULL when there is none or it is unusable. */
const char *sh_stage_container_name(const struct sh_annotations *a);

/* The whole run: state from state_fd, configuration from config (NULL: the default file), device
 * the VF the hook's arguments name (NULL: none), log opened as configured (the system's until
 * then), inputs prepared, sandbox, then attach or detach. On failure err holds the message, and it
 * has been logged: one line "sriov-hook: <id> (<name>): <stage>: <message>" on stderr (id "-"
 * while the state is not read yet; " (<name>)" only where the runtime gives a name) and in the
 * log. */
int sh_stage_run(enum sh_stage stage, const char *config, const struct sh_vf_request *device, int state_fd,
		 struct sh_error *err);

#endif
