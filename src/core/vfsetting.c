/* The table of PF-side VF settings and what is read from it: parsing, checking, comparing,
 * describing and help text. A new setting is a row here, a field of struct sh_vf_cfg and, when it
 * travels in a netlink attribute of its own, a knob with its netlink call in vfcfg.c. */
#include "sriov-hook/core/vfsetting.h"

#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sriov-hook/core/error.h"

static const struct sh_vf_word on_off[] = {{"on", 1}, {"off", 0}, {NULL, 0}};
static const struct sh_vf_word vlan_protos[] = {{"802.1Q", ETH_P_8021Q}, {"802.1ad", ETH_P_8021AD}, {NULL, 0}};
static const struct sh_vf_word link_states[] = {
	{"auto", IFLA_VF_LINK_STATE_AUTO},
	{"enable", IFLA_VF_LINK_STATE_ENABLE},
	{"disable", IFLA_VF_LINK_STATE_DISABLE},
	{NULL, 0},
};

#define FIELD(f, k) .name = #f, .kind = k, .offset = offsetof(struct sh_vf_cfg, f)
static const struct sh_vf_setting settings[] = {
	{FIELD(mac, SH_CFG_MAC), .knob = SH_KNOB_MAC, .iplink = "mac",
	 .what = "a unicast MAC address (02:00:00:00:00:01)"},
	{FIELD(vlan, SH_CFG_UINT), .knob = SH_KNOB_VLAN, .iplink = "vlan", .max = 4095, .what = "a VLAN id"},
	{FIELD(qos, SH_CFG_UINT), .knob = SH_KNOB_VLAN, .iplink = "qos", .max = 7, .what = "a VLAN priority",
	 .reset = true, .needs = "vlan"},
	{FIELD(vlan_proto, SH_CFG_UINT), .knob = SH_KNOB_VLAN, .iplink = "proto", .words = vlan_protos,
	 .any_case = true, .dflt = ETH_P_8021Q, .reset = true, .needs = "vlan", .moot = true},
	{FIELD(spoofchk, SH_CFG_UINT), .knob = SH_KNOB_SPOOFCHK, .iplink = "spoofchk", .words = on_off,
	 .note = "*on*: the PF drops frames the VF sends with a source MAC not its own"},
	{FIELD(trust, SH_CFG_UINT), .knob = SH_KNOB_TRUST, .iplink = "trust", .words = on_off,
	 .note = "*on*: the VF may change its own MAC and receive all multicast"},
	{FIELD(link_state, SH_CFG_UINT), .knob = SH_KNOB_LINK_STATE, .iplink = "state", .words = link_states,
	 .dflt = IFLA_VF_LINK_STATE_AUTO,
	 .note = "*auto* follows the PF's link, *enable* keeps the VF's up, *disable* down"},
	{FIELD(min_tx_rate, SH_CFG_UINT), .knob = SH_KNOB_RATE, .iplink = "min_tx_rate", .max = UINT32_MAX,
	 .what = "a rate in Mbps", .at_most = "max_tx_rate"},
	{FIELD(max_tx_rate, SH_CFG_UINT), .knob = SH_KNOB_RATE, .iplink = "max_tx_rate", .max = UINT32_MAX,
	 .what = "a rate in Mbps", .note = "*0*: no limit"},
};
#undef FIELD
_Static_assert(SH_ARRAY_SIZE(settings) <= 32, "requests keep the settings they name in an unsigned bitmask");

const struct sh_vf_setting *sh_vf_settings(size_t *n)
{
	*n = SH_ARRAY_SIZE(settings);
	return settings;
}

const struct sh_vf_setting *sh_vf_setting_find(const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(settings); i++) {
		if (strcmp(settings[i].name, name))
			continue;
		if (index)
			*index = i;
		return &settings[i];
	}
	return NULL;
}

