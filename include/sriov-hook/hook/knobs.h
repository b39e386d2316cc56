/* The PF-side settings a claim applies (`ip link set PF vf N ...`), one netlink attribute at a
 * time, each recorded before it is changed so that restore puts back exactly what was. */
#ifndef SRIOV_HOOK_KNOBS_H
#define SRIOV_HOOK_KNOBS_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/sys/nl.h"

/* Applies the settings v asks for to the VF of claim c (its record saved first where the MAC
 * needs it); host is the VF's netdev on the host. The table's rules hold for the values that
 * result (a minimum not above its maximum, the VF's current one included). */
int sh_knobs_apply(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_claim *c,
		   const struct sh_link *host, struct sh_error *err);

#endif
