/* The configuration's "pfs" key ({"<PF>": {"numvfs": N}}), what `sriovctl vfs apply` reads. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sriov-hook/input/config.h"

static void parse_ok(const char *json, struct sh_config *cfg)
{
	struct sh_error err = {0};

	sh_config_defaults(cfg);
	if (sh_config_parse(json, cfg, &err) < 0)
		fail_msg("%s: %s", json, err.msg);
}

static void parse_fails(const char *json, const char *needle)
{
	struct sh_config cfg;
	struct sh_error err = {0};

	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse(json, &cfg, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", json, err.msg, needle);
	sh_config_free(&cfg);
}

static void test_pfs_by_name_and_pci(void **state)
{
	struct sh_config cfg;

	(void)state;
	parse_ok("{\"pfs\": {\"ens1f0\": {\"numvfs\": 8}, \"0000:3b:00.1\": {\"numvfs\": 0}}}", &cfg);
	assert_int_equal(cfg.n_pfs, 2);
	assert_string_equal(cfg.pfs[0].pf, "ens1f0");
	assert_int_equal(cfg.pfs[0].numvfs, 8);
	assert_string_equal(cfg.pfs[1].pf, "0000:3b:00.1");
	assert_int_equal(cfg.pfs[1].numvfs, 0);
	sh_config_free(&cfg);
	assert_int_equal(cfg.n_pfs, 0);
	parse_ok("{\"pfs\": {}}", &cfg);
	assert_int_equal(cfg.n_pfs, 0);
}

static void test_pfs_refused(void **state)
{
	(void)state;
	parse_fails("{\"pfs\": [\"ens1f0\"]}", "\"pfs\" must be an object");
	parse_fails("{\"pfs\": {\"ens1f0\": 8}}", "{\"numvfs\": 8}");
	parse_fails("{\"pfs\": {\"ens1f0\": {}}}", "lacks \"numvfs\"");
	parse_fails("{\"pfs\": {\"ens1f0\": {\"numvfs\": -1}}}", "from 0 to 4096");
	parse_fails("{\"pfs\": {\"ens1f0\": {\"numvfs\": 4097}}}", "from 0 to 4096");
	parse_fails("{\"pfs\": {\"ens1f0\": {\"numvfs\": \"8\"}}}", "must be an integer");
	parse_fails("{\"pfs\": {\"ens1f0\": {\"numvfs\": 8, \"numvf\": 8}}}", "unknown key \"numvf\" (known: numvfs)");
	parse_fails("{\"pfs\": {\"ens 1\": {\"numvfs\": 8}}}", "not a PF name or PCI address");
	parse_fails("{\"pfs\": {\"ens1f0\": {\"numvfs\": 8}, \"ens1f0\": {\"numvfs\": 2}}}", "given twice");
	parse_fails("{\"pfs\": {}, \"pfs\": {\"a\": {\"numvfs\": 1}}, \"pfs\": {\"b\": {\"numvfs\": 1}}}",
		    "given twice");
	/* The error for an unknown top-level key names pfs among the known ones. */
	parse_fails("{\"pf\": {}}", "pfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pfs_by_name_and_pci),
		cmocka_unit_test(test_pfs_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
