/* One hook run, from its inputs to its end: the OCI state, the configuration and (createRuntime)
 * the bundle are read and validated into a struct sh_ctx, the sandbox goes up, then the stage
 * attaches or detaches. hook/sriov-hook.c only picks the stage and the configuration file. */
#ifndef SRIOV_HOOK_STAGE_H
#define SRIOV_HOOK_STAGE_H

#include <stdbool.h>

#include "sriov-hook/attach.h"
#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/oci.h"
#include "sriov-hook/request.h"

enum sh_stage { SH_STAGE_CREATE_RUNTIME, SH_STAGE_POSTSTOP };

/* The OCI state on stdin is small (id, pid, bundle, annotations): more is refused. */
#define SH_STATE_MAX_BYTES (1u << 20)

/* As the OCI hooks spell them: "createRuntime", "poststop". */
const char *sh_stage_name(enum sh_stage stage);
/* The stage named s; false when s names none. */
bool sh_stage_from_name(const char *s, enum sh_stage *stage);

/* A run's inputs, read and validated. ctx points into the other members: never copy the struct. */
struct sh_stage_input {
	enum sh_stage stage;
	struct sh_config cfg;
	struct sh_state state;
	struct sh_spec spec;   /* createRuntime only */
	struct sh_request req; /* createRuntime only; poststop finds its VFs in the claim store */
	struct sh_ctx ctx;
};

/* Reads the OCI state from fd (at most SH_STATE_MAX_BYTES) and parses it into st. */
int sh_stage_read_state(int fd, struct sh_state *st, struct sh_error *err);
/* With in->stage, in->state and in->cfg in place: for createRuntime, the bundle's config.json, the
 * request and, when the request asks for a VF, the namespace to move it into; for both stages the
 * container's name. Reads files, changes nothing. */
int sh_stage_prepare(struct sh_stage_input *in, struct sh_error *err);
void sh_stage_input_free(struct sh_stage_input *in);

/* The container's name as the runtime put it into the annotations (CRI-O, containerd's CRI,
 * nerdctl; podman 4.3 and docker 20.10 give none), NULL when there is none or it is unusable. */
const char *sh_stage_container_name(const struct sh_annotations *a);

/* The whole run: state from state_fd, configuration from config (NULL: the default file), log
 * opened as configured (the system's until then), inputs prepared, sandbox, then attach or
 * detach. On failure err holds the message, and it has been logged: one line
 * "sriov-hook: <id> (<name>): <stage>: <message>" on stderr (id "-" while the state is not read
 * yet; " (<name>)" only where the runtime gives a name) and in the log. */
int sh_stage_run(enum sh_stage stage, const char *config, int state_fd, struct sh_error *err);

#endif
