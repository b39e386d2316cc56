/* The vfio VFs sriov-runc prepared (bound to vfio-pci and claimed before `runc create`, held by
 * its process) becoming the container's at its createRuntime. */
#ifndef SRIOV_HOOK_ADOPT_H
#define SRIOV_HOOK_ADOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach-run.h"

/* Whether r is a vfio VF that sriov-runc bound for this container's slot and still holds. */
bool sh_adopt_prepared_for(const struct sh_attach_run *a, size_t slot, const struct sh_record *r);
/* The VF sriov-runc bound for slot (a->prepared[slot]) becomes the container's (its process and
 * namespace the holder), as a->claims[a->n]. -ENOENT (err untouched) when there is none. */
int sh_adopt(struct sh_attach_run *a, size_t slot, struct sh_error *err);

#endif
