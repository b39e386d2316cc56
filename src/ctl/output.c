/* The files --output names. The check is made on the path itself (lstat, no link followed) just
 * before the atomic replace; the rename replaces a directory entry and never writes through a link
 * planted in between. */
#include "sriov-hook/ctl/output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"

bool sh_output_is_stdout(const char *path)
{
	return !strcmp(path, "-");
}

int sh_output_check(const char *path, struct sh_error *err)
{
	struct stat sb;

	if (lstat(path, &sb) < 0)
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "--output %s", path);
	if (!S_ISREG(sb.st_mode))
		return sh_err(
			err, EEXIST,
			"--output %s: not a regular file (%s): refusing to replace it (use - for standard output)",
			path,
			S_ISLNK(sb.st_mode)   ? "a symbolic link"
			: S_ISDIR(sb.st_mode) ? "a directory"
					      : "a device, FIFO or socket");
	if (sb.st_uid != geteuid())
		return sh_err(err, EPERM,
			      "--output %s: owned by uid %u, not by this user (uid %u): refusing to replace it", path,
			      (unsigned)sb.st_uid, (unsigned)geteuid());
	return 0;
}

int sh_output_write(const char *path, const char *text, struct sh_error *err)
{
	int r;

	if (sh_output_is_stdout(path)) {
		if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
			return sh_err_errno(err, errno, "write to standard output");
		return 0;
	}
	if ((r = sh_output_check(path, err)) < 0)
		return r;
	return sh_write_file_atomic(path, text, strlen(text), 0644, err);
}
