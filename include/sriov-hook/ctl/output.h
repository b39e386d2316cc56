/* Where sriovctl writes what --output names: "-" is standard output; a path is replaced only when
 * it is a regular file of this user's (or absent), so that a symlink, a device such as /dev/stdout
 * or another user's file in a sticky directory is never replaced. */
#ifndef SRIOV_HOOK_CTL_OUTPUT_H
#define SRIOV_HOOK_CTL_OUTPUT_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"

/* Whether path means standard output. */
bool sh_output_is_stdout(const char *path);
/* 0 when path may be replaced (absent, or a regular file this user owns); else the error that
 * names it. */
int sh_output_check(const char *path, struct sh_error *err);
/* text to path, checked, then written atomically (mode 0644); "-" writes it to standard output. */
int sh_output_write(const char *path, const char *text, struct sh_error *err);

#endif
