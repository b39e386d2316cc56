/* The OCI inputs: runtime state on stdin and the bundle's config.json. Only what the hook needs
 * is kept; everything is validated before the hook acts. */
#include "sriov-hook/input/oci.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/input/request.h"

#define SPEC_MAX_BYTES (4u << 20)

static int dup_string(yajl_val root, const char *key, bool required, char **out, const char *what, struct sh_error *err)
{
	const char *s;
	int r = sh_json_get_string(root, key, &s);

	if (r == -ENOENT && !required)
		return 0;
	if (r == -ENOENT)
		return sh_err(err, EINVAL, "%s: missing \"%s\"", what, key);
	if (r < 0)
		return sh_err(err, EINVAL, "%s: \"%s\" is not a string", what, key);
	*out = strdup(s);
	return *out ? 0 : sh_err(err, ENOMEM, "out of memory");
}

/* Copies a JSON object of strings; what names it in errors. */
static int annotations_from_json(yajl_val obj, const char *what, struct sh_annotations *out, struct sh_error *err)
{
	size_t i;

	if (!YAJL_IS_OBJECT(obj))
		return sh_err(err, EINVAL, "%s: annotations is not an object", what);
	for (i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		const char *value = YAJL_GET_STRING(obj->u.object.values[i]);

		if (!value)
			return sh_err(err, EINVAL, "%s: annotation %s is not a string", what, key);
		/* Ours are short (16 addresses fit in 1 KiB); others' are not ours to judge. */
		if (!strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)) &&
		    strlen(value) > SH_ANNOTATION_VALUE_MAX)
			return sh_err(err, E2BIG, "%s: annotation %.64s has %zu bytes: give at most %d", what, key,
				      strlen(value), SH_ANNOTATION_VALUE_MAX);
		if (sh_annotations_add(out, key, value) < 0)
			return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int state_from_tree(yajl_val root, struct sh_state *st, struct sh_error *err)
{
	long long pid = 0;
	yajl_val ann;
	int r;

	if ((r = dup_string(root, "id", true, &st->id, "OCI state", err)) < 0)
		return r;
	if (sh_container_id_validate(st->id, err) < 0)
		return sh_err_ctx(err, "OCI state");
	if ((r = dup_string(root, "status", false, &st->status, "OCI state", err)) < 0 ||
	    (r = dup_string(root, "bundle", true, &st->bundle, "OCI state", err)) < 0)
		return r;
	if (st->bundle[0] != '/')
		return sh_err(err, EINVAL, "OCI state: bundle \"%s\" is not an absolute path", st->bundle);
	r = sh_json_get_int(root, "pid", &pid);
	if (r == -EINVAL || (r == 0 && (pid < 0 || pid > INT_MAX)))
		return sh_err(err, EINVAL, "OCI state: \"pid\" is not a valid process id");
	st->pid = (int)pid;
	ann = sh_json_get(root, "annotations");
	if (ann && !YAJL_IS_NULL(ann)) {
		st->has_annotations = true;
		if ((r = annotations_from_json(ann, "OCI state", &st->annotations, err)) < 0)
			return r;
	}
	return 0;
}

int sh_oci_state_parse(const char *json, struct sh_state *st, struct sh_error *err)
{
	_cleanup_json_ yajl_val root = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	if ((r = sh_json_parse(json, "OCI state", &root, err)) < 0)
		return r;
	r = state_from_tree(root, st, err);
	if (r < 0)
		sh_oci_state_free(st);
	return r;
}

void sh_oci_state_free(struct sh_state *st)
{
	free(st->id);
	free(st->status);
	free(st->bundle);
	sh_annotations_free(&st->annotations);
	memset(st, 0, sizeof(*st));
}

static int spec_namespaces(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"linux", "namespaces", NULL};
	yajl_val nss = yajl_tree_get(root, path, yajl_t_any);
	size_t i;

	spec->netns = SH_NETNS_HOST;
	if (!nss)
		return 0;
	if (!YAJL_IS_ARRAY(nss))
		return sh_err(err, EINVAL, "config.json: linux.namespaces is not an array");
	for (i = 0; i < nss->u.array.len; i++) {
		yajl_val ns = nss->u.array.values[i];
		const char *type, *p;

		if (sh_json_get_string(ns, "type", &type) < 0)
			return sh_err(err, EINVAL, "config.json: linux.namespaces[%zu] has no type", i);
		if (strcmp(type, "network"))
			continue;
		if (spec->netns != SH_NETNS_HOST)
			return sh_err(err, EINVAL, "config.json: linux.namespaces has more than one network entry");
		if (sh_json_get_string(ns, "path", &p) == 0 && *p) {
			if (p[0] != '/')
				return sh_err(err, EINVAL, "config.json: network namespace path \"%s\" is not absolute",
					      p);
			spec->netns = SH_NETNS_PATH;
			spec->netns_path = strdup(p);
			if (!spec->netns_path)
				return sh_err(err, ENOMEM, "out of memory");
		} else {
			spec->netns = SH_NETNS_NEW;
		}
	}
	return 0;
}

