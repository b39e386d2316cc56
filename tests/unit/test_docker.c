/* Whether docker adds the container's eth0 after createRuntime: docker 28's config.json is the
 * same with and without a network, so the answer comes from hostconfig.json in the container's
 * directory, found through the /etc/hostname mount; anything that is not exactly that layout, or a
 * namespace docker made beforehand, says no. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "sriov-hook/input/docker.h"

#define ID "3f5156e4c117944ced7e59dbf1c9d5b86bdb1794ad3d9f0818e2a0890703a799"

/* A docker data root under dir with container ID on network MODE; spec and state as docker 28 and
 * runc give them (a network namespace without a path, /etc/hostname from the container's dir). */
static void docker_container(const char *dir, const char *mode, struct sh_state *st, struct sh_spec *sp, char *src)
{
	char path[PATH_MAX], text[256];

	snprintf(path, sizeof(path), "%s/data/containers/" ID, dir);
	assert_int_equal(mkdir_p(path), 0);
	strcat(path, "/hostconfig.json");
	snprintf(text, sizeof(text), "{\"Binds\": null, \"NetworkMode\": \"%s\", \"PortBindings\": {}}", mode);
	write_text(path, text);
	snprintf(src, PATH_MAX, "%s/data/containers/" ID "/hostname", dir);
	memset(st, 0, sizeof(*st));
	memset(sp, 0, sizeof(*sp));
	st->id = ID;
	sp->netns = SH_NETNS_NEW;
	sp->hostname_source = src;
}

static void test_networks(void **state)
{
	static const struct {
		const char *mode;
		bool later;
	} cases[] = {
		{"bridge", true}, {"default", true}, {"my-net", true},
		{"none", false},  {"host", false},   {"container:" ID, false},
	};
	struct sh_state st;
	struct sh_spec sp;
	char src[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		docker_container(*state, cases[i].mode, &st, &sp, src);
		if (sh_docker_adds_eth0_later(&st, &sp) != cases[i].later)
			fail_msg("NetworkMode %s: want %d", cases[i].mode, cases[i].later);
	}
}

static void test_not_docker(void **state)
{
	struct sh_state st;
	struct sh_spec sp;
	char src[PATH_MAX], path[PATH_MAX];

	docker_container(*state, "bridge", &st, &sp, src);
	assert_true(sh_docker_adds_eth0_later(&st, &sp));
	/* a namespace made beforehand (docker 26, podman, CRI): its eth0 is there already if any */
	sp.netns = SH_NETNS_PATH;
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	sp.netns = SH_NETNS_NEW;
	/* another container's directory, or not docker's layout */
	st.id = "other";
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	st.id = ID;
	snprintf(src, PATH_MAX, "%s/data/elsewhere/" ID "/hostname", (char *)*state);
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	snprintf(src, PATH_MAX, "%s/data/containers/" ID "/hosts", (char *)*state);
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	snprintf(src, PATH_MAX, "/hostname");
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	sp.hostname_source = NULL;
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	/* no hostconfig.json, or one that is not JSON */
	docker_container(*state, "bridge", &st, &sp, src);
	snprintf(path, sizeof(path), "%s/data/containers/" ID "/hostconfig.json", (char *)*state);
	write_text(path, "{\"NetworkMode\": ");
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
	unlink(path);
	assert_false(sh_docker_adds_eth0_later(&st, &sp));
}

/* config.json's /etc/hostname mount is what the check starts from. */
static void test_spec_hostname_mount(void **state)
{
	struct sh_spec sp;
	struct sh_error err = {0};

	(void)state;
	assert_int_equal(sh_oci_spec_parse("{\"linux\": {\"namespaces\": [{\"type\": \"network\"}]}, \"mounts\": ["
					   "{\"destination\": \"/etc/resolv.conf\", \"source\": \"/d/resolv.conf\"},"
					   "{\"destination\": \"/etc/hostname\", \"source\": \"/d/hostname\"}]}",
					   &sp, &err),
			 0);
	assert_string_equal(sp.hostname_source, "/d/hostname");
	sh_oci_spec_free(&sp);
	assert_int_equal(
		sh_oci_spec_parse("{\"mounts\": [{\"destination\": \"/etc/hosts\", \"source\": \"/d/h\"}]}", &sp, &err),
		0);
	assert_null(sp.hostname_source);
	sh_oci_spec_free(&sp);
}

static int tmpdir_setup(void **state)
{
	return tmpdir_setup_for(state, "docker");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_networks, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_not_docker, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_spec_hostname_mount),
	};

	return cmocka_run_group_tests_name("docker", tests, NULL, NULL);
}
