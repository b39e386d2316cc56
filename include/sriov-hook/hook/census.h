/* "Why no VF": after auto or a pool found none to claim, each VF in scope counted once under what
 * keeps it (held, stale, the host's, elsewhere, unusable), with the first reason of each kind, and
 * said in one message. */
#ifndef SRIOV_HOOK_CENSUS_H
#define SRIOV_HOOK_CENSUS_H

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/input/pool.h"
#include "sriov-hook/sys/sysfs.h"

struct sh_census {
	unsigned total, held, stale, host, elsewhere, unusable, freed;
	char holders[200];   /* the first holders, "web, 3f2a9c1d0b8e" */
	char stale_why[256]; /* why a stale claim could not be taken over (the picking fills it) */
	char host_why[160], elsewhere_why[160], unusable_why[160];
};

/* Counts the VFs of pf in scope (pool, or none: the VFs outside pools) after no claim succeeded:
 * claims are read without their lock, usability as sh_vf_check_usable sees it (a snapshot: a VF
 * freed meanwhile counts as such). */
void sh_census_count(struct sh_attach_run *a, const struct sh_pf *pf, const struct sh_pool *pool, struct sh_census *cs);
/* "<head>: no free VF among its N[ outside pools (M are in pools)]: 2 held by running containers
 * (web, db); 1 in use by the host (...); ..." as err, -EBUSY. */
int sh_census_error(const struct sh_census *cs, const char *head, unsigned pooled, struct sh_error *err);

#endif
