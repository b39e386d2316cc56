/* Where a request wants its VF when it leaves the VF open: the NUMA nodes of the container's CPUs
 * (or the node io.sriov.numa names) and the PCI devices io.sriov.near names, and how close each PF
 * is to them. The picking orders PFs by it; nothing here claims. */
#ifndef SRIOV_HOOK_LOCALITY_H
#define SRIOV_HOOK_LOCALITY_H

#include <stdbool.h>

#include "sriov-hook/core/cpuset.h"
#include "sriov-hook/core/error.h"
#include "sriov-hook/input/oci.h"
#include "sriov-hook/input/request.h"
#include "sriov-hook/sys/sysfs.h"
#include "sriov-hook/sys/topology.h"

#define SH_NEAR_MAX 8

struct sh_locality {
	const char *root;
	bool numa;		/* the NUMA rule orders PFs: nodes known, the host has several, not "any" */
	bool strict;		/* only VFs on nodes */
	struct sh_cpuset nodes; /* the nodes wanted */
	char why_nodes[96];	/* "the container's CPUs 2-3 are on node 1", "io.sriov.numa=1" */
	size_t n_near;
	char near_pci[SH_NEAR_MAX][SH_PCI_LEN];
	struct sh_pcie_path near[SH_NEAR_MAX];
};

/* How close one PF is: its node, whether that is wanted, the PCIe path it shares with the nearest
 * near device; score orders PFs (higher first): the shared path, then the node. */
struct sh_pf_place {
	int node;
	bool local;
	unsigned shared, score;
	const char *near_pci;
	char via[SH_PCI_LEN];
};

/* What request v (slot key prefix p, "io.sriov." or "io.sriov.2.") wants, from spec (NULL: no
 * cpuset, no devices) under sysfs root. Fails in one line when v->near is no PCI device. */
int sh_locality_init(const char *root, const struct sh_spec *spec, const struct sh_vf_request *v, const char *p,
		     struct sh_locality *loc, struct sh_error *err);
/* Whether anything orders or limits the choice. */
bool sh_locality_active(const struct sh_locality *loc);
void sh_locality_place(const struct sh_locality *loc, const struct sh_pf *pf, struct sh_pf_place *pl);
/* Why a VF of a PF so placed: "near 0000:af:00.0 via switch 0000:ae:00.0, local to node 1",
 * "no local VF free (node 0)"; "" when locality played no part. */
const char *sh_locality_why(const struct sh_locality *loc, const struct sh_pf_place *pl, char *buf, size_t len);

#endif
