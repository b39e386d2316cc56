/* The claim record's format: one table of fields drives writing and reading. Reading is tolerant
 * (unknown keys ignored, optional keys defaulted, no "version" = version 1) so that an upgrade
 * never strands a VF whose record an earlier release wrote; what restore cannot do without is
 * required, and every value is checked before the store builds a path or a netlink request from it.
 * PF-side settings are kept by their names in the settings table, never by an enum's ordinal, so a
 * setting added to the table does not change what an old record means. */
#include "sriov-hook/store/record.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/jsongen.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/sys/netns.h"

enum kind {
	K_STR,	    /* char[size] */
	K_INT,	    /* int, within [min, max] */
	K_UINT,	    /* unsigned, within [min, max] */
	K_U64,	    /* uint64_t / unsigned long long */
	K_LL,	    /* long long, within [min, max] */
	K_BOOL,	    /* bool */
	K_MAC,	    /* uint8_t[6], "xx:xx:xx:xx:xx:xx" */
	K_PHASE,    /* enum sh_record_phase, by name */
	K_MODE,	    /* enum sh_vf_mode, by name */
	K_ALTNAMES, /* host_altnames[], n_host_altnames, altnames_known */
	K_CFG,	    /* struct sh_vf_cfg, an object of sh_vf_cfg_fields() */
	K_KNOBS,    /* unsigned, SH_KNOB_BIT()s: the names of the settings they carry */
	K_SHARERS,  /* sharers[], n_sharers: [{"id", "pid", "pid_start"}] */
	K_NETSTATE, /* struct sh_netdev_state, an object; absent when not known */
	K_RELEASE,  /* enum sh_release_mode, by name; absent when unset */
};

/* What a string must be; C_ZERO_UNWRITTEN: a number added to version 3 after its first release,
 * written only when known (not zero), so that a claim made without it reads and writes as before. */
enum check { C_ANY, C_ID, C_NAME, C_IFNAME, C_IFNAME_OPT, C_PCI, C_PCI_OPT, C_ZERO_UNWRITTEN };

struct field {
	const char *key;
	enum kind kind;
	size_t off, size;
	bool required; /* restore cannot do without it: a record without it is refused */
	enum check check;
	long long min, max, def;
};

#define AT(member) offsetof(struct sh_record, member), sizeof(((struct sh_record *)0)->member)
#define STR(key, member, req, chk)                                                                                     \
	{                                                                                                              \
		key, K_STR, AT(member), req, chk, 0, 0, 0                                                              \
	}
#define NUM(key, kind, member, req, lo, hi, d)                                                                         \
	{                                                                                                              \
		key, kind, AT(member), req, C_ANY, lo, hi, d                                                           \
	}
#define OTHER(key, kind, member, req)                                                                                  \
	{                                                                                                              \
		key, kind, AT(member), req, C_ANY, 0, 0, 0                                                             \
	}

