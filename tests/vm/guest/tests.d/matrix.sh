# Tests of the kernel matrix's smoke boots (sourced by tests.sh: its helpers, PF, NVF, CFG, STATE,
# W; vfio.sh's). vfio-hook-testpmd is vfio mode without runc: on 5.10 the guest cannot start runc
# containers (RUNC_SKIP in tests.sh), and vfio + DPDK must still be proven there. A vfio pool's VF,
# bound ahead by `sriovctl vfs apply`, is claimed by its CDI device's hook, DPDK's testpmd in the
# guest drives it with the igb VF PMD, and poststop releases it on vfio-pci, where a pool keeps it.
test_vfio_hook_testpmd() {
	local b pid pci cfg out
	vfio_ready
	expect_state 3 "precondition"
	pci=$(vf_pci 3)
	cfg=$W/vfio-pool.json
	sed 's/}[[:space:]]*$//' "$CFG" >"$cfg"
	echo ", \"pools\": {\"dpdk\": {\"vfs\": [\"$PF#3\"], \"driver\": \"vfio-pci\"}}}" >>"$cfg"
	out=$("$CTL" --config "$cfg" vfs apply 2>&1) || fail "vfs apply failed: $out"
	note "vfs apply: $out"
	[ "$(pci_driver "$pci")" = vfio-pci ] || fail "vfs apply left VF 3 on '$(pci_driver "$pci")'"
	pid=$(new_netns)
	b=$W/b-vfio-hook
	mk_bundle "$b" -
	HOOK_CFG=$cfg HOOK_OPTS="--pool dpdk --vf $pci --mode vfio"
	hook createRuntime vm-vfio-hook "$b" "$pid" || fail "createRuntime failed: $(cat "$b/createRuntime.err")"
	grep -q '"mode": *"vfio"' "$(claim_files | head -n 1)" || fail "no vfio claim while held: $(claim_files)"
	testpmd "$pci" >"$b/testpmd.out"
	hook poststop vm-vfio-hook "$b" || fail "poststop failed: $(cat "$b/poststop.err")"
	HOOK_CFG= HOOK_OPTS=
	[ "$(pci_driver "$pci")" = vfio-pci ] || fail "poststop took VF 3 of the vfio pool off vfio-pci: '$(pci_driver "$pci")'"
	expect_no_claim "after poststop"
	grep -q "Probe PCI driver: net_e1000_igb_vf .* device: $pci " "$b/testpmd.out" ||
		fail "testpmd did not probe $pci with net_e1000_igb_vf: $(grep -E 'EAL|Cause|Error' "$b/testpmd.out" | tail -n 5 | tr '\n' ' ')"
	grep -q '^Bye\.\.\.' "$b/testpmd.out" || fail "testpmd did not quit cleanly: $(tail -n 3 "$b/testpmd.out" | tr '\n' ' ')"
	# Out of the pool, back to igbvf as setup had it (a fresh netdev: name and MAC put back).
	unbind_vfio "$pci"
	wait_for 100 vf_present 3 || fail "VF 3 has no netdev back on igbvf"
	repair_vf 3
	expect_state 3 "back on igbvf"
	kill "$pid"
}
