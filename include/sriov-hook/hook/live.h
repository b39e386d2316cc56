/* A VF given to, or taken from, a container that already runs (sriovctl attach and detach): the
 * createRuntime and poststop paths themselves, with the container named by its init process and id
 * instead of an OCI state, so that its poststop, or gc once it is gone, returns the VF. */
#ifndef SRIOV_HOOK_LIVE_H
#define SRIOV_HOOK_LIVE_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/store/record.h"

struct sh_live {
	const struct sh_config *cfg;
	const char *id;		/* the container's id: its records and its poststop's */
	int pid;		/* its init process, 0 when only netns_path names it */
	const char *netns_path; /* NULL: /proc/<pid>/ns/net */
};

/* Attaches the VF v asks for (its slot is chosen here: the first the container's records leave
 * free) exactly as createRuntime does; *out gets its record. -EEXIST when the namespace's VFs are
 * another container's. */
int sh_live_attach(const struct sh_live *l, const struct sh_vf_request *v, struct sh_record *out, struct sh_error *err);
/* Gives back, as poststop does, the container's VF vf_pci, or every VF it holds (vf_pci NULL),
 * whichever device claimed them. *n counts the VFs released. */
int sh_live_detach(const struct sh_live *l, const char *vf_pci, size_t *n, struct sh_error *err);

#endif
