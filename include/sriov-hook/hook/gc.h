/* Garbage collection of the state store: what createRuntime and poststop leave when they are killed,
 * or when a runtime never runs poststop (podman after a failed start, a kill -9 of conmon). Used by
 * `sriovctl gc`; the hook's own claims and takeovers use the same steps for the VF they touch. */
#ifndef SRIOV_HOOK_GC_H
#define SRIOV_HOOK_GC_H

#include <stdbool.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/store/store.h"

/* One thing gc acted on (or, dry run, would act on). */
struct sh_gc_event {
	const char *pci;  /* the VF, or NULL for a stray file or pin */
	const char *id;	  /* the container the claim was for, or NULL */
	const char *what; /* "returned", "returning", "removed stale pin", "removed stray file",
			   * "returned to its baseline (promisc, mtu)", "mtu not returned to its baseline" */
	const char *path; /* the stray file or pin, or NULL */
	int result;	  /* 0, or the negative errno of the failure */
	const char *why;  /* the failure's message, or NULL */
};

/* ev->what as a line says it: as it is for a run, and for a dry run in the conditional ("would be
 * returned", "would remove stale pin"), since nothing was done. */
const char *sh_gc_event_what(const struct sh_gc_event *ev, bool dry_run, char *buf, size_t len);

/* Finishes every claim whose container is gone or that was left mid-way (the VF moved home from the
 * pin or found as devN, restored from its record, released), removes pins no record names and
 * stray temporary files and empty index directories; then returns each free VF that differs from
 * its baseline (baseline.h) to it item by item, an item the driver refuses reported on its own, and
 * removes the baselines of VFs that are gone or were recreated. Takes the same locks as the hooks, so it is
 * safe beside running hooks. report is called once per event. Returns 0 when everything found was
 * handled, else the first failure (err filled); VFs that could not be returned keep their records. */
int sh_gc(const struct sh_config *cfg, bool dry_run, void (*report)(const struct sh_gc_event *ev, void *data),
	  void *data, struct sh_error *err);

#endif
