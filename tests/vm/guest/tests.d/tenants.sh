# A tenant cannot borrow a neighbour's MAC (sourced by tests.sh: its helpers, PF, NVF, CFG, STATE,
# W). With spoof checking on, the MAC the PF holds for a VF is what that VF may send as: a container
# asking another VF's MAC, or the PF's own, would send as its neighbour. Stand-in VFs have no
# PF-side settings, so only igb shows the refusal.
ALL_TESTS="$ALL_TESTS mac_borrowed"

test_mac_borrowed() {
	local pa pb ba bb pfmac
	pa=$(new_netns)
	ba=$W/b-borrow-a
	mk_bundle "$ba" - pf=$PF vf=0 mac=02:00:00:00:ee:01
	hook_ok createRuntime vm-borrow-a "$ba" "$pa"
	vf_line 0 | grep -q "02:00:00:00:ee:01" || fail "the PF's view of VF 0 lacks its MAC: $(vf_line 0)"

	pb=$(new_netns)
	bb=$W/b-borrow-b
	mk_bundle "$bb" - pf=$PF vf=1 mac=02:00:00:00:ee:01
	hook createRuntime vm-borrow-b "$bb" "$pb" && fail "VF 1 was given VF 0's MAC: $(vf_line 1)"
	expect_refusal createRuntime vm-borrow-b "$bb" "02:00:00:00:ee:01 is already VF 0's of $PF"
	[ -z "$(ns_links "$pb")" ] || fail "the refused container's netns has: $(ns_links "$pb")"
	expect_state 1 "after the refused borrow of VF 0's MAC"
	hook_ok poststop vm-borrow-b "$bb"

	pfmac=$(cat "/sys/class/net/$PF/address")
	mk_bundle "$bb" - pf=$PF vf=1 mac="$pfmac"
	hook createRuntime vm-borrow-c "$bb" "$pb" && fail "VF 1 was given the PF's MAC: $(vf_line 1)"
	expect_refusal createRuntime vm-borrow-c "$bb" "$pfmac is the PF $PF's own"
	expect_state 1 "after the refused borrow of the PF's MAC"
	hook_ok poststop vm-borrow-c "$bb"

	hook_ok poststop vm-borrow-a "$ba"
	kill "$pa" "$pb"
	expect_all_states "after the borrowed MACs"
	expect_no_claim "after the borrowed MACs"
}
