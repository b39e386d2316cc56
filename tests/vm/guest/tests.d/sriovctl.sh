# sriovctl on real igbvf VFs (sourced by tests.sh: its helpers, PF, NVF, CFG, STATE, W).
# list shows a held VF and its tx counters rising with traffic from inside the container; gc
# returns the VF of a container killed with kill -9 (its namespace pinned alone, or gone and the
# VF back as devN); doctor catches a spoof-checked MAC mismatch; vfs apply creates the VFs from 0.
CTL=/usr/local/bin/sriovctl

# ctl_json_key PCI SECTION KEY: KEY of the VF PCI in `list --json` (SECTION: "" for the VF's own
# keys, "stats" or "netdev_stats" for its counters); yajl prints one key per line.
ctl_json_key() {
	"$CTL" --config "$CFG" list --json "$PF" | awk -v pci="$1" -v sec="$2" -v key="$3" '
		$0 ~ "\"pci\": \"" pci "\"" { in_vf = 1; cur = ""; next }
		in_vf && /"pf": / { exit }
		in_vf && /"(stats|netdev_stats|settings)": \{/ { cur = $1; gsub(/[":]/, "", cur); next }
		in_vf && /^ *\}/ { cur = ""; next }
		in_vf && cur == sec && $1 == "\"" key "\":" { v = $2; gsub(/[",]/, "", v); print v; exit }'
}

# The VF's tx packets: the PF's count where igb reports one, else its netdev's.
ctl_tx() {
	local _pf
	_pf=$(ctl_json_key "$1" stats tx_packets)
	if [ -n "$_pf" ] && [ "$_pf" != null ] && [ "$_pf" != 0 ]; then
		echo "$_pf"
	else
		ctl_json_key "$1" netdev_stats tx_packets
	fi
}

test_sriovctl_list_counters() {
	local pid b pci before after st
	pid=$(new_netns)
	b=$W/b-ctl-list
	pci=$(vf_pci 4)
	mk_bundle "$b" - pf=$PF vf=4 ip=10.55.0.2/24
	hook_ok createRuntime vm-ctl-list "$b" "$pid"
	"$CTL" --config "$CFG" list | sed 's/^/# list: /'
	st=$(ctl_json_key "$pci" "" state)
	[ "$st" = held ] || fail "list says VF 4 is '$st', not held"
	[ "$(ctl_json_key "$pci" "" container)" = vm-ctl-list ] || fail "list names holder '$(ctl_json_key "$pci" "" container)'"
	[ "$(ctl_json_key "$pci" "" container_netdev)" = eth0 ] || fail "list says the VF is '$(ctl_json_key "$pci" "" container_netdev)' in the container"
	before=$(ctl_tx "$pci")
	note "tx packets before: $before (PF view: $(ctl_json_key "$pci" stats tx_packets))"
	nsenter -t "$pid" -n ping -c 5 -i 0.2 -W 1 10.55.0.1 >/dev/null 2>&1
	after=$(ctl_tx "$pci")
	note "tx packets after: $after"
	[ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ] ||
		fail "VF 4's tx packets did not rise with traffic from the container: $before -> $after"
	hook_ok poststop vm-ctl-list "$b"
	[ "$(ctl_json_key "$pci" "" state)" = free ] || fail "after poststop list says '$(ctl_json_key "$pci" "" state)'"
	expect_state 4 "after poststop"
	kill "$pid"
}

# kill -9 of the container's init: its namespace stays, pinned by the hook alone; gc returns it.
test_sriovctl_gc_pinned() {
	local pid b out
	pid=$(new_netns)
	b=$W/b-ctl-gc1
	mk_bundle "$b" - pf=$PF vf=5 vlan=55 mtu=1400 ip=10.56.0.2/24
	hook_ok createRuntime vm-ctl-gc1 "$b" "$pid"
	expect_vf_in 5 "$pid"
	kill -9 "$pid"
	wait_for 50 sh -c "! kill -0 $pid" || fail "the container's init did not die"
	[ "$(ctl_json_key "$(vf_pci 5)" "" state)" = stale ] || fail "list says '$(ctl_json_key "$(vf_pci 5)" "" state)', not stale"
	out=$("$CTL" --config "$CFG" gc --dry-run 2>&1) || fail "gc --dry-run failed: $out"
	note "gc --dry-run: $out"
	[ -z "$(vf_name 5)" ] || fail "gc --dry-run returned the VF"
	out=$("$CTL" --config "$CFG" gc 2>&1) || fail "gc failed: $out"
	note "gc: $out"
	echo "$out" | grep -q "$(vf_pci 5)" || fail "gc printed no line for $(vf_pci 5): $out"
	expect_state 5 "after gc"
	expect_no_claim "after gc"
}

# The namespace is gone too (pin unmounted): the kernel returns the VF as devN; gc restores it.
test_sriovctl_gc_netns_gone() {
	local pid b out name
	ip netns add vmctl || fail "ip netns add"
	/usr/sbin/ip netns exec vmctl sleep 100000 </dev/null >/dev/null 2>&1 &
	pid=$!
	echo $pid >>"$W/pids.$TEST"
	b=$W/b-ctl-gc2
	mk_bundle "$b" /run/netns/vmctl pf=$PF vf=6 $(pfside vlan=66) mtu=1400
	hook_ok createRuntime vm-ctl-gc2 "$b" "$pid"
	kill -9 "$pid"
	ip netns del vmctl
	for m in $(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts); do umount -l "$m"; done
	wait_for 150 vf_present 6 || fail "VF 6 did not come back to the host"
	name=$(vf_name 6)
	note "VF 6 came back as $name"
	out=$("$CTL" --config "$CFG" gc 2>&1) || fail "gc failed: $out"
	note "gc: $out"
	expect_state 6 "after gc (it came back as $name)"
	expect_no_claim "after gc"
}

# spoof checking on, the PF enforcing a MAC the VF netdev does not use (igb applies it only when the
# VF resets): its frames are dropped. doctor says so, with the command.
test_sriovctl_doctor_spoofchk() {
	local out
	ip link set "$PF" vf 3 mac 02:00:00:00:33:01 || fail "cannot set VF 3's MAC on the PF"
	out=$("$CTL" --config "$CFG" doctor "$PF" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# doctor: /'
	repair_vf 3
	[ $rc = 1 ] || fail "doctor exited $rc, not 1"
	echo "$out" | grep -q "^fail  spoofchk .*VF 3: spoof checking is on and the PF enforces 02:00:00:00:33:01" ||
		fail "doctor did not report VF 3's MAC mismatch"
	echo "$out" | grep -q "fix: ip link set $PF vf 3 mac " || fail "doctor named no fix for VF 3"
	expect_state 3 "after the test"
}

# vfs apply from 0: the VFs come back with new random MACs, so each is put back as setup had it.
test_sriovctl_vfs_apply() {
	local cfg2 out
	cfg2=$W/vfs.json
	sed "s|}\$|, \"pfs\": {\"$PF\": {\"numvfs\": $NVF}}}|" "$CFG" >"$cfg2"
	echo 0 >/sys/class/net/$PF/device/sriov_numvfs || fail "cannot remove the VFs"
	out=$("$CTL" --config "$cfg2" vfs apply 2>&1) || fail "vfs apply failed: $out"
	note "vfs apply: $out"
	echo "$out" | grep -q "$PF: 0 -> $NVF VFs" || fail "vfs apply said: $out"
	[ "$(cat /sys/class/net/$PF/device/sriov_numvfs)" = $NVF ] || fail "sriov_numvfs is $(cat /sys/class/net/$PF/device/sriov_numvfs)"
	out=$("$CTL" --config "$cfg2" vfs apply 2>&1) || fail "vfs apply again failed: $out"
	echo "$out" | grep -q "$PF: $NVF VFs (unchanged)" || fail "a second vfs apply said: $out"
	rebaseline_vfs "vfs apply"
	expect_all_states "after vfs apply recreated the VFs"
}

ALL_TESTS="$ALL_TESTS sriovctl_list_counters sriovctl_gc_pinned sriovctl_gc_netns_gone sriovctl_doctor_spoofchk
	sriovctl_vfs_apply"
