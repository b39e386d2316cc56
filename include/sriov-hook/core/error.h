/* One error convention for the whole hook: fallible functions return a negative errno and fill a
 * struct sh_error whose message reads as "<what was being done>: <why>", so main() prints one line. */
#ifndef SRIOV_HOOK_ERROR_H
#define SRIOV_HOOK_ERROR_H

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

/* Room for the longest message with its fix, two paths in it included: no user-facing message is
 * ever cut (tests/unit/test_error.c, tests/integration/refusals.sh). */
#define SH_ERR_MAX 4096

struct sh_error {
	int code; /* positive errno */
	char msg[SH_ERR_MAX];
};

/* Sets err to "<fmt>" (no errno text) and returns -errnum. */
int sh_err(struct sh_error *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets err to "<fmt>: <strerror(errnum)>" and returns -errnum. */
int sh_err_errno(struct sh_error *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes the message already in err with "<fmt>: " and returns -err->code. The message is kept
 * whole: when both do not fit, the prefix is cut (ending "..."). */
int sh_err_ctx(struct sh_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void sh_freep(void *p)
{
	free(*(void **)p);
}
static inline void sh_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(sh_freep)))
#define _cleanup_close_ __attribute__((cleanup(sh_closep)))

/* Hands ownership on: returns the pointer (or fd) and leaves NULL (-1) behind, so that the
 * variable's cleanup attribute frees nothing (crun's get_and_reset, bubblewrap's steal_pointer). */
#define sh_steal_ptr(pp)                                                                                               \
	({                                                                                                             \
		__typeof__(*(pp)) sh_stolen_ = *(pp);                                                                  \
		*(pp) = NULL;                                                                                          \
		sh_stolen_;                                                                                            \
	})
static inline int sh_steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

#define SH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
