# vfio mode on real igbvf VFs behind QEMU's emulated IOMMU (sourced by tests.sh: its helpers, PF,
# NVF, CFG, STATE, W). vfio-bare proves the guest's infrastructure by hand, without the product:
# a VF bound to vfio-pci gets /dev/vfio/<group>, and DPDK's testpmd drives it with its igb VF PMD
# and sees the MAC set on the PF. The others run containers as docker does, through sriov-runc
# (io.sriov.mode=vfio): it binds the VF before runc create, the hook's poststop gives it back.
ALL_TESTS="$ALL_TESTS vfio_bare vfio_runc vfio_testpmd vfio_release vfio_refused_no_driver vfio_refused_group"
# Run in run.sh's second, short boot without the IOMMU (run.sh reads this line).
NOIOMMU_TESTS="vfio_refused_iommu_off"

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
	# testpmd prints the MAC in capitals.
	grep -qix "Port 0: $3" "$1" || fail "testpmd does not print 'Port 0: $3': $(grep '^Port 0: ' "$1")"
	grep -q '^Bye\.\.\.' "$1" || fail "testpmd did not quit cleanly: $(tail -n 3 "$1" | tr '\n' ' ')"
}

# The guest's own vfio, by hand (no sriov-hook): bind VF 6 to vfio-pci, run testpmd on it with a
# MAC set on the PF, give it back to igbvf. When this fails, the product's vfio tests cannot pass.
vf_enabled() { [ "$(cat "/sys/bus/pci/devices/$1/enable")" != 0 ]; }

