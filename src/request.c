/* Annotations -> request. Keys are io.sriov.<key> for the first VF and io.sriov.<N>.<key>
 * (N = 1..7) for more; every key and value is checked here so that nothing later has to guess.
 * The keys are two tables: the VF and its interface (below), and the PF-side settings (vfsetting.c). */
#include "sriov-hook/request.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/vfsetting.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define MTU_MIN 68
#define MTU_MAX 65535
#define VF_INDEX_MAX 65535

/* What a message calls a key: "annotation io.sriov.vlan", or "variable SRIOV_VLAN" when the value
 * came from the process environment (env_fallback). */
static const char *kind(const char *key)
{
	return strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)) ? "variable" : "annotation";
}

static int bad(struct sh_error *err, const char *key, const char *value, const char *accepted)
{
	return sh_err(err, EINVAL, "%s %s: \"%.64s\" is not %s", kind(key), key, value, accepted);
}

static int parse_ip_list(const char *key, const char *value, bool cidr, struct sh_ip *out, size_t max, size_t *n,
			 struct sh_error *err)
{
	char buf[1024], *tok, *next;

	if (strlen(value) >= sizeof(buf))
		return sh_err(err, EINVAL, "%s %s: value too long", kind(key), key);
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
			return sh_err(err, EINVAL, "%s %s: more than %zu entries", kind(key), key, max);
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

static int parse_pf(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	if (sh_parse_pci_addr(value, v->pf) == 0)
		return 0;
	if (!sh_ifname_valid(value))
		return bad(err, key, value, "a PF netdev name or PCI address (0000:3b:00.0)");
	snprintf(v->pf, sizeof(v->pf), "%s", value);
	return 0;
}

static int parse_vf(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	unsigned long n;

	if (!strcmp(value, "auto")) {
		v->select = SH_VF_AUTO;
	} else if (sh_parse_pci_addr(value, v->vf_pci) == 0) {
		v->select = SH_VF_PCI;
	} else if (sh_parse_uint(value, VF_INDEX_MAX, &n) == 0) {
		v->select = SH_VF_INDEX;
		v->vf_index = (unsigned)n;
	} else {
		return bad(err, key, value,
			   "a VF index (0-" STR(VF_INDEX_MAX) "), \"auto\" or a VF PCI address (0000:3b:02.0)");
	}
	return 0;
}

static int parse_ifname(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	if (!sh_ifname_valid(value))
		return bad(err, key, value, "a valid interface name (1-15 characters, no '/', ':' or spaces)");
	snprintf(v->ifname, sizeof(v->ifname), "%s", value);
	return 0;
}

static int parse_mtu(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	unsigned long n;

	if (sh_parse_uint(value, MTU_MAX, &n) < 0 || n < MTU_MIN)
		return bad(err, key, value, "an MTU (" STR(MTU_MIN) "-" STR(MTU_MAX) ")");
	v->mtu = (unsigned)n;
	return 0;
}

static int parse_ip(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	return parse_ip_list(key, value, true, v->addrs, SH_MAX_ADDRS, &v->n_addrs, err);
}

static int parse_gateway(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	return parse_ip_list(key, value, false, v->gateways, SH_MAX_GATEWAYS, &v->n_gateways, err);
}

/* The keys that are not PF-side settings. Help text: *word* is typed as shown. (Not formatted:
 * clang-format would split the STR()s inside the strings.) */
static const struct key {
	const char *name;
	int (*parse)(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err);
	const char *help;
} keys[] = {
	/* clang-format off */
	{"pf", parse_pf, "PF network device name (*ens1f0*) or PF PCI address (*0000:3b:00.0*)."},
	{"vf", parse_vf,
	 "Required. VF index (0-" STR(VF_INDEX_MAX) "), *auto* (the lowest free VF of the PF: one nobody "
	 "claimed whose netdev is on the host; a VF whose claim is stale is taken over when no such VF is "
	 "left), or a VF PCI address (then *pf* is optional)."},
	{"ifname", parse_ifname, "Name inside the container; default *eth0* when free there, else *net1*."},
	{"mtu", parse_mtu, "MTU inside the container, " STR(MTU_MIN) "-" STR(MTU_MAX) "."},
	{"ip", parse_ip,
	 "Comma-separated addresses in CIDR notation (*10.0.0.2/24,fd00::2/64*), IPv4 and IPv6, at most "
	 STR(SH_MAX_ADDRS) "."},
	{"gateway", parse_gateway,
	 "Default route next hop(s), at most one IPv4 and one IPv6, each inside a subnet of *ip* (an IPv6 "
	 "link-local one is always on-link)."},
	/* clang-format on */
};

static int unknown_key(const char *key, struct sh_error *err)
{
	const struct sh_vf_setting *s = NULL;
	char known[512] = "";
	size_t i, n = 0;

	for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "", keys[i].name);
	for (s = sh_vf_settings(&n), i = 0; i < n; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), ", %s", s[i].name);
	return sh_err(err, EINVAL, "unknown annotation %s (known keys: io.sriov.[N.]{%s}, N = 1..%d)", key, known,
		      SH_MAX_VFS - 1);
}

