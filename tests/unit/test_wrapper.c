/* sriov-runc's logic without a runtime: runc command lines, the SR-IOV decision, the config.json
 * rewrite, the atomic write and where runc is looked for. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/core/fileio.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/runc/wrapper.h"

/* ---- command lines ------------------------------------------------------------------------- */

struct cmdline_case {
	const char *argv[16];
	const char *want[16]; /* what runc gets */
	const char *cmd;      /* the subcommand, NULL for none */
	const char *bundle;
	const char *config;
	bool create;
};

static const struct cmdline_case cmdline_cases[] = {
	/* docker 20.10's create, through the containerd shim */
	{ { "sriov-runc", "--root", "/run/docker/runtime-runc/moby", "--log", "/x/log.json", "--log-format", "json",
	    "create", "--bundle", "/b", "--pid-file", "/x/init.pid", "c1" },
	  { "sriov-runc", "--root", "/run/docker/runtime-runc/moby", "--log", "/x/log.json", "--log-format", "json",
	    "create", "--bundle", "/b", "--pid-file", "/x/init.pid", "c1" },
	  "create",
	  "/b",
	  NULL,
	  true },
	/* the wrapper's option (daemon.json runtimeArgs) is removed, in both spellings */
	{ { "sriov-runc", "--sriov-config", "/etc/x.json", "--root", "/r", "create", "-b", "/b", "c1" },
	  { "sriov-runc", "--root", "/r", "create", "-b", "/b", "c1" },
	  "create",
	  "/b",
	  "/etc/x.json",
	  true },
	{ { "sriov-runc", "--debug", "--sriov-config=/etc/y.json", "create", "--bundle=/b2", "c1" },
	  { "sriov-runc", "--debug", "create", "--bundle=/b2", "c1" },
	  "create",
	  "/b2",
	  "/etc/y.json",
	  true },
	/* a value that looks like a subcommand is a value */
	{ { "sriov-runc", "--root", "create", "--log=/l", "-criu", "x", "start", "c1" },
	  { "sriov-runc", "--root", "create", "--log=/l", "-criu", "x", "start", "c1" },
	  "start",
	  NULL,
	  NULL,
	  false },
	/* the bundle option's value among create's other options; -b=B; the last one wins */
	{ { "sriov-runc", "create", "--pid-file", "-b", "--console-socket", "/s", "-b=/b3", "c1" },
	  { "sriov-runc", "create", "--pid-file", "-b", "--console-socket", "/s", "-b=/b3", "c1" },
	  "create",
	  "/b3",
	  NULL,
	  true },
	{ { "sriov-runc", "create", "-b", "/b4", "c1", "--bundle", "/b5" },
	  { "sriov-runc", "create", "-b", "/b4", "c1", "--bundle", "/b5" },
	  "create",
	  "/b5",
	  NULL,
	  true },
	/* no bundle option: the working directory */
	{ { "sriov-runc", "create", "--no-pivot", "c1" },
	  { "sriov-runc", "create", "--no-pivot", "c1" },
	  "create",
	  NULL,
	  NULL,
	  true },
	/* "--" ends the global options; after it, a bundle option does not count */
	{ { "sriov-runc", "--", "create", "c1", "--", "--bundle", "/no" },
	  { "sriov-runc", "--", "create", "c1", "--", "--bundle", "/no" },
	  "create",
	  NULL,
	  NULL,
	  true },
	{ { "sriov-runc", "--version" }, { "sriov-runc", "--version" }, NULL, NULL, NULL, false },
	{ { "sriov-runc" }, { "sriov-runc" }, NULL, NULL, NULL, false },
	/* only create's options are looked at */
	{ { "sriov-runc", "run", "--bundle", "/b", "c1" },
	  { "sriov-runc", "run", "--bundle", "/b", "c1" },
	  "run",
	  NULL,
	  NULL,
	  false },
	{ { "sriov-runc", "delete", "--force", "c1" },
	  { "sriov-runc", "delete", "--force", "c1" },
	  "delete",
	  NULL,
	  NULL,
	  false },
};

static int count(const char *const *v)
{
	int n = 0;

	while (v[n])
		n++;
	return n;
}

