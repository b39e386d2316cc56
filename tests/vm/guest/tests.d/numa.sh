# The NUMA boot (run.sh's bookworm:igb:numa; sourced by tests.sh: its helpers, PF, CFG, STATE, W):
# a guest with CPU 0 on node 0 and CPU 1 on node 1, the igb eth0 on the main root complex (node 0)
# and a second igb behind a PCIe expander bridge on node 1. runc containers whose cpuset is CPU 1
# get a VF of the node-1 PF, through vf=auto and through a pool spanning both PFs whose order puts
# node 0 first; with node 1 full, numa=strict is refused with the free VFs per node and prefer
# takes node 0's. The claim's log line says why. near=auto finds the PCI device of a real vfio
# group node (which has no device link in sysfs) through its IOMMU group.
NUMA_TESTS="numa_nodes_seen numa_auto_local numa_pool_local numa_strict_full numa_prefer_fallback
	numa_near_vfio_group"
NUMA_POOL_CFG=/etc/sriov-hook/vm-numa-pool.json
# The node-1 PF gets two VFs: two containers fill its node.
NUMA_NVF1=2

# What the boot shows on the host even when the test passes (a TIME line goes to the console
# as is; the test's own output is shown only on failure).
numa_show() {
	echo "TIME $*" >/dev/console
	note "$*"
}

# The SR-IOV PF whose PCI device is on node N, by netdev name ("" when none).
numa_pf_on() {
	local _d
	for _d in /sys/class/net/*; do
		[ -f "$_d/device/sriov_totalvfs" ] || continue
		[ "$(cat "$_d/device/numa_node")" = "$1" ] && basename "$_d" && return
	done
}

# P0 and P1, the PFs on nodes 0 and 1; the node-1 PF's VFs made once (up once each, as setup does
# with eth0's); $CFG allows both PFs, $NUMA_POOL_CFG adds the pool "span" = P0 then P1.
numa_ready() {
	local _d _k
	P0=$(numa_pf_on 0)
	P1=$(numa_pf_on 1)
	[ -n "$P1" ] || fail "no SR-IOV PF on node 1 (is this the NUMA boot?); PFs: $(numa_pfs)"
	[ "$P0" = "$PF" ] || fail "the node-0 PF is '$P0', not $PF (whose VFs setup measured); PFs: $(numa_pfs)"
	_d=/sys/class/net/$P1/device
	if [ "$(cat "$_d/sriov_numvfs")" = 0 ]; then
		echo $NUMA_NVF1 >"$_d/sriov_numvfs" || fail "cannot create $NUMA_NVF1 VFs on $P1"
		ip link set "$P1" up
		wait_for 100 grep -qx 1 "/sys/class/net/$P1/carrier" || fail "$P1 has no carrier"
		_k=0
		while [ $_k -lt $NUMA_NVF1 ]; do
			wait_for 100 numa_vf_present $_k || fail "VF $_k of $P1 has no netdev"
			ip link set "$(numa_vf_name $_k)" up
			_k=$((_k + 1))
		done
		sleep 0.5
		_k=0
		while [ $_k -lt $NUMA_NVF1 ]; do
			ip link set "$(numa_vf_name $_k)" down
			_k=$((_k + 1))
		done
	fi
	cat >"$CFG" <<-EOF
		{"state_dir": "$STATE", "sysfs_root": "/sys", "allowed_pfs": ["$P0", "$P1"], "log": "$HOOKLOG",
		 "poststop_timeout_ms": 5000}
	EOF
	sed 's/}[[:space:]]*$//' "$CFG" >"$NUMA_POOL_CFG"
	echo ", \"pools\": {\"span\": [\"$P0\", \"$P1\"]}}" >>"$NUMA_POOL_CFG"
}

numa_pfs() {
	local _d
	for _d in /sys/class/net/*; do
		[ -f "$_d/device/sriov_totalvfs" ] && printf '%s(%s, node %s) ' "${_d##*/}" \
			"$(basename "$(readlink -f "$_d/device")")" "$(cat "$_d/device/numa_node")"
	done
}
numa_vf_pci() { basename "$(readlink "/sys/class/net/$P1/device/virtfn$1")"; }
numa_vf_name() { ls "/sys/class/net/$P1/device/virtfn$1/net/" 2>/dev/null | head -n 1; }
numa_vf_present() { [ -n "$(numa_vf_name "$1")" ]; }

