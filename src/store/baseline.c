/* The baseline of each VF (baseline.h): taken at its first claim, kept after release, read by
 * `sriovctl list` and `gc`. Its file is replaced atomically under the VF's lock, so a writer killed
 * midway leaves the old baseline (or none) and a temporary file that the next write or gc
 * replaces. The netdev's state and the PF-side settings are spelled as in the claim record. */
#include "sriov-hook/store/baseline.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/jsongen.h"
#include "sriov-hook/core/vfsetting.h"
#include "sriov-hook/store/files.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/vfcfg.h"

#define BASELINE_MAX (256 * 1024)

/* ---- the format ------------------------------------------------------------------------------- */

int sh_baseline_format(const struct sh_baseline *b, char **out)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_baseline back;
	struct sh_error ignored;
	char mac[18];
	int r;

	sh_jgen_start(&j, "    ");
	sh_jgen_map_open(&j);
	sh_jgen_kv_int(&j, "version", SH_BASELINE_VERSION);
	sh_jgen_kv_str(&j, "vf_pci", b->vf_pci);
	sh_jgen_kv_str(&j, "pf_pci", b->pf_pci);
	sh_jgen_kv_int(&j, "vf_index", b->vf_index);
	sh_jgen_str(&j, "dev_dev");
	sh_jgen_u64(&j, b->dev_dev);
	sh_jgen_str(&j, "dev_ino");
	sh_jgen_u64(&j, b->dev_ino);
	sh_jgen_kv_int(&j, "since", b->since);
	sh_jgen_kv_str(&j, "netdev", b->netdev);
	sh_jgen_kv_str(&j, "mac", sh_format_mac(b->mac, mac));
	sh_jgen_kv_int(&j, "mtu", b->mtu);
	sh_jgen_str(&j, "up");
	sh_jgen_bool(&j, b->up);
	sh_jgen_str(&j, "state");
	sh_netdev_state_gen_json(&j, &b->state);
	if (b->has_cfg) {
		sh_jgen_str(&j, "settings");
		sh_vf_cfg_gen_json(&j, &b->cfg);
	}
	sh_jgen_map_close(&j);
	if ((r = sh_jgen_finish(&j, "baseline", out, NULL, &ignored)) < 0)
		return r;
	/* Never write what the reader would refuse. */
	if (sh_baseline_parse(*out, &back, &ignored) < 0) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

