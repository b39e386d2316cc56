/* Small helpers over yajl's tree API and generator, shared by the state, spec, config and claim
 * parsers. */
#ifndef SRIOV_HOOK_JSON_H
#define SRIOV_HOOK_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "sriov-hook/error.h"

/* Parses buf (NUL-terminated); what names the document in the error ("OCI state"). */
int sh_json_parse(const char *buf, const char *what, yajl_val *out, struct sh_error *err);
/* Reads a whole file (at most max bytes) into a NUL-terminated malloc'd buffer. */
int sh_json_read_file(const char *path, size_t max, char **out, struct sh_error *err);
/* Reads a whole fd (at most max bytes) into a NUL-terminated malloc'd buffer. */
int sh_json_read_fd(int fd, size_t max, char **out, struct sh_error *err);
yajl_val sh_json_get(yajl_val obj, const char *key);
/* Strings: 0 and *out set, -ENOENT when absent, -EINVAL when of another type. */
int sh_json_get_string(yajl_val obj, const char *key, const char **out);
int sh_json_get_int(yajl_val obj, const char *key, long long *out);
int sh_json_get_bool(yajl_val obj, const char *key, int *out);

void sh_json_gen_str(yajl_gen g, const char *s);
void sh_json_gen_kv_str(yajl_gen g, const char *key, const char *value);
void sh_json_gen_kv_int(yajl_gen g, const char *key, long long value);

#endif
