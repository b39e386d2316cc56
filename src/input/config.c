/* The hook's configuration file. Every key is checked; an unknown one is an error, so a typo in
 * an admin's file never silently falls back to a default. */
#include "sriov-hook/input/config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yajl/yajl_parse.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/core/types.h"

#define CONFIG_MAX_BYTES (1u << 20)

const char *const sh_runc_search_paths[] = {
	"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc", NULL,
};

const char *sh_runc_search_dirs(char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; sh_runc_search_paths[i] && at < len; i++) {
		const char *p = sh_runc_search_paths[i], *slash = strrchr(p, '/');

		const char *sep = !i ? "" : sh_runc_search_paths[i + 1] ? ", " : " or ";

		at += (size_t)snprintf(buf + at, len - at, "%s%.*s", sep, (int)(slash - p), p);
	}
	return buf;
}

void sh_config_defaults(struct sh_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", SH_DEFAULT_STATE_DIR);
	snprintf(cfg->sysfs_root, sizeof(cfg->sysfs_root), "%s", SH_DEFAULT_SYSFS);
	snprintf(cfg->dev_root, sizeof(cfg->dev_root), "%s", SH_DEFAULT_DEV);
	snprintf(cfg->log, sizeof(cfg->log), "auto");
	cfg->poststop_timeout_ms = SH_DEFAULT_POSTSTOP_TIMEOUT_MS;
	cfg->release = SH_RELEASE_RESTORE;
}

static int set_path(yajl_val v, const char *key, char *dst, struct sh_error *err)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	if (!s || s[0] != '/')
		return sh_err(err, EINVAL, "config: \"%s\" must be an absolute path", key);
	if (strlen(s) >= PATH_MAX - 64)
		return sh_err(err, ENAMETOOLONG, "config: \"%s\" is too long (at most %d characters)", key,
			      PATH_MAX - 65);
	snprintf(dst, PATH_MAX, "%s", s);
	return 0;
}

static int set_allowed_pfs(yajl_val v, struct sh_config *cfg, struct sh_error *err)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v))
		return sh_err(err, EINVAL, "config: \"allowed_pfs\" must be an array of PF names or PCI addresses");
	if (cfg->has_allowed_pfs)
		return sh_err(err, EINVAL, "config: \"allowed_pfs\" is given twice: give it once");
	if (v->u.array.len > SH_MAX_ALLOWED_PFS)
		return sh_err(err, EINVAL, "config: \"allowed_pfs\" has more than %d entries: give at most %d",
			      SH_MAX_ALLOWED_PFS, SH_MAX_ALLOWED_PFS);
	cfg->has_allowed_pfs = true;
	for (i = 0; i < v->u.array.len; i++) {
		const char *s = YAJL_GET_STRING(v->u.array.values[i]);

		if (!s || !*s)
			return sh_err(err, EINVAL, "config: \"allowed_pfs\"[%zu] is not a PF name or PCI address", i);
		cfg->allowed_pfs[cfg->n_allowed_pfs] = strdup(s);
		if (!cfg->allowed_pfs[cfg->n_allowed_pfs])
			return sh_err(err, ENOMEM, "out of memory");
		cfg->n_allowed_pfs++;
	}
	return 0;
}

static int set_log(yajl_val v, struct sh_config *cfg, struct sh_error *err)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	if (s && s[0] == '/')
		return set_path(v, "log", cfg->log, err);
	if (!s || !sh_log_target_valid(s))
		return sh_err(err, EINVAL,
			      "config: \"log\" must be \"auto\", \"journal\", \"syslog\" (either with \":SOCKET\"), "
			      "\"stderr\" or an absolute file path");
	snprintf(cfg->log, sizeof(cfg->log), "%s", s);
	return 0;
}

static int set_pf_setting(const char *pf, yajl_val v, struct sh_pf_setting *out, struct sh_error *err)
{
	size_t i;

	if (!sh_ifname_valid(pf) && !sh_pci_addr_valid(pf))
		return sh_err(err, EINVAL, "config: \"pfs\": \"%s\" is not a PF name or PCI address (dddd:bb:dd.f)",
			      pf);
	if (!YAJL_IS_OBJECT(v))
		return sh_err(err, EINVAL, "config: \"pfs\".\"%s\" must be an object such as {\"numvfs\": 8}", pf);
	out->numvfs = UINT_MAX;
	for (i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val n = v->u.object.values[i];

		if (strcmp(k, "numvfs"))
			return sh_err(err, EINVAL, "config: \"pfs\".\"%s\": unknown key \"%s\" (known: numvfs)", pf, k);
		if (!YAJL_IS_INTEGER(n) || YAJL_GET_INTEGER(n) < 0 || YAJL_GET_INTEGER(n) > SH_MAX_NUMVFS)
			return sh_err(err, EINVAL, "config: \"pfs\".\"%s\".\"numvfs\" must be an integer from 0 to %d",
				      pf, SH_MAX_NUMVFS);
		out->numvfs = (unsigned)YAJL_GET_INTEGER(n);
	}
	if (out->numvfs == UINT_MAX)
		return sh_err(err, EINVAL, "config: \"pfs\".\"%s\" lacks \"numvfs\": add \"numvfs\": N (0-%d)", pf,
			      SH_MAX_NUMVFS);
	if (!(out->pf = strdup(pf)))
		return sh_err(err, ENOMEM, "out of memory");
	return 0;
}

