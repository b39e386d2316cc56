/* Value types shared by every layer: IP addresses, MACs, PCI addresses, interface names and the
 * PF-side settings of a VF, with their parsers and formatters. Nothing here reads input or touches
 * the system, so netlink, sysfs and the claim store use them without the annotation parser. */
#ifndef SRIOV_HOOK_TYPES_H
#define SRIOV_HOOK_TYPES_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sh_error;

#define SH_PCI_LEN 32
/* Container ids are at most this long (runc, podman and docker use 64). */
#define SH_ID_MAX 200
/* A container name longer than this, or with control characters, is not used. */
#define SH_NAME_MAX 255

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

/* How a container gets its VF: as a kernel netdev moved into its network namespace, or bound to
 * vfio-pci for a user-space driver (DPDK), its device nodes given to the container. */
enum sh_vf_mode { SH_MODE_NETDEV, SH_MODE_VFIO };
#define SH_VFIO_DRIVER "vfio-pci"
/* "netdev", "vfio". */
const char *sh_vf_mode_name(enum sh_vf_mode mode);
/* The mode called name; false when name is none. */
bool sh_vf_mode_from_name(const char *name, enum sh_vf_mode *mode);

/* link_state's values: the kernel's IFLA_VF_LINK_STATE_* (linux/if_link.h, checked in vfsetting.c),
 * named for code that does not include netlink headers (doctor, listings). */
enum sh_vf_link_state { SH_VF_LINK_AUTO = 0, SH_VF_LINK_ENABLE = 1, SH_VF_LINK_DISABLE = 2 };
/* How release makes a netdev VF clean for the next holder: undo what the holder changed, kind by
 * kind, or unbind it from its driver and probe it again (a fresh netdev). SH_RELEASE_UNSET: a
 * pool that leaves it to the configuration's global choice. */
enum sh_release_mode { SH_RELEASE_UNSET, SH_RELEASE_RESTORE, SH_RELEASE_REBIND };
/* "restore", "rebind" ("" for unset). */
const char *sh_release_mode_name(enum sh_release_mode mode);
bool sh_release_mode_from_name(const char *name, enum sh_release_mode *mode);

/* Values of the PF-side settings of one VF, as requested or as read back. */
struct sh_vf_cfg {
	uint8_t mac[6];
	unsigned vlan, qos;
	unsigned vlan_proto; /* ETH_P_8021Q or ETH_P_8021AD, host order */
	unsigned spoofchk, trust;
	unsigned link_state; /* enum sh_vf_link_state */
	unsigned min_tx_rate, max_tx_rate;
};

/* How a field of struct sh_vf_cfg is stored: a MAC (uint8_t[6]) or an unsigned (vfsetting.h). */
enum sh_cfg_kind { SH_CFG_MAC, SH_CFG_UINT };

/* A decimal number of at most 10 digits, no sign or space: -EINVAL, or -ERANGE above max. */
int sh_parse_uint(const char *s, unsigned long max, unsigned long *out);
int sh_parse_ip(const char *s, bool cidr, struct sh_ip *out);
int sh_parse_mac(const char *s, uint8_t mac[6]);
/* Neither zero nor a group (multicast or broadcast) address: one a single VF may own. */
bool sh_mac_is_unicast(const uint8_t mac[6]);
const char *sh_format_mac(const uint8_t mac[6], char buf[18]);
const char *sh_format_ip(const struct sh_ip *ip, char *buf, size_t len);
bool sh_ifname_valid(const char *name);
/* A container id must be safe as a file name: [A-Za-z0-9_.+-], 1 to SH_ID_MAX characters, no
 * leading dot. The message names the id and what is wrong with it. */
int sh_container_id_validate(const char *id, struct sh_error *err);
#define SH_POOL_NAME_MAX 63 /* a pool's name is a CDI device name too */
/* Whether name may name a pool: as a CDI device name, at most SH_POOL_NAME_MAX characters. */
bool sh_pool_name_valid(const char *name);
/* Whether s holds no control character, so that it cannot spoil a log line or a listing's row. */
bool sh_text_printable(const char *s);
/* How many bytes at s would act on a terminal or reorder the text rather than show: a C0 control or
 * DEL (1), a C1 control in UTF-8 (2, CSI U+009B among them), a bidirectional embedding, override or
 * isolate (3); 0 for anything else. */
size_t sh_text_unsafe_len(const char *s);
/* s with each such byte written as \xNN, cut to fit out (len); returns out. */
const char *sh_text_escape(const char *s, char *out, size_t len);
bool sh_pci_addr_valid(const char *s);
/* A valid PCI address into out in lower case, as sysfs spells it: -EINVAL when not valid. */
int sh_parse_pci_addr(const char *s, char out[SH_PCI_LEN]);
/* Whether ip lies in the subnet of cidr (same family, first cidr->prefix bits equal). */
bool sh_ip_in_subnet(const struct sh_ip *ip, const struct sh_ip *cidr);

#endif
