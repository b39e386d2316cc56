/* `sriovctl doctor`: the troubleshooting steps of the SR-IOV guides as checks, each ok, warn or
 * fail, and for each problem the exact command that fixes it. */
#ifndef SRIOV_HOOK_DOCTOR_H
#define SRIOV_HOOK_DOCTOR_H

#include <stddef.h>

#include "sriov-hook/core/error.h"

enum sh_check_level { SH_CHECK_OK, SH_CHECK_WARN, SH_CHECK_FAIL };

struct sh_check {
	enum sh_check_level level;
	const char *name; /* "config", "iommu", "sriov", ... (sriovctl(8) lists them) */
	char what[SH_ERR_MAX];
	char fix[SH_ERR_MAX]; /* the command or edit that fixes it; "" when ok */
};

struct sh_doctor_opts {
	const char *config; /* --config, NULL for the default file */
	const char *root;   /* where /etc, /usr and /dev are looked up: "" for the host's */
	char *const *pfs;   /* the PFs to check; none: every SR-IOV PF */
	size_t n_pfs;
};

/* Runs every check, reporting each; counts[level] gets how many ended at each level. Fails
 * (err filled) only when it cannot check at all. */
int sh_doctor(const struct sh_doctor_opts *o, void (*report)(const struct sh_check *c, void *data), void *data,
	      unsigned counts[3], struct sh_error *err);
const char *sh_check_level_name(enum sh_check_level l);

#endif