/* "pfs": {"ens1f0": {"numvfs": 8}, "0000:3b:00.1": {"numvfs": 0}} */
static int set_pfs(yajl_val v, struct sh_config *cfg, struct sh_error *err)
{
	size_t i, j;
	int r;

	if (!YAJL_IS_OBJECT(v))
		return sh_err(err, EINVAL,
			      "config: \"pfs\" must be an object: {\"<PF name or PCI address>\": {\"numvfs\": N}}");
	if (cfg->n_pfs)
		return sh_err(err, EINVAL, "config: \"pfs\" is given twice: give it once");
	if (v->u.object.len > SH_MAX_PF_SETTINGS)
		return sh_err(err, EINVAL, "config: \"pfs\" has more than %d entries: give at most %d",
			      SH_MAX_PF_SETTINGS, SH_MAX_PF_SETTINGS);
	for (i = 0; i < v->u.object.len; i++) {
		const char *pf = v->u.object.keys[i];

		for (j = 0; j < cfg->n_pfs; j++)
			if (!strcasecmp(cfg->pfs[j].pf, pf))
				return sh_err(err, EINVAL, "config: \"pfs\": \"%s\" is given twice: give it once", pf);
		if ((r = set_pf_setting(pf, v->u.object.values[i], &cfg->pfs[cfg->n_pfs], err)) < 0)
			return r;
		cfg->n_pfs++;
	}
	return 0;
}

static int set_key(const char *key, yajl_val v, struct sh_config *cfg, struct sh_error *err)
{
	if (!strcmp(key, "state_dir"))
		return set_path(v, key, cfg->state_dir, err);
	if (!strcmp(key, "sysfs_root"))
		return set_path(v, key, cfg->sysfs_root, err);
	if (!strcmp(key, "dev_root"))
		return set_path(v, key, cfg->dev_root, err);
	if (!strcmp(key, "runc"))
		return set_path(v, key, cfg->runc, err);
	if (!strcmp(key, "allowed_pfs"))
		return set_allowed_pfs(v, cfg, err);
	if (!strcmp(key, "log"))
		return set_log(v, cfg, err);
	if (!strcmp(key, "pfs"))
		return set_pfs(v, cfg, err);
	if (!strcmp(key, "poststop_timeout_ms")) {
		if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || YAJL_GET_INTEGER(v) > 600000)
			return sh_err(err, EINVAL,
				      "config: \"poststop_timeout_ms\" must be an integer from 0 to 600000");
		cfg->poststop_timeout_ms = (unsigned)YAJL_GET_INTEGER(v);
		return 0;
	}
	if (!strcmp(key, "env_fallback")) {
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			return sh_err(err, EINVAL, "config: \"env_fallback\" must be true or false");
		cfg->env_fallback = YAJL_IS_TRUE(v);
		return 0;
	}
	if (!strcmp(key, "pools"))
		return sh_pools_parse(v, &cfg->pools, &cfg->n_pools, err);
	if (!strcmp(key, "release"))
		return sh_release_parse(v, "release", &cfg->release, err);
	return sh_err(err, EINVAL,
		      "config: unknown key \"%s\" (known: state_dir, sysfs_root, dev_root, allowed_pfs, log, "
		      "poststop_timeout_ms, env_fallback, runc, pfs, pools, release)",
		      key);
}

int sh_config_parse(const char *json, struct sh_config *cfg, struct sh_error *err)
{
	_cleanup_json_ yajl_val root = NULL;
	size_t i;
	int r = 0;

	if ((r = sh_json_parse(json, "config", &root, err)) < 0)
		return r;
	for (i = 0; i < root->u.object.len && r == 0; i++)
		r = set_key(root->u.object.keys[i], root->u.object.values[i], cfg, err);
	return r;
}

/* The keys a release needs (where the claims are, where sysfs is, where to log, how long to wait
 * for a VF), taken from a file that does not load: those before the point where it breaks, each
 * checked as set_key checks it. */
static const char *const root_keys[] = {"state_dir", "sysfs_root", "dev_root", "log", "poststop_timeout_ms"};

struct roots_scan {
	struct sh_config *cfg;
	unsigned depth; /* 1 inside the top-level object */
	char key[32];	/* its key whose value comes next; "" when not one of root_keys */
};

static int scan_value(struct roots_scan *s, struct yajl_val_s *v)
{
	struct sh_error ignored;

	if (s->depth == 1 && s->key[0])
		(void)set_key(s->key, v, s->cfg, &ignored); /* a bad value leaves the default */
	s->key[0] = '\0';
	return 1;
}