/* In the order written. */
static const struct field fields[] = {
	STR("id", id, true, C_ID),
	STR("name", name, false, C_NAME),
	OTHER("phase", K_PHASE, phase, true),
	NUM("slot", K_INT, slot, false, -1, 63, -1),
	STR("device", device, false, C_NAME),
	NUM("since", K_LL, since, false, 0, LLONG_MAX, 0),
	STR("bundle", bundle, false, C_NAME),
	NUM("pid", K_INT, pid, false, 0, INT_MAX, 0),
	OTHER("pid_start", K_U64, pid_start, false),
	OTHER("netns_dev", K_U64, netns_dev, false),
	OTHER("netns_ino", K_U64, netns_ino, false),
	{"pidns_dev", K_U64, AT(pidns_dev), false, C_ZERO_UNWRITTEN, 0, 0, 0},
	{"pidns_ino", K_U64, AT(pidns_ino), false, C_ZERO_UNWRITTEN, 0, 0, 0},
	STR("pin", pin, false, C_ANY),
	STR("pf_name", pf_name, true, C_IFNAME),
	STR("pf_pci", pf_pci, false, C_PCI_OPT),
	NUM("pf_ifindex", K_INT, pf_ifindex, true, 1, INT_MAX, 0),
	NUM("vf_index", K_UINT, vf_index, true, 0, 65535, 0),
	STR("vf_pci", vf_pci, true, C_PCI),
	OTHER("mode", K_MODE, mode, false),
	OTHER("release", K_RELEASE, release, false),
	STR("driver", driver, false, C_NAME),
	NUM("iommu_group", K_INT, iommu_group, false, -1, INT_MAX, -1),
	STR("group_of", group_of, false, C_PCI_OPT),
	/* required for a netdev VF (checked after the table): a vfio VF bound ahead has none */
	STR("host_name", host_name, false, C_IFNAME_OPT),
	NUM("host_ifindex", K_INT, host_ifindex, false, 0, INT_MAX, 0),
	OTHER("host_mac", K_MAC, host_mac, false),
	NUM("host_mtu", K_UINT, host_mtu, false, 0, UINT_MAX, 0),
	OTHER("host_up", K_BOOL, host_up, false),
	OTHER("host_altnames", K_ALTNAMES, host_altnames, false),
	OTHER("host_state", K_NETSTATE, host_state, false),
	STR("cont_name", cont_name, false, C_IFNAME_OPT),
	NUM("cont_ifindex", K_INT, cont_ifindex, false, 0, INT_MAX, 0),
	NUM("cont_mtu", K_UINT, cont_mtu, false, 0, UINT_MAX, 0),
	STR("cont_ip", cont_ip, false, C_NAME),
	STR("cont_gateway", cont_gateway, false, C_NAME),
	NUM("lost_since", K_LL, lost_since, false, 0, LLONG_MAX, 0),
	OTHER("knobs", K_KNOBS, knobs, false),
	OTHER("orig", K_CFG, orig, false),
	OTHER("applied", K_CFG, applied, false),
	OTHER("sharers", K_SHARERS, sharers, false),
	OTHER("holder_left", K_BOOL, holder_left, false),
};

static const char *const phase_names[] = {
	[SH_PHASE_ATTACHING] = "attaching",
	[SH_PHASE_ATTACHED] = "attached",
	[SH_PHASE_RETURNING] = "returning",
};

const char *sh_record_phase_name(enum sh_record_phase phase)
{
	return (size_t)phase < SH_ARRAY_SIZE(phase_names) ? phase_names[phase] : "?";
}

/* ---- writing ---------------------------------------------------------------------------------- */

/* Every setting of the knobs in mask, by name ("vlan", "qos", "vlan_proto" for the VLAN knob). */
static void gen_knobs(struct sh_jgen *j, unsigned mask)
{
	const struct sh_vf_setting *s;
	size_t i, n;

	sh_jgen_array_open(j);
	for (s = sh_vf_settings(&n), i = 0; i < n; i++)
		if (mask & SH_KNOB_BIT(s[i].knob))
			sh_jgen_str(j, s[i].name);
	sh_jgen_array_close(j);
}

/* The fields sriovctl heal added, and group_of, are written only when set: a record without them
 * reads the same to every release. */
static bool unset_and_optional(const struct field *f, const char *p)
{
	static const char *const optional[] = {"cont_mtu", "cont_ip", "cont_gateway", "lost_since", "group_of"};
	size_t i, k;

	for (k = 0; k < SH_ARRAY_SIZE(optional) && strcmp(optional[k], f->key); k++)
		;
	for (i = 0; k < SH_ARRAY_SIZE(optional) && i < f->size && !p[i]; i++)
		;
	return k < SH_ARRAY_SIZE(optional) && (i == f->size || (f->kind == K_STR && !p[0]));
}

