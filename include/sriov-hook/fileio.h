/* Small file helpers shared by the claim store and the runtime wrapper. */
#ifndef SRIOV_HOOK_FILEIO_H
#define SRIOV_HOOK_FILEIO_H

#include <stddef.h>

/* Writes all of buf, retrying short writes and EINTR. 0 or a negative errno. */
int sh_write_all(int fd, const char *buf, size_t len);

#endif
