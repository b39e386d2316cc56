/* sriov-runc's part in vfio mode. A vfio VF's device nodes must be in config.json before `runc
 * create`, so the wrapper claims and binds the container's vfio VFs first (sh_attach_prepare),
 * tells the container what it got (variables, /run/sriov/vfio.json) and adds the nodes with their
 * cgroup rules; runc create then runs as its child, and a create that fails gives back what no
 * createRuntime adopted. */
#ifndef SRIOV_HOOK_VFIOPREP_H
#define SRIOV_HOOK_VFIOPREP_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/stage.h"
#include "sriov-hook/runc/specedit.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/store/vfioinfo.h"
#include "sriov-hook/sys/vfio.h"

struct sh_vfio_prep {
	struct sh_stage_input in; /* the container's id and bundle, the request, the configuration */
	struct sh_record vfs[SH_MAX_VFS];
	size_t n; /* VFs prepared: when 0, nothing was done and runc is exec'd as usual */
	/* What config.json gets (sh_vfio_prep_edits): the device nodes, the variables, the info file. */
	struct sh_devnode nodes[SH_MAX_VFS + 1];
	size_t n_nodes;
	char *env[SH_VFIO_ENV_COUNT];
	char info_path[PATH_MAX];
};

/* Before runc create of container id with the bundle at bundle (NULL: the working directory):
 * when its request (annotations, variables, CDI devices, pools of config; NULL the default file)
 * names vfio VFs for this run, claims and binds them and writes the info file; what config.json
 * must get is then sh_vfio_prep_edits'. hook: the sriov-hook whose entries the bundle has. On
 * failure nothing is left claimed or bound. p must be freed with sh_vfio_prep_free either way. */
int sh_vfio_prep_begin(const char *bundle, const char *id, const char *config, const char *hook,
		       struct sh_vfio_prep *p, struct sh_error *err);
/* Adds to e the nodes, variables and mount of the VFs prepared (nothing when p is NULL or none). */
void sh_vfio_prep_edits(const struct sh_vfio_prep *p, struct sh_spec_edits *e);
/* After runc create (or a rewrite of config.json that failed): when it failed, gives back the VFs no createRuntime adopted and the info file
 * of a container that holds none. */
int sh_vfio_prep_end(struct sh_vfio_prep *p, bool create_failed, struct sh_error *err);
void sh_vfio_prep_free(struct sh_vfio_prep *p);

#endif