static void test_cmdline_table(void **state)
{
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cmdline_cases); i++) {
		const struct cmdline_case *t = &cmdline_cases[i];
		struct sh_runc_cmdline cl;
		struct sh_error err = { 0 };
		int argc = count(t->argv);

		assert_int_equal(sh_wrapper_parse_cmdline(argc, (char **)t->argv, &cl, &err), 0);
		assert_int_equal(cl.argc, count(t->want));
		for (k = 0; k < cl.argc; k++)
			assert_string_equal(cl.argv[k], t->want[k]);
		assert_null(cl.argv[cl.argc]);
		if (t->cmd) {
			assert_true(cl.cmd > 0);
			assert_string_equal(cl.argv[cl.cmd], t->cmd);
		} else {
			assert_int_equal(cl.cmd, -1);
		}
		assert_int_equal(sh_wrapper_is_create(&cl), t->create);
		if (t->bundle)
			assert_string_equal(cl.bundle, t->bundle);
		else
			assert_null(cl.bundle);
		if (t->config)
			assert_string_equal(cl.config, t->config);
		else
			assert_null(cl.config);
		sh_wrapper_cmdline_free(&cl);
	}
}

static void test_cmdline_config_without_value(void **state)
{
	const char *a1[] = { "sriov-runc", "--sriov-config", NULL };
	const char *a2[] = { "sriov-runc", "--sriov-config=", "state", "c1", NULL };
	struct sh_runc_cmdline cl;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_wrapper_parse_cmdline(2, (char **)a1, &cl, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--sriov-config"));
	assert_int_equal(sh_wrapper_parse_cmdline(4, (char **)a2, &cl, &err), -EINVAL);
}

static void test_config_path(void **state)
{
	const char *a[] = { "sriov-runc", "--sriov-config", "/", "state", "c1", NULL };
	const char *b[] = { "sriov-runc", "state", "c1", NULL };
	const char *c[] = { "sriov-runc", "--sriov-config", "/nonexistent/sriov.json", "state", NULL };
	char hook_config[PATH_MAX];
	struct sh_runc_cmdline cl;
	struct sh_error err = { 0 };
	const char *path;

	(void)state;
	/* the option wins over the environment */
	setenv(SH_WRAPPER_CONFIG_ENV, "/tmp", 1);
	assert_int_equal(sh_wrapper_parse_cmdline(5, (char **)a, &cl, &err), 0);
	assert_int_equal(sh_wrapper_config_path(&cl, &path, hook_config, &err), 0);
	assert_string_equal(path, "/");
	assert_string_equal(hook_config, "/");
	sh_wrapper_cmdline_free(&cl);

	assert_int_equal(sh_wrapper_parse_cmdline(3, (char **)b, &cl, &err), 0);
	assert_int_equal(sh_wrapper_config_path(&cl, &path, hook_config, &err), 0);
	assert_string_equal(path, "/tmp");
	unsetenv(SH_WRAPPER_CONFIG_ENV);
	assert_int_equal(sh_wrapper_config_path(&cl, &path, hook_config, &err), 0);
	assert_null(path);
	assert_string_equal(hook_config, "");
	setenv(SH_WRAPPER_CONFIG_ENV, "", 1); /* empty: as if unset */
	assert_int_equal(sh_wrapper_config_path(&cl, &path, hook_config, &err), 0);
	assert_null(path);
	unsetenv(SH_WRAPPER_CONFIG_ENV);
	sh_wrapper_cmdline_free(&cl);

	assert_int_equal(sh_wrapper_parse_cmdline(4, (char **)c, &cl, &err), 0);
	assert_int_equal(sh_wrapper_config_path(&cl, &path, hook_config, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/sriov.json"));
	sh_wrapper_cmdline_free(&cl);
}

/* ---- the SR-IOV decision ------------------------------------------------------------------ */

struct wants_case {
	const char *spec;
	bool without_env, with_env;
};

static const struct wants_case wants_cases[] = {
	{ "{}", false, false },
	{ "{\"annotations\":{\"io.sriov.vf\":\"0\"}}", true, true },
	{ "{\"annotations\":{\"io.sriov.1.pf\":\"x\"}}", true, true },
	{ "{\"annotations\":{\"io.sriov\":\"0\",\"xio.sriov.vf\":\"0\",\"io.sriovx.vf\":\"0\"}}", false, false },
	{ "{\"annotations\":{\"a\":\"io.sriov.vf\"}}", false, false },
	{ "{\"annotations\":[\"io.sriov.vf\"]}", false, false },
	{ "{\"process\":{\"env\":[\"PATH=/bin\",\"SRIOV_VF=auto\"]}}", false, true },
	{ "{\"process\":{\"env\":[\"SRIOV_PF=ens1f0\"]}}", false, true },
	{ "{\"process\":{\"env\":[\"SRIOV_=x\",\"SRIOV_VF\",\"XSRIOV_VF=1\",\"sriov_vf=1\",7]}}", false, false },
	{ "{\"process\":{\"env\":\"SRIOV_VF=auto\"}}", false, false },
	/* only variables that spell a key ask: an image's own SRIOV_ settings do not */
	{ "{\"process\":{\"env\":[\"SRIOV_FLAVOR=x\",\"SRIOV_HOOK_CONFIG=/x\",\"SRIOV_vf=1\",\"SRIOV_8_VF=1\"]}}", false,
	  false },
	{ "{\"process\":{\"env\":[\"SRIOV_FLAVOR=x\",\"SRIOV_2_MAX_TX_RATE=5\"]}}", false, true },
	{ "{\"annotations\":{\"io.sriov.vf\":\"0\"},\"process\":{\"env\":[\"SRIOV_VF=1\"]}}", true, true },
};

static void test_wants_sriov(void **state)
{
	struct sh_error err = { 0 };
	yajl_val spec;
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(wants_cases); i++) {
		assert_int_equal(sh_json_parse(wants_cases[i].spec, "spec", &spec, &err), 0);
		/* case number * 10 + answer: a failure names the case */
		assert_int_equal(i * 10 + sh_wrapper_spec_wants_sriov(spec, false),
				 i * 10 + wants_cases[i].without_env);
		assert_int_equal(i * 10 + sh_wrapper_spec_wants_sriov(spec, true), i * 10 + wants_cases[i].with_env);
		yajl_tree_free(spec);
	}
}

/* ---- the rewrite ---------------------------------------------------------------------------- */

#define H "/usr/local/bin/sriov-hook"
#define CR_ENTRY "{\"path\":\"" H "\",\"args\":[\"sriov-hook\",\"createRuntime\"]}"
#define PS_ENTRY "{\"path\":\"" H "\",\"args\":[\"sriov-hook\",\"poststop\"]}"

struct rewrite_case {
	const char *in;
	const char *config; /* handed to the hook */
	const char *out;    /* NULL: nothing to add */
};

static const struct rewrite_case rewrite_cases[] = {
	/* no hooks yet: appended after everything, numbers and escapes as they were */
	{ "{\"a\":1.50e3,\"b\":18446744073709551615,\"c\":-0.0,\"d\":\"\\u00e9\\n\\\"\",\"e\":[true,false,null,{}],"
	  "\"annotations\":{\"io.sriov.vf\":\"0\"}}",
	  NULL,
	  "{\"a\":1.50e3,\"b\":18446744073709551615,\"c\":-0.0,\"d\":\"\xc3\xa9\\n\\\"\",\"e\":[true,false,null,{}],"
	  "\"annotations\":{\"io.sriov.vf\":\"0\"},\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY
	  "]}}" },
	/* hooks in place: other stages kept, ours after the entries already there */
	{ "{\"hooks\":{\"prestart\":[{\"path\":\"/p\"}],\"poststop\":[{\"path\":\"/q\",\"timeout\":5}]},\"z\":0}", NULL,
	  "{\"hooks\":{\"prestart\":[{\"path\":\"/p\"}],\"poststop\":[{\"path\":\"/q\",\"timeout\":5}," PS_ENTRY
	  "],\"createRuntime\":[" CR_ENTRY "]},\"z\":0}" },
	/* null hooks, null stage */
	{ "{\"hooks\":null}", NULL, "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY "]}}" },
	{ "{\"hooks\":{\"createRuntime\":null}}", NULL,
	  "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY "]}}" },
	/* one stage there already (our path, or another sriov-hook): only the other is added */
	{ "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "]}}", NULL,
	  "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY "]}}" },
	{ "{\"hooks\":{\"poststop\":[{\"path\":\"/opt/sriov-hook\"}]}}", NULL,
	  "{\"hooks\":{\"poststop\":[{\"path\":\"/opt/sriov-hook\"}],\"createRuntime\":[" CR_ENTRY "]}}" },
	/* both there: nothing to write */
	{ "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY "]}}", NULL, NULL },
	/* a config handed to the hook */
	{ "{}", "/etc/t.json",
	  "{\"hooks\":{\"createRuntime\":[{\"path\":\"" H "\",\"args\":[\"sriov-hook\",\"--config\",\"/etc/t.json\","
	  "\"createRuntime\"]}],\"poststop\":[{\"path\":\"" H
	  "\",\"args\":[\"sriov-hook\",\"--config\",\"/etc/t.json\","
	  "\"poststop\"]}]}}" },
	{ "{}", "", "{\"hooks\":{\"createRuntime\":[" CR_ENTRY "],\"poststop\":[" PS_ENTRY "]}}" },
};

