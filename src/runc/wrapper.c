/* sriov-runc's logic: understand runc's command line well enough to find `create` and its bundle,
 * decide whether the spec asks for SR-IOV, add the hook to config.json without disturbing anything
 * else in it, and name the real runc. The wrapper never guesses on behalf of containers that did
 * not ask: whatever it cannot read is left to runc. */
#include "sriov-hook/runc/wrapper.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sriov-hook/core/jsongen.h"

#include "sriov-hook/core/fileio.h"
#include "sriov-hook/core/json.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/runc/vfioprep.h"

/* runc's global options and create's options that take a separate value (urfave/cli accepts
 * "-name value", "--name value" and "--name=value" alike). */
static const char *const global_value_opts[] = {"log", "log-format", "root", "criu", "rootless", NULL};
static const char *const create_value_opts[] = {"console-socket", "pid-file", "preserve-fds", NULL};

static bool in_list(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)
		if (strlen(*list) == len && !strncmp(*list, name, len))
			return true;
	return false;
}

/* For "-x", "--x", "-x=v", "--x=v": the name (without dashes), its length and the inline value. */
static bool split_option(const char *arg, const char **name, size_t *len, const char **value)
{
	const char *eq;

	if (arg[0] != '-' || arg[1] == '\0' || !strcmp(arg, "--"))
		return false;
	*name = arg + (arg[1] == '-' ? 2 : 1);
	eq = strchr(*name, '=');
	*len = eq ? (size_t)(eq - *name) : strlen(*name);
	*value = eq ? eq + 1 : NULL;
	return true;
}

static bool is_name(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !strncmp(name, want, len);
}

static void scan_create(struct sh_runc_cmdline *cl)
{
	const char *name, *value;
	size_t len;
	int i;

	for (i = cl->cmd + 1; i < cl->argc; i++) {
		if (!strcmp(cl->argv[i], "--"))
			break;
		if (!split_option(cl->argv[i], &name, &len, &value)) {
			cl->id = cl->argv[i]; /* the container id */
			continue;
		}
		if (is_name(name, len, "bundle") || is_name(name, len, "b")) {
			if (!value && i + 1 < cl->argc)
				value = cl->argv[++i];
			if (value)
				cl->bundle = value; /* the last one wins, as in runc */
		} else if (!value && in_list(create_value_opts, name, len)) {
			i++;
		}
	}
}

