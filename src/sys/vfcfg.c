/* PF-side settings of a VF (what `ip link set PF vf N ...` changes), read and written with
 * libnl's rtnl_link_vf_* objects, one attribute per request: here is one netlink call per knob;
 * what the settings are, accept and mean is the table in vfsetting.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/sys/nl-internal.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"

/* Reads the knob's settings into cfg; what the PF does not report keeps its default. */
static void vf_get_knob(struct rtnl_link_vf *vf, enum sh_knob knob, struct sh_vf_cfg *cfg)
{
	struct nl_addr *mac = NULL;
	nl_vf_vlans_t *vlans = NULL;
	struct nl_vf_rate rate = {.api = RTNL_LINK_VF_RATE_API_NEW};
	uint32_t v;

	switch (knob) {
	case SH_KNOB_MAC:
		if (rtnl_link_vf_get_addr(vf, &mac) == 0 && nl_addr_get_len(mac) >= 6)
			memcpy(cfg->mac, nl_addr_get_binary_addr(mac), 6);
		break;
	case SH_KNOB_VLAN:
		if (rtnl_link_vf_get_vlans(vf, &vlans) == 0 && vlans && vlans->size > 0) {
			cfg->vlan = vlans->vlans[0].vf_vlan;
			cfg->qos = vlans->vlans[0].vf_vlan_qos;
			if (vlans->vlans[0].vf_vlan_proto)
				cfg->vlan_proto = vlans->vlans[0].vf_vlan_proto;
		}
		break;
	case SH_KNOB_SPOOFCHK:
		if (rtnl_link_vf_get_spoofchk(vf, &v) == 0)
			cfg->spoofchk = v;
		break;
	case SH_KNOB_TRUST:
		if (rtnl_link_vf_get_trust(vf, &v) == 0)
			cfg->trust = v;
		break;
	case SH_KNOB_LINK_STATE:
		if (rtnl_link_vf_get_linkstate(vf, &v) == 0)
			cfg->link_state = v;
		break;
	case SH_KNOB_RATE:
		if (rtnl_link_vf_get_rate(vf, &rate) == 0) {
			cfg->min_tx_rate = rate.min_tx_rate;
			cfg->max_tx_rate = rate.max_tx_rate;
		}
		break;
	case SH_KNOB_COUNT:
		break;
	}
}

int sh_vf_cfg_get(struct nl_sock *sk, int pf_ifindex, unsigned index, struct sh_vf_cfg *cfg, struct sh_error *err)
{
	struct rtnl_link *link = NULL;
	struct rtnl_link_vf *vf = NULL;
	int k, r;

	if ((r = rtnl_link_get_kernel(sk, pf_ifindex, NULL, &link)) < 0)
		return sh_nl_err(err, r, "read VF settings from the PF");
	if (rtnl_link_has_vf_list(link))
		vf = rtnl_link_vf_get(link, index);
	if (!vf) {
		rtnl_link_put(link);
		return sh_err(err, EOPNOTSUPP,
			      "the PF reports no settings for VF %u (its driver has no SR-IOV netlink support)", index);
	}
	sh_vf_cfg_defaults(cfg);
	for (k = 0; k < SH_KNOB_COUNT; k++)
		vf_get_knob(vf, k, cfg);
	rtnl_link_vf_put(vf);
	rtnl_link_put(link);
	return 0;
}

/* The PF's driver as the operator knows it, for messages: the netdev's (virtio_net, whose PCI
 * function is on virtio-pci), else the PCI function's, else "(unbound)". */
