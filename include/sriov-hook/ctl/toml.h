/* The little of TOML that doctor reads from the engines' own files (containers.conf, crio.conf):
 * one key of one table, a string or an array of strings. Comments, quoting (basic strings with
 * their escapes, literal strings), arrays over several lines and keys of the same prefix are read
 * as TOML means them; any other value is skipped. */
#ifndef SRIOV_HOOK_TOML_H
#define SRIOV_HOOK_TOML_H

#include <limits.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"

/* The strings of `key = ["a", 'b']` (or `key = "a"`) in [table] of text (NUL-terminated; a table
 * beginning with '*' is any table whose name holds the rest), the
 * last assignment if several: 1 with out[0..*n) set (at most max, each cut at PATH_MAX), 0 when
 * the key is not there (out untouched). */
int sh_toml_strings(const char *text, const char *table, const char *key, char out[][PATH_MAX], size_t max, size_t *n);
/* The same from a file; a missing file is 0, another read error a negative errno in err. */
int sh_toml_file_strings(const char *path, const char *table, const char *key, char out[][PATH_MAX], size_t max,
			 size_t *n, struct sh_error *err);

#endif
