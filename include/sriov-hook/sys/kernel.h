/* The running kernel against the oldest one the hook supports: what it needs from the kernel, and
 * the clear refusal on an older one (a createRuntime there would half-work and fail mid-way). */
#ifndef SRIOV_HOOK_KERNEL_H
#define SRIOV_HOOK_KERNEL_H

#include "sriov-hook/core/error.h"

/* The oldest kernel tested (tests/vm's matrix: 5.10, 6.1, 6.12, 7.2). What the hook needs is
 * older still: altnames (IFLA_ALT_IFNAME, 5.5), which the hook restores on a VF it gives back. */
#define SH_KERNEL_MIN_MAJOR 5
#define SH_KERNEL_MIN_MINOR 10

/* major.minor of a kernel release ("6.1.0-57-amd64", "7.2.13+deb14-amd64"); -EINVAL when it does
 * not start with two numbers. */
int sh_kernel_release_parse(const char *release, unsigned *major, unsigned *minor);
/* 0 when release is at least SH_KERNEL_MIN_MAJOR.SH_KERNEL_MIN_MINOR, else -ENOTSUP naming both. */
int sh_kernel_check(const char *release, struct sh_error *err);
/* sh_kernel_check on uname(2)'s release. */
int sh_kernel_check_running(struct sh_error *err);

#endif
