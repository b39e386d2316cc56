/* Fuzzes the hook's configuration file (sh_config_parse). */
#include "fuzz.h"
#include "sriov-hook/input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct sh_error err = {0};
	struct sh_config cfg;
	int r;

	sh_config_defaults(&cfg);
	r = sh_config_parse(json, &cfg, &err);
	fuzz_check_err("sh_config_parse", r, &err);
	if (r == 0) {
		/* The paths the hook will use are absolute; the allowlist is usable. */
		if (cfg.state_dir[0] != '/' || cfg.sysfs_root[0] != '/' || cfg.n_allowed_pfs > SH_MAX_ALLOWED_PFS)
			abort();
		sh_config_pf_allowed(&cfg, "eth0", "0000:3b:00.0");
	}
	/* Also after a failure: a parse that stopped half-way may have allocated. */
	sh_config_free(&cfg);
	free(json);
	return 0;
}
