/* The CDI specs: one device per VF, per PF and per netdev pool, each the hook's two stages with
 * arguments that name its VF, so that each device of a container is handled by its own hook run;
 * and one device per VF of a vfio pool, whose device nodes, environment and JSON file the engine
 * gives the container before it starts. The JSON is yajl's; the files are replaced atomically,
 * since engines read the CDI directories at any time. */
#include "sriov-hook/ctl/cdi.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sriov-hook/core/fileio.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/core/jsongen.h"
#include "sriov-hook/ctl/inventory.h"
#include "sriov-hook/ctl/output.h"
#include "sriov-hook/store/info.h"
#include "sriov-hook/store/vfioinfo.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"
#include "sriov-hook/sys/vfio.h"

const char *sh_cdi_version(bool digit_name)
{
	return digit_name ? "0.5.0" : "0.3.0";
}

/* As the CDI library checks a device name: letters, digits, '_', '-', '.', ':', beginning and
 * ending with a letter or digit. */
static bool cdi_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || !isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_-.:", name[i]))
			return false;
	return true;
}

/* One device: its name, and the hook arguments that name its VF (NULL-terminated pairs). */
struct device {
	char name[128];
	const char *sel[8];
};

struct plan {
	struct device *dev;
	size_t n, cap;
	bool digit_name;
};

static int add_device(struct plan *p, const char *name, struct device **out, struct sh_error *err)
{
	struct device *d;
	size_t i;

	if (!cdi_name_valid(name))
		return sh_err(err, EINVAL, "\"%s\" is not a valid CDI device name", name);
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->dev[i].name, name))
			return sh_err(err, EEXIST,
				      "two devices would be called \"%s\" (a pool may not have the name of a PF's "
				      "device)",
				      name);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;

		if (!(d = reallocarray(p->dev, cap, sizeof(*d))))
			return sh_err(err, ENOMEM, "out of memory");
		p->dev = d;
		p->cap = cap;
	}
	d = &p->dev[p->n++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	p->digit_name = p->digit_name || isdigit((unsigned char)name[0]);
	*out = d;
	return 0;
}

static bool in_a_pool(const struct sh_pool *pools, size_t n_pools, const struct sh_cdi_pf *pf, unsigned index)
{
	return sh_pool_of_vf(pools, n_pools, pf->name, pf->pci, index) != NULL;
}

/* <pf>-<index> for each VF in no pool, then <pf> when there is one. A PF whose netdev name is no
 * CDI name is left out (its VFs are still reachable through pools and annotations). */
static int plan_pf(struct plan *p, const struct sh_cdi_pf *pf, const struct sh_pool *pools, size_t n_pools,
		   char (*index_text)[12], struct sh_error *err)
{
	struct device *d;
	char name[128];
	unsigned i, free_vfs = 0;
	int r;

	if (!cdi_name_valid(pf->name) || pf->numvfs == 0)
		return 0;
	for (i = 0; i < pf->numvfs; i++) {
		if (in_a_pool(pools, n_pools, pf, i))
			continue;
		free_vfs++;
		snprintf(name, sizeof(name), "%s-%u", pf->name, i);
		if ((r = add_device(p, name, &d, err)) < 0)
			return r;
		snprintf(index_text[i], sizeof(index_text[i]), "%u", i);
		d->sel[0] = "--pf";
		d->sel[1] = pf->name;
		d->sel[2] = "--vf";
		d->sel[3] = index_text[i];
	}
	if (free_vfs == 0)
		return 0;
	if ((r = add_device(p, pf->name, &d, err)) < 0)
		return r;
	d->sel[0] = "--pf";
	d->sel[1] = pf->name;
	d->sel[2] = "--vf";
	d->sel[3] = "auto";
	return 0;
}

static void gen_hook(struct sh_jgen *j, const char *stage, const struct device *d, const struct sh_cdi_opts *o)
{
	_cleanup_free_ char *base = strdup(o->hook);
	size_t i;

	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "hookName", stage);
	sh_jgen_kv_str(j, "path", o->hook);
	sh_jgen_str(j, "args");
	sh_jgen_array_open(j);
	sh_jgen_str(j, base ? basename(base) : "sriov-hook");
	if (o->config) {
		sh_jgen_str(j, "--config");
		sh_jgen_str(j, o->config);
	}
	for (i = 0; d->sel[i]; i++)
		sh_jgen_str(j, d->sel[i]);
	sh_jgen_str(j, stage);
	sh_jgen_array_close(j);
	sh_jgen_map_close(j);
}

