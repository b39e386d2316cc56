/* The hook's configuration file: defaults, every key with valid and invalid values, unknown keys,
 * loading (absent default file = defaults, absent explicit file = error) and the PF allowlist. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/input/config.h"

static void test_defaults(void **state)
{
	struct sh_config cfg;

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	sh_config_defaults(&cfg);
	assert_string_equal(cfg.state_dir, "/run/sriov-hook");
	assert_string_equal(cfg.sysfs_root, "/sys");
	assert_string_equal(cfg.log, "auto");
	assert_int_equal(cfg.poststop_timeout_ms, 3000);
	assert_false(cfg.has_allowed_pfs);
	assert_int_equal(cfg.n_allowed_pfs, 0);
	assert_false(cfg.env_fallback);
	assert_string_equal(cfg.runc, "");
	/* no allowlist: any PF */
	assert_true(sh_config_pf_allowed(&cfg, "ens1f0", "0000:3b:00.0"));
}

/* ---- valid values ----------------------------------------------------------------------------- */

static void test_valid_keys(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };

	(void)state;
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"state_dir\": \"/var/lib/sh\", \"sysfs_root\": \"/tmp/fake-sys\","
					 " \"log\": \"stderr\", \"poststop_timeout_ms\": 250, \"env_fallback\": true,"
					 " \"runc\": \"/opt/runc\", \"allowed_pfs\": [\"ens1f0\", \"0000:5e:00.1\"]}",
					 &cfg, &err),
			 0);
	assert_string_equal(cfg.state_dir, "/var/lib/sh");
	assert_string_equal(cfg.sysfs_root, "/tmp/fake-sys");
	assert_string_equal(cfg.log, "stderr");
	assert_int_equal(cfg.poststop_timeout_ms, 250);
	assert_true(cfg.env_fallback);
	assert_string_equal(cfg.runc, "/opt/runc");
	assert_true(cfg.has_allowed_pfs);
	assert_int_equal(cfg.n_allowed_pfs, 2);
	assert_string_equal(cfg.allowed_pfs[0], "ens1f0");
	assert_string_equal(cfg.allowed_pfs[1], "0000:5e:00.1");
	sh_config_free(&cfg);
}

