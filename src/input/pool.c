/* Pools of VFs from the configuration: selectors in the SR-IOV device plugin's syntax and the
 * administrator's PF-side settings, read through the VF settings table so that every setting a
 * container may ask for is one an administrator may fix for a pool. */
#include "sriov-hook/input/pool.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sriov-hook/core/vfsetting.h"

static int parse_index(const char *s, unsigned *out)
{
	unsigned long n;

	if (sh_parse_uint(s, SH_SELECTOR_MAX_INDEX, &n) < 0)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

/* "0-3,6" into ranges: each entry an index or first-last, first <= last, none empty. */
static int parse_ranges(char *list, struct sh_pool_selector *out, const char *what, struct sh_error *err)
{
	char *tok, *next, *dash;
	struct sh_vf_range r;

	for (tok = list; tok; tok = next) {
		if ((next = strchr(tok, ',')))
			*next++ = '\0';
		if ((dash = strchr(tok, '-')))
			*dash = '\0';
		if (parse_index(tok, &r.first) < 0 || (dash && parse_index(dash + 1, &r.last) < 0))
			return sh_err(err, EINVAL,
				      "%s: \"%s%s%s\" is not a VF index or range (0-%d, as in \"ens1f0#0-3,6\")", what,
				      tok, dash ? "-" : "", dash ? dash + 1 : "", SH_SELECTOR_MAX_INDEX);
		if (!dash)
			r.last = r.first;
		if (r.first > r.last)
			return sh_err(err, EINVAL, "%s: range %u-%u ends before it begins: give it as %u-%u", what,
				      r.first, r.last, r.last, r.first);
		if (out->n_ranges == SH_SELECTOR_MAX_RANGES)
			return sh_err(err, EINVAL, "%s: more than %d ranges: give at most %d", what,
				      SH_SELECTOR_MAX_RANGES, SH_SELECTOR_MAX_RANGES);
		out->ranges[out->n_ranges++] = r;
	}
	return 0;
}

int sh_pool_selector_parse(const char *s, struct sh_pool_selector *out, const char *what, struct sh_error *err)
{
	char buf[256], *hash;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= sizeof(buf))
		return sh_err(err, EINVAL, "%s: selector too long (at most %zu characters)", what, sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", s);
	if ((hash = strchr(buf, '#')))
		*hash = '\0';
	if (sh_parse_pci_addr(buf, out->pf) < 0) {
		if (!sh_ifname_valid(buf))
			return sh_err(err, EINVAL,
				      "%s: \"%.64s\" is not a PF name or PCI address (a selector is \"ens1f0#0-3,6\", "
				      "\"0000:3b:00.1#0-7\" or a PF alone)",
				      what, buf);
		snprintf(out->pf, sizeof(out->pf), "%.*s", IFNAMSIZ - 1, buf);
	}
	return hash ? parse_ranges(hash + 1, out, what, err) : 0;
}

bool sh_pool_selector_names_pf(const struct sh_pool_selector *sel, const char *pf_name, const char *pf_pci)
{
	return (pf_name && pf_name[0] && !strcmp(sel->pf, pf_name)) || (pf_pci && !strcasecmp(sel->pf, pf_pci));
}

bool sh_pool_selector_has(const struct sh_pool_selector *sel, const char *pf_name, const char *pf_pci, unsigned index)
{
	size_t i;

	if (!sh_pool_selector_names_pf(sel, pf_name, pf_pci))
		return false;
	if (sel->n_ranges == 0)
		return true;
	for (i = 0; i < sel->n_ranges; i++)
		if (index >= sel->ranges[i].first && index <= sel->ranges[i].last)
			return true;
	return false;
}

const char *sh_pool_selector_format(const struct sh_pool_selector *sel, char *buf, size_t len)
{
	size_t i, at;

	snprintf(buf, len, "%s", sel->pf);
	for (i = 0; i < sel->n_ranges && (at = strlen(buf)) + 1 < len; i++) {
		if (sel->ranges[i].first == sel->ranges[i].last)
			snprintf(buf + at, len - at, "%c%u", i ? ',' : '#', sel->ranges[i].first);
		else
			snprintf(buf + at, len - at, "%c%u-%u", i ? ',' : '#', sel->ranges[i].first,
				 sel->ranges[i].last);
	}
	return buf;
}

/* ---- the configuration's "pools" ------------------------------------------------------------- */

static int parse_vfs(yajl_val v, struct sh_pool *p, struct sh_error *err)
{
	char what[128];
	size_t i;
	int r;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return sh_err(err, EINVAL,
			      "config: pools.%s: \"vfs\" must be a non-empty list of selectors (\"ens1f0#0-3,6\")",
			      p->name);
	if (v->u.array.len > SH_POOL_MAX_SELECTORS)
		return sh_err(err, EINVAL, "config: pools.%s has more than %d selectors: give at most %d", p->name,
			      SH_POOL_MAX_SELECTORS, SH_POOL_MAX_SELECTORS);
	if (!(p->sel = calloc(v->u.array.len, sizeof(*p->sel))))
		return sh_err(err, ENOMEM, "out of memory");
	for (i = 0; i < v->u.array.len; i++) {
		const char *s = YAJL_GET_STRING(v->u.array.values[i]);

		snprintf(what, sizeof(what), "config: pools.%s[%zu]", p->name, i);
		if (!s)
			return sh_err(err, EINVAL, "%s is not a string: give a selector (\"ens1f0#0-3,6\")", what);
		if ((r = sh_pool_selector_parse(s, &p->sel[i], what, err)) < 0)
			return r;
		p->n_sel++;
	}
	return 0;
}

static int unknown_pool_key(const struct sh_pool *p, const char *key, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	char known[256] = "vfs, driver, numa, release";
	size_t i, n;

	for (s = sh_vf_settings(&n), i = 0; i < n; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), ", %s", s[i].name);
	return sh_err(err, EINVAL, "config: pools.%s: unknown key \"%s\" (known: %s)", p->name, key, known);
}

