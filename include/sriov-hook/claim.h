/* The claim store under state_dir: one lock file and one claim record per VF, keyed by the VF's
 * PCI address.
 *
 *   <state_dir>/locks/<pci>.lock   flock()ed by whichever hook is acting on the VF
 *   <state_dir>/claims/<pci>.json  the claim: owner, netns, the VF's original state
 *   <state_dir>/netns/<id>         the container's netns, bind-mounted (pinned)
 *   <state_dir>/owners/<id>/<pci>  an index: the VFs container <id> may hold (a superset; each is
 *                                  checked against its record), so poststop never scans them all
 *
 * A VF is claimed while its record exists and its owner is alive. The lock is held only while a
 * hook acts on the VF, so a crashed hook never blocks it; a record left by a hook that died while
 * attaching, or whose container is gone, is stale and the next claim restores the VF and takes it. */
#ifndef SRIOV_HOOK_CLAIM_H
#define SRIOV_HOOK_CLAIM_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sriov-hook/error.h"
#include "sriov-hook/types.h"

enum sh_claim_phase {
	SH_PHASE_ATTACHING, /* the hook is changing the VF: if it died, the claim is stale */
	SH_PHASE_ATTACHED,  /* the container has the VF */
};

struct sh_record {
	char id[256]; /* container id */
	enum sh_claim_phase phase;
	int pid;		      /* container init pid at createRuntime, 0 if unknown */
	unsigned long long pid_start; /* its start time (/proc/<pid>/stat field 22) */
	uint64_t netns_dev, netns_ino;
	char pin[PATH_MAX]; /* bind mount of the container netns, "" if none */

	char pf_name[IFNAMSIZ];
	char pf_pci[SH_PCI_LEN];
	int pf_ifindex;
	unsigned vf_index;
	char vf_pci[SH_PCI_LEN];

	/* The VF netdev on the host before the claim. */
	char host_name[IFNAMSIZ];
	int host_ifindex;
	uint8_t host_mac[6];
	unsigned host_mtu;
	bool host_up;
	char host_altnames[8][128]; /* its alternative names: others found on return are dropped */
	size_t n_host_altnames;

	/* Inside the container. */
	char cont_name[IFNAMSIZ];
	int cont_ifindex;

	/* PF-side settings: knobs the hook may change and their values before the claim. */
	unsigned knobs;
	struct sh_vf_cfg orig;
};

struct sh_claim {
	int lock_fd;
	char pci[SH_PCI_LEN];
	char state_dir[PATH_MAX];
	char owner[256]; /* the id of the record last read or written, "" if none */
	char lock_path[PATH_MAX];
	char rec_path[PATH_MAX];
};

#define SH_CLAIM_INIT ((struct sh_claim){.lock_fd = -1})

/* Creates state_dir and its subdirectories. */
int sh_claim_store_init(const char *state_dir, struct sh_error *err);
/* Locks the VF. wait=false: -EBUSY at once when another hook holds it. */
int sh_claim_lock(const char *state_dir, const char *pci, bool wait, struct sh_claim *c, struct sh_error *err);
/* Drops the lock, keeping the record. */
void sh_claim_unlock(struct sh_claim *c);
/* Removes the record (and its owner's index entry) only, keeping the lock (a takeover goes on to
 * claim the VF). */
int sh_claim_release_record(struct sh_claim *c, struct sh_error *err);
/* Removes the record and the lock file, then unlocks. */
int sh_claim_release(struct sh_claim *c, struct sh_error *err);

/* -ENOENT when the VF has no record. */
int sh_claim_read(struct sh_claim *c, struct sh_record *r, struct sh_error *err);
/* Atomic: written to a temporary file, fsync'd, renamed over the record; the owners/ index entry
 * is made first. */
int sh_claim_write(struct sh_claim *c, const struct sh_record *r, struct sh_error *err);
/* Removes container id's index entry for VF pci (and its directory once empty). */
void sh_claim_index_del(const char *state_dir, const char *id, const char *pci);
/* Removes container id's whole index (poststop, once all its claims are released). */
void sh_claim_index_drop(const char *state_dir, const char *id);
int sh_record_to_json(const struct sh_record *r, char **out);
int sh_record_from_json(const char *json, struct sh_record *r, struct sh_error *err);

/* Whether the record's owner is gone (so the claim is stale). Called with the lock held. */
bool sh_record_is_stale(const struct sh_record *r);
/* Start time of a process, 0 when it does not exist. */
unsigned long long sh_proc_start_time(int pid);

/* Calls fn for every record's VF PCI address (the whole store, for admin tools such as a future
 * `list` or `gc`); stops at fn's first non-zero return. */
int sh_claim_foreach(const char *state_dir, int (*fn)(const char *pci, void *data), void *data, struct sh_error *err);
/* The VFs (PCI addresses) whose records name container id, found through the owners/ index and
 * read without locks: *n counts them all, at most max are stored in pci. */
int sh_claim_list_owned(const char *state_dir, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
		     struct sh_error *err);

#endif
