/* PF and VF discovery through sysfs (class/net, bus/pci/devices, virtfnN, physfn, sriov_numvfs),
 * always under the configured root so that tests can point it at a fake tree. */
#include "sriov-hook/sys/sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int path_fmt(char *out, struct sh_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int path_fmt(char *out, struct sh_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	return n >= PATH_MAX ? sh_err(err, ENAMETOOLONG, "sysfs path %.64s... is too long", out) : 0;
}

/* The last component of a symlink's target. */
static int link_basename(const char *path, char *out, size_t len, struct sh_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return sh_err_errno(err, errno, "read link %s", path);
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return sh_err(err, ENAMETOOLONG, "link %s: target %s is too long", path, base);
	snprintf(out, len, "%s", base);
	return 0;
}

static int read_uint(const char *path, unsigned *out, struct sh_error *err)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f)
		return sh_err_errno(err, errno, "read %s", path);
	r = fscanf(f, "%u", out) == 1 ? 0 : sh_err(err, EINVAL, "read %s: not a number", path);
	fclose(f);
	return r;
}

/* First entry of a directory (a device's net/), "" when empty or absent. */
static int first_entry(const char *dir, char *out, size_t len, struct sh_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*out = '\0';
	if (!d)
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "list %s", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= len)
			continue;
		snprintf(out, len, "%s", e->d_name);
		break;
	}
	closedir(d);
	return 0;
}

/* The netdev of a virtio device: virtio-net (also the VFs of virtio-net SR-IOV, QEMU >= 10.1)
 * hangs its netdev off a virtio bus device below the PCI function (<pci>/virtioN/net/<name>), not
 * off the PCI function itself as igbvf, iavf or mlx5 do (<pci>/net/<name>). */
static int virtio_netdev(const char *root, const char *pci, char name[IFNAMSIZ], struct sh_error *err)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	if ((r = path_fmt(path, err, "%s/bus/pci/devices/%s", root, pci)) < 0)
		return r;
	if (!(d = opendir(path)))
		return 0;
	while (!name[0] && (e = readdir(d))) {
		if (strncmp(e->d_name, "virtio", 6) || e->d_name[6] < '0' || e->d_name[6] > '9')
			continue;
		if ((r = path_fmt(path, err, "%s/bus/pci/devices/%s/%s/net", root, pci, e->d_name)) < 0 ||
		    (r = first_entry(path, name, IFNAMSIZ, err)) < 0)
			break;
	}
	closedir(d);
	return r;
}

int sh_sysfs_pci_netdev(const char *root, const char *pci, char name[IFNAMSIZ], struct sh_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = path_fmt(path, err, "%s/bus/pci/devices/%s/net", root, pci)) < 0 ||
	    (r = first_entry(path, name, IFNAMSIZ, err)) < 0 || name[0])
		return r;
	/* An empty net/ is a VF whose netdev sits in another namespace: only a device without one can
	 * be virtio's (a readdir of the whole device per VF would cost `auto` dearly on a large PF). */
	if (access(path, F_OK) == 0)
		return 0;
	return virtio_netdev(root, pci, name, err);
}

/* The PCI function a class/net link leads to: its target ends in <pci>/net/<name>, or for
 * virtio-net in <pci>/virtioN/net/<name> (as sh_sysfs_pci_netdev looks for them); "" for any other
 * device (a veth, a bridge, a sub-function). */
static void netdev_link_pci(const char *target, char pci[SH_PCI_LEN])
{
	char buf[PATH_MAX], *parts[4] = {NULL}, *slash;
	size_t k;

	pci[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", target);
	/* the last four components, from the end: name, "net", the device, its parent */
	for (k = 0; k < 4 && (slash = strrchr(buf, '/')); k++) {
		parts[k] = slash + 1;
		*slash = '\0';
	}
	if (k < 3 || strcmp(parts[1], "net"))
		return;
	if (sh_pci_addr_valid(parts[2]))
		snprintf(pci, SH_PCI_LEN, "%s", parts[2]);
	else if (k == 4 && !strncmp(parts[2], "virtio", 6) && parts[2][6] >= '0' && parts[2][6] <= '9' &&
		 sh_pci_addr_valid(parts[3]))
		snprintf(pci, SH_PCI_LEN, "%s", parts[3]);
}

static int cmp_pci(const void *a, const void *b)
{
	return strcmp(a, b);
}

int sh_sysfs_netdev_pcis(const char *root, struct sh_netdev_pcis *set, struct sh_error *err)
{
	char path[PATH_MAX], target[PATH_MAX], pci[SH_PCI_LEN];
	size_t cap = 0;
	struct dirent *e;
	ssize_t len;
	void *grown;
	DIR *d;

	set->pci = NULL;
	set->n = 0;
	if (path_fmt(path, err, "%s/class/net", root) < 0)
		return -ENAMETOOLONG;
	if (!(d = opendir(path)))
		return sh_err_errno(err, errno, "list %s", path);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || (len = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1)) < 0)
			continue;
		target[len] = '\0';
		netdev_link_pci(target, pci);
		if (!pci[0])
			continue;
		if (set->n == cap) {
			cap = cap ? 2 * cap : 32;
			if (!(grown = realloc(set->pci, cap * sizeof(*set->pci)))) {
				closedir(d);
				sh_netdev_pcis_free(set);
				return sh_err(err, ENOMEM, "out of memory");
			}
			set->pci = grown;
		}
		memcpy(set->pci[set->n++], pci, SH_PCI_LEN);
	}
	closedir(d);
	if (set->n)
		qsort(set->pci, set->n, sizeof(*set->pci), cmp_pci);
	return 0;
}

