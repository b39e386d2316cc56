/* A VF's baseline: its host-side state before its first claim (netdev flags, alias, MTU, MAC,
 * txqueuelen, ethtool state, PF-side settings), kept in baseline/<pci>.json after every release so
 * that `sriovctl list` can tell what holders left on a free VF and `sriovctl gc` can put it back.
 * Unlike a claim record it is never a lock: no claim waits for it, and a missing or broken one only
 * means that nothing is compared. It belongs to one PCI function: a VF recreated at the same address
 * (sriov_numvfs, `sriovctl vfs apply`) is another device, whose state the old baseline never saw. */
#ifndef SRIOV_HOOK_STORE_BASELINE_H
#define SRIOV_HOOK_STORE_BASELINE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/store.h"
#include "sriov-hook/sys/linkstate.h"

struct nl_sock;

/* The format written; a newer one is not read (nothing is compared), never misread. */
#define SH_BASELINE_VERSION 1

struct sh_baseline {
	/* Which VF: its address, its place under its PF, and the identity of its PCI function's
	 * sysfs directory (device, inode), which the kernel makes anew when it recreates the VF. */
	char vf_pci[SH_PCI_LEN];
	char pf_pci[SH_PCI_LEN];
	unsigned vf_index;
	uint64_t dev_dev, dev_ino;
	long long since; /* when it was taken, seconds since the epoch */

	/* Its netdev on the host. The name is shown, not compared: the hook puts it back itself. */
	char netdev[IFNAMSIZ];
	int ifindex; /* for gc's requests; not kept on disk (a rebind makes a new netdev) */
	uint8_t mac[6];
	unsigned mtu;
	bool up;
	struct sh_netdev_state state;
	/* PF-side settings; has_cfg false when the PF has none (virtio_net, a stand-in veth). */
	bool has_cfg;
	struct sh_vf_cfg cfg;
	int pf_ifindex; /* for gc's requests; not kept on disk */
};

/* The baseline as JSON (malloc'd), and read back: every value checked, unknown keys ignored. */
int sh_baseline_format(const struct sh_baseline *b, char **out);
int sh_baseline_parse(const char *json, struct sh_baseline *b, struct sh_error *err);

/* Whether now (taken from the VF at b's address now) is the same PCI function as b was taken
 * from: same PF, index and sysfs directory. */
bool sh_baseline_same_vf(const struct sh_baseline *b, const struct sh_baseline *now);

/* The identity of PCI function pci: its sysfs directory's device and inode. -ENOENT when there is
 * no such device. */
int sh_baseline_identity(const char *sysfs_root, const char *pci, uint64_t *dev, uint64_t *ino, struct sh_error *err);

/* VF pci's state as it is now, from sysfs and netlink (sk in the host's namespace). read_cfg false
 * leaves the PF-side settings out (the caller has them). -ENOENT: no such VF; -ENODEV: it has no
 * netdev on the host. */
int sh_baseline_capture(struct nl_sock *sk, const char *sysfs_root, const char *pci, bool read_cfg,
			struct sh_baseline *b, struct sh_error *err);

/* baseline/<pci>.json: -ENOENT (err untouched) when there is none. */
int sh_baseline_read(struct sh_store *s, const char *pci, struct sh_baseline *b, struct sh_error *err);
/* Replaces baseline/<b->vf_pci>.json atomically (a reader sees the old one or the new one). */
int sh_baseline_write(struct sh_store *s, const struct sh_baseline *b, struct sh_error *err);
/* Removes baseline/<pci>.json; none there is 0. */
int sh_baseline_remove(struct sh_store *s, const char *pci, struct sh_error *err);
/* Calls fn with the PCI address of every baseline (and the name of every temporary file a killed
 * writer left, tmp true), stopping at fn's first non-zero return. */
int sh_store_each_baseline(struct sh_store *s, int (*fn)(const char *pci, bool tmp, void *data), void *data,
			   struct sh_error *err);
/* Removes a temporary baseline file a killed writer left for VF pci. */
void sh_baseline_remove_tmp(struct sh_store *s, const char *pci);

/* At a claim, with VF pci's lock held and the VF still on the host as it was: takes its baseline
 * unless one of this very VF exists (one of a VF recreated at the address is replaced). */
int sh_baseline_keep(struct sh_store *s, struct nl_sock *sk, const char *sysfs_root, const char *pci,
		     struct sh_error *err);

#endif
