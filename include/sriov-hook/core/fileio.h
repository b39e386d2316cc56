/* Small file helpers shared by the input layer, the claim store and the runtime wrapper: whole
 * writes, and bounded reads of files an attacker may have put in place of a regular one. */
#ifndef SRIOV_HOOK_FILEIO_H
#define SRIOV_HOOK_FILEIO_H

#include <stddef.h>

#include "sriov-hook/core/error.h"

/* Writes all of buf, retrying short writes and EINTR; what names the file in the error. */
int sh_fd_write_all(int fd, const void *buf, size_t len, const char *what, struct sh_error *err);

/* Reads fd to its end into a NUL-terminated malloc'd buffer (*len excludes the NUL). More than
 * max bytes is an error (EFBIG): a runtime's pipe or a bundle file must not exhaust memory. */
int sh_read_fd(int fd, size_t max, char **out, size_t *len, struct sh_error *err);

/* sh_read_fd of path, which must be a regular file of at most max bytes (checked by fstat before
 * reading). Opened non-blocking so that a FIFO in its place fails at once instead of waiting for
 * a writer; a device such as /dev/zero or a directory is refused the same way. */
int sh_read_regular_file(const char *path, size_t max, char **out, size_t *len, struct sh_error *err);

/* Replaces path by buf: a temporary file in the same directory with the old file's owner and mode
 * (mode -1; 0644 for a new file) or the given mode, fsync, rename, fsync of the directory. Readers
 * see the old content or the new, never a part. */
int sh_write_file_atomic(const char *path, const char *buf, size_t len, int mode, struct sh_error *err);

#endif
