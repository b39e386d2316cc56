/* Annotations and CDI devices -> request. Keys are io.sriov.<key> for the first VF and
 * io.sriov.<N>.<key> (N = 1..7) for more; a CDI device's hook names its VF in its arguments and
 * takes the slot of its place among the devices. Every key and value is checked here so that
 * nothing later has to guess. The keys are two tables: the VF and its interface (below), and the
 * PF-side settings (vfsetting.c). */
#include "sriov-hook/input/request.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/cpuset.h"
#include "sriov-hook/core/vfsetting.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define MTU_MIN 68
#define MTU_MAX 65535
#define VF_INDEX_MAX 65535

/* One VF slot of the request as it is built: the keys given (bit key_index()) and which of them
 * came from variables (env_fallback), so that messages spell each key as the user wrote it. */
struct slot {
	bool used, has_vf, has_pool;
	uint64_t given, from_env;
};

/* What a message calls a key: "annotation io.sriov.vlan", or "variable SRIOV_VLAN" when the value
 * came from the process environment (env_fallback). */
static const char *kind(const char *key)
{
	return strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)) ? "variable" : "annotation";
}

/* what: the key as the message names it, "annotation io.sriov.vf" or "--vf". */
static int bad(struct sh_error *err, const char *what, const char *value, const char *accepted)
{
	return sh_err(err, EINVAL, "%s: \"%.64s\" is not %s", what, value, accepted);
}

static int parse_ip_list(const char *key, const char *value, bool cidr, struct sh_ip *out, size_t max, size_t *n,
			 struct sh_error *err)
{
	char buf[1024], *tok, *next;

	if (strlen(value) >= sizeof(buf))
		return sh_err(err, EINVAL, "%s: value too long (at most %zu bytes)", key, sizeof(buf) - 1);
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
			return sh_err(err, EINVAL, "%s: more than %zu entries: give at most %zu", key, max, max);
		if (sh_parse_ip(tok, cidr, &out[*n]) < 0)
			return bad(err, key, tok,
				   cidr ? "an IPv4 or IPv6 address with a prefix length (10.0.0.2/24, fd00::2/64)"
					: "an IPv4 or IPv6 address");
		(*n)++;
	}
	return 0; /* at least one: an empty value is an empty entry, refused above */
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
		if (v->select != SH_VF_POOL) /* with a pool: that VF of the pool */
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

static int parse_pool(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	char accepted[160];

	if (!sh_pool_name_valid(value)) {
		snprintf(accepted, sizeof(accepted),
			 "a pool name (1-%d letters, digits, '_', '.', ':' or '-', beginning and ending with a letter "
			 "or "
			 "digit)",
			 SH_POOL_NAME_MAX);
		return bad(err, key, value, accepted);
	}
	/* a VF PCI address given before stays: that VF of the pool */
	if (v->select != SH_VF_PCI)
		v->vf_pci[0] = '\0';
	v->select = SH_VF_POOL;
	snprintf(v->pool, sizeof(v->pool), "%s", value);
	return 0;
}

static int parse_mode(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	if (!sh_vf_mode_from_name(value, &v->mode))
		return bad(err, key, value, "netdev or vfio");
	v->has_mode = true;
	return 0;
}

int sh_numa_policy_parse(const char *value, enum sh_numa_policy *policy, unsigned *node)
{
	static const char *const names[] = {"prefer", "strict", "any"};
	unsigned long n;
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(names); i++)
		if (!strcmp(value, names[i])) {
			*policy = (enum sh_numa_policy)i;
			return 0;
		}
	if (sh_parse_uint(value, SH_CPUSET_MAX - 1, &n) < 0)
		return -EINVAL;
	*policy = SH_NUMA_NODE;
	*node = (unsigned)n;
	return 0;
}

static int parse_numa(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	if (sh_numa_policy_parse(value, &v->numa, &v->numa_node) < 0)
		return bad(err, key, value, SH_NUMA_ACCEPTED);
	v->has_numa = true;
	return 0;
}

