/* The OCI inputs: the state on stdin (runc's and podman's), the container id check, the bundle's
 * config.json (annotations, network namespace, process.env) and which netns the hook acts on. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/input/oci.h"

/* ---- state ------------------------------------------------------------------------------------- */

/* What runc 1.1 writes on a createRuntime hook's stdin. */
static const char runc_state[] =
	"{\"ociVersion\":\"1.0.2-dev\",\"id\":\"3f2a9c1d\",\"status\":\"creating\",\"pid\":12345,"
	"\"bundle\":\"/run/bundles/3f2a9c1d\"}";

/* podman (through crun) adds the annotations. */
static const char podman_state[] =
	"{\"ociVersion\":\"1.0.0\",\"id\":\"9c1d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d\","
	"\"status\":\"created\",\"pid\":4242,"
	"\"bundle\":\"/var/lib/containers/storage/overlay-containers/9c1d/userdata\","
	"\"annotations\":{\"io.container.manager\":\"libpod\",\"io.sriov.pf\":\"ens1f0\",\"io.sriov.vf\":\"auto\"}}";

static void test_state_runc(void **state)
{
	struct sh_state st;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_oci_state_parse(runc_state, &st, &err), 0);
	assert_string_equal(st.id, "3f2a9c1d");
	assert_string_equal(st.status, "creating");
	assert_int_equal(st.pid, 12345);
	assert_string_equal(st.bundle, "/run/bundles/3f2a9c1d");
	assert_false(st.has_annotations);
	assert_int_equal(st.annotations.n, 0);
	sh_oci_state_free(&st);
	assert_null(st.id);
}

static void test_state_podman(void **state)
{
	struct sh_state st;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_oci_state_parse(podman_state, &st, &err), 0);
	assert_string_equal(st.id, "9c1d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d");
	assert_int_equal(st.pid, 4242);
	assert_true(st.has_annotations);
	assert_int_equal(st.annotations.n, 3);
	assert_string_equal(sh_annotations_get(&st.annotations, "io.sriov.pf"), "ens1f0");
	assert_string_equal(sh_annotations_get(&st.annotations, "io.sriov.vf"), "auto");
	assert_string_equal(sh_annotations_get(&st.annotations, "io.container.manager"), "libpod");
	sh_oci_state_free(&st);
}

static void test_state_optional_fields(void **state)
{
	struct sh_state st;
	struct sh_error err = { 0 };

	(void)state;
	/* poststop: no pid, no status; null annotations count as none */
	assert_int_equal(sh_oci_state_parse("{\"id\":\"c1\",\"bundle\":\"/b\",\"annotations\":null}", &st, &err), 0);
	assert_int_equal(st.pid, 0);
	assert_null(st.status);
	assert_false(st.has_annotations);
	sh_oci_state_free(&st);
	/* an empty annotations object is still "the state carries annotations" */
	assert_int_equal(
		sh_oci_state_parse("{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":0,\"annotations\":{}}", &st, &err), 0);
	assert_true(st.has_annotations);
	assert_int_equal(st.annotations.n, 0);
	sh_oci_state_free(&st);
}

