/* The compare behind `sriovctl list`'s dirty note and gc's return to the baseline: the netdev's
 * residue kinds as release compares them (linkstate.h), then MTU, MAC and up/down (which release
 * puts back from the claim record), then each PF-side setting whose knob differs. Nothing here
 * touches the system. */
#include "sriov-hook/hook/dirty.h"

#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/vfsetting.h"

static void add(struct sh_dirty *d, enum sh_dirty_kind kind, int which)
{
	if (d->n < SH_DIRTY_MAX)
		d->item[d->n++] = (struct sh_dirty_item){kind, which};
}

/* The settings of knob k whose values differ; the knob's first setting when the knob differs as a
 * whole but no single value does (a comparison the table's rules make, such as a moot protocol). */
static void add_knob(struct sh_dirty *d, enum sh_knob k, const struct sh_vf_cfg *base, const struct sh_vf_cfg *now)
{
	const struct sh_vf_setting *s;
	size_t i, n, before = d->n, first = SIZE_MAX;

	s = sh_vf_settings(&n);
	for (i = 0; i < n; i++) {
		if (s[i].knob != k)
			continue;
		if (first == SIZE_MAX)
			first = i;
		if (memcmp((const char *)base + s[i].offset, (const char *)now + s[i].offset,
			   s[i].kind == SH_CFG_MAC ? 6 : sizeof(unsigned)))
			add(d, SH_DIRTY_SETTING, (int)i);
	}
	if (d->n == before && first != SIZE_MAX)
		add(d, SH_DIRTY_SETTING, (int)first);
}

void sh_dirty_compare(const struct sh_baseline *base, const struct sh_baseline *now, struct sh_dirty *d)
{
	enum sh_knob k;
	int res;

	d->n = 0;
	for (res = 0; res < SH_RES_COUNT; res++)
		if (sh_residue_differs(&base->state, &now->state, res))
			add(d, SH_DIRTY_RESIDUE, res);
	if (base->mtu && base->mtu != now->mtu)
		add(d, SH_DIRTY_LINK, SH_DIRTY_MTU);
	if (memcmp(base->mac, now->mac, 6))
		add(d, SH_DIRTY_LINK, SH_DIRTY_MAC);
	if (base->up != now->up)
		add(d, SH_DIRTY_LINK, SH_DIRTY_UP);
	if (!base->has_cfg || !now->has_cfg)
		return;
	for (k = 0; k < SH_KNOB_COUNT; k++)
		if (!sh_vf_knob_equal(k, &now->cfg, &base->cfg))
			add_knob(d, k, &base->cfg, &now->cfg);
}

const char *sh_dirty_item_name(const struct sh_dirty_item *it, char *buf, size_t len)
{
	static const char *const link[] = {[SH_DIRTY_MTU] = "mtu", [SH_DIRTY_MAC] = "mac", [SH_DIRTY_UP] = "up/down"};
	const struct sh_vf_setting *s;
	size_t n;

	switch (it->kind) {
	case SH_DIRTY_RESIDUE:
		return sh_residue_name((enum sh_residue)it->which);
	case SH_DIRTY_LINK:
		return (size_t)it->which < sizeof(link) / sizeof(link[0]) ? link[it->which] : "?";
	case SH_DIRTY_SETTING:
		s = sh_vf_settings(&n);
		if (it->which < 0 || (size_t)it->which >= n)
			return "?";
		/* the PF's view of the VF, as `ip link set PF vf N` changes it */
		snprintf(buf, len, "vf %s", s[it->which].name);
		return buf;
	}
	return "?";
}

const char *sh_dirty_text(const struct sh_dirty *d, const char *sep, char *out, size_t len)
{
	char name[48];
	size_t i, used = 0;

	if (len)
		out[0] = '\0';
	for (i = 0; i < d->n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? sep : "",
					 sh_dirty_item_name(&d->item[i], name, sizeof(name)));
	return out;
}
