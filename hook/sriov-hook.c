/* sriov-hook: the OCI runtime hook's command line. The run itself (state on stdin, configuration,
 * bundle, sandbox, attach at createRuntime or release at poststop) is sh_stage_run's. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "sriov-hook/config.h"
#include "sriov-hook/stage.h"

static void usage(FILE *out)
{
	fprintf(out, "Usage: sriov-hook [--config FILE] createRuntime|poststop   (OCI state JSON on stdin)\n"
		     "       sriov-hook --version | --help\n\n"
		     "An OCI runtime hook that moves an SR-IOV VF into the container's network namespace at\n"
		     "createRuntime and gives it back at poststop. The container asks through annotations:\n"
		     "io.sriov.pf, io.sriov.vf (index, auto or PCI address), io.sriov.ifname, io.sriov.mac,\n"
		     "io.sriov.vlan, io.sriov.qos, io.sriov.vlan_proto, io.sriov.spoofchk, io.sriov.trust,\n"
		     "io.sriov.link_state, io.sriov.min_tx_rate, io.sriov.max_tx_rate, io.sriov.mtu,\n"
		     "io.sriov.ip, io.sriov.gateway; io.sriov.<N>.<key> (N = 1..7) for more VFs.\n\n"
		     "  --config FILE  configuration (default " SH_DEFAULT_CONFIG ")\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sh_error err = {0};
	const char *config = NULL;
	enum sh_stage stage;
	int c;

	opterr = 0; /* one line of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'V':
			printf("sriov-hook %s\n", SRIOV_HOOK_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "sriov-hook: %s: unknown option or missing value (see sriov-hook --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sriov-hook: expected one stage argument (createRuntime or poststop)\n");
		return 2;
	}
	if (!sh_stage_from_name(argv[optind], &stage)) {
		fprintf(stderr, "sriov-hook: unknown stage \"%s\" (expected createRuntime or poststop)\n",
			argv[optind]);
		return 2;
	}
	/* sh_stage_run has said why, on stderr and in the configured log. */
	return sh_stage_run(stage, config, STDIN_FILENO, &err) < 0 ? 1 : 0;
}
