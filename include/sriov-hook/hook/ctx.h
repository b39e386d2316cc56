/* What one hook run acts on: its inputs, read and validated by stage.c before anything changes,
 * shared by attach (createRuntime) and detach (poststop). */
#ifndef SRIOV_HOOK_CTX_H
#define SRIOV_HOOK_CTX_H

#include <limits.h>
#include <stdbool.h>

#include "sriov-hook/input/config.h"
#include "sriov-hook/input/oci.h"
#include "sriov-hook/input/request.h"

/* One hook run: its inputs, validated. */
struct sh_ctx {
	const struct sh_config *cfg;
	const struct sh_state *state;
	const struct sh_request *req;
	const struct sh_spec *spec; /* config.json at createRuntime (its cpuset, its devices); else NULL */
	char netns_path[PATH_MAX];  /* createRuntime; at poststop "" unless the runtime named it */
	const char *name;	    /* the container's name where the runtime gave one, else NULL */
	/* The key of the CDI device this run is the hook of ("pf=ens1f0 vf=0"), "" when the
	 * annotations say: poststop releases that device's VFs only. */
	char device[SH_DEVICE_MAX];
	/* sriovctl detach: the VFs of every device (any_device), or the one VF vf_pci names. */
	bool any_device;
	const char *vf_pci;
	/* The engine adds the container's eth0 after createRuntime (docker >= 28 on a network):
	 * a VF takes net1 and up by default. */
	bool eth0_later;
};

#endif
