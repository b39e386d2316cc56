/* The owners index (owners/<id>/<pci>): which VFs a container may hold, so that its poststop and
 * the pins' checks find its records without reading every one. A superset of the records: an entry
 * is made before its record and removed after it. */
#ifndef SRIOV_HOOK_STORE_OWNERS_H
#define SRIOV_HOOK_STORE_OWNERS_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/store.h"

/* The VFs (PCI addresses) the owners/ index lists for container id, unverified: *n counts them
 * all, at most max are stored. */
int sh_store_list_owned(struct sh_store *s, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			struct sh_error *err);

/* ---- for the store's own modules */

/* Makes owners/<id>/<pci> (and owners/<id>). */
int sh_owners_add(struct sh_store *s, const char *id, const char *pci, struct sh_error *err);
/* Removes owners/<id>/<pci>, and owners/<id> once empty. id "": nothing. */
int sh_owners_del(struct sh_store *s, const char *id, const char *pci);
/* Whether container id has no index entry left (and so no record to name its pins). */
bool sh_owners_empty(struct sh_store *s, const char *id);

#endif
