/* NUMA nodes and PCIe paths as sysfs shows them, read under the configured root so that tests use
 * fake trees. A path is the chain of directories of the device under devices/: the kernel nests
 * each PCI device under the bridge it sits behind. */
#include "sriov-hook/sys/topology.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/sys/vfio.h"

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

int sh_topo_nodes_of_cpus(const char *root, const struct sh_cpuset *cpus, struct sh_cpuset *nodes, unsigned *host_nodes,
			  struct sh_error *err)
{
	char path[PATH_MAX], text[4096];
	struct sh_cpuset node_cpus;
	struct dirent *e;
	unsigned long n;
	DIR *d;
	char *end;

	memset(nodes, 0, sizeof(*nodes));
	*host_nodes = 0;
	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "read %s", path);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "node", 4) || !e->d_name[4])
			continue;
		n = strtoul(e->d_name + 4, &end, 10);
		if (*end || n >= SH_CPUSET_MAX)
			continue;
		(*host_nodes)++;
		snprintf(path, sizeof(path), "%s/devices/system/node/%s/cpulist", root, e->d_name);
		if (read_small(path, text, sizeof(text)) < 0 || sh_cpuset_parse(text, &node_cpus) < 0)
			continue; /* a node without CPUs (memory only) has an empty list */
		if (sh_cpuset_meets(cpus, &node_cpus))
			sh_cpuset_add(nodes, (unsigned)n);
	}
	closedir(d);
	return 0;
}

int sh_topo_pci_node(const char *root, const char *pci)
{
	char path[PATH_MAX], text[32], *end;
	long n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/numa_node", root, pci);
	if (read_small(path, text, sizeof(text)) < 0)
		return -1;
	n = strtol(text, &end, 10);
	if (end == text || n < 0 || n >= SH_CPUSET_MAX)
		return -1;
	return (int)n;
}

int sh_topo_pcie_path(const char *root, const char *pci, struct sh_pcie_path *p, struct sh_error *err)
{
	char path[PATH_MAX], real[PATH_MAX], base[PATH_MAX], *at, *tok, *save;
	size_t len;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/devices", root);
	if (!realpath(path, base))
		return sh_err_errno(err, errno, "read %s", path);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, pci);
	if (!realpath(path, real))
		return sh_err(err, ENODEV, "%s is no PCI device on this host (no %s)", pci, path);
	len = strlen(base);
	if (strncmp(real, base, len) || real[len] != '/')
		return sh_err(err, ENODEV, "%s is no PCI device on this host (%s is outside devices/)", pci, real);
	at = real + len + 1;
	for (tok = strtok_r(at, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (p->n == SH_PCIE_DEPTH_MAX || strlen(tok) >= SH_PCI_LEN)
			return sh_err(err, ENAMETOOLONG, "PCI device %s: its sysfs path is too deep", pci);
		snprintf(p->hop[p->n++], SH_PCI_LEN, "%s", tok);
	}
	if (p->n < 2 || strncmp(p->hop[0], "pci", 3))
		return sh_err(err, ENODEV, "%s is no PCI device on this host (not under a PCI root complex)", pci);
	return 0;
}

unsigned sh_topo_shared(const struct sh_pcie_path *a, const struct sh_pcie_path *b, const char **via)
{
	unsigned k = 0;

	/* Hops above both: each path's last hop is the device itself. */
	while (k + 1 < a->n && k + 1 < b->n && !strcmp(a->hop[k], b->hop[k]))
		k++;
	*via = k ? a->hop[k - 1] : NULL;
	return k;
}

const char *sh_topo_share_name(unsigned shared)
{
	return shared == 0 ? "" : shared == 1 ? "root complex" : shared == 2 ? "root port" : "switch";
}

const char *sh_topo_pcie_root(const struct sh_pcie_path *p)
{
	return p->n > 2 ? p->hop[1] : p->hop[0];
}

/* The PCI device a character device's dev/char/<major>:<minor>/device link names (a DRM render
 * node, an InfiniBand verbs node, a vfio device's cdev). */
static int char_device_pci(const char *root, unsigned major, unsigned minor, char pci[SH_PCI_LEN])
{
	char path[PATH_MAX], real[PATH_MAX], *base;

	snprintf(path, sizeof(path), "%s/dev/char/%u:%u/device", root, major, minor);
	if (!realpath(path, real))
		return -ENOENT;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (sh_parse_pci_addr(base, pci) < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, pci);
	return access(path, F_OK) == 0 ? 0 : -ENOENT;
}

/* The IOMMU group of a vfio group node. The kernel makes it a device of class vfio with no parent
 * and so no device link, named after the group: "<N>", or "noiommu-<N>" in no-IOMMU mode. */
static int char_vfio_group(const char *root, unsigned major, unsigned minor, unsigned long *group)
{
	char path[PATH_MAX], real[PATH_MAX], class[PATH_MAX], *name, *end;
	const char *cls;

	snprintf(path, sizeof(path), "%s/dev/char/%u:%u", root, major, minor);
	if (!realpath(path, real))
		return -ENOENT;
	if (snprintf(path, sizeof(path), "%s/subsystem", real) >= (int)sizeof(path) || !realpath(path, class))
		return -ENOENT;
	cls = strrchr(class, '/');
	if (!cls || strcmp(cls, "/vfio"))
		return -ENOENT;
	name = strrchr(real, '/') + 1;
	if (!strncmp(name, "noiommu-", 8))
		name += 8;
	errno = 0;
	*group = strtoul(name, &end, 10);
	return *name >= '0' && *name <= '9' && !*end && !errno ? 0 : -ENOENT;
}

size_t sh_topo_char_pcis(const char *root, unsigned major, unsigned minor, char (*pcis)[SH_PCI_LEN], size_t max)
{
	char path[PATH_MAX];
	unsigned long group;
	struct sh_error ignored;
	size_t i, total, n = 0;

	if (max == 0)
		return 0;
	if (char_device_pci(root, major, minor, pcis[0]) == 0)
		return 1;
	/* the group's devices by address: a group larger than max keeps its lowest */
	if (char_vfio_group(root, major, minor, &group) < 0 || group > INT_MAX ||
	    sh_vfio_group_devices(root, (int)group, pcis, max, &total, &ignored) < 0)
		return 0;
	for (i = 0; i < total && i < max; i++) {
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, pcis[i]);
		if (access(path, F_OK) == 0)
			memmove(pcis[n++], pcis[i], SH_PCI_LEN);
	}
	return n;
}
