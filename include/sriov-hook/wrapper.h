/* sriov-runc, the runtime wrapper for engines that cannot install OCI hooks themselves (docker):
 * reads runc's command line and, on `create` of a container that asks for SR-IOV, adds the
 * sriov-hook stages to the bundle's config.json before exec'ing the real runc. */
#ifndef SRIOV_HOOK_WRAPPER_H
#define SRIOV_HOOK_WRAPPER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/config.h"
#include "sriov-hook/error.h"

/* The wrapper's own option, accepted among runc's global options (daemon.json "runtimeArgs" puts
 * it first) and removed before runc sees the command line. */
#define SH_WRAPPER_CONFIG_OPT "--sriov-config"
/* Used when the option is absent. */
#define SH_WRAPPER_CONFIG_ENV "SRIOV_HOOK_CONFIG"
/* The hook, looked for next to the wrapper's own executable. */
#define SH_WRAPPER_HOOK_NAME "sriov-hook"
/* config.json larger than this is passed through untouched. */
#define SH_WRAPPER_SPEC_MAX (64u << 20)

/* runc's command line, as the wrapper understands it. */
struct sh_runc_cmdline {
	char **argv; /* what the real runc gets: argv without the wrapper's own option, NULL-ended */
	int argc;
	int cmd;	    /* index of the subcommand in argv; -1 when there is none (runc --version) */
	const char *bundle; /* create: the bundle option's value; NULL means the working directory */
	const char *config; /* SH_WRAPPER_CONFIG_OPT's value; NULL when absent */
};

/* Splits argv into runc's global options, its subcommand and, for create, the bundle. Only a
 * missing value of the wrapper's own option is an error: anything runc does not accept is left
 * for runc to refuse. */
int sh_wrapper_parse_cmdline(int argc, char **argv, struct sh_runc_cmdline *cl, struct sh_error *err);
void sh_wrapper_cmdline_free(struct sh_runc_cmdline *cl);
/* Whether the invocation is a `create` (the only one the wrapper changes anything for). */
bool sh_wrapper_is_create(const struct sh_runc_cmdline *cl);

/* The config file in effect: the option, else $SRIOV_HOOK_CONFIG, else NULL (the default file).
 * hook_config (PATH_MAX bytes) gets the absolute path to hand the hook, "" for the default. */
int sh_wrapper_config_path(const struct sh_runc_cmdline *cl, const char **path, char *hook_config,
			   struct sh_error *err);

/* The real runc: cfg->runc when set, else the first executable of the system paths below —
 * never a PATH lookup, since the daemon's PATH may lead back to the wrapper. */
extern const char *const sh_wrapper_runc_paths[];
int sh_wrapper_find_runc(const struct sh_config *cfg, char *out, struct sh_error *err);

/* Whether the spec asks for SR-IOV: an io.sriov.* annotation, or with env_fallback an
 * SRIOV_<KEY>= entry of process.env. */
bool sh_wrapper_spec_wants_sriov(yajl_val spec, bool env_fallback);

/* The hook entries to add: path, and the config file to pass it ("" or NULL: none). */
struct sh_hook_ref {
	const char *path;
	const char *config;
};

/* Serializes spec with a createRuntime and a poststop entry for the hook added unless an entry
 * for it is there already (same path, or a file named sriov-hook). Every other field is written
 * back as read, numbers in their original text. *out is NULL (and 0 returned) when nothing needed
 * adding. Fails when "hooks" or one of its two stages has the wrong type. */
int sh_wrapper_add_hooks(yajl_val spec, const struct sh_hook_ref *hook, char **out, size_t *len, struct sh_error *err);


/* The create step: reads <bundle>/config.json and, when it asks for SR-IOV, rewrites it with the
 * hook added (hook->path NULL: the hook next to the wrapper). A config.json the wrapper cannot read
 * or parse is left to runc. changed (may be NULL): whether config.json was rewritten. */
int sh_wrapper_prepare_bundle(const char *bundle, const struct sh_config *cfg, const struct sh_hook_ref *hook,
			      bool *changed, struct sh_error *err);

/* What sriov-runc execs, and what it read on the way. */
struct sh_wrapper_exec {
	struct sh_runc_cmdline cl; /* cl.argv is the real runc's argv */
	char runc[PATH_MAX];	   /* the real runc */
	struct sh_config cfg;
	char hook_config[PATH_MAX]; /* the configuration handed to the hook ("" for the default) */
};

/* Everything sriov-runc does before exec: the command line, the configuration, the real runc and,
 * on create of a container that asks for SR-IOV, the hook added to its bundle. A configuration
 * that cannot be loaded fails every verb. sh_wrapper_exec_free afterwards, failed or not. */
int sh_wrapper_prepare(int argc, char **argv, struct sh_wrapper_exec *ex, struct sh_error *err);
void sh_wrapper_exec_free(struct sh_wrapper_exec *ex);
/* sh_wrapper_prepare, then exec of the real runc: returns only on failure. */
int sh_wrapper_run(int argc, char **argv, struct sh_error *err);

#endif