/* The scalar members of struct sh_netdev_state, by the names the record keeps them under. */
static const struct {
	const char *key;
	size_t off;
	bool is_bool;
	long long min, max;
} netstate_fields[] = {
#define NS(key, member, lo, hi)                                                                                        \
	{                                                                                                              \
		key, offsetof(struct sh_netdev_state, member), false, lo, hi                                           \
	}
	NS("flags", flags, 0, SH_RESIDUE_FLAGS),
	NS("txqlen", txqlen, 0, UINT_MAX),
	NS("group", group, 0, UINT_MAX),
	NS("addrgenmode", addrgenmode, -1, 255),
	NS("xdp_prog", xdp_prog, 0, UINT_MAX),
	NS("xdp_mode", xdp_mode, 0, 255),
#undef NS
	{"tc_root", offsetof(struct sh_netdev_state, tc_root), true, 0, 1},
	{"tc_ingress", offsetof(struct sh_netdev_state, tc_ingress), true, 0, 1},
};

static void gen_words(struct sh_jgen *j, const uint32_t *w, size_t n)
{
	size_t i;

	sh_jgen_array_open(j);
	for (i = 0; i < n; i++)
		sh_jgen_int(j, w[i]);
	sh_jgen_array_close(j);
}

void sh_netdev_state_gen_json(struct sh_jgen *j, const struct sh_netdev_state *st)
{
	struct sh_ethtool_state eth = st->eth;
	const uint32_t *w;
	size_t i, n;
	int p;

	sh_jgen_map_open(j);
	for (i = 0; i < SH_ARRAY_SIZE(netstate_fields); i++) {
		const char *m = (const char *)st + netstate_fields[i].off;

		sh_jgen_str(j, netstate_fields[i].key);
		if (netstate_fields[i].is_bool)
			sh_jgen_bool(j, *(const bool *)m);
		else if (netstate_fields[i].min < 0)
			sh_jgen_int(j, *(const int *)m);
		else
			sh_jgen_int(j, *(const unsigned *)m);
	}
	sh_jgen_kv_str(j, "alias", st->alias);
	if (memcmp(st->perm_addr, (const uint8_t[6]){0}, sizeof(st->perm_addr))) {
		char mac[18];

		sh_jgen_kv_str(j, "perm_addr", sh_format_mac(st->perm_addr, mac));
	}
	/* each ethtool part the driver reported, as the words of its ioctl */
	sh_jgen_str(j, "ethtool");
	sh_jgen_map_open(j);
	for (p = 0; p < SH_ETH_PART_COUNT; p++) {
		if (!(eth.have & (1u << p)))
			continue;
		w = sh_ethtool_part_words(&eth, p, &n);
		sh_jgen_str(j, sh_ethtool_part_name(p));
		gen_words(j, w, n);
		if (p == SH_ETH_FEATURES) {
			sh_jgen_str(j, "changeable");
			gen_words(j, eth.changeable, SH_ARRAY_SIZE(eth.changeable));
		}
	}
	sh_jgen_map_close(j);
	sh_jgen_map_close(j);
}