/* One PF-side setting of a pool, through the settings table as an annotation's would go. */
static int parse_setting(const char *key, yajl_val v, struct sh_pool *p, struct sh_error *err)
{
	const struct sh_vf_setting *s;
	char text[32], accepted[128];
	const char *value = text;
	size_t i;

	if (!(s = sh_vf_setting_find(key, &i)))
		return unknown_pool_key(p, key, err);
	if (YAJL_IS_STRING(v) && v->u.string && !strcmp(v->u.string, "forbid")) {
		p->forbidden |= 1u << i;
		return 0;
	}
	if (s->kind == SH_CFG_MAC)
		return sh_err(
			err, EINVAL,
			"config: pools.%s: \"%s\" cannot be a pool's: a MAC address belongs to one VF, not to "
			"all the VFs of a pool; remove it, or give \"forbid\" to keep its containers from setting one",
			p->name, key);
	if (YAJL_IS_STRING(v))
		value = YAJL_GET_STRING(v);
	else if (YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) >= 0)
		snprintf(text, sizeof(text), "%lld", YAJL_GET_INTEGER(v));
	else
		value = NULL;
	if (!value || sh_vf_setting_parse(s, value, &p->cfg) < 0)
		return sh_err(err, EINVAL, "config: pools.%s.%s must be %s", p->name, key,
			      sh_vf_setting_accepted(s, accepted, sizeof(accepted)));
	p->given |= 1u << i;
	p->knobs |= SH_KNOB_BIT(s->knob);
	return 0;
}

