/* sriov-hook: the OCI runtime hook's command line. The run itself (state on stdin, configuration,
 * bundle, sandbox, attach at createRuntime or release at poststop) is sh_stage_run's. */
#include <stdio.h>
#include <unistd.h>

#include "sriov-hook/hook/cmdline.h"
#include "sriov-hook/hook/stage.h"
#include "sriov-hook/input/config.h"

static void usage(FILE *out)
{
	fprintf(out, "Usage: sriov-hook [--config FILE] [--pf PF --vf VF | --pool POOL] createRuntime|poststop\n"
		     "       sriov-hook --version | --help\n\n"
		     "An OCI runtime hook that moves an SR-IOV VF into the container's network namespace at\n"
		     "createRuntime and gives it back at poststop; the OCI state comes on stdin. A CDI device's\n"
		     "hook names its VF with --pf/--vf or --pool (sriovctl cdi generate writes them): each such\n"
		     "run attaches, and at poststop releases, that device's VF only. Without them the container\n"
		     "asks through annotations. A container's CDI devices take the slots of the annotations in\n"
		     "the order of their hooks: io.sriov.<key> applies to the first device, io.sriov.<N>.<key>\n"
		     "to device N (from 0), and the slots after them ask for VFs of their own.\n\n");
	sh_cmdline_help(out);
	fputc('\n', out);
	sh_request_help(out);
}

int main(int argc, char **argv)
{
	struct sh_error err = {0};
	struct sh_cmdline cmd;

	if (sh_cmdline_parse(argc, argv, &cmd, &err) < 0) {
		fprintf(stderr, "sriov-hook: %s (see sriov-hook --help)\n", err.msg);
		return 2;
	}
	if (cmd.help) {
		usage(stdout);
		return 0;
	}
	if (cmd.version) {
		printf("sriov-hook %s\n", SRIOV_HOOK_VERSION);
		return 0;
	}
	/* sh_stage_run has said why, on stderr and in the configured log. */
	return sh_stage_run(cmd.stage, cmd.config, cmd.has_device ? &cmd.device : NULL, STDIN_FILENO, &err) < 0 ? 1 : 0;
}