static void gen_field(struct sh_jgen *j, const struct field *f, const struct sh_record *r)
{
	const char *p = (const char *)r + f->off;
	char mac[18];
	size_t i;

	if (unset_and_optional(f, p))
		return;

	if (f->kind == K_ALTNAMES && !r->altnames_known)
		return; /* unknown stays unknown: an empty list would drop every altname on return */
	/* A VF held by one container reads as before sharers existed. */
	if ((f->kind == K_SHARERS && !r->n_sharers) ||
	    (f->off == offsetof(struct sh_record, holder_left) && !r->holder_left))
		return;
	if (f->kind == K_NETSTATE && !r->host_state.known)
		return;
	if (f->kind == K_RELEASE && r->release == SH_RELEASE_UNSET)
		return;
	if (f->check == C_ZERO_UNWRITTEN && !*(const unsigned long long *)p)
		return;
	sh_jgen_str(j, f->key);
	switch (f->kind) {
	case K_STR:
		sh_jgen_str(j, p);
		break;
	case K_INT:
		sh_jgen_int(j, *(const int *)p);
		break;
	case K_UINT:
		sh_jgen_int(j, *(const unsigned *)p);
		break;
	case K_U64:
		sh_jgen_u64(j, *(const unsigned long long *)p);
		break;
	case K_LL:
		sh_jgen_int(j, *(const long long *)p);
		break;
	case K_BOOL:
		sh_jgen_bool(j, *(const bool *)p);
		break;
	case K_MAC:
		sh_jgen_str(j, sh_format_mac((const uint8_t *)p, mac));
		break;
	case K_PHASE:
		sh_jgen_str(j, sh_record_phase_name(r->phase));
		break;
	case K_MODE:
		sh_jgen_str(j, sh_vf_mode_name(r->mode));
		break;
	case K_ALTNAMES:
		sh_jgen_array_open(j);
		for (i = 0; i < r->n_host_altnames; i++)
			sh_jgen_str(j, r->host_altnames[i]);
		sh_jgen_array_close(j);
		break;
	case K_CFG:
		sh_vf_cfg_gen_json(j, (const struct sh_vf_cfg *)p);
		break;
	case K_KNOBS:
		gen_knobs(j, *(const unsigned *)p);
		break;
	case K_SHARERS:
		sh_jgen_array_open(j);
		for (i = 0; i < r->n_sharers; i++) {
			sh_jgen_map_open(j);
			sh_jgen_kv_str(j, "id", r->sharers[i].id);
			sh_jgen_kv_int(j, "pid", r->sharers[i].pid);
			sh_jgen_str(j, "pid_start");
			sh_jgen_u64(j, r->sharers[i].pid_start);
			sh_jgen_map_close(j);
		}
		sh_jgen_array_close(j);
		break;
	case K_NETSTATE:
		sh_netdev_state_gen_json(j, &r->host_state);
		break;
	case K_RELEASE:
		sh_jgen_str(j, sh_release_mode_name(r->release));
		break;
	}
}