int sh_wrapper_parse_cmdline(int argc, char **argv, struct sh_runc_cmdline *cl, struct sh_error *err)
{
	const char *name, *value;
	size_t len;
	int i;

	memset(cl, 0, sizeof(*cl));
	cl->cmd = -1;
	/* Kept from here on, whatever happens: a failure is reported in runc's log too. */
	cl->argv = calloc(argc + 1, sizeof(*cl->argv));
	if (!cl->argv)
		return sh_err(err, ENOMEM, "out of memory");
	if (argc > 0)
		cl->argv[cl->argc++] = argv[0];

	for (i = 1; i < argc; i++) {
		if (cl->cmd >= 0) {
			cl->argv[cl->argc++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) { /* ends the global options: the subcommand follows */
			cl->argv[cl->argc++] = argv[i];
			if (i + 1 < argc)
				cl->cmd = cl->argc;
			continue;
		}
		if (!split_option(argv[i], &name, &len, &value)) {
			cl->cmd = cl->argc;
			cl->argv[cl->argc++] = argv[i];
			continue;
		}
		if (is_name(name, len, &SH_WRAPPER_CONFIG_OPT[2])) {
			if (!value && i + 1 < argc)
				value = argv[++i];
			if (!value || !*value) {
				sh_wrapper_cmdline_free(cl);
				return sh_err(err, EINVAL, "option %s needs a file name: give %s FILE",
					      SH_WRAPPER_CONFIG_OPT, SH_WRAPPER_CONFIG_OPT);
			}
			cl->config = value;
			continue; /* runc never sees it */
		}
		cl->argv[cl->argc++] = argv[i];
		if (!value && in_list(global_value_opts, name, len) && i + 1 < argc) {
			value = argv[++i];
			cl->argv[cl->argc++] = argv[i];
		}
		if (is_name(name, len, "log"))
			cl->log = value;
		else if (is_name(name, len, "log-format"))
			cl->log_format = value;
	}
	cl->argv[cl->argc] = NULL;
	if (sh_wrapper_is_create(cl))
		scan_create(cl);
	return 0;
}

void sh_wrapper_cmdline_free(struct sh_runc_cmdline *cl)
{
	free(cl->argv);
	cl->argv = NULL;
	cl->argc = 0;
}

bool sh_wrapper_is_create(const struct sh_runc_cmdline *cl)
{
	return cl->cmd >= 0 && cl->cmd < cl->argc && !strcmp(cl->argv[cl->cmd], "create");
}

int sh_wrapper_config_path(const struct sh_runc_cmdline *cl, const char **path, char *hook_config, struct sh_error *err)
{
	const char *p = cl->config;

	if (!p) {
		p = getenv(SH_WRAPPER_CONFIG_ENV);
		if (p && !*p)
			p = NULL;
	}
	*path = p;
	hook_config[0] = '\0';
	if (!p)
		return 0;
	/* The hook runs from another working directory: hand it an absolute path. */
	if (!realpath(p, hook_config)) {
		hook_config[0] = '\0';
		return sh_err(err, errno, "config %s: %s; give the path of a configuration file", p, strerror(errno));
	}
	if (!strcmp(hook_config, SH_DEFAULT_CONFIG))
		hook_config[0] = '\0';
	return 0;
}

/* Whether path is this very executable: a runc "found" there would exec the wrapper forever. */
static bool is_self(const char *path)
{
	struct stat a, b;

	return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* 0 for an executable regular file, else a negative errno. */
static int check_executable(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EACCES;
	return access(path, X_OK) < 0 ? -errno : 0;
}

int sh_wrapper_find_runc(const struct sh_config *cfg, char *out, struct sh_error *err)
{
	const char *const *p;
	char dirs[256];

	if (cfg->runc[0]) {
		int r = check_executable(cfg->runc);

		if (r < 0)
			return sh_err(err, -r, "runc %s (config \"runc\"): %s; set \"runc\" to runc's executable",
				      cfg->runc, strerror(-r));
		if (is_self(cfg->runc))
			return sh_err(
				err, ELOOP,
				"runc %s (config \"runc\") is sriov-runc itself; set \"runc\" to runc's executable",
				cfg->runc);
		snprintf(out, PATH_MAX, "%s", cfg->runc);
		return 0;
	}
	for (p = sh_runc_search_paths; *p; p++) {
		if (check_executable(*p) == 0 && !is_self(*p)) {
			snprintf(out, PATH_MAX, "%s", *p);
			return 0;
		}
	}
	return sh_err(err, ENOENT, "no runc found in %s; set \"runc\" in the config file",
		      sh_runc_search_dirs(dirs, sizeof(dirs)));
}

/* The sriov-hook next to the running executable (PATH_MAX bytes). */
static int hook_path(char *out, struct sh_error *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int r;

	if (n < 0)
		return sh_err_errno(err, errno, "find own executable");
	self[n] = '\0';
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dirname(self), SH_WRAPPER_HOOK_NAME) >= PATH_MAX)
		return sh_err(err, ENAMETOOLONG, "hook path too long");
	if ((r = check_executable(out)) < 0)
		return sh_err_errno(err, -r, "hook %s (expected next to sriov-runc)", out);
	return 0;
}

bool sh_wrapper_spec_wants_sriov(yajl_val spec, bool env_fallback)
{
	yajl_val ann = sh_json_get(spec, "annotations"), env;
	size_t i;

	if (YAJL_IS_OBJECT(ann))
		for (i = 0; i < ann->u.object.len; i++)
			if (!strncmp(ann->u.object.keys[i], "io.sriov.", strlen("io.sriov.")))
				return true;
	if (!env_fallback)
		return false;
	env = sh_json_get(sh_json_get(spec, "process"), "env");
	if (!YAJL_IS_ARRAY(env))
		return false;
	for (i = 0; i < env->u.array.len; i++)
		if (YAJL_IS_STRING(env->u.array.values[i]) &&
		    sh_request_env_is_key(YAJL_GET_STRING(env->u.array.values[i])))
			return true;
	return false;
}

int sh_wrapper_add_hooks(yajl_val spec, const struct sh_hook_ref *hook, char **out, size_t *len, struct sh_error *err)
{
	const struct sh_spec_edits e = {.hook = hook};

	return sh_spec_edit(spec, &e, out, len, err);
}

/* <bundle>/config.json parsed, or NULL (and 0) when it cannot be read or parsed: runc says so in
 * its own words; that is not the wrapper's business. */
