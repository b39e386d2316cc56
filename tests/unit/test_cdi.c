/* The CDI spec generator: the devices (<pf>-<index>, <pf>, <pool>) and their order, pool VFs left
 * to their pool, the hook entries whose arguments the hook's own parser reads back as the device's
 * VF, the lowest cdiVersion for what is used, and refusals (names that
 * are not CDI names, two devices of one name, a relative hook path). The vfio spec: a device per
 * VF of a vfio pool with its nodes, environment, JSON file mount and hooks in vfio mode. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/ctl/cdi.h"
#include "sriov-hook/hook/cmdline.h"

static const struct sh_cdi_opts opts = {.hook = "/usr/bin/sriov-hook"};

static struct sh_cdi_pf pf(const char *name, const char *pci, unsigned numvfs)
{
	struct sh_cdi_pf p = {.numvfs = numvfs};

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.pci, sizeof(p.pci), "%s", pci);
	return p;
}

static void pools_from(const char *json, struct sh_config *cfg)
{
	struct sh_error err = {0};

	sh_config_defaults(cfg);
	if (sh_config_parse(json, cfg, &err) != 0)
		fail_msg("%s: %s", json, err.msg);
}

/* The spec generated, parsed back (yajl's parser: the output is JSON). */
static yajl_val generate(const struct sh_cdi_pf *pfs, size_t n, const struct sh_config *cfg,
			 const struct sh_cdi_opts *o)
{
	struct sh_error err = {0};
	yajl_val root = NULL;
	char *text = NULL;

	if (sh_cdi_generate(pfs, n, cfg ? cfg->pools : NULL, cfg ? cfg->n_pools : 0, o, &text, &err) != 0)
		fail_msg("generate: %s", err.msg);
	if (sh_json_parse(text, "spec", &root, &err) != 0)
		fail_msg("not JSON: %s\n%s", err.msg, text);
	free(text);
	return root;
}

static const char *str_at(yajl_val v, const char *const *path)
{
	yajl_val s = yajl_tree_get(v, (const char **)path, yajl_t_string);

	return s ? YAJL_GET_STRING(s) : NULL;
}

static yajl_val devices(yajl_val root)
{
	static const char *const path[] = {"devices", NULL};
	yajl_val d = yajl_tree_get(root, (const char **)path, yajl_t_array);

	assert_non_null(d);
	return d;
}

/* The device names, space-separated. */
static void names(yajl_val root, char *buf, size_t len)
{
	static const char *const name[] = {"name", NULL};
	yajl_val d = devices(root);
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < d->u.array.len; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "",
			 str_at(d->u.array.values[i], name));
}

static yajl_val device(yajl_val root, const char *want)
{
	static const char *const name[] = {"name", NULL};
	yajl_val d = devices(root);
	size_t i;

	for (i = 0; i < d->u.array.len; i++)
		if (!strcmp(str_at(d->u.array.values[i], name), want))
			return d->u.array.values[i];
	fail_msg("no device %s", want);
	return NULL;
}

/* Device want's hook for stage: its path, and its args parsed by the hook's own parser. */
static void hook_of(yajl_val dev, const char *stage, struct sh_cmdline *cmd, const char **path, char **argv0)
{
	static const char *const hooks_path[] = {"containerEdits", "hooks", NULL};
	yajl_val hooks = yajl_tree_get(dev, (const char **)hooks_path, yajl_t_array), h = NULL, args;
	char *argv[16];
	struct sh_error err = {0};
	size_t i;

	assert_non_null(hooks);
	assert_int_equal(hooks->u.array.len, 2);
	for (i = 0; i < hooks->u.array.len; i++) {
		const char *const hn[] = {"hookName", NULL};

		if (!strcmp(str_at(hooks->u.array.values[i], hn), stage))
			h = hooks->u.array.values[i];
	}
	assert_non_null(h);
	{
		const char *const p[] = {"path", NULL}, *const a[] = {"args", NULL};

		*path = str_at(h, p);
		args = yajl_tree_get(h, (const char **)a, yajl_t_array);
	}
	assert_non_null(args);
	assert_true(args->u.array.len < SH_ARRAY_SIZE(argv));
	for (i = 0; i < args->u.array.len; i++)
		argv[i] = YAJL_GET_STRING(args->u.array.values[i]);
	argv[i] = NULL;
	*argv0 = argv[0];
	if (sh_cmdline_parse((int)i, argv, cmd, &err) != 0)
		fail_msg("args do not parse: %s", err.msg);
	assert_true(cmd->has_stage);
	assert_string_equal(sh_stage_name(cmd->stage), stage);
}