static int get_u64(yajl_val v, uint64_t *out)
{
	const char *s;
	char *end;

	if (YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) >= 0) {
		*out = (uint64_t)YAJL_GET_INTEGER(v);
		return 0;
	}
	/* above LLONG_MAX yajl keeps only the text */
	if (!v || !YAJL_IS_NUMBER(v) || !(s = YAJL_GET_NUMBER(v)) || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int get_str(yajl_val t, const char *key, char *out, size_t len)
{
	const char *s;

	if (sh_json_get_string(t, key, &s) < 0 || strlen(s) >= len)
		return -EINVAL;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_uint(yajl_val t, const char *key, long long max, unsigned *out)
{
	long long n;

	if (sh_json_get_int(t, key, &n) < 0 || n < 0 || n > max)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

/* Which key is wrong, or 0 (*bad NULL). */
static int baseline_from_tree(yajl_val t, struct sh_baseline *b, const char **bad)
{
	const char *s;
	long long n;
	int up;
	yajl_val v;

#define NEED(key, ok)                                                                                                  \
	do {                                                                                                           \
		if (!(ok)) {                                                                                           \
			*bad = key;                                                                                    \
			return -EINVAL;                                                                                \
		}                                                                                                      \
	} while (0)
	NEED("vf_pci", get_str(t, "vf_pci", b->vf_pci, sizeof(b->vf_pci)) == 0 && sh_pci_addr_valid(b->vf_pci));
	NEED("pf_pci", get_str(t, "pf_pci", b->pf_pci, sizeof(b->pf_pci)) == 0 && sh_pci_addr_valid(b->pf_pci));
	NEED("vf_index", get_uint(t, "vf_index", 65535, &b->vf_index) == 0);
	NEED("dev_dev", get_u64(sh_json_get(t, "dev_dev"), &b->dev_dev) == 0);
	NEED("dev_ino", get_u64(sh_json_get(t, "dev_ino"), &b->dev_ino) == 0 && b->dev_ino);
	NEED("since", sh_json_get_int(t, "since", &n) == 0 && n >= 0);
	b->since = n;
	NEED("netdev", get_str(t, "netdev", b->netdev, sizeof(b->netdev)) == 0 && sh_ifname_valid(b->netdev));
	NEED("mac", sh_json_get_string(t, "mac", &s) == 0 && sh_parse_mac(s, b->mac) == 0);
	NEED("mtu", get_uint(t, "mtu", UINT_MAX, &b->mtu) == 0);
	NEED("up", sh_json_get_bool(t, "up", &up) == 0);
	b->up = up;
	NEED("state", (v = sh_json_get(t, "state")) && sh_netdev_state_parse_json(v, &b->state) == 0);
	if ((v = sh_json_get(t, "settings"))) {
		sh_vf_cfg_defaults(&b->cfg);
		NEED("settings", sh_vf_cfg_parse_json(v, &b->cfg) == 0);
		b->has_cfg = true;
	}
#undef NEED
	return 0;
}

int sh_baseline_parse(const char *json, struct sh_baseline *b, struct sh_error *err)
{
	_cleanup_json_ yajl_val t = NULL;
	const char *bad = NULL;
	long long version;
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = sh_json_parse(json, "baseline", &t, err)) < 0)
		return r;
	if (sh_json_get_int(t, "version", &version) < 0 || version < 1)
		return sh_err(err, EINVAL, "baseline: \"version\" is missing or not a version number");
	if (version > SH_BASELINE_VERSION)
		return sh_err(err, EPROTONOSUPPORT, "baseline: version %lld is newer than this sriov-hook reads (%d)",
			      version, SH_BASELINE_VERSION);
	if (baseline_from_tree(t, b, &bad) < 0)
		return sh_err(err, EINVAL, "baseline: \"%s\" is missing or not valid", bad);
	return 0;
}

bool sh_baseline_same_vf(const struct sh_baseline *b, const struct sh_baseline *now)
{
	return !strcmp(b->vf_pci, now->vf_pci) && !strcmp(b->pf_pci, now->pf_pci) && b->vf_index == now->vf_index &&
	       b->dev_dev == now->dev_dev && b->dev_ino == now->dev_ino;
}

/* ---- the VF as it is -------------------------------------------------------------------------- */

int sh_baseline_identity(const char *sysfs_root, const char *pci, uint64_t *dev, uint64_t *ino, struct sh_error *err)
{
	char path[PATH_MAX];
	struct stat sb;

	/* bus/pci/devices/<pci> is a link to the device's directory, which is what changes */
	if (snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs_root, pci) >= (int)sizeof(path))
		return sh_err(err, ENAMETOOLONG, "sysfs path of %s is too long", pci);
	if (stat(path, &sb) < 0)
		return sh_err_errno(err, errno, "VF %s: %s", pci, path);
	*dev = (uint64_t)sb.st_dev;
	*ino = (uint64_t)sb.st_ino;
	return 0;
}

int sh_baseline_capture(struct nl_sock *sk, const char *sysfs_root, const char *pci, bool read_cfg,
			struct sh_baseline *b, struct sh_error *err)
{
	struct sh_pf pf;
	struct sh_vf vf;
	struct sh_link l, pfl;
	struct sh_error e;
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = sh_baseline_identity(sysfs_root, pci, &b->dev_dev, &b->dev_ino, err)) < 0)
		return r;
	if ((r = sh_sysfs_vf_by_pci(sysfs_root, pci, &pf, &vf, err)) < 0)
		return r == -ENODEV ? sh_err(err, ENOENT, "%s", err->msg) : r;
	if (!vf.netdev[0])
		return sh_err(err, ENODEV, "VF %s has no netdev on the host", pci);
	snprintf(b->vf_pci, sizeof(b->vf_pci), "%s", pci);
	snprintf(b->pf_pci, sizeof(b->pf_pci), "%s", pf.pci);
	b->vf_index = vf.index;
	b->since = (long long)time(NULL);
	if ((r = sh_link_get(sk, 0, vf.netdev, &l, err)) < 0)
		return sh_err_ctx(err, "VF %s", pci);
	snprintf(b->netdev, sizeof(b->netdev), "%s", l.name);
	b->ifindex = l.ifindex;
	memcpy(b->mac, l.mac, 6);
	b->mtu = l.mtu;
	b->up = l.up;
	if ((r = sh_netdev_state_read(sk, l.ifindex, l.name, &b->state, err)) < 0)
		return sh_err_ctx(err, "VF %s", pci);
	if (pf.name[0] && sh_link_get(sk, 0, pf.name, &pfl, &e) == 0) {
		b->pf_ifindex = pfl.ifindex;
		/* A PF without PF-side settings (virtio_net, a stand-in) has none to compare. */
		if (read_cfg)
			b->has_cfg = sh_vf_cfg_get(sk, pfl.ifindex, vf.index, &b->cfg, &e) == 0;
	}
	return 0;
}

