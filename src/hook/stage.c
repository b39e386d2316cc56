/* One hook run: parse -> validate -> (sandbox) -> act. Everything the run acts on is read and
 * checked here before the seccomp filter goes up, so that attach and detach start from plain,
 * validated structs; this file holds the order of those steps and nothing of the steps themselves. */
#include "sriov-hook/hook/stage.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/log.h"
#include "sriov-hook/core/sandbox.h"
#include "sriov-hook/hook/cmdline.h"
#include "sriov-hook/input/docker.h"
#include "sriov-hook/sys/kernel.h"

int sh_stage_read_state(int fd, struct sh_state *st, struct sh_error *err)
{
	_cleanup_free_ char *input = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	if ((r = sh_json_read_fd(fd, SH_STATE_MAX_BYTES, &input, err)) < 0)
		return sh_err_ctx(err, "read OCI state from stdin");
	return sh_oci_state_parse(input, st, err);
}

/* Where the request comes from: the state's annotations when the runtime gives them (podman,
 * CRI-O), else the bundle's (runc). */
static struct sh_annotations *input_annotations(struct sh_stage_input *in)
{
	return in->state.has_annotations ? &in->state.annotations : &in->spec.annotations;
}

/* The annotations runtimes put the container's name in, most specific first. */
static const char *const name_keys[] = {
	"io.kubernetes.cri-o.ContainerName", /* CRI-O: k8s_<container>_<pod>_<namespace>_<uid>_<n> */
	"io.kubernetes.cri.container-name",  /* containerd's CRI plugin */
	"io.kubernetes.container.name",	     /* the kubelet's label, where a runtime copies it */
	"nerdctl/name",			     /* nerdctl */
};

const char *sh_stage_container_name(const struct sh_annotations *a)
{
	const char *name;
	size_t i, len;

	for (i = 0; i < SH_ARRAY_SIZE(name_keys); i++) {
		name = sh_annotations_get(a, name_keys[i]);
		if (!name)
			continue;
		/* Only informative (logs, records): one that would spoil a line is left out, not refused. */
		len = strlen(name);
		return len == 0 || len > SH_NAME_MAX || !sh_text_printable(name) ? NULL : name;
	}
	return NULL;
}

/* Whether a device's arguments name one VF (an index, a PCI address, a vfio pool's VF), not any
 * free VF of a PF or a pool. */
static bool names_one_vf(const struct sh_vf_request *v)
{
	return v->select == SH_VF_INDEX || v->select == SH_VF_PCI || (v->select == SH_VF_POOL && v->vf_pci[0]);
}

/* Whether the hook entry h runs this program with a VF in its arguments; *dev gets the VF. */
static bool is_device_hook(const struct sh_oci_hook *h, const struct stat *self, const char *self_name,
			   struct sh_cmdline *cmd)
{
	struct sh_error ignored;
	struct stat sb;
	const char *name = strrchr(h->path, '/');

	/* This program: the same file (a path, a symlink or a hard link to it), or one of the same
	 * name (a hooks.d file and a CDI spec naming two installs); an entry of another program that
	 * happens to take --vf is not one of ours. */
	name = name ? name + 1 : h->path;
	if (h->n_args == 0 || ((stat(h->path, &sb) < 0 || sb.st_dev != self->st_dev || sb.st_ino != self->st_ino) &&
			       strcmp(name, self_name)))
		return false;
	/* One whose arguments do not parse fails on its own, with its own line. */
	return sh_cmdline_parse((int)h->n_args, h->args, cmd, &ignored) == 0 && cmd->has_device;
}

int sh_stage_devices(const struct sh_spec *spec, const char *self, const struct sh_vf_request *own,
		     struct sh_vf_request *out, size_t max, size_t *n, struct sh_error *err)
{
	char own_key[SH_DEVICE_MAX], key[SH_DEVICE_MAX], path[PATH_MAX], *name;
	struct sh_cmdline cmd;
	struct stat self_sb;
	bool own_seen = false;
	ssize_t len;
	size_t i, j;