bool sh_netdev_pcis_has(const struct sh_netdev_pcis *set, const char *pci)
{
	return set->n && bsearch(pci, set->pci, set->n, sizeof(*set->pci), cmp_pci);
}

void sh_netdev_pcis_free(struct sh_netdev_pcis *set)
{
	free(set->pci);
	set->pci = NULL;
	set->n = 0;
}

static int pf_by_pci(const char *root, const char *pci, struct sh_pf *pf, struct sh_error *err)
{
	char path[PATH_MAX];

	if (path_fmt(path, err, "%s/bus/pci/devices/%s", root, pci) < 0 || access(path, F_OK) < 0)
		return sh_err(err, ENODEV, "PF %s: no such PCI device", pci);
	snprintf(pf->pci, sizeof(pf->pci), "%s", pci);
	if (sh_sysfs_pci_netdev(root, pci, pf->name, err) < 0 || !pf->name[0])
		return sh_err(err, ENODEV, "PF %s has no network interface", pci);
	return 0;
}

static int pf_by_name(const char *root, const char *name, struct sh_pf *pf, struct sh_error *err)
{
	char path[PATH_MAX];

	if (path_fmt(path, err, "%s/class/net/%s", root, name) < 0 || access(path, F_OK) < 0)
		return sh_err(err, ENODEV, "PF %s: no such network interface", name);
	snprintf(pf->name, sizeof(pf->name), "%s", name);
	if (path_fmt(path, err, "%s/class/net/%s/device", root, name) < 0 ||
	    link_basename(path, pf->pci, sizeof(pf->pci), err) < 0)
		return sh_err(err, ENODEV, "PF %s is not a PCI device", name);
	/* virtio-net: the netdev's device is virtioN, the PCI function is its parent. */
	if (!sh_pci_addr_valid(pf->pci) && !strncmp(pf->pci, "virtio", 6)) {
		char real[PATH_MAX];

		if (path_fmt(path, err, "%s/class/net/%s/device/..", root, name) < 0 || !realpath(path, real) ||
		    strlen(strrchr(real, '/') + 1) >= sizeof(pf->pci))
			return sh_err(err, ENODEV, "PF %s: its virtio device has no PCI parent", name);
		snprintf(pf->pci, sizeof(pf->pci), "%s", strrchr(real, '/') + 1);
	}
	return 0;
}

int sh_sysfs_pf_resolve(const char *root, const char *spec, struct sh_pf *pf, struct sh_error *err)
{
	char path[PATH_MAX];
	int r;

	memset(pf, 0, sizeof(*pf));
	r = sh_pci_addr_valid(spec) ? pf_by_pci(root, spec, pf, err) : pf_by_name(root, spec, pf, err);
	if (r < 0)
		return r;
	if (path_fmt(path, err, "%s/bus/pci/devices/%s/physfn", root, pf->pci) == 0 && access(path, F_OK) == 0)
		return sh_err(err, EINVAL, "%s (%s) is a VF, not a PF", pf->name, pf->pci);
	if (path_fmt(path, err, "%s/bus/pci/devices/%s/sriov_numvfs", root, pf->pci) < 0 ||
	    read_uint(path, &pf->numvfs, err) < 0)
		return sh_err(err, ENOTSUP, "%s (%s) is not an SR-IOV PF (no sriov_numvfs)", pf->name, pf->pci);
	return 0;
}

int sh_sysfs_virtfn_pci(const char *root, const struct sh_pf *pf, unsigned index, char pci[SH_PCI_LEN],
			struct sh_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = path_fmt(path, err, "%s/bus/pci/devices/%s/virtfn%u", root, pf->pci, index)) < 0)
		return r;
	return link_basename(path, pci, SH_PCI_LEN, err);
}