/* ---- the files -------------------------------------------------------------------------------- */

int sh_baseline_read(struct sh_store *s, const char *pci, struct sh_baseline *b, struct sh_error *err)
{
	_cleanup_free_ char *text = NULL;
	char name[SH_PCI_LEN + 8];
	int fd, r;

	if (s->baseline < 0)
		return -ENOENT;
	sh_store_baseline_name(name, sizeof(name), pci);
	fd = openat(s->baseline, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return sh_err_errno(err, errno, "open %s/baseline/%s", s->path, name);
	r = sh_json_read_fd(fd, BASELINE_MAX, &text, err);
	close(fd);
	if (r < 0 || (r = sh_baseline_parse(text, b, err)) < 0)
		return sh_err_ctx(err, "%s/baseline/%s", s->path, name);
	if (strcmp(b->vf_pci, pci))
		return sh_err(err, EINVAL, "%s/baseline/%s: it is the baseline of %s", s->path, name, b->vf_pci);
	return 0;
}

int sh_baseline_write(struct sh_store *s, const struct sh_baseline *b, struct sh_error *err)
{
	_cleanup_free_ char *json = NULL;
	char name[SH_PCI_LEN + 8];
	bool created;
	int r;

	if (s->baseline < 0)
		return sh_err(err, ENOENT, "state directory %s has no baseline/", s->path);
	if ((r = sh_baseline_format(b, &json)) < 0)
		return sh_err(err, -r, "baseline of %s: cannot be written (%s)", b->vf_pci, strerror(-r));
	sh_store_baseline_name(name, sizeof(name), b->vf_pci);
	if ((r = sh_store_replace_at(s->baseline, name, json, 0600, &created)) < 0)
		return sh_err_errno(err, -r, "write %s/baseline/%s", s->path, name);
	return 0;
}

int sh_baseline_remove(struct sh_store *s, const char *pci, struct sh_error *err)
{
	char name[SH_PCI_LEN + 8];

	sh_store_baseline_name(name, sizeof(name), pci);
	if (s->baseline >= 0 && unlinkat(s->baseline, name, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s/baseline/%s", s->path, name);
	return 0;
}

void sh_baseline_remove_tmp(struct sh_store *s, const char *pci)
{
	char name[SH_PCI_LEN + 16];

	sh_store_baseline_name(name, sizeof(name), pci);
	strcat(name, ".tmp");
	if (s->baseline >= 0)
		unlinkat(s->baseline, name, 0);
}

struct each {
	int (*fn)(const char *pci, bool tmp, void *data);
	void *data;
	int dir;
};

static int each_entry(const char *name, void *data)
{
	struct each *e = data;
	char pci[SH_PCI_LEN];
	size_t stem;
	bool tmp = false;

	if (!sh_store_has_suffix(name, ".json", &stem) && !(tmp = sh_store_has_suffix(name, ".json.tmp", &stem)))
		return 0;
	if (stem >= sizeof(pci) || sh_store_is_link(e->dir, name))
		return 0;
	memcpy(pci, name, stem);
	pci[stem] = '\0';
	return sh_pci_addr_valid(pci) ? e->fn(pci, tmp, e->data) : 0;
}

int sh_store_each_baseline(struct sh_store *s, int (*fn)(const char *pci, bool tmp, void *data), void *data,
			   struct sh_error *err)
{
	struct each e = {fn, data, s->baseline};
	int r = sh_store_each_entry(s->baseline, each_entry, &e);

	if (r < 0 && r != -ECANCELED)
		return sh_err_errno(err, -r, "read %s/baseline", s->path);
	return r;
}

int sh_baseline_keep(struct sh_store *s, struct nl_sock *sk, const char *sysfs_root, const char *pci,
		     struct sh_error *err)
{
	struct sh_baseline old, now;
	struct sh_error ignored;
	uint64_t dev, ino;
	int r;

	if (sh_baseline_read(s, pci, &old, &ignored) == 0 &&
	    sh_baseline_identity(sysfs_root, pci, &dev, &ino, &ignored) == 0 && old.dev_dev == dev &&
	    old.dev_ino == ino)
		return 0;
	/* none, unreadable, or another VF's: this VF's state now is its baseline */
	if ((r = sh_baseline_capture(sk, sysfs_root, pci, true, &now, err)) < 0)
		return r;
	return sh_baseline_write(s, &now, err);
}