int sh_record_format(const struct sh_record *r, char **out)
{
	_Static_assert(sizeof(unsigned long long) == sizeof(uint64_t), "K_U64 stores uint64_t");
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_record back;
	struct sh_error ignored;
	size_t i;
	int ret;

	sh_jgen_start(&j, "    ");
	sh_jgen_map_open(&j);
	sh_jgen_kv_int(&j, "version", SH_RECORD_VERSION);
	for (i = 0; i < SH_ARRAY_SIZE(fields); i++)
		gen_field(&j, &fields[i], r);
	sh_jgen_map_close(&j);
	if ((ret = sh_jgen_finish(&j, "claim record", out, NULL, &ignored)) < 0)
		return ret;
	/* Never write what the reader would refuse: the VF would be stranded. */
	if (sh_record_parse(*out, &back, &ignored) < 0) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

/* ---- reading ---------------------------------------------------------------------------------- */

static bool string_ok(enum check check, const char *s)
{
	struct sh_error ignored;

	switch (check) {
	case C_ANY:
	case C_ZERO_UNWRITTEN:
		return true;
	case C_ID:
		return sh_container_id_validate(s, &ignored) == 0;
	case C_NAME:
		/* Shown by listings, one per line: no C0 control. Only that: a name an earlier release
		 * wrote with a C1 control or a bidi override must not strand its VF (listings and logs
		 * escape those). */
		for (; *s; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				return false;
		return true;
	case C_IFNAME_OPT:
		return !*s || sh_ifname_valid(s);
	case C_IFNAME:
		return sh_ifname_valid(s);
	case C_PCI_OPT:
		return !*s || sh_pci_addr_valid(s);
	case C_PCI:
		return sh_pci_addr_valid(s);
	}
	return false;
}

/* A JSON number as an unsigned 64-bit value: version 1 wrote them as signed 64-bit integers (so
 * large values came out negative), this version writes them unsigned. */
static int get_u64(yajl_val v, unsigned long long *out)
{
	const char *s;
	char *end;

	if (YAJL_IS_INTEGER(v)) {
		*out = (unsigned long long)YAJL_GET_INTEGER(v);
		return 0;
	}
	if (!YAJL_IS_NUMBER(v) || !(s = YAJL_GET_NUMBER(v)) || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int get_ranged(yajl_val v, const struct field *f, long long *out)
{
	if (!YAJL_IS_INTEGER(v))
		return -EINVAL;
	*out = YAJL_GET_INTEGER(v);
	return *out < f->min || *out > f->max ? -EINVAL : 0;
}

int sh_vf_cfg_parse_json(yajl_val v, struct sh_vf_cfg *cfg)
{
	const struct sh_cfg_field *cf;
	size_t i, n;

	if (!YAJL_IS_OBJECT(v))
		return -EINVAL;
	cf = sh_vf_cfg_fields(&n);
	for (i = 0; i < n; i++) {
		yajl_val x = sh_json_get(v, cf[i].name);
		char *p = (char *)cfg + cf[i].offset;

		if (!x)
			continue; /* a setting this record predates: it was not changed */
		if (cf[i].kind == SH_CFG_MAC) {
			if (!YAJL_IS_STRING(x) || !x->u.string || sh_parse_mac(x->u.string, (uint8_t *)p) < 0)
				return -EINVAL;
		} else {
			if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < 0 || YAJL_GET_INTEGER(x) > UINT_MAX)
				return -EINVAL;
			*(unsigned *)p = (unsigned)YAJL_GET_INTEGER(x);
		}
	}
	return 0;
}

/* Versions 1 and 2 wrote the knobs as a bitmask of enum sh_knob as it then was. Its bits, each
 * named by a setting the knob carries, so that reordering or growing the enum cannot change them. */
static const char *const v2_knob_bits[] = {"mac", "vlan", "spoofchk", "trust", "link_state", "max_tx_rate"};

/* Version 3's array of setting names, or the bitmask of versions 1 and 2. */
static int parse_knobs(yajl_val v, unsigned *knobs)
{
	const struct sh_vf_setting *s;
	long long mask;
	size_t i;

	*knobs = 0;
	if (YAJL_IS_INTEGER(v)) {
		mask = YAJL_GET_INTEGER(v);
		if (mask < 0 || mask >= 1LL << SH_ARRAY_SIZE(v2_knob_bits))
			return -EINVAL;
		for (i = 0; i < SH_ARRAY_SIZE(v2_knob_bits); i++) {
			if (!(mask & (1LL << i)))
				continue;
			if (!(s = sh_vf_setting_find(v2_knob_bits[i], NULL)))
				return -EINVAL; /* a renamed setting: test_record's v2 tests say which */
			*knobs |= SH_KNOB_BIT(s->knob);
		}
		return 0;
	}
	if (!YAJL_IS_ARRAY(v))
		return -EINVAL;
	for (i = 0; i < v->u.array.len; i++) {
		yajl_val x = v->u.array.values[i];

		/* A name this release does not know is a setting it cannot put back: refused rather than
		 * left as the container had it. */
		if (!YAJL_IS_STRING(x) || !(s = sh_vf_setting_find(x->u.string, NULL)))
			return -EINVAL;
		*knobs |= SH_KNOB_BIT(s->knob);
	}
	return 0;
}

static int parse_altnames(yajl_val v, struct sh_record *r)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len > SH_ARRAY_SIZE(r->host_altnames))
		return -EINVAL;
	for (i = 0; i < v->u.array.len; i++) {
		yajl_val x = v->u.array.values[i];
		const char *s = YAJL_IS_STRING(x) ? x->u.string : NULL;

		if (!s || !*s || strlen(s) >= sizeof(r->host_altnames[0]))
			return -EINVAL;
		snprintf(r->host_altnames[i], sizeof(r->host_altnames[0]), "%s", s);
	}
	r->n_host_altnames = i;
	r->altnames_known = true;
	return 0;
}

static int parse_sharers(yajl_val v, struct sh_record *r)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len > SH_ARRAY_SIZE(r->sharers))
		return -EINVAL;
	for (i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i], pid = sh_json_get(e, "pid"), start = sh_json_get(e, "pid_start");
		struct sh_sharer *s = &r->sharers[i];
		const char *id;

		if (sh_json_get_string(e, "id", &id) < 0 || !string_ok(C_ID, id) || strlen(id) >= sizeof(s->id) ||
		    !pid || !YAJL_IS_INTEGER(pid) || YAJL_GET_INTEGER(pid) < 0 || YAJL_GET_INTEGER(pid) > INT_MAX ||
		    !start || get_u64(start, &s->pid_start) < 0)
			return -EINVAL;
		snprintf(s->id, sizeof(s->id), "%s", id);
		s->pid = (int)YAJL_GET_INTEGER(pid);
	}
	r->n_sharers = i;
	return 0;
}

