/* sriovctl doctor: each check looks at one thing an SR-IOV guide tells the operator to verify
 * (IOMMU, VFs enabled, PF link, VF drivers, vfio pools, link state and spoof checking, engine
 * hooks, containerd's annotation lists, runc, state_dir, stale claims, the configuration, the log
 * sink) and says what to run when it is wrong. Configuration files of the engines are looked up
 * under a root (--root) so that an image or a test tree can be checked. */
#define _GNU_SOURCE
#include "sriov-hook/ctl/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/ctl/listing.h"
#include "sriov-hook/ctl/poolcheck.h"
#include "sriov-hook/ctl/toml.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfio.h"

#define CONF_MAX_BYTES (1u << 20)
#define MAX_HOOK_DIRS 16

struct doctor {
	const struct sh_doctor_opts *o;
	struct sh_config cfg;
	const char *config_file;
	void (*report)(const struct sh_check *c, void *data);
	void *data;
	unsigned *counts;
};

const char *sh_check_level_name(enum sh_check_level l)
{
	return l == SH_CHECK_OK ? "ok" : l == SH_CHECK_WARN ? "warn" : "fail";
}

static void check(struct doctor *d, enum sh_check_level level, const char *name, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void check(struct doctor *d, enum sh_check_level level, const char *name, const char *fix, const char *fmt, ...)
{
	struct sh_check c = {.level = level, .name = name};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c.what, sizeof(c.what), fmt, ap);
	va_end(ap);
	snprintf(c.fix, sizeof(c.fix), "%s", fix && level != SH_CHECK_OK ? fix : "");
	d->counts[level]++;
	d->report(&c, d->data);
}

/* A fix text: an absurdly long path may cut it, which only shortens the hint. */
static const char *fixf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *fixf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

/* path under the root of the checked system */
static const char *rooted(const struct doctor *d, const char *path, char *buf)
{
	snprintf(buf, PATH_MAX, "%s%s", d->o->root, path);
	return buf;
}

static bool is_exec(const struct doctor *d, const char *path)
{
	char buf[PATH_MAX];
	struct stat sb;

	return stat(rooted(d, path, buf), &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0111);
}

/* ---- the configuration and the host's SR-IOV -------------------------------------------------- */

static void check_config(struct doctor *d)
{
	struct sh_error err = {0};
	struct stat sb;

	if (!d->o->config && stat(SH_DEFAULT_CONFIG, &sb) < 0) {
		check(d, SH_CHECK_OK, "config", NULL, "no %s: the defaults apply", SH_DEFAULT_CONFIG);
		sh_config_defaults(&d->cfg);
		return;
	}
	if (sh_config_load(d->o->config, &d->cfg, &err) < 0) {
		char fix[SH_ERR_MAX / 2];

		fixf(fix, sizeof(fix), "edit %s (its keys: sriov-hook(8), CONFIGURATION)", d->config_file);
		check(d, SH_CHECK_FAIL, "config", fix, "%s", err.msg);
		/* The other checks go on with the defaults. */
		sh_config_free(&d->cfg);
		sh_config_defaults(&d->cfg);
		return;
	}
	check(d, SH_CHECK_OK, "config", NULL, "%s is valid", d->config_file);
}

static void check_iommu(struct doctor *d, const struct sh_listing *l)
{
	static const char fix[] = "add intel_iommu=on iommu=pt (AMD: amd_iommu=on) to GRUB_CMDLINE_LINUX in "
				  "/etc/default/grub, then update-grub and reboot";
	bool groups = false, units = false;
	size_t i, vfio = 0, pools = 0;

	sh_sysfs_dir_nonempty(d->cfg.sysfs_root, "kernel/iommu_groups", &groups);
	sh_sysfs_dir_nonempty(d->cfg.sysfs_root, "class/iommu", &units);
	for (i = 0; i < l->n_vfs; i++)
		vfio += l->vfs[i].state == SH_VF_VFIO;
	for (i = 0; i < d->cfg.n_pools; i++)
		pools += d->cfg.pools[i].mode == SH_MODE_VFIO;
	if (groups || units)
		check(d, SH_CHECK_OK, "iommu", NULL, "the IOMMU is on (needed to bind VFs to vfio-pci)");
	else if (pools)
		check(d, SH_CHECK_FAIL, "iommu", fix,
		      "the IOMMU is off, yet the configuration has %zu vfio pool(s): their VFs cannot go to vfio-pci",
		      pools);
	else if (vfio)
		check(d, SH_CHECK_FAIL, "iommu", fix, "the IOMMU is off, yet %zu VF(s) are bound to vfio-pci", vfio);
	else
		check(d, SH_CHECK_WARN, "iommu", fix,
		      "the IOMMU is off: VFs cannot be given to VMs or DPDK through vfio-pci (netdev VFs work)");
}

