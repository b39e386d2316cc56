/* What a vfio container is told, as JSON and as variables: one place for both, so that the file
 * and the environment never disagree. Nothing here touches the system. */
#include "sriov-hook/store/vfioinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/jsongen.h"

void sh_vfio_info_from_record(const struct sh_record *r, int numa_node, struct sh_vfio_info *out)
{
	const struct sh_vf_cfg *mac = (r->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) ? &r->applied : &r->orig;
	const struct sh_vf_cfg *vlan = (r->knobs & SH_KNOB_BIT(SH_KNOB_VLAN)) ? &r->applied : &r->orig;

	memset(out, 0, sizeof(*out));
	snprintf(out->pci, sizeof(out->pci), "%s", r->vf_pci);
	snprintf(out->pf, sizeof(out->pf), "%s", r->pf_name);
	out->vf = r->vf_index;
	out->iommu_group = r->iommu_group;
	memcpy(out->mac, mac->mac, 6);
	out->vlan = vlan->vlan;
	out->qos = vlan->qos;
	out->numa_node = numa_node;
}

static bool mac_known(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) != 0;
}

int sh_vfio_info_json(const struct sh_vfio_info *vfs, size_t n, char **out, struct sh_error *err)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	char mac[18], node[32];
	size_t i;

	sh_jgen_start(&j, "    ");
	sh_jgen_map_open(&j);
	sh_jgen_str(&j, "vfs");
	sh_jgen_array_open(&j);
	for (i = 0; i < n; i++) {
		sh_jgen_map_open(&j);
		sh_jgen_kv_str(&j, "pci", vfs[i].pci);
		sh_jgen_kv_str(&j, "pf", vfs[i].pf);
		sh_jgen_kv_int(&j, "vf", vfs[i].vf);
		sh_jgen_kv_int(&j, "iommu_group", vfs[i].iommu_group);
		sh_jgen_str(&j, "device_nodes");
		sh_jgen_array_open(&j);
		sh_jgen_str(&j, "/dev/vfio/vfio");
		snprintf(node, sizeof(node), "/dev/vfio/%d", vfs[i].iommu_group);
		sh_jgen_str(&j, node);
		sh_jgen_array_close(&j);
		sh_jgen_str(&j, "mac");
		if (mac_known(vfs[i].mac))
			sh_jgen_str(&j, sh_format_mac(vfs[i].mac, mac));
		else
			sh_jgen_null(&j); /* the PF gives it none (yet): the driver picks its own */
		sh_jgen_kv_int(&j, "vlan", vfs[i].vlan);
		sh_jgen_kv_int(&j, "qos", vfs[i].qos);
		sh_jgen_kv_int(&j, "numa_node", vfs[i].numa_node);
		sh_jgen_map_close(&j);
	}
	sh_jgen_array_close(&j);
	sh_jgen_map_close(&j);
	return sh_jgen_finish(&j, "vfio info", out, NULL, err);
}

enum field { F_PCI, F_GROUP, F_MAC, F_VLAN, F_NUMA };
static const char *const field_keys[] = {"PCI", "IOMMU_GROUP", "MAC", "VLAN", "NUMA_NODE"};
_Static_assert(SH_ARRAY_SIZE(field_keys) + 1 == SH_VFIO_ENV_COUNT, "the fields, then INFO");

static void put_value(FILE *f, const struct sh_vfio_info *v, enum field k)
{
	char mac[18];

	switch (k) {
	case F_PCI:
		fputs(v->pci, f);
		break;
	case F_GROUP:
		fprintf(f, "%d", v->iommu_group);
		break;
	case F_MAC:
		if (mac_known(v->mac))
			fputs(sh_format_mac(v->mac, mac), f);
		break;
	case F_VLAN:
		fprintf(f, "%u", v->vlan);
		break;
	case F_NUMA:
		fprintf(f, "%d", v->numa_node);
		break;
	}
}

int sh_vfio_info_env(const struct sh_vfio_info *vfs, size_t n, const char *suffix, const char *info_path,
		     char *env[SH_VFIO_ENV_COUNT], struct sh_error *err)
{
	size_t k, i, len;
	FILE *f;

	memset(env, 0, sizeof(char *) * SH_VFIO_ENV_COUNT);
	for (k = 0; k < SH_VFIO_ENV_COUNT; k++) {
		if (!(f = open_memstream(&env[k], &len)))
			break;
		if (k == SH_ARRAY_SIZE(field_keys)) {
			fprintf(f, SH_VFIO_ENV_PREFIX "INFO%s=%s", suffix, info_path);
		} else {
			fprintf(f, SH_VFIO_ENV_PREFIX "%s%s=", field_keys[k], suffix);
			for (i = 0; i < n; i++) {
				if (i)
					fputc(',', f);
				put_value(f, &vfs[i], (enum field)k);
			}
		}
		if (fclose(f) != 0)
			break;
	}
	if (k < SH_VFIO_ENV_COUNT) {
		sh_vfio_info_env_free(env);
		return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}

void sh_vfio_info_env_free(char *env[SH_VFIO_ENV_COUNT])
{
	size_t k;

	for (k = 0; k < SH_VFIO_ENV_COUNT; k++) {
		free(env[k]);
		env[k] = NULL;
	}
}
