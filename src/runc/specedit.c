/* config.json rewritten by sriov-runc: the tree yajl read is written back field by field, with the
 * hook's entries and the vfio VFs' nodes, rules, variables and mount added where they belong. A
 * field of the wrong type is refused rather than guessed at. */
#include "sriov-hook/runc/specedit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "sriov-hook/core/json.h"

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

static yajl_gen_status gen_value(yajl_gen g, yajl_val v)
{
	yajl_gen_status s = yajl_gen_status_ok;
	size_t i;

	switch (v ? v->type : yajl_t_null) {
	case yajl_t_string:
		return yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
	case yajl_t_number:
		/* The original text: 1e3 stays 1e3, 18446744073709551615 is not clamped. */
		return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	case yajl_t_true:
		return yajl_gen_bool(g, 1);
	case yajl_t_false:
		return yajl_gen_bool(g, 0);
	case yajl_t_object:
		s = yajl_gen_map_open(g);
		for (i = 0; i < v->u.object.len && s == yajl_gen_status_ok; i++) {
			s = yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i], strlen(v->u.object.keys[i]));
			if (s == yajl_gen_status_ok)
				s = gen_value(g, v->u.object.values[i]);
		}
		return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
	case yajl_t_array:
		s = yajl_gen_array_open(g);
		for (i = 0; i < v->u.array.len && s == yajl_gen_status_ok; i++)
			s = gen_value(g, v->u.array.values[i]);
		return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
	default:
		return yajl_gen_null(g);
	}
}

static yajl_gen_status gen_hook_entry(yajl_gen g, const struct sh_hook_ref *hook, const char *stage)
{
	sh_json_gen_str(g, "path");
	sh_json_gen_str(g, hook->path);
	sh_json_gen_str(g, "args");
	yajl_gen_array_open(g);
	sh_json_gen_str(g, HOOK_NAME);
	if (hook->config && *hook->config) {
		sh_json_gen_str(g, "--config");
		sh_json_gen_str(g, hook->config);
	}
	sh_json_gen_str(g, stage);
	yajl_gen_array_close(g);
	return yajl_gen_status_ok;
}

/* A stage array: the entries already there, then ours when needed. */
static yajl_gen_status gen_stage(yajl_gen g, yajl_val old, const struct sh_hook_ref *hook, const char *stage, bool add)
{
	yajl_gen_status s = yajl_gen_array_open(g);

	if (YAJL_IS_ARRAY(old))
		for (size_t i = 0; i < old->u.array.len && s == yajl_gen_status_ok; i++)
			s = gen_value(g, old->u.array.values[i]);
	if (s == yajl_gen_status_ok && add) {
		s = yajl_gen_map_open(g);
		if (s == yajl_gen_status_ok)
			s = gen_hook_entry(g, hook, stage);
		if (s == yajl_gen_status_ok)
			s = yajl_gen_map_close(g);
	}
	return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static yajl_gen_status gen_hooks(yajl_gen g, yajl_val old, const struct sh_hook_ref *hook, bool add_cr, bool add_ps)
{
	yajl_gen_status s = yajl_gen_map_open(g);
	bool seen_cr = false, seen_ps = false;

	for (size_t i = 0; YAJL_IS_OBJECT(old) && i < old->u.object.len && s == yajl_gen_status_ok; i++) {
		const char *k = old->u.object.keys[i];

		sh_json_gen_str(g, k);
		if (!strcmp(k, "createRuntime")) {
			seen_cr = true;
			s = gen_stage(g, old->u.object.values[i], hook, k, add_cr);
		} else if (!strcmp(k, "poststop")) {
			seen_ps = true;
			s = gen_stage(g, old->u.object.values[i], hook, k, add_ps);
		} else {
			s = gen_value(g, old->u.object.values[i]);
		}
	}
	if (s == yajl_gen_status_ok && !seen_cr && add_cr) {
		sh_json_gen_str(g, "createRuntime");
		s = gen_stage(g, NULL, hook, "createRuntime", true);
	}
	if (s == yajl_gen_status_ok && !seen_ps && add_ps) {
		sh_json_gen_str(g, "poststop");
		s = gen_stage(g, NULL, hook, "poststop", true);
	}
	return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
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

static yajl_gen_status gen_env(yajl_gen g, yajl_val old, const struct edit *x)
{
	yajl_gen_status s = yajl_gen_array_open(g);
	size_t i;

	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && s == yajl_gen_status_ok; i++) {
		yajl_val v = old->u.array.values[i];

		if (!YAJL_IS_STRING(v) || !env_replaced(x, YAJL_GET_STRING(v)))
			s = gen_value(g, v);
	}
	for (i = 0; i < x->e->n_env && s == yajl_gen_status_ok; i++)
		s = yajl_gen_string(g, (const unsigned char *)x->e->env[i], strlen(x->e->env[i]));
	return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

static void gen_node(yajl_gen g, const struct sh_devnode *n, bool rule)
{
	yajl_gen_map_open(g);
	if (rule) {
		sh_json_gen_str(g, "allow");
		yajl_gen_bool(g, 1);
	} else {
		sh_json_gen_kv_str(g, "path", n->path);
	}
	sh_json_gen_kv_str(g, "type", "c");
	sh_json_gen_kv_int(g, "major", n->major);
	sh_json_gen_kv_int(g, "minor", n->minor);
	if (rule) {
		sh_json_gen_kv_str(g, "access", "rwm");
	} else {
		sh_json_gen_kv_int(g, "fileMode", 0666);
		sh_json_gen_kv_int(g, "uid", 0);
		sh_json_gen_kv_int(g, "gid", 0);
	}
	yajl_gen_map_close(g);
}

/* An array: the entries there, then one per node (linux.devices, or the cgroup rules). */
static yajl_gen_status gen_nodes(yajl_gen g, yajl_val old, const struct edit *x, bool rules)
{
	yajl_gen_status s = yajl_gen_array_open(g);
	size_t i;

	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && s == yajl_gen_status_ok; i++)
		s = gen_value(g, old->u.array.values[i]);
	for (i = 0; i < x->e->n_nodes && s == yajl_gen_status_ok; i++)
		gen_node(g, &x->e->nodes[i], rules);
	return s == yajl_gen_status_ok ? yajl_gen_array_close(g) : s;
}

typedef yajl_gen_status member_fn(yajl_gen g, yajl_val old, const struct edit *x);

/* A member an edit writes with fn (its old value, NULL when absent). */
struct member {
	const char *key;
	member_fn *fn;
	bool wanted;
};
#define MEMBERS_MAX 4

/* obj (NULL: none) written back member by member: the first of each wanted key through its fn,
 * every other as read; then the wanted members it lacks. */
static yajl_gen_status gen_object(yajl_gen g, yajl_val obj, const struct member *m, size_t n, const struct edit *x)
{
	yajl_gen_status s = yajl_gen_map_open(g);
	bool seen[MEMBERS_MAX] = {false};
	size_t i, k;

	for (i = 0; YAJL_IS_OBJECT(obj) && i < obj->u.object.len && s == yajl_gen_status_ok; i++) {
		const char *key = obj->u.object.keys[i];

		for (k = 0; k < n && (!m[k].wanted || seen[k] || strcmp(m[k].key, key)); k++)
			;
		s = yajl_gen_string(g, (const unsigned char *)key, strlen(key));
		if (s != yajl_gen_status_ok)
			break;
		if (k < n) {
			seen[k] = true;
			s = m[k].fn(g, obj->u.object.values[i], x);
		} else {
			s = gen_value(g, obj->u.object.values[i]);
		}
	}
	for (k = 0; k < n && s == yajl_gen_status_ok; k++) {
		if (!m[k].wanted || seen[k])
			continue;
		sh_json_gen_str(g, m[k].key);
		s = m[k].fn(g, NULL, x);
	}
	return s == yajl_gen_status_ok ? yajl_gen_map_close(g) : s;
}

static yajl_gen_status gen_devices(yajl_gen g, yajl_val old, const struct edit *x)
{
	return gen_nodes(g, old, x, false);
}

static yajl_gen_status gen_rules(yajl_gen g, yajl_val old, const struct edit *x)
{
	return gen_nodes(g, old, x, true);
}

static yajl_gen_status gen_resources(yajl_gen g, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"devices", gen_rules, true}};

	return gen_object(g, old, m, SH_ARRAY_SIZE(m), x);
}