	*n = 0;
	if (stat(self ? self : "/proc/self/exe", &self_sb) < 0)
		return sh_err_errno(err, errno, "find this program (%s)", self ? self : "/proc/self/exe");
	if (self)
		snprintf(path, sizeof(path), "%s", self);
	else if ((len = readlink("/proc/self/exe", path, sizeof(path) - 1)) < 0)
		return sh_err_errno(err, errno, "find this program (/proc/self/exe)");
	else
		path[len] = '\0';
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (own)
		sh_request_selector_key(own, own_key, sizeof(own_key));
	for (i = 0; i < spec->n_create_runtime; i++) {
		if (!is_device_hook(&spec->create_runtime[i], &self_sb, name, &cmd))
			continue;
		if (*n == max)
			return sh_err(err, EINVAL,
				      "the container has more than %zu sriov-hook CDI devices: give at most %zu", max,
				      max);
		sh_request_selector_key(&cmd.device, key, sizeof(key));
		/* Two slots for one named VF would each try to claim it: say what the user did, not a
		 * race. A device that leaves the VF open (<pf>, <pool>) asked twice is two VFs. */
		for (j = 0; names_one_vf(&cmd.device) && j < *n; j++) {
			char other[SH_DEVICE_MAX];

			if (!strcmp(sh_request_selector_key(&out[j], other, sizeof(other)), key))
				return sh_err(err, EINVAL,
					      "the same CDI device (\"%s\") is asked twice: give each --device once",
					      key);
		}
		out[(*n)++] = cmd.device;
		own_seen = own_seen || (own && !strcmp(key, own_key));
	}
	if (own && !own_seen) {
		if (*n == max)
			return sh_err(err, EINVAL,
				      "the container has more than %zu sriov-hook CDI devices: give at most %zu", max,
				      max);
		out[(*n)++] = *own;
	}
	return 0;
}

/* With env_fallback, SRIOV_<KEY> variables of the process fill in the keys the annotations lack.
 * Every run of the container builds the same request; each then acts on its own VFs: a device's
 * hook on those its arguments name, the annotations' hook on those the annotations name. */
static int build_request(struct sh_stage_input *in, struct sh_error *err)
{
	struct sh_annotations *ann = input_annotations(in);
	bool env = in->cfg.env_fallback;
	struct sh_vf_request devices[SH_MAX_VFS];
	char own[SH_DEVICE_MAX] = "", unused[1536];
	size_t i, n;
	int r;

	if ((r = sh_stage_devices(&in->spec, in->self, in->device, devices, SH_MAX_VFS, &n, err)) < 0)
		return r;
	/* A variable dropped without a word leaves a container without its address: say which. */
	if (sh_request_env_unused(in->spec.env, in->spec.n_env, env, unused, sizeof(unused)))
		sh_log_msg(LOG_WARNING, "SRIOV_ variables not used: %s", unused);
	if ((r = sh_request_build_with_env(ann, env ? in->spec.env : NULL, env ? in->spec.n_env : 0, devices, n,
					   &in->req, err)) < 0 ||
	    (r = sh_pool_apply(in->cfg.pools, in->cfg.n_pools, &in->req, err)) < 0)
		return r;
	if (in->device)
		sh_request_selector_key(in->device, own, sizeof(own));
	for (i = 0; i < in->req.n; i++)
		in->req.vf[i].elsewhere = strcmp(in->req.vf[i].device, own) != 0;
	return 0;
}