test_vfio_bare() {
	local pci grp t0 tb tt tu mac tpid opened=0
	vfio_ready
	expect_state 6 "precondition"
	pci=$(vf_pci 6)
	grp=$(vf_group "$pci")
	[ -n "$grp" ] || fail "VF 6 ($pci) has no IOMMU group"
	[ "$(ls "/sys/kernel/iommu_groups/$grp/devices")" = "$pci" ] ||
		fail "VF 6's IOMMU group $grp is shared: $(ls "/sys/kernel/iommu_groups/$grp/devices" | tr '\n' ' ')"
	mac=02:00:00:00:6a:01
	ip link set "$PF" vf 6 mac $mac || fail "cannot set VF 6's MAC on the PF"
	t0=$(uptime_s)
	bind_vfio "$pci" || fail "binding $pci to vfio-pci failed (driver: $(pci_driver "$pci"))"
	tb=$(elapsed_since "$t0")
	[ -c /dev/vfio/vfio ] || fail "no /dev/vfio/vfio"
	[ -c "/dev/vfio/$grp" ] || fail "no /dev/vfio/$grp after binding: $(ls /dev/vfio | tr '\n' ' ')"
	[ -z "$(vf_name 6)" ] || fail "VF 6 still has a netdev: $(vf_name 6)"
	# vfio-pci enables a device only while a user has it open: sriov-hook takes an enabled vfio VF
	# for a VM's or a DPDK process's and leaves it alone
	[ "$(cat "/sys/bus/pci/devices/$pci/enable")" = 0 ] ||
		fail "VF 6 on vfio-pci, not open, has enable $(cat "/sys/bus/pci/devices/$pci/enable")"
	t0=$(uptime_s)
	testpmd "$pci" >"$W/vfio-bare.testpmd" &
	tpid=$!
	wait_for 600 vf_enabled "$pci" && opened=1
	wait "$tpid"
	note "testpmd exit $?"
	tt=$(elapsed_since "$t0")
	[ "${opened:-0}" = 1 ] || fail "VF 6's enable never went to 1 while testpmd had it open"
	[ "$(cat "/sys/bus/pci/devices/$pci/enable")" = 0 ] ||
		fail "VF 6's enable is $(cat "/sys/bus/pci/devices/$pci/enable") after testpmd closed it"
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

# --- containers through sriov-runc --------------------------------------------------------------

WRAPPER=/usr/local/bin/sriov-runc

# An OCI config.json without hooks (sriov-runc adds them) for a vfio container: busybox rootfs, the
# guest's /usr, /lib and /lib64 read-only (testpmd, vfio_group_status and their libraries), and an
# unlimited memlock: vfio pins the DMA memory of a DPDK application (docker: --ulimit memlock=-1).
# vfio_bundle DIR 'ARGS-JSON' ANNOTATION...
vfio_bundle() {
	local _dir _args
	_dir=$1 _args=$2
	shift 2
	oci_config "$_dir" "$_args" "" "" "$OCI_GUEST_LIBS" "$@"
}

# wrapped_create ID BUNDLE: `runc create` as docker runs it, through sriov-runc (--no-pivot: the
# guest's root is an initramfs). The container's stdout and stderr go to BUNDLE/out; sriov-runc's
# and runc's own to BUNDLE/create.err and runc's log BUNDLE/runc.log.
wrapped_create() {
	echo "$1 $2" >>"$W/ids.$TEST"
	SRIOV_HOOK_CONFIG=$CFG "$WRAPPER" --root "$RUNC_ROOT" --log "$2/runc.log" --log-format json \
		create --bundle "$2" --pid-file "$2/pid" --no-pivot "$1" </dev/null >"$2/out" 2>"$2/create.err"
}
wrapped_create_ok() {
	wrapped_create "$@" ||
		fail "sriov-runc create $1 failed: $(cat "$2/create.err") $(grep -o '"msg":"[^"]*"' "$2/runc.log" 2>/dev/null)"
}

container_stopped() { runc state "$1" 2>/dev/null | grep -q '"status": "stopped"'; }

# Stops and deletes container ID (its poststop hook gives the VF back).
wrapped_delete() {
	runc kill "$1" KILL 2>/dev/null
	wait_for 100 container_stopped "$1" || fail "container $1 did not stop"
	runc delete "$1" || fail "runc delete $1 failed"
}

# While a vfio container holds VF N: the VF is on vfio-pci, has no netdev, and a vfio claim of it
# is on record.
expect_vfio_held() { # N
	local _pci _rec
	_pci=$(vf_pci "$1")
	[ "$(pci_driver "$_pci")" = vfio-pci ] || fail "VF $1 ($_pci) is on '$(pci_driver "$_pci")', not vfio-pci"
	[ -z "$(vf_name "$1")" ] || fail "VF $1 still has a netdev: $(vf_name "$1")"
	[ -c "/dev/vfio/$(vf_group "$_pci")" ] || fail "no /dev/vfio/$(vf_group "$_pci")"
	_rec=$(claim_files | head -n 1)
	[ -n "$_rec" ] || fail "no claim record in $STATE/claims while the VF is held"
	grep -q '"mode": *"vfio"' "$_rec" || fail "the claim record does not say mode vfio: $(cat "$_rec")"
}

# After a vfio container: VF N is on igbvf again with its netdev, exactly as in the baseline BASE
# (a file of vf_state; default the setup's), its group node gone, no claim or other state file.
expect_vfio_released() { # N WHAT [BASE]
	local _pci
	_pci=$(vf_pci "$1")
	wait_for 50 vf_present "$1"
	[ "$(pci_driver "$_pci")" = igbvf ] || fail "$2: VF $1 ($_pci) is on '$(pci_driver "$_pci")', not igbvf"
	# A cleared driver_override reads "(null)".
	case $(cat "/sys/bus/pci/devices/$_pci/driver_override") in
	"" | "(null)") ;;
	*) fail "$2: driver_override of $_pci is still '$(cat "/sys/bus/pci/devices/$_pci/driver_override")'" ;;
	esac
	[ -z "$(vf_group "$_pci")" ] || [ ! -e "/dev/vfio/$(vf_group "$_pci")" ] ||
		fail "$2: /dev/vfio/$(vf_group "$_pci") remains"
	if [ -n "${3:-}" ]; then
		[ "$(vf_state "$1")" = "$(cat "$3")" ] || fail "$2: VF $1 is not as before the container:
  before: $(cat "$3")
  now:    $(vf_state "$1")"
	else
		expect_state "$1" "$2"
	fi
	expect_no_claim "$2"
}