static int parse_near(struct sh_vf_request *v, const char *key, const char *value, struct sh_error *err)
{
	if (!strcmp(value, "auto"))
		snprintf(v->near, sizeof(v->near), "auto");
	else if (sh_parse_pci_addr(value, v->near) < 0)
		return bad(err, key, value, "a PCI address (0000:af:00.0) or \"auto\"");
	return 0;
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
	 "Required unless *pool* is given. VF index (0-" STR(VF_INDEX_MAX) "), *auto* (the lowest free VF "
	 "of the PF: one nobody claimed whose netdev is on the host; a VF whose claim is stale is taken over "
	 "when no such VF is left), or a VF PCI address (then *pf* is optional)."},
	{"pool", parse_pool,
	 "Instead of *pf* and *vf*: a pool of the configuration (*pools*); the hook takes a free VF of the "
	 "pool, and never one outside it. The pool's PF-side settings are the administrator's: naming a "
	 "setting of the same netlink attribute (*vlan* for *qos*) is refused."},
	{"mode", parse_mode,
	 "*netdev* (the default): the VF's netdev is moved into the container. *vfio*: the VF is bound to "
	 "vfio-pci for a user-space driver (DPDK) and the container gets /dev/vfio/vfio and the VF's IOMMU "
	 "group, plus SRIOV_VFIO_* variables and /run/sriov/vfio.json that tell it the VF; its PF-side "
	 "settings apply as for a netdev VF, the interface keys below do not. The device nodes must exist "
	 "before the container is created: run it through sriov-runc, or give it a vfio pool's CDI device."},
	{"numa", parse_numa,
	 "Where the VF should be when the request leaves it open (*vf=auto*, a pool): *prefer* (the default: "
	 "a free VF on the NUMA nodes of the container's CPUs, *linux.resources.cpu.cpus*, before any other), "
	 "*strict* (only such a VF: refused with a count of the free VFs per node when none is free), *any* "
	 "(the configuration's order), or a node number (only VFs of that node). A VF's node is its PCI "
	 "device's *numa_node*; without a cpuset the order is the configuration's. The claim's log line says "
	 "why this VF (*local to node 1*, *no local VF free*)."},
	{"near", parse_near,
	 "A PCI address (*0000:af:00.0*: a GPU, an accelerator) or *auto* (the PCI devices behind the "
	 "container's character devices, *linux.devices*: a render node's device, or every device of a vfio "
	 "group node's IOMMU group): prefer the VF whose PF shares the longest PCIe "
	 "path with it (the same switch, then root port, then root complex), then the NUMA rule (the log line: "
	 "*near 0000:af:00.0 via switch 0000:ae:00.0*). Refused when the address is no PCI device."},
		{"ifname", parse_ifname, "Name inside the container; default *eth0* when free there (and the engine adds none later), else *net1*, *net2*, ..."},
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

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
		if (!strcmp(name, keys[i].name))
			return &keys[i];
	return NULL;
}

/* A key's place in the two tables: keys[] first, then the PF-side settings; -1 for none. */
static int key_index(const char *name)
{
	const struct key *k = find_key(name);
	size_t i;

	if (k)
		return (int)(k - keys);
	if (sh_vf_setting_find(name, &i))
		return (int)(SH_ARRAY_SIZE(keys) + i);
	return -1;
}
_Static_assert(SH_ARRAY_SIZE(keys) <= 32, "a slot keeps its keys in a 64-bit mask with the 32 settings");
#define KEY_BIT(name) (UINT64_C(1) << key_index(name))

/* How messages name keys: "<what><p><key>" (what "annotation ", p "io.sriov.2."; a pool's "config: "
 * and its own prefix; the hook's "" and "--"), or, for a slot of the request, each key as it was
 * given: an annotation, or the variable it came from. */
struct namer {
	const char *what, *p;
	const struct slot *sl; /* NULL: the prefix form */
	unsigned slot;
};

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

