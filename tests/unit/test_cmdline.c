/* The hook's command line and what a CDI device's arguments make of a run: options parsed (valid,
 * invalid, in any order), the devices of a container found among config.json's createRuntime hooks
 * (this program's entries only, in their order), their slots among the annotations', and which VFs
 * of the request each run acts on. Without root: bundles in a temporary directory. */
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
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/hook/cmdline.h"
#include "sriov-hook/hook/stage.h"

static const char *dir;

static int setup(void **state)
{
	if (tmpdir_setup_for(state, "cmdline") < 0)
		return -1;
	dir = *state;
	return 0;
}

#define ARGC(a) ((int)SH_ARRAY_SIZE(a) - 1)

/* ---- parsing ---------------------------------------------------------------------------------- */

static void test_parse_valid(void **state)
{
	char key[SH_DEVICE_MAX];
	struct sh_cmdline c;
	struct sh_error err = {0};

	(void)state;
	{
		char *const argv[] = {"sriov-hook", "createRuntime", NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &c, &err), 0);
		assert_true(c.has_stage);
		assert_int_equal(c.stage, SH_STAGE_CREATE_RUNTIME);
		assert_false(c.has_device);
		assert_null(c.config);
	}
	{
		char *const argv[] = {"sriov-hook", "--config", "/etc/x.json", "--pf", "ens1f0",
				      "--vf",	    "3",	"poststop",    NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &c, &err), 0);
		assert_int_equal(c.stage, SH_STAGE_POSTSTOP);
		assert_string_equal(c.config, "/etc/x.json");
		assert_true(c.has_device);
		assert_int_equal(c.device.select, SH_VF_INDEX);
		assert_int_equal(c.device.vf_index, 3);
		assert_string_equal(sh_request_selector_key(&c.device, key, sizeof(key)), "pf=ens1f0 vf=3");
	}
	{ /* --opt=value, options after the stage */
		char *const argv[] = {"sriov-hook", "createRuntime", "--vf=auto", "--pf=0000:3B:00.0", NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &c, &err), 0);
		assert_int_equal(c.device.select, SH_VF_AUTO);
		assert_string_equal(sh_request_selector_key(&c.device, key, sizeof(key)), "pf=0000:3b:00.0 vf=auto");
	}
	{ /* a VF PCI address needs no PF */
		char *const argv[] = {"sriov-hook", "--vf", "0000:3B:02.1", "createRuntime", NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &c, &err), 0);
		assert_int_equal(c.device.select, SH_VF_PCI);
		assert_string_equal(sh_request_selector_key(&c.device, key, sizeof(key)), "vf=0000:3b:02.1");
	}
	{
		char *const argv[] = {"sriov-hook", "--pool", "fast", "--", "createRuntime", NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &c, &err), 0);
		assert_int_equal(c.device.select, SH_VF_POOL);
		assert_string_equal(sh_request_selector_key(&c.device, key, sizeof(key)), "pool=fast");
	}
	{ /* --help and --version need no stage */
		char *const h[] = {"sriov-hook", "--help", NULL}, *const v[] = {"sriov-hook", "-V", NULL};

		assert_int_equal(sh_cmdline_parse(ARGC(h), h, &c, &err), 0);
		assert_true(c.help);
		assert_int_equal(sh_cmdline_parse(ARGC(v), v, &c, &err), 0);
		assert_true(c.version);
	}
}

