/* The error convention: a negative errno travels up with a message that each layer may prefix
 * with what it was doing, so the top level prints one line that reads from outside in. */
#include "sriov-hook/core/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Fills err from fmt, with ": <strerror>" after it when with_errno; returns -errnum. */
static int set_error(struct sh_error *err, int errnum, bool with_errno, const char *fmt, va_list ap)
{
	size_t len;

	if (errnum < 0)
		errnum = -errnum;
	if (!err)
		return -errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	len = strlen(err->msg);
	if (with_errno)
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	err->code = errnum;
	return -errnum;
}

int sh_err(struct sh_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_error(err, errnum, false, fmt, ap);
	va_end(ap);
	return r;
}

int sh_err_errno(struct sh_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_error(err, errnum, true, fmt, ap);
	va_end(ap);
	return r;
}

int sh_err_ctx(struct sh_error *err, const char *fmt, ...)
{
	char prefix[SH_ERR_MAX], old[SH_ERR_MAX];
	size_t room, plen, olen, at;
	va_list ap;

	if (!err)
		return -EIO;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* The inner message says why and, last, what fixes it: it stays whole. A prefix too long for
	 * what room is left is the part that is cut, and says so with "...". */
	olen = strnlen(old, sizeof(old) - 1);
	room = sizeof(err->msg) - 1 - olen;
	plen = strlen(prefix);
	if (plen + 2 > room) {
		plen = room > 5 ? room - 5 : 0;
		memcpy(prefix + plen, "...", plen ? 4 : 1);
		plen += plen ? 3 : 0;
	}
	at = 0;
	if (plen) {
		memcpy(err->msg, prefix, plen);
		memcpy(err->msg + plen, ": ", 2);
		at = plen + 2;
	}
	memcpy(err->msg + at, old, olen);
	err->msg[at + olen] = '\0';
	if (err->code <= 0)
		err->code = EIO;
	return -err->code;
}
