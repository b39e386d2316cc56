/* Network namespaces: opening, identifying and pinning the container's. */
#ifndef SRIOV_HOOK_NETNS_H
#define SRIOV_HOOK_NETNS_H

#include <limits.h>
#include <stdint.h>

#include "sriov-hook/error.h"

int sh_netns_open(const char *path, int *fd, struct sh_error *err);
int sh_netns_identity(int fd, uint64_t *dev, uint64_t *ino);
/* Bind-mounts the netns at path onto <state_dir>/netns/<id> (pin, PATH_MAX bytes). Idempotent. */
int sh_netns_pin(const char *state_dir, const char *id, const char *path, char *pin, struct sh_error *err);
/* Unmounts and removes a pin; a missing pin is not an error. */
int sh_netns_unpin(const char *pin, struct sh_error *err);
void sh_netns_pin_path(const char *state_dir, const char *id, char *pin);

#endif