static int scan_string(void *ctx, const unsigned char *str, size_t len)
{
	char buf[PATH_MAX];
	struct yajl_val_s v = {.type = yajl_t_string, .u.string = buf};

	if (len >= sizeof(buf) || memchr(str, '\0', len))
		return scan_value(ctx, &(struct yajl_val_s){.type = yajl_t_null});
	memcpy(buf, str, len);
	buf[len] = '\0';
	return scan_value(ctx, &v);
}

static int scan_integer(void *ctx, long long i)
{
	struct yajl_val_s v = {.type = yajl_t_number, .u.number = {.i = i, .flags = YAJL_NUMBER_INT_VALID}};

	return scan_value(ctx, &v);
}

static int scan_other(void *ctx)
{
	return scan_value(ctx, &(struct yajl_val_s){.type = yajl_t_null});
}

static int scan_bool(void *ctx, int b)
{
	(void)b;
	return scan_other(ctx);
}

static int scan_double(void *ctx, double d)
{
	(void)d;
	return scan_other(ctx);
}

static int scan_key(void *ctx, const unsigned char *key, size_t len)
{
	struct roots_scan *s = ctx;
	size_t i;

	s->key[0] = '\0';
	for (i = 0; s->depth == 1 && i < SH_ARRAY_SIZE(root_keys); i++)
		if (len == strlen(root_keys[i]) && !memcmp(key, root_keys[i], len))
			snprintf(s->key, sizeof(s->key), "%s", root_keys[i]);
	return 1;
}

static int scan_open(void *ctx)
{
	struct roots_scan *s = ctx;

	s->key[0] = '\0';
	s->depth++;
	return 1;
}

static int scan_close(void *ctx)
{
	((struct roots_scan *)ctx)->depth--;
	return 1;
}

static const yajl_callbacks roots_callbacks = {
	.yajl_null = scan_other,
	.yajl_boolean = scan_bool,
	.yajl_integer = scan_integer,
	.yajl_double = scan_double,
	.yajl_string = scan_string,
	.yajl_start_map = scan_open,
	.yajl_map_key = scan_key,
	.yajl_end_map = scan_close,
	.yajl_start_array = scan_open,
	.yajl_end_array = scan_close,
};

void sh_config_salvage_roots(const char *json, struct sh_config *cfg)
{
	struct roots_scan s = {.cfg = cfg};
	yajl_handle h = yajl_alloc(&roots_callbacks, NULL, &s);

	if (!h)
		return;
	yajl_config(h, yajl_allow_comments, 1);
	(void)yajl_parse(h, (const unsigned char *)json, strlen(json));
	yajl_free(h);
}

static int load(const char *path, bool salvage, struct sh_config *cfg, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	const char *file = path ? path : SH_DEFAULT_CONFIG;
	struct stat sb;
	int r;

	sh_config_defaults(cfg);
	if (!path && stat(file, &sb) < 0 && errno == ENOENT)
		return 0;
	r = sh_json_read_file(file, CONFIG_MAX_BYTES, &buf, err);
	if (r == -ENOENT || r == -EISDIR || r == -ENOTDIR)
		return sh_err(err, -r, "config %s: %s; give the path of a configuration file", file, strerror(-r));
	if (r < 0)
		return sh_err_ctx(err, "load config");
	if ((r = sh_config_parse(buf, cfg, err)) < 0) {
		if (salvage) {
			sh_config_free(cfg);
			sh_config_defaults(cfg);
			sh_config_salvage_roots(buf, cfg);
		}
		return sh_err_ctx(err, "broken configuration %s", file);
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", file);
	return 0;
}

int sh_config_load(const char *path, struct sh_config *cfg, struct sh_error *err)
{
	return load(path, false, cfg, err);
}

int sh_config_load_roots(const char *path, struct sh_config *cfg, struct sh_error *err)
{
	return load(path, true, cfg, err);
}

void sh_config_roots_text(const struct sh_config *cfg, char *out, size_t len)
{
	bool state_default = !strcmp(cfg->state_dir, SH_DEFAULT_STATE_DIR);
	bool sysfs_default = !strcmp(cfg->sysfs_root, SH_DEFAULT_SYSFS);

	snprintf(out, len, "state_dir %s (%s) and sysfs_root %s (%s)", cfg->state_dir,
		 state_default ? "the default" : "read from the file", cfg->sysfs_root,
		 sysfs_default ? "the default" : "read from the file");
}

bool sh_config_pf_allowed(const struct sh_config *cfg, const char *pf_name, const char *pf_pci)
{
	size_t i;

	if (!cfg->has_allowed_pfs)
		return true;
	for (i = 0; i < cfg->n_allowed_pfs; i++)
		if (!strcmp(cfg->allowed_pfs[i], pf_name) || !strcasecmp(cfg->allowed_pfs[i], pf_pci))
			return true;
	return false;
}

void sh_config_free(struct sh_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_allowed_pfs; i++)
		free(cfg->allowed_pfs[i]);
	cfg->n_allowed_pfs = 0;
	sh_pools_free(cfg->pools, cfg->n_pools);
	cfg->pools = NULL;
	cfg->n_pools = 0;
	for (i = 0; i < cfg->n_pfs; i++)
		free(cfg->pfs[i].pf);
	cfg->n_pfs = 0;
}