static void check_sriov(struct doctor *d, const struct sh_listing *l)
{
	char fix[1024];
	size_t i, j;

	if (!l->n_pfs) {
		check(d, SH_CHECK_FAIL, "sriov",
		      "enable SR-IOV (and VT-d/AMD-Vi) in the firmware setup; `lspci -vv | grep -i 'single root'` "
		      "shows which devices have the capability",
		      "no SR-IOV network PF found (no network device with sriov_totalvfs in %s)", d->cfg.sysfs_root);
		return;
	}
	for (i = 0; i < l->n_pfs; i++) {
		const struct sh_inv_pf *p = &l->pfs[i].inv;
		const char *name = p->pf.name[0] ? p->pf.name : p->pf.pci;

		if (!p->totalvfs) {
			check(d, SH_CHECK_FAIL, "sriov", "enable SR-IOV for this port in the NIC's firmware setup",
			      "%s: sriov_totalvfs is 0: the device offers no VFs", name);
			continue;
		}
		for (j = 0; j < d->cfg.n_pfs; j++) {
			if (strcmp(d->cfg.pfs[j].pf, p->pf.name) && strcasecmp(d->cfg.pfs[j].pf, p->pf.pci))
				continue;
			if (d->cfg.pfs[j].numvfs != p->pf.numvfs) {
				check(d, SH_CHECK_WARN, "sriov", "sriovctl vfs apply",
				      "%s: %u VFs, the configuration's \"pfs\" asks for %u", name, p->pf.numvfs,
				      d->cfg.pfs[j].numvfs);
				break;
			}
		}
		if (j < d->cfg.n_pfs)
			continue;
		if (!p->pf.numvfs) {
			fixf(fix, sizeof(fix),
			     "add \"pfs\": {\"%s\": {\"numvfs\": %u}} to %s and run sriovctl vfs apply (at boot: "
			     "systemctl enable sriov-hook-vfs.service), or once: echo %u > "
			     "%s/bus/pci/devices/%s/sriov_numvfs",
			     name, p->totalvfs, d->config_file, p->totalvfs, d->cfg.sysfs_root, p->pf.pci);
			check(d, SH_CHECK_FAIL, "sriov", fix,
			      "%s: no VFs enabled (sriov_numvfs 0, the device offers %u)", name, p->totalvfs);
			continue;
		}
		check(d, SH_CHECK_OK, "sriov", NULL, "%s: %u of %u VFs enabled", name, p->pf.numvfs, p->totalvfs);
	}
}

static void report_pool(const struct sh_pool *pool, const char *problems, void *data)
{
	struct doctor *d = data;
	char fix[PATH_MAX + 128];

	fixf(fix, sizeof(fix), "correct pools.%s in %s", pool->name, d->config_file);
	check(d, SH_CHECK_FAIL, "pools", fix, "pool %s: %s", pool->name, problems);
}

/* A pool naming a PF that is not here, or more VFs than it offers, hands out nothing of them. */
static void check_pools(struct doctor *d)
{
	if (d->cfg.n_pools && !sh_pools_check_host(&d->cfg, report_pool, d))
		check(d, SH_CHECK_OK, "pools", NULL, "every pool's PFs and VFs are on this host");
}

static void check_link(struct doctor *d, const struct sh_listing *l)
{
	char fix[256];
	size_t i;

	for (i = 0; i < l->n_pfs; i++) {
		const struct sh_inv_pf *p = &l->pfs[i].inv;

		if (!p->pf.name[0]) {
			fixf(fix, sizeof(fix), "bind the PF to its network driver: echo %s > %s/bus/pci/drivers_probe",
			     p->pf.pci, d->cfg.sysfs_root);
			check(d, SH_CHECK_FAIL, "link", fix, "%s has no network interface (driver: %s)", p->pf.pci,
			      p->driver[0] ? p->driver : "none");
		} else if (!p->admin_up) {
			fixf(fix, sizeof(fix), "ip link set %s up", p->pf.name);
			check(d, SH_CHECK_WARN, "link", fix,
			      "%s is down: its VFs have no link, and rate limits are refused (EINVAL) without carrier",
			      p->pf.name);
		} else if (p->carrier == 0) {
			fixf(fix, sizeof(fix), "check the cable and the switch port of %s (ethtool %s)", p->pf.name,
			     p->pf.name);
			check(d, SH_CHECK_WARN, "link", fix,
			      "%s is up without carrier: its VFs have no link, and rate limits are refused",
			      p->pf.name);
		} else {
			check(d, SH_CHECK_OK, "link", NULL, "%s is up with carrier", p->pf.name);
		}
	}
}