/* The device's VF as its hook's arguments name it ("pf=ens1f0 vf=0"), the same at both stages. */
static const char *device_key(yajl_val root, const char *name, const char **config)
{
	static char key[SH_DEVICE_MAX];
	char other[SH_DEVICE_MAX], *argv0;
	struct sh_cmdline cmd;
	const char *path;

	hook_of(device(root, name), "poststop", &cmd, &path, &argv0);
	sh_request_selector_key(&cmd.device, other, sizeof(other));
	hook_of(device(root, name), "createRuntime", &cmd, &path, &argv0);
	assert_true(cmd.has_device);
	assert_string_equal(path, "/usr/bin/sriov-hook");
	assert_string_equal(argv0, "sriov-hook");
	assert_string_equal(sh_request_selector_key(&cmd.device, key, sizeof(key)), other);
	if (config)
		*config = cmd.config;
	return key;
}

static void test_devices(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 3), pf("ens1f1", "0000:3b:00.1", 2)};
	static const char *const version[] = {"cdiVersion", NULL}, *const kind[] = {"kind", NULL};
	const char *config = "x";
	yajl_val root;
	char buf[512];

	(void)state;
	root = generate(pfs, 2, NULL, &opts);
	assert_string_equal(str_at(root, version), "0.3.0"); /* hooks, names beginning with a letter */
	assert_string_equal(str_at(root, kind), "sriov.io/vf");
	names(root, buf, sizeof(buf));
	assert_string_equal(buf, "ens1f0-0 ens1f0-1 ens1f0-2 ens1f0 ens1f1-0 ens1f1-1 ens1f1");
	assert_string_equal(device_key(root, "ens1f0-2", &config), "pf=ens1f0 vf=2");
	assert_null(config); /* the hook's default configuration */
	assert_string_equal(device_key(root, "ens1f0", NULL), "pf=ens1f0 vf=auto");
	assert_string_equal(device_key(root, "ens1f1-1", NULL), "pf=ens1f1 vf=1");
	yajl_tree_free(root);
}

/* A VF in a pool is the pool's: no device of its own, and the PF's auto device only while the PF
 * has VFs in no pool. */
static void test_pools(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 4), pf("ens1f1", "0000:3b:00.1", 2)};
	struct sh_config cfg;
	yajl_val root;
	char buf[512];

	(void)state;
	pools_from("{\"pools\": {\"fast\": {\"vfs\": [\"ens1f0#1-2\", \"0000:3b:00.1\"], \"vlan\": 5}, "
		   "\"slow\": [\"ens1f0#3\"]}}",
		   &cfg);
	root = generate(pfs, 2, &cfg, &opts);
	names(root, buf, sizeof(buf));
	assert_string_equal(buf, "ens1f0-0 ens1f0 fast slow");
	assert_string_equal(device_key(root, "fast", NULL), "pool=fast");
	assert_string_equal(device_key(root, "slow", NULL), "pool=slow");
	yajl_tree_free(root);
	sh_config_free(&cfg);
}