static void test_parse_invalid(void **state)
{
	static const struct {
		const char *argv[10], *msg;
	} cases[] = {
		{{"sriov-hook", NULL}, "expected one stage argument: give createRuntime or poststop"},
		{{"sriov-hook", "--pf", "p", "--vf", "0", NULL}, "expected one stage argument"},
		{{"sriov-hook", "prestart", NULL}, "unknown stage \"prestart\" (expected createRuntime or poststop)"},
		{{"sriov-hook", "createruntime", NULL}, "unknown stage \"createruntime\""},
		{{"sriov-hook", "createRuntime", "poststop", NULL}, "unexpected argument \"poststop\" after the stage"},
		{{"sriov-hook", "--foo", "createRuntime", NULL}, "--foo: unknown option"},
		{{"sriov-hook", "-x", "createRuntime", NULL}, "-x: unknown option"},
		{{"sriov-hook", "--vfx=1", "createRuntime", NULL}, "--vfx=1: unknown option"},
		{{"sriov-hook", "createRuntime", "--vf", NULL}, "--vf needs a value: give --vf VF"},
		{{"sriov-hook", "--help=yes", NULL}, "--help takes no value"},
		{{"sriov-hook", "--config=", "createRuntime", NULL}, "--config: the file name is empty"},
		{{"sriov-hook", "--pf", "p", "--vf", "0", "--vf", "1", "createRuntime", NULL}, "--vf is given twice"},
		{{"sriov-hook", "--pf", "p", "createRuntime", NULL},
		 "--vf is missing: give it (a VF index, \"auto\" or a VF PCI address), or give --pool"},
		{{"sriov-hook", "--vf", "0", "createRuntime", NULL},
		 "--pf is missing: give it (a PF name or PCI address), or give --vf a VF PCI address"},
		{{"sriov-hook", "--pool", "fast", "--vf", "0", "createRuntime", NULL},
		 "--pool picks the VF: give it without --pf and --vf"},
		{{"sriov-hook", "--vf", "0", "--pool", "fast", "createRuntime", NULL}, "--pool picks the VF"},
		{{"sriov-hook", "--pool", "fast", "--pf", "p", "createRuntime", NULL}, "--pool picks the VF"},
		{{"sriov-hook", "--pf", "p", "--vf", "65536", "createRuntime", NULL},
		 "--vf: \"65536\" is not a VF index"},
		{{"sriov-hook", "--pf", "p", "--vf", "AUTO", "createRuntime", NULL}, "--vf: \"AUTO\" is not"},
		{{"sriov-hook", "--pf", "a/b", "--vf", "0", "createRuntime", NULL},
		 "--pf: \"a/b\" is not a PF netdev name"},
		{{"sriov-hook", "--pool", "-x", "createRuntime", NULL}, "--pool: \"-x\" is not a pool name"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = {0};
		struct sh_cmdline c;
		int argc = 0;

		while (cases[i].argv[argc])
			argc++;
		if (sh_cmdline_parse(argc, (char *const *)cases[i].argv, &c, &err) != -EINVAL)
			fail_msg("case %zu (%s ...): accepted", i, argc > 1 ? cases[i].argv[1] : "");
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
	}
}

/* ---- the devices of a container ------------------------------------------------------------- */

static void path_in_dir(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

/* Files standing for this program (self, and a symlink to it) and for another one. */
static void make_programs(char *self, char *link, char *other)
{
	path_in_dir(self, "sriov-hook");
	path_in_dir(link, "hook-link");
	path_in_dir(other, "other-hook");
	write_text(self, "#!/bin/true\n");
	write_text(other, "#!/bin/true\n");
	unlink(link);
	assert_int_equal(symlink(self, link), 0);
}

/* A config.json whose createRuntime hooks are, in order: a device of this program, another program
 * with the same arguments, this program for the annotations, a device through a symlink, this
 * program with arguments that do not parse, the first device again (asked for twice), and whatever
 * the test adds in extra. */
static char *spec_json(const char *self, const char *link, const char *other, const char *extra)
{
	enum { SIZE = 16384 };
	char *json = malloc(SIZE);

	assert_non_null(json);
	assert_true(snprintf(json, SIZE,
			     "{\"annotations\": {}, \"linux\": {\"namespaces\": [{\"type\": \"network\"}]},"
			     " \"hooks\": {\"prestart\": [{\"path\": \"%s\", \"args\": [\"h\", \"--pool\", \"x\", "
			     "\"createRuntime\"]}],"
			     " \"createRuntime\": ["
			     "{\"path\": \"%s\", \"args\": [\"sriov-hook\", \"--pf\", \"p0\", \"--vf\", \"0\", "
			     "\"createRuntime\"]},"
			     "{\"path\": \"%s\", \"args\": [\"other\", \"--pf\", \"p0\", \"--vf\", \"1\", "
			     "\"createRuntime\"]},"
			     "{\"path\": \"%s\", \"args\": [\"sriov-hook\", \"createRuntime\"]},"
			     "{\"path\": \"%s\", \"args\": [\"sriov-hook\", \"createRuntime\", \"--pool\", \"fast\"]},"
			     "{\"path\": \"%s\", \"args\": [\"sriov-hook\", \"--bogus\", \"createRuntime\"]},"
			     "{\"path\": \"%s\"},"
			     "{\"path\": \"%s\", \"args\": [\"sriov-hook\", \"--vf=2\", \"--pf=p0\", "
			     "\"createRuntime\"]}%s]}}",
			     self, self, other, self, link, self, self, self, extra) < SIZE);
	return json;
}

static void test_devices_from_hooks(void **state)
{
	char self[PATH_MAX], link[PATH_MAX], other[PATH_MAX], key[SH_DEVICE_MAX];
	struct sh_vf_request devs[SH_MAX_VFS], own = {0};
	struct sh_error err = {0};
	struct sh_spec spec;
	char *json;
	size_t n;

	(void)state;
	make_programs(self, link, other);
	json = spec_json(self, link, other, "");
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	assert_int_equal(spec.n_create_runtime, 7);
	assert_int_equal(sh_stage_devices(&spec, self, NULL, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(sh_request_selector_key(&devs[0], key, sizeof(key)), "pf=p0 vf=0");
	assert_string_equal(sh_request_selector_key(&devs[1], key, sizeof(key)), "pool=fast");
	assert_string_equal(sh_request_selector_key(&devs[2], key, sizeof(key)), "pf=p0 vf=2");
	/* this run's device among them: nothing added; run by hand: its device comes last */
	assert_int_equal(sh_request_set_selector(&own, "pool", "fast", "--pool", &err), 0);
	assert_int_equal(sh_stage_devices(&spec, self, &own, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sh_request_set_selector(&own, "pool", "slow", "--pool", &err), 0);
	assert_int_equal(sh_stage_devices(&spec, self, &own, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(devs[3].pool, "slow");
	/* seen from another program, none is its own */
	assert_int_equal(sh_stage_devices(&spec, other, NULL, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sh_request_selector_key(&devs[0], key, sizeof(key)), "pf=p0 vf=1");
	sh_oci_spec_free(&spec);
	free(json);
	/* another install of the hook (a hooks.d file and a CDI spec naming two of them): by its name */
	json = spec_json(self, link, other,
			 ",{\"path\": \"/nonexistent/bin/sriov-hook\", \"args\": [\"sriov-hook\", \"--pool\", \"far\", "
			 "\"createRuntime\"]}");
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	assert_int_equal(sh_stage_devices(&spec, self, NULL, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(sh_request_selector_key(&devs[3], key, sizeof(key)), "pool=far");
	/* the same device twice (--device X --device X): refused, saying so */
	free(json);
	json = spec_json(self, link, other,
			 ",{\"path\": \"/nonexistent/bin/sriov-hook\", \"args\": [\"sriov-hook\", \"--pf\", \"p0\", "
			 "\"--vf\", \"2\", \"createRuntime\"]}");
	sh_oci_spec_free(&spec);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	assert_int_equal(sh_stage_devices(&spec, self, NULL, devs, SH_MAX_VFS, &n, &err), -EINVAL);
	assert_string_equal(err.msg, "the same CDI device (\"pf=p0 vf=2\") is asked twice: give each --device once");
	free(json);
	/* a device that leaves the VF open (a pool, a PF's any free VF) asked twice is two VFs */
	json = spec_json(self, link, other,
			 ",{\"path\": \"/nonexistent/bin/sriov-hook\", \"args\": [\"sriov-hook\", \"--pool\", \"fast\", "
			 "\"createRuntime\"]}");
	sh_oci_spec_free(&spec);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	assert_int_equal(sh_stage_devices(&spec, self, NULL, devs, SH_MAX_VFS, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(sh_request_selector_key(&devs[3], key, sizeof(key)), "pool=fast");
	free(json);
	json = spec_json(self, link, other,
			 ",{\"path\": \"/nonexistent/bin/sriov-hook\", \"args\": [\"sriov-hook\", \"--pool\", \"far\", "
			 "\"createRuntime\"]}");
	sh_oci_spec_free(&spec);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	/* more devices than slots */
	assert_int_equal(sh_stage_devices(&spec, self, NULL, devs, 2, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more than 2 sriov-hook CDI devices"));
	assert_int_equal(sh_stage_devices(&spec, "/nonexistent/sriov-hook", NULL, devs, SH_MAX_VFS, &n, &err), -ENOENT);
	sh_oci_spec_free(&spec);
	free(json);
}

/* sh_stage_prepare at createRuntime for a run with device (NULL: the annotations' run), on a
 * bundle with the hooks above and annotations. */
static int prepare(struct sh_stage_input *in, const char *self, const struct sh_vf_request *device,
		   const char *annotations, const char *pools, struct sh_error *err)
{
	char link[PATH_MAX], other[PATH_MAX], bundle[PATH_MAX], file[PATH_MAX + 16], state[PATH_MAX + 64];
	char *json, *spec;
	int len;

	make_programs((char *)self, link, other);
	json = spec_json(self, link, other, "");
	/* the annotations go in place of the empty object */
	len = asprintf(&spec, "{\"annotations\": %s%s", annotations, strstr(json, ", \"linux\""));
	assert_true(len > 0);
	path_in_dir(bundle, "bundle");
	assert_int_equal(mkdir_p(bundle), 0);
	snprintf(file, sizeof(file), "%s/config.json", bundle);
	write_text(file, spec);
	free(spec);
	free(json);
	memset(in, 0, sizeof(*in));
	in->stage = SH_STAGE_CREATE_RUNTIME;
	in->device = device;
	in->self = self;
	sh_config_defaults(&in->cfg);
	if (pools)
		assert_int_equal(sh_config_parse(pools, &in->cfg, err), 0);
	snprintf(state, sizeof(state), "{\"id\": \"c1\", \"pid\": 4242, \"bundle\": \"%s\"}", bundle);
	assert_int_equal(sh_oci_state_parse(state, &in->state, err), 0);
	return sh_stage_prepare(in, err);
}

static const char pools[] = "{\"pools\": {\"fast\": {\"vfs\": [\"p1#0-3\"], \"vlan\": 7}}}";

static void test_prepare_device_runs(void **state)
{
	char self[PATH_MAX];
	struct sh_cmdline cmd;
	struct sh_error err = {0};
	struct sh_stage_input in;
	char *const argv[] = {"sriov-hook", "--pf", "p0", "--vf", "0", "createRuntime", NULL};
	char *const pool_argv[] = {"sriov-hook", "--pool", "fast", "createRuntime", NULL};

	(void)state;
	path_in_dir(self, "sriov-hook");
	/* io.sriov.* goes to the first device, io.sriov.1.* to the second (the pool's), io.sriov.3.*
	 * asks for a VF of its own (the annotations' run attaches it) */
	assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &cmd, &err), 0);
	if (prepare(&in, self, &cmd.device,
		    "{\"io.sriov.ip\": \"10.0.0.2/24\", \"io.sriov.ifname\": \"eth0\", \"io.sriov.1.ifname\": \"net1\","
		    " \"io.sriov.1.mtu\": \"9000\", \"io.sriov.3.pf\": \"p9\", \"io.sriov.3.vf\": \"auto\"}",
		    pools, &err) != 0)
		fail_msg("prepare: %s", err.msg);
	assert_int_equal(in.req.n, 4);
	assert_string_equal(in.req.vf[0].device, "pf=p0 vf=0");
	assert_int_equal(in.req.vf[0].slot, 0);
	assert_string_equal(in.req.vf[0].ifname, "eth0");
	assert_int_equal(in.req.vf[0].n_addrs, 1);
	assert_false(in.req.vf[0].elsewhere);
	assert_string_equal(in.req.vf[1].device, "pool=fast");
	assert_string_equal(in.req.vf[1].ifname, "net1");
	assert_int_equal(in.req.vf[1].mtu, 9000);
	assert_int_equal(in.req.vf[1].cfg.vlan, 7); /* the pool's settings */
	assert_true(in.req.vf[1].elsewhere);
	assert_string_equal(in.req.vf[2].device, "pf=p0 vf=2");
	assert_true(in.req.vf[2].elsewhere);
	assert_string_equal(in.req.vf[3].device, "");
	assert_int_equal(in.req.vf[3].slot, 3);
	assert_string_equal(in.req.vf[3].pf, "p9");
	assert_true(in.req.vf[3].elsewhere);
	assert_string_equal(in.ctx.device, "pf=p0 vf=0");
	assert_string_equal(in.ctx.netns_path, "/proc/4242/ns/net");
	sh_stage_input_free(&in);

	/* the pool device's run: its own VF only, the others' are elsewhere */
	assert_int_equal(sh_cmdline_parse(ARGC(pool_argv), pool_argv, &cmd, &err), 0);
	assert_int_equal(prepare(&in, self, &cmd.device, "{}", pools, &err), 0);
	assert_int_equal(in.req.n, 3);
	assert_true(in.req.vf[0].elsewhere);
	assert_false(in.req.vf[1].elsewhere);
	assert_true(in.req.vf[2].elsewhere);
	sh_stage_input_free(&in);

	/* the annotations' run (hooks.d): the devices are elsewhere; nothing of its own, no namespace */
	assert_int_equal(prepare(&in, self, NULL, "{\"io.sriov.ip\": \"10.0.0.2/24\"}", pools, &err), 0);
	assert_int_equal(in.req.n, 3);
	assert_true(in.req.vf[0].elsewhere && in.req.vf[1].elsewhere && in.req.vf[2].elsewhere);
	assert_string_equal(in.ctx.device, "");
	assert_string_equal(in.ctx.netns_path, "");
	sh_stage_input_free(&in);
}

static void test_prepare_device_refusals(void **state)
{
	static const struct {
		const char *annotations, *pools, *msg;
	} cases[] = {
		/* an annotation may not name the VF of a device's slot */
		{"{\"io.sriov.vf\": \"1\"}", pools,
		 "annotation io.sriov.vf: slot 0 is CDI device \"pf=p0 vf=0\", whose hook names its VF"},
		{"{\"io.sriov.1.pool\": \"fast\"}", pools,
		 "annotation io.sriov.1.pool: slot 1 is CDI device \"pool=fast\""},
		{"{\"io.sriov.2.pf\": \"p3\"}", pools, "annotation io.sriov.2.pf: slot 2 is CDI device"},
		/* the pool device's settings are the administrator's */
		{"{\"io.sriov.1.vlan\": \"8\"}", pools,
		 "annotation io.sriov.1.vlan: the VFs of pool \"fast\" have vlan 7, set by the administrator"},
		/* the pool is gone from the configuration since the spec was generated */
		{"{}", NULL, "CDI device \"pool=fast\": no pool \"fast\" in the configuration (pools: none)"},
		/* every device's slot is checked, not only this run's */
		{"{\"io.sriov.1.mtu\": \"1\"}", pools, "annotation io.sriov.1.mtu"},
	};
	char self[PATH_MAX];
	struct sh_cmdline cmd;
	char *const argv[] = {"sriov-hook", "--pf", "p0", "--vf", "0", "createRuntime", NULL};
	size_t i;

	(void)state;
	path_in_dir(self, "sriov-hook");
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_error err = {0};
		struct sh_stage_input in;

		assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &cmd, &err), 0);
		if (prepare(&in, self, &cmd.device, cases[i].annotations, cases[i].pools, &err) == 0)
			fail_msg("%s: accepted", cases[i].annotations);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].annotations, err.msg, cases[i].msg);
		sh_stage_input_free(&in);
	}
}

/* poststop: the run knows its device by its arguments alone (the bundle is not read). */
static void test_prepare_poststop(void **state)
{
	struct sh_cmdline cmd;
	struct sh_error err = {0};
	struct sh_stage_input in;
	char *const argv[] = {"sriov-hook", "--vf", "0000:3b:02.0", "poststop", NULL};

	(void)state;
	assert_int_equal(sh_cmdline_parse(ARGC(argv), argv, &cmd, &err), 0);
	memset(&in, 0, sizeof(in));
	in.stage = SH_STAGE_POSTSTOP;
	in.device = &cmd.device;
	sh_config_defaults(&in.cfg);
	assert_int_equal(sh_oci_state_parse("{\"id\": \"c1\", \"bundle\": \"/nonexistent\"}", &in.state, &err), 0);
	assert_int_equal(sh_stage_prepare(&in, &err), 0);
	assert_string_equal(in.ctx.device, "vf=0000:3b:02.0");
	assert_int_equal(in.req.n, 0);
	sh_stage_input_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_devices_from_hooks),
		cmocka_unit_test(test_prepare_device_runs),
		cmocka_unit_test(test_prepare_device_refusals),
		cmocka_unit_test(test_prepare_poststop),
	};

	return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