/* VFs that have no netdev on the host and are not held by a container, and what to do. */
static void check_vf_netdevs(struct doctor *d, const struct sh_listing *l)
{
	char fix[512];
	size_t i, problems = 0;

	for (i = 0; i < l->n_vfs; i++) {
		const struct sh_list_vf *v = &l->vfs[i];
		const char *pf = v->inv.vf.pf_name;

		if (v->state != SH_VF_UNUSABLE || v->inv.binding == SH_VF_BOUND_NETDEV)
			continue;
		problems++;
		switch (v->inv.binding) {
		case SH_VF_UNBOUND:
			fixf(fix, sizeof(fix),
			     "echo %s > %s/bus/pci/drivers_probe (or load the VF driver: modprobe iavf / igbvf / "
			     "ixgbevf / mlx5_core)",
			     v->inv.vf.pci, d->cfg.sysfs_root);
			break;
		case SH_VF_BOUND_OTHER:
			fixf(fix, sizeof(fix),
			     "for a container: echo %s > %s/bus/pci/drivers/%s/unbind; echo %s > "
			     "%s/bus/pci/drivers_probe",
			     v->inv.vf.pci, d->cfg.sysfs_root, v->inv.vf.driver, v->inv.vf.pci, d->cfg.sysfs_root);
			break;
		default:
			fixf(fix, sizeof(fix),
			     "find its namespace (ip -all netns exec ip -br link) and move it home: ip -n NS link "
			     "set DEV netns 1");
		}
		check(d, SH_CHECK_WARN, "vf-netdev", fix, "%s VF %u (%s): %s", pf, v->inv.vf.index, v->inv.vf.pci,
		      v->why);
	}
	if (!problems && l->n_vfs)
		check(d, SH_CHECK_OK, "vf-netdev", NULL, "every VF has a netdev, is held by a container or is vfio");
}

/* The other devices of IOMMU group g that keep it from being viable, as the commands that unbind
 * them ("echo 0000:01:00.0 > /sys/bus/pci/drivers/igb/unbind; ..."); "" when none is known. */
static void group_unbind_fix(const struct doctor *d, const char *pci, int g, char *buf, size_t len)
{
	char dir[PATH_MAX + 64], drv[64];
	struct dirent *e;
	size_t used = 0;
	DIR *dp;

	buf[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/kernel/iommu_groups/%d/devices", d->cfg.sysfs_root, g);
	if (!(dp = opendir(dir)))
		return;
	while ((e = readdir(dp)) && used < len) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, pci) ||
		    sh_sysfs_pci_link(d->cfg.sysfs_root, e->d_name, "driver", drv, sizeof(drv)) < 0 ||
		    !strcmp(drv, SH_VFIO_DRIVER) || !strcmp(drv, "pci-stub") || !strcmp(drv, "pcieport"))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%secho %s > %s/bus/pci/drivers/%s/unbind",
					 used ? "; " : "", e->d_name, d->cfg.sysfs_root, drv);
	}
	closedir(dp);
}

/* Each vfio pool: vfio-pci loaded, each VF's IOMMU group viable, each VF on vfio-pci (its CDI
 * device names the group's node, which exists only then). A VF a container holds is its own. */
static void check_vfio(struct doctor *d, const struct sh_listing *l)
{
	char path[PATH_MAX + 64], fix[1024], others[768];
	struct stat sb;
	size_t p, i;

	for (p = 0; p < d->cfg.n_pools; p++) {
		const struct sh_pool *pool = &d->cfg.pools[p];
		size_t n = 0, problems = 0;

		if (pool->mode != SH_MODE_VFIO)
			continue;
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/" SH_VFIO_DRIVER, d->cfg.sysfs_root);
		if (stat(path, &sb) < 0) {
			problems++;
			check(d, SH_CHECK_FAIL, "vfio",
			      "modprobe vfio-pci (at boot: echo vfio-pci > /etc/modules-load.d/vfio-pci.conf)",
			      "pool %s: the vfio-pci driver is not loaded (no %s)", pool->name, path);
		}
		for (i = 0; i < l->n_vfs; i++) {
			const struct sh_list_vf *v = &l->vfs[i];
			const char *pf = v->inv.vf.pf_name[0] ? v->inv.vf.pf_name : v->inv.vf.pf_pci;
			struct sh_error why = {0};
			int g;

			if (v->inv.missing || strcmp(v->pool, pool->name))
				continue;
			n++;
			if (v->has_claim)
				continue;
			if (sh_vfio_iommu_group(d->cfg.sysfs_root, v->inv.vf.pci, &g, &why) < 0) {
				problems++;
				check(d, SH_CHECK_FAIL, "vfio",
				      "turn the IOMMU on (see the iommu check), or take the VF out of the pool",
				      "pool %s: %s VF %u (%s): %s", pool->name, pf, v->inv.vf.index, v->inv.vf.pci,
				      why.msg);
				continue;
			}
			if (sh_vfio_group_check(d->cfg.sysfs_root, v->inv.vf.pci, g, &why) < 0) {
				problems++;
				group_unbind_fix(d, v->inv.vf.pci, g, others, sizeof(others));
				fixf(fix, sizeof(fix),
				     "%s%sor take %s VF %u out of pool %s (a device of its own IOMMU group: ACS on "
				     "the path to it)",
				     others, others[0] ? " (or bind them to vfio-pci); " : "", pf, v->inv.vf.index,
				     pool->name);
				check(d, SH_CHECK_FAIL, "vfio", fix, "pool %s: %s VF %u (%s): %s", pool->name, pf,
				      v->inv.vf.index, v->inv.vf.pci, why.msg);
				continue;
			}
			if (strcmp(v->inv.vf.driver, SH_VFIO_DRIVER)) {
				problems++;
				check(d, SH_CHECK_WARN, "vfio", "sriovctl vfs apply",
				      "pool %s: %s VF %u (%s) is on %s, not vfio-pci: its CDI device (/dev/vfio/%d) "
				      "cannot start a container until it is bound",
				      pool->name, pf, v->inv.vf.index, v->inv.vf.pci,
				      v->inv.vf.driver[0] ? v->inv.vf.driver : "no driver", g);
			}
		}
		if (!problems)
			check(d, SH_CHECK_OK, "vfio", NULL,
			      "pool %s: vfio-pci is loaded; %zu VF(s) on vfio-pci or held, their IOMMU groups viable",
			      pool->name, n);
	}
}

