/* The one way JSON is written: a yajl generator that keeps its first failure, so a writer calls
 * the generator straight through and checks once, when it finishes the document into a string.
 * Records, listings, CDI specs, vfio info, config.json and runc's log lines all come through here. */
#ifndef SRIOV_HOOK_JSONGEN_H
#define SRIOV_HOOK_JSONGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "sriov-hook/core/error.h"

struct sh_jgen {
	yajl_gen g;		/* NULL when it could not be allocated */
	yajl_gen_status status; /* yajl_gen_status_ok until the first failure, then that failure */
};

/* Starts a document: compact when indent is NULL, else one value a line indented by indent. An
 * allocation failure is kept like any other and reported by sh_jgen_finish. */
void sh_jgen_start(struct sh_jgen *j, const char *indent);
void sh_jgen_free(struct sh_jgen *j);
#define _cleanup_jgen_ __attribute__((cleanup(sh_jgen_free)))
/* Whether everything so far was generated: a recursive writer stops early when it was not. */
bool sh_jgen_ok(const struct sh_jgen *j);

/* After a failure each of these does nothing. */
void sh_jgen_map_open(struct sh_jgen *j);
void sh_jgen_map_close(struct sh_jgen *j);
void sh_jgen_array_open(struct sh_jgen *j);
void sh_jgen_array_close(struct sh_jgen *j);
void sh_jgen_str(struct sh_jgen *j, const char *s);
void sh_jgen_int(struct sh_jgen *j, long long v);
/* Unsigned 64-bit values above LLONG_MAX stay positive (yajl's integers are signed). */
void sh_jgen_u64(struct sh_jgen *j, unsigned long long v);
/* A number as its text: 1e3 stays 1e3, 18446744073709551615 is not clamped. */
void sh_jgen_number(struct sh_jgen *j, const char *text);
void sh_jgen_bool(struct sh_jgen *j, bool v);
void sh_jgen_null(struct sh_jgen *j);
/* A key of the open object and its value. */
void sh_jgen_kv_str(struct sh_jgen *j, const char *key, const char *value);
void sh_jgen_kv_int(struct sh_jgen *j, const char *key, long long value);

/* The document in a malloc'd NUL-terminated string, *len (when len is not NULL) its length.
 * Fails with -ENOMEM, or -EINVAL and "<what>: cannot be written: <yajl's first failure>"; what
 * names the document ("vfio info"), NULL for a caller that names it itself ("JSON"). */
int sh_jgen_finish(struct sh_jgen *j, const char *what, char **out, size_t *len, struct sh_error *err);

#endif
