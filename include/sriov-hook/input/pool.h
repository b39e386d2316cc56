/* Pools of VFs: the configuration's "pools", each a list of selectors (the SR-IOV device plugin's
 * "<PF>#<ranges>": a PF name or PCI address, and which VF indexes of it) and the PF-side settings the
 * administrator gives every VF of the pool, which a container may not override. Parsing,
 * membership and the merge into a request; nothing here touches the system. */
#ifndef SRIOV_HOOK_POOL_H
#define SRIOV_HOOK_POOL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/input/request.h"

#define SH_MAX_POOLS 64
#define SH_POOL_MAX_SELECTORS 64
#define SH_SELECTOR_MAX_RANGES 32
#define SH_SELECTOR_MAX_INDEX 65535 /* as io.sriov.vf */

struct sh_vf_range {
	unsigned first, last;
};

/* "ens1f0#0-3,6": VFs 0, 1, 2, 3 and 6 of ens1f0; "0000:3b:00.1": every VF of that PF. */
struct sh_pool_selector {
	char pf[SH_PCI_LEN > IFNAMSIZ ? SH_PCI_LEN : IFNAMSIZ]; /* netdev name, or PCI address in lower case */
	struct sh_vf_range ranges[SH_SELECTOR_MAX_RANGES];
	size_t n_ranges; /* 0: every VF of the PF */
};

struct sh_pool {
	char name[SH_POOL_NAME_MAX + 1];
	struct sh_pool_selector *sel; /* malloc'd */
	size_t n_sel;
	/* The administrator's PF-side settings, as a request holds them: the settings named (bit i:
	 * row i of sh_vf_settings()), the knobs they change, their values. */
	unsigned given, knobs;
	struct sh_vf_cfg cfg;
	/* Settings (bit i: row i) the pool forbids ("<setting>": "forbid"): a container of the pool
	 * may not name them, and the VF keeps what it has. The only pool value a MAC can take. */
	unsigned forbidden;
	/* "driver": "vfio-pci" makes it a vfio pool: its VFs are handed out in vfio mode, and
	 * `sriovctl vfs apply` binds them to vfio-pci ahead of time (their CDI devices name the
	 * device nodes). Absent: netdev VFs. */
	enum sh_vf_mode mode;
	/* "numa": the NUMA rule of the pool's VFs (as io.sriov.numa, which a container may still
	 * name for itself); absent: prefer. */
	bool has_numa;
	enum sh_numa_policy numa;
	unsigned numa_node;
	/* "release": "rebind" or "restore"; unset: the configuration's */
	enum sh_release_mode release;
};

/* A "release" value ("restore" or "rebind"); what names the key in messages. */
int sh_release_parse(yajl_val v, const char *what, enum sh_release_mode *mode, struct sh_error *err);

/* Parses one selector; what names it in messages ("config: pools.fast[1]"). */
int sh_pool_selector_parse(const char *s, struct sh_pool_selector *out, const char *what, struct sh_error *err);
/* Whether the selector names PF (pf_name, pf_pci) and, of it, VF index. */
bool sh_pool_selector_has(const struct sh_pool_selector *sel, const char *pf_name, const char *pf_pci, unsigned index);
/* Whether the selector names PF (pf_name, pf_pci) at all. */
bool sh_pool_selector_names_pf(const struct sh_pool_selector *sel, const char *pf_name, const char *pf_pci);
/* The lowest VF index the ranges of both selectors name, whatever PF each names; -1 when none. */
long sh_pool_ranges_overlap(const struct sh_pool_selector *a, const struct sh_pool_selector *b);
/* The selector as the configuration spells it, normalised: "ens1f0#0-3,6". */
const char *sh_pool_selector_format(const struct sh_pool_selector *sel, char *buf, size_t len);

/* The configuration's "pools" object: each member either a list of selectors or an object
 * {"vfs": [selectors], "<setting>": value, ...} whose settings are those of the VF settings
 * table (a string as the annotation takes it, or a number for a numeric one); "mac" is refused,
 * a MAC being one VF's. *pools is malloc'd; sh_pools_free frees it. */
int sh_pools_parse(yajl_val v, struct sh_pool **pools, size_t *n, struct sh_error *err);
void sh_pools_free(struct sh_pool *pools, size_t n);

/* The pool called name, or NULL. */
const struct sh_pool *sh_pool_find(const struct sh_pool *pools, size_t n, const char *name);
/* Whether VF index of PF (pf_name, pf_pci) is in pool p. */
bool sh_pool_has_vf(const struct sh_pool *p, const char *pf_name, const char *pf_pci, unsigned index);
/* The first pool (of n) that has the VF, or NULL: a VF in a pool is handed out only through it. */
const struct sh_pool *sh_pool_of_vf(const struct sh_pool *pools, size_t n, const char *pf_name, const char *pf_pci,
				    unsigned index);

/* For each VF of req that asks for a pool: the pool must exist, the container may not name a
 * setting of a knob the pool sets (one line names both), and the pool's settings join the
 * request's as if the container had named them. The pool's mode is the VF's: a container that
 * names another is refused, as are interface keys for a vfio pool; a VF PCI address given with
 * the pool must be one of its VFs (checked when it is claimed). */
int sh_pool_apply(const struct sh_pool *pools, size_t n, struct sh_request *req, struct sh_error *err);

#endif
