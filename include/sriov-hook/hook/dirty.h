/* What differs between a VF's baseline (its host-side state before its first claim, baseline.h)
 * and its state now: the items `sriovctl list` names in its dirty note and `sriovctl gc` puts
 * back, one by one. Pure: it compares two captured states and names what it finds. */
#ifndef SRIOV_HOOK_DIRTY_H
#define SRIOV_HOOK_DIRTY_H

#include <stddef.h>

#include "sriov-hook/store/baseline.h"

enum sh_dirty_kind {
	SH_DIRTY_RESIDUE, /* which: enum sh_residue (flags, alias, txqueuelen, xdp, qdiscs, ethtool) */
	SH_DIRTY_LINK,	  /* which: enum sh_dirty_link */
	SH_DIRTY_SETTING, /* which: the row of a PF-side setting in the settings table */
};

enum sh_dirty_link { SH_DIRTY_MTU, SH_DIRTY_MAC, SH_DIRTY_UP };

struct sh_dirty_item {
	enum sh_dirty_kind kind;
	int which;
};

#define SH_DIRTY_MAX 64
struct sh_dirty {
	size_t n;
	struct sh_dirty_item item[SH_DIRTY_MAX];
};

/* Every item in which now differs from base (both of the same VF: sh_baseline_same_vf). */
void sh_dirty_compare(const struct sh_baseline *base, const struct sh_baseline *now, struct sh_dirty *d);
/* The item's name as the dirty note says it: "promisc", "alias", "mtu", "features", "vf vlan"
 * (a PF-side setting's name is written into buf; the others are constants). */
const char *sh_dirty_item_name(const struct sh_dirty_item *it, char *buf, size_t len);
/* The names of d's items joined by sep ("promisc, alias, mtu"); "" when clean. */
const char *sh_dirty_text(const struct sh_dirty *d, const char *sep, char *out, size_t len);

#endif