/* IOMMU groups that several VFs share (no ACS between them): whoever opens the group reaches every
 * VF of it, so they are one unit for vfio. One line per group, once the IOMMU is on. */
static void check_iommu_groups(struct doctor *d, const struct sh_listing *l)
{
	char pcis[256], text[512];
	struct sh_error ignored;
	size_t i, j;

	for (i = 0; i < l->n_vfs; i++) {
		int g = l->vfs[i].inv.iommu_group;

		for (j = 0; j < i && l->vfs[j].inv.iommu_group != g; j++)
			;
		if (g < 0 || j < i ||
		    sh_vfio_group_vfs(d->cfg.sysfs_root, g, pcis, sizeof(pcis), text, sizeof(text), &ignored) < 2)
			continue;
		check(d, SH_CHECK_WARN, "iommu-group",
		      "enable ACS on the PCIe path to them (firmware setup) to give them apart",
		      "%s: through vfio they go to one container together (a vfio claim of one takes them all)", text);
	}
}

/* PF-side settings that silently break a VF: link forced down, spoof checking with a MAC the VF
 * does not use. */
static void check_vf_settings(struct doctor *d, const struct sh_listing *l)
{
	static const uint8_t zero[6];
	char fix[512], buf[32], pfmac[18];
	uint8_t own[6];
	size_t i, problems = 0;

	for (i = 0; i < l->n_vfs; i++) {
		const struct sh_list_vf *v = &l->vfs[i];
		const char *pf = v->inv.vf.pf_name;

		if (!v->has_cfg)
			continue;
		if (v->cfg.link_state == SH_VF_LINK_DISABLE) {
			problems++;
			fixf(fix, sizeof(fix), "ip link set %s vf %u state auto", pf, v->inv.vf.index);
			check(d, SH_CHECK_WARN, "vf-link-state", fix,
			      "%s VF %u: link state forced to disable: it never has link", pf, v->inv.vf.index);
		}
		if (!v->cfg.spoofchk || !memcmp(v->cfg.mac, zero, 6) || !v->inv.vf.netdev[0] ||
		    sh_sysfs_net_attr(d->cfg.sysfs_root, v->inv.vf.netdev, "address", buf, sizeof(buf)) < 0 ||
		    sh_parse_mac(buf, own) < 0 || !memcmp(own, v->cfg.mac, 6))
			continue;
		problems++;
		sh_format_mac(v->cfg.mac, pfmac);
		fixf(fix, sizeof(fix),
		     "ip link set %s vf %u mac %s (or: ip link set dev %s address %s; or "
		     "ip link set %s vf %u spoofchk off)",
		     pf, v->inv.vf.index, buf, v->inv.vf.netdev, pfmac, pf, v->inv.vf.index);
		check(d, SH_CHECK_FAIL, "spoofchk", fix,
		      "%s VF %u: spoof checking is on and the PF enforces %s, but %s sends as %s: its frames are "
		      "dropped",
		      pf, v->inv.vf.index, pfmac, v->inv.vf.netdev, buf);
	}
	if (!problems && l->n_vfs)
		check(d, SH_CHECK_OK, "vf-settings", NULL,
		      "no VF has its link forced down or a spoof-checked MAC mismatch");
}

static void check_claims(struct doctor *d, const struct sh_listing *l)
{
	size_t i, stale = 0, returning = 0;

	if (l->claims_result < 0) {
		check(d, SH_CHECK_FAIL, "claims", "see the state-dir check", "cannot read the claims: %s",
		      l->claims_err.msg);
		return;
	}
	for (i = 0; i < l->n_vfs; i++) {
		stale += l->vfs[i].state == SH_VF_STALE;
		returning += l->vfs[i].state == SH_VF_RETURNING;
	}
	if (stale || returning)
		check(d, SH_CHECK_WARN, "claims", "sriovctl gc",
		      "%zu stale claim(s) (their container is gone) and %zu VF(s) not back on the host", stale,
		      returning);
	else
		check(d, SH_CHECK_OK, "claims", NULL, "no stale claim");
}

/* ---- engines ------------------------------------------------------------------------------------ */