static void test_add_hooks_table(void **state)
{
	struct sh_error err = { 0 };
	yajl_val spec;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(rewrite_cases); i++) {
		const struct rewrite_case *t = &rewrite_cases[i];
		struct sh_hook_ref hook = { .path = H, .config = t->config };

		assert_int_equal(sh_json_parse(t->in, "spec", &spec, &err), 0);
		assert_int_equal(sh_wrapper_add_hooks(spec, &hook, &out, &len, &err), 0);
		if (!t->out) {
			assert_null(out);
		} else {
			assert_non_null(out);
			assert_string_equal(out, t->out);
			assert_int_equal(len, strlen(t->out));
		}
		free(out);
		yajl_tree_free(spec);
	}
}

static void test_add_hooks_wrong_types(void **state)
{
	static const char *const bad[] = {
		"{\"hooks\":[]}",
		"{\"hooks\":\"x\"}",
		"{\"hooks\":{\"createRuntime\":{}}}",
		"{\"hooks\":{\"poststop\":\"x\"}}",
	};
	struct sh_hook_ref hook = { .path = H };
	struct sh_error err = { 0 };
	yajl_val spec;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		assert_int_equal(sh_json_parse(bad[i], "spec", &spec, &err), 0);
		assert_int_equal(sh_wrapper_add_hooks(spec, &hook, &out, &len, &err), -EINVAL);
		assert_null(out);
		assert_non_null(strstr(err.msg, "hooks"));
		yajl_tree_free(spec);
	}
}