const struct sh_cfg_field *sh_vf_cfg_fields(size_t *n)
{
	/* The storage view of the table (records need no more); rebuilt from it on each call. */
	static struct sh_cfg_field fields[SH_ARRAY_SIZE(settings)];
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(settings); i++)
		fields[i] = (struct sh_cfg_field){settings[i].name, settings[i].kind, settings[i].offset};
	*n = SH_ARRAY_SIZE(settings);
	return fields;
}

static unsigned *uint_at(const struct sh_vf_setting *s, struct sh_vf_cfg *cfg)
{
	return (unsigned *)((char *)cfg + s->offset);
}

unsigned sh_vf_setting_get(const struct sh_vf_setting *s, const struct sh_vf_cfg *cfg)
{
	return *(const unsigned *)((const char *)cfg + s->offset);
}

void sh_vf_setting_set(const struct sh_vf_setting *s, struct sh_vf_cfg *cfg, unsigned value)
{
	*uint_at(s, cfg) = value;
}

void sh_vf_setting_copy(const struct sh_vf_setting *s, struct sh_vf_cfg *to, const struct sh_vf_cfg *from)
{
	memcpy((char *)to + s->offset, (const char *)from + s->offset,
	       s->kind == SH_CFG_MAC ? sizeof(from->mac) : sizeof(unsigned));
}

