/* Fuzzes the bundle's config.json (sh_oci_spec_parse) and the request built from its annotations
 * (sh_request_from_annotations), also with the process environment filling in (env_fallback), and
 * the network namespace choice. */
#include <limits.h>

#include "fuzz.h"
#include "sriov-hook/input/oci.h"
#include "sriov-hook/input/request.h"

static void request(struct sh_annotations *ann)
{
	struct sh_error err = {0};
	struct sh_request req;
	int r = sh_request_from_annotations(ann, &req, &err);

	fuzz_check_err("sh_request_from_annotations", r, &err);
	if (r == 0 && req.n > SH_MAX_VFS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct sh_error err = {0};
	struct sh_spec spec;
	int r;

	r = sh_oci_spec_parse(json, &spec, &err);
	fuzz_check_err("sh_oci_spec_parse", r, &err);
	if (r == 0) {
		struct sh_state st = {.pid = 4242};
		char path[PATH_MAX];

		struct sh_request req;

		request(&spec.annotations);
		memset(&err, 0, sizeof(err));
		r = sh_request_build_with_env(&spec.annotations, spec.env, spec.n_env, NULL, 0, &req, &err);
		fuzz_check_err("sh_request_build_with_env", r, &err);
		if (r == 0 && req.n > SH_MAX_VFS)
			abort();
		memset(&err, 0, sizeof(err));
		r = sh_oci_netns_path(&st, &spec, path, &err);
		fuzz_check_err("sh_oci_netns_path", r, &err);
		if (r == 0 && path[0] != '/')
			abort();
		sh_oci_spec_free(&spec);
	}
	free(json);
	return 0;
}
