/* The table of PF-side VF settings: that it is whole and consistent (every field of struct
 * sh_vf_cfg once, references that resolve), and what is read from it: parsing, accepted values,
 * defaults, comparison, the `ip link` spelling of each knob, help text and the records' field list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/vfsetting.h"

static size_t field_size(const struct sh_vf_setting *s)
{
	return s->kind == SH_CFG_MAC ? sizeof(((struct sh_vf_cfg *)0)->mac) : sizeof(unsigned);
}

/* Every byte of struct sh_vf_cfg belongs to one row, but for padding (shorter than a member). */
static void test_table_covers_the_struct(void **state)
{
	const struct sh_vf_setting *s;
	uint8_t owner[sizeof(struct sh_vf_cfg)] = {0};
	size_t i, b, n, gap = 0;

	(void)state;
	s = sh_vf_settings(&n);
	assert_true(n > 0 && n <= 32);
	for (i = 0; i < n; i++) {
		if (s[i].offset + field_size(&s[i]) > sizeof(struct sh_vf_cfg))
			fail_msg("%s: beyond the struct", s[i].name);
		if (i && s[i].offset <= s[i - 1].offset)
			fail_msg("%s: not in the order of the struct", s[i].name);
		for (b = s[i].offset; b < s[i].offset + field_size(&s[i]); b++) {
			if (owner[b])
				fail_msg("%s overlaps %s", s[i].name, s[owner[b] - 1].name);
			owner[b] = (uint8_t)(i + 1);
		}
	}
	for (b = 0; b < sizeof(owner); b++) {
		gap = owner[b] ? 0 : gap + 1;
		if (gap >= sizeof(unsigned))
			fail_msg("bytes %zu-%zu of struct sh_vf_cfg are in no row: a field without a setting", b + 1 - gap,
				 b);
	}
}

static void test_table_is_consistent(void **state)
{
	const struct sh_vf_setting *s, *other;
	unsigned knobs = 0;
	size_t i, j, n;

	(void)state;
	s = sh_vf_settings(&n);
	for (i = 0; i < n; i++) {
		const char *name = s[i].name;

		assert_non_null(name);
		assert_non_null(s[i].iplink);
		assert_true(s[i].knob < SH_KNOB_COUNT);
		knobs |= SH_KNOB_BIT(s[i].knob);
		for (j = 0; j < i; j++)
			if (!strcmp(s[j].name, name))
				fail_msg("%s: twice", name);
		assert_ptr_equal(sh_vf_setting_find(name, &j), &s[i]);
		assert_int_equal(j, i);
		if (s[i].kind == SH_CFG_MAC) {
			assert_non_null(s[i].what);
			assert_null(s[i].words);
			assert_null(s[i].needs);
			assert_null(s[i].at_most);
			assert_false(s[i].reset);
			continue;
		}
		if (s[i].words) {
			assert_non_null(s[i].words[0].word);
			assert_non_null(s[i].words[1].word); /* a choice */
		} else {
			assert_non_null(s[i].what);
			assert_true(islower((unsigned char)s[i].what[0])); /* "a VLAN id": messages and help */
			assert_true(s[i].min <= s[i].max && s[i].max <= UINT32_MAX);
		}
		if (s[i].needs || s[i].reset) {
			/* the default is a value the setting accepts */
			char value[32];
			struct sh_vf_cfg cfg;

			sh_vf_cfg_defaults(&cfg);
			sh_vf_setting_format(&s[i], &cfg, value, sizeof(value));
			if (sh_vf_setting_parse(&s[i], value, &cfg) < 0)
				fail_msg("%s: default %s is not accepted", name, value);
		}
		if (s[i].moot)
			assert_non_null(s[i].needs);
		if (s[i].needs) {
			other = sh_vf_setting_find(s[i].needs, NULL);
			if (!other || other == &s[i] || other->kind != SH_CFG_UINT || other->knob != s[i].knob)
				fail_msg("%s needs %s: not another number of its knob", name, s[i].needs);
		}
		if (s[i].at_most) {
			other = sh_vf_setting_find(s[i].at_most, NULL);
			if (!other || other == &s[i] || other->kind != SH_CFG_UINT || other->knob != s[i].knob)
				fail_msg("%s at most %s: not another number of its knob", name, s[i].at_most);
		}
	}
	assert_int_equal(knobs, SH_KNOB_BIT(SH_KNOB_COUNT) - 1); /* every knob carries a setting */
	assert_null(sh_vf_setting_find("mtu", NULL));
	assert_null(sh_vf_setting_find("", NULL));
	assert_null(sh_vf_setting_find("VLAN", NULL));
}

