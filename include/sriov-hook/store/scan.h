/* The operators' read side (sriovctl list, metrics, doctor; gc's list of claims): every claim
 * record read without its lock, as a snapshot for display. */
#ifndef SRIOV_HOOK_STORE_SCAN_H
#define SRIOV_HOOK_STORE_SCAN_H

#include <stddef.h>
#include <time.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/store/store.h"

/* One claim as the read side shows it: its record, what it says of the VF now, and since when. */
struct sh_claim_info {
	enum sh_claim_state state;
	time_t since; /* when the claim was made (the record's, else its file's mtime) */
	struct sh_record rec;
};

/* The claim on VF pci: -ENOENT (err untouched) when it has none. */
int sh_store_claim_info(const char *state_dir, const char *pci, struct sh_claim_info *out, struct sh_error *err);
/* Every claim record in the store, in PCI address order; stops at fn's first non-zero return. */
int sh_store_foreach_claim(const char *state_dir, int (*fn)(const struct sh_claim_info *info, void *data), void *data,
			   struct sh_error *err);
/* The PCI addresses of every claim record, sorted, in a malloc'd array of *n. */
int sh_store_list_claims(struct sh_store *s, char (**pci)[SH_PCI_LEN], size_t *n, struct sh_error *err);

#endif
