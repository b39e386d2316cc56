/* The seccomp allowlist the hook runs under once its inputs are read. */
#ifndef SRIOV_HOOK_SANDBOX_H
#define SRIOV_HOOK_SANDBOX_H

#include "sriov-hook/core/error.h"

/* Everything not on the list (execve among it) fails with EPERM. */
int sh_sandbox_install(struct sh_error *err);

#endif
