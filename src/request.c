/* Annotations -> request. Keys are io.sriov.<key> for the first VF and io.sriov.<N>.<key>
 * (N = 1..7) for more; every key and value is checked here so that nothing later has to guess. */
#include "sriov-hook/request.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEYS_HELP                                                                                                      \
	"pf, vf, ifname, mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, min_tx_rate, max_tx_rate, "          \
	"mtu, ip, gateway"

struct slot {
	bool used, has_vf;
	struct sh_vf_request *vf;
};

static int bad(struct sh_error *err, const char *key, const char *value, const char *accepted)
{
	return sh_err(err, EINVAL, "annotation %s: \"%.64s\" is not %s", key, value, accepted);
}

/* Whether gw lies in the subnet of cidr (same family). */
static bool ip_in_subnet(const struct sh_ip *gw, const struct sh_ip *cidr)
{
	const uint8_t *a = (const uint8_t *)&gw->a, *b = (const uint8_t *)&cidr->a;
	unsigned bits = cidr->prefix, i;

	if (gw->family != cidr->family)
		return false;
	for (i = 0; i < bits / 8; i++)
		if (a[i] != b[i])
			return false;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
		if ((a[i] & mask) != (b[i] & mask))
			return false;
	}
	return true;
}

static int parse_ip_list(const char *key, const char *value, bool cidr, struct sh_ip *out, size_t max, size_t *n,
			 struct sh_error *err)
{
	char buf[1024], *tok, *next;