/* A key's place in the two tables: keys[] first, then the PF-side settings; -1 for none. */
static int key_index(const char *name)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
		if (!strcmp(name, keys[i].name))
			return (int)i;
	if (sh_vf_setting_find(name, &i))
		return (int)(SH_ARRAY_SIZE(keys) + i);
	return -1;
}
_Static_assert(SH_ARRAY_SIZE(keys) <= 32, "a slot keeps its keys in a 64-bit mask with the 32 settings");

static int set_key(struct sh_vf_request *v, const char *name, const char *key, const char *value, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	char accepted[128];
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
		if (!strcmp(name, keys[i].name))
			return keys[i].parse(v, key, value, err);
	if (!(s = sh_vf_setting_find(name, &i)))
		return unknown_key(key, err);
	if (sh_vf_setting_parse(s, value, &v->cfg) < 0)
		return bad(err, key, value, sh_vf_setting_accepted(s, accepted, sizeof(accepted)));
	v->given |= 1u << i;
	v->knobs |= SH_KNOB_BIT(s->knob);
	return 0;
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

/* The keys one VF slot was given, and which of them came from variables (bit key_index()). */
struct slot {
	uint64_t given, from_env;
};

#define KEY_BIT(name) (UINT64_C(1) << key_index(name))

/* Key name of slot s as the user spells it: io.sriov.[N.]name, or SRIOV_[N_]NAME for a variable. */
static const char *spell(unsigned s, const char *name, bool env, char *buf, size_t len)
{
	size_t at, k;

	if (!env) {
		if (s)
			snprintf(buf, len, SH_ANNOTATION_PREFIX "%u.%s", s, name);
		else
			snprintf(buf, len, SH_ANNOTATION_PREFIX "%s", name);
		return buf;
	}
	at = (size_t)(s ? snprintf(buf, len, SH_ENV_PREFIX "%u_", s) : snprintf(buf, len, SH_ENV_PREFIX));
	for (k = 0; name[k] && at + 1 < len; k++)
		buf[at++] = (char)toupper((unsigned char)name[k]);
	buf[at] = '\0';
	return buf;
}

/* How a message names key name of slot s: as it was given; a key not given is spelled like key
 * like (the one the message is about), so a request made of variables reads in variables. */
static const char *named(const struct slot *sl, unsigned s, const char *name, const char *like, char *buf, size_t len)
{
	uint64_t bit = KEY_BIT(name);
	bool env = sl->given & bit ? sl->from_env & bit : (sl->from_env & KEY_BIT(like)) != 0;

	return spell(s, name, env, buf, len);
}

/* Whether the request names the setting called name with a value above 0; *value gets it. */
static bool named_above_zero(const struct sh_vf_request *v, const char *name, unsigned *value)
{
	size_t i;
	const struct sh_vf_setting *s = sh_vf_setting_find(name, &i);

	*value = sh_vf_setting_get(s, &v->cfg);
	return (v->given & (1u << i)) && *value > 0;
}

/* What the table says of the settings named together: what each needs, what each may not exceed. */
static int check_settings(const struct sh_vf_request *v, const struct slot *sl, unsigned slot, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	char word[32], key[48], other_key[48];
	unsigned value, other;
	size_t i, n;

	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		if (!(v->given & (1u << i)) || s[i].kind != SH_CFG_UINT)
			continue;
		value = sh_vf_setting_get(&s[i], &v->cfg);
		named(sl, slot, s[i].name, s[i].name, key, sizeof(key));
		if (s[i].needs && value != s[i].dflt && !named_above_zero(v, s[i].needs, &other)) {
			/* "qos needs", "vlan_proto 802.1ad needs": a word says which value needs it */
			word[0] = '\0';
			if (s[i].words)
				sh_vf_setting_format(&s[i], &v->cfg, word, sizeof(word));
			return sh_err(err, EINVAL, "%s %s%s%s needs %s greater than 0", kind(key), key,
				      word[0] ? " " : "", word,
				      named(sl, slot, s[i].needs, s[i].name, other_key, sizeof(other_key)));
		}
		if (s[i].at_most && named_above_zero(v, s[i].at_most, &other) && value > other)
			return sh_err(err, EINVAL, "%s %s (%u) is greater than %s (%u)", kind(key), key, value,
				      named(sl, slot, s[i].at_most, s[i].name, other_key, sizeof(other_key)), other);
	}
	return 0;
}