static const struct {
	const char *json;
	const char *msg;
} bad_states[] = {
	{ "{\"bundle\":\"/b\",\"pid\":1}", "missing \"id\"" },
	{ "{\"id\":\"c1\",\"pid\":1}", "missing \"bundle\"" },
	{ "{\"id\":42,\"bundle\":\"/b\"}", "\"id\" is not a string" },
	{ "{\"id\":null,\"bundle\":\"/b\"}", "\"id\" is not a string" },
	{ "{\"id\":\"c1\",\"bundle\":[\"/b\"]}", "\"bundle\" is not a string" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"status\":1}", "\"status\" is not a string" },
	{ "{\"id\":\"c1/../x\",\"bundle\":\"/b\"}", "container id" },
	{ "{\"id\":\"c 1\",\"bundle\":\"/b\"}", "container id" },
	{ "{\"id\":\".hidden\",\"bundle\":\"/b\"}", "container id" },
	{ "{\"id\":\"c1\\n\",\"bundle\":\"/b\"}", "container id" },
	{ "{\"id\":\"c1:2\",\"bundle\":\"/b\"}", "container id" },
	{ "{\"id\":\"a/b\",\"bundle\":\"/b\"}", "container id \"a/b\" has a character other than" },
	{ "{\"id\":\"..\",\"bundle\":\"/b\"}", "container id \"..\" begins with a dot" },
	{ "{\"id\":\"a\\u001bb\",\"bundle\":\"/b\"}", "has a character other than" },
	{ "{\"id\":\"\\u007f\",\"bundle\":\"/b\"}", "has a character other than" },
	{ "{\"id\":\"\",\"bundle\":\"/b\"}", "container id is empty" },
	/* yajl's tree would make this "abc": refused before the id is looked at */
	{ "{\"id\":\"abc\\u0000../x\",\"bundle\":\"/b\"}", "OCI state has a string or key with an escaped NUL" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\\u0000/x\"}", "escaped NUL" },
	{ "{\"id\":\"c1\",\"bundle\":\"relative/bundle\"}", "not an absolute path" },
	{ "{\"id\":\"c1\",\"bundle\":\"\"}", "not an absolute path" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":-1}", "\"pid\"" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":4294967296}", "\"pid\"" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":\"12\"}", "\"pid\"" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"pid\":1.5}", "\"pid\"" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"annotations\":[]}", "annotations is not an object" },
	{ "{\"id\":\"c1\",\"bundle\":\"/b\",\"annotations\":{\"io.sriov.vf\":3}}", "io.sriov.vf is not a string" },
	{ "not json", "OCI state is not valid JSON" },
	{ "", "OCI state is not valid JSON" },
	{ "{\"id\":\"c1\",", "OCI state is not valid JSON" },
	{ "[{\"id\":\"c1\",\"bundle\":\"/b\"}]", "OCI state is not a JSON object" },
};