/* Key name in a message about key about, with the word before it ("annotation ", "variable ") when
 * lead is set. A key that was not given is spelled like about, or, when about was not given either,
 * as variables when every key of the slot came from one. */
static const char *key_name(const struct namer *nm, const char *name, const char *about, bool lead, char *buf,
			    size_t len)
{
	char key[64];
	bool env;

	if (!nm->sl) {
		snprintf(buf, len, "%s%s%s", lead ? nm->what : "", nm->p, name);
		return buf;
	}
	if (nm->sl->given & KEY_BIT(name))
		env = nm->sl->from_env & KEY_BIT(name);
	else if (nm->sl->given & KEY_BIT(about))
		env = nm->sl->from_env & KEY_BIT(about);
	else
		env = nm->sl->given && nm->sl->from_env == nm->sl->given;
	spell(nm->slot, name, env, key, sizeof(key));
	snprintf(buf, len, "%s%s", lead ? (env ? "variable " : "annotation ") : "", key);
	return buf;
}

/* The keys that say which VF: a CDI device's hook gives them as arguments. */
static bool is_selector(const char *name)
{
	return !strcmp(name, "pf") || !strcmp(name, "vf") || !strcmp(name, "pool") || !strcmp(name, "mode");
}

static int set_key(struct sh_vf_request *v, const char *name, const char *key, const char *value, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	const struct key *k = find_key(name);
	char accepted[128], what[128];
	size_t i;

	snprintf(what, sizeof(what), "%s %s", kind(key), key);
	if (k)
		return k->parse(v, what, value, err);
	if (!(s = sh_vf_setting_find(name, &i)))
		return unknown_key(key, err);
	if (sh_vf_setting_parse(s, value, &v->cfg) < 0)
		return bad(err, what, value, sh_vf_setting_accepted(s, accepted, sizeof(accepted)));
	v->given |= 1u << i;
	v->knobs |= SH_KNOB_BIT(s->knob);
	return 0;
}

int sh_request_set_selector(struct sh_vf_request *v, const char *name, const char *value, const char *what,
			    struct sh_error *err)
{
	if (!is_selector(name))
		return sh_err(err, EINVAL, "%s: \"%s\" does not say which VF (pf, vf, pool or mode)", what, name);
	return find_key(name)->parse(v, what, value, err);
}

static int check_selector(const struct sh_vf_request *v, bool has_vf, bool has_pool, const struct namer *nm,
			  struct sh_error *err)
{
	char a[80], b[80], c[80];

	if (has_pool && (v->pf[0] || (has_vf && (v->select != SH_VF_POOL || !v->vf_pci[0]))))
		return sh_err(err, EINVAL, "%s picks the VF: give it without %s and %s",
			      key_name(nm, "pool", "pool", true, a, sizeof(a)),
			      key_name(nm, "pf", "pool", false, b, sizeof(b)),
			      key_name(nm, "vf", "pool", false, c, sizeof(c)));
	if (!has_pool && !has_vf)
		return sh_err(
			err, EINVAL, "%s is missing: give it (a VF index, \"auto\" or a VF PCI address), or give %s",
			key_name(nm, "vf", "pf", true, a, sizeof(a)), key_name(nm, "pool", "pf", false, b, sizeof(b)));
	if (!has_pool && !v->pf[0] && v->select != SH_VF_PCI)
		return sh_err(
			err, EINVAL, "%s is missing: give it (a PF name or PCI address), or give %s a VF PCI address",
			key_name(nm, "pf", "vf", true, a, sizeof(a)), key_name(nm, "vf", "vf", false, b, sizeof(b)));
	return 0;
}

int sh_request_check_selector(const struct sh_vf_request *v, bool has_vf, bool has_pool, const char *what,
			      const char *p, struct sh_error *err)
{
	const struct namer nm = {.what = what, .p = p};

	return check_selector(v, has_vf, has_pool, &nm, err);
}

bool sh_request_has_own(const struct sh_request *req, enum sh_vf_mode mode)
{
	size_t i;

	for (i = 0; i < req->n; i++)
		if (!req->vf[i].elsewhere && req->vf[i].mode == mode)
			return true;
	return false;
}