/* "hooks": the hook at createRuntime and poststop, with the device's arguments. */
static void gen_hooks(struct sh_jgen *j, const struct device *d, const struct sh_cdi_opts *o)
{
	sh_jgen_str(j, "hooks");
	sh_jgen_array_open(j);
	gen_hook(j, "createRuntime", d, o);
	gen_hook(j, "poststop", d, o);
	sh_jgen_array_close(j);
}

static void gen_device(struct sh_jgen *j, const struct device *d, const struct sh_cdi_opts *o)
{
	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "name", d->name);
	sh_jgen_str(j, "containerEdits");
	sh_jgen_map_open(j);
	gen_hooks(j, d, o);
	sh_jgen_map_close(j);
	sh_jgen_map_close(j);
}

static int gen_spec(const struct plan *p, const struct sh_cdi_opts *o, char **out, struct sh_error *err)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	size_t i;

	sh_jgen_start(&j, "  ");
	sh_jgen_map_open(&j);
	sh_jgen_kv_str(&j, "cdiVersion", sh_cdi_version(p->digit_name));
	sh_jgen_kv_str(&j, "kind", SH_CDI_KIND);
	sh_jgen_str(&j, "devices");
	sh_jgen_array_open(&j);
	for (i = 0; i < p->n; i++)
		gen_device(&j, &p->dev[i], o);
	sh_jgen_array_close(&j);
	sh_jgen_map_close(&j);
	return sh_jgen_finish(&j, NULL, out, NULL, err);
}

int sh_cdi_generate(const struct sh_cdi_pf *pfs, size_t n_pfs, const struct sh_pool *pools, size_t n_pools,
		    const struct sh_cdi_opts *o, char **out, struct sh_error *err)
{
	struct plan p = {0};
	char(*index_text)[12] = NULL, (*texts)[12];
	struct device *d;
	size_t i, total = 0;
	int r = 0;

	*out = NULL;
	if (!o->hook || o->hook[0] != '/')
		return sh_err(err, EINVAL, "the hook's path must be absolute (runtimes run it from anywhere)");
	for (i = 0; i < n_pfs; i++)
		total += pfs[i].numvfs;
	/* the VF indexes as text, kept until the spec is generated */
	if (total && !(index_text = calloc(total, sizeof(*index_text))))
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0, texts = index_text; i < n_pfs && r == 0; texts += pfs[i].numvfs, i++)
		r = plan_pf(&p, &pfs[i], pools, n_pools, texts, err);
	for (i = 0; i < n_pools && r == 0; i++) {
		if (pools[i].mode == SH_MODE_VFIO)
			continue;
		if ((r = add_device(&p, pools[i].name, &d, err)) < 0)
			break;
		d->sel[0] = "--pool";
		d->sel[1] = pools[i].name;
	}
	if (r == 0)
		r = gen_spec(&p, o, out, err);
	free(p.dev);
	free(index_text);
	return r < 0 ? sh_err_ctx(err, "generate the CDI spec") : 0;
}

/* ---- the vfio spec -------------------------------------------------------------------------- */

const char *sh_cdi_env_suffix(const char *device, char *buf, size_t len)
{
	size_t i;

	for (i = 0; device[i] && i + 1 < len; i++) {
		char c = (char)toupper((unsigned char)device[i]);

		buf[i] = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
	}
	buf[i] = '\0';
	return buf;
}

static bool dev_root_is_dev(const struct sh_cdi_opts *o)
{
	return !o->dev_root || !strcmp(o->dev_root, "/dev");
}

/* A VF of the spec as vfioinfo.h tells it. */
static void vfio_info(const struct sh_cdi_vfio_vf *v, struct sh_vfio_info *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->pci, sizeof(out->pci), "%s", v->pci);
	snprintf(out->pf, sizeof(out->pf), "%s", v->pf);
	out->vf = v->index;
	out->iommu_group = v->iommu_group;
	if (v->mac[0])
		sh_parse_mac(v->mac, out->mac);
	out->vlan = v->vlan;
	out->qos = v->qos;
	out->numa_node = v->numa_node;
}

