/* What a vfio container is told, as JSON and as variables: one place for both, so that the file
 * and the environment never disagree. Nothing here touches the system. */
#include "sriov-hook/store/vfioinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "sriov-hook/core/json.h"

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
	_cleanup_json_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char mac[18], node[32];
	size_t i, len;

	*out = NULL;
	if (!g)
		return sh_err(err, ENOMEM, "out of memory");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	sh_json_gen_str(g, "vfs");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		sh_json_gen_kv_str(g, "pci", vfs[i].pci);
		sh_json_gen_kv_str(g, "pf", vfs[i].pf);
		sh_json_gen_kv_int(g, "vf", vfs[i].vf);
		sh_json_gen_kv_int(g, "iommu_group", vfs[i].iommu_group);
		sh_json_gen_str(g, "device_nodes");
		yajl_gen_array_open(g);
		sh_json_gen_str(g, "/dev/vfio/vfio");
		snprintf(node, sizeof(node), "/dev/vfio/%d", vfs[i].iommu_group);
		sh_json_gen_str(g, node);
		yajl_gen_array_close(g);
		sh_json_gen_str(g, "mac");
		if (mac_known(vfs[i].mac))
			sh_json_gen_str(g, sh_format_mac(vfs[i].mac, mac));
		else
			yajl_gen_null(g); /* the PF gives it none (yet): the driver picks its own */
		sh_json_gen_kv_int(g, "vlan", vfs[i].vlan);
		sh_json_gen_kv_int(g, "qos", vfs[i].qos);
		sh_json_gen_kv_int(g, "numa_node", vfs[i].numa_node);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return sh_err(err, EINVAL, "vfio info: cannot serialize");
	if (!(*out = strndup((const char *)buf, len)))
		return sh_err(err, ENOMEM, "out of memory");
	return 0;
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
