/* The store's file primitives, for its own modules: walks of a directory fd, lock files under
 * locks/ (flock, and the dance that makes removing one safe), and the atomic replace of a file. */
#ifndef SRIOV_HOOK_STORE_FILES_H
#define SRIOV_HOOK_STORE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/store/store.h"

typedef int sh_store_entry_fn(const char *name, void *data);

/* Calls fn for every entry of dir not starting with '.', stopping at its first non-zero return.
 * The directory is reopened so that dir stays usable (the sandbox has no dup). */
int sh_store_each_entry(int dir, sh_store_entry_fn *fn, void *data);
/* Whether s ends in suffix after at least one character; *stem gets the length before it. */
bool sh_store_has_suffix(const char *s, const char *suffix, size_t *stem);
/* Whether name is a symbolic link or absent in dir: left alone by every walk. */
bool sh_store_is_link(int dir, const char *name);

/* baseline/<pci>.json of VF pci, as a name under baseline/ (baseline.h). */
void sh_store_baseline_name(char *out, size_t len, const char *pci);

/* Opens and flock()s locks/<name>. A releaser unlinks a lock file while holding it: a file that is
 * no longer at the path once locked is not the lock, so retry on the one there now. create=false:
 * -ENOENT when there is no lock file (nobody can hold it). -EBUSY (err untouched) when held and
 * wait is false. */
int sh_store_lock_file(struct sh_store *s, const char *name, bool create, bool wait, int *out, struct sh_error *err);
/* Unlinks the lock file while still holding it, then lets it go. */
void sh_store_unlock_remove(struct sh_store *s, const char *name, int *fd);

/* Replaces dir/name with data through name.tmp, written, fsync'd, given mode, then renamed
 * over it: a reader sees the old file or the new one, never part of one. 0, or a negative errno
 * (*created: whether the temporary file was made, which then goes). */
int sh_store_replace_at(int dir, const char *name, const char *data, mode_t mode, bool *created);

#endif
