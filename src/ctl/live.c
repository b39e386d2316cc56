/* sriovctl attach and detach. The command line is parsed into the request a container's
 * annotations would make (each --KEY VALUE is io.sriov.KEY, so the keys, their checks and the
 * pools' policy are the hook's own), the container it names is found, and hook/live.c runs the
 * createRuntime or poststop path for it. */
#define _GNU_SOURCE
#include "sriov-hook/ctl/live.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/live.h"
#include "sriov-hook/input/annotations.h"
#include "sriov-hook/input/pool.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/store/scan.h"
#include "sriov-hook/sys/netns.h"

/* ---- runc's state directory */

static int runc_state(const char *root, const char *id, long long *pid)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ yajl_val v = NULL;
	char path[PATH_MAX];
	struct sh_error ignored;

	if (snprintf(path, sizeof(path), "%s/%s/state.json", root, id) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, F_OK) < 0)
		return -ENOENT;
	if (sh_json_read_file(path, 1u << 22, &text, &ignored) < 0 || sh_json_parse(text, path, &v, &ignored) < 0 ||
	    sh_json_get_int(v, "init_process_pid", pid) < 0 || *pid <= 0 || *pid > INT_MAX)
		return -EINVAL;
	return 0;
}

int sh_runc_pid_of_id(const char *root, const char *id, int *pid)
{
	long long p;
	int r;

	if (sh_container_id_validate(id, &(struct sh_error){0}) < 0)
		return -EINVAL;
	if ((r = runc_state(root, id, &p)) < 0)
		return r;
	*pid = (int)p;
	return 0;
}

int sh_runc_id_of_pid(const char *root, int pid, char id[SH_ID_MAX + 1])
{
	DIR *d = opendir(root);
	struct dirent *e;
	long long p;
	int r = -ENOENT;

	if (!d)
		return -ENOENT;
	while (r < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > SH_ID_MAX)
			continue;
		if (runc_state(root, e->d_name, &p) == 0 && p == pid) {
			snprintf(id, SH_ID_MAX + 1, "%s", e->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

/* ---- the container named */

struct find {
	const char *id;	   /* by id or name */
	int pid;	   /* by init process */
	uint64_t dev, ino; /* by network namespace (ino 0: not) */
	struct sh_live_target *out;
	bool found;
};

static int find_record(const struct sh_claim_info *info, void *data)
{
	const struct sh_record *r = &info->rec;
	struct find *f = data;

	if (info->state != SH_CLAIM_HELD)
		return 0;
	if ((f->id && (!strcmp(r->id, f->id) || !strcmp(r->name, f->id))) || (f->pid && r->pid == f->pid) ||
	    (f->ino && r->netns_dev == f->dev && r->netns_ino == f->ino)) {
		snprintf(f->out->id, sizeof(f->out->id), "%s", r->id);
		f->out->pid = r->pid;
		f->found = true;
		return 1;
	}
	return 0;
}

static int store_find(const struct sh_config *cfg, struct find *f, struct sh_error *err)
{
	int r = sh_store_foreach_claim(cfg->state_dir, find_record, f, err);

	return r < 0 ? r : 0;
}

/* The container: CONTAINER from the claim store or runc's root; --pid from the store, runc's root,
 * else "pid-<pid>"; --netns from the store, else "netns-<inode>". */
static int resolve(const struct sh_config *cfg, const char *container, int pid, const char *netns, const char *root,
		   struct sh_live_target *t, struct sh_error *err)
{
	struct find f = {.out = t};
	int r;

	memset(t, 0, sizeof(*t));
	t->netns = netns;
	if (container) {
		f.id = container;
		if ((r = store_find(cfg, &f, err)) < 0)
			return r;
		if (f.found)
			return 0;
		r = sh_runc_pid_of_id(root, container, &t->pid);
		if (r == -EINVAL)
			return sh_err(err, EINVAL, "%s/%s/state.json: unreadable", root, container);
		if (r < 0)
			return sh_err(err, ENOENT,
				      "unknown container %s: no claim names it nor does %s (--root): give --pid",
				      container, root);
		snprintf(t->id, sizeof(t->id), "%s", container);
		return 0;
	}
	if (pid > 0) {
		f.pid = pid;
		if ((r = store_find(cfg, &f, err)) < 0)
			return r;
		if (f.found)
			return 0;
		t->pid = pid;
		if (sh_runc_id_of_pid(root, pid, t->id) < 0)
			snprintf(t->id, sizeof(t->id), "pid-%d", pid);
		return 0;
	}
	{
		_cleanup_close_ int fd = open(netns, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return sh_err_errno(err, errno, "%s", netns);
		if ((r = sh_netns_identity(fd, &f.dev, &f.ino, err)) < 0)
			return r;
	}
	if ((r = store_find(cfg, &f, err)) < 0)
		return r;
	if (!f.found)
		snprintf(t->id, sizeof(t->id), "netns-%llu", (unsigned long long)f.ino);
	return 0;
}

/* ---- the command lines */

struct args {
	const char *container, *netns, *root, *vf;
	int pid;
	bool all;
	struct sh_annotations ann;
};

static int parse_pid(const char *s, int *pid, struct sh_error *err)
{
	unsigned long v;

	if (sh_parse_uint(s, INT_MAX, &v) < 0 || v == 0)
		return sh_err(err, EINVAL, "--pid %s: not a process id", s);
	*pid = (int)v;
	return 0;
}

/* --KEY VALUE or --KEY=VALUE; attach passes keys it does not know itself on as io.sriov.KEY. */
static int parse_args(char **argv, int argc, bool attach, struct args *a, struct sh_error *err)
{
	char key[64], ann[80];
	const char *value, *eq;
	int i, r, forms;

	memset(a, 0, sizeof(*a));
	a->root = SH_RUNC_ROOT;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2)) {
			if (a->container)
				return sh_err(err, EINVAL, "unexpected argument \"%s\" (one container only)", argv[i]);
			a->container = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - argv[i] - 2) : (int)strlen(argv[i] + 2),
			 argv[i] + 2);
		if (!attach && !strcmp(key, "all") && !eq) {
			a->all = true;
			continue;
		}
		if (eq)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return sh_err(err, EINVAL, "--%s needs a value", key);
		if (!strcmp(key, "pid")) {
			if ((r = parse_pid(value, &a->pid, err)) < 0)
				return r;
		} else if (!strcmp(key, "netns") && attach) {
			a->netns = value;
		} else if (!strcmp(key, "root")) {
			a->root = value;
		} else if (!attach && !strcmp(key, "vf")) {
			a->vf = value;
		} else if (attach && strcmp(key, "mode")) {
			snprintf(ann, sizeof(ann), SH_ANNOTATION_PREFIX "%s", key);
			if (sh_annotations_add(&a->ann, ann, value) < 0)
				return sh_err(err, ENOMEM, "out of memory");
		} else {
			return sh_err(err, EINVAL, "unknown option --%s (see sriovctl(8))", key);
		}
	}
	forms = !!a->container + (a->pid > 0) + !!a->netns;
	if (forms != 1)
		return sh_err(err, EINVAL, "name the container once: --pid PID%s or CONTAINER",
			      attach ? ", --netns PATH" : "");
	if (!attach && a->all && a->vf)
		return sh_err(err, EINVAL, "--vf and --all exclude each other");
	return 0;
}