# vfio-runc: the container sees its VF's nodes, the variables and the info file, and the group is
# viable from inside (vfio_group_status, as DPDK starts).
test_vfio_runc() {
	local b pci grp mac seen
	vfio_ready
	expect_state 3 "precondition"
	pci=$(vf_pci 3)
	grp=$(vf_group "$pci")
	mac=02:00:00:00:3f:01
	b=$W/b-vfio-runc
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=3 mode=vfio mac=$mac
	wrapped_create_ok vm-vfio-runc "$b"
	expect_vfio_held 3
	vf_line 3 | grep -q "ether $mac " || fail "the PF does not report $mac for VF 3: $(vf_line 3)"
	runc start vm-vfio-runc || fail "runc start failed"
	seen=$(runc exec vm-vfio-runc sh -c 'for n in /dev/vfio/*; do [ -c $n ] && echo "NODE $n"; done
		env | grep ^SRIOV_ | sort; echo INFO; cat /run/sriov/vfio.json; echo; echo WRITE
		(echo x >>/run/sriov/vfio.json) 2>/dev/null && echo writable
		echo STATUS; vfio_group_status $SRIOV_VFIO_IOMMU_GROUP 2>&1' 2>&1)
	echo "$seen" | sed 's/^/# container: /'
	wrapped_delete vm-vfio-runc
	expect_vfio_released 3 "after runc delete"
	for want in "NODE /dev/vfio/vfio" "NODE /dev/vfio/$grp" "SRIOV_VFIO_PCI=$pci" "SRIOV_VFIO_IOMMU_GROUP=$grp" \
		"SRIOV_VFIO_MAC=$mac" "SRIOV_VFIO_VLAN=0" "SRIOV_VFIO_INFO=/run/sriov/vfio.json"; do
		echo "$seen" | grep -qx "$want" || fail "the container does not see '$want'"
	done
	echo "$seen" | grep -q '^SRIOV_VFIO_NUMA_NODE=' || fail "the container has no SRIOV_VFIO_NUMA_NODE"
	info=$(echo "$seen" | sed -n '/^INFO$/,/^WRITE$/p' | tr -d ' \n')
	for want in "\"pci\":\"$pci\"" "\"pf\":\"$PF\"" "\"vf\":3" "\"iommu_group\":$grp" "\"mac\":\"$mac\"" \
		"\"device_nodes\":[\"/dev/vfio/vfio\",\"/dev/vfio/$grp\"]"; do
		case $info in *"$want"*) ;; *) fail "/run/sriov/vfio.json lacks $want: $info" ;; esac
	done
	echo "$seen" | grep -qx writable && fail "/run/sriov/vfio.json is writable in the container"
	[ "$(echo "$seen" | sed -n '/^STATUS$/{n;p}')" = viable ] ||
		fail "vfio_group_status in the container: $(echo "$seen" | sed -n '/^STATUS$/,$p' | tr '\n' ' ')"
}

# vfio-testpmd: a DPDK application in the container drives the VF with the igb VF driver and
# sees the MAC given with io.sriov.mac, set by the hook on the PF.
test_vfio_testpmd() {
	local b pci mac t0
	vfio_ready
	expect_state 3 "precondition"
	pci=$(vf_pci 3)
	mac=02:00:00:00:3f:02
	b=$W/b-vfio-testpmd
	vfio_bundle "$b" '["sh", "-c", "printf '"'"'show port info 0\\nquit\\n'"'"' | dpdk-testpmd -l 0-1 -n 1 -a $SRIOV_VFIO_PCI --in-memory -- -i --total-num-mbufs=2048 2>&1; echo EXIT $?"]' \
		pf=$PF vf=3 mode=vfio mac=$mac
	t0=$(uptime_s)
	wrapped_create_ok vm-vfio-testpmd "$b"
	expect_vfio_held 3
	runc start vm-vfio-testpmd || fail "runc start failed"
	wait_for 600 container_stopped vm-vfio-testpmd || fail "testpmd did not end within 60 s: $(tail -n 5 "$b/out")"
	runc delete vm-vfio-testpmd || fail "runc delete failed"
	echo "# vfio-testpmd: create, testpmd in the container, delete: $(elapsed_since "$t0") s" | tee /dev/console
	sed 's/^/# container: /' "$b/out"
	expect_vfio_released 3 "after runc delete"
	grep -qx 'EXIT 0' "$b/out" || fail "testpmd failed in the container: $(grep -E 'EAL|Cause|EXIT' "$b/out" | tail -n 4 | tr '\n' ' ')"
	expect_testpmd "$b/out" "$pci" $mac
}

