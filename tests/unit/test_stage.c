/* One hook run without root: the OCI state read from a pipe, the request built from the state's or
 * the bundle's annotations (and the environment), which network namespace is chosen, the
 * container's name, and the one line a failed run prints. Bundles and configurations live in a
 * temporary directory; nothing here reaches the sandbox or the system. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/stage.h"

static const char *dir; /* the current test's temporary directory */

static int setup(void **state)
{
	if (tmpdir_setup_for(state, "stage") < 0)
		return -1;
	dir = *state;
	return 0;
}

/* The read end of a pipe that carries text, then EOF: stdin as a runtime hands it. More than a
 * pipe holds is written by a child, which pipe_done reaps. */
static int pipe_with(const char *text, size_t len)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if (len <= 4096) {
		assert_int_equal(write(p[1], text, len), (ssize_t)len);
	} else if (fork() == 0) {
		close(p[0]);
		while (len > 0) {
			ssize_t n = write(p[1], text, len);

			if (n <= 0)
				_exit(1); /* the reader stopped at its limit */
			text += n;
			len -= n;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void pipe_done(int fd)
{
	close(fd);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* The bundle dir/<name> with config.json = spec; returns its path (static buffer). */
static const char *bundle(const char *name, const char *spec)
{
	static char path[PATH_MAX];
	char file[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mkdir_p(path), 0);
	snprintf(file, sizeof(file), "%s/config.json", path);
	write_text(file, spec);
	return path;
}

/* in for stage with the state parsed from json and default configuration (env_fallback as given). */
static void input_for(struct sh_stage_input *in, enum sh_stage stage, const char *json, bool env_fallback)
{
	struct sh_error err = { 0 };

	memset(in, 0, sizeof(*in));
	in->stage = stage;
	sh_config_defaults(&in->cfg);
	in->cfg.env_fallback = env_fallback;
	if (sh_oci_state_parse(json, &in->state, &err) < 0)
		fail_msg("state %s: %s", json, err.msg);
}

/* ---- stages ------------------------------------------------------------------------------------ */

static void test_stage_names(void **state)
{
	enum sh_stage s;

	(void)state;
	assert_true(sh_stage_from_name("createRuntime", &s));
	assert_int_equal(s, SH_STAGE_CREATE_RUNTIME);
	assert_string_equal(sh_stage_name(s), "createRuntime");
	assert_true(sh_stage_from_name("poststop", &s));
	assert_int_equal(s, SH_STAGE_POSTSTOP);
	assert_string_equal(sh_stage_name(s), "poststop");
	/* the other OCI stages are not the hook's, and names are case-sensitive as in the spec */
	assert_false(sh_stage_from_name("prestart", &s));
	assert_false(sh_stage_from_name("createruntime", &s));
	assert_false(sh_stage_from_name("", &s));
}

/* ---- the state on stdin ------------------------------------------------------------------------- */

static void test_read_state(void **state)
{
	static const char json[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
				   "\"bundle\":\"/b\"}";
	struct sh_error err = { 0 };
	struct sh_state st;
	int fd;

	(void)state;
	fd = pipe_with(json, strlen(json));
	assert_int_equal(sh_stage_read_state(fd, &st, &err), 0);
	close(fd);
	assert_string_equal(st.id, "c1");
	assert_int_equal(st.pid, 42);
	sh_oci_state_free(&st);

	/* nothing at all (a runtime that closed stdin) */
	fd = pipe_with("", 0);
	assert_int_equal(sh_stage_read_state(fd, &st, &err), -EINVAL);
	close(fd);
	assert_non_null(strstr(err.msg, "OCI state is not valid JSON"));
}

static void test_read_state_limits(void **state)
{
	size_t big = SH_STATE_MAX_BYTES + 1;
	char *text = malloc(big);
	struct sh_error err = { 0 };
	struct sh_state st;
	int fd;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', big);
	fd = pipe_with(text, big);
	assert_int_equal(sh_stage_read_state(fd, &st, &err), -EFBIG);
	pipe_done(fd);
	assert_string_equal(err.msg, "read OCI state from stdin: more than 1048576 bytes");
	free(text);

	fd = pipe_with("{\"id\":\"c1\",\"bundle\":\"/b\"}\0{}", 28);
	assert_int_equal(sh_stage_read_state(fd, &st, &err), -EINVAL);
	close(fd);
	assert_string_equal(err.msg, "read OCI state from stdin: a NUL byte at offset 25");
}

/* ---- the request, the namespace and the name ------------------------------------------------------ */

/* runc: no annotations in the state, the bundle's are used; the namespace is the init's. */
static void test_prepare_runc(void **state)
{
	struct sh_stage_input in;
	struct sh_error err = { 0 };
	char json[PATH_MAX + 128];
	const char *b;

	(void)state;
	b = bundle("runc", "{\"annotations\":{\"io.sriov.pf\":\"ens1f0\",\"io.sriov.vf\":\"3\"},"
			   "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(json, sizeof(json), "{\"id\":\"c1\",\"pid\":4242,\"bundle\":\"%s\"}", b);
	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_int_equal(in.req.n, 1);
	assert_string_equal(in.req.vf[0].pf, "ens1f0");
	assert_int_equal(in.req.vf[0].vf_index, 3);
	assert_string_equal(in.ctx.netns_path, "/proc/4242/ns/net");
	assert_ptr_equal(in.ctx.cfg, &in.cfg);
	assert_ptr_equal(in.ctx.state, &in.state);
	assert_ptr_equal(in.ctx.req, &in.req);
	assert_null(in.ctx.name);
	sh_stage_input_free(&in);
}

/* podman: the state carries the annotations and they are the ones used, even when config.json
 * holds others (here invalid ones); a path in config.json names the namespace. */
static void test_prepare_state_annotations_win(void **state)
{
	struct sh_stage_input in;
	struct sh_error err = { 0 };
	char json[PATH_MAX + 256];
	const char *b;

	(void)state;
	b = bundle("podman", "{\"annotations\":{\"io.sriov.vf\":\"not a number\"},"
			     "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/run/netns/netns-1\"}]}}");
	snprintf(json, sizeof(json),
		 "{\"id\":\"c1\",\"pid\":4242,\"bundle\":\"%s\",\"annotations\":{\"io.sriov.pf\":\"p0\","
		 "\"io.sriov.vf\":\"auto\",\"io.container.manager\":\"libpod\"}}",
		 b);
	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_int_equal(in.req.n, 1);
	assert_int_equal(in.req.vf[0].select, SH_VF_AUTO);
	assert_string_equal(in.ctx.netns_path, "/run/netns/netns-1");
	sh_stage_input_free(&in);
}

/* With env_fallback, SRIOV_<KEY> variables of the process ask for a VF; without it they do not. */
static void test_prepare_env_fallback(void **state)
{
	struct sh_stage_input in;
	struct sh_error err = { 0 };
	char json[PATH_MAX + 128];
	const char *b;

	(void)state;
	b = bundle("env", "{\"process\":{\"env\":[\"PATH=/bin\",\"SRIOV_PF=p0\",\"SRIOV_VF=1\"]},"
			  "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(json, sizeof(json), "{\"id\":\"c1\",\"pid\":7,\"bundle\":\"%s\"}", b);
	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_int_equal(in.req.n, 0);
	assert_string_equal(in.ctx.netns_path, "");
	sh_stage_input_free(&in);

	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, true);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_int_equal(in.req.n, 1);
	assert_string_equal(in.req.vf[0].pf, "p0");
	assert_int_equal(in.req.vf[0].vf_index, 1);
	assert_string_equal(in.ctx.netns_path, "/proc/7/ns/net");
	sh_stage_input_free(&in);
}

/* Which namespace: none is needed when nothing is asked (host networking is then fine); asked
 * for, host networking and a missing pid are refused. */
static void test_prepare_netns_choice(void **state)
{
	static const struct {
		const char *namespaces; /* linux.namespaces */
		const char *pid;	/* ",\"pid\":N" or "" */
		bool ask;
		const char *netns; /* NULL: refused with msg */
		const char *msg;
	} cases[] = {
		{ "[{\"type\":\"network\"}]", ",\"pid\":99", true, "/proc/99/ns/net", NULL },
		{ "[{\"type\":\"network\",\"path\":\"/proc/5/ns/net\"}]", ",\"pid\":99", true, "/proc/5/ns/net", NULL },
		{ "[{\"type\":\"network\",\"path\":\"/var/run/netns/x\"}]", "", true, "/var/run/netns/x", NULL },
		{ "[{\"type\":\"pid\"}]", ",\"pid\":99", true, NULL, "host networking" },
		{ "[{\"type\":\"pid\"}]", ",\"pid\":99", false, "", NULL },
		{ "[{\"type\":\"network\"}]", "", true, NULL, "OCI state has no pid" },
		{ "[{\"type\":\"network\"}]", "", false, "", NULL },
		{ "[{\"type\":\"network\",\"path\":\"netns/x\"}]", ",\"pid\":99", true, NULL, "is not absolute" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_stage_input in;
		struct sh_error err = { 0 };
		char spec[512], json[PATH_MAX + 128], name[16];
		const char *b;
		int r;

		snprintf(spec, sizeof(spec), "{\"annotations\":{%s},\"linux\":{\"namespaces\":%s}}",
			 cases[i].ask ? "\"io.sriov.pf\":\"p0\",\"io.sriov.vf\":\"0\"" : "", cases[i].namespaces);
		snprintf(name, sizeof(name), "ns%zu", i);
		b = bundle(name, spec);
		snprintf(json, sizeof(json), "{\"id\":\"c1\"%s,\"bundle\":\"%s\"}", cases[i].pid, b);
		input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
		r = sh_stage_prepare(&in, &err);
		if (cases[i].netns) {
			if (r != 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_string_equal(in.ctx.netns_path, cases[i].netns);
		} else {
			assert_int_equal(r, -EINVAL);
			if (!strstr(err.msg, cases[i].msg))
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
		}
		sh_stage_input_free(&in);
	}
}

/* Errors of the bundle reach the caller with what was being read. */
static void test_prepare_bundle_errors(void **state)
{
	struct sh_stage_input in;
	struct sh_error err = { 0 };
	char json[PATH_MAX + 128], path[PATH_MAX + 16];
	const char *b;

	(void)state;
	b = bundle("fifo", "{}");
	snprintf(path, sizeof(path), "%s/config.json", b);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(json, sizeof(json), "{\"id\":\"c1\",\"pid\":7,\"bundle\":\"%s\"}", b);
	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
	alarm(10);
	assert_int_equal(sh_stage_prepare(&in, &err), -EINVAL);
	alarm(0);
	assert_non_null(strstr(err.msg, "read bundle config: "));
	assert_non_null(strstr(err.msg, "config.json: not a regular file (a FIFO)"));
	sh_stage_input_free(&in);

	b = bundle("badvlan",
		   "{\"annotations\":{\"io.sriov.pf\":\"p0\",\"io.sriov.vf\":\"0\",\"io.sriov.vlan\":\"5000\"},"
		   "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(json, sizeof(json), "{\"id\":\"c1\",\"pid\":7,\"bundle\":\"%s\"}", b);
	input_for(&in, SH_STAGE_CREATE_RUNTIME, json, false);
	assert_int_equal(sh_stage_prepare(&in, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "io.sriov.vlan"));
	sh_stage_input_free(&in);
}

/* poststop reads no bundle (it may be gone or broken by then) and asks for nothing: the claim
 * store knows what the container holds. */
static void test_prepare_poststop(void **state)
{
	struct sh_stage_input in;
	struct sh_error err = { 0 };
	char json[PATH_MAX + 256];
	const char *b;

	(void)state;
	b = bundle("gone", "{broken");
	snprintf(json, sizeof(json),
		 "{\"id\":\"c1\",\"status\":\"stopped\",\"bundle\":\"%s\",\"annotations\":"
		 "{\"io.sriov.vf\":\"0\",\"io.kubernetes.cri-o.ContainerName\":\"k8s_app_pod_ns_uid_0\"}}",
		 b);
	input_for(&in, SH_STAGE_POSTSTOP, json, true);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_int_equal(in.req.n, 0);
	assert_string_equal(in.ctx.netns_path, "");
	assert_string_equal(in.ctx.name, "k8s_app_pod_ns_uid_0");
	sh_stage_input_free(&in);
}

static void test_container_name(void **state)
{
	static const struct {
		const char *kv[8]; /* key, value, ..., NULL */
		const char *name;
	} cases[] = {
		/* podman 4.3 and docker 20.10 (measured): no name among the annotations */
		{ { "io.container.manager", "libpod", "io.podman.annotations.autoremove", "TRUE", NULL }, NULL },
		{ { NULL }, NULL },
		{ { "io.kubernetes.cri-o.ContainerName", "k8s_web_pod-1_default_0a1b_0", NULL },
		  "k8s_web_pod-1_default_0a1b_0" },
		{ { "io.kubernetes.cri.container-name", "web", NULL }, "web" },
		{ { "nerdctl/name", "my-nginx", NULL }, "my-nginx" },
		{ { "io.kubernetes.container.name", "web", NULL }, "web" },
		/* the most specific first, whatever the order in the document */
		{ { "nerdctl/name", "n", "io.kubernetes.cri-o.ContainerName", "k8s_c", NULL }, "k8s_c" },
		/* unusable: left out, not refused */
		{ { "nerdctl/name", "", NULL }, NULL },
		{ { "nerdctl/name", "a\nb", NULL }, NULL },
		{ { "nerdctl/name", "a\x1b[31mred", NULL }, NULL },
	};
	char long_name[SH_NAME_MAX + 2];
	struct sh_annotations a;
	size_t i, k;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		const char *got;

		memset(&a, 0, sizeof(a));
		for (k = 0; cases[i].kv[k]; k += 2)
			assert_int_equal(sh_annotations_add(&a, cases[i].kv[k], cases[i].kv[k + 1]), 0);
		got = sh_stage_container_name(&a);
		if (cases[i].name && (!got || strcmp(got, cases[i].name)))
			fail_msg("case %zu: got %s, want %s", i, got ? got : "NULL", cases[i].name);
		if (!cases[i].name && got)
			fail_msg("case %zu: got %s, want NULL", i, got);
		sh_annotations_free(&a);
	}
	memset(long_name, 'n', sizeof(long_name));
	long_name[SH_NAME_MAX] = '\0';
	memset(&a, 0, sizeof(a));
	assert_int_equal(sh_annotations_add(&a, "nerdctl/name", long_name), 0);
	assert_non_null(sh_stage_container_name(&a));
	sh_annotations_free(&a);
	long_name[SH_NAME_MAX] = 'n';
	long_name[SH_NAME_MAX + 1] = '\0';
	assert_int_equal(sh_annotations_add(&a, "nerdctl/name", long_name), 0);
	assert_null(sh_stage_container_name(&a));
	sh_annotations_free(&a);
}

/* ---- a whole run that fails before the sandbox ----------------------------------------------- */

struct stage_run {
	enum sh_stage stage;
	const char *config, *state_json;
	struct sh_error *err;
	int r;
};

static void stage_run(void *arg)
{
	struct stage_run *run = arg;
	int in = pipe_with(run->state_json, strlen(run->state_json));

	run->r = sh_stage_run(run->stage, run->config, NULL, in, run->err);
	close(in);
}

/* sh_stage_run with the state text on its stdin fd; its stderr in out (one string). */
static int run_capturing(enum sh_stage stage, const char *config, const char *state_json, char *out, size_t len,
			 struct sh_error *err)
{
	struct stage_run run = {.stage = stage, .config = config, .state_json = state_json, .err = err};

	capture_stderr_in(dir, stage_run, &run, out, len);
	return run.r;
}

static void test_run_failures(void **state)
{
	char config[PATH_MAX], json[PATH_MAX + 128], out[2048], want[SH_ERR_MAX + PATH_MAX + 256], fifo[PATH_MAX];
	struct sh_error err = { 0 };
	const char *b;

	(void)state;
	snprintf(config, sizeof(config), "%s/hook.json", dir);
	write_text(config, "{\"log\": \"stderr\"}");

	/* the state cannot be read: the id is not known yet */
	assert_int_equal(run_capturing(SH_STAGE_CREATE_RUNTIME, config, "{\"id\":", out, sizeof(out), &err), -EINVAL);
	assert_string_equal(out,
			    "sriov-hook: -: createRuntime: OCI state is not valid JSON: parse error: premature EOF at line 1, column 7\n");

	/* a bad annotation: one line with the id and the stage, the message as err has it */
	b = bundle("run", "{\"annotations\":{\"io.sriov.pf\":\"p0\",\"io.sriov.vf\":\"0\",\"io.sriov.mtu\":\"9x\"},"
			  "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(json, sizeof(json), "{\"id\":\"run-1\",\"pid\":7,\"bundle\":\"%s\"}", b);
	assert_int_equal(run_capturing(SH_STAGE_CREATE_RUNTIME, config, json, out, sizeof(out), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "io.sriov.mtu"));
	assert_string_equal(strchr(out, '\n'), "\n"); /* one line */
	snprintf(want, sizeof(want), "sriov-hook: run-1: createRuntime: %s\n", err.msg);
	assert_string_equal(out, want);

	/* the configuration file is a FIFO */
	snprintf(fifo, sizeof(fifo), "%s/hook.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	assert_int_equal(run_capturing(SH_STAGE_CREATE_RUNTIME, fifo, json, out, sizeof(out), &err), -EINVAL);
	alarm(0);
	assert_non_null(strstr(out, "sriov-hook: run-1: createRuntime: load config: "));
	/* (poststop goes on without it, into the sandbox: tests/integration/broken_config.sh) */
	assert_non_null(strstr(out, "hook.fifo: not a regular file (a FIFO)\n"));

	/* the configured log is a FIFO nobody reads: not waited on, and not a failure of the run; the
	 * lines go down to the next sink (here stderr: no journal, no syslog), which says why first */
	sh_log_set_system_sockets("/nonexistent/journal", "/nonexistent/dev-log");
	snprintf(config, sizeof(config), "%s/hook-fifo-log.json", dir);
	{
		char text[PATH_MAX + 32];

		snprintf(text, sizeof(text), "{\"log\": \"%s\"}", fifo);
		write_text(config, text);
	}
	b = bundle("fifo", "{\"annotations\":{\"io.sriov.pf\":\"p0\",\"io.sriov.vf\":\"0\",\"io.sriov.mtu\":\"9x\"},"
			   "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(json, sizeof(json), "{\"id\":\"run-1\",\"pid\":7,\"bundle\":\"%s\"}", b);
	alarm(10);
	assert_int_equal(run_capturing(SH_STAGE_CREATE_RUNTIME, config, json, out, sizeof(out), &err), -EINVAL);
	alarm(0);
	snprintf(want, sizeof(want),
		 "sriov-hook: run-1: createRuntime: log: the file (%s) is not available: No such device or address; "
		 "logging to stderr from here on\nsriov-hook: run-1: createRuntime: %s\n",
		 fifo, err.msg);
	assert_string_equal(out, want);
	sh_log_set_system_sockets(NULL, NULL);

	/* control characters quoted from the input stay on the one line */
	b = bundle("ctl", "{\"annotations\":{\"io.sriov.pf\":\"p0\",\"io.sriov.vf\":\"0\",\"io.sriov.mtu\":\"1\\n2\"},"
			  "\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}");
	snprintf(config, sizeof(config), "%s/hook.json", dir);
	snprintf(json, sizeof(json), "{\"id\":\"run-2\",\"pid\":7,\"bundle\":\"%s\"}", b);
	assert_int_equal(run_capturing(SH_STAGE_CREATE_RUNTIME, config, json, out, sizeof(out), &err), -EINVAL);
	assert_non_null(strchr(err.msg, '\n'));
	assert_string_equal(strchr(out, '\n'), "\n");
	assert_non_null(strstr(out, "1\\x0a2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_names),
		cmocka_unit_test(test_read_state),
		cmocka_unit_test(test_read_state_limits),
		cmocka_unit_test_setup_teardown(test_prepare_runc, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_state_annotations_win, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_env_fallback, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_netns_choice, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_bundle_errors, setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_prepare_poststop, setup, tmpdir_teardown),
		cmocka_unit_test(test_container_name),
		cmocka_unit_test_setup_teardown(test_run_failures, setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("stage", tests, NULL, NULL);
}
