/* The configuration's pools against the host: what parsing cannot know (whether a selector's PF is
 * here, how many VFs it offers, whether a PF named two ways puts a VF in two pools). For doctor
 * (a failure per pool) and cdi generate (a warning line per pool). */
#ifndef SRIOV_HOOK_POOLCHECK_H
#define SRIOV_HOOK_POOLCHECK_H

#include <stddef.h>

#include "sriov-hook/input/config.h"

/* Calls report once for each pool the host contradicts, with its problems joined by "; " (each
 * names the selector and the fix). Returns how many pools were reported. */
size_t sh_pools_check_host(const struct sh_config *cfg,
			   void (*report)(const struct sh_pool *pool, const char *problems, void *data), void *data);

#endif
