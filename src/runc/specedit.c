/* config.json rewritten by sriov-runc: the tree yajl read is written back field by field, with the
 * hook's entries and the vfio VFs' nodes, rules, variables and mount added where they belong. A
 * field of the wrong type is refused rather than guessed at. */
#include "sriov-hook/runc/specedit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/jsongen.h"

#define HOOK_NAME "sriov-hook"

/* An entry runs our hook when its path is ours or a file named sriov-hook elsewhere (an admin's
 * own spelling): adding a second one would attach twice. */
static int stage_has_hook(yajl_val stage, const char *stage_name, const char *path, bool *has, struct sh_error *err)
{
	const char *p, *slash;
	size_t i;

	*has = false;
	if (!stage || YAJL_IS_NULL(stage))
		return 0;
	if (!YAJL_IS_ARRAY(stage))
		return sh_err(err, EINVAL, "config.json: \"hooks.%s\" is not an array", stage_name);
	for (i = 0; i < stage->u.array.len; i++) {
		if (sh_json_get_string(stage->u.array.values[i], "path", &p) < 0)
			continue;
		slash = strrchr(p, '/');
		if (!strcmp(p, path) || !strcmp(slash ? slash + 1 : p, HOOK_NAME))
			*has = true;
	}
	return 0;
}

/* A value as read: the generator stops at its first failure, so a long array ends early. */
static void gen_value(struct sh_jgen *j, yajl_val v)
{
	size_t i;

	switch (v ? v->type : yajl_t_null) {
	case yajl_t_string:
		sh_jgen_str(j, v->u.string);
		break;
	case yajl_t_number:
		sh_jgen_number(j, v->u.number.r);
		break;
	case yajl_t_true:
		sh_jgen_bool(j, true);
		break;
	case yajl_t_false:
		sh_jgen_bool(j, false);
		break;
	case yajl_t_object:
		sh_jgen_map_open(j);
		for (i = 0; i < v->u.object.len && sh_jgen_ok(j); i++) {
			sh_jgen_str(j, v->u.object.keys[i]);
			gen_value(j, v->u.object.values[i]);
		}
		sh_jgen_map_close(j);
		break;
	case yajl_t_array:
		sh_jgen_array_open(j);
		for (i = 0; i < v->u.array.len && sh_jgen_ok(j); i++)
			gen_value(j, v->u.array.values[i]);
		sh_jgen_array_close(j);
		break;
	default:
		sh_jgen_null(j);
	}
}

static void gen_hook_entry(struct sh_jgen *j, const struct sh_hook_ref *hook, const char *stage)
{
	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "path", hook->path);
	sh_jgen_str(j, "args");
	sh_jgen_array_open(j);
	sh_jgen_str(j, HOOK_NAME);
	if (hook->config && *hook->config) {
		sh_jgen_str(j, "--config");
		sh_jgen_str(j, hook->config);
	}
	sh_jgen_str(j, stage);
	sh_jgen_array_close(j);
	sh_jgen_map_close(j);
}

/* A stage array: the entries already there, then ours when needed. */
static void gen_stage(struct sh_jgen *j, yajl_val old, const struct sh_hook_ref *hook, const char *stage, bool add)
{
	sh_jgen_array_open(j);
	for (size_t i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && sh_jgen_ok(j); i++)
		gen_value(j, old->u.array.values[i]);
	if (add)
		gen_hook_entry(j, hook, stage);
	sh_jgen_array_close(j);
}

static void gen_hooks(struct sh_jgen *j, yajl_val old, const struct sh_hook_ref *hook, bool add_cr, bool add_ps)
{
	bool seen_cr = false, seen_ps = false;

	sh_jgen_map_open(j);
	for (size_t i = 0; YAJL_IS_OBJECT(old) && i < old->u.object.len && sh_jgen_ok(j); i++) {
		const char *k = old->u.object.keys[i];

		sh_jgen_str(j, k);
		if (!strcmp(k, "createRuntime")) {
			seen_cr = true;
			gen_stage(j, old->u.object.values[i], hook, k, add_cr);
		} else if (!strcmp(k, "poststop")) {
			seen_ps = true;
			gen_stage(j, old->u.object.values[i], hook, k, add_ps);
		} else {
			gen_value(j, old->u.object.values[i]);
		}
	}
	if (!seen_cr && add_cr) {
		sh_jgen_str(j, "createRuntime");
		gen_stage(j, NULL, hook, "createRuntime", true);
	}
	if (!seen_ps && add_ps) {
		sh_jgen_str(j, "poststop");
		gen_stage(j, NULL, hook, "poststop", true);
	}
	sh_jgen_map_close(j);
}

