/* Leftovers: what crashed operations leave under state_dir (temporary records, index entries and
 * lock files without their claim, pins no record names, info files of containers without VFs),
 * removed by gc in full and by each createRuntime for pins and info files. */
#ifndef SRIOV_HOOK_STORE_TIDY_H
#define SRIOV_HOOK_STORE_TIDY_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/store/store.h"

/* What sh_store_tidy did (or, dry run, would do) to path. result: 0 or a negative errno. */
typedef void sh_store_report_fn(const char *what, const char *path, int result, const char *why, void *data);
/* Removes what no operation needs any more: temporary records of dead writers, index entries
 * without their record, empty owners/<id>/, pins no record names, lock files of VFs and pins that
 * have neither. Never waits for a lock: what a live process holds is its own. Returns the first
 * failure (err filled), after trying everything. */
int sh_store_tidy(struct sh_store *s, bool dry_run, sh_store_report_fn *report, void *data, struct sh_error *err);
/* What the hooks sweep at each createRuntime: the pins no record names (own_id's get the full check,
 * others' only when their container has no index entry left: the rest is gc's) and the info files
 * of containers that hold no VF. */
int sh_store_sweep_pins(struct sh_store *s, const char *own_id, struct sh_error *err);

#endif
