/* The state store: the only module that knows the layout of state_dir (locks, claim records, the
 * owners index, network namespace pins, info files) and builds paths in it. This header is the
 * handle (open, close) and the names of things under state_dir. What is done with them: claim.h (a
 * VF's claim: its lock, record and index entry), pin.h, tidy.h (leftovers), info.h and scan.h (the
 * operators' read side); owners.h (the index) and files.h (locks, walks, atomic writes) serve them.
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
 *   info/<id>.json, cdi/<pci>.json  what vfio containers are told (info.h)
 *   baseline/<pci>.json     VF pci's host-side state before its first claim (baseline.h), kept
 *                           after release; written (atomically) under the VF's lock, never a lock
 *                           itself: no claim waits for it.
 *
 * A lock file exists while its claim or pin does (or until gc after a crash); everything else of an
 * operation goes with it. state_dir must belong to the hook's user and not be group or world
 * writable, nor may its ancestors be (unless sticky). */
#ifndef SRIOV_HOOK_STORE_H
#define SRIOV_HOOK_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

struct sh_store {
	char path[PATH_MAX]; /* state_dir, for messages */
	int dir;	     /* -1: state_dir does not exist (an empty store) */
	int locks, claims, owners, pins, info, cdi, baseline;
};
#define SH_STORE_INIT                                                                                                  \
	((struct sh_store){.dir = -1, .locks = -1, .claims = -1, .owners = -1, .pins = -1, .info = -1, .cdi = -1, .baseline = -1})

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

/* ---- names under state_dir, for the store's own modules */

#define SH_STORE_PIN_DIR "netns"

/* locks/<pci>.lock of VF pci, as a name under locks/. */
void sh_store_vf_lock_name(char *out, size_t len, const char *pci);
/* locks/<name>.lock of pin netns/<name>, as a name under locks/. */
void sh_store_pin_lock_name(char *out, size_t len, const char *name);
/* claims/<pci>.json of VF pci, as a name under claims/. */
void sh_store_record_name(char *out, size_t len, const char *pci);
/* The name under netns/ of a pin as records name it ("netns/<name>", a plain name), or NULL. */
const char *sh_store_pin_name_of(const char *rel);
/* Closes *fd unless it is -1, and makes it -1. */
void sh_store_close_fd(int *fd);

#endif
