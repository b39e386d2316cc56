/* sriov-runc's vfio step: request -> claim and bind (attach.c) -> what the container is told
 * (vfioinfo.c, under state_dir) -> the edits of config.json, which the wrapper writes with its hooks
 * (specedit.c). Each step undoes the ones before it when it fails, so that a refused create leaves
 * no claim, no binding and no file. */
#include "sriov-hook/runc/vfioprep.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/hook/prepare.h"
#include "sriov-hook/store/info.h"
#include "sriov-hook/store/vfioinfo.h"
#include "sriov-hook/sys/vfio.h"

/* The request, as the container's createRuntime will build it (stage.c), for a container that
 * has no process yet. */
static int read_request(const char *bundle, const char *id, const char *config, const char *hook,
			struct sh_vfio_prep *p, struct sh_error *err)
{
	struct sh_stage_input *in = &p->in;
	char abs[PATH_MAX];

	in->stage = SH_STAGE_CREATE_RUNTIME;
	in->wrapper = true;
	in->self = hook;
	sh_config_defaults(&in->cfg);
	if (!realpath(bundle ? bundle : ".", abs))
		return sh_err_errno(err, errno, "bundle %s", bundle ? bundle : ".");
	if (!(in->state.id = strdup(id)) || !(in->state.bundle = strdup(abs)) || !(in->state.status = strdup("creating")))
		return sh_err(err, ENOMEM, "out of memory");
	if (sh_container_id_validate(id, err) < 0)
		return -err->code;
	return sh_config_load(config, &in->cfg, err) < 0 ? -err->code : sh_stage_prepare(in, err);
}

/* The device nodes: /dev/vfio/vfio, then each VF's group once. */
static int collect_nodes(const struct sh_vfio_prep *p, struct sh_devnode *nodes, size_t *n, struct sh_error *err)
{
	size_t i, k;
	int r;

	if ((r = sh_vfio_devnode(p->in.cfg.dev_root, -1, &nodes[0], err)) < 0)
		return r;
	*n = 1;
	for (i = 0; i < p->n; i++) {
		for (k = 0; k < i && p->vfs[k].iommu_group != p->vfs[i].iommu_group; k++)
			;
		if (k < i)
			continue;
		if ((r = sh_vfio_devnode(p->in.cfg.dev_root, p->vfs[i].iommu_group, &nodes[(*n)++], err)) < 0)
			return r;
	}
	return 0;
}

/* What the container is told: the info file (written), the variables and the device nodes. */
static int describe(struct sh_vfio_prep *p, struct sh_error *err)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	_cleanup_free_ char *json = NULL;
	struct sh_vfio_info info[SH_MAX_VFS];
	size_t i;
	int r;

	for (i = 0; i < p->n; i++)
		sh_vfio_info_from_record(&p->vfs[i], sh_vfio_numa_node(p->in.cfg.sysfs_root, p->vfs[i].vf_pci), &info[i]);
	if ((r = collect_nodes(p, p->nodes, &p->n_nodes, err)) < 0 ||
	    (r = sh_vfio_info_json(info, p->n, &json, err)) < 0 ||
	    (r = sh_store_open(p->in.cfg.state_dir, true, &store, err)) < 0 ||
	    (r = sh_store_info_write(&store, SH_INFO_CONTAINER, p->in.state.id, json, p->info_path, err)) < 0)
		return r;
	if ((r = sh_vfio_info_env(info, p->n, "", SH_VFIO_INFO_PATH, p->env, err)) < 0)
		sh_store_info_remove(&store, SH_INFO_CONTAINER, p->in.state.id, &(struct sh_error){0});
	return r;
}

void sh_vfio_prep_edits(const struct sh_vfio_prep *p, struct sh_spec_edits *e)
{
	if (!p || !p->n)
		return;
	e->nodes = p->nodes;
	e->n_nodes = p->n_nodes;
	e->env = p->env;
	e->n_env = SH_VFIO_ENV_COUNT;
	e->mount_source = p->info_path;
	e->mount_destination = SH_VFIO_INFO_PATH;
}

int sh_vfio_prep_begin(const char *bundle, const char *id, const char *config, const char *hook,
		       struct sh_vfio_prep *p, struct sh_error *err)
{
	struct sh_error ignored;
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = read_request(bundle, id, config, hook, p, err)) < 0)
		return r;
	if (!sh_request_has_own(&p->in.req, SH_MODE_VFIO))
		return 0;
	sh_log_set_container(id, p->in.ctx.name, "create");
	sh_log_open(p->in.cfg.log, &ignored);
	if ((r = sh_attach_prepare(&p->in.ctx, p->vfs, SH_ARRAY_SIZE(p->vfs), &p->n, err)) < 0)
		return r;
	if ((r = describe(p, err)) < 0) {
		sh_attach_abandon(&p->in.ctx, &ignored);
		p->n = 0;
		return r;
	}
	return 0;
}

int sh_vfio_prep_end(struct sh_vfio_prep *p, bool create_failed, struct sh_error *err)
{
	/* the info file goes with the container's last claim (restore.c) */
	if (!p->n || !create_failed)
		return 0;
	return sh_attach_abandon(&p->in.ctx, err);
}

void sh_vfio_prep_free(struct sh_vfio_prep *p)
{
	sh_vfio_info_env_free(p->env);
	sh_stage_input_free(&p->in);
	sh_log_close();
}
