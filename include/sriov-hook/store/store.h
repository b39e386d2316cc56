/* The state store: the only module that knows the layout of state_dir (locks, claim records, the
 * owners index, network namespace pins) and builds paths in it. Everything else asks it.
 *
 * This first part is the operators' read side (sriovctl list, metrics, doctor); the hooks' side
 * (locking, records, pins) follows below it. */
#ifndef SRIOV_HOOK_STORE_H
#define SRIOV_HOOK_STORE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/record.h" /* struct sh_record */

/* What the store says of one VF, read without taking its lock (a snapshot for display). */
enum sh_claim_state {
	SH_CLAIM_NONE,	    /* no record: free as far as the store knows */
	SH_CLAIM_HELD,	    /* a live container holds it */
	SH_CLAIM_STALE,	    /* its holder is gone (or died mid-way): the next claim or gc returns it */
	SH_CLAIM_RETURNING, /* released, but the VF was not back on the host yet: gc or a claim finishes */
};

struct sh_claim_info {
	enum sh_claim_state state;
	char pci[SH_PCI_LEN];
	char id[SH_ID_MAX + 1]; /* holder's container id */
	char name[SH_NAME_MAX + 1]; /* holder's name where the runtime gave one, else "" */
	int pid;		/* holder's init pid at createRuntime, 0 if unknown */
	uint64_t netns_dev, netns_ino;
	time_t since; /* when the claim was made (record's mtime at attach) */
	char pf_name[IFNAMSIZ];
	unsigned vf_index;
	char host_name[IFNAMSIZ]; /* the VF's netdev name on the host before the claim */
	char cont_name[IFNAMSIZ]; /* its name inside the container */
	struct sh_vf_cfg orig;	  /* PF-side settings before the claim */
	unsigned knobs;		  /* which of them the claim changed (SH_KNOB_BIT) */
	struct sh_vf_cfg applied; /* values the claim set, for the knobs it changed */
};

/* The claim on VF pci: -ENOENT (err untouched) when it has none. */
int sh_store_claim_info(const char *state_dir, const char *pci, struct sh_claim_info *out, struct sh_error *err);
/* Every claim record in the store, in PCI address order; stops at fn's first non-zero return. */
int sh_store_foreach_claim(const char *state_dir, int (*fn)(const struct sh_claim_info *info, void *data), void *data,
			   struct sh_error *err);

/* ---- the hooks' side ---------------------------------------------------------------------------
 *
 * Layout (every path opened with openat() on a directory fd, O_NOFOLLOW: a planted symlink is
 * refused or ignored, never followed):
 *
 *   locks/<pci>.lock        flock()ed by whichever process acts on the VF. It names the container
 *                           whose index entry may exist for the VF, so that the next holder cleans
 *                           an entry left by a hook killed between index and record.
 *   locks/<pin>.lock        flock()ed by the hook that makes pin <pin>, until a record names it.
 *   claims/<pci>.json       the claim record (record.h), written to <pci>.json.tmp, then renamed.
 *   owners/<id>/<pci>       the VFs container <id> may hold: a superset of its records (an entry
 *                           is made before the record and removed after it).
 *   netns/<id>@<dev>-<ino>  container <id>'s network namespace (dev, ino), bind-mounted (pinned)
 *                           so that poststop still reaches the VF. Version 1 named it netns/<id>.
 *   info/<id>.json, cdi/<pci>.json  what vfio containers are told (sh_store_info_write)
 *
 * A lock file exists while its claim or pin does (or until gc after a crash); everything else of an
 * operation goes with it. state_dir must belong to the hook's user and not be group or world
 * writable, nor may its ancestors be (unless sticky). */

struct sh_store {
	char path[PATH_MAX]; /* state_dir, for messages */
	int dir;	     /* -1: state_dir does not exist (an empty store) */
	int locks, claims, owners, pins, info, cdi;
};
#define SH_STORE_INIT                                                                                                  \
	((struct sh_store){.dir = -1, .locks = -1, .claims = -1, .owners = -1, .pins = -1, .info = -1, .cdi = -1})

