/* The hook's command line, for main() and for reading the hooks of config.json: which stage, which
 * configuration file and, for a CDI device's hook, which VF (--pf/--vf or --pool, named as the
 * annotations name them). */
#ifndef SRIOV_HOOK_CMDLINE_H
#define SRIOV_HOOK_CMDLINE_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/request.h"

enum sh_stage { SH_STAGE_CREATE_RUNTIME, SH_STAGE_POSTSTOP };

/* As the OCI hooks spell them: "createRuntime", "poststop". */
const char *sh_stage_name(enum sh_stage stage);
/* The stage named s; false when s names none. */
bool sh_stage_from_name(const char *s, enum sh_stage *stage);

struct sh_cmdline {
	const char *config; /* --config FILE (a pointer into argv), NULL: the default */
	bool help, version;
	bool has_stage;
	enum sh_stage stage;
	/* --pf, --vf, --pool: the VF of a CDI device's hook. Without them the container's
	 * annotations say which VFs it wants. */
	bool has_device;
	struct sh_vf_request device;
};

/* Parses argv[1..argc-1] (argv[0] is the program's name). Options come before or after the stage,
 * as "--opt value" or "--opt=value". -EINVAL with a message that names the argument; --help and
 * --version need no stage. */
int sh_cmdline_parse(int argc, char *const argv[], struct sh_cmdline *out, struct sh_error *err);
/* The options, for --help. */
void sh_cmdline_help(FILE *out);

#endif