static yajl_val read_spec(const char *bundle, char *path, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	struct sh_error ignored = {0};
	yajl_val spec = NULL;

	if ((size_t)snprintf(path, PATH_MAX, "%s/config.json", bundle ? bundle : ".") >= PATH_MAX) {
		sh_err(err, ENAMETOOLONG, "bundle path too long");
		return NULL;
	}
	if (sh_json_read_file(path, SH_WRAPPER_SPEC_MAX, &buf, &ignored) == -EFBIG) {
		/* passed on untouched, a container asking for a VF would start without it, silently */
		sh_err(err, EFBIG, "%s: sriov-runc cannot tell whether it asks for SR-IOV: refused", ignored.msg);
		return NULL;
	}
	if (!buf || sh_json_parse(buf, "config.json", &spec, &ignored) < 0)
		return NULL;
	return spec;
}

/* The rewrite of a spec read from path, when it asks for SR-IOV under cfg: the hooks and, for the
 * VFs vfio prepared (NULL: none), their nodes, variables and mount, in one write. */
static int add_hooks_to(const char *bundle, const char *path, yajl_val spec, const struct sh_config *cfg,
			const struct sh_hook_ref *hook, const struct sh_vfio_prep *vfio, bool *changed,
			struct sh_error *err)
{
	_cleanup_free_ char *out = NULL;
	struct sh_hook_ref ref = *hook;
	struct sh_spec_edits e = {.hook = &ref};
	char path_of_hook[PATH_MAX];
	size_t len;
	int r;

	if (!sh_wrapper_spec_wants_sriov(spec, cfg->env_fallback))
		return 0;
	if (!ref.path) {
		if ((r = hook_path(path_of_hook, err)) < 0)
			return sh_err_ctx(err, "bundle %s", bundle ? bundle : ".");
		ref.path = path_of_hook;
	}
	sh_vfio_prep_edits(vfio, &e);
	if ((r = sh_spec_edit(spec, &e, &out, &len, err)) < 0 ||
	    (out && (r = sh_write_file_atomic(path, out, len, -1, err)) < 0))
		return sh_err_ctx(err, "bundle %s", bundle ? bundle : ".");
	if (changed)
		*changed = out != NULL;
	return 0;
}

int sh_wrapper_prepare_bundle(const char *bundle, const struct sh_config *cfg, const struct sh_hook_ref *hook,
			      bool *changed, struct sh_error *err)
{
	_cleanup_json_ yajl_val spec = NULL;
	char path[PATH_MAX];

	if (changed)
		*changed = false;
	err->code = 0;
	spec = read_spec(bundle, path, err);
	if (!spec)
		return err->code ? -err->code : 0;
	return add_hooks_to(bundle, path, spec, cfg, hook, NULL, changed, err);
}

int sh_wrapper_peek_config(const char *path, struct sh_config *cfg, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_json_ yajl_val root = NULL;
	struct sh_error ignored = {0};
	const char *file = path ? path : SH_DEFAULT_CONFIG;
	const char *runc_path;
	yajl_val runc;

	sh_config_defaults(cfg);
	if (sh_json_read_file(file, SH_WRAPPER_CONFIG_MAX, &buf, &ignored) < 0 ||
	    sh_json_parse(buf, "config", &root, &ignored) < 0 || !YAJL_IS_OBJECT(root))
		return 0;
	/* The runtime itself: every verb needs it, and no other runc may stand in for the one named. */
	runc = sh_json_get(root, "runc");
	if (!runc)
		return 0;
	runc_path = YAJL_IS_STRING(runc) ? YAJL_GET_STRING(runc) : NULL;
	if (!runc_path || runc_path[0] != '/' || strlen(runc_path) >= PATH_MAX - 64)
		return sh_err(err, EINVAL, "%s: config: \"runc\" must be an absolute path", file);
	snprintf(cfg->runc, sizeof(cfg->runc), "%s", runc_path);
	return 0;
}

/* The vfio VFs of the container, claimed and bound before runc create (vfioprep.h). */
static int prepare_vfio(struct sh_wrapper_exec *ex, const char *config, const char *hook, struct sh_error *err)
{
	if (!(ex->vfio = calloc(1, sizeof(*ex->vfio))))
		return sh_err(err, ENOMEM, "out of memory");
	return sh_vfio_prep_begin(ex->cl.bundle, ex->cl.id, config, hook, ex->vfio, err);
}

/* Which invocations read the whole configuration: create of a container that asks for SR-IOV, or
 * may ask (SRIOV_ variables: only a valid file can say that env_fallback is off). Any other one
 * takes only "runc" from the file (sh_wrapper_peek_config), so that a typo in it never stops
 * `docker stop`, `docker rm` or a container that asks for nothing. */