/* hooks_dir of [table] in a TOML file, if it sets it: the last assignment wins, across files as
 * the engines merge them. */
static void toml_hooks_dir(const char *path, const char *table, char dirs[][PATH_MAX], size_t *n)
{
	struct sh_error ignored;

	(void)sh_toml_file_strings(path, table, "hooks_dir", dirs, MAX_HOOK_DIRS, n, &ignored);
}

static int conf_d_files(const char *dir, char files[][PATH_MAX], size_t max)
{
	struct dirent **names;
	int i, n = scandir(dir, &names, NULL, alphasort);
	size_t k = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (k < max && len > 5 && !strcmp(names[i]->d_name + len - 5, ".conf") &&
		    snprintf(files[k], PATH_MAX, "%s/%s", dir, names[i]->d_name) < PATH_MAX)
			k++;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return (int)k;
}

struct hook_files {
	bool create, poststop; /* a file for each stage that names sriov-hook */
	bool exec_ok;	       /* the hook it names exists and is executable */
	bool pod_aware;	       /* its condition names io.kubernetes.cri-o.ContainerType */
	char path[PATH_MAX];   /* the hook binary named */
};

static void scan_hook_file(const struct doctor *d, const char *file, struct hook_files *h)
{
	_cleanup_free_ char *text = NULL;
	struct sh_error ignored;
	yajl_val root, hook, stages, when;
	const char *path, *base;
	size_t i;

	if (sh_json_read_file(file, CONF_MAX_BYTES, &text, &ignored) < 0 ||
	    sh_json_parse(text, "hooks file", &root, &ignored) < 0)
		return;
	hook = sh_json_get(root, "hook");
	stages = sh_json_get(root, "stages");
	if (hook && sh_json_get_string(hook, "path", &path) == 0 && (base = strrchr(path, '/')) &&
	    !strcmp(base + 1, "sriov-hook") && stages && YAJL_IS_ARRAY(stages)) {
		for (i = 0; i < stages->u.array.len; i++) {
			const char *s = YAJL_GET_STRING(stages->u.array.values[i]);

			h->create |= s && !strcmp(s, "createRuntime");
			h->poststop |= s && !strcmp(s, "poststop");
		}
		snprintf(h->path, sizeof(h->path), "%s", path);
		h->exec_ok = is_exec(d, path);
		when = sh_json_get(root, "when");
		h->pod_aware |= when && strstr(text, "io.kubernetes.cri-o.ContainerType");
	}
	yajl_tree_free(root);
}

static void scan_hook_dirs(const struct doctor *d, char dirs[][PATH_MAX], size_t n, struct hook_files *h)
{
	char dir[PATH_MAX], file[PATH_MAX * 2];
	struct dirent *e;
	size_t i;
	DIR *dp;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < n; i++) {
		if (!(dp = opendir(rooted(d, dirs[i], dir))))
			continue;
		while ((e = readdir(dp))) {
			size_t len = strlen(e->d_name);

			if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
				snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
				scan_hook_file(d, file, h);
			}
		}
		closedir(dp);
	}
}

static void join_dirs(char dirs[][PATH_MAX], size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", dirs[i]);
}

/* An engine that runs OCI hooks from hooks.d files: where it is installed, where it reads
 * hooks_dir, and what fixes each problem. */
struct hooks_engine {
	const char *check, *label;	       /* "cri-o", "CRI-O" */
	const char *exes[3];		       /* it is installed when one of these is */
	const char *default_dirs[3];	       /* hooks_dir when no file sets it */
	const char *conf_files[3], *conf_d;    /* its TOML files, then a directory of *.conf */
	const char *table;		       /* the table holding hooks_dir */
	const char *fix_missing, *fix_generic; /* fix_generic: NULL when any hooks files do */
};

static const struct hooks_engine podman = {
	.check = "podman",
	.label = "podman",
	.exes = {"/usr/bin/podman"},
	.default_dirs = {"/usr/share/containers/oci/hooks.d", "/etc/containers/oci/hooks.d"},
	.conf_files = {"/usr/share/containers/containers.conf", "/etc/containers/containers.conf"},
	.conf_d = "/etc/containers/containers.conf.d",
	.table = "engine",
	.fix_missing = "make install PREFIX=/usr (puts both files in /usr/share/containers/oci/hooks.d), or add the "
		       "directory holding them to hooks_dir in [engine] of /etc/containers/containers.conf",
};

static const struct hooks_engine crio = {
	.check = "cri-o",
	.label = "CRI-O",
	.exes = {"/usr/bin/crio", "/usr/local/bin/crio"},
	.default_dirs = {"/usr/share/containers/oci/hooks.d"},
	.conf_files = {"/etc/crio/crio.conf"},
	.conf_d = "/etc/crio/crio.conf.d",
	.table = "crio.runtime",
	.fix_missing = "set hooks_dir = [\"" SH_PREFIX "/share/sriov-hook/crio-hooks.d\"] in [crio.runtime] of a file in "
		       "/etc/crio/crio.conf.d/ (the directory make install PREFIX=/usr fills), then systemctl restart "
		       "crio",
	.fix_generic = "point hooks_dir at share/sriov-hook/crio-hooks.d instead (the files fire for the pod sandbox "
		       "only)",
};