static int check_gateways(const struct sh_vf_request *v, const struct slot *sl, unsigned slot, struct sh_error *err)
{
	char key[48], ip_key[48];
	size_t i, j;

	named(sl, slot, "gateway", "gateway", key, sizeof(key));
	for (i = 0; i < v->n_gateways; i++) {
		const struct sh_ip *gw = &v->gateways[i];
		bool reachable = false, linklocal = gw->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&gw->a.v6);
		char buf[64];

		for (j = 0; j < i; j++)
			if (v->gateways[j].family == gw->family)
				return sh_err(err, EINVAL, "%s %s: more than one IPv%d gateway", kind(key), key,
					      gw->family == AF_INET ? 4 : 6);
		for (j = 0; j < v->n_addrs; j++)
			if (v->addrs[j].family == gw->family)
				reachable = reachable || linklocal || sh_ip_in_subnet(gw, &v->addrs[j]);
		if (!reachable)
			return sh_err(err, EINVAL, "%s %s: %s is not in the subnet of any IPv%d address of %s",
				      kind(key), key, sh_format_ip(gw, buf, sizeof(buf)), gw->family == AF_INET ? 4 : 6,
				      named(sl, slot, "ip", "gateway", ip_key, sizeof(ip_key)));
	}
	return 0;
}

static int check_combination(const struct sh_vf_request *v, const struct slot *sl, unsigned slot, struct sh_error *err)
{
	char pf[48], vf[48];
	int r;

	if (!(sl->given & KEY_BIT("vf"))) {
		/* Spelled like the slot's keys: a variable when every one of them is a variable. */
		spell(slot, "vf", sl->from_env == sl->given, vf, sizeof(vf));
		return sh_err(err, EINVAL, "%s %s is required (a VF index, \"auto\" or a VF PCI address)", kind(vf),
			      vf);
	}
	if (!v->pf[0] && v->select != SH_VF_PCI)
		return sh_err(err, EINVAL, "%s %s is required unless %s is a VF PCI address",
			      kind(named(sl, slot, "pf", "vf", pf, sizeof(pf))), pf,
			      named(sl, slot, "vf", "vf", vf, sizeof(vf)));
	if ((r = check_settings(v, sl, slot, err)) < 0)
		return r;
	return check_gateways(v, sl, slot, err);
}

/* For an entry SRIOV_[N_]<KEY>=value of process.env that spells a known key: its slot, its key
 * (lower case) in name, and where its value starts. Only the spelling
 * spell() gives is taken: SRIOV_vlan, SRIOV_VLANID, SRIOV_0_VF and SRIOV_8_VF are no keys. */
static bool env_entry_key(const char *e, unsigned *slot, char name[32], const char **value)
{
	const char *p = e + strlen(SH_ENV_PREFIX), *eq = strchr(e, '=');
	size_t k;

	if (strncmp(e, SH_ENV_PREFIX, strlen(SH_ENV_PREFIX)) || !eq)
		return false;
	*slot = 0;
	if (p[0] >= '1' && p[0] < '0' + SH_MAX_VFS && p[1] == '_') {
		*slot = (unsigned)(p[0] - '0');
		p += 2;
	}
	if (p == eq || (size_t)(eq - p) >= 32)
		return false;
	for (k = 0; p + k < eq; k++) {
		if (islower((unsigned char)p[k]))
			return false;
		name[k] = (char)tolower((unsigned char)p[k]);
	}
	name[k] = '\0';
	*value = eq + 1;
	return key_index(name) >= 0;
}

bool sh_request_env_is_key(const char *entry)
{
	const char *value;
	char name[32];
	unsigned slot;

	return env_entry_key(entry, &slot, name, &value);
}

int sh_request_build(const struct sh_annotations *a, char *const *env, size_t n_env, struct sh_request *req,
		     struct sh_error *err)
{
	struct slot slots[SH_MAX_VFS] = {0};
	struct sh_vf_request vfs[SH_MAX_VFS];
	const char *name, *value;
	char var[48], lower[32];
	unsigned s;
	size_t i;
	int r;

	memset(req, 0, sizeof(*req));
	memset(vfs, 0, sizeof(vfs));
	for (i = 0; i < a->n; i++) {
		const char *key = a->items[i].key;

		if (strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)))
			continue;
		if ((r = split_key(key, &s, &name, err)) < 0 ||
		    (r = set_key(&vfs[s], name, key, a->items[i].value, err)) < 0)
			return r;
		slots[s].given |= KEY_BIT(name);
	}
	/* Variables fill in what no annotation gave; among variables of one key the first wins. One
	 * pass with a table lookup per entry: an image may carry thousands of variables. */
	for (i = 0; i < n_env; i++) {
		if (!env_entry_key(env[i], &s, lower, &value) || (slots[s].given & KEY_BIT(lower)))
			continue;
		spell(s, lower, true, var, sizeof(var));
		if ((r = set_key(&vfs[s], lower, var, value, err)) < 0)
			return r;
		slots[s].given |= KEY_BIT(lower);
		slots[s].from_env |= KEY_BIT(lower);
	}
	for (s = 0; s < SH_MAX_VFS; s++) {
		if (!slots[s].given)
			continue;
		if ((r = check_combination(&vfs[s], &slots[s], s, err)) < 0)
			return r;
		req->vf[req->n++] = vfs[s];
	}
	return 0;
}

