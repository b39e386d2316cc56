/* sriov-hook: the OCI runtime hook. Reads the state on stdin, the bundle and the configuration,
 * validates them all, enters the sandbox, then attaches (createRuntime) or releases (poststop). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/config.h"
#include "sriov-hook/attach.h"
#include "sriov-hook/json.h"
#include "sriov-hook/log.h"
#include "sriov-hook/oci.h"
#include "sriov-hook/request.h"
#include "sriov-hook/sandbox.h"

#define STATE_MAX_BYTES (1u << 20)

enum stage { STAGE_CREATE_RUNTIME, STAGE_POSTSTOP };

static void usage(FILE *out)
{
	fprintf(out, "Usage: sriov-hook [--config FILE] createRuntime|poststop   (OCI state JSON on stdin)\n"
		     "       sriov-hook --version | --help\n\n"
		     "An OCI runtime hook that moves an SR-IOV VF into the container's network namespace at\n"
		     "createRuntime and gives it back at poststop. The container asks through annotations.\n\n"
		     "  --config FILE  configuration (default " SH_DEFAULT_CONFIG ")\n\n");
	sh_request_help(out);
}

/* Annotations from the state when it carries them (podman), else from config.json (runc); with
 * env_fallback, SRIOV_<KEY> variables fill in the keys they lack. */
static int build_request(const struct sh_config *cfg, struct sh_state *st, struct sh_spec *spec,
			 struct sh_request *req, struct sh_error *err)
{
	struct sh_annotations *ann = st->has_annotations ? &st->annotations : &spec->annotations;
	int r;

	if (cfg->env_fallback && (r = sh_request_env_fallback(ann, spec->env, spec->n_env, err)) < 0)
		return r;
	return sh_request_from_annotations(ann, req, err);
}

static int run(enum stage stage, const char *config, struct sh_error *err)
{
	struct sh_config cfg;
	struct sh_state st;
	struct sh_spec spec = {0};
	struct sh_request req;
	struct sh_ctx ctx = {.cfg = &cfg, .state = &st, .req = &req};
	_cleanup_free_ char *input = NULL;
	char prefix[300];
	int r;

	memset(&st, 0, sizeof(st));
	if ((r = sh_json_read_fd(STDIN_FILENO, STATE_MAX_BYTES, &input, err)) < 0)
		return sh_err_ctx(err, "read OCI state from stdin");
	if ((r = sh_oci_state_parse(input, &st, err)) < 0)
		return r;
	snprintf(prefix, sizeof(prefix), "%s: %s", st.id, stage == STAGE_POSTSTOP ? "poststop" : "createRuntime");
	sh_log_set_prefix(prefix);
	if ((r = sh_config_load(config, &cfg, err)) < 0)
		goto out;
	if ((r = sh_log_open(cfg.log)) < 0) {
		r = sh_err_errno(err, -r, "open log %s", cfg.log);
		goto out;
	}
	if (stage == STAGE_CREATE_RUNTIME) {
		if ((r = sh_oci_spec_load(st.bundle, &spec, err)) < 0 ||
		    (r = build_request(&cfg, &st, &spec, &req, err)) < 0)
			goto out;
		if (req.n > 0 && (r = sh_oci_netns_path(&st, &spec, ctx.netns_path, err)) < 0)
			goto out;
	}
	if ((r = sh_sandbox_install(err)) < 0)
		goto out;
	r = stage == STAGE_CREATE_RUNTIME ? sh_attach(&ctx, err) : sh_detach(&ctx, err);
out:
	sh_oci_spec_free(&spec);
	sh_oci_state_free(&st);
	sh_config_free(&cfg);
	return r;
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
	enum stage stage;
	int c;

	sh_log_set_prefix("-");
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
	if (!strcmp(argv[optind], "createRuntime"))
		stage = STAGE_CREATE_RUNTIME;
	else if (!strcmp(argv[optind], "poststop"))
		stage = STAGE_POSTSTOP;
	else {
		fprintf(stderr, "sriov-hook: unknown stage \"%s\" (expected createRuntime or poststop)\n",
			argv[optind]);
		return 2;
	}
	if (run(stage, config, &err) < 0) {
		sh_log_failure(err.msg);
		sh_log_close();
		return 1;
	}
	sh_log_close();
	return 0;
}