static void test_valid_single_values(void **state)
{
	static const struct {
		const char *json;
		const char *log;
		unsigned timeout;
		bool env_fallback;
	} cases[] = {
		{ "{}", "auto", 3000, false },
		{ "{\"log\": \"syslog\"}", "syslog", 3000, false },
		{ "{\"log\": \"auto\"}", "auto", 3000, false },
		{ "{\"log\": \"journal\"}", "journal", 3000, false },
		{ "{\"log\": \"journal:/run/systemd/journal.blue/socket\"}", "journal:/run/systemd/journal.blue/socket", 3000,
		  false },
		{ "{\"log\": \"syslog:/var/lib/x/dev/log\"}", "syslog:/var/lib/x/dev/log", 3000, false },
		{ "{\"log\": \"stderr\"}", "stderr", 3000, false },
		{ "{\"log\": \"/var/log/sriov-hook.log\"}", "/var/log/sriov-hook.log", 3000, false },
		{ "{\"poststop_timeout_ms\": 0}", "auto", 0, false },
		{ "{\"poststop_timeout_ms\": 600000}", "auto", 600000, false },
		{ "{\"env_fallback\": false}", "auto", 3000, false },
		{ "{\"env_fallback\": true}", "auto", 3000, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_config cfg;
		struct sh_error err = { 0 };

		sh_config_defaults(&cfg);
		if (sh_config_parse(cases[i].json, &cfg, &err) != 0)
			fail_msg("%s: %s", cases[i].json, err.msg);
		assert_string_equal(cfg.log, cases[i].log);
		assert_int_equal(cfg.poststop_timeout_ms, cases[i].timeout);
		assert_int_equal(cfg.env_fallback, cases[i].env_fallback);
		assert_string_equal(cfg.state_dir, "/run/sriov-hook");
		sh_config_free(&cfg);
	}
}

/* ---- invalid values --------------------------------------------------------------------------- */

static const struct {
	const char *json;
	const char *msg; /* names the key */
	int code;
} invalid_cases[] = {
	{ "{\"state_dir\": \"run/sriov-hook\"}", "\"state_dir\"", EINVAL },
	{ "{\"state_dir\": \"\"}", "\"state_dir\"", EINVAL },
	{ "{\"state_dir\": 5}", "\"state_dir\"", EINVAL },
	{ "{\"state_dir\": null}", "\"state_dir\"", EINVAL },
	{ "{\"state_dir\": [\"/run\"]}", "\"state_dir\"", EINVAL },
	{ "{\"sysfs_root\": \"./sys\"}", "\"sysfs_root\"", EINVAL },
	{ "{\"sysfs_root\": true}", "\"sysfs_root\"", EINVAL },
	{ "{\"runc\": \"runc\"}", "\"runc\"", EINVAL },
	{ "{\"runc\": {}}", "\"runc\"", EINVAL },
	{ "{\"log\": \"jornal\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"journal:\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"journal:run/socket\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"syslog:dev/log\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"stderr:/x\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"auto:/x\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"log/file\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"\"}", "\"log\"", EINVAL },
	{ "{\"log\": \"Syslog\"}", "\"log\"", EINVAL },
	{ "{\"log\": 1}", "\"log\"", EINVAL },
	{ "{\"poststop_timeout_ms\": -1}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"poststop_timeout_ms\": 600001}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"poststop_timeout_ms\": 99999999999999}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"poststop_timeout_ms\": 1.5}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"poststop_timeout_ms\": \"100\"}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"poststop_timeout_ms\": null}", "\"poststop_timeout_ms\"", EINVAL },
	{ "{\"env_fallback\": 1}", "\"env_fallback\"", EINVAL },
	{ "{\"env_fallback\": \"true\"}", "\"env_fallback\"", EINVAL },
	{ "{\"env_fallback\": null}", "\"env_fallback\"", EINVAL },
	{ "{\"allowed_pfs\": \"ens1f0\"}", "\"allowed_pfs\"", EINVAL },
	{ "{\"allowed_pfs\": {\"a\": \"b\"}}", "\"allowed_pfs\"", EINVAL },
	{ "{\"allowed_pfs\": [\"ens1f0\", 3]}", "\"allowed_pfs\"[1]", EINVAL },
	{ "{\"allowed_pfs\": [\"\"]}", "\"allowed_pfs\"[0]", EINVAL },
	{ "{\"allowed_pfs\": [null]}", "\"allowed_pfs\"[0]", EINVAL },
	{ "{\"allowed_pfs\": null}", "\"allowed_pfs\"", EINVAL },
	{ "{\"statedir\": \"/run/x\"}", "unknown key \"statedir\"", EINVAL },
	{ "{\"log\": \"stderr\", \"Log\": \"stderr\"}", "unknown key \"Log\"", EINVAL },
	{ "{\"allowed_pf\": []}", "unknown key \"allowed_pf\"", EINVAL },
	{ "{\"\": 1}", "unknown key \"\"", EINVAL },
	{ "[]", "not a JSON object", EINVAL },
	{ "{\"log\": ", "not valid JSON", EINVAL },
	{ "", "not valid JSON", EINVAL },
};

static void test_invalid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(invalid_cases); i++) {
		struct sh_config cfg;
		struct sh_error err = { 0 };
		int r;

		sh_config_defaults(&cfg);
		r = sh_config_parse(invalid_cases[i].json, &cfg, &err);
		if (r != -invalid_cases[i].code)
			fail_msg("%s: want %d, got %d", invalid_cases[i].json, -invalid_cases[i].code, r);
		if (!strstr(err.msg, invalid_cases[i].msg))
			fail_msg("%s: message \"%s\" lacks %s", invalid_cases[i].json, err.msg, invalid_cases[i].msg);
		sh_config_free(&cfg);
	}
}

