/* The info files under state_dir: what a vfio container is told of its VFs, a JSON file
 * bind-mounted into it read-only (its content is vfioinfo.h's). Written atomically, mode 0644. */
#ifndef SRIOV_HOOK_STORE_INFO_H
#define SRIOV_HOOK_STORE_INFO_H

#include <limits.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/store/store.h"

/*   info/<id>.json   container <id>'s (sriov-runc writes it before runc create; it goes with the
 *                    container's last claim, or with gc once no claim of <id> is left)
 *   cdi/<pci>.json   one VF's, named by a vfio pool's CDI device (sriovctl cdi generate)
 * path (PATH_MAX bytes) gets the file's absolute path. */
enum sh_info_kind { SH_INFO_CONTAINER, SH_INFO_CDI };
int sh_store_info_write(struct sh_store *s, enum sh_info_kind kind, const char *name, const char *json,
			char path[PATH_MAX], struct sh_error *err);
/* Removes it; absent is fine. */
int sh_store_info_remove(struct sh_store *s, enum sh_info_kind kind, const char *name, struct sh_error *err);

#endif