static void test_state_invalid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad_states); i++) {
		struct sh_state st;
		struct sh_error err = { 0 };
		int r = sh_oci_state_parse(bad_states[i].json, &st, &err);

		if (r != -EINVAL)
			fail_msg("%s: want -EINVAL, got %d", bad_states[i].json, r);
		if (!strstr(err.msg, bad_states[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad_states[i].json, err.msg, bad_states[i].msg);
		/* nothing is left allocated (and freeing again is harmless) */
		assert_null(st.id);
		assert_null(st.bundle);
		assert_int_equal(st.annotations.n, 0);
		sh_oci_state_free(&st);
	}
}

static void test_id_validate(void **state)
{
	static const struct {
		const char *id;
		bool ok;
	} cases[] = {
		{ "c1", true },
		{ "a", true },
		{ "My_Container-1.2+3", true },
		{ "9c1d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d", true },
		{ "c..1", true },
		{ "", false },
		{ ".", false },
		{ "..", false },
		{ ".c", false },
		{ "a/b", false },
		{ "/", false },
		{ "a b", false },
		{ "a\tb", false },
		{ "a:b", false },
		{ "a*", false },
		{ "caf\xc3\xa9", false },
	};
	char long_id[256];
	struct sh_error err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		int r = sh_container_id_validate(cases[i].id, &err);

		if ((r == 0) != cases[i].ok)
			fail_msg("sh_container_id_validate(\"%s\"): %d", cases[i].id, r);
		if (r)
			assert_int_equal(r, -EINVAL);
	}
	/* safe as a file name: bounded length */
	memset(long_id, 'a', sizeof(long_id));
	long_id[200] = '\0';
	assert_int_equal(sh_container_id_validate(long_id, &err), 0);
	long_id[200] = 'a';
	long_id[201] = '\0';
	assert_int_equal(sh_container_id_validate(long_id, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is longer than 200 characters"));
}

/* 1,000 characters, as a runtime could hand over: refused with a message that stays short. */
static void test_id_1000(void **state)
{
	char json[1200], id[1001];
	struct sh_state st;
	struct sh_error err = { 0 };

	(void)state;
	memset(id, 'a', 1000);
	id[1000] = '\0';
	snprintf(json, sizeof(json), "{\"id\":\"%s\",\"bundle\":\"/b\"}", id);
	assert_int_equal(sh_oci_state_parse(json, &st, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is longer than 200 characters"));
	assert_true(strlen(err.msg) < 200);
}

/* The io.sriov.* values are bounded (a 1 MiB one is refused, naming the key); other tools'
 * annotations are not the hook's to judge. */
static void test_annotation_value_limit(void **state)
{
	size_t big = 1u << 20, n = big + 200;
	char *json = malloc(n);
	struct sh_spec spec;
	struct sh_state st;
	struct sh_error err = { 0 };
	int len;

	(void)state;
	assert_non_null(json);
	/* SH_ANNOTATION_VALUE_MAX bytes: fine */
	len = snprintf(json, n, "{\"annotations\":{\"io.sriov.ip\":\"%0*d\"}}", SH_ANNOTATION_VALUE_MAX, 0);
	assert_true(len > 0 && (size_t)len < n);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	sh_oci_spec_free(&spec);
	/* one more: refused */
	snprintf(json, n, "{\"annotations\":{\"io.sriov.ip\":\"%0*d\"}}", SH_ANNOTATION_VALUE_MAX + 1, 0);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), -E2BIG);
	assert_string_equal(err.msg, "config.json: annotation io.sriov.ip has 4097 bytes: give at most 4096");
	/* 1 MiB, in config.json and in the state */
	snprintf(json, n, "{\"annotations\":{\"io.sriov.1.mac\":\"%0*d\"}}", (int)big, 0);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "annotation io.sriov.1.mac has 1048576 bytes"));
	snprintf(json, n, "{\"id\":\"c1\",\"bundle\":\"/b\",\"annotations\":{\"io.sriov.vf\":\"%0*d\"}}", (int)big, 0);
	assert_int_equal(sh_oci_state_parse(json, &st, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "OCI state: annotation io.sriov.vf has 1048576 bytes"));
	/* someone else's: kept whole */
	snprintf(json, n, "{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"%0*d\"}}", (int)big,
		 0);
	assert_int_equal(sh_oci_spec_parse(json, &spec, &err), 0);
	assert_int_equal(
		strlen(sh_annotations_get(&spec.annotations, "kubectl.kubernetes.io/last-applied-configuration")), big);
	sh_oci_spec_free(&spec);
	free(json);
}

/* ---- config.json ------------------------------------------------------------------------------ */

static void test_spec_full(void **state)
{
	static const char spec_json[] =
		"{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"env\":[\"PATH=/"
		"bin\",\"SRIOV_VF=auto\",\"TERM=xterm\"]},"
		"\"annotations\":{\"io.sriov.pf\":\"ens1f0\",\"io.sriov.vf\":\"0\",\"io.sriov.ip\":\"10.100.0.10/24\"},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"mount\"}]}}";
	struct sh_spec spec;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_oci_spec_parse(spec_json, &spec, &err), 0);
	assert_int_equal(spec.annotations.n, 3);
	assert_string_equal(sh_annotations_get(&spec.annotations, "io.sriov.ip"), "10.100.0.10/24");
	assert_int_equal(spec.netns, SH_NETNS_NEW);
	assert_null(spec.netns_path);
	assert_int_equal(spec.n_env, 3);
	assert_string_equal(spec.env[0], "PATH=/bin");
	assert_string_equal(spec.env[1], "SRIOV_VF=auto");
	assert_string_equal(spec.env[2], "TERM=xterm");
	sh_oci_spec_free(&spec);
}

/* Where the container's work is: its cpuset and its character devices (block devices and FIFOs
 * are no PCI device's nodes). "" is no cpuset, as runc reads it. */