static void test_config_and_version(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 1)};
	static const char *const version[] = {"cdiVersion", NULL};
	struct sh_cdi_opts o = {.hook = "/opt/x/bin/sriov-hook", .config = "/etc/sriov-hook/alt.json"};
	const char *path;
	struct sh_cmdline cmd;
	struct sh_config cfg;
	yajl_val root;
	char *argv0;

	(void)state;
	/* a pool whose name begins with a digit: CDI 0.5.0 allows that, older specs do not */
	pools_from("{\"pools\": {\"10g\": [\"ens9\"]}}", &cfg);
	root = generate(pfs, 1, &cfg, &o);
	assert_string_equal(str_at(root, version), "0.5.0");
	hook_of(device(root, "ens1f0-0"), "createRuntime", &cmd, &path, &argv0);
	assert_string_equal(path, "/opt/x/bin/sriov-hook");
	assert_string_equal(cmd.config, "/etc/sriov-hook/alt.json");
	yajl_tree_free(root);
	sh_config_free(&cfg);
	assert_string_equal(sh_cdi_version(false), "0.3.0");
	assert_string_equal(sh_cdi_version(true), "0.5.0");
}

static void test_refusals(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 2), pf("en@x", "0000:5e:00.0", 2)};
	struct sh_cdi_opts rel = {.hook = "sriov-hook"};
	struct sh_error err = {0};
	struct sh_config cfg;
	char *text = NULL, buf[256];
	yajl_val root;

	(void)state;
	/* a PF whose name is no CDI name has no devices; the others are there */
	root = generate(pfs, 2, NULL, &opts);
	names(root, buf, sizeof(buf));
	assert_string_equal(buf, "ens1f0-0 ens1f0-1 ens1f0");
	yajl_tree_free(root);
	/* a pool named as a PF's device */
	pools_from("{\"pools\": {\"ens1f0-1\": [\"ens2f0\"]}}", &cfg);
	assert_int_equal(sh_cdi_generate(pfs, 2, cfg.pools, cfg.n_pools, &opts, &text, &err), -EEXIST);
	assert_string_equal(err.msg, "generate the CDI spec: two devices would be called \"ens1f0-1\" (a pool may not "
				     "have the name of a PF's device)");
	assert_null(text);
	sh_config_free(&cfg);
	assert_int_equal(sh_cdi_generate(pfs, 2, NULL, 0, &rel, &text, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must be absolute"));
	/* no PF, no pool: a valid spec without devices */
	root = generate(NULL, 0, NULL, &opts);
	assert_int_equal(devices(root)->u.array.len, 0);
	yajl_tree_free(root);
}

/* vfs apply rewrites the default spec only when this configuration wrote it. */
static void test_spec_is_for(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 1)};
	struct sh_cdi_opts o = {.hook = "/usr/bin/sriov-hook", .config = "/etc/a.json"};
	struct sh_error err = {0};
	char path[] = "/tmp/sriov-hook-test-cdi-XXXXXX", *text = NULL;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(sh_cdi_generate(pfs, 1, NULL, 0, &o, &text, &err), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	free(text);
	assert_true(sh_cdi_spec_is_for(path, "/etc/a.json"));
	assert_false(sh_cdi_spec_is_for(path, "/etc/b.json"));
	assert_false(sh_cdi_spec_is_for(path, NULL));
	/* written for the default configuration (no --config) */
	o.config = NULL;
	assert_int_equal(sh_cdi_generate(pfs, 1, NULL, 0, &o, &text, &err), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	free(text);
	assert_true(sh_cdi_spec_is_for(path, NULL));
	assert_false(sh_cdi_spec_is_for(path, "/etc/a.json"));
	/* not a spec of ours, or none */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, "{\"devices\": []}", 15, 0), 15);
	assert_false(sh_cdi_spec_is_for(path, NULL));
	close(fd);
	unlink(path);
	assert_false(sh_cdi_spec_is_for(path, NULL));
}