int sh_sysfs_pf_open(const char *root, const struct sh_pf *pf)
{
	char path[PATH_MAX];
	int fd;

	if (path_fmt(path, NULL, "%s/bus/pci/devices/%s", root, pf->pci) < 0)
		return -ENAMETOOLONG;
	return (fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ? -errno : fd;
}

int sh_sysfs_virtfn_pci_at(int pf_fd, unsigned index, char pci[SH_PCI_LEN])
{
	char name[32], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(name, sizeof(name), "virtfn%u", index);
	if ((n = readlinkat(pf_fd, name, target, sizeof(target) - 1)) < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strlen(base) >= SH_PCI_LEN)
		return -ENAMETOOLONG;
	memcpy(pci, base, strlen(base) + 1);
	return 0;
}

int sh_sysfs_vf_get(const char *root, const struct sh_pf *pf, unsigned index, struct sh_vf *vf, struct sh_error *err)
{
	char pci[SH_PCI_LEN];

	memset(vf, 0, sizeof(*vf));
	if (index >= pf->numvfs)
		return sh_err(err, ERANGE, "VF %u of %s does not exist (sriov_numvfs is %u)", index, pf->name,
			      pf->numvfs);
	if (sh_sysfs_virtfn_pci(root, pf, index, pci, err) < 0)
		return sh_err(err, ENODEV, "VF %u of %s: no virtfn%u in sysfs", index, pf->name, index);
	return sh_sysfs_vf_at(root, pf, index, pci, true, vf, err);
}

int sh_sysfs_vf_at(const char *root, const struct sh_pf *pf, unsigned index, const char *pci, bool netdev,
		   struct sh_vf *vf, struct sh_error *err)
{
	char path[PATH_MAX];
	struct sh_error unbound;
	int r;

	memset(vf, 0, sizeof(*vf));
	snprintf(vf->pf_name, sizeof(vf->pf_name), "%s", pf->name);
	snprintf(vf->pf_pci, sizeof(vf->pf_pci), "%s", pf->pci);
	vf->index = index;
	snprintf(vf->pci, sizeof(vf->pci), "%s", pci);
	if ((netdev && (r = sh_sysfs_pci_netdev(root, vf->pci, vf->netdev, err)) < 0) ||
	    (r = path_fmt(path, err, "%s/bus/pci/devices/%s/driver", root, vf->pci)) < 0)
		return sh_err_ctx(err, "VF %u of %s", index, pf->name);
	/* No driver link: unbound, which the caller reports when it matters. */
	if (link_basename(path, vf->driver, sizeof(vf->driver), &unbound) < 0)
		vf->driver[0] = '\0';
	return 0;
}

int sh_sysfs_vf_by_pci(const char *root, const char *pci, struct sh_pf *pf, struct sh_vf *vf, struct sh_error *err)
{
	char path[PATH_MAX], pf_pci[SH_PCI_LEN], virtfn[SH_PCI_LEN];
	struct sh_error skipped;
	unsigned i, total = 0;
	int r;

	if (path_fmt(path, err, "%s/bus/pci/devices/%s/physfn", root, pci) < 0 ||
	    link_basename(path, pf_pci, sizeof(pf_pci), err) < 0)
		return sh_err(err, ENODEV, "VF %s: no such VF (no physfn in sysfs)", pci);
	if ((r = sh_sysfs_pf_resolve(root, pf_pci, pf, err)) < 0)
		return r;
	/* VF PCI addresses are not contiguous: scan every virtfn link the PF may have. */
	if (path_fmt(path, err, "%s/bus/pci/devices/%s/sriov_totalvfs", root, pf_pci) < 0 ||
	    read_uint(path, &total, &skipped) < 0)
		total = pf->numvfs;
	for (i = 0; i < total; i++) {
		/* Gaps are expected: virtfn links exist only for the enabled VFs. */
		if (sh_sysfs_virtfn_pci(root, pf, i, virtfn, &skipped) < 0)
			continue;
		if (!strcmp(virtfn, pci))
			return sh_sysfs_vf_get(root, pf, i, vf, err);
	}
	return sh_err(err, ENODEV, "VF %s: not among the VFs of %s", pci, pf->name);
}

/* ---- whole-device reads and sriov_numvfs, for the operators' tool ------------------------------ */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int r = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		r = ferror(f) ? -EIO : (buf[0] = '\0', 0);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return r;
}