# numa_bundle DIR CONFIG CPUS 'ARGS-JSON' ANNOTATION...: oci_config's bundle whose hooks read
# CONFIG and whose container runc confines to CPUS.
numa_bundle() {
	local _dir _cfg _cpus _args
	_dir=$1 _cfg=$2 _cpus=$3 _args=$4
	shift 4
	oci_config "$_dir" "$_args" "$_cfg" "" "" "$@"
	sed -i "s|\"linux\": {\"namespaces\"|\"linux\": {\"resources\": {\"cpu\": {\"cpus\": \"$_cpus\"}}, \"namespaces\"|" \
		"$_dir/config.json"
	grep -q "\"cpus\": \"$_cpus\"" "$_dir/config.json" || fail "cannot set the cpuset in $_dir/config.json"
}

# What a container prints about its interface: the VF's PCI address and node, and its CPUs.
NUMA_SHOW='"sh", "-c", "echo DEV $(basename $(readlink /sys/class/net/eth0/device)); echo NODE $(cat /sys/class/net/eth0/device/numa_node); grep Cpus_allowed_list /proc/self/status'

# numa_run ID CONFIG CPUS ANNOTATION...: runc run of a container that prints NUMA_SHOW and exits.
numa_run() {
	local _id _cfg _cpus
	_id=$1 _cfg=$2 _cpus=$3
	shift 3
	b=$W/b-$_id
	numa_bundle "$b" "$_cfg" "$_cpus" "[$NUMA_SHOW\"]" "$@"
	echo "$_id $b" >>"$W/ids.$TEST"
	(cd "$b" && runc run --no-pivot "$_id") >"$b/run.out" 2>"$b/run.err" </dev/null
	rc=$?
	sed "s/^/# $_id: /" "$b/run.out"
}

# numa_hold ID CONFIG CPUS ANNOTATION...: a detached container that printed NUMA_SHOW and sleeps.
numa_hold() {
	local _id _cfg _cpus
	_id=$1 _cfg=$2 _cpus=$3
	shift 3
	b=$W/b-$_id
	numa_bundle "$b" "$_cfg" "$_cpus" "[$NUMA_SHOW; exec sleep 1000\"]" "$@"
	echo "$_id $b" >>"$W/ids.$TEST"
	(cd "$b" && runc run -d --no-pivot "$_id") >"$b/run.out" 2>"$b/run.err" </dev/null ||
		fail "runc run -d $_id failed: $(cat "$b/run.err")"
	wait_for 100 grep -q '^Cpus_allowed_list' "$b/run.out" || fail "$_id printed nothing: $(cat "$b/run.out")"
	sed "s/^/# $_id: /" "$b/run.out"
}

numa_drop() { # ID...: kill and delete held containers (poststop gives their VFs back)
	local _id
	for _id in "$@"; do
		runc kill "$_id" KILL
		wait_for 100 sh -c "/usr/sbin/runc --root $RUNC_ROOT state $_id | grep -q '\"stopped\"'" ||
			fail "container $_id did not stop"
		runc delete "$_id" || fail "runc delete $_id failed"
	done
}

# expect_got OUT PCI NODE: the container that printed OUT had VF PCI on node NODE, on CPU 1 alone.
expect_got() {
	grep -q "^DEV $2\$" "$1" || fail "the container's eth0 is not $2: $(tr '\n' ' ' <"$1")"
	grep -q "^NODE $3\$" "$1" || fail "the container's eth0 is not on node $3: $(tr '\n' ' ' <"$1")"
	grep -Eq "^Cpus_allowed_list:[[:space:]]+1\$" "$1" || fail "runc did not confine the container to CPU 1: $(tr '\n' ' ' <"$1")"
}

expect_log() { # REGEX: the hook's log has a line matching REGEX
	grep -Eq "$1" "$HOOKLOG" || fail "the hook's log does not say '$1': $(tail -n 5 "$HOOKLOG" | tr '\n' ' ')"
	numa_show "$TEST: log: $(grep -E "$1" "$HOOKLOG" | tail -n 1)"
}

# After a test: node 1's VFs home again, eth0's VFs as setup measured them, no claim.
expect_numa_clean() {
	local _k
	_k=0
	while [ $_k -lt $NUMA_NVF1 ]; do
		wait_for 50 numa_vf_present $_k || fail "$1: VF $_k of $P1 is not back on the host"
		_k=$((_k + 1))
	done
	_k=0
	while [ $_k -lt $NVF ]; do
		expect_state $_k "$1"
		_k=$((_k + 1))
	done
	expect_no_claim "$1"
}