static void pf_driver(const char *sysfs_root, const char *pf_name, const char *pf_pci, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/class/net/%s/device/driver", sysfs_root, pf_name) < (int)sizeof(path) &&
	    (n = readlink(path, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		base = strrchr(target, '/');
		snprintf(out, len, "%.63s", base ? base + 1 : target);
		return;
	}
	if (sh_sysfs_pci_link(sysfs_root, pf_pci, "driver", out, len) < 0)
		snprintf(out, len, "(unbound)");
}

int sh_vf_cfg_refuse(const char *sysfs_root, const char *pf_name, const char *pf_pci, unsigned given,
		     struct sh_error *err)
{
	size_t i, n;
	const struct sh_vf_setting *s = sh_vf_settings(&n);
	char driver[64];

	for (i = 0; i < n && !(given & (1u << i)); i++)
		;
	pf_driver(sysfs_root, pf_name, pf_pci, driver, sizeof(driver));
	return sh_err(err, EOPNOTSUPP, "cannot set %s: the driver of %s, %s, has no PF-side VF settings",
		      i < n ? s[i].name : "PF-side settings", pf_name, driver);
}

static bool addr_is(struct nl_addr *a, const uint8_t mac[6])
{
	return a && nl_addr_get_len(a) >= 6 && !memcmp(nl_addr_get_binary_addr(a), mac, 6);
}

int sh_vf_mac_in_use(struct nl_sock *sk, int pf_ifindex, unsigned vf, const uint8_t mac[6], int *who,
		     struct sh_error *err)
{
	static const uint8_t zero[6];
	struct rtnl_link *link = NULL;
	struct rtnl_link_vf *other;
	struct nl_addr *a;
	unsigned i, n = 0;
	int r, found = 0;

	if (!memcmp(mac, zero, 6))
		return 0;
	if ((r = rtnl_link_get_kernel(sk, pf_ifindex, NULL, &link)) < 0)
		return sh_nl_err(err, r, "read the VFs' MACs from the PF");
	if (addr_is(rtnl_link_get_addr(link), mac)) {
		*who = -1;
		found = 1;
	}
	if (!found && rtnl_link_has_vf_list(link) && rtnl_link_get_num_vf(link, &n) == 0) {
		for (i = 0; i < n && !found; i++) {
			if (i == vf || !(other = rtnl_link_vf_get(link, i)))
				continue;
			a = NULL;
			if (rtnl_link_vf_get_addr(other, &a) == 0 && addr_is(a, mac)) {
				*who = (int)i;
				found = 1;
			}
			rtnl_link_vf_put(other);
		}
	}
	rtnl_link_put(link);
	return found;
}

static int vf_put_knob(struct rtnl_link_vf *vf, enum sh_knob knob, const struct sh_vf_cfg *cfg)
{
	struct nl_vf_rate rate = {.api = RTNL_LINK_VF_RATE_API_NEW};
	nl_vf_vlans_t *vlans = NULL;
	struct nl_addr *mac;

	switch (knob) {
	case SH_KNOB_MAC:
		if (!(mac = nl_addr_build(AF_LLC, cfg->mac, 6)))
			return -NLE_NOMEM;
		rtnl_link_vf_set_addr(vf, mac);
		nl_addr_put(mac);
		return 0;
	case SH_KNOB_VLAN:
		if (rtnl_link_vf_vlan_alloc(&vlans, 1) < 0)
			return -NLE_NOMEM;
		vlans->vlans[0].vf_vlan = cfg->vlan;
		vlans->vlans[0].vf_vlan_qos = cfg->qos;
		/* libnl puts vf_vlan_proto on the wire as given, but compares it with ETH_P_8021Q in
		 * host order to choose the legacy IFLA_VF_VLAN: 802.1Q in host order, 802.1ad in
		 * network order. */
		vlans->vlans[0].vf_vlan_proto = cfg->vlan_proto == ETH_P_8021AD ? htons(ETH_P_8021AD) : ETH_P_8021Q;
		rtnl_link_vf_set_vlans(vf, vlans);
		rtnl_link_vf_vlan_put(vlans);
		return 0;
	case SH_KNOB_SPOOFCHK:
		rtnl_link_vf_set_spoofchk(vf, cfg->spoofchk);
		return 0;
	case SH_KNOB_TRUST:
		rtnl_link_vf_set_trust(vf, cfg->trust);
		return 0;
	case SH_KNOB_LINK_STATE:
		rtnl_link_vf_set_linkstate(vf, cfg->link_state);
		return 0;
	case SH_KNOB_RATE:
		/* IFLA_VF_RATE carries both: the caller passes the full pair. */
		rate.min_tx_rate = cfg->min_tx_rate;
		rate.max_tx_rate = cfg->max_tx_rate;
		rtnl_link_vf_set_rate(vf, &rate);
		return 0;
	case SH_KNOB_COUNT:
		break;
	}
	return -NLE_INVAL;
}

int sh_vf_clear_mac(struct nl_sock *sk, int pf_ifindex, unsigned index, struct sh_error *err)
{
	struct sh_vf_cfg none = {0};

	return sh_vf_knob_set(sk, pf_ifindex, index, SH_KNOB_MAC, &none, err);
}

int sh_vf_knob_set(struct nl_sock *sk, int pf_ifindex, unsigned index, enum sh_knob knob, const struct sh_vf_cfg *cfg,
		   struct sh_error *err)
{
	char what[96];

	struct rtnl_link *change = rtnl_link_alloc();
	struct rtnl_link_vf *vf = rtnl_link_vf_alloc();
	int r = -NLE_NOMEM;

	if (change && vf) {
		rtnl_link_vf_set_index(vf, index);
		r = vf_put_knob(vf, knob, cfg);
		if (r == 0)
			r = rtnl_link_vf_add(change, vf);
		if (r == 0)
			r = sh_link_change(sk, pf_ifindex, change);
	}
	rtnl_link_vf_put(vf);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "set vf %u %s", index, sh_vf_knob_describe(knob, cfg, what, sizeof(what))) : 0;
}