/* A vfio pool has no device in the sriov.io/vf spec: its VFs are the vfio spec's. */
static void test_vfio_pool_not_in_vf_spec(void **state)
{
	struct sh_cdi_pf pfs[] = {pf("ens1f0", "0000:3b:00.0", 3)};
	struct sh_config cfg;
	yajl_val root;
	char buf[512];

	(void)state;
	pools_from("{\"pools\": {\"dpdk\": {\"vfs\": [\"ens1f0#1-2\"], \"driver\": \"vfio-pci\"}, "
		   "\"net\": [\"ens2f0\"]}}",
		   &cfg);
	root = generate(pfs, 1, &cfg, &opts);
	names(root, buf, sizeof(buf));
	assert_string_equal(buf, "ens1f0-0 ens1f0 net");
	yajl_tree_free(root);
	sh_config_free(&cfg);
}

static struct sh_cdi_vfio_vf vfio_vf(const char *pf_name, unsigned index, const char *pci, int group)
{
	struct sh_cdi_vfio_vf v = {.index = index, .pool = "dpdk", .iommu_group = group, .numa_node = -1};

	snprintf(v.pf, sizeof(v.pf), "%s", pf_name);
	snprintf(v.pci, sizeof(v.pci), "%s", pci);
	snprintf(v.info, sizeof(v.info), "/run/sriov-hook/cdi/%s.json", pci);
	return v;
}

static yajl_val generate_vfio(const struct sh_cdi_vfio_vf *vfs, size_t n, const struct sh_cdi_opts *o)
{
	struct sh_error err = {0};
	yajl_val root = NULL;
	char *text = NULL;

	if (sh_cdi_generate_vfio(vfs, n, o, &text, &err) != 0)
		fail_msg("generate: %s", err.msg);
	if (sh_json_parse(text, "spec", &root, &err) != 0)
		fail_msg("not JSON: %s\n%s", err.msg, text);
	free(text);
	return root;
}

/* The strings of array path in v, space-separated; of key in each element when key is given. */
static const char *strings_at(yajl_val v, const char *const *path, const char *key, char *buf, size_t len)
{
	yajl_val a = yajl_tree_get(v, (const char **)path, yajl_t_array);
	const char *const k[] = {key, NULL};
	size_t i;

	assert_non_null(a);
	buf[0] = '\0';
	for (i = 0; i < a->u.array.len; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "",
			 key ? str_at(a->u.array.values[i], k) : YAJL_GET_STRING(a->u.array.values[i]));
	return buf;
}