# The guest sees two nodes, CPU 0 on node 0 and CPU 1 on node 1, a PF on each, and each PF's VFs on
# its PF's node (the kernel gives them their bus's node: the expander bridge's _PXM for P1).
test_numa_nodes_seen() {
	local n d k out
	numa_ready
	for n in /sys/devices/system/node/node[0-9]*; do
		numa_show "${n##*/}: CPUs $(cat "$n/cpulist"), $(sed -n 's/.*MemTotal: *//p' "$n/meminfo")"
	done
	for d in /sys/bus/pci/devices/*; do
		note "pci ${d##*/} class $(cat "$d/class") node $(cat "$d/numa_node") driver $(basename "$(readlink "$d/driver")")"
	done
	[ "$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)" = 2 ] || fail "the guest does not see two NUMA nodes"
	[ "$(cat /sys/devices/system/node/node1/cpulist)" = 1 ] || fail "CPU 1 is not node 1's"
	numa_show "PFs: $(numa_pfs)"
	for n in 0 1; do
		eval "d=/sys/class/net/\$P$n/device"
		k=0
		while [ -e "$d/virtfn$k" ]; do
			[ "$(cat "$d/virtfn$k/numa_node")" = $n ] || fail "VF $k of $(basename "$(readlink -f "$d")") is on node $(cat "$d/virtfn$k/numa_node"), not $n"
			k=$((k + 1))
		done
		[ $k -gt 0 ] || fail "the PF on node $n has no VFs"
	done
	out=$(/usr/local/bin/sriovctl --config "$CFG" list 2>&1) || fail "sriovctl list failed: $out"
	echo "$out" | sed 's/^/# list: /'
	echo "$out" | grep -Eq "^$P0 +[0-9a-f:.]+ +0 " || fail "sriovctl list does not show $P0 on node 0"
	echo "$out" | grep -Eq "^$P1 +[0-9a-f:.]+ +1 " || fail "sriovctl list does not show $P1 on node 1"
}

# vf=auto of the node-1 PF: local to node 1; asked of the node-0 PF with numa=strict: refused.
test_numa_auto_local() {
	numa_ready
	numa_run vm-numa-auto "$CFG" 1 pf="$P1" vf=auto
	[ $rc = 0 ] || fail "runc run exited $rc: $(cat "$b/run.err")"
	expect_got "$b/run.out" "$(numa_vf_pci 0)" 1
	expect_log "VF 0 \($(numa_vf_pci 0)\) of $P1 chosen: local to node 1"
	numa_run vm-numa-auto-far "$CFG" 1 pf="$P0" vf=auto numa=strict
	[ $rc != 0 ] || fail "a VF of $P0 (node 0) was handed to a container on node 1 with numa=strict: $(cat "$b/run.out")"
	grep -Eq "sriov-hook: vm-numa-auto-far: createRuntime: .*$P0.*on node 0, not on node 1" "$b/run.err" ||
		fail "runc's error does not give the hook's reason: $(cat "$b/run.err")"
	numa_show "$TEST: refused: $(grep -o 'sriov-hook: vm-numa-auto-far: [^"]*' "$b/run.err" | head -n 1 | sed 's/\\n$//')"
	expect_numa_clean "after the containers"
}

# The pool lists P0 first: without a cpuset its first VF is P0's; with CPU 1 it is P1's.
test_numa_pool_local() {
	numa_ready
	numa_hold vm-numa-pool1 "$NUMA_POOL_CFG" 1 pool=span
	expect_got "$b/run.out" "$(numa_vf_pci 0)" 1
	numa_hold vm-numa-pool2 "$NUMA_POOL_CFG" 1 pool=span
	expect_got "$b/run.out" "$(numa_vf_pci 1)" 1
	expect_log "of $P1 chosen: local to node 1"
	numa_drop vm-numa-pool1 vm-numa-pool2
	expect_numa_clean "after the containers"
}

# numa_fill: hold node 1's VFs through the pool (holders vm-fill0, vm-fill1).
numa_fill() {
	local _k
	_k=0
	while [ $_k -lt $NUMA_NVF1 ]; do
		numa_hold vm-fill$_k "$NUMA_POOL_CFG" 1 pool=span
		_k=$((_k + 1))
	done
	[ -z "$(numa_vf_name 0)$(numa_vf_name 1)" ] || fail "node 1 is not full: $(numa_vf_name 0) $(numa_vf_name 1) on the host"
}

