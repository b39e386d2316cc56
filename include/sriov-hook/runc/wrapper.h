/* sriov-runc, the runtime wrapper for engines that cannot install OCI hooks themselves (docker):
 * reads runc's command line and, on `create` of a container that asks for SR-IOV, adds the
 * sriov-hook stages to the bundle's config.json before exec'ing the real runc. */
#ifndef SRIOV_HOOK_WRAPPER_H
#define SRIOV_HOOK_WRAPPER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/runc/specedit.h"

struct sh_vfio_prep;

/* The wrapper's own option, accepted among runc's global options (daemon.json "runtimeArgs" puts
 * it first) and removed before runc sees the command line. */
#define SH_WRAPPER_CONFIG_OPT "--sriov-config"
/* Used when the option is absent. */
#define SH_WRAPPER_CONFIG_ENV "SRIOV_HOOK_CONFIG"
/* The hook, looked for next to the wrapper's own executable. */
#define SH_WRAPPER_HOOK_NAME "sriov-hook"
/* config.json larger than this is passed through untouched. */
#define SH_WRAPPER_SPEC_MAX (64u << 20)
/* The wrapper's configuration file, at most (as the hook's). */
#define SH_WRAPPER_CONFIG_MAX (1u << 20)

/* runc's command line, as the wrapper understands it. */
struct sh_runc_cmdline {
	char **argv; /* what the real runc gets: argv without the wrapper's own option, NULL-ended */
	int argc;
	int cmd;		/* index of the subcommand in argv; -1 when there is none (runc --version) */
	const char *bundle;	/* create: the bundle option's value; NULL means the working directory */
	const char *id;		/* create: the container id; NULL when absent */
	const char *config;	/* SH_WRAPPER_CONFIG_OPT's value; NULL when absent */
	const char *log;	/* runc's --log: where the engine reads runc's error; NULL when absent */
	const char *log_format; /* runc's --log-format: "text" (the default) or "json" */
};

/* Splits argv into runc's global options, its subcommand and, for create, the bundle. Only a
 * missing value of the wrapper's own option is an error: anything runc does not accept is left
 * for runc to refuse. log and log_format stay set after a failure and after
 * sh_wrapper_cmdline_free (they point into argv). */
int sh_wrapper_parse_cmdline(int argc, char **argv, struct sh_runc_cmdline *cl, struct sh_error *err);
void sh_wrapper_cmdline_free(struct sh_runc_cmdline *cl);
/* Whether the invocation is a `create` (the only one the wrapper changes anything for). */
bool sh_wrapper_is_create(const struct sh_runc_cmdline *cl);

/* The config file in effect: the option, else $SRIOV_HOOK_CONFIG, else NULL (the default file).
 * hook_config (PATH_MAX bytes) gets the absolute path to hand the hook, "" for the default. */
int sh_wrapper_config_path(const struct sh_runc_cmdline *cl, const char **path, char *hook_config,
			   struct sh_error *err);

/* What every invocation reads of the configuration file (path NULL: the default): "runc", into
 * cfg (defaults otherwise); nothing else is checked. A file that is absent, unreadable or not
 * JSON gives the defaults; only a "runc" that is not an absolute path fails, since no other runc
 * may stand in for the one named. */
int sh_wrapper_peek_config(const char *path, struct sh_config *cfg, struct sh_error *err);

/* The real runc: cfg->runc when set, else the first executable of sh_runc_search_paths (config.h)
 * — never a PATH lookup, since the daemon's PATH may lead back to the wrapper. */
int sh_wrapper_find_runc(const struct sh_config *cfg, char *out, struct sh_error *err);

/* Whether the spec asks for SR-IOV: an io.sriov.* annotation, or with env_fallback an
 * SRIOV_<KEY>= entry of process.env. */
bool sh_wrapper_spec_wants_sriov(yajl_val spec, bool env_fallback);


/* Serializes spec with a createRuntime and a poststop entry for the hook added unless an entry
 * for it is there already (same path, or a file named sriov-hook). Every other field is written
 * back as read, numbers in their original text. *out is NULL (and 0 returned) when nothing needed
 * adding. Fails when "hooks" or one of its two stages has the wrong type. */
int sh_wrapper_add_hooks(yajl_val spec, const struct sh_hook_ref *hook, char **out, size_t *len, struct sh_error *err);


/* The create step: reads <bundle>/config.json and, when it asks for SR-IOV, rewrites it with the
 * hook added (hook->path NULL: the hook next to the wrapper). A config.json the wrapper cannot read
 * or parse is left to runc; one over SH_WRAPPER_SPEC_MAX is refused (-EFBIG), since a container it
 * asks a VF for would start without one. changed (may be NULL): whether config.json was rewritten. */
int sh_wrapper_prepare_bundle(const char *bundle, const struct sh_config *cfg, const struct sh_hook_ref *hook,
			      bool *changed, struct sh_error *err);

/* What sriov-runc execs, and what it read on the way. */
struct sh_wrapper_exec {
	struct sh_runc_cmdline cl; /* cl.argv is the real runc's argv */
	char runc[PATH_MAX];	   /* the real runc */
	struct sh_config cfg;
	char hook_config[PATH_MAX]; /* the configuration handed to the hook ("" for the default) */
	/* create of a container with vfio VFs: what was claimed for it (NULL: nothing asked) */
	struct sh_vfio_prep *vfio;
};

/* Everything sriov-runc does before exec: the command line, the configuration, the real runc and,
 * on create of a container that asks for SR-IOV, the hook added to its bundle. Only that create
 * (or one with SRIOV_ variables, which ask unless a valid file says env_fallback is off) loads
 * and validates the whole configuration, and fails when it cannot; every other invocation takes
 * "runc" from it (sh_wrapper_peek_config) and goes on to runc. sh_wrapper_exec_free
 * afterwards, failed or not. */
int sh_wrapper_prepare(int argc, char **argv, struct sh_wrapper_exec *ex, struct sh_error *err);
void sh_wrapper_exec_free(struct sh_wrapper_exec *ex);
/* runc's own error line for msg in its --log file format (format "json", or "text"/NULL/"": runc's
 * default), as logrus writes it at level error with the time now (RFC 3339, local time): what
 * docker and containerd read back and show when runc fails. *out is malloc'd, newline-ended. */
int sh_wrapper_runc_log_line(const char *format, const char *msg, time_t now, char **out, struct sh_error *err);
/* Appends msg as runc's error line to cl->log (nothing when runc was given no --log). */
int sh_wrapper_runc_log(const struct sh_runc_cmdline *cl, const char *msg, struct sh_error *err);
/* sh_wrapper_prepare, then exec of the real runc: returns only on failure (negative), after
 * writing "sriov-runc: <err's message>" to runc's --log file (sh_wrapper_runc_log) — or, for the
 * create of a container whose vfio VFs it prepared, runs runc as its child and returns runc's exit
 * status (0-255) once done. */
int sh_wrapper_run(int argc, char **argv, struct sh_error *err);

#endif