int sh_vf_setting_parse(const struct sh_vf_setting *s, const char *value, struct sh_vf_cfg *cfg)
{
	const struct sh_vf_word *w;
	uint8_t mac[6];
	unsigned long n;

	if (s->kind == SH_CFG_MAC) {
		if (sh_parse_mac(value, mac) < 0 || !sh_mac_is_unicast(mac))
			return -EINVAL;
		memcpy((char *)cfg + s->offset, mac, sizeof(mac));
		return 0;
	}
	if (s->words) {
		for (w = s->words; w->word; w++) {
			if (s->any_case ? !strcasecmp(value, w->word) : !strcmp(value, w->word)) {
				*uint_at(s, cfg) = w->value;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (sh_parse_uint(value, s->max, &n) < 0 || n < s->min)
		return -EINVAL;
	*uint_at(s, cfg) = (unsigned)n;
	return 0;
}

/* Appends to the string in buf, as far as it fits. */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* "a", "b" or "c", each between quote marks, leaving out the word skip (if any). */
static void append_words(char *buf, size_t len, const struct sh_vf_word *words, const char *quote,
			 const struct sh_vf_word *skip)
{
	const struct sh_vf_word *w, *next;
	bool first = true;

	for (w = words; w->word; w++) {
		if (w == skip)
			continue;
		next = w + 1 == skip ? w + 2 : w + 1;
		append(buf, len, "%s%s%s%s", first ? "" : next->word ? ", " : " or ", quote, w->word, quote);
		first = false;
	}
}

static const struct sh_vf_word *word_of(const struct sh_vf_setting *s, unsigned value)
{
	const struct sh_vf_word *w;

	for (w = s->words; w && w->word; w++)
		if (w->value == value)
			return w;
	return NULL;
}

const char *sh_vf_setting_accepted(const struct sh_vf_setting *s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (s->words)
		append_words(buf, len, s->words, "\"", NULL);
	else if (s->kind == SH_CFG_MAC)
		append(buf, len, "%s", s->what);
	else
		append(buf, len, "%s (%lu-%lu)", s->what, s->min, s->max);
	return buf;
}

const char *sh_vf_setting_format(const struct sh_vf_setting *s, const struct sh_vf_cfg *cfg, char *buf, size_t len)
{
	const struct sh_vf_word *w;
	char mac[18];

	if (s->kind == SH_CFG_MAC)
		snprintf(buf, len, "%s", sh_format_mac(cfg->mac, mac));
	else if ((w = word_of(s, sh_vf_setting_get(s, cfg))))
		snprintf(buf, len, "%s", w->word);
	else
		snprintf(buf, len, "%u", sh_vf_setting_get(s, cfg));
	return buf;
}

const char *sh_vf_setting_help(const struct sh_vf_setting *s, char *buf, size_t len)
{
	const struct sh_vf_word *dflt = word_of(s, s->dflt);
	bool others = false;
	size_t i;

	buf[0] = '\0';
	if (s->words) {
		append_words(buf, len, s->words, "*", NULL);
		if (s->any_case)
			append(buf, len, " (any case)");
	} else if (s->kind == SH_CFG_MAC) {
		append(buf, len, "%c%s", toupper((unsigned char)s->what[0]), s->what + 1);
	} else {
		append(buf, len, "%c%s, %lu-%lu", toupper((unsigned char)s->what[0]), s->what + 1, s->min, s->max);
	}
	if (s->reset) {
		/* "*0* when *vlan* or *vlan_proto* is given without it" */
		if (dflt)
			append(buf, len, "; *%s* when ", dflt->word);
		else
			append(buf, len, "; *%u* when ", s->dflt);
		for (i = 0; i < SH_ARRAY_SIZE(settings); i++) {
			if (&settings[i] == s || settings[i].knob != s->knob)
				continue;
			append(buf, len, "%s*%s*", others ? " or " : "", settings[i].name);
			others = true;
		}
		append(buf, len, " is given without it");
	}
	if (s->needs && dflt) {
		append(buf, len, "; ");
		append_words(buf, len, s->words, "*", dflt);
		append(buf, len, " needs *%s* > 0", s->needs);
	} else if (s->needs) {
		append(buf, len, "; above *%u* needs *%s* > 0", s->dflt, s->needs);
	}
	if (s->at_most)
		append(buf, len, "; not above *%s* when both are given", s->at_most);
	if (s->note)
		append(buf, len, "; %s", s->note);
	append(buf, len, ".");
	return buf;
}

void sh_vf_cfg_defaults(struct sh_vf_cfg *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < SH_ARRAY_SIZE(settings); i++)
		if (settings[i].kind == SH_CFG_UINT)
			*uint_at(&settings[i], cfg) = settings[i].dflt;
}

const struct sh_vf_setting *sh_vf_cfg_over_limit(const struct sh_vf_cfg *cfg, const struct sh_vf_setting **limit)
{
	const struct sh_vf_setting *lim;
	unsigned most;
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(settings); i++) {
		if (!settings[i].at_most || !(lim = sh_vf_setting_find(settings[i].at_most, NULL)))
			continue;
		most = sh_vf_setting_get(lim, cfg);
		if (most && sh_vf_setting_get(&settings[i], cfg) > most) {
			*limit = lim;
			return &settings[i];
		}
	}
	return NULL;
}

bool sh_vf_knob_equal(enum sh_knob knob, const struct sh_vf_cfg *cur, const struct sh_vf_cfg *want)
{
	const struct sh_vf_setting *s;

	for (s = settings; s < settings + SH_ARRAY_SIZE(settings); s++) {
		if (s->knob != knob)
			continue;
		if (s->kind == SH_CFG_MAC) {
			if (memcmp((const char *)cur + s->offset, (const char *)want + s->offset, sizeof(cur->mac)))
				return false;
			continue;
		}
		if (s->moot && sh_vf_setting_get(sh_vf_setting_find(s->needs, NULL), cur) == 0)
			continue;
		if (sh_vf_setting_get(s, cur) != sh_vf_setting_get(s, want))
			return false;
	}
	return true;
}

const char *sh_vf_knob_describe(enum sh_knob knob, const struct sh_vf_cfg *cfg, char *buf, size_t len)
{
	const struct sh_vf_setting *s;
	char value[32];

	buf[0] = '\0';
	for (s = settings; s < settings + SH_ARRAY_SIZE(settings); s++)
		if (s->knob == knob)
			append(buf, len, "%s%s %s", buf[0] ? " " : "", s->iplink,
			       sh_vf_setting_format(s, cfg, value, sizeof(value)));
	if (!buf[0])
		snprintf(buf, len, "?");
	return buf;
}
