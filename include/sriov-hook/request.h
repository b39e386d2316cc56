/* What a container asks for, validated: annotations (io.sriov.*) -> struct sh_request. Nothing
 * here touches the system. */
#ifndef SRIOV_HOOK_REQUEST_H
#define SRIOV_HOOK_REQUEST_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "sriov-hook/annotations.h"
#include "sriov-hook/error.h"

#define SH_ANNOTATION_PREFIX "io.sriov."
#define SH_MAX_VFS 8 /* io.sriov.<key> plus io.sriov.<N>.<key>, N = 1..7 */
#define SH_MAX_ADDRS 16
#define SH_MAX_GATEWAYS 2
#define SH_PCI_LEN 32

enum sh_vf_select { SH_VF_INDEX, SH_VF_AUTO, SH_VF_PCI };

struct sh_ip {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	unsigned prefix; /* CIDRs only */
};

/* The PF-side VF settings (ip link set PF vf N ...), in the order they are applied. */
enum sh_knob {
	SH_KNOB_MAC,
	SH_KNOB_VLAN, /* vlan, qos and vlan_proto travel together */
	SH_KNOB_SPOOFCHK,
	SH_KNOB_TRUST,
	SH_KNOB_LINK_STATE,
	SH_KNOB_RATE, /* min_tx_rate and max_tx_rate travel together */
	SH_KNOB_COUNT,
};
#define SH_KNOB_BIT(k) (1u << (k))

/* Values of the PF-side settings of one VF, as requested or as read back. */
struct sh_vf_cfg {
	uint8_t mac[6];
	unsigned vlan, qos;
	uint16_t vlan_proto; /* ETH_P_8021Q or ETH_P_8021AD, host order */
	unsigned spoofchk, trust;
	unsigned link_state; /* IFLA_VF_LINK_STATE_* */
	unsigned min_tx_rate, max_tx_rate;
};

struct sh_vf_request {
	char pf[SH_PCI_LEN > IFNAMSIZ ? SH_PCI_LEN : IFNAMSIZ]; /* name or PCI address; "" if absent */
	enum sh_vf_select select;
	unsigned vf_index;
	char vf_pci[SH_PCI_LEN];
	char ifname[IFNAMSIZ]; /* "" = eth0 if free in the container, else net1 */
	unsigned knobs;	       /* SH_KNOB_BIT()s requested */
	/* Within SH_KNOB_VLAN / SH_KNOB_RATE: which parts were given. */
	bool has_vlan, has_qos, has_vlan_proto, has_min_tx_rate, has_max_tx_rate;
	struct sh_vf_cfg cfg;
	unsigned mtu; /* 0 = unchanged */
	struct sh_ip addrs[SH_MAX_ADDRS];
	size_t n_addrs;
	struct sh_ip gateways[SH_MAX_GATEWAYS];
	size_t n_gateways;
};

struct sh_request {
	struct sh_vf_request vf[SH_MAX_VFS];
	size_t n;
};

/* Builds the request from annotations. Returns 0 with req->n == 0 when no io.sriov.* key is set. */
int sh_request_from_annotations(const struct sh_annotations *a, struct sh_request *req, struct sh_error *err);
/* Adds SRIOV_<KEY>=v entries of env as io.sriov.<key> annotations unless already set. */
int sh_request_env_fallback(struct sh_annotations *a, char *const *env, size_t n_env, struct sh_error *err);

int sh_parse_ip(const char *s, bool cidr, struct sh_ip *out);
int sh_parse_mac(const char *s, uint8_t mac[6]);
const char *sh_format_mac(const uint8_t mac[6], char buf[18]);
const char *sh_format_ip(const struct sh_ip *ip, char *buf, size_t len);
bool sh_ifname_valid(const char *name);
bool sh_pci_addr_valid(const char *s);

#endif