/* ---- files ------------------------------------------------------------------------------------ */

static const char *tmpdir; /* the current test's, from setup_tmp */

static int setup_tmp(void **state)
{
	if (tmpdir_setup_for(state, "wrapper") < 0)
		return -1;
	tmpdir = *state;
	return 0;
}

static void write_file(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_atomic_keeps_mode(void **state)
{
	struct sh_error err = { 0 };
	char path[PATH_MAX], *buf;
	struct stat sb;

	(void)state;
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);
	write_file(path, "{\"old\":1}", 0604);
	assert_int_equal(sh_write_file_atomic(path, "{\"new\":2}", 9, -1, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0604);
	assert_int_equal(sh_json_read_file(path, 1024, &buf, &err), 0);
	assert_string_equal(buf, "{\"new\":2}");
	free(buf);
	assert_int_equal(entries(tmpdir), 1); /* no temporary file left */
}

static void test_write_atomic_failure_leaves_file(void **state)
{
	struct sh_error err = { 0 };
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/nodir/config.json", tmpdir);
	assert_true(sh_write_file_atomic(path, "{}", 2, -1, &err) < 0);
	assert_non_null(strstr(err.msg, "nodir"));
}

static void test_prepare_bundle(void **state)
{
	struct sh_hook_ref hook = { .path = H, .config = "/etc/t.json" };
	struct sh_error err = { 0 };
	struct sh_config cfg;
	char path[PATH_MAX], *buf;
	bool changed;

	(void)state;
	sh_config_defaults(&cfg);
	snprintf(path, sizeof(path), "%s/config.json", tmpdir);

	/* nothing asked: untouched */
	write_file(path, "{\"process\":{\"env\":[\"SRIOV_VF=0\"]}}", 0600);
	assert_int_equal(sh_wrapper_prepare_bundle(tmpdir, &cfg, &hook, &changed, &err), 0);
	assert_false(changed);
	/* with env_fallback the same spec asks */
	cfg.env_fallback = true;
	assert_int_equal(sh_wrapper_prepare_bundle(tmpdir, &cfg, &hook, &changed, &err), 0);
	assert_true(changed);
	assert_int_equal(sh_json_read_file(path, 1 << 20, &buf, &err), 0);
	assert_non_null(strstr(buf, "\"--config\",\"/etc/t.json\",\"createRuntime\""));
	free(buf);
	/* a second time: nothing to add */
	assert_int_equal(sh_wrapper_prepare_bundle(tmpdir, &cfg, &hook, &changed, &err), 0);
	assert_false(changed);

	/* unparseable: left to runc */
	write_file(path, "{\"annotations\":{\"io.sriov.vf\":", 0600);
	assert_int_equal(sh_wrapper_prepare_bundle(tmpdir, &cfg, &hook, &changed, &err), 0);
	assert_false(changed);
	/* asked, but the spec cannot take the hook: an error naming the bundle */
	write_file(path, "{\"annotations\":{\"io.sriov.vf\":\"0\"},\"hooks\":7}", 0600);
	assert_int_equal(sh_wrapper_prepare_bundle(tmpdir, &cfg, &hook, &changed, &err), -EINVAL);
	assert_non_null(strstr(err.msg, tmpdir));
	assert_false(changed);
}

static void test_find_runc(void **state)
{
	struct sh_error err = { 0 };
	struct sh_config cfg;
	char out[PATH_MAX], standin[PATH_MAX], *saved_path;
	int r;

	(void)state;
	sh_config_defaults(&cfg);
	snprintf(cfg.runc, sizeof(cfg.runc), "%s/runc", tmpdir);
	write_file(cfg.runc, "#!/bin/sh\n", 0755);
	assert_int_equal(sh_wrapper_find_runc(&cfg, out, &err), 0);
	assert_string_equal(out, cfg.runc);

	assert_int_equal(chmod(cfg.runc, 0644), 0);
	assert_true(sh_wrapper_find_runc(&cfg, out, &err) < 0);
	assert_non_null(strstr(err.msg, "config \"runc\""));

	snprintf(cfg.runc, sizeof(cfg.runc), "%s", tmpdir); /* a directory */
	assert_true(sh_wrapper_find_runc(&cfg, out, &err) < 0);

	/* without "runc": only the fixed list; PATH, here leading to the stand-in, is not looked at */
	snprintf(standin, sizeof(standin), "%s/runc", tmpdir);
	assert_int_equal(chmod(standin, 0755), 0);
	saved_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", tmpdir, 1);
	cfg.runc[0] = '\0';
	r = sh_wrapper_find_runc(&cfg, out, &err);
	setenv("PATH", saved_path, 1);
	free(saved_path);
	if (r == 0) {
		bool listed = false;
		const char *const *p;

		for (p = sh_runc_search_paths; *p; p++)
			listed |= !strcmp(*p, out);
		assert_true(listed);
	} else {
		assert_non_null(strstr(err.msg, "no runc found"));
	}
}

/* ---- the whole run up to exec ---------------------------------------------------------------- */

/* argv for sh_wrapper_prepare: a NULL-terminated list; returns argc. */
static int argv_of(char **out, const char *const *args)
{
	int n = 0;

	while (args[n]) {
		out[n] = (char *)args[n];
		n++;
	}
	out[n] = NULL;
	return n;
}

/* A stand-in runc in tmpdir and a configuration (cfg) naming it. */
static void standin_runc_config(char cfg[PATH_MAX], char runc[PATH_MAX])
{
	FILE *f;

	snprintf(runc, PATH_MAX, "%s/runc", tmpdir);
	write_file(runc, "#!/bin/sh\n", 0755);
	snprintf(cfg, PATH_MAX, "%s/cfg.json", tmpdir);
	f = fopen(cfg, "w");
	assert_non_null(f);
	fprintf(f, "{\"runc\": \"%s\"}", runc);
	fclose(f);
}

static void test_prepare_passthrough(void **state)
{
	char cfg[PATH_MAX], runc[PATH_MAX], *argv[16];
	struct sh_wrapper_exec ex;
	struct sh_error err = { 0 };
	int argc;

	(void)state;
	standin_runc_config(cfg, runc);
	argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "--root", "/r", "delete",
						    "--force", "c1", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), 0);
	assert_string_equal(ex.runc, runc);
	assert_int_equal(ex.cl.argc, 6);
	assert_string_equal(ex.cl.argv[1], "--root");
	assert_string_equal(ex.cl.argv[3], "delete");
	assert_string_equal(ex.hook_config, ""); /* only a create that asks hands the hook a config */
	sh_wrapper_exec_free(&ex);
}