static void test_vfio_devices(void **state)
{
	struct sh_cdi_vfio_vf vfs[] = {vfio_vf("ens1f0", 3, "0000:3b:02.3", 12),
				       vfio_vf("ens1f1", 0, "0000:3b:0a.0", 40)};
	static const char *const version[] = {"cdiVersion", NULL}, *const kind[] = {"kind", NULL};
	static const char *const nodes[] = {"containerEdits", "deviceNodes", NULL};
	static const char *const env[] = {"containerEdits", "env", NULL};
	static const char *const mounts[] = {"containerEdits", "mounts", NULL};
	static const char *const options[] = {"options", NULL};
	struct sh_cdi_opts o = {.hook = "/usr/bin/sriov-hook", .config = "/etc/sriov-hook/alt.json"};
	const char *const host[] = {"hostPath", NULL}, *const cont[] = {"containerPath", NULL};
	const char *config = NULL;
	struct sh_cmdline cmd;
	const char *path;
	yajl_val root, m;
	char buf[1024], *argv0;

	(void)state;
	vfs[0].numa_node = 1;
	snprintf(vfs[0].mac, sizeof(vfs[0].mac), "52:54:00:12:34:56");
	vfs[0].vlan = 5;
	vfs[0].qos = 2;
	root = generate_vfio(vfs, 2, &o);
	assert_string_equal(str_at(root, version), "0.3.0");
	assert_string_equal(str_at(root, kind), "sriov.io/vfio");
	names(root, buf, sizeof(buf));
	assert_string_equal(buf, "ens1f0-3 ens1f1-0");
	assert_string_equal(strings_at(device(root, "ens1f0-3"), nodes, "path", buf, sizeof(buf)),
			    "/dev/vfio/vfio /dev/vfio/12");
	assert_string_equal(strings_at(device(root, "ens1f1-0"), nodes, "path", buf, sizeof(buf)),
			    "/dev/vfio/vfio /dev/vfio/40");
	assert_string_equal(strings_at(device(root, "ens1f0-3"), env, NULL, buf, sizeof(buf)),
			    "SRIOV_VFIO_PCI_ENS1F0_3=0000:3b:02.3 SRIOV_VFIO_IOMMU_GROUP_ENS1F0_3=12 "
			    "SRIOV_VFIO_MAC_ENS1F0_3=52:54:00:12:34:56 SRIOV_VFIO_VLAN_ENS1F0_3=5 "
			    "SRIOV_VFIO_NUMA_NODE_ENS1F0_3=1 SRIOV_VFIO_INFO_ENS1F0_3=/run/sriov/vfio/ens1f0-3.json");
	/* no MAC known, no NUMA node: empty and -1, as the JSON file says null and -1 */
	assert_string_equal(strings_at(device(root, "ens1f1-0"), env, NULL, buf, sizeof(buf)),
			    "SRIOV_VFIO_PCI_ENS1F1_0=0000:3b:0a.0 SRIOV_VFIO_IOMMU_GROUP_ENS1F1_0=40 "
			    "SRIOV_VFIO_MAC_ENS1F1_0= SRIOV_VFIO_VLAN_ENS1F1_0=0 SRIOV_VFIO_NUMA_NODE_ENS1F1_0=-1 "
			    "SRIOV_VFIO_INFO_ENS1F1_0=/run/sriov/vfio/ens1f1-0.json");
	m = yajl_tree_get(device(root, "ens1f0-3"), (const char **)mounts, yajl_t_array);
	assert_non_null(m);
	assert_int_equal(m->u.array.len, 1);
	assert_string_equal(str_at(m->u.array.values[0], host), "/run/sriov-hook/cdi/0000:3b:02.3.json");
	assert_string_equal(str_at(m->u.array.values[0], cont), "/run/sriov/vfio/ens1f0-3.json");
	assert_non_null(strstr(strings_at(m->u.array.values[0], options, NULL, buf, sizeof(buf)), "ro"));
	/* the hooks name the pool and the VF by PCI address, in vfio mode, with the configuration */
	assert_string_equal(device_key(root, "ens1f0-3", &config), "pool=dpdk vf=0000:3b:02.3");
	assert_string_equal(config, "/etc/sriov-hook/alt.json");
	hook_of(device(root, "ens1f1-0"), "poststop", &cmd, &path, &argv0);
	assert_true(cmd.device.has_mode);
	assert_int_equal(cmd.device.mode, SH_MODE_VFIO);
	hook_of(device(root, "ens1f1-0"), "createRuntime", &cmd, &path, &argv0);
	assert_int_equal(cmd.device.mode, SH_MODE_VFIO);
	assert_string_equal(cmd.device.pool, "dpdk");
	assert_string_equal(cmd.device.vf_pci, "0000:3b:0a.0");
	yajl_tree_free(root);

	/* a PF name beginning with a digit: 0.5.0, as for the other spec */
	vfs[0] = vfio_vf("1g", 0, "0000:3b:02.0", 3);
	root = generate_vfio(vfs, 1, &o);
	assert_string_equal(str_at(root, version), "0.5.0");
	yajl_tree_free(root);
}

static void test_vfio_env_suffix(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(sh_cdi_env_suffix("ens1f0-3", buf, sizeof(buf)), "ENS1F0_3");
	assert_string_equal(sh_cdi_env_suffix("enp59s0f0v1.x:y_z-12", buf, sizeof(buf)), "ENP59S0F0V1_X_Y_Z_12");
	assert_string_equal(sh_cdi_env_suffix("abcdef", buf, 4), "ABC");
}