int sh_cdi_vfio_info(const struct sh_cdi_vfio_vf *v, char **out, struct sh_error *err)
{
	struct sh_vfio_info info;

	vfio_info(v, &info);
	return sh_vfio_info_json(&info, 1, out, err);
}

/* /dev/vfio/<name>, found on the host under the configuration's dev_root. */
static void gen_node(struct sh_jgen *j, const char *name, const struct sh_cdi_opts *o)
{
	char path[PATH_MAX];

	sh_jgen_map_open(j);
	snprintf(path, sizeof(path), "/dev/vfio/%s", name);
	sh_jgen_kv_str(j, "path", path);
	if (!dev_root_is_dev(o)) {
		snprintf(path, sizeof(path), "%s/vfio/%s", o->dev_root, name);
		sh_jgen_kv_str(j, "hostPath", path);
	}
	sh_jgen_map_close(j);
}

static int gen_vfio_device(struct sh_jgen *j, const struct device *d, const struct sh_cdi_vfio_vf *v,
			   const struct sh_cdi_opts *o, struct sh_error *err)
{
	char suffix[sizeof(d->name) + 1], num[16], target[sizeof(d->name) + 32], *env[SH_VFIO_ENV_COUNT];
	struct sh_vfio_info info;
	size_t k;
	int r;

	suffix[0] = '_';
	sh_cdi_env_suffix(d->name, suffix + 1, sizeof(suffix) - 1);
	snprintf(target, sizeof(target), SH_VFIO_INFO_DIR "/%s.json", d->name);
	vfio_info(v, &info);
	if ((r = sh_vfio_info_env(&info, 1, suffix, target, env, err)) < 0)
		return r;
	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "name", d->name);
	sh_jgen_str(j, "containerEdits");
	sh_jgen_map_open(j);
	/* The engine looks the nodes up when the container starts: the group's exists once the VF is
	 * on vfio-pci (sriovctl vfs apply), which need not be when the spec is written. */
	sh_jgen_str(j, "deviceNodes");
	sh_jgen_array_open(j);
	gen_node(j, "vfio", o);
	snprintf(num, sizeof(num), "%d", v->iommu_group);
	gen_node(j, num, o);
	sh_jgen_array_close(j);
	sh_jgen_str(j, "env");
	sh_jgen_array_open(j);
	for (k = 0; k < SH_VFIO_ENV_COUNT && env[k]; k++)
		sh_jgen_str(j, env[k]);
	if (v->group_vfs[0]) {
		char var[sizeof(suffix) + sizeof(v->group_vfs) + 32];

		snprintf(var, sizeof(var), "SRIOV_VFIO_GROUP_VFS%s=%s", suffix, v->group_vfs);
		sh_jgen_str(j, var);
	}
	sh_jgen_array_close(j);
	sh_jgen_str(j, "mounts");
	sh_jgen_array_open(j);
	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "hostPath", v->info);
	sh_jgen_kv_str(j, "containerPath", target);
	sh_jgen_kv_str(j, "type", "bind");
	sh_jgen_str(j, "options");
	sh_jgen_array_open(j);
	sh_jgen_str(j, "bind");
	sh_jgen_str(j, "ro");
	sh_jgen_str(j, "nosuid");
	sh_jgen_str(j, "nodev");
	sh_jgen_str(j, "noexec");
	sh_jgen_array_close(j);
	sh_jgen_map_close(j);
	sh_jgen_array_close(j);
	gen_hooks(j, d, o);
	sh_jgen_map_close(j);
	sh_jgen_map_close(j);
	sh_vfio_info_env_free(env);
	return 0;
}