static int parse_words(yajl_val v, uint32_t *w, size_t n)
{
	size_t i;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len != n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		yajl_val x = v->u.array.values[i];

		if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < 0 || YAJL_GET_INTEGER(x) > UINT32_MAX)
			return -EINVAL;
		w[i] = (uint32_t)YAJL_GET_INTEGER(x);
	}
	return 0;
}

/* Tolerant as the record is: a key this release does not know is ignored, one it lacks is left
 * as read (0), an ethtool part it lacks is not compared. */
int sh_netdev_state_parse_json(yajl_val v, struct sh_netdev_state *st)
{
	yajl_val x, eth;
	uint32_t *w;
	size_t i, n;
	int p;

	if (!YAJL_IS_OBJECT(v))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->addrgenmode = -1;
	for (i = 0; i < SH_ARRAY_SIZE(netstate_fields); i++) {
		char *m = (char *)st + netstate_fields[i].off;

		if (!(x = sh_json_get(v, netstate_fields[i].key)))
			continue;
		if (netstate_fields[i].is_bool) {
			if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
				return -EINVAL;
			*(bool *)m = YAJL_IS_TRUE(x);
		} else if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < netstate_fields[i].min ||
			   YAJL_GET_INTEGER(x) > netstate_fields[i].max) {
			return -EINVAL;
		} else if (netstate_fields[i].min < 0) {
			*(int *)m = (int)YAJL_GET_INTEGER(x);
		} else {
			*(unsigned *)m = (unsigned)YAJL_GET_INTEGER(x);
		}
	}
	if ((x = sh_json_get(v, "alias"))) {
		if (!YAJL_IS_STRING(x) || strlen(x->u.string) >= sizeof(st->alias))
			return -EINVAL;
		snprintf(st->alias, sizeof(st->alias), "%s", x->u.string);
	}
	if ((x = sh_json_get(v, "perm_addr")) && (!YAJL_IS_STRING(x) || sh_parse_mac(x->u.string, st->perm_addr) < 0))
		return -EINVAL;
	if ((eth = sh_json_get(v, "ethtool"))) {
		if (!YAJL_IS_OBJECT(eth))
			return -EINVAL;
		for (p = 0; p < SH_ETH_PART_COUNT; p++) {
			if (!(x = sh_json_get(eth, sh_ethtool_part_name(p))))
				continue;
			w = sh_ethtool_part_words(&st->eth, p, &n);
			if (parse_words(x, w, n) < 0)
				return -EINVAL;
			if (p == SH_ETH_FEATURES && parse_words(sh_json_get(eth, "changeable"), st->eth.changeable,
								SH_ARRAY_SIZE(st->eth.changeable)) < 0)
				return -EINVAL;
			st->eth.have |= 1u << p;
		}
	}
	st->known = true;
	return 0;
}