size_t sh_request_count_own(const struct sh_request *req)
{
	size_t i, n = 0;

	for (i = 0; i < req->n; i++)
		n += !req->vf[i].elsewhere;
	return n;
}

const char *sh_request_selector_key(const struct sh_vf_request *v, char *buf, size_t len)
{
	char vf[SH_PCI_LEN];

	if (v->select == SH_VF_POOL) {
		snprintf(buf, len, "pool=%s%s%s", v->pool, v->vf_pci[0] ? " vf=" : "", v->vf_pci);
		return buf;
	}
	if (v->select == SH_VF_AUTO)
		snprintf(vf, sizeof(vf), "auto");
	else if (v->select == SH_VF_PCI)
		snprintf(vf, sizeof(vf), "%s", v->vf_pci);
	else
		snprintf(vf, sizeof(vf), "%u", v->vf_index);
	snprintf(buf, len, "%s%s%svf=%s", v->pf[0] ? "pf=" : "", v->pf, v->pf[0] ? " " : "", vf);
	return buf;
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
			return sh_err(err, EINVAL, "annotation %s: VF slot %u is out of range: use slots 1-%d", key,
				      *slot, SH_MAX_VFS - 1);
	}
	return 0;
}

/* Whether the settings name the setting called name with a value above 0; *value gets it. */
static bool named_above_zero(unsigned given, const struct sh_vf_cfg *cfg, const char *name, unsigned *value)
{
	size_t i;
	const struct sh_vf_setting *s = sh_vf_setting_find(name, &i);

	*value = sh_vf_setting_get(s, cfg);
	return (given & (1u << i)) && *value > 0;
}

/* What the table says of the settings named together: what each needs, what each may not exceed. */
static int check_settings(unsigned given, const struct sh_vf_cfg *cfg, const struct namer *nm, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	char word[32], a[80], b[80], c[80];
	unsigned value, other;
	size_t i, n;

	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		if (!(given & (1u << i)) || s[i].kind != SH_CFG_UINT)
			continue;
		value = sh_vf_setting_get(&s[i], cfg);
		if (s[i].needs && value != s[i].dflt && !named_above_zero(given, cfg, s[i].needs, &other)) {
			/* "qos needs", "vlan_proto 802.1ad needs": a word says which value needs it */
			word[0] = '\0';
			if (s[i].words)
				sh_vf_setting_format(&s[i], cfg, word, sizeof(word));
			return sh_err(err, EINVAL, "%s%s%s needs %s greater than 0: set %s too, or remove %s",
				      key_name(nm, s[i].name, s[i].name, true, a, sizeof(a)), word[0] ? " " : "", word,
				      key_name(nm, s[i].needs, s[i].name, false, b, sizeof(b)), b,
				      key_name(nm, s[i].name, s[i].name, false, c, sizeof(c)));
		}
		if (s[i].at_most && named_above_zero(given, cfg, s[i].at_most, &other) && value > other)
			return sh_err(err, EINVAL, "%s (%u) is greater than %s (%u): give at most %u",
				      key_name(nm, s[i].name, s[i].name, true, a, sizeof(a)), value,
				      key_name(nm, s[i].at_most, s[i].name, false, b, sizeof(b)), other, other);
	}
	return 0;
}

int sh_vf_settings_check(unsigned given, const struct sh_vf_cfg *cfg, const char *what, const char *p,
			 struct sh_error *err)
{
	const struct namer nm = {.what = what, .p = p};

	return check_settings(given, cfg, &nm, err);
}

/* The keys of v's settings as a slot names them: given, and which came from variables. */
static void slot_of_request(const struct sh_vf_request *v, struct slot *sl)
{
	const struct sh_vf_setting *s;
	size_t i, n;

	memset(sl, 0, sizeof(*sl));
	for (s = sh_vf_settings(&n), i = 0; i < n; i++)
		if (v->given & (1u << i))
			sl->given |= KEY_BIT(s[i].name);
	sl->from_env = v->env_keys & sl->given;
}