int sh_cdi_generate_vfio(const struct sh_cdi_vfio_vf *vfs, size_t n, const struct sh_cdi_opts *o, char **out,
			 struct sh_error *err)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct plan p = {0};
	struct device *d;
	char name[128];
	size_t i;
	int r = 0;

	*out = NULL;
	if (!o->hook || o->hook[0] != '/')
		return sh_err(err, EINVAL, "the hook's path must be absolute (runtimes run it from anywhere)");
	for (i = 0; i < n && r == 0; i++) {
		if (!vfs[i].pool || vfs[i].iommu_group < 0 || vfs[i].info[0] != '/') {
			r = sh_err(err, EINVAL, "VF %s: no pool, IOMMU group or JSON file for its device", vfs[i].pci);
			break;
		}
		snprintf(name, sizeof(name), "%s-%u", vfs[i].pf, vfs[i].index);
		if ((r = add_device(&p, name, &d, err)) < 0)
			break;
		d->sel[0] = "--pool";
		d->sel[1] = vfs[i].pool;
		d->sel[2] = "--vf";
		d->sel[3] = vfs[i].pci;
		d->sel[4] = "--mode";
		d->sel[5] = "vfio";
	}
	if (r == 0) {
		sh_jgen_start(&j, "  ");
		sh_jgen_map_open(&j);
		/* a device node's hostPath is 0.5.0's */
		sh_jgen_kv_str(&j, "cdiVersion", sh_cdi_version(p.digit_name || !dev_root_is_dev(o)));
		sh_jgen_kv_str(&j, "kind", SH_CDI_VFIO_KIND);
		sh_jgen_str(&j, "devices");
		sh_jgen_array_open(&j);
		for (i = 0; i < p.n && r == 0; i++)
			r = gen_vfio_device(&j, &p.dev[i], &vfs[i], o, err);
		sh_jgen_array_close(&j);
		sh_jgen_map_close(&j);
		if (r == 0)
			r = sh_jgen_finish(&j, NULL, out, NULL, err);
	}
	free(p.dev);
	return r < 0 ? sh_err_ctx(err, "generate the vfio CDI spec") : 0;
}

int sh_cdi_vfio_path(const char *path, char out[PATH_MAX], struct sh_error *err)
{
	size_t len = strlen(path);

	if (len > 5 && !strcmp(path + len - 5, ".json"))
		len -= 5;
	if ((size_t)snprintf(out, PATH_MAX, "%.*s-vfio.json", (int)len, path) >= PATH_MAX)
		return sh_err(err, ENAMETOOLONG, "%s: path too long", path);
	return 0;
}

bool sh_cdi_spec_is_for(const char *path, const char *config)
{
	static const char *const hooks_path[] = {"containerEdits", "hooks", NULL};
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ yajl_val root = NULL;
	struct sh_error ignored;
	yajl_val devs, hooks, args;
	size_t i;

	if (sh_json_read_file(path, 16u << 20, &text, &ignored) < 0 ||
	    sh_json_parse(text, "CDI spec", &root, &ignored) < 0)
		return false;
	if (!(devs = sh_json_get(root, "devices")) || !YAJL_IS_ARRAY(devs) || devs->u.array.len == 0)
		return false;
	/* the first device's first hook says which configuration the spec was written for */
	hooks = yajl_tree_get(devs->u.array.values[0], (const char **)hooks_path, yajl_t_array);
	if (!hooks || hooks->u.array.len == 0 || !(args = sh_json_get(hooks->u.array.values[0], "args")) ||
	    !YAJL_IS_ARRAY(args))
		return false;
	for (i = 0; i + 1 < args->u.array.len; i++) {
		const char *a = YAJL_GET_STRING(args->u.array.values[i]);

		if (a && !strcmp(a, "--config")) {
			a = YAJL_GET_STRING(args->u.array.values[i + 1]);
			return config && a && !strcmp(a, config);
		}
	}
	return !config;
}

/* mkdir -p of path's directory (0755: engines run as root and read it). */
static int make_parent(const char *path, struct sh_error *err)
{
	char dir[PATH_MAX], *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return sh_err(err, ENAMETOOLONG, "%s: path too long", path);
	if (!(p = strrchr(dir, '/')) || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return sh_err_errno(err, errno, "create %s", dir);
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return sh_err_errno(err, errno, "create %s", dir);
	return 0;
}

/* The host's PFs that containers may use. */
static int host_pfs(const struct sh_config *cfg, struct sh_cdi_pf **out, size_t *n, struct sh_error *err)
{
	_cleanup_free_ struct sh_inv_pf *inv = NULL;
	struct sh_cdi_pf *pfs;
	size_t i, n_inv;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = sh_inventory_pfs(cfg, NULL, 0, &inv, &n_inv, err)) < 0)
		return r;
	if (!(pfs = calloc(n_inv + 1, sizeof(*pfs))))
		return sh_err(err, ENOMEM, "out of memory");
	*out = pfs;
	for (i = 0; i < n_inv; i++) {
		struct sh_cdi_pf *p = &pfs[*n];

		if (!inv[i].allowed || !inv[i].pf.name[0])
			continue;
		snprintf(p->name, sizeof(p->name), "%s", inv[i].pf.name);
		snprintf(p->pci, sizeof(p->pci), "%s", inv[i].pf.pci);
		p->numvfs = inv[i].pf.numvfs;
		(*n)++;
	}
	return 0;
}

