/* The running kernel's release against the oldest the hook supports (kernel.h says why that one):
 * parsed from uname(2), compared once at createRuntime, refused in one line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "sriov-hook/sys/kernel.h"

int sh_kernel_release_parse(const char *release, unsigned *major, unsigned *minor)
{
	unsigned long a, b;
	char *end;

	if (!release || *release < '0' || *release > '9')
		return -EINVAL;
	a = strtoul(release, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	b = strtoul(end + 1, &end, 10);
	if (a > 1000 || b > 1000)
		return -EINVAL;
	*major = a;
	*minor = b;
	return 0;
}

int sh_kernel_check(const char *release, struct sh_error *err)
{
	unsigned major, minor;

	if (sh_kernel_release_parse(release, &major, &minor) < 0)
		return sh_err(err, EINVAL, "kernel release '%s' is not <major>.<minor>...", release ? release : "");
	if (major > SH_KERNEL_MIN_MAJOR || (major == SH_KERNEL_MIN_MAJOR && minor >= SH_KERNEL_MIN_MINOR))
		return 0;
	return sh_err(err, ENOTSUP, "kernel %s is older than %d.%d, the oldest sriov-hook supports", release,
		      SH_KERNEL_MIN_MAJOR, SH_KERNEL_MIN_MINOR);
}

int sh_kernel_check_running(struct sh_error *err)
{
	struct utsname u;

	if (uname(&u) < 0)
		return sh_err_errno(err, errno, "uname");
	return sh_kernel_check(u.release, err);
}