const char *sh_request_key_name(const struct sh_vf_request *v, const char *name, char *buf, size_t len)
{
	char key[64];
	bool env;

	if (v->device[0] && is_selector(name)) {
		snprintf(buf, len, "CDI device \"%s\"", v->device);
		return buf;
	}
	env = key_index(name) >= 0 && (v->env_keys & KEY_BIT(name));
	spell(v->slot, name, env, key, sizeof(key));
	snprintf(buf, len, "%s %s", env ? "variable" : "annotation", key);
	return buf;
}

int sh_request_check_settings(const struct sh_vf_request *v, struct sh_error *err)
{
	struct slot sl;
	const struct namer nm = {.sl = &sl, .slot = v->slot};

	slot_of_request(v, &sl);
	return check_settings(v->given, &v->cfg, &nm, err);
}

static int check_gateways(const struct sh_vf_request *v, const struct namer *nm, struct sh_error *err)
{
	char key[80], ip[80];
	size_t i, j;

	key_name(nm, "gateway", "gateway", true, key, sizeof(key));
	for (i = 0; i < v->n_gateways; i++) {
		const struct sh_ip *gw = &v->gateways[i];
		bool reachable = false, linklocal = gw->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&gw->a.v6);
		char buf[64];

		for (j = 0; j < i; j++)
			if (v->gateways[j].family == gw->family)
				return sh_err(err, EINVAL, "%s: more than one IPv%d gateway: give one per family", key,
					      gw->family == AF_INET ? 4 : 6);
		for (j = 0; j < v->n_addrs; j++)
			if (v->addrs[j].family == gw->family)
				reachable = reachable || linklocal || sh_ip_in_subnet(gw, &v->addrs[j]);
		if (!reachable)
			return sh_err(
				err, EINVAL,
				"%s: %s is not in the subnet of any IPv%d address of %s; give a next hop inside one",
				key, sh_format_ip(gw, buf, sizeof(buf)), gw->family == AF_INET ? 4 : 6,
				key_name(nm, "ip", "gateway", false, ip, sizeof(ip)));
	}
	return 0;
}

/* A vfio VF gives the container no netdev: the keys about one do not apply. */
static int check_vfio(const struct slot *sl, const struct sh_vf_request *v, const struct namer *nm,
		      struct sh_error *err)
{
	static const char *const netdev_keys[] = {"ifname", "mtu", "ip", "gateway"};
	char a[80], b[80];
	size_t i;

	if (v->mode != SH_MODE_VFIO)
		return 0;
	for (i = 0; i < SH_ARRAY_SIZE(netdev_keys); i++)
		if (sl->given & KEY_BIT(netdev_keys[i]))
			return sh_err(err, EINVAL,
				      "%s does not apply with %s vfio: the container gets no netdev; remove it",
				      key_name(nm, netdev_keys[i], netdev_keys[i], true, a, sizeof(a)),
				      key_name(nm, "mode", netdev_keys[i], false, b, sizeof(b)));
	return 0;
}

/* The slots before n_devices are the devices': their VF comes from the hook's arguments. */
static int check_slot(const struct slot *sl, unsigned s, const struct sh_vf_request *v, bool device,
		      struct sh_error *err)
{
	const struct namer nm = {.sl = sl, .slot = s};
	int r;

	if (!device && (r = check_selector(v, sl->has_vf, sl->has_pool, &nm, err)) < 0)
		return r;
	/* A pool's slot is checked once its pool's settings are in (sh_request_check_settings): the
	 * vlan qos needs may be the pool's, or the pool may forbid what the container names. */
	if (!sl->has_pool && v->select != SH_VF_POOL && (r = check_settings(v->given, &v->cfg, &nm, err)) < 0)
		return r;
	if ((r = check_vfio(sl, v, &nm, err)) < 0)
		return r;
	return check_gateways(v, &nm, err);
}

