/* The PF-side VF settings (what `ip link set PF vf N ...` changes) as one table: each row says how
 * the setting is named, which values it accepts, what it needs, how it is compared and shown, and
 * which netlink attribute (knob) carries it. Parsing, the request's checks, the desired state,
 * restore, records and help text all read this table; nothing here touches the system. */
#ifndef SRIOV_HOOK_VFSETTING_H
#define SRIOV_HOOK_VFSETTING_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/types.h"

/* A value of a setting that has a name: "on" is 1, "802.1ad" is ETH_P_8021AD. */
struct sh_vf_word {
	const char *word;
	unsigned value;
};

struct sh_vf_setting {
	const char *name;      /* io.sriov.<name>, and the key in records */
	enum sh_cfg_kind kind; /* SH_CFG_MAC or SH_CFG_UINT */
	size_t offset;	       /* of its value in struct sh_vf_cfg */
	enum sh_knob knob;     /* the netlink attribute that carries it, with the other settings of that knob */
	const char *iplink;    /* how ip-link(8) spells it: "state" for link_state, "proto" for vlan_proto */
	/* Accepted values of an SH_CFG_UINT: these words (NULL-terminated), else a number min..max, in
	 * messages "<what> (<min>-<max>)". An SH_CFG_MAC takes a unicast MAC. */
	const struct sh_vf_word *words;
	bool any_case; /* words in any case (802.1q) */
	unsigned long min, max;
	const char *what;
	/* The value the kernel reports when the PF says nothing, and the one a setting that needs
	 * another one may always have. */
	unsigned dflt;
	/* When a request changes this setting's knob without naming the setting: reset it to dflt
	 * (`ip link set PF vf N vlan 10` sets qos 0, proto 802.1Q), or keep the VF's current value
	 * (IFLA_VF_RATE carries min and max together, a request may name one). */
	bool reset;
	/* A value other than dflt needs this setting of the request to be greater than 0 (qos and
	 * 802.1ad need a VLAN id); with moot, the value is not compared while that one is 0 in the
	 * VF's current settings (a VF without a VLAN reports no meaningful protocol). */
	const char *needs;
	bool moot;
	/* Not above this setting when the request names both and that one is not 0 (0 = no limit). */
	const char *at_most;
	const char *note; /* help after the accepted values ("*0*: no limit"); *word* is typed as shown */
};

/* The fields of struct sh_vf_cfg, for code that stores or shows them one by one (claim records,
 * listings): each a MAC (uint8_t[6]) or an unsigned, at offset. */
struct sh_cfg_field {
	const char *name;
	enum sh_cfg_kind kind;
	size_t offset;
};
/* Every field, in the order of the struct; *n gets their count: the storage view of the table. */
const struct sh_cfg_field *sh_vf_cfg_fields(size_t *n);

/* Every setting, in the order of struct sh_vf_cfg; *n gets their count (at most 32: bitmasks). */
const struct sh_vf_setting *sh_vf_settings(size_t *n);
/* The setting called name, or NULL; *index (if not NULL) gets its row. */
const struct sh_vf_setting *sh_vf_setting_find(const char *name, size_t *index);

/* The setting's value in cfg (SH_CFG_UINT only). */
unsigned sh_vf_setting_get(const struct sh_vf_setting *s, const struct sh_vf_cfg *cfg);
void sh_vf_setting_set(const struct sh_vf_setting *s, struct sh_vf_cfg *cfg, unsigned value);
/* Copies the setting's value (either kind) from one cfg to another. */
void sh_vf_setting_copy(const struct sh_vf_setting *s, struct sh_vf_cfg *to, const struct sh_vf_cfg *from);
/* Parses value into the setting's field of cfg: -EINVAL when it is not an accepted value. */
int sh_vf_setting_parse(const struct sh_vf_setting *s, const char *value, struct sh_vf_cfg *cfg);
/* What it accepts, for messages: "a VLAN id (0-4095)", "\"on\" or \"off\"". */
const char *sh_vf_setting_accepted(const struct sh_vf_setting *s, char *buf, size_t len);
/* Its help: accepted values, default, what it needs, note; *word* marks what is typed as shown. */
const char *sh_vf_setting_help(const struct sh_vf_setting *s, char *buf, size_t len);
/* Its value in cfg as a user spells it: "802.1ad", "on", "10", "02:00:00:00:00:01". */
const char *sh_vf_setting_format(const struct sh_vf_setting *s, const struct sh_vf_cfg *cfg, char *buf, size_t len);

/* Sets every field to the value a PF reports when it says nothing of it. */
void sh_vf_cfg_defaults(struct sh_vf_cfg *cfg);
/* The first setting whose value in cfg is above the setting its row says it is at most (a limit of
 * 0 is none), *limit that one; NULL when every at_most rule holds. */
const struct sh_vf_setting *sh_vf_cfg_over_limit(const struct sh_vf_cfg *cfg, const struct sh_vf_setting **limit);
/* Whether the knob's settings are the same in cur (the VF's, read back) and want. */
bool sh_vf_knob_equal(enum sh_knob knob, const struct sh_vf_cfg *cur, const struct sh_vf_cfg *want);
/* The knob's values as `ip link set PF vf N ...` spells them ("vlan 10 qos 3 proto 802.1Q"). */
const char *sh_vf_knob_describe(enum sh_knob knob, const struct sh_vf_cfg *cfg, char *buf, size_t len);

#endif