# vfio-release: the VF comes back with the name, MAC and MTU it had before (here an MTU other than
# igbvf's default, which a fresh netdev would not have), and a next container takes it at once: as
# a netdev (the hook alone), then again through vfio.
test_vfio_release() {
	local b pid name
	vfio_ready
	expect_state 2 "precondition"
	name=$(vf_name 2)
	ip link set dev "$name" mtu 1400 || fail "cannot set the MTU of $name"
	vf_state 2 >"$W/vfio-release.pre"
	note "before: $(cat "$W/vfio-release.pre")"
	b=$W/b-vfio-rel1
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=2 mode=vfio mac=02:00:00:00:2f:01
	wrapped_create_ok vm-vfio-rel1 "$b"
	expect_vfio_held 2
	runc start vm-vfio-rel1 || fail "runc start failed"
	wrapped_delete vm-vfio-rel1
	expect_vfio_released 2 "after the first vfio container" "$W/vfio-release.pre"
	# At once, as a netdev.
	pid=$(new_netns)
	b=$W/b-vfio-rel2
	mk_bundle "$b" - pf=$PF vf=2 ifname=net0
	hook_ok createRuntime vm-vfio-rel2 "$b" "$pid"
	expect_vf_in 2 "$pid" net0
	hook_ok poststop vm-vfio-rel2 "$b"
	kill "$pid"
	expect_vfio_released 2 "after the netdev container" "$W/vfio-release.pre"
	# And through vfio again.
	b=$W/b-vfio-rel3
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=2 mode=vfio
	wrapped_create_ok vm-vfio-rel3 "$b"
	expect_vfio_held 2
	wrapped_delete vm-vfio-rel3
	expect_vfio_released 2 "after the second vfio container" "$W/vfio-release.pre"
	ip link set dev "$name" mtu 1500
	expect_state 2 "after the MTU was set back"
}

# The create was refused: sriov-runc failed with exactly one line in runc's log (what docker
# shows), which matches the extended regex WHY; runc made no container; VF N is as in the baseline.
expect_wrapped_refusal() { # ID BUNDLE N WHY [BASE]
	local _msg
	note "create.err: $(cat "$2/create.err"); runc.log: $(cat "$2/runc.log" 2>/dev/null)"
	[ "$(grep -c . "$2/runc.log" 2>/dev/null)" = 1 ] || fail "want one line in runc's log, got: $(cat "$2/runc.log" 2>/dev/null)"
	_msg=$(grep -o '"msg":"[^"]*"' "$2/runc.log")
	echo "$_msg" | grep -Eq "$4" || fail "runc's log does not say why ($4): $_msg"
	echo "# $(echo "$TEST" | tr _ -): refused: $_msg" | tee /dev/console
	[ -z "$(runc list -q)" ] || fail "runc still lists: $(runc list -q)"
	expect_vfio_released "$3" "after the refusal" "${5:-}"
}

# vfio-refused-no-driver: vfio-pci is not loaded (a host that never ran modprobe vfio-pci): the
# create is refused with one line naming the module, and the VF never leaves igbvf.
test_vfio_refused_no_driver() {
	local b rc
	vfio_ready
	expect_state 1 "precondition"
	rmmod vfio-pci || fail "cannot unload vfio-pci"
	b=$W/b-vfio-nodrv
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=1 mode=vfio mac=02:00:00:00:1f:01
	wrapped_create vm-vfio-nodrv "$b"
	rc=$?
	insmod /lib/modules/vfio-pci.ko || fail "cannot load vfio-pci again"
	[ $rc != 0 ] || fail "sriov-runc create succeeded without vfio-pci"
	expect_wrapped_refusal vm-vfio-nodrv "$b" 1 'vfio-pci'
}