test_numa_strict_full() {
	numa_ready
	numa_fill
	numa_run vm-numa-strict "$NUMA_POOL_CFG" 1 pool=span numa=strict
	[ $rc != 0 ] || fail "numa=strict got a VF with node 1 full: $(cat "$b/run.out")"
	grep -Eq "sriov-hook: vm-numa-strict: createRuntime: .*numa strict.*per node: node 0: $NVF of $NVF free, node 1: 0 of $NUMA_NVF1 free" "$b/run.err" ||
		fail "runc's error does not give the census per node: $(cat "$b/run.err")"
	numa_show "$TEST: refused: $(grep -o 'sriov-hook: vm-numa-strict: [^"]*' "$b/run.err" | head -n 1 | sed 's/\\n$//')"
	[ "$(claim_files | grep -c .)" = $NUMA_NVF1 ] || fail "claims other than the holders': $(claim_files)"
	expect_state 0 "after the refusal"
	numa_drop vm-fill0 vm-fill1
	expect_numa_clean "after the containers"
}

test_numa_prefer_fallback() {
	numa_ready
	numa_fill
	numa_run vm-numa-prefer "$NUMA_POOL_CFG" 1 pool=span
	[ $rc = 0 ] || fail "runc run exited $rc: $(cat "$b/run.err")"
	expect_got "$b/run.out" "$(vf_pci 0)" 0
	expect_log "VF 0 \($(vf_pci 0)\) of $P0 chosen: no local VF free \(this one is on node 0\)"
	numa_drop vm-fill0 vm-fill1
	expect_numa_clean "after the containers"
}

# near=auto with a container given the vfio group of P1's VF 1 (on vfio-pci): the kernel's group
# node has no device link; its IOMMU group names the VF, which shares the expander's root port with
# P1. No cpuset: without near the pool's order would give P0's VF 0.
test_numa_near_vfio_group() {
	local pci group mm real
	numa_ready
	vfio_ready
	pci=$(numa_vf_pci 1)
	bind_vfio "$pci" || fail "cannot bind $pci to vfio-pci (on '$(pci_driver "$pci")')"
	group=$(vf_group "$pci")
	[ -c "/dev/vfio/$group" ] || fail "no /dev/vfio/$group for $pci on vfio-pci"
	mm=$(stat -c '%t %T' "/dev/vfio/$group" | { read -r ma mi; echo "$((0x$ma)) $((0x$mi))"; })
	real=$(readlink -f "/sys/dev/char/${mm% *}:${mm#* }")
	numa_show "$TEST: /dev/vfio/$group is ${mm% *}:${mm#* }, sysfs $real (subsystem $(basename "$(readlink "$real/subsystem")"), device link: $([ -e "$real/device" ] && echo yes || echo none)); group $group: $(ls "/sys/kernel/iommu_groups/$group/devices" | tr '\n' ' ')"
	b=$W/b-vm-numa-near
	runc_bundle "$b" "[$NUMA_SHOW\"]" pool=span near=auto
	sed -i -e "s|\"$CFG\"|\"$NUMA_POOL_CFG\"|g" \
		-e "s|\"linux\": {\"namespaces\"|\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/vfio/$group\", \"major\": ${mm% *}, \"minor\": ${mm#* }}], \"namespaces\"|" \
		"$b/config.json"
	echo "vm-numa-near $b" >>"$W/ids.$TEST"
	(cd "$b" && runc run --no-pivot vm-numa-near) >"$b/run.out" 2>"$b/run.err" </dev/null
	rc=$?
	sed "s/^/# vm-numa-near: /" "$b/run.out"
	unbind_vfio "$pci"
	wait_for 100 numa_vf_present 1 || fail "VF 1 of $P1 has no netdev back on igbvf"
	ip link set "$(numa_vf_name 1)" up
	ip link set "$(numa_vf_name 1)" down
	[ $rc = 0 ] || fail "runc run exited $rc: $(cat "$b/run.err")"
	grep -q "^DEV $(numa_vf_pci 0)\$" "$b/run.out" || fail "the container's eth0 is not $(numa_vf_pci 0) near $pci: $(tr '\n' ' ' <"$b/run.out")"
	expect_log "VF 0 \($(numa_vf_pci 0)\) of $P1 chosen: near $pci via root port "
	expect_numa_clean "after the container"
}