static int parse_phase(yajl_val v, enum sh_record_phase *phase)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < SH_ARRAY_SIZE(phase_names); i++) {
		if (!strcmp(s, phase_names[i])) {
			*phase = (enum sh_record_phase)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_field(yajl_val v, const struct field *f, struct sh_record *r)
{
	const char *s = YAJL_IS_STRING(v) ? v->u.string : NULL;
	char *p = (char *)r + f->off;
	unsigned long long u;
	long long n;

	switch (f->kind) {
	case K_STR:
		if (!s || strlen(s) >= f->size || !string_ok(f->check, s))
			return -EINVAL;
		memcpy(p, s, strlen(s) + 1);
		return 0;
	case K_INT:
		if (get_ranged(v, f, &n) < 0)
			return -EINVAL;
		*(int *)p = (int)n;
		return 0;
	case K_UINT:
		if (get_ranged(v, f, &n) < 0)
			return -EINVAL;
		*(unsigned *)p = (unsigned)n;
		return 0;
	case K_LL:
		return get_ranged(v, f, (long long *)p);
	case K_U64:
		if (get_u64(v, &u) < 0)
			return -EINVAL;
		*(unsigned long long *)p = u;
		return 0;
	case K_BOOL:
		if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
			return -EINVAL;
		*(bool *)p = YAJL_IS_TRUE(v);
		return 0;
	case K_MAC:
		return s ? sh_parse_mac(s, (uint8_t *)p) : -EINVAL;
	case K_PHASE:
		return parse_phase(v, &r->phase);
	case K_MODE:
		return s && sh_vf_mode_from_name(s, &r->mode) ? 0 : -EINVAL;
	case K_ALTNAMES:
		return parse_altnames(v, r);
	case K_CFG:
		return sh_vf_cfg_parse_json(v, (struct sh_vf_cfg *)p);
	case K_KNOBS:
		return parse_knobs(v, (unsigned *)p);
	case K_SHARERS:
		return parse_sharers(v, r);
	case K_NETSTATE:
		return sh_netdev_state_parse_json(v, (struct sh_netdev_state *)p);
	case K_RELEASE:
		return s && sh_release_mode_from_name(s, &r->release) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static int record_from_tree(yajl_val t, struct sh_record *r, struct sh_error *err)
{
	yajl_val version = sh_json_get(t, "version");
	size_t i;

	if (version && (!YAJL_IS_INTEGER(version) || YAJL_GET_INTEGER(version) < 1))
		return sh_err(err, EINVAL, "claim record: \"version\" is not a version number");
	if (version && YAJL_GET_INTEGER(version) > SH_RECORD_VERSION)
		return sh_err(err, EPROTONOSUPPORT,
			      "claim record: version %lld is newer than this sriov-hook reads (%d)",
			      YAJL_GET_INTEGER(version), SH_RECORD_VERSION);
	for (i = 0; i < SH_ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];
		yajl_val v = sh_json_get(t, f->key);

		if (!v && f->required)
			return sh_err(err, EINVAL, "claim record: \"%s\" is missing", f->key);
		if (!v && f->kind == K_INT)
			*(int *)((char *)r + f->off) = (int)f->def;
		if (v && parse_field(v, f, r) < 0)
			return sh_err(err, EINVAL, "claim record: \"%s\" is not valid", f->key);
	}
	if (r->mode == SH_MODE_NETDEV && !r->host_name[0])
		return sh_err(err, EINVAL, "claim record: \"host_name\" is missing");
	return 0;
}

int sh_record_parse(const char *json, struct sh_record *r, struct sh_error *err)
{
	yajl_val t;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = sh_json_parse(json, "claim record", &t, err)) < 0)
		return ret;
	ret = record_from_tree(t, r, err);
	yajl_tree_free(t);
	return ret;
}

/* ---- what a record says of its holder --------------------------------------------------------- */

bool sh_record_pid_readable(const struct sh_record *r)
{
	uint64_t dev, ino;

	if (sh_pidns_of_proc(&dev, &ino) < 0)
		return false;
	if (!r->pidns_ino)
		return ino == SH_PIDNS_INIT_INO; /* an older record: made in the host's */
	return dev == r->pidns_dev && ino == r->pidns_ino;
}

/* Whether the container of pid (started at start) is gone; never when this process cannot read
 * the record's pids. */
static bool pid_gone(const struct sh_record *r, int pid, unsigned long long start)
{
	return pid > 0 && sh_record_pid_readable(r) && sh_proc_start_time(pid) != start;
}

bool sh_record_holder_gone(const struct sh_record *r)
{
	size_t i;

	if (!r->holder_left && !pid_gone(r, r->pid, r->pid_start))
		return false;
	for (i = 0; i < r->n_sharers; i++)
		if (!pid_gone(r, r->sharers[i].pid, r->sharers[i].pid_start))
			return false;
	return true;
}

int sh_record_sharer(const struct sh_record *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_sharers; i++)
		if (!strcmp(r->sharers[i].id, id))
			return (int)i;
	return -1;
}

