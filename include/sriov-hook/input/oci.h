/* The OCI inputs: the state on the hook's stdin and the bundle's config.json (annotations,
 * network namespace, process environment, createRuntime hooks, the cpuset and character devices
 * that say where the container's work is, the /etc/hostname mount). */
#ifndef SRIOV_HOOK_OCI_H
#define SRIOV_HOOK_OCI_H

#include <stdbool.h>

#include "sriov-hook/core/cpuset.h"
#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h" /* SH_ID_MAX */
#include "sriov-hook/input/annotations.h"

struct sh_state {
	char *id;
	char *status;
	int pid; /* 0 when absent */
	char *bundle;
	bool has_annotations;
	struct sh_annotations annotations;
};

enum sh_netns_kind {
	SH_NETNS_HOST, /* no network namespace entry: host networking */
	SH_NETNS_NEW,  /* its own, created by the runtime: /proc/<pid>/ns/net */
	SH_NETNS_PATH, /* joins an existing one */
};

/* An entry of config.json's hooks: what the runtime will run. */
struct sh_oci_hook {
	char *path;
	char **args; /* args[0] is the program's name, as in execve */
	size_t n_args;
};

/* A character device of linux.devices: its node in the container and its numbers. */
struct sh_oci_chardev {
	char *path;
	unsigned major, minor;
};

struct sh_spec {
	struct sh_annotations annotations;
	struct sh_oci_hook *create_runtime; /* hooks.createRuntime, in the order they run */
	size_t n_create_runtime;
	enum sh_netns_kind netns;
	char *netns_path; /* SH_NETNS_PATH only */
	char **env;	  /* process.env, "KEY=VALUE" */
	size_t n_env;
	bool has_cpus; /* linux.resources.cpu.cpus, when given and not "" */
	struct sh_cpuset cpus;
	struct sh_oci_chardev *chardevs; /* linux.devices of type "c" */
	size_t n_chardevs;
	char *hostname_source; /* the source of the /etc/hostname mount, NULL without one */
};

/* An io.sriov.* annotation value longer than this is refused. */
#define SH_ANNOTATION_VALUE_MAX 4096

int sh_oci_state_parse(const char *json, struct sh_state *st, struct sh_error *err);
void sh_oci_state_free(struct sh_state *st);

int sh_oci_spec_parse(const char *json, struct sh_spec *spec, struct sh_error *err);
int sh_oci_spec_load(const char *bundle, struct sh_spec *spec, struct sh_error *err);
void sh_oci_spec_free(struct sh_spec *spec);

/* The network namespace the hook acts on: an absolute path in out (PATH_MAX bytes). */
int sh_oci_netns_path(const struct sh_state *st, const struct sh_spec *spec, char *out, struct sh_error *err);

#endif