/* The JSON file: one entry, the shape sriov-runc's file has. */
static void test_vfio_info(void **state)
{
	struct sh_cdi_vfio_vf v = vfio_vf("ens1f0", 3, "0000:3b:02.3", 12);
	static const char *const vfs_path[] = {"vfs", NULL};
	struct sh_error err = {0};
	yajl_val root, e, a;
	char *text = NULL, buf[256];
	long long num;
	const char *s;

	(void)state;
	v.vlan = 7;
	assert_int_equal(sh_cdi_vfio_info(&v, &text, &err), 0);
	assert_int_equal(sh_json_parse(text, "info", &root, &err), 0);
	free(text);
	a = yajl_tree_get(root, (const char **)vfs_path, yajl_t_array);
	assert_non_null(a);
	assert_int_equal(a->u.array.len, 1);
	e = a->u.array.values[0];
	assert_int_equal(sh_json_get_string(e, "pci", &s), 0);
	assert_string_equal(s, "0000:3b:02.3");
	assert_int_equal(sh_json_get_string(e, "pf", &s), 0);
	assert_string_equal(s, "ens1f0");
	assert_int_equal(sh_json_get_int(e, "vf", &num), 0);
	assert_int_equal(num, 3);
	assert_int_equal(sh_json_get_int(e, "iommu_group", &num), 0);
	assert_int_equal(num, 12);
	assert_int_equal(sh_json_get_int(e, "vlan", &num), 0);
	assert_int_equal(num, 7);
	assert_int_equal(sh_json_get_int(e, "qos", &num), 0);
	assert_int_equal(num, 0);
	assert_int_equal(sh_json_get_int(e, "numa_node", &num), 0);
	assert_int_equal(num, -1);
	assert_non_null(sh_json_get(e, "mac"));
	assert_true(YAJL_IS_NULL(sh_json_get(e, "mac")));
	{
		static const char *const dn[] = {"device_nodes", NULL};

		assert_string_equal(strings_at(e, dn, NULL, buf, sizeof(buf)), "/dev/vfio/vfio /dev/vfio/12");
	}
	yajl_tree_free(root);
}

static void test_vfio_refusals_and_path(void **state)
{
	struct sh_cdi_vfio_vf vfs[] = {vfio_vf("ens1f0", 0, "0000:3b:02.0", -1)};
	struct sh_cdi_opts rel = {.hook = "sriov-hook"};
	struct sh_error err = {0};
	char *text = NULL, path[PATH_MAX];
	yajl_val root;

	(void)state;
	/* no IOMMU group: no device can name its node */
	assert_int_equal(sh_cdi_generate_vfio(vfs, 1, &opts, &text, &err), -EINVAL);
	assert_null(text);
	assert_non_null(strstr(err.msg, "generate the vfio CDI spec: VF 0000:3b:02.0"));
	vfs[0].iommu_group = 3;
	assert_int_equal(sh_cdi_generate_vfio(vfs, 1, &rel, &text, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must be absolute"));
	/* two VFs that would be one device */
	{
		struct sh_cdi_vfio_vf two[] = {vfio_vf("ens1f0", 0, "0000:3b:02.0", 3),
					       vfio_vf("ens1f0", 0, "0000:3b:02.1", 4)};

		assert_int_equal(sh_cdi_generate_vfio(two, 2, &opts, &text, &err), -EEXIST);
	}
	root = generate_vfio(NULL, 0, &opts);
	assert_int_equal(devices(root)->u.array.len, 0);
	yajl_tree_free(root);
	assert_int_equal(sh_cdi_vfio_path("/var/run/cdi/sriov-hook.json", path, &err), 0);
	assert_string_equal(path, "/var/run/cdi/sriov-hook-vfio.json");
	assert_int_equal(sh_cdi_vfio_path("/tmp/spec", path, &err), 0);
	assert_string_equal(path, "/tmp/spec-vfio.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_config_and_version),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_spec_is_for),
		cmocka_unit_test(test_vfio_pool_not_in_vf_spec),
		cmocka_unit_test(test_vfio_devices),
		cmocka_unit_test(test_vfio_env_suffix),
		cmocka_unit_test(test_vfio_info),
		cmocka_unit_test(test_vfio_refusals_and_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