/* Opens state_dir after checking who may write it. create: makes it and its subdirectories when
 * missing (createRuntime); otherwise a missing state_dir is an empty store (poststop creates
 * nothing). */
int sh_store_open(const char *state_dir, bool create, struct sh_store *s, struct sh_error *err);
void sh_store_close(struct sh_store *s);
static inline void sh_store_closep(struct sh_store *s)
{
	sh_store_close(s);
}
#define _cleanup_store_ __attribute__((cleanup(sh_store_closep)))

/* ---- a VF's claim: its lock and its record */

struct sh_claim {
	struct sh_store *store;
	int lock_fd;
	char pci[SH_PCI_LEN];
	char owner[SH_ID_MAX + 1];   /* the id of the record last read or written, "" if none */
	char indexed[SH_ID_MAX + 1]; /* the id whose owners/ entry may exist (the lock file's word) */
};
#define SH_CLAIM_INIT ((struct sh_claim){.lock_fd = -1})

/* Locks VF pci. wait=false: -EBUSY at once when another process holds it. A temporary record left
 * by a writer that died goes. */
int sh_store_lock_vf(struct sh_store *s, const char *pci, bool wait, struct sh_claim *c, struct sh_error *err);
/* Drops the lock, keeping the record. */
void sh_claim_unlock(struct sh_claim *c);
/* -ENOENT (err untouched) when the VF has no record; then an index entry left by a killed hook
 * goes too. */
int sh_claim_read(struct sh_claim *c, struct sh_record *r, struct sh_error *err);
/* Atomic: written to a temporary file, fsync'd, renamed over the record; the owners/ index entry
 * is made first. */
int sh_claim_write(struct sh_claim *c, const struct sh_record *r, struct sh_error *err);
/* With the VF's lock held, after sh_claim_read: removes container id's index entry for the VF
 * unless id owns the record. */
void sh_claim_unindex(struct sh_claim *c, const char *id);
/* Removes the record and its index entry, keeping the lock (a takeover goes on to claim the VF). */
int sh_claim_drop(struct sh_claim *c, struct sh_error *err);
/* Removes the record, its index entry and the lock file, then unlocks. */
int sh_claim_release(struct sh_claim *c, struct sh_error *err);
/* Whether a process holds VF pci's lock now: 1 or 0, making nothing (gc's dry run). */
int sh_store_vf_busy(struct sh_store *s, const char *pci);
/* Whether VF pci has a record, without locking or reading it (auto's cheap first look). */
bool sh_store_has_record(const struct sh_store *s, const char *pci);

/* The VFs (PCI addresses) the owners/ index lists for container id, unverified: *n counts them
 * all, at most max are stored. */
int sh_store_list_owned(struct sh_store *s, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			struct sh_error *err);
/* The record of VF pci read without its lock (records are replaced atomically): -ENOENT when none. */
int sh_store_peek(struct sh_store *s, const char *pci, struct sh_record *r, struct sh_error *err);

/* ---- holders */

/* A container as the hooks know it: id, init process and network namespace. */
struct sh_holder {
	const char *id;
	int pid; /* 0: unknown */
	unsigned long long pid_start;
	uint64_t netns_dev, netns_ino;
};

/* Whether the record's container is gone: its init exited, or its pid now names another process. */
bool sh_record_holder_gone(const struct sh_record *r);
/* With the VF's lock held: whether the claim is left for the next one to finish: its holder is
 * gone, it was left attaching (the hook died mid-way, its lock is free), or it is returning. */
bool sh_record_is_stale(const struct sh_record *r);
/* Whether the record was made for container h (same id, init process and network namespace). */
bool sh_record_held_by(const struct sh_record *r, const struct sh_holder *h);
/* The id of a live container other than h whose records put VFs into h's network namespace (a pod:
 * its containers join one namespace and carry the same annotations); "" when there is none. */
int sh_store_netns_holder(struct sh_store *s, const struct sh_holder *h, char holder[SH_ID_MAX + 1],
			  struct sh_error *err);

/* ---- network namespace pins */