/* linux: devices and resources.devices. */
static yajl_gen_status gen_linux(yajl_gen g, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"devices", gen_devices, true}, {"resources", gen_resources, true}};

	return gen_object(g, old, m, SH_ARRAY_SIZE(m), x);
}

static yajl_gen_status gen_process(yajl_gen g, yajl_val old, const struct edit *x)
{
	const struct member m[] = {{"env", gen_env, true}};

	return gen_object(g, old, m, SH_ARRAY_SIZE(m), x);
}

static yajl_gen_status gen_mounts(yajl_gen g, yajl_val old, const struct edit *x)
{
	static const char *const options[] = {"rbind", "ro", "nosuid", "nodev", "noexec"};
	yajl_gen_status s = yajl_gen_array_open(g);
	size_t i;

	for (i = 0; YAJL_IS_ARRAY(old) && i < old->u.array.len && s == yajl_gen_status_ok; i++)
		s = gen_value(g, old->u.array.values[i]);
	if (s != yajl_gen_status_ok)
		return s;
	yajl_gen_map_open(g);
	sh_json_gen_kv_str(g, "destination", x->e->mount_destination);
	sh_json_gen_kv_str(g, "type", "bind");
	sh_json_gen_kv_str(g, "source", x->e->mount_source);
	sh_json_gen_str(g, "options");
	yajl_gen_array_open(g);
	for (i = 0; i < SH_ARRAY_SIZE(options); i++)
		sh_json_gen_str(g, options[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	return yajl_gen_array_close(g);
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

static yajl_gen_status gen_hooks_member(yajl_gen g, yajl_val old, const struct edit *x);

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
	yajl_gen_status s = yajl_gen_status_ok;
	_cleanup_json_gen_ yajl_gen g = NULL;
	const unsigned char *buf;
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

	if (!(g = yajl_gen_alloc(NULL)))
		return sh_err(err, ENOMEM, "out of memory");
	s = gen_object(g, spec, tops, SH_ARRAY_SIZE(tops), &edits);
	if (s == yajl_gen_status_ok)
		s = yajl_gen_get_buf(g, &buf, &n);
	if (s != yajl_gen_status_ok)
		return sh_err(err, EINVAL, "config.json: cannot serialize (yajl_gen status %d)", (int)s);
	if (!(*out = malloc(n + 1)))
		return sh_err(err, ENOMEM, "out of memory");
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	*len = n;
	return 0;
}

static yajl_gen_status gen_hooks_member(yajl_gen g, yajl_val old, const struct edit *x)
{
	return gen_hooks(g, old, x->e->hook, x->add_cr, x->add_ps);
}
