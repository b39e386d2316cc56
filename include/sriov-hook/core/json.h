/* Small helpers over yajl's tree API, shared by the state, spec, config and claim parsers. JSON
 * is written through jsongen.h. */
#ifndef SRIOV_HOOK_JSON_H
#define SRIOV_HOOK_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/core/error.h"

/* Parses buf (NUL-terminated) into an object; what names the document in the error ("OCI state").
 * A string or key with an escaped NUL (\u0000) is refused: the tree would cut it there. */
int sh_json_parse(const char *buf, const char *what, yajl_val *out, struct sh_error *err);
/* Where yajl stops in buf (NUL-terminated), 1-based: the token it refuses, or the end of a
 * document cut short. Editors and people count lines and columns, not byte offsets. */
void sh_json_error_position(const char *buf, unsigned *line, unsigned *column);
/* Reads a whole regular file (at most max bytes; a FIFO, a device or a larger file is refused
 * before reading) into a NUL-terminated malloc'd buffer. A NUL byte in it is an error. */
int sh_json_read_file(const char *path, size_t max, char **out, struct sh_error *err);
/* Reads a whole fd (at most max bytes) into a NUL-terminated malloc'd buffer; no NUL byte. */
int sh_json_read_fd(int fd, size_t max, char **out, struct sh_error *err);
yajl_val sh_json_get(yajl_val obj, const char *key);
/* Lookups, which report what they found rather than fail: 0 and *out set, -ENOENT when absent,
 * -EINVAL when of another type. The caller, which knows the document, words the error. */
int sh_json_get_string(yajl_val obj, const char *key, const char **out);
int sh_json_get_int(yajl_val obj, const char *key, long long *out);
int sh_json_get_bool(yajl_val obj, const char *key, int *out);

static inline void sh_json_freep(yajl_val *v)
{
	yajl_tree_free(*v); /* NULL is fine */
}
#define _cleanup_json_ __attribute__((cleanup(sh_json_freep)))

#endif