static void test_too_long_path(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };
	size_t n = PATH_MAX + 10;
	char *json = malloc(n + 32);
	int len;

	(void)state;
	len = sprintf(json, "{\"state_dir\": \"/");
	memset(json + len, 'a', n);
	strcpy(json + len + n, "\"}");
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse(json, &cfg, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "\"state_dir\""));
	assert_string_equal(cfg.state_dir, "/run/sriov-hook");
	free(json);
}

static void test_allowed_pfs_limit(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };
	char json[4096];
	size_t i, len;

	(void)state;
	for (int n = SH_MAX_ALLOWED_PFS; n <= SH_MAX_ALLOWED_PFS + 1; n++) {
		len = (size_t)snprintf(json, sizeof(json), "{\"allowed_pfs\": [");
		for (i = 0; i < (size_t)n; i++)
			len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"pf%zu\"", i ? "," : "", i);
		snprintf(json + len, sizeof(json) - len, "]}");
		sh_config_defaults(&cfg);
		if (n == SH_MAX_ALLOWED_PFS) {
			assert_int_equal(sh_config_parse(json, &cfg, &err), 0);
			assert_int_equal(cfg.n_allowed_pfs, SH_MAX_ALLOWED_PFS);
			assert_true(sh_config_pf_allowed(&cfg, "pf63", "0000:00:00.0"));
		} else {
			assert_int_equal(sh_config_parse(json, &cfg, &err), -EINVAL);
			assert_non_null(strstr(err.msg, "\"allowed_pfs\""));
		}
		sh_config_free(&cfg);
	}
}

/* JSON objects may repeat a key (yajl keeps both): a second "allowed_pfs" must neither write past
 * the SH_MAX_ALLOWED_PFS slots nor go unchecked against the limit. Run in a child: an overflow
 * corrupts memory. */
static void test_allowed_pfs_repeated_key(void **state)
{
	char json[4096];
	size_t len = 0;
	int k, i, status;
	pid_t pid;

	(void)state;
	len += (size_t)snprintf(json + len, sizeof(json) - len, "{");
	for (k = 0; k < 2; k++) {
		len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"allowed_pfs\": [", k ? ", " : "");
		for (i = 0; i < SH_MAX_ALLOWED_PFS; i++)
			len += (size_t)snprintf(json + len, sizeof(json) - len, "%s\"p%d_%d\"", i ? "," : "", k, i);
		len += (size_t)snprintf(json + len, sizeof(json) - len, "]");
	}
	snprintf(json + len, sizeof(json) - len, "}");

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sh_config cfg;
		struct sh_error err = { 0 };
		int r;

		sh_config_defaults(&cfg);
		r = sh_config_parse(json, &cfg, &err);
		/* either refused, or at most SH_MAX_ALLOWED_PFS names kept */
		_exit(r == -EINVAL || (r == 0 && cfg.n_allowed_pfs <= SH_MAX_ALLOWED_PFS) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("config_parse with \"allowed_pfs\" twice: child killed by signal %d (overflow of "
			 "allowed_pfs[])",
			 WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("config_parse with \"allowed_pfs\" twice kept more than %d names (allowed_pfs[] overflowed)",
			 SH_MAX_ALLOWED_PFS);
}

/* ---- the allowlist ---------------------------------------------------------------------------- */

static void test_pf_allowed(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };

	(void)state;
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"allowed_pfs\": [\"ens1f0\", \"0000:5e:00.1\"]}", &cfg, &err), 0);
	assert_true(sh_config_pf_allowed(&cfg, "ens1f0", "0000:3b:00.0")); /* by name */
	assert_true(sh_config_pf_allowed(&cfg, "ens9", "0000:5e:00.1"));   /* by PCI address */
	assert_true(sh_config_pf_allowed(&cfg, "ens9", "0000:5E:00.1"));   /* hex case does not matter */
	assert_false(sh_config_pf_allowed(&cfg, "ens1f1", "0000:3b:00.1"));
	assert_false(sh_config_pf_allowed(&cfg, "ens1f", "0000:3b:00.1"));  /* no prefix match */
	assert_false(sh_config_pf_allowed(&cfg, "ENS1F0", "0000:3b:00.1")); /* names are case-sensitive */
	assert_false(sh_config_pf_allowed(&cfg, "0000:5e:00.10", "0000:5e:00.2"));
	sh_config_free(&cfg);

	/* an empty list allows nothing (absent means any) */
	sh_config_defaults(&cfg);
	assert_int_equal(sh_config_parse("{\"allowed_pfs\": []}", &cfg, &err), 0);
	assert_true(cfg.has_allowed_pfs);
	assert_false(sh_config_pf_allowed(&cfg, "ens1f0", "0000:3b:00.0"));
	sh_config_free(&cfg);
}