int sh_request_from_annotations(const struct sh_annotations *a, struct sh_request *req, struct sh_error *err)
{
	return sh_request_build(a, NULL, 0, req, err);
}

void sh_vf_request_desired(const struct sh_vf_request *v, const struct sh_vf_cfg *cur, struct sh_vf_cfg *want)
{
	const struct sh_vf_setting *s;
	size_t i, n;

	*want = *cur;
	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		if (!(v->knobs & SH_KNOB_BIT(s[i].knob)))
			continue;
		if (v->given & (1u << i))
			sh_vf_setting_copy(&s[i], want, &v->cfg);
		else if (s[i].reset)
			sh_vf_setting_set(&s[i], want, s[i].dflt);
	}
}

/* ---- help: the key tables as --help lines and as the man page's tables ---------------------- */

/* One key of a help table, its help text with *word* marks. */
typedef void (*help_row_fn)(FILE *out, const char *key, const char *help);

static void help_rows(FILE *out, bool settings, help_row_fn row)
{
	const struct sh_vf_setting *s;
	char help[512];
	size_t i, n;

	if (!settings) {
		for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
			row(out, keys[i].name, keys[i].help);
		return;
	}
	for (s = sh_vf_settings(&n), i = 0; i < n; i++)
		row(out, s[i].name, sh_vf_setting_help(&s[i], help, sizeof(help)));
}

/* "  vlan         A VLAN id, 0-4095.", wrapped under the help column at 79 columns. */
static void text_row(FILE *out, const char *key, const char *help)
{
	enum { INDENT = 15, WIDTH = 79 };
	char plain[1024], *word, *save;
	size_t i, j;
	int col;

	for (i = j = 0; help[i] && j + 1 < sizeof(plain); i++)
		if (help[i] != '*')
			plain[j++] = help[i];
	plain[j] = '\0';
	col = fprintf(out, "  %-*s", INDENT - 3, key);
	for (word = strtok_r(plain, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		if (col >= INDENT && col + 1 + (int)strlen(word) > WIDTH)
			col = fprintf(out, "\n%*s", INDENT, "") - 1;
		else
			col += fprintf(out, " ");
		col += fprintf(out, "%s", word);
	}
	fputc('\n', out);
}

void sh_request_help(FILE *out)
{
	fprintf(out, "Annotations: io.sriov.<key> for the first VF, io.sriov.<N>.<key> (N = 1..%d) for more.\n",
		SH_MAX_VFS - 1);
	help_rows(out, false, text_row);
	fprintf(out, "PF-side settings of the VF (ip link set PF vf N ...); what is not given stays as it is:\n");
	help_rows(out, true, text_row);
}

/* Help text in troff: *word* in bold, a range's dash an en dash, other dashes minus signs. */
static void man_text(FILE *out, const char *s)
{
	bool bold = false;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '*') {
			fputs(bold ? "\\fR" : "\\fB", out);
			bold = !bold;
		} else if (*p == '-' && p > s && isdigit((unsigned char)p[-1]) && isdigit((unsigned char)p[1])) {
			fputs("\\(en", out);
		} else if (*p == '-') {
			fputs("\\-", out);
		} else if (*p == '\\') {
			fputs("\\e", out);
		} else {
			fputc(*p, out);
		}
	}
}

static void man_row(FILE *out, const char *key, const char *help)
{
	fprintf(out, "\\fB" SH_ANNOTATION_PREFIX "%s\\fR\tT{\n", key);
	man_text(out, help);
	fprintf(out, "\nT}\n");
}

void sh_request_man(FILE *out)
{
	fprintf(out,
		".\\\" Generated from the key tables (src/request.c, src/vfsetting.c) by sh_request_man();\n"
		".\\\" tests/unit/test_request.c checks it (SH_UPDATE_MAN=1 build/tests/test_request rewrites it).\n"
		".TS\nl lx.\n");
	help_rows(out, false, man_row);
	fprintf(out, ".TE\n.PP\nPF\\-side settings of the VF, with the names and units of\n"
		     ".BI \"ip link set \" PF \" vf \" N \" ...\"\nin\n.BR ip\\-link (8);\n"
		     "a setting that is not given stays as the VF has it:\n.TS\nl lx.\n");
	help_rows(out, true, man_row);
	fprintf(out, ".TE\n.\\\" End of the generated tables.\n");
}
