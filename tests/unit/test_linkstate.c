/* The residue kinds: each is named, compared only where both states know it, and the names of
 * what differs read as `list` shows them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sriov-hook/sys/linkstate.h"

static void known(struct sh_netdev_state *st)
{
	memset(st, 0, sizeof(*st));
	st->known = true;
	st->addrgenmode = 0;
	st->txqlen = 1000;
}

static void test_every_kind_named(void **state)
{
	int res, other;

	(void)state;
	for (res = 0; res < SH_RES_COUNT; res++) {
		assert_non_null(sh_residue_name(res));
		assert_string_not_equal(sh_residue_name(res), "?");
		for (other = 0; other < res; other++)
			assert_string_not_equal(sh_residue_name(res), sh_residue_name(other));
	}
}

static void test_diff(void **state)
{
	struct sh_netdev_state want, now;
	char out[256];

	(void)state;
	known(&want);
	known(&now);
	sh_netdev_state_diff(&want, &now, out, sizeof(out));
	assert_string_equal(out, "");
	now.flags = 0x100 | 0x200; /* promisc, allmulti */
	snprintf(now.alias, sizeof(now.alias), "tenantA");
	now.xdp_prog = 5;
	now.tc_ingress = true;
	sh_netdev_state_diff(&want, &now, out, sizeof(out));
	assert_string_equal(out, "promisc,allmulticast,alias,xdp,qdisc ingress");
	/* an XDP program or qdisc the host had before is not the holder's */
	want.xdp_prog = 5;
	want.tc_ingress = true;
	sh_netdev_state_diff(&want, &now, out, sizeof(out));
	assert_string_equal(out, "promisc,allmulticast,alias");
	/* features compare only where the driver lets them change */
	known(&now);
	want.eth.have = now.eth.have = 1u << SH_ETH_FEATURES;
	want.eth.changeable[0] = 0x1;
	now.eth.features[0] = 0x2;
	assert_false(sh_residue_differs(&want, &now, SH_RES_ETHTOOL + SH_ETH_FEATURES));
	now.eth.features[0] = 0x3;
	assert_true(sh_residue_differs(&want, &now, SH_RES_ETHTOOL + SH_ETH_FEATURES));
	/* a part one side lacks, or a state not known (an older record), is not compared */
	now.eth.have = 0;
	assert_false(sh_residue_differs(&want, &now, SH_RES_ETHTOOL + SH_ETH_FEATURES));
	/* the permanent address compares only where both states have one */
	known(&now);
	memcpy(want.perm_addr, "\x02\x00\x00\x00\x00\x01", 6);
	assert_false(sh_residue_differs(&want, &now, SH_RES_PERMADDR));
	memcpy(now.perm_addr, "\x02\x77\x77\x77\x77\x77", 6);
	sh_netdev_state_diff(&want, &now, out, sizeof(out));
	assert_string_equal(out, "permaddr");
	memcpy(now.perm_addr, want.perm_addr, 6);
	assert_false(sh_residue_differs(&want, &now, SH_RES_PERMADDR));
	want.known = false;
	now.flags = 0x100;
	sh_netdev_state_diff(&want, &now, out, sizeof(out));
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_named),
		cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