static void check_hooks_engine(struct doctor *d, const struct hooks_engine *e)
{
	char dirs[MAX_HOOK_DIRS][PATH_MAX] = {{0}}, files[32][PATH_MAX], path[PATH_MAX], list[1024], fix[1024];
	struct hook_files h;
	bool installed = false;
	size_t i, n = 0;
	int k;

	for (i = 0; i < SH_ARRAY_SIZE(e->exes) && e->exes[i]; i++)
		installed = installed || is_exec(d, e->exes[i]);
	if (!installed) {
		check(d, SH_CHECK_OK, e->check, NULL, "%s is not installed: no hooks directory to check", e->label);
		return;
	}
	for (i = 0; i < SH_ARRAY_SIZE(e->default_dirs) && e->default_dirs[i]; i++)
		snprintf(dirs[n++], PATH_MAX, "%s", e->default_dirs[i]);
	for (i = 0; i < SH_ARRAY_SIZE(e->conf_files) && e->conf_files[i]; i++)
		toml_hooks_dir(rooted(d, e->conf_files[i], path), e->table, dirs, &n);
	k = conf_d_files(rooted(d, e->conf_d, path), files, 32);
	for (i = 0; i < (size_t)k; i++)
		toml_hooks_dir(files[i], e->table, dirs, &n);
	scan_hook_dirs(d, dirs, n, &h);
	join_dirs(dirs, n, list, sizeof(list));
	if (!h.create || !h.poststop) {
		check(d, SH_CHECK_FAIL, e->check, e->fix_missing, "no sriov-hook %s hooks file where %s looks (%s)",
		      !h.create && !h.poststop ? "createRuntime or poststop"
		      : !h.create	       ? "createRuntime"
					       : "poststop",
		      e->label, list);
	} else if (!h.exec_ok) {
		fixf(fix, sizeof(fix), "make install, or correct \"path\" in the hooks files in %s", list);
		check(d, SH_CHECK_FAIL, e->check, fix, "the hooks files name %s, which is not an executable file",
		      h.path);
	} else if (e->fix_generic && !h.pod_aware) {
		check(d, SH_CHECK_WARN, e->check, e->fix_generic,
		      "%s's hooks_dir (%s) has the generic files: they run the hook for every container of a pod",
		      e->label, list);
	} else {
		check(d, SH_CHECK_OK, e->check, NULL, "sriov-hook's hooks files are in %s's hooks_dir (%s)", e->label,
		      list);
	}
}

static bool docker_installed(const struct doctor *d)
{
	return is_exec(d, "/usr/bin/dockerd") || is_exec(d, "/usr/sbin/dockerd");
}

static void check_docker(struct doctor *d)
{
	static const char fix[] = "add {\"runtimes\": {\"sriov\": {\"path\": \"" SH_BINDIR "/sriov-runc\"}}} to "
				  "/etc/docker/daemon.json (its path as installed), then systemctl restart docker";
	_cleanup_free_ char *text = NULL;
	struct sh_error err = {0};
	char path[PATH_MAX];
	const char *runtime = NULL;
	yajl_val root, rt;

	if (!docker_installed(d)) {
		check(d, SH_CHECK_OK, "docker", NULL, "docker is not installed: no runtime to check");
		return;
	}
	if (sh_json_read_file(rooted(d, "/etc/docker/daemon.json", path), CONF_MAX_BYTES, &text, &err) < 0) {
		check(d, SH_CHECK_FAIL, "docker", fix, "/etc/docker/daemon.json: %s", err.msg);
		return;
	}
	if (sh_json_parse(text, "/etc/docker/daemon.json", &root, &err) < 0) {
		check(d, SH_CHECK_FAIL, "docker",
		      "correct the JSON of /etc/docker/daemon.json (dockerd does not start with it)", "%s", err.msg);
		return;
	}
	rt = sh_json_get(root, "runtimes");
	rt = rt ? sh_json_get(rt, "sriov") : NULL;
	if (!rt || sh_json_get_string(rt, "path", &runtime) < 0)
		check(d, SH_CHECK_FAIL, "docker", fix, "/etc/docker/daemon.json names no \"sriov\" runtime");
	else if (!is_exec(d, runtime))
		check(d, SH_CHECK_FAIL, "docker",
		      "make install, or correct runtimes.sriov.path in /etc/docker/daemon.json",
		      "the \"sriov\" runtime is %s, which is not an executable file", runtime);
	else
		check(d, SH_CHECK_OK, "docker", NULL, "docker's \"sriov\" runtime is %s", runtime);
	yajl_tree_free(root);
}

/* Whether one of containerd's annotation patterns passes io.sriov.* keys: CRI matches each
 * annotation against them as globs ("io.sriov.*", "io.*", "*"). */
