/* A config.json too large for sriov-runc to read is refused, not passed to runc untouched: a
 * container that asks for a VF in it would start without one and nobody would say so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/input/config.h"
#include "sriov-hook/runc/wrapper.h"

static void test_too_large_refused(void **state)
{
	char dir[] = "/tmp/sh-wrapper-big-XXXXXX", path[PATH_MAX];
	struct sh_hook_ref hook = {"/usr/bin/sriov-hook", NULL};
	struct sh_error err = {0};
	struct sh_config cfg;
	bool changed = true;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	/* sparse: the size is what counts */
	assert_int_equal(ftruncate(fd, (off_t)SH_WRAPPER_SPEC_MAX + 1), 0);
	close(fd);
	sh_config_defaults(&cfg);
	assert_int_equal(sh_wrapper_prepare_bundle(dir, &cfg, &hook, &changed, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "cannot tell whether it asks for SR-IOV"));
	/* a small one that does not parse is still runc's to refuse */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{", 1), 1);
	close(fd);
	memset(&err, 0, sizeof(err));
	assert_int_equal(sh_wrapper_prepare_bundle(dir, &cfg, &hook, &changed, &err), 0);
	unlink(path);
	rmdir(dir);
	sh_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_too_large_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
