/* config.json rewritten with what sriov-runc adds before runc create: the hook's two stages and,
 * for vfio VFs, their device nodes with the device cgroup rules that let the container open them,
 * environment variables and a read-only bind mount. Every other field is written back as read. */
#ifndef SRIOV_HOOK_SPECEDIT_H
#define SRIOV_HOOK_SPECEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/sys/vfio.h"

/* The hook entries to add: path, and the config file to pass it ("" or NULL: none). */
struct sh_hook_ref {
	const char *path;
	const char *config;
};

struct sh_spec_edits {
	const struct sh_hook_ref *hook; /* NULL: no hooks to add */
	/* vfio VFs: linux.devices entries (mode 0666, uid/gid 0) and linux.resources.devices "allow
	 * rwm" rules for each node; process.env entries "NAME=value" (an entry of the same NAME already
	 * there goes); a read-only bind mount of mount_source at mount_destination (NULL: none). */
	const struct sh_devnode *nodes;
	size_t n_nodes;
	char *const *env;
	size_t n_env;
	const char *mount_source, *mount_destination;
};

/* Serializes spec with the edits. The hook's createRuntime and poststop entries are added unless
 * an entry for it is there already (same path, or a file named sriov-hook). Numbers keep their
 * original text. *out is NULL (and 0 returned) when there is nothing to change. Fails when a
 * field to edit ("hooks" or one of its stages, "process", "process.env", "linux",
 * "linux.devices", "linux.resources", "linux.resources.devices", "mounts") has the wrong type. */
int sh_spec_edit(yajl_val spec, const struct sh_spec_edits *e, char **out, size_t *len, struct sh_error *err);

#endif
