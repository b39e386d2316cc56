/* Shared by the libFuzzer harnesses: the input as a C string, and the error convention every parser
 * must keep (a failure fills err: its code is the returned errno and it has a message). */
#ifndef SRIOV_HOOK_FUZZ_H
#define SRIOV_HOOK_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/error.h"

/* libFuzzer's data is not NUL-terminated; the parsers take C strings (an embedded NUL ends it, as
 * it would for the hook, which reads its inputs as strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A parser that fails must say why: the hook prints err.msg as its one line. */
static inline void fuzz_check_err(const char *what, int r, const struct sh_error *err)
{
	if (r >= 0)
		return;
	if (err->code != -r || !err->msg[0] || !memchr(err->msg, '\0', sizeof(err->msg))) {
		fprintf(stderr, "%s returned %d but err is {code %d, msg \"%.200s\"}\n", what, r, err->code, err->msg);
		abort();
	}
}

#endif