static int spec_env(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"process", "env", NULL};
	yajl_val env = yajl_tree_get(root, path, yajl_t_array);
	size_t i;

	if (!env)
		return 0;
	spec->env = calloc(env->u.array.len + 1, sizeof(char *));
	if (!spec->env)
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < env->u.array.len; i++) {
		const char *e = YAJL_GET_STRING(env->u.array.values[i]);

		if (!e)
			continue;
		spec->env[spec->n_env] = strdup(e);
		if (!spec->env[spec->n_env])
			return sh_err(err, ENOMEM, "out of memory");
		spec->n_env++;
	}
	return 0;
}

/* linux.resources.cpu.cpus: the CPUs the runtime confines the container to, which say its NUMA
 * nodes. "" is no cpuset, as runc reads it. */
static int spec_cpus(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"linux", "resources", "cpu", "cpus", NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	const char *s;

	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!(s = YAJL_GET_STRING(v)) || sh_cpuset_parse(s, &spec->cpus) < 0)
		return sh_err(err, EINVAL, "config.json: linux.resources.cpu.cpus \"%.64s\" is not a CPU list (0-3,8)",
			      s ? s : "(not a string)");
	spec->has_cpus = !sh_cpuset_empty(&spec->cpus);
	return 0;
}

/* linux.devices: the character devices, whose PCI devices io.sriov.near=auto looks for. */
static int spec_devices(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"linux", "devices", NULL};
	yajl_val devs = yajl_tree_get(root, path, yajl_t_any);
	long long major, minor;
	const char *type, *p;
	size_t i;

	if (!devs || YAJL_IS_NULL(devs))
		return 0;
	if (!YAJL_IS_ARRAY(devs))
		return sh_err(err, EINVAL, "config.json: linux.devices is not an array");
	if (!(spec->chardevs = calloc(devs->u.array.len + 1, sizeof(*spec->chardevs))))
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < devs->u.array.len; i++) {
		yajl_val d = devs->u.array.values[i];

		if (sh_json_get_string(d, "type", &type) < 0 || strcmp(type, "c"))
			continue;
		if (sh_json_get_string(d, "path", &p) < 0 || sh_json_get_int(d, "major", &major) < 0 ||
		    sh_json_get_int(d, "minor", &minor) < 0 || major < 0 || minor < 0 || major > UINT_MAX ||
		    minor > UINT_MAX)
			return sh_err(err, EINVAL, "config.json: linux.devices[%zu] lacks a path, major or minor", i);
		spec->chardevs[spec->n_chardevs].major = (unsigned)major;
		spec->chardevs[spec->n_chardevs].minor = (unsigned)minor;
		if (!(spec->chardevs[spec->n_chardevs++].path = strdup(p)))
			return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}

/* The source of the mount on /etc/hostname: docker keeps it in the container's own directory,
 * beside the file that says which network docker will connect it to (input/docker.c). */
static int spec_hostname_mount(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"mounts", NULL};
	yajl_val mounts = yajl_tree_get(root, path, yajl_t_array);
	const char *dst, *src;
	size_t i;

	for (i = 0; mounts && i < mounts->u.array.len; i++) {
		if (sh_json_get_string(mounts->u.array.values[i], "destination", &dst) < 0 ||
		    strcmp(dst, "/etc/hostname") || sh_json_get_string(mounts->u.array.values[i], "source", &src) < 0)
			continue;
		free(spec->hostname_source);
		if (!(spec->hostname_source = strdup(src)))
			return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}