/* The VFs v shares its IOMMU group with (v->group_vfs), and once per group the line that says so. */
static void group_note(const struct sh_config *cfg, const struct sh_cdi_opts *o, const struct sh_cdi_vfio_vf *done,
		       size_t n_done, struct sh_cdi_vfio_vf *v)
{
	char text[512];
	struct sh_error ignored;
	size_t i;

	if (sh_vfio_group_vfs(cfg->sysfs_root, v->iommu_group, v->group_vfs, sizeof(v->group_vfs), text, sizeof(text),
			      &ignored) < 2) {
		v->group_vfs[0] = '\0';
		return;
	}
	for (i = 0; i < n_done && done[i].iommu_group != v->iommu_group; i++)
		;
	if (i == n_done && o->group_warning) {
		char line[768];

		snprintf(line, sizeof(line),
			 "%s: a container given any of their devices gets them all (a vfio claim takes the whole "
			 "group); enable ACS on the path to them to give them apart",
			 text);
		o->group_warning(line, o->data);
	}
}

/* The VFs of the vfio pools on the PFs containers may use, with what their devices say. A VF that
 * has no IOMMU group (the IOMMU is off) or is not in sysfs yet is left out, the first such in
 * *missing (code 0 when none). */
static int host_vfio_vfs(const struct sh_config *cfg, const struct sh_cdi_opts *o, const struct sh_cdi_pf *pfs,
			 size_t n_pfs, struct sh_cdi_vfio_vf **out, size_t *n, struct sh_error *missing,
			 struct sh_error *err)
{
	_cleanup_nlsock_ struct nl_sock *sk = NULL;
	struct sh_cdi_vfio_vf *vfs = NULL, *grown;
	struct sh_error ignored, why;
	size_t p, cap = 0;
	unsigned i;

	*out = NULL;
	*n = 0;
	memset(missing, 0, sizeof(*missing));
	/* Only for the MAC the PF enforces: without netlink (a fake sysfs tree) the devices say none. */
	if (sh_nl_open(&sk, &ignored) < 0)
		sk = NULL;
	for (p = 0; p < n_pfs; p++) {
		struct sh_pf pf = {.numvfs = pfs[p].numvfs};
		struct sh_link link = {0};

		snprintf(pf.name, sizeof(pf.name), "%s", pfs[p].name);
		snprintf(pf.pci, sizeof(pf.pci), "%s", pfs[p].pci);
		if (sk && sh_link_get(sk, 0, pf.name, &link, &ignored) < 0)
			link.ifindex = 0;
		for (i = 0; i < pf.numvfs; i++) {
			const struct sh_pool *pool = sh_pool_of_vf(cfg->pools, cfg->n_pools, pf.name, pf.pci, i);
			struct sh_cdi_vfio_vf *v;
			struct sh_vf_cfg now;

			if (!pool || pool->mode != SH_MODE_VFIO)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				if (!(grown = reallocarray(vfs, cap, sizeof(*vfs)))) {
					free(vfs);
					return sh_err(err, ENOMEM, "out of memory");
				}
				vfs = grown;
			}
			v = &vfs[*n];
			memset(v, 0, sizeof(*v));
			snprintf(v->pf, sizeof(v->pf), "%s", pf.name);
			v->index = i;
			v->pool = pool->name;
			if (sh_sysfs_virtfn_pci(cfg->sysfs_root, &pf, i, v->pci, &why) < 0 ||
			    sh_vfio_iommu_group(cfg->sysfs_root, v->pci, &v->iommu_group, &why) < 0) {
				if (!missing->code)
					sh_err(missing, why.code ? why.code : ENODEV,
					       "pool %s: %s VF %u has no device: %s", pool->name, pf.name, i, why.msg);
				continue;
			}
			v->numa_node = sh_vfio_numa_node(cfg->sysfs_root, v->pci);
			group_note(cfg, o, vfs, *n, v);
			if (pool->knobs & SH_KNOB_BIT(SH_KNOB_VLAN)) {
				v->vlan = pool->cfg.vlan;
				v->qos = pool->cfg.qos;
			}
			if (link.ifindex && sh_vf_cfg_get(sk, link.ifindex, i, &now, &ignored) == 0 &&
			    sh_mac_is_unicast(now.mac))
				sh_format_mac(now.mac, v->mac);
			(*n)++;
		}
	}
	*out = vfs;
	return 0;
}