int sh_stage_prepare(struct sh_stage_input *in, struct sh_error *err)
{
	int r;

	in->ctx.cfg = &in->cfg;
	in->ctx.state = &in->state;
	in->ctx.req = &in->req;
	if (in->device)
		sh_request_selector_key(in->device, in->ctx.device, sizeof(in->ctx.device));
	if (in->stage == SH_STAGE_CREATE_RUNTIME && (r = sh_oci_spec_load(in->state.bundle, &in->spec, err)) < 0)
		return r;
	if (in->stage == SH_STAGE_CREATE_RUNTIME)
		in->ctx.spec = &in->spec;
	/* Known before the request is checked, so that its errors name the container too. */
	in->ctx.name = sh_stage_container_name(input_annotations(in));
	if (in->stage == SH_STAGE_CREATE_RUNTIME) {
		if ((r = build_request(in, err)) < 0)
			return r;
		/* A container that asks this run for no netdev may have no namespace of its own: fine
		 * (nothing is moved into it); nor has one that sriov-runc prepares yet. */
		if (!in->wrapper && sh_request_has_own(&in->req, SH_MODE_NETDEV) &&
		    (r = sh_oci_netns_path(&in->state, &in->spec, in->ctx.netns_path, err)) < 0)
			return r;
		in->ctx.eth0_later = sh_docker_adds_eth0_later(&in->state, &in->spec);
	}
	return 0;
}

void sh_stage_input_free(struct sh_stage_input *in)
{
	sh_oci_spec_free(&in->spec);
	sh_oci_state_free(&in->state);
	sh_config_free(&in->cfg);
	memset(&in->ctx, 0, sizeof(in->ctx));
}

/* poststop gives the VFs back whatever the configuration says: the claim records carry all a
 * release needs, and a broken file still names its roots before the point where it breaks (else
 * the defaults). The run then fails with one line that says the file is broken, where, and what
 * it went on with, after its VFs are back. */
static int run_poststop(struct sh_stage_input *in, const char *config, struct sh_error *err)
{
	struct sh_error broken = {0};
	char roots[2 * PATH_MAX + 96];
	int r, cfg_r;

	cfg_r = sh_config_load_roots(config, &in->cfg, &broken);
	if ((r = sh_log_open(in->cfg.log, err)) == 0 && (r = sh_stage_prepare(in, err)) == 0) {
		sh_log_set_container(in->state.id, in->ctx.name, sh_stage_name(in->stage));
		if ((r = sh_sandbox_install(err)) == 0)
			r = sh_detach(&in->ctx, err);
	}
	if (cfg_r == 0)
		return r;
	if (r < 0) {
		sh_log_failure(broken.msg); /* both said: the broken file first, then what failed */
		return r;
	}
	sh_config_roots_text(&in->cfg, roots, sizeof(roots));
	return sh_err(err, broken.code, "%s; its VFs were released all the same, with %s", broken.msg, roots);
}

static int run(struct sh_stage_input *in, const char *config, int state_fd, struct sh_error *err)
{
	const char *stage = sh_stage_name(in->stage);
	struct sh_error ignored = {0};
	int r;

	/* Until the configuration names the log, the system's: a failure before that is logged too.
	 * Until the state names the container, lines say "-" where its id goes. */
	sh_log_set_container(NULL, NULL, stage);
	sh_log_open(NULL, &ignored);
	if ((r = sh_stage_read_state(state_fd, &in->state, err)) < 0)
		return r;
	sh_log_set_container(in->state.id, NULL, stage);
	if (in->stage == SH_STAGE_POSTSTOP)
		return run_poststop(in, config, err);
	if ((r = sh_config_load(config, &in->cfg, err)) < 0 || (r = sh_log_open(in->cfg.log, err)) < 0)
		return r;
	/* Below the oldest supported kernel a claim would fail half-way (no altnames before 5.5):
	 * refused before anything is read or changed. Giving back (poststop) is never refused. */
	if ((r = sh_kernel_check_running(err)) < 0)
		return r;
	r = sh_stage_prepare(in, err);
	sh_log_set_container(in->state.id, in->ctx.name, stage);
	if (r < 0 || (r = sh_sandbox_install(err)) < 0)
		return r;
	return sh_attach(&in->ctx, err);
}

int sh_stage_run(enum sh_stage stage, const char *config, const struct sh_vf_request *device, int state_fd,
		 struct sh_error *err)
{
	struct sh_stage_input in;
	int r;

	memset(&in, 0, sizeof(in));
	in.stage = stage;
	in.device = device;
	sh_config_defaults(&in.cfg);
	r = run(&in, config, state_fd, err);
	if (r < 0)
		sh_log_failure(err->msg);
	sh_log_close();
	sh_stage_input_free(&in);
	return r;
}