int sh_sysfs_pci_attr(const char *root, const char *pci, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (path_fmt(path, NULL, "%s/bus/pci/devices/%s/%s", root, pci, attr) < 0)
		return -ENAMETOOLONG;
	return read_line(path, buf, len);
}

int sh_sysfs_pci_attr_uint(const char *root, const char *pci, const char *attr, unsigned *out)
{
	char path[PATH_MAX];

	if (path_fmt(path, NULL, "%s/bus/pci/devices/%s/%s", root, pci, attr) < 0)
		return -ENAMETOOLONG;
	return read_uint(path, out, NULL);
}

int sh_sysfs_pci_link(const char *root, const char *pci, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (path_fmt(path, NULL, "%s/bus/pci/devices/%s/%s", root, pci, attr) < 0)
		return -ENAMETOOLONG;
	return link_basename(path, buf, len, NULL);
}

int sh_sysfs_net_attr(const char *root, const char *name, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (path_fmt(path, NULL, "%s/class/net/%s/%s", root, name, attr) < 0)
		return -ENAMETOOLONG;
	return read_line(path, buf, len);
}

int sh_sysfs_dir_nonempty(const char *root, const char *rel, bool *nonempty)
{
	char path[PATH_MAX], first[NAME_MAX + 1];
	int r;

	if (path_fmt(path, NULL, "%s/%s", root, rel) < 0)
		return -ENAMETOOLONG;
	if ((r = first_entry(path, first, sizeof(first), NULL)) < 0)
		return r;
	*nonempty = first[0] != '\0';
	return 0;
}

/* An SR-IOV PF: can have VFs, is not one, and is a network device (its class, or a netdev). */
static bool is_net_pf(const char *root, const char *pci, struct sh_pf *pf)
{
	char class[16], path[PATH_MAX];
	unsigned total;

	if (sh_sysfs_pci_attr_uint(root, pci, "sriov_totalvfs", &total) < 0 ||
	    path_fmt(path, NULL, "%s/bus/pci/devices/%s/physfn", root, pci) < 0 || access(path, F_OK) == 0)
		return false;
	memset(pf, 0, sizeof(*pf));
	snprintf(pf->pci, sizeof(pf->pci), "%.*s", (int)sizeof(pf->pci) - 1, pci);
	sh_sysfs_pci_netdev(root, pci, pf->name, NULL);
	if (sh_sysfs_pci_attr_uint(root, pci, "sriov_numvfs", &pf->numvfs) < 0)
		pf->numvfs = 0;
	if (pf->name[0])
		return true;
	return sh_sysfs_pci_attr(root, pci, "class", class, sizeof(class)) == 0 && !strncmp(class, "0x02", 4);
}

static int pf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sh_pf *)a)->pci, ((const struct sh_pf *)b)->pci);
}

int sh_sysfs_pf_list(const char *root, struct sh_pf **pfs, size_t *n, struct sh_error *err)
{
	char path[PATH_MAX];
	struct sh_pf *list = NULL, *grown;
	size_t cap = 0, count = 0;
	struct dirent *e;
	DIR *d;

	if (path_fmt(path, NULL, "%s/bus/pci/devices", root) < 0)
		return sh_err(err, ENAMETOOLONG, "sysfs root %s: path too long", root);
	if (!(d = opendir(path)))
		return sh_err_errno(err, errno, "list PCI devices in %s", path);
	while ((e = readdir(d))) {
		if (!sh_pci_addr_valid(e->d_name))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(grown = realloc(list, cap * sizeof(*list)))) {
				free(list);
				closedir(d);
				return sh_err(err, ENOMEM, "out of memory");
			}
			list = grown;
		}
		if (is_net_pf(root, e->d_name, &list[count]))
			count++;
	}
	closedir(d);
	if (count)
		qsort(list, count, sizeof(*list), pf_cmp);
	*pfs = list;
	*n = count;
	return 0;
}

int sh_sysfs_set_numvfs(const char *root, const struct sh_pf *pf, unsigned n, struct sh_error *err)
{
	char path[PATH_MAX], buf[16];
	_cleanup_close_ int fd = -1;
	int len;

	if (path_fmt(path, NULL, "%s/bus/pci/devices/%s/sriov_numvfs", root, pf->pci) < 0)
		return sh_err(err, ENAMETOOLONG, "sriov_numvfs of %s: path too long", pf->pci);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return sh_err_errno(err, errno, "open %s", path);
	len = snprintf(buf, sizeof(buf), "%u\n", n);
	/* The kernel takes the whole value in one write: a short write is a failure. */
	if (write(fd, buf, (size_t)len) != len)
		return sh_err_errno(err, errno ? errno : EIO, "write %u to %s", n, path);
	return 0;
}