static void test_spec_cpus_and_devices(void **state)
{
	static const char spec_json[] =
		"{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"2-3,8\"}},\"devices\":["
		"{\"type\":\"c\",\"path\":\"/dev/dri/renderD128\",\"major\":226,\"minor\":128},"
		"{\"type\":\"b\",\"path\":\"/dev/sda\",\"major\":8,\"minor\":0},"
		"{\"type\":\"c\",\"path\":\"/dev/fuse\",\"major\":10,\"minor\":229}]}}";
	struct sh_spec spec;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_oci_spec_parse(spec_json, &spec, &err), 0);
	assert_true(spec.has_cpus);
	assert_true(sh_cpuset_has(&spec.cpus, 2) && sh_cpuset_has(&spec.cpus, 8) && !sh_cpuset_has(&spec.cpus, 4));
	assert_int_equal(spec.n_chardevs, 2);
	assert_string_equal(spec.chardevs[0].path, "/dev/dri/renderD128");
	assert_int_equal(spec.chardevs[0].major, 226);
	assert_int_equal(spec.chardevs[1].minor, 229);
	sh_oci_spec_free(&spec);
	assert_int_equal(sh_oci_spec_parse("{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"\"}}}}", &spec, &err), 0);
	assert_false(spec.has_cpus);
	sh_oci_spec_free(&spec);
}

static void test_spec_netns(void **state)
{
	static const struct {
		const char *json;
		enum sh_netns_kind kind;
		const char *path;
	} cases[] = {
		/* no linux section, no namespaces, no network entry: host networking */
		{ "{}", SH_NETNS_HOST, NULL },
		{ "{\"linux\":{}}", SH_NETNS_HOST, NULL },
		{ "{\"linux\":{\"namespaces\":[]}}", SH_NETNS_HOST, NULL },
		{ "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"uts\"}]}}", SH_NETNS_HOST, NULL },
		{ "{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", SH_NETNS_NEW, NULL },
		{ "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"\"}]}}", SH_NETNS_NEW, NULL },
		{ "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"}]}}",
		  SH_NETNS_PATH, "/var/run/netns/cni-1" },
		{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\",\"path\":\"/x\"},{\"type\":\"network\",\"path\":"
		  "\"/proc/77/ns/net\"}]}}",
		  SH_NETNS_PATH, "/proc/77/ns/net" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		struct sh_spec spec;
		struct sh_error err = { 0 };

		if (sh_oci_spec_parse(cases[i].json, &spec, &err) != 0)
			fail_msg("%s: %s", cases[i].json, err.msg);
		if (spec.netns != cases[i].kind)
			fail_msg("%s: netns kind %d, want %d", cases[i].json, spec.netns, cases[i].kind);
		if (cases[i].path)
			assert_string_equal(spec.netns_path, cases[i].path);
		else
			assert_null(spec.netns_path);
		sh_oci_spec_free(&spec);
	}
}

static const struct {
	const char *json;
	const char *msg;
} bad_specs[] = {
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"run/netns/x\"}]}}", "not absolute" },
	{ "{\"linux\":{\"namespaces\":{\"type\":\"network\"}}}", "linux.namespaces is not an array" },
	{ "{\"linux\":{\"namespaces\":[{\"path\":\"/x\"}]}}", "has no type" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":5}]}}", "has no type" },
	{ "{\"annotations\":[\"io.sriov.pf=x\"]}", "annotations is not an object" },
	{ "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"3-1\"}}}}", "linux.resources.cpu.cpus \"3-1\" is not a CPU list" },
	{ "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":4}}}}", "is not a CPU list" },
	{ "{\"linux\":{\"devices\":{}}}", "linux.devices is not an array" },
	{ "{\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1}]}}", "linux.devices[0] lacks" },
	{ "{\"annotations\":{\"io.sriov.pf\":null}}", "io.sriov.pf is not a string" },
	{ "{\"annotations\":{\"io.sriov.mtu\":1500}}", "io.sriov.mtu is not a string" },
	{ "{", "config.json is not valid JSON" },
	{ "[]", "config.json is not a JSON object" },
};