/* ---- loading ---------------------------------------------------------------------------------- */

static void test_load_default_absent(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };
	struct stat sb;

	(void)state;
	if (stat(SH_DEFAULT_CONFIG, &sb) == 0)
		skip(); /* this machine has a real default config file */
	memset(&cfg, 0xa5, sizeof(cfg));
	assert_int_equal(sh_config_load(NULL, &cfg, &err), 0);
	assert_string_equal(cfg.state_dir, SH_DEFAULT_STATE_DIR);
	assert_string_equal(cfg.sysfs_root, SH_DEFAULT_SYSFS);
	assert_string_equal(cfg.log, "auto");
	assert_int_equal(cfg.poststop_timeout_ms, SH_DEFAULT_POSTSTOP_TIMEOUT_MS);
	assert_false(cfg.has_allowed_pfs);
	sh_config_free(&cfg);
}

static void test_load_explicit_missing(void **state)
{
	struct sh_config cfg;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_config_load("/nonexistent/sriov-hook-test/config.json", &cfg, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/sriov-hook-test/config.json"));
	assert_non_null(strstr(err.msg, "No such file or directory; give the path of a configuration file"));
}

static void test_load_file(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX];
	struct sh_config cfg;
	struct sh_error err = { 0 };

	snprintf(path, sizeof(path), "%s/config.json", dir);

	/* keys not in the file keep their defaults */
	write_text(path, "{\"sysfs_root\": \"/tmp/fake\", \"allowed_pfs\": [\"p0\"]}");
	assert_int_equal(sh_config_load(path, &cfg, &err), 0);
	assert_string_equal(cfg.sysfs_root, "/tmp/fake");
	assert_string_equal(cfg.state_dir, SH_DEFAULT_STATE_DIR);
	assert_string_equal(cfg.log, "auto");
	assert_int_equal(cfg.poststop_timeout_ms, SH_DEFAULT_POSTSTOP_TIMEOUT_MS);
	assert_true(sh_config_pf_allowed(&cfg, "p0", ""));
	assert_false(sh_config_pf_allowed(&cfg, "p1", ""));
	sh_config_free(&cfg);

	/* a bad file: the message names the file and the key */
	write_text(path, "{\"sysfs_root\": \"/tmp/fake\", \"colour\": \"blue\"}");
	assert_int_equal(sh_config_load(path, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "\"colour\""));
	sh_config_free(&cfg);

	write_text(path, "not json");
	assert_int_equal(sh_config_load(path, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, path));
	sh_config_free(&cfg);

	/* a directory given as the file */
	assert_true(sh_config_load(dir, &cfg, &err) < 0);
	assert_non_null(strstr(err.msg, dir));
	sh_config_free(&cfg);
}

/* The configuration is a regular file: a FIFO in its place fails at once instead of blocking the
 * hook (and every runc verb through sriov-runc) until the runtime's timeout. */