static bool reads_config(const struct sh_runc_cmdline *cl, yajl_val spec)
{
	return sh_wrapper_is_create(cl) && spec && sh_wrapper_spec_wants_sriov(spec, true);
}

int sh_wrapper_prepare(int argc, char **argv, struct sh_wrapper_exec *ex, struct sh_error *err)
{
	_cleanup_json_ yajl_val spec = NULL;
	char spec_path[PATH_MAX];
	const char *config;
	int r;

	memset(ex, 0, sizeof(*ex));
	sh_config_defaults(&ex->cfg);
	if ((r = sh_wrapper_parse_cmdline(argc, argv, &ex->cl, err)) < 0)
		return r;
	config = ex->cl.config;
	if (!config && (config = getenv(SH_WRAPPER_CONFIG_ENV)) && !*config)
		config = NULL;
	if ((r = sh_wrapper_peek_config(config, &ex->cfg, err)) < 0)
		return r;
	if (sh_wrapper_is_create(&ex->cl)) {
		err->code = 0;
		spec = read_spec(ex->cl.bundle, spec_path, err);
		if (!spec && err->code)
			return -err->code;
	}
	if (reads_config(&ex->cl, spec) && ((r = sh_wrapper_config_path(&ex->cl, &config, ex->hook_config, err)) < 0 ||
					    (r = sh_config_load(config, &ex->cfg, err)) < 0))
		return r;
	if ((r = sh_wrapper_find_runc(&ex->cfg, ex->runc, err)) < 0)
		return r;
	/* runc runs as runc, not under the wrapper's name: ps, pkill and runc's own messages say so */
	if (ex->cl.argc > 0)
		ex->cl.argv[0] = ex->runc;
	if (spec && sh_wrapper_spec_wants_sriov(spec, ex->cfg.env_fallback)) {
		char path_of_hook[PATH_MAX];
		struct sh_hook_ref hook = {.path = path_of_hook, .config = ex->hook_config};
		struct sh_error ignored;

		if ((r = hook_path(path_of_hook, err)) < 0)
			return sh_err_ctx(err, "bundle %s", ex->cl.bundle ? ex->cl.bundle : ".");
		/* vfio VFs first: config.json is then written once, with the hooks and their nodes */
		if (ex->cl.id && (r = prepare_vfio(ex, config, path_of_hook, err)) < 0)
			return r;
		if ((r = add_hooks_to(ex->cl.bundle, spec_path, spec, &ex->cfg, &hook, ex->vfio, NULL, err)) < 0) {
			if (ex->vfio)
				sh_vfio_prep_end(ex->vfio, true, &ignored);
			return r;
		}
	}
	return 0;
}

void sh_wrapper_exec_free(struct sh_wrapper_exec *ex)
{
	if (ex->vfio) {
		sh_vfio_prep_free(ex->vfio);
		free(ex->vfio);
		ex->vfio = NULL;
	}
	sh_wrapper_cmdline_free(&ex->cl);
	sh_config_free(&ex->cfg);
}

/* msg as Go's %q quotes it (strconv.Quote), which logrus's text format uses for a value with
 * anything but letters, digits and -._/@^+ in it: always, for a message. UTF-8 is kept, other
 * bytes and control characters are escaped. */
static void go_quote(const char *msg, FILE *out)
{
	const unsigned char *p = (const unsigned char *)msg;

	fputc('"', out);
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		size_t k;

		for (k = 1; k < n && (p[k] & 0xc0) == 0x80; k++)
			;
		if (n > 1 && k == n) { /* a whole UTF-8 sequence */
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\a':
			fputs("\\a", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\v':
			fputs("\\v", out);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(out, "\\x%02x", *p);
			else
				fputc(*p, out);
		}
		p++;
	}
	fputc('"', out);
}