/* The edits, and which of the hook's stages to add. */
struct edit {
	const struct sh_spec_edits *e;
	bool add_cr, add_ps;
};

/* ---- vfio edits -------------------------------------------------------------------------------- */

static bool env_replaced(const struct edit *x, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t i, n = eq ? (size_t)(eq - entry) : strlen(entry);

	for (i = 0; i < x->e->n_env; i++)
		if (!strncmp(x->e->env[i], entry, n) && x->e->env[i][n] == '=')
			return true;
	return false;
}

static void gen_env(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	size_t i;

	sh_jgen_array_open(j);
	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && sh_jgen_ok(j); i++) {
		yajl_val v = old->u.array.values[i];

		if (!YAJL_IS_STRING(v) || !env_replaced(x, YAJL_GET_STRING(v)))
			gen_value(j, v);
	}
	for (i = 0; i < x->e->n_env; i++)
		sh_jgen_str(j, x->e->env[i]);
	sh_jgen_array_close(j);
}

static void gen_node(struct sh_jgen *j, const struct sh_devnode *n, bool rule)
{
	sh_jgen_map_open(j);
	if (rule) {
		sh_jgen_str(j, "allow");
		sh_jgen_bool(j, 1);
	} else {
		sh_jgen_kv_str(j, "path", n->path);
	}
	sh_jgen_kv_str(j, "type", "c");
	sh_jgen_kv_int(j, "major", n->major);
	sh_jgen_kv_int(j, "minor", n->minor);
	if (rule) {
		sh_jgen_kv_str(j, "access", "rwm");
	} else {
		sh_jgen_kv_int(j, "fileMode", 0666);
		sh_jgen_kv_int(j, "uid", 0);
		sh_jgen_kv_int(j, "gid", 0);
	}
	sh_jgen_map_close(j);
}

/* An array: the entries there, then one per node (linux.devices, or the cgroup rules). */
static void gen_nodes(struct sh_jgen *j, yajl_val old, const struct edit *x, bool rules)
{
	size_t i;

	sh_jgen_array_open(j);
	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && sh_jgen_ok(j); i++)
		gen_value(j, old->u.array.values[i]);
	for (i = 0; i < x->e->n_nodes; i++)
		gen_node(j, &x->e->nodes[i], rules);
	sh_jgen_array_close(j);
}

typedef void member_fn(struct sh_jgen *j, yajl_val old, const struct edit *x);

/* A member an edit writes with fn (its old value, NULL when absent). */
struct member {
	const char *key;
	member_fn *fn;
	bool wanted;
};
#define MEMBERS_MAX 4

/* obj (NULL: none) written back member by member: the first of each wanted key through its fn,
 * every other as read; then the wanted members it lacks. */
static void gen_object(struct sh_jgen *j, yajl_val obj, const struct member *m, size_t n, const struct edit *x)
{
	bool seen[MEMBERS_MAX] = {false};
	size_t i, k;

	sh_jgen_map_open(j);
	for (i = 0; YAJL_IS_OBJECT(obj) && i < obj->u.object.len && sh_jgen_ok(j); i++) {
		const char *key = obj->u.object.keys[i];

		for (k = 0; k < n && (!m[k].wanted || seen[k] || strcmp(m[k].key, key)); k++)
			;
		sh_jgen_str(j, key);
		if (k < n) {
			seen[k] = true;
			m[k].fn(j, obj->u.object.values[i], x);
		} else {
			gen_value(j, obj->u.object.values[i]);
		}
	}
	for (k = 0; k < n; k++) {
		if (!m[k].wanted || seen[k])
			continue;
		sh_jgen_str(j, m[k].key);
		m[k].fn(j, NULL, x);
	}
	sh_jgen_map_close(j);
}

static void gen_devices(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	gen_nodes(j, old, x, false);
}

static void gen_rules(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	gen_nodes(j, old, x, true);
}

static void gen_resources(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"devices", gen_rules, true}};

	gen_object(j, old, m, SH_ARRAY_SIZE(m), x);
}

/* linux: devices and resources.devices. */
static void gen_linux(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"devices", gen_devices, true}, {"resources", gen_resources, true}};

	gen_object(j, old, m, SH_ARRAY_SIZE(m), x);
}

static void gen_process(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"env", gen_env, true}};

	gen_object(j, old, m, SH_ARRAY_SIZE(m), x);
}