	if (strlen(value) >= sizeof(buf))
		return sh_err(err, EINVAL, "annotation %s: value too long", key);
	snprintf(buf, sizeof(buf), "%s", value);
	*n = 0;
	/* Not strtok: "a,,b" and "a," hold an empty entry, which is an error, not nothing. */
	for (tok = buf; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		while (isspace((unsigned char)*tok))
			tok++;
		for (char *e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		if (*n == max)
			return sh_err(err, EINVAL, "annotation %s: more than %zu entries", key, max);
		if (sh_parse_ip(tok, cidr, &out[*n]) < 0)
			return bad(err, key, tok,
				   cidr ? "an IPv4 or IPv6 address with a prefix length (10.0.0.2/24, fd00::2/64)"
					: "an IPv4 or IPv6 address");
		(*n)++;
	}
	if (*n == 0)
		return bad(err, key, value, cidr ? "a list of CIDRs" : "a list of addresses");
	return 0;
}

static int on_off(const char *key, const char *value, unsigned *out, struct sh_error *err)
{
	if (!strcmp(value, "on"))
		*out = 1;
	else if (!strcmp(value, "off"))
		*out = 0;
	else
		return bad(err, key, value, "\"on\" or \"off\"");
	return 0;
}

static int set_vf(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	unsigned long n;

	if (!strcmp(value, "auto")) {
		v->select = SH_VF_AUTO;
	} else if (sh_pci_addr_valid(value)) {
		v->select = SH_VF_PCI;
		snprintf(v->vf_pci, sizeof(v->vf_pci), "%s", value);
		for (char *p = v->vf_pci; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	} else if (sh_parse_uint(value, 65535, &n) == 0) {
		v->select = SH_VF_INDEX;
		v->vf_index = (unsigned)n;
	} else {
		return bad(err, key, value, "a VF index (0-65535), \"auto\" or a VF PCI address (0000:3b:02.0)");
	}
	return 0;
}

static int set_number(const char *key, const char *value, unsigned long min, unsigned long max, unsigned *out,
		      const char *what, struct sh_error *err)
{
	unsigned long n;
	char accepted[128];

	if (sh_parse_uint(value, max, &n) < 0 || n < min) {
		snprintf(accepted, sizeof(accepted), "%s (%lu-%lu)", what, min, max);
		return bad(err, key, value, accepted);
	}
	*out = (unsigned)n;
	return 0;
}

static int set_field(struct sh_vf_request *v, const char *name, const char *key, const char *value,
		     struct sh_error *err)
{
	if (!strcmp(name, "pf")) {
		if (!sh_ifname_valid(value) && !sh_pci_addr_valid(value))
			return bad(err, key, value, "a PF netdev name or PCI address (0000:3b:00.0)");
		snprintf(v->pf, sizeof(v->pf), "%s", value);
		if (sh_pci_addr_valid(value)) /* sysfs spells PCI addresses in lower case */
			for (char *p = v->pf; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		return 0;
	}
	if (!strcmp(name, "vf"))
		return set_vf(v, key, value, err);
	if (!strcmp(name, "ifname")) {
		if (!sh_ifname_valid(value))
			return bad(err, key, value, "a valid interface name (1-15 characters, no '/', ':' or spaces)");
		snprintf(v->ifname, sizeof(v->ifname), "%s", value);
		return 0;
	}
	if (!strcmp(name, "mac")) {
		static const uint8_t zero[6];
		if (sh_parse_mac(value, v->cfg.mac) < 0 || (v->cfg.mac[0] & 1) || !memcmp(v->cfg.mac, zero, 6))
			return bad(err, key, value, "a unicast MAC address (02:00:00:00:00:01)");
		v->knobs |= SH_KNOB_BIT(SH_KNOB_MAC);
		return 0;
	}
	if (!strcmp(name, "vlan")) {
		v->has_vlan = true;
		v->knobs |= SH_KNOB_BIT(SH_KNOB_VLAN);
		return set_number(key, value, 0, 4095, &v->cfg.vlan, "a VLAN id", err);
	}
	if (!strcmp(name, "qos")) {
		v->has_qos = true;
		v->knobs |= SH_KNOB_BIT(SH_KNOB_VLAN);
		return set_number(key, value, 0, 7, &v->cfg.qos, "a VLAN priority", err);
	}
	if (!strcmp(name, "vlan_proto")) {
		if (!strcasecmp(value, "802.1Q"))
			v->cfg.vlan_proto = ETH_P_8021Q;
		else if (!strcasecmp(value, "802.1ad"))
			v->cfg.vlan_proto = ETH_P_8021AD;
		else
			return bad(err, key, value, "\"802.1Q\" or \"802.1ad\"");
		v->has_vlan_proto = true;
		v->knobs |= SH_KNOB_BIT(SH_KNOB_VLAN);
		return 0;
	}
	if (!strcmp(name, "spoofchk")) {
		v->knobs |= SH_KNOB_BIT(SH_KNOB_SPOOFCHK);
		return on_off(key, value, &v->cfg.spoofchk, err);
	}
	if (!strcmp(name, "trust")) {
		v->knobs |= SH_KNOB_BIT(SH_KNOB_TRUST);
		return on_off(key, value, &v->cfg.trust, err);
	}
	if (!strcmp(name, "link_state")) {
		if (!strcmp(value, "auto"))
			v->cfg.link_state = IFLA_VF_LINK_STATE_AUTO;
		else if (!strcmp(value, "enable"))
			v->cfg.link_state = IFLA_VF_LINK_STATE_ENABLE;
		else if (!strcmp(value, "disable"))
			v->cfg.link_state = IFLA_VF_LINK_STATE_DISABLE;
		else
			return bad(err, key, value, "\"auto\", \"enable\" or \"disable\"");
		v->knobs |= SH_KNOB_BIT(SH_KNOB_LINK_STATE);
		return 0;
	}
	if (!strcmp(name, "min_tx_rate")) {
		v->has_min_tx_rate = true;
		v->knobs |= SH_KNOB_BIT(SH_KNOB_RATE);
		return set_number(key, value, 0, 4294967295ul, &v->cfg.min_tx_rate, "a rate in Mbps", err);
	}
	if (!strcmp(name, "max_tx_rate")) {
		v->has_max_tx_rate = true;
		v->knobs |= SH_KNOB_BIT(SH_KNOB_RATE);
		return set_number(key, value, 0, 4294967295ul, &v->cfg.max_tx_rate, "a rate in Mbps", err);
	}
	if (!strcmp(name, "mtu"))
		return set_number(key, value, 68, 65535, &v->mtu, "an MTU", err);
	if (!strcmp(name, "ip"))
		return parse_ip_list(key, value, true, v->addrs, SH_MAX_ADDRS, &v->n_addrs, err);
	if (!strcmp(name, "gateway"))
		return parse_ip_list(key, value, false, v->gateways, SH_MAX_GATEWAYS, &v->n_gateways, err);
	return sh_err(err, EINVAL, "unknown annotation %s (known keys: io.sriov.[N.]{" KEYS_HELP "}, N = 1..%d)", key,
		      SH_MAX_VFS - 1);
}

/* "io.sriov.vlan" -> slot 0, "vlan"; "io.sriov.3.vlan" -> slot 3, "vlan". */
static int split_key(const char *key, unsigned *slot, const char **name, struct sh_error *err)
{
	const char *rest = key + strlen(SH_ANNOTATION_PREFIX);

	*slot = 0;
	*name = rest;
	if (isdigit((unsigned char)rest[0]) && rest[1] == '.') {
		*slot = (unsigned)(rest[0] - '0');
		*name = rest + 2;
		if (*slot == 0 || *slot >= SH_MAX_VFS)
			return sh_err(err, EINVAL, "annotation %s: VF slot %u is out of range (1-%d)", key, *slot,
				      SH_MAX_VFS - 1);
	}
	return 0;
}

static int check_combination(struct sh_vf_request *v, const char *p, struct sh_error *err)
{
	size_t i, j;

	if (!v->pf[0] && v->select != SH_VF_PCI)
		return sh_err(err, EINVAL, "annotation %spf is required unless %svf is a VF PCI address", p, p);
	if (v->has_qos && v->cfg.qos && !(v->has_vlan && v->cfg.vlan))
		return sh_err(err, EINVAL, "annotation %sqos needs %svlan greater than 0", p, p);
	if (v->has_vlan_proto && v->cfg.vlan_proto == ETH_P_8021AD && !(v->has_vlan && v->cfg.vlan))
		return sh_err(err, EINVAL, "annotation %svlan_proto 802.1ad needs %svlan greater than 0", p, p);
	if (v->has_min_tx_rate && v->has_max_tx_rate && v->cfg.max_tx_rate && v->cfg.min_tx_rate > v->cfg.max_tx_rate)
		return sh_err(err, EINVAL, "annotation %smin_tx_rate (%u) is greater than %smax_tx_rate (%u)", p,
			      v->cfg.min_tx_rate, p, v->cfg.max_tx_rate);
	if (v->has_vlan && !v->has_vlan_proto)
		v->cfg.vlan_proto = ETH_P_8021Q;
	for (i = 0; i < v->n_gateways; i++) {
		const struct sh_ip *gw = &v->gateways[i];
		bool reachable = false, linklocal = gw->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&gw->a.v6);
		char buf[64];

		for (j = 0; j < i; j++)
			if (v->gateways[j].family == gw->family)
				return sh_err(err, EINVAL, "annotation %sgateway: more than one IPv%d gateway", p,
					      gw->family == AF_INET ? 4 : 6);
		for (j = 0; j < v->n_addrs; j++)
			if (v->addrs[j].family == gw->family)
				reachable = reachable || linklocal || ip_in_subnet(gw, &v->addrs[j]);
		if (!reachable)
			return sh_err(err, EINVAL,
				      "annotation %sgateway: %s is not in the subnet of any IPv%d address of %sip", p,
				      sh_format_ip(gw, buf, sizeof(buf)), gw->family == AF_INET ? 4 : 6, p);
	}
	return 0;
}

int sh_request_from_annotations(const struct sh_annotations *a, struct sh_request *req, struct sh_error *err)
{
	struct slot slots[SH_MAX_VFS] = {0};
	struct sh_vf_request vfs[SH_MAX_VFS];
	unsigned s;
	size_t i;
	int r;

	memset(req, 0, sizeof(*req));
	memset(vfs, 0, sizeof(vfs));
	for (i = 0; i < a->n; i++) {
		const char *key = a->items[i].key, *name;

		if (strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)))
			continue;
		if ((r = split_key(key, &s, &name, err)) < 0)
			return r;
		slots[s].used = true;
		slots[s].has_vf = slots[s].has_vf || !strcmp(name, "vf");
		if ((r = set_field(&vfs[s], name, key, a->items[i].value, err)) < 0)
			return r;
	}
	for (s = 0; s < SH_MAX_VFS; s++) {
		char p[32];

		if (!slots[s].used)
			continue;
		if (s)
			snprintf(p, sizeof(p), "io.sriov.%u.", s);
		else
			snprintf(p, sizeof(p), "io.sriov.");
		if (!slots[s].has_vf)
			return sh_err(err, EINVAL,
				      "annotation %svf is required (a VF index, \"auto\" or a VF PCI address)", p);
		if ((r = check_combination(&vfs[s], p, err)) < 0)
			return r;
		req->vf[req->n++] = vfs[s];
	}
	return 0;
}

int sh_request_env_fallback(struct sh_annotations *a, char *const *env, size_t n_env, struct sh_error *err)
{
	size_t i;

	for (i = 0; i < n_env; i++) {
		const char *e = env[i], *eq = strchr(e, '=');
		char key[128];
		size_t k, len;

		if (strncmp(e, "SRIOV_", 6) || !eq || eq == e + 6)
			continue;
		len = snprintf(key, sizeof(key), "%s", SH_ANNOTATION_PREFIX);
		for (k = 6; e + k < eq && len < sizeof(key) - 1; k++) {
			char c = (char)tolower((unsigned char)e[k]);
			/* SRIOV_2_VF -> io.sriov.2.vf: the slot number is followed by a dot. */
			if (c == '_' && k == 7 && isdigit((unsigned char)e[6]))
				c = '.';
			key[len++] = c;
		}
		key[len] = '\0';
		if (sh_annotations_get(a, key))
			continue; /* annotations win */
		if (sh_annotations_add(a, key, eq + 1) < 0)
			return sh_err(err, ENOMEM, "out of memory");
	}
	return 0;
}
