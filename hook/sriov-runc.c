/* sriov-runc: a runtime for docker's daemon.json "runtimes" that adds sriov-hook to the bundle of a
 * container asking for SR-IOV, then becomes the real runc. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/config.h"
#include "sriov-hook/error.h"
#include "sriov-hook/wrapper.h"

static int fail(const struct sh_error *err)
{
	fprintf(stderr, "sriov-runc: %s\n", err->msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct sh_runc_cmdline cl;
	struct sh_error err = {0};
	struct sh_config cfg;
	char hook_config[PATH_MAX], runc[PATH_MAX];
	const char *config;
	bool changed;

	if (sh_wrapper_parse_cmdline(argc, argv, &cl, &err) < 0)
		return fail(&err);
	if (sh_wrapper_config_path(&cl, &config, hook_config, &err) < 0 || sh_config_load(config, &cfg, &err) < 0 ||
	    sh_wrapper_find_runc(&cfg, runc, &err) < 0)
		return fail(&err);

	if (sh_wrapper_is_create(&cl)) {
		struct sh_hook_ref hook = {.path = NULL, .config = hook_config};

		if (sh_wrapper_prepare_bundle(cl.bundle, &cfg, &hook, &changed, &err) < 0)
			return fail(&err);
	}
	sh_config_free(&cfg);

	execv(runc, cl.argv);
	sh_err_errno(&err, errno, "exec %s", runc);
	return fail(&err);
}