/* For an entry SRIOV_[N_]<KEY>=value of process.env that spells a known key: its slot, its key
 * (lower case) in name, and where its value starts. Only the spelling spell() gives is taken:
 * SRIOV_vlan, SRIOV_VLANID, SRIOV_0_VF and SRIOV_8_VF are no keys. */
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

/* Variables the hook and sriov-runc set or read themselves (vfioinfo's SRIOV_VFIO_*, the wrapper's
 * SRIOV_HOOK_CONFIG): not misspelt keys. */
static const char *const own_env_prefixes[] = {"SRIOV_VFIO_", "SRIOV_HOOK_"};

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* Levenshtein distance of two short lower-case words (at most 31 characters each). */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[32], prev, next, i, j, la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 31 || lb > 31)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			next = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev : 1 + min3(prev, row[j], row[j - 1]);
			prev = next;
		}
	}
	return row[lb];
}

/* How far name is from key: a key the name begins with (SRIOV_IPADDR and ip) is nearer than any
 * spelling slip, the longer the nearer; otherwise the edit distance, counted after those. */
static unsigned key_distance(const char *name, const char *key)
{
	size_t len = strlen(key);

	if (len >= 2 && !strncmp(name, key, len))
		return 32 - (unsigned)len;
	return 32 + distance(name, key);
}

/* The known key nearest to name (lower case), for "not a key: the nearest is ...". */
static const char *nearest_key(const char *name)
{
	const struct sh_vf_setting *st;
	const char *best = keys[0].name;
	unsigned d, best_d = UINT_MAX;
	size_t i, n;

	for (i = 0; i < SH_ARRAY_SIZE(keys); i++)
		if ((d = key_distance(name, keys[i].name)) < best_d)
			best_d = d, best = keys[i].name;
	for (st = sh_vf_settings(&n), i = 0; i < n; i++)
		if ((d = key_distance(name, st[i].name)) < best_d)
			best_d = d, best = st[i].name;
	return best;
}

static void append(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *out, size_t len, const char *fmt, ...)
{
	size_t at = strlen(out);
	va_list ap;

	va_start(ap, fmt);
	if (at < len)
		vsnprintf(out + at, len - at, fmt, ap);
	va_end(ap);
}

size_t sh_request_env_unused(char *const *env, size_t n_env, bool fallback, char *out, size_t len)
{
	char off[512] = "", unknown[1024] = "", name[32] = "", near[48];
	size_t i, k, n_off = 0, n_unknown = 0;
	const char *value, *p, *eq;
	unsigned slot;
	bool own;

	out[0] = '\0';
	for (i = 0; i < n_env; i++) {
		if (strncmp(env[i], SH_ENV_PREFIX, strlen(SH_ENV_PREFIX)) || !(eq = strchr(env[i], '=')))
			continue;
		for (own = false, k = 0; k < SH_ARRAY_SIZE(own_env_prefixes); k++)
			own = own || !strncmp(env[i], own_env_prefixes[k], strlen(own_env_prefixes[k]));
		if (own)
			continue;
		if (env_entry_key(env[i], &slot, name, &value)) {
			if (!fallback)
				append(off, sizeof(off), "%s%.*s", n_off++ ? ", " : "", (int)(eq - env[i]), env[i]);
			continue;
		}
		/* Not a key: the nearest one, in the variable's own slot and spelling. */
		p = env[i] + strlen(SH_ENV_PREFIX);
		slot = p[0] >= '1' && p[0] <= '9' && p[1] == '_' ? (unsigned)(p[0] - '0') : 0;
		p += slot ? 2 : 0;
		for (k = 0; p + k < eq && k < sizeof(name) - 1; k++)
			name[k] = (char)tolower((unsigned char)p[k]);
		name[k] = '\0';
		spell(slot, nearest_key(name), true, near, sizeof(near));
		append(unknown, sizeof(unknown), "%s%.*s (not a key; the nearest is %s)", n_unknown++ ? ", " : "",
		       (int)(eq - env[i]), env[i], near);
	}
	if (n_off)
		append(out, len, "%s not read: env_fallback is off in the configuration", off);
	if (n_unknown)
		append(out, len, "%s%s", n_off ? "; " : "", unknown);
	return n_off + n_unknown;
}