# vfio-refused-iommu-off (the boot without the IOMMU): no VF has an IOMMU group; the create is
# refused with one line that names the fix, and the VF never leaves igbvf.
test_vfio_refused_iommu_off() {
	local b rc
	[ ! -e "/sys/bus/pci/devices/$(vf_pci 0)/iommu_group" ] || fail "VF 0 has an IOMMU group: the IOMMU is on"
	[ -d /sys/bus/pci/drivers/vfio-pci ] || fail "vfio-pci is not loaded: $(cat "$W/vfio.missing" 2>/dev/null)"
	expect_state 0 "precondition"
	b=$W/b-vfio-noiommu
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=0 mode=vfio mac=02:00:00:00:0f:01
	wrapped_create vm-vfio-noiommu "$b"
	rc=$?
	[ $rc != 0 ] || fail "sriov-runc create succeeded without an IOMMU"
	expect_wrapped_refusal vm-vfio-noiommu "$b" 0 'IOMMU.*intel_iommu=on'
	[ -z "$(ls /dev/vfio | grep -v '^vfio$')" ] || fail "group nodes appeared: $(ls /dev/vfio)"
}

# The other igb PF (run.sh puts it behind a root port without ACS).
other_pf() {
	local _d
	for _d in /sys/class/net/*; do
		[ "${_d##*/}" != "$PF" ] && [ "$(basename "$(readlink "$_d/device/driver")")" = igb ] && echo "${_d##*/}"
	done | head -n 1
}

# vfio-refused-group: a VF of the second PF shares its IOMMU group with that PF, bound to igb (no
# ACS above them): the create is refused with one line naming the PF and its driver, and nothing
# changes (the VF stays on igbvf as it was).
test_vfio_refused_group() {
	local pf2 pf2pci pci grp b rc
	vfio_ready
	pf2=$(other_pf)
	[ -n "$pf2" ] || fail "no second igb PF in the guest (run.sh adds one behind a root port without ACS)"
	pf2pci=$(basename "$(readlink "/sys/class/net/$pf2/device")")
	echo 1 >"/sys/class/net/$pf2/device/sriov_numvfs" || fail "cannot make a VF on $pf2"
	# From here on the helpers speak of the second PF, its VF 0 and a configuration that allows it.
	PF=$pf2
	wait_for 100 vf_present 0 || fail "the VF of $pf2 has no netdev"
	pci=$(vf_pci 0)
	grp=$(vf_group "$pci")
	note "VF 0 of $pf2: $pci, IOMMU group $grp: $(ls "/sys/kernel/iommu_groups/$grp/devices" | tr '\n' ' ')"
	[ -e "/sys/kernel/iommu_groups/$grp/devices/$pf2pci" ] || fail "the group of $pci does not hold $pf2pci"
	sed "s/\"allowed_pfs\": \[[^]]*\]/\"allowed_pfs\": [\"$pf2\"]/" "$CFG" >"$W/vm-group.json"
	CFG=$W/vm-group.json
	vf_state 0 >"$W/vfio-group.base"
	b=$W/b-vfio-group
	vfio_bundle "$b" '["sleep", "1000"]' pf="$pf2" vf=0 mode=vfio mac=02:00:00:00:0e:01
	wrapped_create vm-vfio-group "$b"
	rc=$?
	[ $rc != 0 ] || fail "sriov-runc create succeeded with a group shared with $pf2pci (igb)"
	expect_wrapped_refusal vm-vfio-group "$b" 0 "$pf2pci \\(igb\\)|$pf2pci.*igb" "$W/vfio-group.base"
	echo 0 >"/sys/class/net/$pf2/device/sriov_numvfs"
}