static bool passes_sriov(char pats[][PATH_MAX], size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(pats[i]);
		if (len && pats[i][len - 1] == '*' && !strncmp("io.sriov.", pats[i], len - 1))
			return true;
	}
	return false;
}

/* containerd's CRI copies a container's or pod's annotations into the OCI spec only when the
 * runtime's container_annotations or pod_annotations lists them; without that, every io.sriov.*
 * setting is dropped without an error and the VF arrives as net1 without its address. The lists
 * sit in a runtime's table (config version 2: plugins."io.containerd.grpc.v1.cri".containerd.
 * runtimes.runc, version 3: plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc). */
static void check_containerd(struct doctor *d)
{
	static const char file[] = "/etc/containerd/config.toml";
	char pats[MAX_HOOK_DIRS][PATH_MAX], path[PATH_MAX], fix[512];
	struct sh_error ignored;
	size_t nc = 0, np = 0;
	bool has_c = false, has_p = false, ok_c, ok_p;

	if (!is_exec(d, "/usr/bin/containerd") && !is_exec(d, "/usr/local/bin/containerd") &&
	    !is_exec(d, "/usr/sbin/containerd")) {
		check(d, SH_CHECK_OK, "containerd", NULL, "containerd is not installed: no CRI configuration to check");
		return;
	}
	fixf(fix, sizeof(fix),
	     "in %s, under the runc runtime's table (containerd.runtimes.runc), set container_annotations = "
	     "[\"io.sriov.*\"] and pod_annotations = [\"io.sriov.*\"], then systemctl restart containerd",
	     file);
	has_c = sh_toml_file_strings(rooted(d, file, path), "*containerd.runtimes.", "container_annotations", pats,
				     MAX_HOOK_DIRS, &nc, &ignored) == 1;
	ok_c = has_c && passes_sriov(pats, nc);
	has_p = sh_toml_file_strings(rooted(d, file, path), "*containerd.runtimes.", "pod_annotations", pats,
				     MAX_HOOK_DIRS, &np, &ignored) == 1;
	ok_p = has_p && passes_sriov(pats, np);
	if (!ok_c && !ok_p)
		check(d, SH_CHECK_FAIL, "containerd", fix,
		      "%s: no container_annotations or pod_annotations passes io.sriov.*: CRI drops every io.sriov.* "
		      "setting (the VF comes without its address, and no error says why)",
		      file);
	else if (!ok_c)
		check(d, SH_CHECK_FAIL, "containerd", fix,
		      "%s: container_annotations does not pass io.sriov.*: CRI drops a container's io.sriov.* "
		      "settings",
		      file);
	else if (!ok_p)
		check(d, SH_CHECK_WARN, "containerd", fix,
		      "%s: pod_annotations does not pass io.sriov.*: CRI drops the settings Kubernetes users give "
		      "as pod annotations",
		      file);
	else
		check(d, SH_CHECK_OK, "containerd", NULL,
		      "%s passes io.sriov.* annotations of containers and pods to the runtime", file);
}

static void check_runc(struct doctor *d)
{
	const char *const *p;
	char dirs[256];

	if (d->cfg.runc[0]) {
		if (is_exec(d, d->cfg.runc))
			check(d, SH_CHECK_OK, "runc", NULL, "runc is %s (the configuration's \"runc\")", d->cfg.runc);
		else
			check(d, SH_CHECK_FAIL, "runc",
			      "apt-get install runc, or correct \"runc\" in the configuration",
			      "the configuration's \"runc\" is %s, which is not an executable file", d->cfg.runc);
		return;
	}
	/* Only sriov-runc needs a runc of its own, and only docker runs sriov-runc. */
	if (!docker_installed(d)) {
		check(d, SH_CHECK_OK, "runc", NULL, "docker is not installed: sriov-runc and its runc are not needed");
		return;
	}
	for (p = sh_runc_search_paths; *p; p++) {
		if (is_exec(d, *p)) {
			check(d, SH_CHECK_OK, "runc", NULL, "runc is %s", *p);
			return;
		}
	}
	check(d, SH_CHECK_FAIL, "runc", "apt-get install runc", "no runc in %s (sriov-runc runs it for docker)",
	      sh_runc_search_dirs(dirs, sizeof(dirs)));
}

/* ---- the hook's own state and log --------------------------------------------------------------- */

static bool on_tmpfs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

