/* Whether a VF may be handed out besides its claim: in the request's scope (a pool's VFs only
 * through their pool) and usable (its netdev on the host and unused there, or on vfio-pci and not
 * open, as the mode wants). */
#ifndef SRIOV_HOOK_USABLE_H
#define SRIOV_HOOK_USABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/attach-run.h"
#include "sriov-hook/input/pool.h"
#include "sriov-hook/sys/nl.h"
#include "sriov-hook/sys/sysfs.h"

/* What keeps a VF from being handed out, besides a claim. */
enum sh_usability {
	SH_USABLE,
	SH_IN_USE_BY_HOST, /* up with addresses, a bridge or bond port, a device stacked on it */
	SH_NOT_ON_HOST,	   /* its netdev is in another namespace, with no claim of ours */
	SH_UNUSABLE,	   /* no driver, or one without a netdev (vfio-pci) */
};

/* Reads whether the VF can be handed out: its netdev is on the host, down or without addresses,
 * and no bridge, bond or stacked device uses it. *why gets the category, why_text the reason (for
 * all but SH_USABLE). A negative errno only when it cannot tell (sysfs, netlink). */
int sh_vf_usability(struct sh_attach_run *a, struct sh_vf *vf, struct sh_link *host, enum sh_usability *why,
		    char *why_text, size_t len, struct sh_error *err);
/* The same for a VF its caller has just read (its netdev as it is now): census's snapshot. */
int sh_vf_usability_as_read(struct sh_attach_run *a, const struct sh_vf *vf, struct sh_link *host,
			    enum sh_usability *why, char *why_text, size_t len, struct sh_error *err);
/* sh_vf_usability as the error of a VF that was asked for (or tried). */
int sh_vf_check_usable(struct sh_attach_run *a, struct sh_vf *vf, struct sh_link *host, struct sh_error *err);
/* Whether VF i of pf is one this request may take: a pool's VFs through their pool only, so that
 * nobody takes one by index or auto without the pool's admin settings. */
bool sh_vf_in_scope(const struct sh_attach_run *a, const struct sh_pf *pf, unsigned i, const struct sh_pool *pool);

/* A walk's cheap question "does this VF show a netdev on the host?" (the claim then checks for
 * itself). The first VFs are answered by their own net/; past SH_NETDEV_DIRECT of them, one listing
 * of the host's netdevs answers for the rest of the walk, as a large PF whose VFs sit in
 * containers would otherwise cost a directory read per VF. */
#define SH_NETDEV_DIRECT 16
struct sh_host_netdevs {
	struct sh_netdev_pcis listed;
	unsigned asked;
	bool have_list;
};
#define SH_HOST_NETDEVS_INIT ((struct sh_host_netdevs){.asked = 0})
bool sh_vf_netdev_on_host(const char *root, const char *pci, struct sh_host_netdevs *h);
/* Whether auto's first pass may try VF pci: no claim record, and for a netdev VF a netdev on the
 * host; the cheaper question first (a claim file, until the host's netdevs are listed). */
bool sh_vf_maybe_free(struct sh_attach_run *a, const char *pci, struct sh_host_netdevs *h);
void sh_host_netdevs_free(struct sh_host_netdevs *h);
#define _cleanup_host_netdevs_ __attribute__((cleanup(sh_host_netdevs_free)))

#endif
