/* Network namespace pins (netns/<id>@<dev>-<ino>): a container's namespace bind-mounted under
 * state_dir so that poststop still reaches its VFs, made under the pin's lock before any record
 * names it and removed once none does. Also who else holds VFs in a namespace (a pod). */
#ifndef SRIOV_HOOK_STORE_PIN_H
#define SRIOV_HOOK_STORE_PIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/store/record.h"
#include "sriov-hook/store/store.h"

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
/* The id of a container other than h whose records put VFs asked as device (a request's device
 * key, "" for annotations) into h's network namespace, and (pci, when not NULL) one such VF; ""
 * when there is none. Live or gone: the VF is in the namespace h is in. A pod's containers join one
 * namespace: a device one of them brought is shared by the others that ask for it (a sidecar; a
 * restarted container takes it over without a move; CRI-O copies the pod's annotations onto each
 * container), while a container's other devices come in beside it. */
int sh_store_netns_holder(struct sh_store *s, const struct sh_holder *h, const char *device, char holder[SH_ID_MAX + 1],
			  char pci[SH_PCI_LEN], struct sh_error *err);

/* ---- for the store's own modules (the tidy-up) */

/* A pin's name taken apart: <id>@<dev>-<ino>, or version 1's <id>. */
struct sh_pin_id {
	char id[SH_ID_MAX + 1];
	bool has_ns; /* false: a version 1 pin, named by the id alone */
	unsigned long long dev, ino;
};
int sh_pin_parse_name(const char *name, struct sh_pin_id *p);
/* Whether a record names pin name: the pin of container <id> is named only by records of <id>,
 * found through its index. Unknown (an unreadable record) counts as named. */
bool sh_pin_referenced(struct sh_store *s, const char *name);
/* What pin name holds: 1 = a network namespace (its identity in dev, ino), 0 = nothing (a plain
 * file), -errno when it cannot be opened (-ENOENT absent, -ELOOP a symlink). */
int sh_pin_holds(struct sh_store *s, const char *name, uint64_t *dev, uint64_t *ino);
/* Unmounts and removes a pin (with its lock held). Stacked mounts go one by one. */
int sh_store_pin_remove(struct sh_store *s, const char *name, struct sh_error *err);
/* Locks pin name without waiting (wait=false) or waiting; 0, -EBUSY (held) or an error. */
int sh_store_lock_pin_name(struct sh_store *s, const char *name, bool wait, struct sh_pin *p, struct sh_error *err);

#endif