static void check_state_dir(struct doctor *d)
{
	char fix[2 * PATH_MAX + 256], dir[PATH_MAX];
	const char *sd = d->cfg.state_dir;
	struct statfs sf;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s", sd);
	if (stat(sd, &sb) < 0) {
		/* The hook creates it on first use: its parent must take it. */
		if (errno != ENOENT || statfs(dirname(dir), &sf) < 0 || access(dir, W_OK) < 0) {
			fixf(fix, sizeof(fix), "mkdir -m 0700 %s (state_dir belongs under /run)", sd);
			check(d, SH_CHECK_FAIL, "state-dir", fix, "state_dir %s is missing and cannot be created", sd);
			return;
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		fixf(fix, sizeof(fix), "rm %s, or point state_dir elsewhere in the configuration", sd);
		check(d, SH_CHECK_FAIL, "state-dir", fix, "state_dir %s is not a directory", sd);
		return;
	} else if (sb.st_uid != 0 || (sb.st_mode & 022) || access(sd, W_OK) < 0) {
		fixf(fix, sizeof(fix), "chown root:root %s && chmod 0700 %s", sd, sd);
		check(d, SH_CHECK_FAIL, "state-dir", fix,
		      "state_dir %s must be root's, not group- or world-writable, and writable by root", sd);
		return;
	} else if (statfs(sd, &sf) < 0) {
		check(d, SH_CHECK_FAIL, "state-dir", "check the file system of state_dir", "statfs %s: %s", sd,
		      strerror(errno));
		return;
	}
	if (sf.f_type != TMPFS_MAGIC && sf.f_type != RAMFS_MAGIC) {
		/* Moving it under /run helps only where /run is a tmpfs; elsewhere a tmpfs of its own does. */
		if (on_tmpfs(rooted(d, "/run", dir)))
			fixf(fix, sizeof(fix), "set \"state_dir\" to a directory under /run (tmpfs) in %s",
			     d->config_file);
		else
			fixf(fix, sizeof(fix),
			     "mount a tmpfs on it: mount -t tmpfs -o mode=0700,nosuid,nodev,noexec tmpfs %s (at boot, "
			     "in /etc/fstab: tmpfs %s tmpfs mode=0700,nosuid,nodev,noexec 0 0)",
			     sd, sd);
		check(d, SH_CHECK_WARN, "state-dir", fix,
		      "state_dir %s is not on tmpfs: claims would outlive a reboot, naming VFs and containers that are "
		      "gone",
		      sd);
		return;
	}
	check(d, SH_CHECK_OK, "state-dir", NULL, "state_dir %s is on tmpfs and writable", sd);
}

static bool socket_reachable(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	return connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

static void check_log(struct doctor *d)
{
	char path[PATH_MAX], dir[PATH_MAX], fix[PATH_MAX + 128];
	const char *log = d->cfg.log;
	_cleanup_close_ int fd = -1;

	if (!strcmp(log, "stderr")) {
		check(d, SH_CHECK_OK, "log", NULL, "the hook logs to stderr (the runtime's log)");
	} else if (!strcmp(log, "syslog")) {
		if (socket_reachable(rooted(d, "/dev/log", path)))
			check(d, SH_CHECK_OK, "log", NULL, "syslog (/dev/log) takes the hook's lines");
		else
			check(d, SH_CHECK_FAIL, "log",
			      "apt-get install rsyslog (or enable systemd-journald's syslog socket), or set \"log\" to "
			      "a file path",
			      "the log is syslog, but %s does not accept messages: the hook's lines are lost", path);
	} else if (log[0] == '/') {
		snprintf(dir, sizeof(dir), "%s", log);
		fd = open(log, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 || (errno == ENOENT && access(dirname(dir), W_OK) == 0)) {
			check(d, SH_CHECK_OK, "log", NULL, "the log file %s is writable", log);
		} else {
			fixf(fix, sizeof(fix), "mkdir -p %s, or set \"log\" in the configuration to a writable path",
			     dir);
			check(d, SH_CHECK_FAIL, "log", fix, "the log file %s cannot be written: %s", log,
			      strerror(errno));
		}
	} else {
		check(d, SH_CHECK_WARN, "log", NULL, "the log is \"%s\": not checked", log);
	}
}

int sh_doctor(const struct sh_doctor_opts *o, void (*report)(const struct sh_check *c, void *data), void *data,
	      unsigned counts[3], struct sh_error *err)
{
	struct doctor d = {.o = o, .report = report, .data = data, .counts = counts};
	struct sh_listing l;
	int r;

	counts[0] = counts[1] = counts[2] = 0;
	d.config_file = o->config ? o->config : SH_DEFAULT_CONFIG;
	check_config(&d);
	if ((r = sh_listing_build(&d.cfg, o->pfs, o->n_pfs, SH_LISTING_CLAIMS_OPTIONAL, &l, err)) < 0) {
		sh_config_free(&d.cfg);
		return r;
	}
	check_iommu(&d, &l);
	check_sriov(&d, &l);
	check_pools(&d);
	check_link(&d, &l);
	check_vf_netdevs(&d, &l);
	check_vfio(&d, &l);
	check_iommu_groups(&d, &l);
	check_vf_settings(&d, &l);
	check_claims(&d, &l);
	check_hooks_engine(&d, &podman);
	check_hooks_engine(&d, &crio);
	check_docker(&d);
	check_containerd(&d);
	check_runc(&d);
	check_state_dir(&d);
	check_log(&d);
	sh_listing_free(&l);
	sh_config_free(&d.cfg);
	return 0;
}
