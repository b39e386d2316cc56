/* sriovctl attach and detach's lookups in runc's state directory: a container id to its init pid,
 * an init pid to its container id; a state that does not say is not guessed at. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/ctl/live.h"

static char root[64];

static void state(const char *id, const char *json)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	assert_non_null(f = fopen(path, "w"));
	fputs(json, f);
	fclose(f);
}

static int setup(void **st)
{
	(void)st;
	snprintf(root, sizeof(root), "/tmp/test_live.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	state("web1", "{\"id\":\"web1\",\"init_process_pid\":4242,\"init_process_start\":77}");
	state("db", "{\"id\":\"db\",\"init_process_pid\":5151}");
	state("broken", "{\"id\":\"broken\"}");
	return 0;
}

static int teardown(void **st)
{
	char cmd[128];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_pid_of_id(void **st)
{
	int pid = 0;

	(void)st;
	assert_int_equal(sh_runc_pid_of_id(root, "web1", &pid), 0);
	assert_int_equal(pid, 4242);
	assert_int_equal(sh_runc_pid_of_id(root, "nope", &pid), -ENOENT);
	assert_int_equal(sh_runc_pid_of_id(root, "broken", &pid), -EINVAL);
	/* an id is a file name: no way out of the root */
	assert_int_equal(sh_runc_pid_of_id(root, "../etc", &pid), -EINVAL);
}

static void test_id_of_pid(void **st)
{
	char id[SH_ID_MAX + 1];

	(void)st;
	assert_int_equal(sh_runc_id_of_pid(root, 5151, id), 0);
	assert_string_equal(id, "db");
	assert_int_equal(sh_runc_id_of_pid(root, 1, id), -ENOENT);
	assert_int_equal(sh_runc_id_of_pid("/nonexistent-root", 5151, id), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pid_of_id),
		cmocka_unit_test(test_id_of_pid),
	};

	return cmocka_run_group_tests_name("live", tests, setup, teardown);
}