/* A bundle in tmpdir/name whose config.json is spec; its path in path (PATH_MAX). */
static void mkbundle(const char *name, const char *spec, char *dir, char *path)
{
	snprintf(dir, PATH_MAX, "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, PATH_MAX, "%s/config.json", dir);
	write_file(path, spec, 0644);
}

static bool listed_runc(const char *path)
{
	const char *const *p;

	for (p = sh_runc_search_paths; *p; p++)
		if (!strcmp(*p, path))
			return true;
	return false;
}

static void write_config(const char *path, const char *fmt, const char *runc)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, fmt, runc);
	fclose(f);
}

/* A typo in the configuration fails only the create of a container that asks for SR-IOV: every
 * other verb, and the create of a container that asks for nothing, still reaches the configured
 * runc. (Before, the configuration was loaded first and every verb failed.) */
static void test_prepare_config_typo_fails_only_create_that_asks(void **state)
{
	static const char *const verbs[] = { "start", "state", "kill", "delete", "--version" };
	char cfg[PATH_MAX], runc[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX], *argv[16], *before, *after;
	struct sh_wrapper_exec ex;
	struct sh_error err = { 0 };
	size_t i;
	int argc;

	(void)state;
	standin_runc_config(cfg, runc);
	write_config(cfg, "{\"runc\": \"%s\", \"env_fallbak\": true}", runc);
	for (i = 0; i < SH_ARRAY_SIZE(verbs); i++) {
		argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, verbs[i], NULL });
		assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), 0);
		assert_string_equal(ex.runc, runc);
		sh_wrapper_exec_free(&ex);
	}
	/* create, nothing asked (an image's own SRIOV_FLAVOR is no key): runc, config.json untouched */
	mkbundle("plain", "{\"process\":{\"env\":[\"SRIOV_FLAVOR=x\"]},\"annotations\":{\"a\":\"b\"}}", dir, spec);
	argc = argv_of(argv,
		       (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", dir, "c1", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), 0);
	assert_string_equal(ex.runc, runc);
	sh_wrapper_exec_free(&ex);
	assert_int_equal(sh_json_read_file(spec, 4096, &after, &err), 0);
	assert_null(strstr(after, "hooks"));
	free(after);
	/* create of one that asks: the configuration's error, config.json untouched */
	mkbundle("asks", "{\"annotations\":{\"io.sriov.vf\":\"auto\"}}", dir, spec);
	assert_int_equal(sh_json_read_file(spec, 4096, &before, &err), 0);
	argc = argv_of(argv,
		       (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", dir, "c2", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown key \"env_fallbak\""));
	assert_non_null(strstr(err.msg, cfg));
	sh_wrapper_exec_free(&ex);
	assert_int_equal(sh_json_read_file(spec, 4096, &after, &err), 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A file that is not even JSON: runc from the system paths for everything that does not ask; a
 * container whose SRIOV_ variables may ask (the file cannot say whether env_fallback is on) fails
 * with the file's error, and one with an io.sriov annotation too. */
static void test_prepare_config_not_json(void **state)
{
	static const struct {
		const char *spec;
		bool fails;
	} creates[] = {
		{ "{}", false },
		{ "{\"process\":{\"env\":[\"SRIOV_FLAVOR=x\",\"SRIOV_vf=1\"]}}", false },
		{ "{\"process\":{\"env\":[\"SRIOV_VF=auto\"]}}", true },
		{ "{\"annotations\":{\"io.sriov.vf\":\"0\"}}", true },
	};
	char cfg[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX], name[16], *argv[16];
	struct sh_wrapper_exec ex;
	size_t i;
	int argc, r;

	(void)state;
	snprintf(cfg, sizeof(cfg), "%s/broken.json", tmpdir);
	write_file(cfg, "{\"state_dir\": \"/run/x\"", 0644);
	for (i = 0; i < SH_ARRAY_SIZE(creates); i++) {
		struct sh_error err = { 0 };

		snprintf(name, sizeof(name), "b%zu", i);
		mkbundle(name, creates[i].spec, dir, spec);
		argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", dir,
							    "c1", NULL });
		r = sh_wrapper_prepare(argc, argv, &ex, &err);
		if (creates[i].fails) {
			assert_int_equal(r, -EINVAL);
			assert_non_null(strstr(err.msg, "broken.json"));
		} else if (r == 0) {
			assert_true(listed_runc(ex.runc));
		} else { /* a machine without runc */
			assert_non_null(strstr(err.msg, "no runc found"));
		}
		sh_wrapper_exec_free(&ex);
	}
}

/* SRIOV_ variables ask unless a valid configuration says env_fallback is off: a broken one cannot
 * say it (a typo in "env_fallback" itself would otherwise drop the request without a word). */
static void test_prepare_config_env_variables(void **state)
{
	char cfg[PATH_MAX], runc[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX], *argv[16], *after;
	struct sh_wrapper_exec ex;
	struct sh_error err = { 0 };
	int argc;

	(void)state;
	standin_runc_config(cfg, runc);
	mkbundle("env", "{\"process\":{\"env\":[\"SRIOV_VF=auto\"]}}", dir, spec);
	argc = argv_of(argv,
		       (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", dir, "c1", NULL });
	/* valid, env_fallback off: runc, config.json untouched */
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), 0);
	assert_string_equal(ex.runc, runc);
	sh_wrapper_exec_free(&ex);
	assert_int_equal(sh_json_read_file(spec, 4096, &after, &err), 0);
	assert_null(strstr(after, "hooks"));
	free(after);
	/* env_fallback misspelt: the file's error */
	write_config(cfg, "{\"runc\": \"%s\", \"env_fallbak\": true}", runc);
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown key \"env_fallbak\""));
	sh_wrapper_exec_free(&ex);
}