static void gen_mounts(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	static const char *const options[] = {"rbind", "ro", "nosuid", "nodev", "noexec"};
	size_t i;

	sh_jgen_array_open(j);
	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && sh_jgen_ok(j); i++)
		gen_value(j, old->u.array.values[i]);
	sh_jgen_map_open(j);
	sh_jgen_kv_str(j, "destination", x->e->mount_destination);
	sh_jgen_kv_str(j, "type", "bind");
	sh_jgen_kv_str(j, "source", x->e->mount_source);
	sh_jgen_str(j, "options");
	sh_jgen_array_open(j);
	for (i = 0; i < SH_ARRAY_SIZE(options); i++)
		sh_jgen_str(j, options[i]);
	sh_jgen_array_close(j);
	sh_jgen_map_close(j);
	sh_jgen_array_close(j);
}

/* What each field to edit must be, when present. */
static int check_types(yajl_val spec, struct sh_error *err)
{
	static const struct {
		const char *path[3];
		yajl_type type;
	} want[] = {
		{{"process"}, yajl_t_object},
		{{"process", "env"}, yajl_t_array},
		{{"linux"}, yajl_t_object},
		{{"linux", "devices"}, yajl_t_array},
		{{"linux", "resources"}, yajl_t_object},
		{{"linux", "resources", "devices"}, yajl_t_array},
		{{"mounts"}, yajl_t_array},
	};
	size_t i, k;

	for (i = 0; i < SH_ARRAY_SIZE(want); i++) {
		yajl_val v = spec;
		char name[64] = "";

		for (k = 0; k < 3 && want[i].path[k] && v; k++) {
			v = sh_json_get(v, want[i].path[k]);
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s", k ? "." : "", want[i].path[k]);
		}
		if (v && !YAJL_IS_NULL(v) && v->type != want[i].type)
			return sh_err(err, EINVAL, "config.json: \"%s\" is not an %s", name,
				      want[i].type == yajl_t_object ? "object" : "array");
	}
	return 0;
}

/* ---- the whole spec ----------------------------------------------------------------------------- */

static void gen_hooks_member(struct sh_jgen *j, yajl_val old, const struct edit *x);

int sh_spec_edit(yajl_val spec, const struct sh_spec_edits *e, char **out, size_t *len, struct sh_error *err)
{
	yajl_val hooks = sh_json_get(spec, "hooks");
	bool vfio = e->n_nodes || e->n_env || e->mount_source;
	struct member tops[] = {
		{"hooks", gen_hooks_member, false},
		{"process", gen_process, e->n_env > 0},
		{"linux", gen_linux, e->n_nodes > 0},
		{"mounts", gen_mounts, e->mount_source != NULL},
	};
	_Static_assert(SH_ARRAY_SIZE(tops) <= MEMBERS_MAX, "gen_object keeps a seen flag per member");
	struct edit edits = {.e = e};
	_cleanup_jgen_ struct sh_jgen j = {0};
	size_t k, n;
	int r;

	*out = NULL;
	*len = 0;
	if (!YAJL_IS_OBJECT(spec))
		return sh_err(err, EINVAL, "config.json is not a JSON object");
	if (hooks && !YAJL_IS_NULL(hooks) && !YAJL_IS_OBJECT(hooks))
		return sh_err(err, EINVAL, "config.json: \"hooks\" is not an object");
	if (vfio && (r = check_types(spec, err)) < 0)
		return r;
	if (e->hook) {
		if ((r = stage_has_hook(sh_json_get(hooks, "createRuntime"), "createRuntime", e->hook->path,
					&edits.add_cr, err)) < 0 ||
		    (r = stage_has_hook(sh_json_get(hooks, "poststop"), "poststop", e->hook->path, &edits.add_ps,
					err)) < 0)
			return r;
		edits.add_cr = !edits.add_cr;
		edits.add_ps = !edits.add_ps;
	}
	tops[0].wanted = edits.add_cr || edits.add_ps;
	for (k = 0, n = 0; k < SH_ARRAY_SIZE(tops); k++)
		n += tops[k].wanted;
	if (n == 0)
		return 0;

	sh_jgen_start(&j, NULL);
	gen_object(&j, spec, tops, SH_ARRAY_SIZE(tops), &edits);
	return sh_jgen_finish(&j, "config.json", out, len, err);
}

static void gen_hooks_member(struct sh_jgen *j, yajl_val old, const struct edit *x)
{
	gen_hooks(j, old, x->e->hook, x->add_cr, x->add_ps);
}
