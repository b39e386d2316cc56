/* Fuzzes the OCI state a runtime writes on the hook's stdin (sh_oci_state_parse), and what podman
 * carries in it: its annotations, turned into a request. */
#include "fuzz.h"
#include "sriov-hook/input/oci.h"
#include "sriov-hook/input/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct sh_error err = {0};
	struct sh_state st;
	struct sh_request req;
	int r;

	r = sh_oci_state_parse(json, &st, &err);
	fuzz_check_err("sh_oci_state_parse", r, &err);
	if (r == 0) {
		/* What it accepts is safe to use as a file name under state_dir. */
		struct sh_error e2 = {0};

		if (sh_container_id_validate(st.id, &e2) < 0 || !st.bundle || st.bundle[0] != '/' || st.pid < 0)
			abort();
		if (st.has_annotations) {
			memset(&err, 0, sizeof(err));
			r = sh_request_from_annotations(&st.annotations, &req, &err);
			fuzz_check_err("sh_request_from_annotations", r, &err);
			if (r == 0 && req.n > SH_MAX_VFS)
				abort();
		}
		sh_oci_state_free(&st);
	}
	free(json);
	return 0;
}