/* "runc" names the runtime of every verb: when it is not an absolute path, no verb guesses. */
static void test_prepare_runc_key_broken_fails_every_verb(void **state)
{
	static const char *const verbs[] = { "create", "start", "state", "delete" };
	char cfg[PATH_MAX], *argv[8];
	struct sh_wrapper_exec ex;
	size_t i;

	(void)state;
	snprintf(cfg, sizeof(cfg), "%s/runc.json", tmpdir);
	write_file(cfg, "{\"runc\": \"sbin/runc\", \"env_fallbak\": 1}", 0644);
	for (i = 0; i < SH_ARRAY_SIZE(verbs); i++) {
		struct sh_error err = { 0 };
		int argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, verbs[i], NULL });

		assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "\"runc\" must be an absolute path"));
		sh_wrapper_exec_free(&ex);
	}
}

/* A FIFO where a file is expected: the wrapper's configuration is refused at once when a create
 * needs it (and not waited on otherwise); a bundle's config.json is left to runc, without waiting
 * for a writer. */
static void test_prepare_fifo(void **state)
{
	char cfg[PATH_MAX], runc[PATH_MAX], spec[PATH_MAX], dir[PATH_MAX], *argv[16];
	struct sh_wrapper_exec ex;
	struct sh_error err = { 0 };
	int argc;

	(void)state;
	snprintf(cfg, sizeof(cfg), "%s/cfg.fifo", tmpdir);
	assert_int_equal(mkfifo(cfg, 0600), 0);
	alarm(10);
	mkbundle("asks", "{\"annotations\":{\"io.sriov.vf\":\"auto\"}}", dir, spec);
	argc = argv_of(argv,
		       (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", dir, "c1", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "cfg.fifo: not a regular file (a FIFO)"));
	sh_wrapper_exec_free(&ex);
	argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "state", "c1", NULL });
	if (sh_wrapper_prepare(argc, argv, &ex, &err) == 0)
		assert_true(listed_runc(ex.runc));
	sh_wrapper_exec_free(&ex);

	standin_runc_config(cfg, runc);
	snprintf(spec, sizeof(spec), "%s/config.json", tmpdir);
	assert_int_equal(mkfifo(spec, 0600), 0);
	argc = argv_of(
		argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "-b", tmpdir, "c1", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), 0);
	alarm(0);
	assert_string_equal(ex.runc, runc);
	sh_wrapper_exec_free(&ex);
}

