/* The PF-side settings a claim applies (`ip link set PF vf N ...`): checked against the settings
 * table's rules with the VF's current values, recorded before each change so that restore puts
 * back exactly what was, then sent one netlink attribute at a time. */
#include "sriov-hook/hook/knobs.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/sys/vfcfg.h"

/* Whether the PF enforces the MAC it reports for the VF. A VF that has been up reports its own MAC
 * through the PF, enforced or not: with trust off, an enforced MAC shows as the VF refusing to
 * change its own (igb), so try a change and undo it. */
static bool pf_enforces_mac(struct sh_attach_run *a, const struct sh_record *r)
{
	static const uint8_t probe[6] = {0x02, 0x00, 0x5e, 0xff, 0xff, 0xfe};
	static const uint8_t zero[6];
	struct sh_error ignored;

	if (!memcmp(r->orig.mac, zero, 6))
		return false;
	if (memcmp(r->orig.mac, r->host_mac, 6))
		return true; /* set on the PF, not yet taken by the VF */
	if (r->orig.trust)
		return false; /* a trusted VF changes its MAC either way: nothing to tell, nothing to keep */
	if (sh_link_set_mac(a->host_sk, r->host_ifindex, probe, &ignored) < 0)
		return true;
	sh_link_set_mac(a->host_sk, r->host_ifindex, r->host_mac, &ignored);
	return false;
}

/* A MAC another VF of the PF or the PF itself has is refused: with it, spoof checking would let
 * the container send as its neighbour. 1 (err filled) when taken. */
static int mac_free(struct sh_attach_run *a, const struct sh_record *r, const uint8_t mac[6], struct sh_error *err)
{
	char text[18];
	int who = 0, ret;

	if ((ret = sh_vf_mac_in_use(a->host_sk, r->pf_ifindex, r->vf_index, mac, &who, err)) <= 0)
		return ret;
	sh_format_mac(mac, text);
	if (who < 0)
		sh_err(err, EADDRINUSE, "mac %s is the PF %s's own: refused", text, r->pf_name);
	else
		sh_err(err, EADDRINUSE, "mac %s is already VF %d's of %s: refused (one MAC per VF)", text, who,
		       r->pf_name);
	return 1;
}

int sh_knobs_apply(struct sh_attach_run *a, const struct sh_vf_request *v, struct sh_claim *c,
		   const struct sh_link *host, struct sh_error *err)
{
	const struct sh_vf_setting *s, *limit;
	struct sh_record *r = &c->rec;
	struct sh_vf_cfg want;
	int k, ret;

	sh_vf_request_desired(v, &r->orig, &want);
	r->applied = want;
	/* The request's own values were checked against each other; the VF's current ones join them here. */
	if ((s = sh_vf_cfg_over_limit(&want, &limit)))
		return sh_err(err, EINVAL, "%s %u would exceed the VF's %s %u", s->name, sh_vf_setting_get(s, &want),
			      limit->name, sh_vf_setting_get(limit, &want));
	if ((v->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) && (ret = mac_free(a, r, want.mac, err)) != 0)
		return ret < 0 ? ret : -EADDRINUSE;
	if (v->knobs & SH_KNOB_BIT(SH_KNOB_MAC)) {
		/* A MAC set on the PF reaches the VF netdev only when the VF resets, and while the PF
		 * enforces one an untrusted VF may set none itself (igb): lift the PF's MAC, give the
		 * netdev its MAC, then have the PF enforce it (in the loop below). Restore does the
		 * same in reverse; a MAC the PF did not enforce before is restored as none. */
		if (!pf_enforces_mac(a, r))
			memset(r->orig.mac, 0, 6);
		r->knobs |= SH_KNOB_BIT(SH_KNOB_MAC);
		if ((ret = sh_claim_save(c, err)) < 0)
			return ret;
		/* a vfio VF's driver reads its MAC from the PF when it starts: the PF's alone will do */
		if (r->mode == SH_MODE_NETDEV &&
		    ((ret = sh_vf_clear_mac(a->host_sk, r->pf_ifindex, r->vf_index, err)) < 0 ||
		     (ret = sh_link_set_mac(a->host_sk, host->ifindex, want.mac, err)) < 0))
			return sh_err_ctx(err, "configure %s", host->name);
	}
	for (k = 0; k < SH_KNOB_COUNT; k++) {
		if (!(v->knobs & SH_KNOB_BIT(k)))
			continue;
		if ((ret = sh_vf_knob_set(a->host_sk, r->pf_ifindex, r->vf_index, k, &want, err)) < 0)
			return sh_err_ctx(err, "configure %s", r->pf_name);
	}
	return 0;
}
