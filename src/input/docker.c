/* Whether docker will add the container's eth0 after createRuntime. Facts measured with docker
 * 26.1 (trixie) and 28.5 (sid), read from the bundle's config.json and docker's own files:
 * - docker 28 lets runc create a fresh network namespace (linux.namespaces has a network entry
 *   without a path) and connects it to the container's network only after `runc create` has
 *   returned, so after the createRuntime hooks: a VF named eth0 by then makes the start fail with
 *   `error renaming interface "veth…" to "eth0": file exists`. docker 26 connects it before.
 * - config.json is the same with --network none and with a network: no hook, no annotation, no
 *   environment variable tells them apart.
 * - docker bind-mounts /etc/hostname from <data-root>/containers/<id>/hostname, where <id> is the
 *   OCI id; that directory's hostconfig.json, written at `docker create`, names the network in
 *   "NetworkMode": "none", "host", "container:<id>", or a network ("bridge", "default", a name). */
#include "sriov-hook/input/docker.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/json.h"

#define HOSTCONFIG_MAX_BYTES (1u << 20)

/* The container's directory of docker's data root, from the /etc/hostname mount's source
 * (<dir>/hostname with <dir> ending in /containers/<id>); false when it is not docker's. */
static bool docker_dir(const struct sh_state *st, const struct sh_spec *spec, char *dir, size_t len)
{
	const char *src = spec->hostname_source, *end;
	size_t idlen;

	if (!src || !st->id || src[0] != '/')
		return false;
	end = src + strlen(src);
	if (end - src < (ptrdiff_t)sizeof("/hostname") || strcmp(end - strlen("/hostname"), "/hostname"))
		return false;
	end -= strlen("/hostname");
	idlen = strlen(st->id);
	if ((size_t)(end - src) < idlen + strlen("/containers/") || strncmp(end - idlen, st->id, idlen) ||
	    strncmp(end - idlen - strlen("/containers/"), "/containers/", 12))
		return false;
	return snprintf(dir, len, "%.*s", (int)(end - src), src) < (int)len;
}

bool sh_docker_adds_eth0_later(const struct sh_state *st, const struct sh_spec *spec)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ yajl_val root = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct sh_error ignored;
	const char *mode;

	/* A namespace docker made beforehand (a path) has its eth0 already, if any. */
	if (spec->netns != SH_NETNS_NEW || !docker_dir(st, spec, dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/hostconfig.json", dir);
	if (sh_json_read_file(path, HOSTCONFIG_MAX_BYTES, &text, &ignored) < 0 ||
	    sh_json_parse(text, path, &root, &ignored) < 0 || sh_json_get_string(root, "NetworkMode", &mode) < 0)
		return false;
	return strcmp(mode, "none") && strcmp(mode, "host") && strncmp(mode, "container:", 10);
}
