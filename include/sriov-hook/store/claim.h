/* A VF's claim: its lock (locks/<pci>.lock), its record (claims/<pci>.json) and its owners/ index
 * entry, kept in the order that lets whoever next holds the lock finish what a dead holder left.
 * attach uses it at the size of a claim (begin, save, commit or abort); poststop, gc and sriovctl
 * lock, read, write and release records one by one. */
#ifndef SRIOV_HOOK_STORE_CLAIM_H
#define SRIOV_HOOK_STORE_CLAIM_H

#include <stdbool.h>
#include <sys/stat.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/store/store.h"

struct sh_claim {
	struct sh_store *store;
	int lock_fd;
	char pci[SH_PCI_LEN];
	char owner[SH_ID_MAX + 1];   /* the id of the record last read or written, "" if none */
	char indexed[SH_ID_MAX + 1]; /* the id whose owners/ entry may exist (the lock file's word) */
	struct sh_record rec;	     /* the claim being made (sh_claim_begin, sh_claim_adopt, ...) */
};
#define SH_CLAIM_INIT ((struct sh_claim){.lock_fd = -1})

/* ---- a claim as attach makes it: begin, save, commit or abort */

/* Begins holder h's claim of VF pci: takes the VF's lock without waiting and reads its record. 0:
 * the VF is unclaimed; c->rec starts h's record (attaching, with h's identity, the VF's address and
 * the time). 1: the same, but a stale or returning claim was on the VF, in *stale: the caller gives
 * it back first (restore.h's sh_release_vf, keeping the lock). -EBUSY: another hook acts on the VF,
 * or a live container holds it ("already held by <id> (<name>)"). */
int sh_claim_begin(struct sh_store *s, const char *pci, const struct sh_holder *h, struct sh_claim *c,
		   struct sh_record *stale, struct sh_error *err);
/* Begins holder h's adoption of the claim another process made for it on VF pci (sriov-runc's
 * vfio VFs): waits for the VF's lock; when fits(record, data), the record becomes h's (attaching)
 * and is saved. -ENOENT (err untouched, unlocked) when there is no record or it does not fit. */
int sh_claim_adopt(struct sh_store *s, const char *pci, const struct sh_holder *h,
		   bool (*fits)(const struct sh_record *r, void *data), void *data, struct sh_claim *c,
		   struct sh_error *err);
/* Writes c->rec. From the first save on, a failure is undone by giving the VF back (sh_release_vf);
 * before it, by sh_claim_abort. */
int sh_claim_save(struct sh_claim *c, struct sh_error *err);
/* The claim is complete: its record says attached. The lock stays until sh_claim_unlock, so that a
 * run commits all its claims before it lets any go, and a failure can still give them all back. */
int sh_claim_commit(struct sh_claim *c, struct sh_error *err);
/* Gives up a claim never saved: its lock file and any index entry left by a dead hook go. */
void sh_claim_abort(struct sh_claim *c);
/* Holder h's claim of VF pci, locked (waiting) and read into c->rec. -ENOENT (unlocked, err
 * untouched) when h does not hold it, or holds it no more (sriov-runc giving back what it
 * prepared, after a createRuntime adopted some). */
int sh_claim_reopen(struct sh_store *s, const char *pci, const struct sh_holder *h, struct sh_claim *c,
		    struct sh_error *err);
/* Calls fn with each record of container id (through its index, read without locks: a snapshot);
 * stops at fn's first non-zero return. */
int sh_store_each_record_of(struct sh_store *s, const char *id,
			    int (*fn)(const char *pci, const struct sh_record *r, void *data), void *data,
			    struct sh_error *err);

/* ---- a record at a time */

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
/* The record of VF pci read without its lock (records are replaced atomically): -ENOENT when none. */
int sh_store_peek(struct sh_store *s, const char *pci, struct sh_record *r, struct sh_error *err);

/* ---- for the store's own modules */

/* sh_store_peek, and the record file's stat in *st (st may be NULL). */
int sh_store_read_record(struct sh_store *s, const char *pci, struct sh_record *r, struct stat *st,
			 struct sh_error *err);
/* Takes VF pci's lock without waiting and without making a lock file (a tidy-up): 0, 1 when there
 * is no lock file (no process acts on the VF), -EBUSY, or an error. */
int sh_claim_trylock(struct sh_store *s, const char *pci, struct sh_claim *c);

#endif
