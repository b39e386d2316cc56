/* What a vfio container is told: the facts of a claim record (the MAC and VLAN the claim set, else
 * those it found), the JSON file and the variables, which say the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/store/vfioinfo.h"

static void record(struct sh_record *r, const char *pci, unsigned index, int group)
{
	static const uint8_t found[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, set[6] = {2, 0, 0, 0, 0, 1};

	memset(r, 0, sizeof(*r));
	snprintf(r->vf_pci, sizeof(r->vf_pci), "%s", pci);
	snprintf(r->pf_name, sizeof(r->pf_name), "ens1f0");
	r->vf_index = index;
	r->iommu_group = group;
	memcpy(r->orig.mac, found, 6);
	r->orig.vlan = 7;
	memcpy(r->applied.mac, set, 6);
	r->applied.vlan = 100;
	r->applied.qos = 3;
}

static void test_from_record(void **state)
{
	struct sh_vfio_info v;
	struct sh_record r;

	(void)state;
	record(&r, "0000:01:10.0", 0, 12);
	sh_vfio_info_from_record(&r, 1, &v);
	/* nothing set by the claim: what it found */
	assert_memory_equal(v.mac, r.orig.mac, 6);
	assert_int_equal(v.vlan, 7);
	assert_int_equal(v.numa_node, 1);
	assert_int_equal(v.iommu_group, 12);
	/* the MAC and the VLAN the claim set */
	r.knobs = SH_KNOB_BIT(SH_KNOB_MAC) | SH_KNOB_BIT(SH_KNOB_VLAN);
	sh_vfio_info_from_record(&r, -1, &v);
	assert_memory_equal(v.mac, r.applied.mac, 6);
	assert_int_equal(v.vlan, 100);
	assert_int_equal(v.qos, 3);
	assert_string_equal(v.pci, "0000:01:10.0");
	assert_string_equal(v.pf, "ens1f0");
}

static void test_json_and_env_agree(void **state)
{
	struct sh_vfio_info v[2];
	struct sh_record r;
	struct sh_error err = {0};
	char *json, *env[SH_VFIO_ENV_COUNT];

	(void)state;
	record(&r, "0000:01:10.0", 0, 12);
	r.knobs = SH_KNOB_BIT(SH_KNOB_MAC);
	sh_vfio_info_from_record(&r, -1, &v[0]);
	record(&r, "0000:01:10.2", 1, 13);
	sh_vfio_info_from_record(&r, 0, &v[1]);
	assert_int_equal(sh_vfio_info_json(v, 2, &json, &err), 0);
	assert_non_null(strstr(json, "\"pci\": \"0000:01:10.0\""));
	assert_non_null(strstr(json, "\"device_nodes\": [\n                \"/dev/vfio/vfio\",\n                \"/dev/vfio/12\""));
	assert_non_null(strstr(json, "\"mac\": \"02:00:00:00:00:01\""));
	assert_non_null(strstr(json, "\"mac\": \"52:54:00:12:34:56\""));
	assert_non_null(strstr(json, "\"numa_node\": -1"));
	assert_non_null(strstr(json, "\"vf\": 1"));
	free(json);
	assert_int_equal(sh_vfio_info_env(v, 2, "", "/run/sriov/vfio.json", env, &err), 0);
	assert_string_equal(env[0], "SRIOV_VFIO_PCI=0000:01:10.0,0000:01:10.2");
	assert_string_equal(env[1], "SRIOV_VFIO_IOMMU_GROUP=12,13");
	assert_string_equal(env[2], "SRIOV_VFIO_MAC=02:00:00:00:00:01,52:54:00:12:34:56");
	assert_string_equal(env[3], "SRIOV_VFIO_VLAN=7,7");
	assert_string_equal(env[4], "SRIOV_VFIO_NUMA_NODE=-1,0");
	assert_string_equal(env[5], "SRIOV_VFIO_INFO=/run/sriov/vfio.json");
	sh_vfio_info_env_free(env);
	/* a CDI device's: its suffix on every name */
	assert_int_equal(sh_vfio_info_env(v, 1, "_ENS1F0_0", "/run/sriov/vfio/ens1f0-0.json", env, &err), 0);
	assert_string_equal(env[0], "SRIOV_VFIO_PCI_ENS1F0_0=0000:01:10.0");
	assert_string_equal(env[5], "SRIOV_VFIO_INFO_ENS1F0_0=/run/sriov/vfio/ens1f0-0.json");
	sh_vfio_info_env_free(env);
	assert_null(env[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_record),
		cmocka_unit_test(test_json_and_env_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
