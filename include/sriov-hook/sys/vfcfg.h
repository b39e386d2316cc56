/* The PF-side settings of a VF through netlink (`ip link set PF vf N ...`): read them all, set one
 * knob at a time. What each setting is and accepts is in vfsetting.h. */
#ifndef SRIOV_HOOK_VFCFG_H
#define SRIOV_HOOK_VFCFG_H

#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/core/vfsetting.h"

struct nl_sock;

/* PF-side settings of VF vf on the PF pf_ifindex. -EOPNOTSUPP when the PF reports no such VF. */
int sh_vf_cfg_get(struct nl_sock *sk, int pf_ifindex, unsigned vf, struct sh_vf_cfg *cfg, struct sh_error *err);
/* Applies one knob (one attribute per request, so a refused knob leaves the others untouched). */
int sh_vf_knob_set(struct nl_sock *sk, int pf_ifindex, unsigned vf, enum sh_knob knob, const struct sh_vf_cfg *cfg,
		   struct sh_error *err);
/* The refusal when the PF reports no settings for its VFs (sh_vf_cfg_get's -EOPNOTSUPP): its
 * driver implements none of them (virtio_net). One message naming the driver and the first
 * setting of `given` (bit i: row i of sh_vf_settings()); -EOPNOTSUPP. */
int sh_vf_cfg_refuse(const char *sysfs_root, const char *pf_name, const char *pf_pci, unsigned given,
		     struct sh_error *err);
/* Who on PF pf_ifindex already has mac, as the PF sees it: the PF itself (*who -1), another VF
 * than vf (*who its index); 0 when nobody (or mac is all zero), 1 when somebody. */
int sh_vf_mac_in_use(struct nl_sock *sk, int pf_ifindex, unsigned vf, const uint8_t mac[6], int *who,
		     struct sh_error *err);
/* Sets the PF-side MAC of the VF to none: the PF stops enforcing one. */
int sh_vf_clear_mac(struct nl_sock *sk, int pf_ifindex, unsigned vf, struct sh_error *err);

#endif