/* Each VF's JSON file into the state directory, then the spec to path; with no VF, a spec left
 * there for this configuration goes. */
static int write_vfio(const struct sh_config *cfg, const struct sh_cdi_opts *o, const char *path,
		      struct sh_cdi_vfio_vf *vfs, size_t n, struct sh_error *err)
{
	_cleanup_store_ struct sh_store st = SH_STORE_INIT;
	_cleanup_free_ char *text = NULL;
	struct sh_cdi_opts opts = *o;
	size_t i;
	int r;

	if (!opts.dev_root)
		opts.dev_root = cfg->dev_root;
	if (!n) {
		if (sh_cdi_spec_is_for(path, o->config) && unlink(path) < 0 && errno != ENOENT)
			return sh_err_errno(err, errno, "remove %s, the vfio CDI spec of no vfio VF", path);
		return 0;
	}
	if ((r = sh_store_open(cfg->state_dir, true, &st, err)) < 0)
		return sh_err_ctx(err, "write the vfio devices' JSON files");
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *info = NULL;

		if ((r = sh_cdi_vfio_info(&vfs[i], &info, err)) < 0 ||
		    (r = sh_store_info_write(&st, SH_INFO_CDI, vfs[i].pci, info, vfs[i].info, err)) < 0)
			return sh_err_ctx(err, "write the JSON file of VF %s", vfs[i].pci);
	}
	if ((r = sh_cdi_generate_vfio(vfs, n, &opts, &text, err)) < 0)
		return r;
	if ((r = sh_output_write(path, text, err)) < 0)
		return sh_err_ctx(err, "write the vfio CDI spec");
	return 0;
}

int sh_cdi_generate_file(const struct sh_config *cfg, const struct sh_cdi_opts *o, const char *path,
			 struct sh_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct sh_cdi_vfio_vf *vfio = NULL;
	struct sh_cdi_pf *pfs = NULL;
	struct sh_error missing = {0};
	char vfio_path[PATH_MAX];
	size_t n = 0, n_vfio = 0;
	int r;

	if (!sh_output_is_stdout(path) && (r = sh_cdi_vfio_path(path, vfio_path, err)) < 0)
		return r;
	r = host_pfs(cfg, &pfs, &n, err);
	if (r == 0)
		r = sh_cdi_generate(pfs, n, cfg->pools, cfg->n_pools, o, &text, err);
	if (r == 0)
		r = host_vfio_vfs(cfg, o, pfs, n, &vfio, &n_vfio, &missing, err);
	free(pfs);
	if (r < 0)
		return r;
	/* The temporary file's name does not end in .json: the engines, which read every *.json of the
	 * directory at any time, never see it. */
	if (sh_output_is_stdout(path)) {
		/* one document on standard output: the vfio spec, named after a file, needs one */
		if ((r = sh_output_write(path, text, err)) == 0 && n_vfio)
			r = sh_err(err, EINVAL, "--output -: the vfio CDI spec of %zu VF(s) needs a file: not written",
				   n_vfio);
		return r;
	}
	if ((r = make_parent(path, err)) < 0 || (r = sh_output_write(path, text, err)) < 0)
		return sh_err_ctx(err, "write the CDI spec");
	if ((r = write_vfio(cfg, o, vfio_path, vfio, n_vfio, err)) < 0)
		return r;
	/* The other devices are written: the one left out is still an error the operator must see. */
	if (missing.code)
		return sh_err(err, missing.code, "%s (the vfio CDI spec has the others)", missing.msg);
	return 0;
}