/* now as Go's time.RFC3339 writes it, in local time: 2006-01-02T15:04:05Z07:00. */
static void rfc3339(time_t now, char out[32])
{
	struct tm tm;
	size_t n;

	localtime_r(&now, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	if (tm.tm_gmtoff == 0)
		snprintf(out + n, 32 - n, "Z");
	else
		snprintf(out + n, 32 - n, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+', labs(tm.tm_gmtoff) / 3600,
			 labs(tm.tm_gmtoff) % 3600 / 60);
}

int sh_wrapper_runc_log_line(const char *format, const char *msg, time_t now, char **out, struct sh_error *err)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	char stamp[32], *grown;
	size_t len = 0;
	FILE *f;
	int r;

	*out = NULL;
	rfc3339(now, stamp);
	if (format && !strcmp(format, "json")) {
		/* logrus's JSONFormatter: the keys sorted, one object per line. */
		sh_jgen_start(&j, NULL);
		sh_jgen_map_open(&j);
		sh_jgen_kv_str(&j, "level", "error");
		sh_jgen_kv_str(&j, "msg", msg);
		sh_jgen_kv_str(&j, "time", stamp);
		sh_jgen_map_close(&j);
		if ((r = sh_jgen_finish(&j, "runc log", out, &len, err)) < 0)
			return r;
		if (!(grown = realloc(*out, len + 2))) {
			free(*out);
			*out = NULL;
			return sh_err(err, ENOMEM, "out of memory");
		}
		memcpy(grown + len, "\n", 2);
		*out = grown;
		return 0;
	}
	if (format && *format && strcmp(format, "text"))
		return sh_err(err, EINVAL, "runc log: unknown --log-format %s", format);
	/* logrus's TextFormatter without a terminal: time="..." level=error msg="..." */
	if (!(f = open_memstream(out, &len)))
		return sh_err_errno(err, errno, "runc log");
	fprintf(f, "time=\"%s\" level=error msg=", stamp);
	go_quote(msg, f);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}

int sh_wrapper_runc_log(const struct sh_runc_cmdline *cl, const char *msg, struct sh_error *err)
{
	_cleanup_free_ char *line = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (!cl->log || !*cl->log)
		return 0;
	if ((r = sh_wrapper_runc_log_line(cl->log_format, msg, time(NULL), &line, err)) < 0)
		return r;
	/* As runc opens it; the engine reads it once runc (here: the wrapper) has exited. */
	fd = open(cl->log, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return sh_err_errno(err, errno, "runc log %s", cl->log);
	return sh_fd_write_all(fd, line, strlen(line), cl->log, err) < 0 ? -err->code : 0;
}

static pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* runc create as a child, for a container whose vfio VFs this process holds until its
 * createRuntime adopts them: a create that fails gives them back. The exit status is runc's. */
static int run_create(struct sh_wrapper_exec *ex, struct sh_error *err)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	struct sigaction sa = {.sa_handler = forward_signal};
	struct sh_error end_err = {0};
	int status, code;
	size_t i;

	child_pid = fork();
	if (child_pid < 0) {
		code = sh_err_errno(err, errno, "fork");
		sh_vfio_prep_end(ex->vfio, true, &end_err);
		return code;
	}
	if (child_pid == 0) {
		execv(ex->runc, ex->cl.argv);
		fprintf(stderr, "sriov-runc: exec %s: %s\n", ex->runc, strerror(errno));
		_exit(127);
	}
	for (i = 0; i < SH_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	while (waitpid(child_pid, &status, 0) < 0)
		if (errno != EINTR)
			return sh_err_errno(err, errno, "wait for %s", ex->runc);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (sh_vfio_prep_end(ex->vfio, code != 0, &end_err) < 0) {
		char line[SH_ERR_MAX * 4];

		fprintf(stderr, "sriov-runc: %s\n", sh_text_escape(end_err.msg, line, sizeof(line)));
	}
	return code;
}

int sh_wrapper_run(int argc, char **argv, struct sh_error *err)
{
	struct sh_wrapper_exec ex;
	struct sh_error log_err = {0};
	char msg[SH_ERR_MAX + 16];
	int r;

	if ((r = sh_wrapper_prepare(argc, argv, &ex, err)) == 0 && ex.vfio && ex.vfio->n) {
		if ((r = run_create(&ex, err)) >= 0) {
			sh_wrapper_exec_free(&ex);
			return r;
		}
	} else if (r == 0) {
		execv(ex.runc, ex.cl.argv);
		r = sh_err_errno(err, errno, "exec %s", ex.runc);
	}
	/* Where docker and containerd look for runc's error: without it they only say that the log
	 * file is missing. */
	snprintf(msg, sizeof(msg), "sriov-runc: %s", err->msg);
	if (sh_wrapper_runc_log(&ex.cl, msg, &log_err) < 0) {
		char line[SH_ERR_MAX * 4];

		fprintf(stderr, "sriov-runc: %s\n", sh_text_escape(log_err.msg, line, sizeof(line)));
	}
	sh_wrapper_exec_free(&ex);
	return r;
}