/* A key of a CDI device's slot that says which VF: the device's hook arguments do. */
static int device_selector(const char *what, const char *key, unsigned s, const struct sh_vf_request *dev,
			   struct sh_error *err)
{
	return sh_err(err, EINVAL,
		      "%s %s: slot %u is CDI device \"%s\", whose hook names its VF: give the container another "
		      "device instead",
		      what, key, s, dev->device);
}

int sh_request_build_with_env(const struct sh_annotations *a, char *const *env, size_t n_env,
			      const struct sh_vf_request *devices, size_t n_devices, struct sh_request *req,
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
	if (n_devices > SH_MAX_VFS)
		return sh_err(err, EINVAL, "the container has %zu sriov-hook CDI devices: give at most %d", n_devices,
			      SH_MAX_VFS);
	for (s = 0; s < n_devices; s++) {
		vfs[s] = devices[s];
		sh_request_selector_key(&devices[s], vfs[s].device, sizeof(vfs[s].device));
		slots[s].used = true;
	}
	for (i = 0; i < a->n; i++) {
		const char *key = a->items[i].key;

		if (strncmp(key, SH_ANNOTATION_PREFIX, strlen(SH_ANNOTATION_PREFIX)))
			continue;
		if ((r = split_key(key, &s, &name, err)) < 0)
			return r;
		if (s < n_devices && is_selector(name))
			return device_selector("annotation", key, s, &vfs[s], err);
		if ((r = set_key(&vfs[s], name, key, a->items[i].value, err)) < 0)
			return r;
		slots[s].used = true;
		slots[s].has_vf = slots[s].has_vf || !strcmp(name, "vf");
		slots[s].has_pool = slots[s].has_pool || !strcmp(name, "pool");
		slots[s].given |= KEY_BIT(name);
	}
	/* Variables fill in what no annotation gave; among variables of one key the first wins. One
	 * pass with a table lookup per entry: an image may carry thousands of variables. */
	for (i = 0; i < n_env; i++) {
		if (!env_entry_key(env[i], &s, lower, &value) || (slots[s].given & KEY_BIT(lower)))
			continue;
		spell(s, lower, true, var, sizeof(var));
		if (s < n_devices && is_selector(lower))
			return device_selector("variable", var, s, &vfs[s], err);
		if ((r = set_key(&vfs[s], lower, var, value, err)) < 0)
			return r;
		slots[s].used = true;
		slots[s].has_vf = slots[s].has_vf || !strcmp(lower, "vf");
		slots[s].has_pool = slots[s].has_pool || !strcmp(lower, "pool");
		slots[s].given |= KEY_BIT(lower);
		slots[s].from_env |= KEY_BIT(lower);
		vfs[s].env_keys |= KEY_BIT(lower);
	}
	for (s = 0; s < SH_MAX_VFS; s++) {
		if (!slots[s].used)
			continue;
		if ((r = check_slot(&slots[s], s, &vfs[s], s < n_devices, err)) < 0)
			return r;
		vfs[s].slot = s;
		req->vf[req->n++] = vfs[s];
	}
	return 0;
}

int sh_request_build(const struct sh_annotations *a, const struct sh_vf_request *devices, size_t n_devices,
		     struct sh_request *req, struct sh_error *err)
{
	return sh_request_build_with_env(a, NULL, 0, devices, n_devices, req, err);
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

/* ---- help: the key tables as --help lines (tools/man_tables.c makes the man page's of them) ---- */

void sh_request_help_rows(FILE *out, bool settings, sh_request_row_fn row)
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
	sh_request_help_rows(out, false, text_row);
	fprintf(out, "PF-side settings of the VF (ip link set PF vf N ...); what is not given stays as it is:\n");
	sh_request_help_rows(out, true, text_row);
}
