/* sriovctl heal: after a PF reset (driver reload, sriov_numvfs to 0 and back) every VF netdev is
 * destroyed, those inside containers included, and new ones appear on the host unconfigured. Each
 * claim whose VF is back on the host gets its PF-side settings and its container-side setup again,
 * from its record; a claim whose container is gone is released. */
#ifndef SRIOV_HOOK_CTL_HEAL_H
#define SRIOV_HOOK_CTL_HEAL_H

#include <stdbool.h>
#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/store/record.h"

struct nl_sock;

/* Where a held netdev VF is now. */
enum sh_heal_where {
	SH_HEAL_IN_PLACE, /* in its holder's namespace, under its recorded index */
	SH_HEAL_MOVED,	  /* there under its name only: a heal was cut short after the move */
	SH_HEAL_ON_HOST,  /* gone from the namespace, back on the host (a new netdev) */
	SH_HEAL_LOST,	  /* neither: not back yet */
	SH_HEAL_UNKNOWN,  /* the holder's namespace cannot be reached */
};

/* Where record r's VF is; *host_ifindex gets the host netdev's index (SH_HEAL_ON_HOST). nsfd (-1:
 * found here through the record's pid) is the holder's namespace. Reads only. */
enum sh_heal_where sh_heal_locate(const struct sh_config *cfg, struct nl_sock *host_sk, const struct sh_record *r,
				  int nsfd, int *host_ifindex);

/* sriovctl heal [PF...]: one line on out per claimed netdev VF of those PFs (all when none). */
int sh_ctl_heal(const struct sh_config *cfg, char **args, int n, FILE *out, struct sh_error *err);

#endif