static void test_load_not_regular(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX];
	struct sh_config cfg;
	struct sh_error err = { 0 };

	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(sh_config_load(path, &cfg, &err), -EINVAL);
	alarm(0);
	assert_string_equal(strstr(err.msg, "load config"), err.msg);
	assert_non_null(strstr(err.msg, "config.json: not a regular file (a FIFO)"));
	sh_config_free(&cfg);
	assert_int_equal(sh_config_load("/dev/zero", &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/dev/zero: not a regular file"));
	sh_config_free(&cfg);
}

/* A file that does not load still gives the roots written before the point where it breaks, each
 * as checked as when it loads; the others keep their defaults. */
static void test_salvage_roots(void **state)
{
	static const struct {
		const char *json, *state_dir, *sysfs_root, *log;
		unsigned timeout;
	} cases[] = {
		/* a trailing comma: everything before it */
		{ "{\"state_dir\": \"/s\", \"sysfs_root\": \"/f\", \"log\": \"stderr\",\n \"poststop_timeout_ms\": 9,\n}",
		  "/s", "/f", "stderr", 9 },
		/* the error first: nothing */
		{ "{,\"state_dir\": \"/s\"}", SH_DEFAULT_STATE_DIR, SH_DEFAULT_SYSFS, "auto", 3000 },
		/* valid JSON, a bad key elsewhere; a relative root is not taken */
		{ "{\"colour\": 1, \"state_dir\": \"rel\", \"sysfs_root\": \"/f\"}", SH_DEFAULT_STATE_DIR, "/f", "auto", 3000 },
		/* the same names deeper down are not roots */
		{ "{\"pools\": {\"state_dir\": \"/p\"}, \"x\": [\"/q\"], \"sysfs_root\": [\"/a\"]", SH_DEFAULT_STATE_DIR,
		  SH_DEFAULT_SYSFS, "auto", 3000 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_config cfg;

		sh_config_defaults(&cfg);
		sh_config_salvage_roots(cases[i].json, &cfg);
		assert_string_equal(cfg.state_dir, cases[i].state_dir);
		assert_string_equal(cfg.sysfs_root, cases[i].sysfs_root);
		assert_string_equal(cfg.log, cases[i].log);
		assert_int_equal(cfg.poststop_timeout_ms, cases[i].timeout);
		sh_config_free(&cfg);
	}
}

/* sh_config_load_roots: the broken file's message with its line and column, and the roots. */
static void test_load_roots(void **state)
{
	const char *dir = *state;
	char path[PATH_MAX], text[2 * PATH_MAX + 96];
	struct sh_config cfg;
	struct sh_error err = { 0 };

	snprintf(path, sizeof(path), "%s/config.json", dir);
	write_text(path, "{\"state_dir\": \"/s\",\n \"pools\": {},\n}\n");
	assert_int_equal(sh_config_load_roots(path, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "broken configuration "));
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "at line 3, column 1"));
	assert_string_equal(cfg.state_dir, "/s");
	sh_config_roots_text(&cfg, text, sizeof(text));
	assert_string_equal(text, "state_dir /s (read from the file) and sysfs_root /sys (the default)");
	sh_config_free(&cfg);

	/* a file that loads is loaded */
	write_text(path, "{\"state_dir\": \"/t\"}");
	assert_int_equal(sh_config_load_roots(path, &cfg, &err), 0);
	assert_string_equal(cfg.state_dir, "/t");
	sh_config_free(&cfg);
}

/* One list where runc is looked for; messages name its directories from it. */
static void test_runc_search(void **state)
{
	char dirs[256];

	(void)state;
	assert_string_equal(sh_runc_search_paths[0], "/usr/sbin/runc");
	assert_null(sh_runc_search_paths[4]);
	assert_string_equal(sh_runc_search_dirs(dirs, sizeof(dirs)), "/usr/sbin, /usr/bin, /usr/local/sbin or /usr/local/bin");
}

static int tmpdir_setup(void **state)
{
	return tmpdir_setup_for(state, "config");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_valid_keys),
		cmocka_unit_test(test_valid_single_values),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_too_long_path),
		cmocka_unit_test(test_allowed_pfs_limit),
		cmocka_unit_test(test_allowed_pfs_repeated_key),
		cmocka_unit_test(test_pf_allowed),
		cmocka_unit_test(test_load_default_absent),
		cmocka_unit_test(test_load_explicit_missing),
		cmocka_unit_test_setup_teardown(test_load_file, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_load_not_regular, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_salvage_roots),
		cmocka_unit_test(test_runc_search),
		cmocka_unit_test_setup_teardown(test_load_roots, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