/* hooks.createRuntime: what a CDI device adds, and the order its slot is counted in. */
static int spec_hooks(yajl_val root, struct sh_spec *spec, struct sh_error *err)
{
	const char *path[] = {"hooks", "createRuntime", NULL};
	yajl_val hooks = yajl_tree_get(root, path, yajl_t_any), args;
	size_t i, k;

	if (!hooks || YAJL_IS_NULL(hooks))
		return 0;
	if (!YAJL_IS_ARRAY(hooks))
		return sh_err(err, EINVAL, "config.json: hooks.createRuntime is not an array");
	if (!(spec->create_runtime = calloc(hooks->u.array.len, sizeof(*spec->create_runtime))) && hooks->u.array.len)
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < hooks->u.array.len; i++) {
		struct sh_oci_hook *h = &spec->create_runtime[spec->n_create_runtime++];
		const char *p;

		if (sh_json_get_string(hooks->u.array.values[i], "path", &p) < 0)
			return sh_err(err, EINVAL, "config.json: hooks.createRuntime[%zu] has no path", i);
		args = sh_json_get(hooks->u.array.values[i], "args");
		if (args && !YAJL_IS_NULL(args) && !YAJL_IS_ARRAY(args))
			return sh_err(err, EINVAL, "config.json: hooks.createRuntime[%zu].args is not an array", i);
		if (!(h->path = strdup(p)))
			return sh_err(err, ENOMEM, "out of memory");
		if (!args || !YAJL_IS_ARRAY(args) || args->u.array.len == 0)
			continue;
		if (!(h->args = calloc(args->u.array.len + 1, sizeof(*h->args))))
			return sh_err(err, ENOMEM, "out of memory");
		for (k = 0; k < args->u.array.len; k++) {
			const char *a = YAJL_GET_STRING(args->u.array.values[k]);

			if (!a)
				return sh_err(err, EINVAL,
					      "config.json: hooks.createRuntime[%zu].args[%zu] is not a string", i, k);
			if (!(h->args[h->n_args++] = strdup(a)))
				return sh_err(err, ENOMEM, "out of memory");
		}
	}
	return 0;
}

int sh_oci_spec_parse(const char *json, struct sh_spec *spec, struct sh_error *err)
{
	_cleanup_json_ yajl_val root = NULL;
	yajl_val ann;
	int r;

	memset(spec, 0, sizeof(*spec));
	if ((r = sh_json_parse(json, "config.json", &root, err)) < 0)
		return r;
	ann = sh_json_get(root, "annotations");
	r = 0;
	if (ann && !YAJL_IS_NULL(ann))
		r = annotations_from_json(ann, "config.json", &spec->annotations, err);
	if (r == 0)
		r = spec_namespaces(root, spec, err);
	if (r == 0)
		r = spec_env(root, spec, err);
	if (r == 0)
		r = spec_hooks(root, spec, err);
	if (r == 0)
		r = spec_cpus(root, spec, err);
	if (r == 0)
		r = spec_devices(root, spec, err);
	if (r == 0)
		r = spec_hostname_mount(root, spec, err);
	if (r < 0)
		sh_oci_spec_free(spec);
	return r;
}

int sh_oci_spec_load(const char *bundle, struct sh_spec *spec, struct sh_error *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	int r;

	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return sh_err(err, ENAMETOOLONG, "bundle path too long");
	if ((r = sh_json_read_file(path, SPEC_MAX_BYTES, &buf, err)) < 0)
		return sh_err_ctx(err, "read bundle config");
	return sh_oci_spec_parse(buf, spec, err);
}

void sh_oci_spec_free(struct sh_spec *spec)
{
	size_t i, k;

	for (i = 0; i < spec->n_create_runtime; i++) {
		free(spec->create_runtime[i].path);
		for (k = 0; k < spec->create_runtime[i].n_args; k++)
			free(spec->create_runtime[i].args[k]);
		free(spec->create_runtime[i].args);
	}
	free(spec->create_runtime);

	sh_annotations_free(&spec->annotations);
	free(spec->netns_path);
	free(spec->hostname_source);
	for (i = 0; i < spec->n_env; i++)
		free(spec->env[i]);
	free(spec->env);
	for (i = 0; i < spec->n_chardevs; i++)
		free(spec->chardevs[i].path);
	free(spec->chardevs);
	memset(spec, 0, sizeof(*spec));
}

int sh_oci_netns_path(const struct sh_state *st, const struct sh_spec *spec, char *out, struct sh_error *err)
{
	switch (spec->netns) {
	case SH_NETNS_HOST:
		return sh_err(err, EINVAL,
			      "the container has no network namespace of its own (host networking): "
			      "refusing to move a VF into the host namespace; give it a network namespace of its own "
			      "(not --network host)");
	case SH_NETNS_PATH:
		snprintf(out, PATH_MAX, "%s", spec->netns_path);
		return 0;
	case SH_NETNS_NEW:
		break;
	}
	if (st->pid <= 0)
		return sh_err(err, EINVAL, "OCI state has no pid, and config.json names no network namespace path");
	snprintf(out, PATH_MAX, "/proc/%d/ns/net", st->pid);
	return 0;
}