static int parse_pool(const char *name, yajl_val v, struct sh_pool *p, struct sh_error *err)
{
	char prefix[SH_POOL_NAME_MAX + 16];
	yajl_val vfs = NULL;
	size_t i;
	int r;

	memset(p, 0, sizeof(*p));
	if (!sh_pool_name_valid(name))
		return sh_err(
			err, EINVAL,
			"config: pools: \"%.64s\" is not a pool name (1-%d letters, digits, '_', '.', ':' or '-', "
			"beginning and ending with a letter or digit: it names a CDI device)",
			name, SH_POOL_NAME_MAX);
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (YAJL_IS_ARRAY(v))
		return parse_vfs(v, p, err);
	if (!YAJL_IS_OBJECT(v))
		return sh_err(err, EINVAL,
			      "config: pools.%s must be a list of selectors or an object {\"vfs\": [...], settings}",
			      name);
	for (i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];

		if (!strcmp(key, "vfs"))
			vfs = v->u.object.values[i];
		else if (!strcmp(key, "driver")) {
			const char *d = YAJL_GET_STRING(v->u.object.values[i]);

			if (!d || (strcmp(d, SH_VFIO_DRIVER) && strcmp(d, "netdev")))
				return sh_err(err, EINVAL,
					      "config: pools.%s.driver must be \"vfio-pci\" (DPDK, VMs) or \"netdev\" "
					      "(the default: the VF's own kernel driver)",
					      name);
			p->mode = strcmp(d, SH_VFIO_DRIVER) ? SH_MODE_NETDEV : SH_MODE_VFIO;
		} else if (!strcmp(key, "numa")) {
			const char *d = YAJL_GET_STRING(v->u.object.values[i]);

			if (!d || sh_numa_policy_parse(d, &p->numa, &p->numa_node) < 0)
				return sh_err(err, EINVAL,
					      "config: pools.%s.numa must be " SH_NUMA_ACCEPTED " (a string)", name);
			p->has_numa = true;
		} else if (!strcmp(key, "release")) {
			snprintf(prefix, sizeof(prefix), "pools.%s.release", name);
			if ((r = sh_release_parse(v->u.object.values[i], prefix, &p->release, err)) < 0)
				return r;
		} else if ((r = parse_setting(key, v->u.object.values[i], p, err)) < 0)
			return r;
	}
	if (!vfs)
		return sh_err(err, EINVAL,
			      "config: pools.%s has no \"vfs\": add \"vfs\": [selectors] (\"ens1f0#0-3,6\")", name);
	if ((r = parse_vfs(vfs, p, err)) < 0)
		return r;
	snprintf(prefix, sizeof(prefix), "pools.%s.", name);
	return sh_vf_settings_check(p->given, &p->cfg, "config: ", prefix, err);
}

long sh_pool_ranges_overlap(const struct sh_pool_selector *a, const struct sh_pool_selector *b)
{
	static const struct sh_vf_range all = {0, SH_SELECTOR_MAX_INDEX};
	long lowest = -1;
	size_t i, j;

	for (i = 0; i < (a->n_ranges ? a->n_ranges : 1); i++) {
		const struct sh_vf_range *ra = a->n_ranges ? &a->ranges[i] : &all;

		for (j = 0; j < (b->n_ranges ? b->n_ranges : 1); j++) {
			const struct sh_vf_range *rb = b->n_ranges ? &b->ranges[j] : &all;
			unsigned lo = ra->first > rb->first ? ra->first : rb->first;
			unsigned hi = ra->last < rb->last ? ra->last : rb->last;

			if (lo <= hi && (lowest < 0 || lo < (unsigned long)lowest))
				lowest = lo;
		}
	}
	return lowest;
}

/* The lowest VF index both selectors name, when they spell the PF alike; -1 when none. */
static long selectors_overlap(const struct sh_pool_selector *a, const struct sh_pool_selector *b)
{
	return strcasecmp(a->pf, b->pf) ? -1 : sh_pool_ranges_overlap(a, b);
}

/* A VF in two pools would be handed out by the first alone, the second's settings bypassed: an
 * error, named by both pools and the VF. (A PF spelt by name in one and by PCI address in the
 * other is only known to be the same on the host: sh_pools_check_host.) */
static int refuse_shared_vfs(const struct sh_pool *pools, size_t n, struct sh_error *err)
{
	size_t i, j, a, b;
	long vf;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && pools[i].sel; j++)
			for (a = 0; a < pools[i].n_sel && pools[j].sel; a++)
				for (b = 0; b < pools[j].n_sel; b++)
					if ((vf = selectors_overlap(&pools[i].sel[a], &pools[j].sel[b])) >= 0)
						return sh_err(err, EINVAL,
							      "config: VF %ld of %s is in pools.%s and pools.%s: a VF "
							      "belongs to one pool (the other's settings would be "
							      "bypassed); remove it from one of them",
							      vf, pools[i].sel[a].pf, pools[i].name, pools[j].name);
	return 0;
}

