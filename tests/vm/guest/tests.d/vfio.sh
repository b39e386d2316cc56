# vfio mode on real igbvf VFs behind QEMU's emulated IOMMU (sourced by tests.sh: its helpers, PF,
# NVF, CFG, STATE, W). vfio-bare proves the guest's infrastructure by hand, without the product:
# a VF bound to vfio-pci gets /dev/vfio/<group>, and DPDK's testpmd drives it with its igb VF PMD
# and sees the MAC set on the PF.
ALL_TESTS="$ALL_TESTS vfio_bare"

TESTPMD=/usr/bin/dpdk-testpmd

vfio_ready() {
	[ ! -f "$W/vfio.missing" ] || fail "the guest has no vfio: $(cat "$W/vfio.missing")"
}

vf_group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
pci_driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null; }

# The manual bind (what dpdk-devbind does): driver_override, unbind, probe.
bind_vfio() {
	echo vfio-pci >"/sys/bus/pci/devices/$1/driver_override" || return 1
	[ -z "$(pci_driver "$1")" ] || echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind" || return 1
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(pci_driver "$1")" = vfio-pci ]
}
unbind_vfio() {
	[ -z "$(pci_driver "$1")" ] || echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind"
	echo >"/sys/bus/pci/devices/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
}

elapsed_since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }

# testpmd PCI [EAL-ARGS...]: DPDK's testpmd on the VF, interactive: prints the port's info and
# quits; its output on stdout. Two lcores: testpmd wants one to forward besides its main one.
# --in-memory: hugepages without a hugetlbfs mount or runtime files (as in a container).
testpmd() {
	local _pci
	_pci=$1
	shift
	printf 'show port info 0\nquit\n' |
		timeout 60 $TESTPMD -l 0-1 -n 1 -a "$_pci" --in-memory "$@" -- -i --total-num-mbufs=2048 2>&1
}

# What testpmd must have said about the VF: the igb VF driver took it, and its MAC is MAC.
expect_testpmd() { # OUTPUT-FILE PCI MAC
	grep -q "Probe PCI driver: net_e1000_igb_vf .* device: $2 " "$1" ||
		fail "testpmd did not probe $2 with net_e1000_igb_vf: $(grep -E 'EAL|Cause|Error' "$1" | tail -n 5 | tr '\n' ' ')"
	grep -q "^Port 0: $3\$" "$1" || fail "testpmd does not print 'Port 0: $3': $(grep '^Port 0: ' "$1")"
	grep -q '^Bye\.\.\.' "$1" || fail "testpmd did not quit cleanly: $(tail -n 3 "$1" | tr '\n' ' ')"
}

# The guest's own vfio, by hand (no sriov-hook): bind VF 6 to vfio-pci, run testpmd on it with a
# MAC set on the PF, give it back to igbvf. When this fails, the product's vfio tests cannot pass.
test_vfio_bare() {
	local pci grp t0 tb tt tu mac
	vfio_ready
	expect_state 6 "precondition"
	pci=$(vf_pci 6)
	grp=$(vf_group "$pci")
	[ -n "$grp" ] || fail "VF 6 ($pci) has no IOMMU group"
	[ "$(ls "/sys/kernel/iommu_groups/$grp/devices")" = "$pci" ] ||
		fail "VF 6's IOMMU group $grp is shared: $(ls "/sys/kernel/iommu_groups/$grp/devices" | tr '\n' ' ')"
	mac=02:00:00:00:66:01
	ip link set "$PF" vf 6 mac $mac || fail "cannot set VF 6's MAC on the PF"
	t0=$(uptime_s)
	bind_vfio "$pci" || fail "binding $pci to vfio-pci failed (driver: $(pci_driver "$pci"))"
	tb=$(elapsed_since "$t0")
	[ -c /dev/vfio/vfio ] || fail "no /dev/vfio/vfio"
	[ -c "/dev/vfio/$grp" ] || fail "no /dev/vfio/$grp after binding: $(ls /dev/vfio | tr '\n' ' ')"
	[ -z "$(vf_name 6)" ] || fail "VF 6 still has a netdev: $(vf_name 6)"
	t0=$(uptime_s)
	testpmd "$pci" >"$W/vfio-bare.testpmd"
	note "testpmd exit $?"
	tt=$(elapsed_since "$t0")
	sed 's/^/# testpmd: /' "$W/vfio-bare.testpmd"
	expect_testpmd "$W/vfio-bare.testpmd" "$pci" $mac
	t0=$(uptime_s)
	unbind_vfio "$pci"
	wait_for 100 vf_present 6 || fail "VF 6 did not come back on igbvf"
	tu=$(elapsed_since "$t0")
	[ "$(pci_driver "$pci")" = igbvf ] || fail "VF 6 is on $(pci_driver "$pci"), not igbvf"
	[ ! -e "/dev/vfio/$grp" ] || fail "/dev/vfio/$grp remains after the unbind"
	echo "# vfio-bare: bind to vfio-pci $tb s, testpmd $tt s, back on igbvf $tu s" | tee /dev/console
	repair_vf 6
	expect_state 6 "after the VF came back"
}
