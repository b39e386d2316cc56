/* A request's locality: read once per VF it asks for, before any claim, so that an address that
 * is no PCI device is refused before anything changes. PFs are placed by their PCI device's node
 * and path; a VF sits on its PF's bus, so the kernel gives it the PF's node. */
#include "sriov-hook/hook/locality.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/log.h"

static int add_near(struct sh_locality *loc, const char *pci, struct sh_error *err)
{
	size_t i;
	int r;

	for (i = 0; i < loc->n_near; i++)
		if (!strcmp(loc->near_pci[i], pci))
			return 0;
	if (loc->n_near == SH_NEAR_MAX)
		return 0;
	if ((r = sh_topo_pcie_path(loc->root, pci, &loc->near[loc->n_near], err)) < 0)
		return r;
	snprintf(loc->near_pci[loc->n_near++], SH_PCI_LEN, "%s", pci);
	return 0;
}

static int init_numa(const struct sh_spec *spec, const struct sh_vf_request *v, const char *p, struct sh_locality *loc,
		     struct sh_error *err)
{
	char cpus[48], nodes[48];
	unsigned host_nodes;
	int r;

	if (v->numa == SH_NUMA_ANY)
		return 0;
	if (v->numa == SH_NUMA_NODE) {
		sh_cpuset_add(&loc->nodes, v->numa_node);
		loc->numa = loc->strict = true;
		snprintf(loc->why_nodes, sizeof(loc->why_nodes), "%snuma=%u", p, v->numa_node);
		return 0;
	}
	if (!spec || !spec->has_cpus) /* no cpuset: the configuration's order */
		return 0;
	if ((r = sh_topo_nodes_of_cpus(loc->root, &spec->cpus, &loc->nodes, &host_nodes, err)) < 0)
		return sh_err_ctx(err, "NUMA nodes of the container's CPUs");
	/* One node (or none shown): every VF is local, and strict has nothing to refuse. */
	if (host_nodes <= 1 || sh_cpuset_empty(&loc->nodes))
		return 0;
	loc->numa = true;
	loc->strict = v->numa == SH_NUMA_STRICT;
	snprintf(loc->why_nodes, sizeof(loc->why_nodes), "%sthe container's CPUs %s are on node %s",
		 loc->strict ? "numa strict: " : "", sh_cpuset_format(&spec->cpus, cpus, sizeof(cpus)),
		 sh_cpuset_format(&loc->nodes, nodes, sizeof(nodes)));
	return 0;
}

int sh_locality_init(const char *root, const struct sh_spec *spec, const struct sh_vf_request *v, const char *p,
		     struct sh_locality *loc, struct sh_error *err)
{
	char pcis[SH_NEAR_MAX][SH_PCI_LEN];
	size_t i, j, n;
	int r;

	memset(loc, 0, sizeof(*loc));
	loc->root = root;
	if ((r = init_numa(spec, v, p, loc, err)) < 0)
		return r;
	if (!v->near[0])
		return 0;
	if (strcmp(v->near, "auto"))
		return add_near(loc, v->near, err) < 0 ? sh_err_ctx(err, "%snear", p) : 0;
	for (i = 0; spec && i < spec->n_chardevs; i++) {
		/* A node that is no PCI device's (a tty, /dev/fuse, /dev/vfio/vfio) says nothing about
		 * where to be; a vfio group's brings every device of the group, all of them the
		 * container's (they sit together: a group is what the PCIe topology cannot isolate). */
		n = sh_topo_char_pcis(root, spec->chardevs[i].major, spec->chardevs[i].minor, pcis, SH_NEAR_MAX);
		for (j = 0; j < n; j++)
			if ((r = add_near(loc, pcis[j], err)) < 0)
				return sh_err_ctx(err, "%snear=auto: %s", p, spec->chardevs[i].path);
	}
	if (!loc->n_near)
		sh_log_msg(LOG_INFO, "%snear=auto: no device of the container is a PCI device's", p);
	return 0;
}

bool sh_locality_active(const struct sh_locality *loc)
{
	return loc->numa || loc->n_near;
}

void sh_locality_place(const struct sh_locality *loc, const struct sh_pf *pf, struct sh_pf_place *pl)
{
	struct sh_pcie_path path;
	struct sh_error ignored;
	const char *via;
	unsigned shared;
	size_t i;

	memset(pl, 0, sizeof(*pl));
	pl->node = -1;
	if (!sh_locality_active(loc)) /* nothing to weigh: no file read */
		return;
	pl->node = sh_topo_pci_node(loc->root, pf->pci);
	pl->local = loc->numa && pl->node >= 0 && sh_cpuset_has(&loc->nodes, (unsigned)pl->node);
	if (loc->n_near && sh_topo_pcie_path(loc->root, pf->pci, &path, &ignored) == 0) {
		for (i = 0; i < loc->n_near; i++) {
			if ((shared = sh_topo_shared(&path, &loc->near[i], &via)) <= pl->shared)
				continue;
			pl->shared = shared;
			pl->near_pci = loc->near_pci[i];
			snprintf(pl->via, sizeof(pl->via), "%s", via);
		}
	}
	pl->score = pl->shared * 2 + pl->local;
}

const char *sh_locality_why(const struct sh_locality *loc, const struct sh_pf_place *pl, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (pl->shared)
		at = (size_t)snprintf(buf, len, "near %s via %s %s", pl->near_pci, sh_topo_share_name(pl->shared),
				      pl->via);
	if (loc->n_near && !pl->shared && at < len)
		at += (size_t)snprintf(buf + at, len - at, "no VF shares a PCIe path with %s", loc->near_pci[0]);
	if (loc->numa && at < len) {
		if (pl->local)
			snprintf(buf + at, len - at, "%slocal to node %d", at ? ", " : "", pl->node);
		else if (pl->node >= 0)
			snprintf(buf + at, len - at, "%sno local VF free (this one is on node %d)", at ? ", " : "",
				 pl->node);
		else
			snprintf(buf + at, len - at, "%sno local VF free (this one's node is unknown)", at ? ", " : "");
	}
	return buf;
}