/* The request's messages name annotations: on this command line they are options. */
static void options_not_annotations(struct sh_error *err)
{
	static const char from[] = "annotation " SH_ANNOTATION_PREFIX;
	char *p;

	while ((p = strstr(err->msg, from))) {
		memmove(p + 2, p + strlen(from), strlen(p + strlen(from)) + 1);
		memcpy(p, "--", 2);
	}
}

static int build_request(const struct sh_config *cfg, const struct args *a, struct sh_request *req,
			 struct sh_error *err)
{
	int r;

	if ((r = sh_request_from_annotations(&a->ann, req, err)) < 0 ||
	    (r = sh_pool_apply(cfg->pools, cfg->n_pools, req, err)) < 0) {
		options_not_annotations(err);
		return r;
	}
	if (req->n != 1)
		return sh_err(err, EINVAL, "name the VF: --pf PF --vf N|auto|PCI, --vf PCI or --pool NAME");
	if (req->vf[0].mode != SH_MODE_NETDEV)
		return sh_err(err, EINVAL, "only netdev VFs can join a running container");
	return 0;
}

static void log_open(const struct sh_config *cfg, const char *id, const char *stage)
{
	struct sh_error ignored;

	sh_log_set_container(id, NULL, stage);
	sh_log_open(cfg->log, &ignored);
}

int sh_ctl_attach(const struct sh_config *cfg, char **argv, int argc, FILE *out, struct sh_error *err)
{
	struct sh_live_target t;
	struct sh_request req;
	struct sh_record rec;
	struct args a;
	int r;

	if ((r = parse_args(argv, argc, true, &a, err)) == 0 && (r = build_request(cfg, &a, &req, err)) == 0 &&
	    (r = resolve(cfg, a.container, a.pid, a.netns, a.root, &t, err)) == 0) {
		struct sh_live l = {cfg, t.id, t.pid, t.netns};

		/* The hook's lines about this VF go where the hook's go, under the container's id. */
		log_open(cfg, t.id, "attach");
		r = sh_live_attach(&l, &req.vf[0], &rec, err);
		sh_log_close();
		if (r < 0)
			sh_err_ctx(err, "container %s", t.id);
		else
			fprintf(out, "VF %u (%s) of %s: attached to %s as %s\n", rec.vf_index, rec.vf_pci, rec.pf_name,
				t.id, rec.cont_name);
	}
	sh_annotations_free(&a.ann);
	return r;
}

int sh_ctl_detach(const struct sh_config *cfg, char **argv, int argc, FILE *out, struct sh_error *err)
{
	struct sh_live_target t;
	struct args a;
	size_t n;
	int r;

	if ((r = parse_args(argv, argc, false, &a, err)) == 0 &&
	    (r = resolve(cfg, a.container, a.pid, NULL, a.root, &t, err)) == 0) {
		struct sh_live l = {cfg, t.id, t.pid, NULL};

		log_open(cfg, t.id, "detach");
		r = sh_live_detach(&l, a.vf, &n, err);
		sh_log_close();
		if (r < 0)
			sh_err_ctx(err, "container %s", t.id);
		if (n)
			fprintf(out, "%s: %zu VF%s detached\n", t.id, n, n == 1 ? "" : "s");
	}
	sh_annotations_free(&a.ann);
	return r;
}
