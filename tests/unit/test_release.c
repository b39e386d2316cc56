/* "release": the global key, a pool's own, and which one a VF gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sriov-hook/hook/restore.h"
#include "sriov-hook/input/config.h"

static void parse_ok(const char *json, struct sh_config *cfg)
{
	struct sh_error err = {0};

	sh_config_defaults(cfg);
	if (sh_config_parse(json, cfg, &err) != 0)
		fail_msg("%s: %s", json, err.msg);
}

static void test_default_restore(void **state)
{
	struct sh_config cfg;

	(void)state;
	sh_config_defaults(&cfg);
	assert_int_equal(cfg.release, SH_RELEASE_RESTORE);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 0), SH_RELEASE_RESTORE);
	sh_config_free(&cfg);
}

static void test_global_and_pool(void **state)
{
	struct sh_config cfg;

	(void)state;
	parse_ok("{\"release\": \"rebind\"}", &cfg);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 0), SH_RELEASE_REBIND);
	sh_config_free(&cfg);
	parse_ok("{\"pools\": {\"clean\": {\"vfs\": [\"ens1f0#1\"], \"release\": \"rebind\"}, "
		 "\"kept\": {\"vfs\": [\"ens1f0#2\"], \"release\": \"restore\"}, \"plain\": [\"ens1f0#3\"]}}",
		 &cfg);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 1), SH_RELEASE_REBIND);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 2), SH_RELEASE_RESTORE);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 3), SH_RELEASE_RESTORE);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 0), SH_RELEASE_RESTORE);
	sh_config_free(&cfg);
	/* a pool's "restore" holds against a global "rebind" */
	parse_ok(
		"{\"release\": \"rebind\", \"pools\": {\"kept\": {\"vfs\": [\"ens1f0#2\"], \"release\": \"restore\"}}}",
		&cfg);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 2), SH_RELEASE_RESTORE);
	assert_int_equal(sh_release_mode_of(&cfg, "ens1f0", "0000:3b:00.0", 1), SH_RELEASE_REBIND);
	sh_config_free(&cfg);
}

static void test_refused(void **state)
{
	struct sh_config cfg;
	struct sh_error err = {0};

	(void)state;
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"release\": \"reset\"}", &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "config: release must be \"restore\""));
	sh_config_free(&cfg);
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"pools\": {\"p\": {\"vfs\": [\"x#1\"], \"release\": 1}}}", &cfg, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "config: pools.p.release must be"));
	sh_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_restore),
		cmocka_unit_test(test_global_and_pool),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