struct sh_pin {
	struct sh_store *store;
	int lock_fd;
	char name[NAME_MAX + 1]; /* under netns/ */
	char rel[NAME_MAX + 8];	 /* "netns/<name>", as records name it */
};
#define SH_PIN_INIT ((struct sh_pin){.lock_fd = -1})

/* Locks the pin of container h's network namespace (waiting for a hook that holds it): from then
 * until sh_pin_unlock no one removes it, made or not, so a hook can make it before a record names
 * it. */
int sh_store_lock_pin(struct sh_store *s, const struct sh_holder *h, struct sh_pin *p, struct sh_error *err);
/* With the pin locked: makes sure it holds the namespace nsfd (h's). A pin that holds another
 * namespace, or none (a crash between making and mounting it), is replaced. */
int sh_pin_make(struct sh_pin *p, int nsfd, const struct sh_holder *h, struct sh_error *err);
/* With the pin locked: removes it unless a record names it. */
int sh_pin_remove_if_unused(struct sh_pin *p, struct sh_error *err);
/* Unlocks (and removes the lock file). */
void sh_pin_unlock(struct sh_pin *p);
/* Removes pin (as a record names it) unless a record names it; takes its lock, waiting for it or
 * (wait=false) leaving a pin whose lock is held alone. */
int sh_store_unpin_if_unused(struct sh_store *s, const char *pin, bool wait, struct sh_error *err);
/* Opens the network namespace pin holds, when it is the one (dev, ino) the record says. -ENOENT
 * (err untouched) when the pin is absent or holds nothing or another namespace. */
int sh_store_open_pin(struct sh_store *s, const char *pin, uint64_t dev, uint64_t ino, int *nsfd, struct sh_error *err);
/* The pins of container id, as records name them ("netns/..."), in pins[max]; *n counts them all. */
int sh_store_list_pins(struct sh_store *s, const char *id, char (*pins)[NAME_MAX + 8], size_t max, size_t *n,
		       struct sh_error *err);

/* ---- leftovers (what crashed operations leave), for the hooks' claims and for gc */

/* What sh_store_tidy did (or, dry run, would do) to path. result: 0 or a negative errno. */
typedef void sh_store_report_fn(const char *what, const char *path, int result, const char *why, void *data);
/* Removes what no operation needs any more: temporary records of dead writers, index entries
 * without their record, empty owners/<id>/, pins no record names, lock files of VFs and pins that
 * have neither. Never waits for a lock: what a live process holds is its own. Returns the first
 * failure (err filled), after trying everything. */
int sh_store_tidy(struct sh_store *s, bool dry_run, sh_store_report_fn *report, void *data, struct sh_error *err);
/* The hooks' part of it, after each claim: pins no record names, looked at closely for own_id and
 * for containers without index entries (others are gc's). */
/* What a vfio container is told of its VFs, a JSON file bind-mounted into it read-only:
 *   info/<id>.json   container <id>'s (sriov-runc writes it before runc create; it goes with the
 *                    container's last claim, or with gc once no claim of <id> is left)
 *   cdi/<pci>.json   one VF's, named by a vfio pool's CDI device (sriovctl cdi generate)
 * path (PATH_MAX bytes) gets the file's absolute path. Written atomically, mode 0644. */
enum sh_info_kind { SH_INFO_CONTAINER, SH_INFO_CDI };
int sh_store_info_write(struct sh_store *s, enum sh_info_kind kind, const char *name, const char *json,
			char path[PATH_MAX], struct sh_error *err);
/* Removes it; absent is fine. */
int sh_store_info_remove(struct sh_store *s, enum sh_info_kind kind, const char *name, struct sh_error *err);

/* What the hooks sweep at each createRuntime: the pins no record names (own_id's get the full check)
 * and the info files of containers that hold no VF. */
int sh_store_sweep_pins(struct sh_store *s, const char *own_id, struct sh_error *err);
/* The PCI addresses of every claim record, sorted, in a malloc'd array of *n. */
int sh_store_list_claims(struct sh_store *s, char (**pci)[SH_PCI_LEN], size_t *n, struct sh_error *err);

#endif