static void test_spec_invalid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad_specs); i++) {
		struct sh_spec spec;
		struct sh_error err = { 0 };
		int r = sh_oci_spec_parse(bad_specs[i].json, &spec, &err);

		if (r != -EINVAL)
			fail_msg("%s: want -EINVAL, got %d", bad_specs[i].json, r);
		if (!strstr(err.msg, bad_specs[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", bad_specs[i].json, err.msg, bad_specs[i].msg);
		assert_int_equal(spec.annotations.n, 0);
		assert_null(spec.netns_path);
		assert_null(spec.env);
	}
}

static void test_spec_no_annotations_no_env(void **state)
{
	struct sh_spec spec;
	struct sh_error err = { 0 };

	(void)state;
	assert_int_equal(sh_oci_spec_parse("{\"annotations\":null,\"process\":{\"args\":[\"sh\"]}}", &spec, &err), 0);
	assert_int_equal(spec.annotations.n, 0);
	assert_int_equal(spec.n_env, 0);
	sh_oci_spec_free(&spec);
}

static void test_spec_load(void **state)
{
	const char *bundle = *state;
	char path[PATH_MAX];
	struct sh_spec spec;
	struct sh_error err = { 0 };
	FILE *f;

	/* no config.json in the bundle */
	assert_int_equal(sh_oci_spec_load(bundle, &spec, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "read bundle config"));
	assert_non_null(strstr(err.msg, bundle));

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"annotations\":{\"io.sriov.pf\":\"p0\"},\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", f);
	fclose(f);
	assert_int_equal(sh_oci_spec_load(bundle, &spec, &err), 0);
	assert_string_equal(sh_annotations_get(&spec.annotations, "io.sriov.pf"), "p0");
	assert_int_equal(spec.netns, SH_NETNS_NEW);
	sh_oci_spec_free(&spec);
}

/* ---- which network namespace -------------------------------------------------------------------- */

static void test_netns_path(void **state)
{
	struct sh_state st = { .pid = 4242 };
	struct sh_spec spec = { .netns = SH_NETNS_NEW };
	struct sh_error err = { 0 };
	char out[PATH_MAX];

	(void)state;
	/* the runtime created it: the container's init holds it */
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), 0);
	assert_string_equal(out, "/proc/4242/ns/net");

	/* a given path wins over the pid */
	spec.netns = SH_NETNS_PATH;
	spec.netns_path = "/var/run/netns/cni-1234";
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), 0);
	assert_string_equal(out, "/var/run/netns/cni-1234");
	st.pid = 0;
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), 0);
	assert_string_equal(out, "/var/run/netns/cni-1234");

	/* neither a pid nor a path */
	spec.netns = SH_NETNS_NEW;
	spec.netns_path = NULL;
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no pid"));

	/* host networking is refused, pid or not */
	st.pid = 4242;
	spec.netns = SH_NETNS_HOST;
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "host networking"));
}

/* From the two JSON documents to the path, as the hook does. */
static void test_netns_path_from_documents(void **state)
{
	struct sh_state st;
	struct sh_spec spec;
	struct sh_error err = { 0 };
	char out[PATH_MAX];

	(void)state;
	assert_int_equal(sh_oci_state_parse(runc_state, &st, &err), 0);
	assert_int_equal(sh_oci_spec_parse("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}", &spec, &err), 0);
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), 0);
	assert_string_equal(out, "/proc/12345/ns/net");
	sh_oci_spec_free(&spec);

	assert_int_equal(sh_oci_spec_parse("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", &spec, &err), 0);
	assert_int_equal(sh_oci_netns_path(&st, &spec, out, &err), -EINVAL);
	sh_oci_spec_free(&spec);
	sh_oci_state_free(&st);
}

static int tmpdir_setup(void **state)
{
	return tmpdir_setup_for(state, "oci");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_runc),
		cmocka_unit_test(test_state_podman),
		cmocka_unit_test(test_state_optional_fields),
		cmocka_unit_test(test_state_invalid),
		cmocka_unit_test(test_id_validate),
		cmocka_unit_test(test_id_1000),
		cmocka_unit_test(test_annotation_value_limit),
		cmocka_unit_test(test_spec_full),
		cmocka_unit_test(test_spec_cpus_and_devices),
		cmocka_unit_test(test_spec_netns),
		cmocka_unit_test(test_spec_invalid),
		cmocka_unit_test(test_spec_no_annotations_no_env),
		cmocka_unit_test_setup_teardown(test_spec_load, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_netns_path),
		cmocka_unit_test(test_netns_path_from_documents),
	};

	return cmocka_run_group_tests_name("oci", tests, NULL, NULL);
}