/* ---- runc's log ------------------------------------------------------------------------------ */

/* The line docker and containerd read back: logrus's formats, as runc 1.1 writes them (measured:
 * `runc --log F --log-format json|text create --bundle '/nonexist/q"x<TAB>tab\é' c`). */
static void test_runc_log_line(void **state)
{
	static const struct {
		const char *format, *msg, *want;
	} cases[] = {
		{ "json", "sriov-runc: config: unknown key \"x\"",
		  "{\"level\":\"error\",\"msg\":\"sriov-runc: config: unknown key \\\"x\\\"\",\"time\":"
		  "\"2026-11-30T22:42:06Z\"}\n" },
		{ "text", "runc create failed: chdir /nonexist/q\"x\ttab\\\xc3\xa9: no such file or directory",
		  "time=\"2026-11-30T22:42:06Z\" level=error msg=\"runc create failed: chdir /nonexist/q\\\"x\\ttab\\\\"
		  "\xc3\xa9: no such file or directory\"\n" },
		{ NULL, "a\nb\x01\x7f\xff",
		  "time=\"2026-11-30T22:42:06Z\" level=error msg=\"a\\nb\\x01\\x7f\\xff\"\n" },
		{ "", "plain", "time=\"2026-11-30T22:42:06Z\" level=error msg=\"plain\"\n" },
		{ "json", "a\nb", "{\"level\":\"error\",\"msg\":\"a\\nb\",\"time\":\"2026-11-30T22:42:06Z\"}\n" },
	};
	struct sh_error err = { 0 };
	char *line, *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t i;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		assert_int_equal(sh_wrapper_runc_log_line(cases[i].format, cases[i].msg, 1796078526, &line, &err), 0);
		assert_string_equal(line, cases[i].want);
		free(line);
	}
	/* local time carries its offset, as Go's RFC 3339 does */
	setenv("TZ", "CET-1", 1);
	tzset();
	assert_int_equal(sh_wrapper_runc_log_line("json", "m", 1796078526, &line, &err), 0);
	assert_non_null(strstr(line, "\"time\":\"2026-11-30T23:42:06+01:00\""));
	free(line);
	assert_int_equal(sh_wrapper_runc_log_line("xml", "m", 0, &line, &err), -EINVAL);
	assert_null(line);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* sh_wrapper_run's failure lands in runc's --log file (appended, as runc does), in the format asked
 * for; without --log nothing is written. */
