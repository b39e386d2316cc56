# sriovctl heal on real igbvf VFs (sourced by tests.sh: its helpers, PF, NVF, CFG, STATE, W). A
# container holds a VF with a MAC, VLAN, MTU and address; a PF reset destroys its netdev (sriov_numvfs
# to 0 and back; separately, the VF driver unloaded and loaded again): list says lost, and what the
# udev rule runs (sriovctl heal <PF PCI address>) puts the VF back into the container with all of
# it, up and addressed; a claim whose container died meanwhile is released instead.
HEAL_CTL=/usr/local/bin/sriovctl

# heal_json_state N: the state `list --json` gives VF N.
heal_json_state() {
	"$HEAL_CTL" --config "$CFG" list --json "$PF" |
		awk -v pci="$(vf_pci "$1")" '$0 ~ "\"pci\": \"" pci "\"" { f = 1 } f && /"state":/ { gsub(/[",]/, "", $2); print $2; exit }'
}

# heal_case RESET: VF 1 held with its settings, VF 2 by a container killed during the reset.
heal_case() {
	local pid pid2 b b2 out pfpci l
	pfpci=$(basename "$(readlink /sys/class/net/$PF/device)")
	pid=$(new_netns)
	pid2=$(new_netns)
	b=$W/b-heal1-$1
	b2=$W/b-heal2-$1
	mk_bundle "$b" - pf=$PF vf=1 mac=02:00:00:00:aa:01 vlan=7 mtu=1400 ip=10.58.0.2/24
	mk_bundle "$b2" - pf=$PF vf=2 mtu=1300
	hook_ok createRuntime vm-heal1 "$b" "$pid"
	hook_ok createRuntime vm-heal2 "$b2" "$pid2"
	expect_vf_in 1 "$pid" eth0
	case $1 in
	numvfs)
		echo 0 >/sys/class/net/$PF/device/sriov_numvfs || fail "cannot remove the VFs"
		kill -9 "$pid2"
		echo $NVF >/sys/class/net/$PF/device/sriov_numvfs || fail "cannot create the VFs again"
		;;
	rmmod)
		rmmod igbvf || fail "rmmod igbvf"
		kill -9 "$pid2"
		insmod /lib/modules/igbvf.ko || fail "insmod igbvf"
		;;
	esac
	wait_for 100 vf_present 1 || fail "VF 1 did not come back on the host"
	[ -z "$(ns_links "$pid")" ] || fail "the reset left links in the container: $(ns_links "$pid")"
	[ "$(heal_json_state 1)" = lost ] || fail "list says VF 1 is '$(heal_json_state 1)', not lost"
	out=$("$HEAL_CTL" --config "$CFG" heal "$pfpci" 2>&1) || fail "heal failed: $out"
	note "heal: $out"
	echo "$out" | grep -q "^$(vf_pci 1) (VF 1 of $PF, container vm-heal1): healed as eth0$" || fail "heal said: $out"
	echo "$out" | grep -q "^$(vf_pci 2) (VF 2 of $PF, container vm-heal2): container gone: released$" ||
		fail "heal did not release VF 2: $out"
	expect_vf_in 1 "$pid" eth0
	l=$(nsenter -t "$pid" -n /usr/sbin/ip -o link show dev eth0)
	for want in "mtu 1400" ",UP" "02:00:00:00:aa:01"; do
		echo "$l" | grep -q "$want" || fail "VF 1 in the container lacks '$want': $l"
	done
	nsenter -t "$pid" -n /usr/sbin/ip -o addr show dev eth0 | grep -q "10.58.0.2/24" || fail "VF 1 has no address"
	vf_line 1 | grep -q "vlan 7" || fail "the PF's view of VF 1 lacks vlan 7: $(vf_line 1)"
	vf_line 1 | grep -q "02:00:00:00:aa:01" || fail "the PF's view of VF 1 lacks its MAC: $(vf_line 1)"
	out=$("$HEAL_CTL" --config "$CFG" heal "$pfpci" 2>&1) || fail "heal again failed: $out"
	echo "$out" | grep -q "container vm-heal1): in place$" || fail "heal again said: $out"
	hook_ok poststop vm-heal1 "$b"
	hook_ok poststop vm-heal2 "$b2"
	rebaseline_vfs "the reset"
	expect_all_states "after heal and poststop"
	expect_no_claim "after heal and poststop"
}

test_heal_numvfs() { heal_case numvfs; }
test_heal_rmmod() { heal_case rmmod; }

ALL_TESTS="$ALL_TESTS heal_numvfs heal_rmmod"