int sh_release_parse(yajl_val v, const char *what, enum sh_release_mode *mode, struct sh_error *err)
{
	const char *s = YAJL_GET_STRING(v);

	if (!s || !sh_release_mode_from_name(s, mode))
		return sh_err(err, EINVAL,
			      "config: %s must be \"restore\" (undo what the holder changed) or \"rebind\" (a fresh "
			      "netdev from the VF's driver)",
			      what);
	return 0;
}

int sh_pools_parse(yajl_val v, struct sh_pool **pools, size_t *n, struct sh_error *err)
{
	struct sh_pool *out;
	size_t i, j;
	int r;

	if (!YAJL_IS_OBJECT(v))
		return sh_err(err, EINVAL, "config: \"pools\" must be an object {\"<name>\": [selectors], ...}");
	if (*pools)
		return sh_err(err, EINVAL, "config: \"pools\" is given twice: give it once");
	if (v->u.object.len > SH_MAX_POOLS)
		return sh_err(err, EINVAL, "config: \"pools\" has more than %d pools: give at most %d", SH_MAX_POOLS,
			      SH_MAX_POOLS);
	if (!(out = calloc(v->u.object.len + 1, sizeof(*out))))
		return sh_err(err, ENOMEM, "out of memory");
	*pools = out;
	*n = 0;
	for (i = 0; i < v->u.object.len; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(v->u.object.keys[i], v->u.object.keys[j]))
				return sh_err(err, EINVAL, "config: pools: \"%.64s\" is given twice: give it once",
					      v->u.object.keys[i]);
		r = parse_pool(v->u.object.keys[i], v->u.object.values[i], &out[i], err);
		(*n)++; /* freed by sh_pools_free, whatever its state */
		if (r < 0)
			return r;
	}
	return refuse_shared_vfs(out, *n, err);
}

void sh_pools_free(struct sh_pool *pools, size_t n)
{
	size_t i;

	for (i = 0; pools && i < n; i++)
		free(pools[i].sel);
	free(pools);
}

const struct sh_pool *sh_pool_find(const struct sh_pool *pools, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(pools[i].name, name))
			return &pools[i];
	return NULL;
}

bool sh_pool_has_vf(const struct sh_pool *p, const char *pf_name, const char *pf_pci, unsigned index)
{
	size_t i;

	for (i = 0; i < p->n_sel; i++)
		if (sh_pool_selector_has(&p->sel[i], pf_name, pf_pci, index))
			return true;
	return false;
}

const struct sh_pool *sh_pool_of_vf(const struct sh_pool *pools, size_t n, const char *pf_name, const char *pf_pci,
				    unsigned index)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sh_pool_has_vf(&pools[i], pf_name, pf_pci, index))
			return &pools[i];
	return NULL;
}

/* ---- a request for a pool's VF ---------------------------------------------------------------- */

/* How the slot's annotations begin: "io.sriov.", "io.sriov.2.". */
static void slot_prefix(const struct sh_vf_request *v, char *buf, size_t len)
{
	if (v->slot)
		snprintf(buf, len, "io.sriov.%u.", v->slot);
	else
		snprintf(buf, len, "io.sriov.");
}

/* The pool's settings of knob, as ip-link spells them: "vlan 100", "spoofchk on". */
static void pool_knob_settings(const struct sh_pool *p, enum sh_knob knob, char *buf, size_t len)
{
	const struct sh_vf_setting *s;
	char value[32];
	size_t i, n, at;

	buf[0] = '\0';
	for (s = sh_vf_settings(&n), i = 0; i < n; i++) {
		if (s[i].knob != knob || !(p->given & (1u << i)) || (at = strlen(buf)) + 1 >= len)
			continue;
		snprintf(buf + at, len - at, "%s%s %s", at ? " " : "", s[i].name,
			 sh_vf_setting_format(&s[i], &p->cfg, value, sizeof(value)));
	}
}