static void test_run_failure_in_runc_log(void **state)
{
	char cfg[PATH_MAX], dir[PATH_MAX], spec[PATH_MAX], log[PATH_MAX], opt[2 * PATH_MAX], *argv[16], *text = NULL;
	struct sh_error err = { 0 };
	int argc;

	(void)state;
	snprintf(cfg, sizeof(cfg), "%s/typo.json", tmpdir);
	write_file(cfg, "{\"env_fallbak\": true}", 0644);
	snprintf(log, sizeof(log), "%s/log.json", tmpdir);
	write_file(log, "{\"level\":\"info\",\"msg\":\"before\",\"time\":\"x\"}\n", 0644);
	mkbundle("asks", "{\"annotations\":{\"io.sriov.vf\":\"auto\"}}", dir, spec);
	argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "--root", "/r", "--log", log,
						    "--log-format", "json", "create", "--bundle", dir, "c1", NULL });
	assert_int_equal(sh_wrapper_run(argc, argv, &err), -EINVAL);
	assert_int_equal(sh_json_read_file(log, 4096, &text, &err), 0);
	snprintf(opt, sizeof(opt),
		 "{\"level\":\"info\",\"msg\":\"before\",\"time\":\"x\"}\n{\"level\":\"error\","
		 "\"msg\":\"sriov-runc: broken configuration %s: config: unknown key \\\"env_fallbak\\\" (known: ",
		 cfg);
	assert_non_null(strstr(text, opt));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);

	/* --log=F, default format: text */
	snprintf(log, sizeof(log), "%s/log.txt", tmpdir);
	snprintf(opt, sizeof(opt), "--log=%s", log);
	argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, opt, "create", "--bundle", dir,
						    "c1", NULL });
	assert_int_equal(sh_wrapper_run(argc, argv, &err), -EINVAL);
	assert_int_equal(sh_json_read_file(log, 4096, &text, &err), 0);
	assert_non_null(strstr(text, "level=error msg=\"sriov-runc: "));
	assert_non_null(strstr(text, "unknown key \\\"env_fallbak\\\""));
	free(text);
}

/* create of a container that asks: the hook is looked for next to the wrapper's executable (here
 * the test binary, which has none beside it), and its absence fails the create, naming it. */
static void test_prepare_create_needs_hook(void **state)
{
	char cfg[PATH_MAX], runc[PATH_MAX], spec[PATH_MAX], *argv[16], *before = NULL, *after = NULL;
	struct sh_wrapper_exec ex;
	struct sh_error err = { 0 };
	int argc;

	(void)state;
	standin_runc_config(cfg, runc);
	snprintf(spec, sizeof(spec), "%s/config.json", tmpdir);
	write_file(spec, "{\"annotations\":{\"io.sriov.vf\":\"auto\"}}", 0644);
	assert_int_equal(sh_json_read_file(spec, 4096, &before, &err), 0);
	argc = argv_of(argv, (const char *const[]){ "sriov-runc", "--sriov-config", cfg, "create", "--bundle", tmpdir,
						    "c1", NULL });
	assert_int_equal(sh_wrapper_prepare(argc, argv, &ex, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/sriov-hook (expected next to sriov-runc)"));
	assert_non_null(strstr(err.msg, tmpdir));
	sh_wrapper_exec_free(&ex);
	assert_int_equal(sh_json_read_file(spec, 4096, &after, &err), 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_table),
		cmocka_unit_test(test_cmdline_config_without_value),
		cmocka_unit_test(test_config_path),
		cmocka_unit_test(test_wants_sriov),
		cmocka_unit_test(test_add_hooks_table),
		cmocka_unit_test(test_add_hooks_wrong_types),
		cmocka_unit_test_setup_teardown(test_write_atomic_keeps_mode, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_write_atomic_failure_leaves_file, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_bundle, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_find_runc, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_passthrough, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_config_typo_fails_only_create_that_asks, setup_tmp,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_config_not_json, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_config_env_variables, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_runc_key_broken_fails_every_verb, setup_tmp,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_fifo, setup_tmp, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_create_needs_hook, setup_tmp, tmpdir_teardown),
		cmocka_unit_test(test_runc_log_line),
		cmocka_unit_test_setup_teardown(test_run_failure_in_runc_log, setup_tmp, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("wrapper", tests, NULL, NULL);
}
