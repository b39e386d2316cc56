/* config.json edits for vfio VFs: device nodes with their cgroup rules, variables (an old entry
 * of the same name replaced), the info file's read-only mount, each added where the spec has the
 * field or with the field when it has none; everything else written back as read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/runc/specedit.h"

static const struct sh_devnode nodes[] = {{"/dev/vfio/vfio", 10, 196}, {"/dev/vfio/12", 243, 0}};
static char *env[] = {"SRIOV_VFIO_PCI=0000:01:10.0", "SRIOV_VFIO_INFO=/run/sriov/vfio.json"};
static const struct sh_spec_edits vfio = {.nodes = nodes,
					  .n_nodes = 2,
					  .env = env,
					  .n_env = 2,
					  .mount_source = "/run/sriov-hook/info/c1.json",
					  .mount_destination = "/run/sriov/vfio.json"};

#define DEV_VFIO "{\"path\":\"/dev/vfio/vfio\",\"type\":\"c\",\"major\":10,\"minor\":196,\"fileMode\":438,\"uid\":0,\"gid\":0}"
#define DEV_12 "{\"path\":\"/dev/vfio/12\",\"type\":\"c\",\"major\":243,\"minor\":0,\"fileMode\":438,\"uid\":0,\"gid\":0}"
#define RULE_VFIO "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":196,\"access\":\"rwm\"}"
#define RULE_12 "{\"allow\":true,\"type\":\"c\",\"major\":243,\"minor\":0,\"access\":\"rwm\"}"
#define MOUNT                                                                                                          \
	"{\"destination\":\"/run/sriov/vfio.json\",\"type\":\"bind\",\"source\":\"/run/sriov-hook/info/c1.json\","   \
	"\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]}"

static char *edit(const char *in, const struct sh_spec_edits *e, int want_r)
{
	struct sh_error err = {0};
	yajl_val spec;
	char *out = NULL;
	size_t len;

	assert_int_equal(sh_json_parse(in, "spec", &spec, &err), 0);
	assert_int_equal(sh_spec_edit(spec, e, &out, &len, &err), want_r);
	if (out)
		assert_int_equal(len, strlen(out));
	yajl_tree_free(spec);
	return out;
}

static void test_added_to_what_is_there(void **state)
{
	/* docker's shape: a deny-all rule first, env, mounts; numbers and order kept */
	char *out = edit("{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"PATH=/bin\",\"SRIOV_VFIO_PCI=stale\"],"
			 "\"cwd\":\"/\"},\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}],"
			 "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
			 "\"memory\":{\"limit\":1e9}},\"devices\":[],\"namespaces\":[]}}",
			 &vfio, 0);

	(void)state;
	assert_non_null(out);
	assert_string_equal(out, "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"PATH=/bin\","
				 "\"SRIOV_VFIO_PCI=0000:01:10.0\",\"SRIOV_VFIO_INFO=/run/sriov/vfio.json\"],\"cwd\":\"/\"},"
				 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"}," MOUNT "],"
				 "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}," RULE_VFIO
				 "," RULE_12 "],\"memory\":{\"limit\":1e9}},\"devices\":[" DEV_VFIO "," DEV_12
				 "],\"namespaces\":[]}}");
	free(out);
}

static void test_fields_made_when_absent(void **state)
{
	char *out = edit("{\"process\":{\"args\":[\"sh\"]},\"linux\":{}}", &vfio, 0);

	(void)state;
	assert_non_null(out);
	assert_string_equal(out, "{\"process\":{\"args\":[\"sh\"],\"env\":[\"SRIOV_VFIO_PCI=0000:01:10.0\","
				 "\"SRIOV_VFIO_INFO=/run/sriov/vfio.json\"]},\"linux\":{\"devices\":[" DEV_VFIO "," DEV_12
				 "],\"resources\":{\"devices\":[" RULE_VFIO "," RULE_12 "]}},\"mounts\":[" MOUNT "]}");
	free(out);
}

static void test_with_hooks_in_one_rewrite(void **state)
{
	struct sh_hook_ref hook = {.path = "/usr/libexec/sriov-hook"};
	struct sh_spec_edits e = vfio;
	char *out;

	(void)state;
	e.hook = &hook;
	out = edit("{\"process\":{},\"linux\":{}}", &e, 0);
	assert_non_null(out);
	assert_non_null(strstr(out, "\"hooks\":{\"createRuntime\":[{\"path\":\"/usr/libexec/sriov-hook\""));
	assert_non_null(strstr(out, "\"/dev/vfio/12\""));
	free(out);
	/* the hook there already, no vfio edits: nothing to write */
	e = (struct sh_spec_edits){.hook = &hook};
	assert_null(edit("{\"hooks\":{\"createRuntime\":[{\"path\":\"/x/sriov-hook\"}],\"poststop\":[{\"path\":"
			 "\"/usr/libexec/sriov-hook\"}]}}",
			 &e, 0));
}

static void test_wrong_types_refused(void **state)
{
	static const struct {
		const char *spec, *field;
	} bad[] = {
		{"{\"process\":[]}", "\"process\""},
		{"{\"process\":{\"env\":{}}}", "\"process.env\""},
		{"{\"linux\":[]}", "\"linux\""},
		{"{\"linux\":{\"devices\":{}}}", "\"linux.devices\""},
		{"{\"linux\":{\"resources\":[]}}", "\"linux.resources\""},
		{"{\"linux\":{\"resources\":{\"devices\":\"x\"}}}", "\"linux.resources.devices\""},
		{"{\"mounts\":{}}", "\"mounts\""},
	};
	struct sh_error err = {0};
	yajl_val spec;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++) {
		assert_int_equal(sh_json_parse(bad[i].spec, "spec", &spec, &err), 0);
		assert_int_equal(sh_spec_edit(spec, &vfio, &out, &len, &err), -EINVAL);
		assert_null(out);
		if (!strstr(err.msg, bad[i].field))
			fail_msg("%s: message \"%s\" lacks %s", bad[i].spec, err.msg, bad[i].field);
		yajl_tree_free(spec);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_to_what_is_there),
		cmocka_unit_test(test_fields_made_when_absent),
		cmocka_unit_test(test_with_hooks_in_one_rewrite),
		cmocka_unit_test(test_wrong_types_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