static int no_such_pool(const struct sh_pool *pools, size_t n, const struct sh_vf_request *v, struct sh_error *err)
{
	char known[512] = "", p[32];
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "", pools[i].name);
	slot_prefix(v, p, sizeof(p));
	if (v->device[0])
		return sh_err(err, ENOENT, "CDI device \"%s\": no pool \"%s\" in the configuration (pools: %s)",
			      v->device, v->pool, n ? known : "none");
	return sh_err(err, ENOENT, "annotation %spool: no pool \"%s\" in the configuration (pools: %s)", p, v->pool,
		      n ? known : "none");
}

int sh_pool_apply(const struct sh_pool *pools, size_t n, struct sh_request *req, struct sh_error *err)
{
	static const char *const netdev_keys[] = {"ifname", "mtu", "ip", "gateway"};
	const struct sh_vf_setting *s;
	const struct sh_pool *pool;
	char key[96], fixed[128];
	size_t i, j, n_settings;
	int r;

	s = sh_vf_settings(&n_settings);
	for (i = 0; i < req->n; i++) {
		struct sh_vf_request *v = &req->vf[i];

		if (v->select != SH_VF_POOL)
			continue;
		if (!(pool = sh_pool_find(pools, n, v->pool)))
			return no_such_pool(pools, n, v, err);
		if (v->has_mode && v->mode != pool->mode)
			return sh_err(
				err, EPERM,
				"%s: the VFs of pool \"%s\" are %s VFs, set by the administrator: a container may "
				"not ask for %s; remove it",
				sh_request_key_name(v, "mode", key, sizeof(key)), pool->name,
				sh_vf_mode_name(pool->mode), sh_vf_mode_name(v->mode));
		v->mode = pool->mode;
		if (!v->has_numa && pool->has_numa) {
			v->numa = pool->numa;
			v->numa_node = pool->numa_node;
		}
		if (v->mode == SH_MODE_VFIO && (v->ifname[0] || v->mtu || v->n_addrs || v->n_gateways)) {
			bool set[] = {v->ifname[0] != '\0', v->mtu != 0, v->n_addrs != 0, v->n_gateways != 0};

			for (j = 0; !set[j]; j++)
				;
			return sh_err(err, EINVAL,
				      "%s: the VFs of pool \"%s\" are vfio VFs, which give the container no netdev; "
				      "remove it",
				      sh_request_key_name(v, netdev_keys[j], key, sizeof(key)), pool->name);
		}
		for (j = 0; j < n_settings; j++) {
			if ((v->given & pool->forbidden & (1u << j)))
				return sh_err(
					err, EPERM,
					"%s: pool \"%s\" forbids it: the administrator does not let its containers "
					"set %s; remove it",
					sh_request_key_name(v, s[j].name, key, sizeof(key)), pool->name, s[j].name);
			if (!(v->given & (1u << j)) || !(pool->knobs & SH_KNOB_BIT(s[j].knob)))
				continue;
			pool_knob_settings(pool, s[j].knob, fixed, sizeof(fixed));
			return sh_err(err, EPERM,
				      "%s: the VFs of pool \"%s\" have %s, set by the administrator: a container may "
				      "not change %s; remove it",
				      sh_request_key_name(v, s[j].name, key, sizeof(key)), pool->name, fixed,
				      s[j].name);
		}
		/* What the container's settings need (qos a vlan): a knob its pool fixes it may not touch
		 * (refused above), so what it names needs what it names. Checked here, not with the
		 * request, so that a refusal says the pool's reason first. */
		for (j = 0; j < n_settings; j++)
			if (pool->given & (1u << j))
				sh_vf_setting_copy(&s[j], &v->cfg, &pool->cfg);
		if ((r = sh_request_check_settings(v, err)) < 0)
			return r;
		v->given |= pool->given;
		v->knobs |= pool->knobs;
	}
	return 0;
}