int sh_record_add_sharer(struct sh_record *r, const struct sh_holder *h)
{
	struct sh_sharer *s;
	int i = sh_record_sharer(r, h->id);

	if (i < 0 && r->n_sharers == SH_ARRAY_SIZE(r->sharers))
		return -ENOSPC;
	s = i < 0 ? &r->sharers[r->n_sharers++] : &r->sharers[i];
	snprintf(s->id, sizeof(s->id), "%s", h->id);
	s->pid = h->pid;
	s->pid_start = h->pid_start;
	return 0;
}

bool sh_record_remove_sharer(struct sh_record *r, const char *id)
{
	int i = sh_record_sharer(r, id);

	if (i < 0)
		return false;
	memmove(&r->sharers[i], &r->sharers[i + 1], (r->n_sharers - (size_t)i - 1) * sizeof(r->sharers[0]));
	r->n_sharers--;
	return true;
}

bool sh_record_is_stale(const struct sh_record *r)
{
	/* We hold the lock: a record still "attaching" belongs to a hook that died mid-way. */
	return r->phase != SH_PHASE_ATTACHED || sh_record_holder_gone(r);
}

bool sh_record_held_by(const struct sh_record *r, const struct sh_holder *h)
{
	return !strcmp(r->id, h->id) && r->pid == h->pid && r->pid_start == h->pid_start &&
	       r->netns_dev == h->netns_dev && r->netns_ino == h->netns_ino;
}

enum sh_claim_state sh_record_state(const struct sh_record *r)
{
	if (r->phase == SH_PHASE_RETURNING)
		return SH_CLAIM_RETURNING;
	return sh_record_holder_gone(r) ? SH_CLAIM_STALE : SH_CLAIM_HELD;
}

/* ---- the container-side setup ----------------------------------------------------------------- */

static void ips_text(const struct sh_ip *ips, size_t n, char *out, size_t len)
{
	char one[INET6_ADDRSTRLEN + 8];
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		sh_format_ip(&ips[i], one, sizeof(one));
		if (used + strlen(one) + 2 > len)
			return;
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? "," : "", one);
	}
}

void sh_record_set_setup(struct sh_record *r, unsigned mtu, const struct sh_ip *addrs, size_t n_addrs,
			 const struct sh_ip *gateways, size_t n_gateways)
{
	r->cont_mtu = mtu;
	ips_text(addrs, n_addrs, r->cont_ip, sizeof(r->cont_ip));
	ips_text(gateways, n_gateways, r->cont_gateway, sizeof(r->cont_gateway));
}

int sh_record_ips(const char *text, bool cidr, struct sh_ip *out, size_t max, size_t *n)
{
	char buf[SH_MAX_ADDRS_TEXT], *save = NULL, *tok;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == max || sh_parse_ip(tok, cidr, &out[*n]) < 0)
			return -EINVAL;
		(*n)++;
	}
	return 0;
}