/* The records' field list is the table's name, kind and offset, in its order. */
static void test_cfg_fields(void **state)
{
	const struct sh_vf_setting *s;
	const struct sh_cfg_field *f;
	size_t i, n, n_fields;

	(void)state;
	s = sh_vf_settings(&n);
	f = sh_vf_cfg_fields(&n_fields);
	assert_int_equal(n_fields, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(f[i].name, s[i].name);
		assert_int_equal(f[i].kind, s[i].kind);
		assert_int_equal(f[i].offset, s[i].offset);
	}
	assert_string_equal(f[0].name, "mac");
	assert_int_equal(f[0].offset, offsetof(struct sh_vf_cfg, mac));
}

static void test_parse(void **state)
{
	static const struct {
		const char *name, *value;
		int ret;
		unsigned want;
	} cases[] = {
		{ "vlan", "0", 0, 0 },
		{ "vlan", "4095", 0, 4095 },
		{ "vlan", "4096", -EINVAL, 0 },
		{ "vlan", "", -EINVAL, 0 },
		{ "vlan", "+5", -EINVAL, 0 },
		{ "qos", "7", 0, 7 },
		{ "qos", "8", -EINVAL, 0 },
		{ "vlan_proto", "802.1Q", 0, ETH_P_8021Q },
		{ "vlan_proto", "802.1q", 0, ETH_P_8021Q }, /* any case */
		{ "vlan_proto", "802.1AD", 0, ETH_P_8021AD },
		{ "vlan_proto", "802.1x", -EINVAL, 0 },
		{ "vlan_proto", "802.1Q ", -EINVAL, 0 },
		{ "spoofchk", "on", 0, 1 },
		{ "spoofchk", "off", 0, 0 },
		{ "spoofchk", "ON", -EINVAL, 0 }, /* words in their own case */
		{ "trust", "1", -EINVAL, 0 },
		{ "link_state", "auto", 0, IFLA_VF_LINK_STATE_AUTO },
		{ "link_state", "enable", 0, IFLA_VF_LINK_STATE_ENABLE },
		{ "link_state", "disable", 0, IFLA_VF_LINK_STATE_DISABLE },
		{ "link_state", "Enable", -EINVAL, 0 },
		{ "min_tx_rate", "4294967295", 0, 4294967295u },
		{ "max_tx_rate", "4294967296", -EINVAL, 0 },
		{ "max_tx_rate", "0", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		const struct sh_vf_setting *s = sh_vf_setting_find(cases[i].name, NULL);
		struct sh_vf_cfg cfg;
		int r;

		assert_non_null(s);
		memset(&cfg, 0xa5, sizeof(cfg));
		r = sh_vf_setting_parse(s, cases[i].value, &cfg);
		if (r != cases[i].ret)
			fail_msg("%s \"%s\": want %d, got %d", cases[i].name, cases[i].value, cases[i].ret, r);
		if (r == 0)
			assert_int_equal(sh_vf_setting_get(s, &cfg), cases[i].want);
		else
			assert_int_equal(sh_vf_setting_get(s, &cfg), 0xa5a5a5a5); /* untouched */
	}
}

static void test_parse_mac(void **state)
{
	const struct sh_vf_setting *s = sh_vf_setting_find("mac", NULL);
	static const uint8_t want[6] = {2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	struct sh_vf_cfg cfg = {0};
	char buf[32];

	(void)state;
	assert_non_null(s);
	assert_int_equal(sh_vf_setting_parse(s, "02:AA:bb:cc:dd:ee", &cfg), 0);
	assert_memory_equal(cfg.mac, want, 6);
	assert_string_equal(sh_vf_setting_format(s, &cfg, buf, sizeof(buf)), "02:aa:bb:cc:dd:ee");
	assert_int_equal(sh_vf_setting_parse(s, "01:00:5e:00:00:01", &cfg), -EINVAL);
	assert_int_equal(sh_vf_setting_parse(s, "00:00:00:00:00:00", &cfg), -EINVAL);
	assert_int_equal(sh_vf_setting_parse(s, "02:00:00:00:00", &cfg), -EINVAL);
	assert_memory_equal(cfg.mac, want, 6);
}

/* Each word parses to its value and formats back to itself; a value with no word shows as a number. */
static void test_words_round_trip(void **state)
{
	const struct sh_vf_setting *s;
	size_t i, n;

	(void)state;
	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		const struct sh_vf_word *w;
		struct sh_vf_cfg cfg = {0};
		char buf[32];

		for (w = s[i].words; w && w->word; w++) {
			assert_int_equal(sh_vf_setting_parse(&s[i], w->word, &cfg), 0);
			assert_int_equal(sh_vf_setting_get(&s[i], &cfg), w->value);
			assert_string_equal(sh_vf_setting_format(&s[i], &cfg, buf, sizeof(buf)), w->word);
		}
	}
	s = sh_vf_setting_find("link_state", NULL);
	{
		struct sh_vf_cfg cfg = {.link_state = 7};
		char buf[32];

		assert_string_equal(sh_vf_setting_format(s, &cfg, buf, sizeof(buf)), "7");
	}
}

static void test_accepted(void **state)
{
	static const struct {
		const char *name, *accepted;
	} cases[] = {
		{ "mac", "a unicast MAC address (02:00:00:00:00:01)" },
		{ "vlan", "a VLAN id (0-4095)" },
		{ "qos", "a VLAN priority (0-7)" },
		{ "vlan_proto", "\"802.1Q\" or \"802.1ad\"" },
		{ "spoofchk", "\"on\" or \"off\"" },
		{ "link_state", "\"auto\", \"enable\" or \"disable\"" },
		{ "max_tx_rate", "a rate in Mbps (0-4294967295)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		char buf[128];

		assert_string_equal(sh_vf_setting_accepted(sh_vf_setting_find(cases[i].name, NULL), buf, sizeof(buf)),
				    cases[i].accepted);
	}
}

/* What a PF that says nothing of a setting means: VLAN protocol 802.1Q, link state auto, else 0. */
static void test_defaults(void **state)
{
	struct sh_vf_cfg cfg, want = {.vlan_proto = ETH_P_8021Q, .link_state = IFLA_VF_LINK_STATE_AUTO};

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	sh_vf_cfg_defaults(&cfg);
	assert_memory_equal(&cfg, &want, sizeof(cfg));
}

static void test_knob_equal(void **state)
{
	const struct sh_vf_cfg base = {.mac = {2, 0, 0, 0, 0, 1}, .vlan = 10, .qos = 3, .vlan_proto = ETH_P_8021Q,
				       .spoofchk = 1, .link_state = IFLA_VF_LINK_STATE_AUTO, .min_tx_rate = 5,
				       .max_tx_rate = 50};
	struct sh_vf_cfg b;
	int k;

	(void)state;
	for (k = 0; k < SH_KNOB_COUNT; k++)
		assert_true(sh_vf_knob_equal(k, &base, &base));
	b = base;
	b.mac[5] = 2;
	assert_false(sh_vf_knob_equal(SH_KNOB_MAC, &base, &b));
	assert_true(sh_vf_knob_equal(SH_KNOB_VLAN, &base, &b)); /* only the knob's own settings count */
	b = base;
	b.qos = 4;
	assert_false(sh_vf_knob_equal(SH_KNOB_VLAN, &base, &b));
	b = base;
	b.vlan_proto = ETH_P_8021AD;
	assert_false(sh_vf_knob_equal(SH_KNOB_VLAN, &base, &b));
	/* without a VLAN the protocol means nothing */
	{
		struct sh_vf_cfg cur = base, want;

		cur.vlan = 0;
		cur.qos = 0;
		cur.vlan_proto = 0;
		want = cur;
		want.vlan_proto = ETH_P_8021Q;
		assert_true(sh_vf_knob_equal(SH_KNOB_VLAN, &cur, &want));
		want.qos = 1;
		assert_false(sh_vf_knob_equal(SH_KNOB_VLAN, &cur, &want));
	}
	b = base;
	b.max_tx_rate = 0;
	assert_false(sh_vf_knob_equal(SH_KNOB_RATE, &base, &b));
	b = base;
	b.link_state = IFLA_VF_LINK_STATE_DISABLE;
	assert_false(sh_vf_knob_equal(SH_KNOB_LINK_STATE, &base, &b));
	assert_true(sh_vf_knob_equal(SH_KNOB_COUNT, &base, &b));
}

/* As `ip link set PF vf N ...` spells each knob, as in the "set vf N ..." error lines. */
static void test_knob_describe(void **state)
{
	const struct sh_vf_cfg c = {.mac = {2, 0xab, 0, 0, 0, 1}, .vlan = 10, .qos = 3, .vlan_proto = ETH_P_8021AD,
				    .spoofchk = 1, .link_state = IFLA_VF_LINK_STATE_ENABLE, .min_tx_rate = 1,
				    .max_tx_rate = 2};
	static const char *const want[SH_KNOB_COUNT] = {
		[SH_KNOB_MAC] = "mac 02:ab:00:00:00:01",
		[SH_KNOB_VLAN] = "vlan 10 qos 3 proto 802.1ad",
		[SH_KNOB_SPOOFCHK] = "spoofchk on",
		[SH_KNOB_TRUST] = "trust off",
		[SH_KNOB_LINK_STATE] = "state enable",
		[SH_KNOB_RATE] = "min_tx_rate 1 max_tx_rate 2",
	};
	char buf[96], small[8];
	int k;

	(void)state;
	for (k = 0; k < SH_KNOB_COUNT; k++)
		assert_string_equal(sh_vf_knob_describe(k, &c, buf, sizeof(buf)), want[k]);
	assert_string_equal(sh_vf_knob_describe(SH_KNOB_COUNT, &c, buf, sizeof(buf)), "?");
	assert_string_equal(sh_vf_knob_describe(SH_KNOB_VLAN, &c, small, sizeof(small)), "vlan 10"); /* cut */
}

static void test_help(void **state)
{
	static const struct {
		const char *name, *help;
	} cases[] = {
		{ "vlan", "A VLAN id, 0-4095." },
		{ "qos", "A VLAN priority, 0-7; *0* when *vlan* or *vlan_proto* is given without it; above *0* needs "
			 "*vlan* > 0." },
		{ "vlan_proto", "*802.1Q* or *802.1ad* (any case); *802.1Q* when *vlan* or *qos* is given without it; "
				"*802.1ad* needs *vlan* > 0." },
		{ "min_tx_rate", "A rate in Mbps, 0-4294967295; not above *max_tx_rate* when both are given." },
		{ "max_tx_rate", "A rate in Mbps, 0-4294967295; *0*: no limit." },
	};
	const struct sh_vf_setting *s;
	size_t i, n;

	(void)state;
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		char buf[512];

		assert_string_equal(sh_vf_setting_help(sh_vf_setting_find(cases[i].name, NULL), buf, sizeof(buf)),
				    cases[i].help);
	}
	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		char buf[512];
		size_t stars = 0;
		const char *p;

		sh_vf_setting_help(&s[i], buf, sizeof(buf));
		assert_true(strlen(buf) < sizeof(buf) - 1 && buf[strlen(buf) - 1] == '.');
		for (p = buf; *p; p++)
			stars += *p == '*';
		if (stars % 2)
			fail_msg("%s: unbalanced * in \"%s\"", s[i].name, buf);
	}
}

/* The at_most rule as a whole cfg sees it: a limit of 0 is none; the first setting above its
 * limit is named, with the limit. */
static void test_over_limit(void **state)
{
	const struct sh_vf_setting *s, *limit = NULL;
	struct sh_vf_cfg cfg;

	(void)state;
	sh_vf_cfg_defaults(&cfg);
	assert_null(sh_vf_cfg_over_limit(&cfg, &limit));
	cfg.min_tx_rate = 500;
	assert_null(sh_vf_cfg_over_limit(&cfg, &limit)); /* max 0: no limit */
	cfg.max_tx_rate = 500;
	assert_null(sh_vf_cfg_over_limit(&cfg, &limit));
	cfg.max_tx_rate = 499;
	s = sh_vf_cfg_over_limit(&cfg, &limit);
	assert_non_null(s);
	assert_string_equal(s->name, "min_tx_rate");
	assert_string_equal(limit->name, "max_tx_rate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_the_struct),
		cmocka_unit_test(test_table_is_consistent),
		cmocka_unit_test(test_cfg_fields),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_words_round_trip),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_knob_equal),
		cmocka_unit_test(test_knob_describe),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_over_limit),
	};

	return cmocka_run_group_tests_name("vfsetting", tests, NULL, NULL);
}
