#!/bin/sh
# Guest half of the QEMU igb suite: the real hook on real igbvf VFs. `tests.sh all` sets up the PF
# and its VFs, measures the driver's knob table, then runs each test in its own process with a hard
# timeout and prints PLAN, PASS/FAIL and KNOB lines for the host; `tests.sh one NAME` runs one test.
set -u

PF=eth0
NVF=7
HOOK=/usr/local/bin/sriov-hook
CFG=/etc/sriov-hook/vm.json
STATE=/run/sriov-hook
HOOKLOG=/run/sriov-hook.log
W=/run/vm
RUNC_ROOT=/run/runc
ROOTFS=/opt/rootfs
TEST_TIMEOUT=120
# sriov_vm=noiommu on the kernel command line: the short boot without the IOMMU (run.sh), which
# runs only NOIOMMU_TESTS (tests.d/vfio.sh) and measures no knob table.
VM_MODE=normal
grep -qw 'sriov_vm=noiommu' /proc/cmdline && VM_MODE=noiommu
NOIOMMU_TESTS=""
# The matrix (run.sh): the PF's driver (igb, or virtio: virtio-net SR-IOV, whose driver has no
# PF-side VF settings at all), and the tests of this boot (full: all; smoke, virtio: the lists
# below; numa: NUMA_TESTS of tests.d/numa.sh); sriov_vm_k9=SECONDS shortens the kill -9 sweep of
# a smoke boot.
cmdline_arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | head -n 1; }
DRV=$(cmdline_arg sriov_vm_drv)
DRV=${DRV:-igb}
VM_SET=$(cmdline_arg sriov_vm_set)
VM_SET=${VM_SET:-full}
# The VF netdev's driver, and its PCI function's (virtio_net drives a virtio device on virtio-pci).
case $DRV in virtio) VFDRV=virtio_net VFPCIDRV=virtio-pci ;; *) VFDRV=igbvf VFPCIDRV=igbvf ;; esac
SMOKE_TESTS="knobs_all runc_lifecycle kernel_return_poststop kill9_create vfio_hook_testpmd sriovctl_gc_netns_gone"
# Debian's runc 1.1.5 cannot start a container in this guest on 5.10: its nsexec re-executes itself
# through a read-only bind mount of /proc/self/exe, and execveat(fd, "", AT_EMPTY_PATH) on that fd
# answers ENOENT there ("could not ensure we are a cloned binary"; 6.1 and later run it). The tests
# that need runc are reported SKIP on 5.10; the hook's own path is covered there without runc.
RUNC_TESTS="runc_lifecycle runc_detached_mac vfio_runc vfio_testpmd vfio_release vfio_refused_no_driver
	residue_restore residue_rebind residue_vfio"
RUNC_SKIP=""
case $(uname -r) in 5.10.*) RUNC_SKIP="runc 1.1.5 cannot start containers on 5.10 in this guest (execveat of its bind-mounted binary: ENOENT)" ;; esac
VIRTIO_TESTS="virtio_refused_setting runc_lifecycle kernel_return_poststop sriovctl_virtio_list auto_race
	virtio_cdi_pool sriovctl_gc_netns_gone"
# PF-side settings the test may ask of the driver ("" on virtio: it has none).
pfside() { [ "$DRV" = virtio ] || echo "$@"; }

# busybox sh runs its own applets before PATH: the full iproute2 ip (with `vf`) must be named.
ip() { /usr/sbin/ip "$@"; }
runc() { /usr/sbin/runc --root "$RUNC_ROOT" "$@"; }

ALL_TESTS="knob_mac knob_mac_over_admin knob_vlan knob_qos knob_vlan_proto_8021q knob_spoofchk knob_trust
	knob_max_tx_rate knobs_all refused_min_tx_rate refused_link_state refused_vlan_proto_8021ad
	runc_lifecycle runc_detached_mac kernel_return_poststop kernel_return_next_claim auto_race"

# --- helpers -----------------------------------------------------------------------------------

note() { echo "# $*"; }
fail() {
	echo "REASON: $*"
	exit 1
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

wait_for() { # TENTHS CMD...: poll until CMD succeeds
	local _n
	_n=$1
	shift
	while ! "$@" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}

vf_present() { [ -n "$(vf_name "$1")" ]; }
# The PF's PCI device. virtio-net hangs a netdev off a virtio device below the PCI function
# (<pci>/virtioN/net/<name>): the netdev's device link names virtioN, its parent is the function.
pf_dev() {
	local _d
	_d=$(readlink -f "/sys/class/net/$PF/device")
	case ${_d##*/} in virtio[0-9]*) _d=${_d%/*} ;; esac
	echo "$_d"
}
# The helpers follow $PF (vfio-refused-group points it at the second igb): its PCI function is
# /sys/class/net/$PF/device$PFUP.
PFUP=""
[ "$DRV" = virtio ] && PFUP=/..
vf_pci() { basename "$(readlink "/sys/class/net/$PF/device$PFUP/virtfn$1")"; }
# The VF's netdev name in this (the host) namespace, empty while it is elsewhere.
vf_name() { ls "/sys/class/net/$PF/device$PFUP/virtfn$1/net/" "/sys/class/net/$PF/device$PFUP"/virtfn$1/virtio*/net/ 2>/dev/null | grep -v -e '^$' -e ':$' | head -n 1; }
# What `ip -d link` names as the VF netdev's parentdev (and its device link): the PCI address,
# or virtioN for virtio-net.
vf_parent() {
	if [ "$DRV" = virtio ]; then
		basename "$(ls -d "/sys/class/net/$PF/device$PFUP"/virtfn$1/virtio[0-9]* 2>/dev/null | head -n 1)"
	else
		vf_pci "$1"
	fi
}
# The PF's view of VF N, without the index: mac, vlan, qos, proto, rates, spoofchk, link-state, trust.
vf_line() { ip link show "$PF" | sed -n "s/^ *vf $1 *//p"; }

# The MAC the PF enforces on VF N ("none" when the VF may choose its own). igb reports the VF's own
# MAC once the VF has registered it, so the PF's view alone cannot tell an administratively set MAC
# from a chosen one: ask the VF netdev to change its MAC (trust off: refused iff one is enforced)
# and change it back. Needs the netdev on the host; a used VF (setup brings each up once).
vf_admin_mac() { # N NAME LINE
	local _pfmac _cur
	_pfmac=$(echo "$3" | sed -n 's/^link\/ether \([0-9a-f:]*\).*/\1/p')
	case $3 in
	*"trust on"*) echo "$_pfmac(trusted)" ;;
	*)
		if [ "$_pfmac" = 00:00:00:00:00:00 ]; then
			echo none
		elif _cur=$(cat "/sys/class/net/$2/address") && ip link set dev "$2" address 02:00:5e:ff:ff:fe 2>/dev/null; then
			ip link set dev "$2" address "$_cur"
			echo none
		else
			echo "$_pfmac"
		fi
		;;
	esac
}

# Everything the hook may change about VF N, as seen from the host, on one line.
vf_state() {
	local _name _d _alt _addr _line
	_name=$(vf_name "$1")
	_line=$(vf_line "$1")
	if [ -z "$_name" ]; then
		echo "name=<not on host> pf=[$_line]"
		return
	fi
	_d=/sys/class/net/$_name
	_alt=$(ip -o link show dev "$_name" | grep -o 'altname [^ ]*' | tr '\n' ' ')
	_addr=$(ip -o addr show dev "$_name" | awk '{ print $4 }' | tr '\n' ' ')
	echo "name=$_name mac=$(cat "$_d/address") mtu=$(cat "$_d/mtu") flags=$(cat "$_d/flags") alt=[$_alt] addr=[$_addr] admin_mac=$(vf_admin_mac "$1" "$_name" "$_line") pf=[$(echo "$_line" | sed 's/^link\/ether [0-9a-f:]* brd [0-9a-f:]*, *//')]"
}

expect_state() { # N WHAT: VF N is exactly as in the baseline
	local _now _base
	_now=$(vf_state "$1")
	_base=$(cat "$W/base.$1")
	[ "$_now" = "$_base" ] || fail "$2: VF $1 is not as before the claim:
  before: $_base
  now:    $_now"
}

# rebaseline_vfs WHY: the VFs a reset made anew (WHY: what made them) get their baseline names and
# MACs and are brought up once, as setup does, so that expect_state compares like with like.
rebaseline_vfs() {
	local _n _name _mac
	_n=0
	while [ $_n -lt $NVF ]; do
		wait_for 100 vf_present $_n || fail "VF $_n has no netdev after $1"
		_name=$(sed -n 's/^name=\([^ ]*\).*/\1/p' "$W/base.$_n")
		_mac=$(sed -n 's/.* mac=\([^ ]*\).*/\1/p' "$W/base.$_n")
		[ "$(vf_name $_n)" = "$_name" ] || ip link set dev "$(vf_name $_n)" name "$_name"
		ip link set dev "$_name" address "$_mac" up
		_n=$((_n + 1))
	done
	sleep 0.5
	_n=0
	while [ $_n -lt $NVF ]; do
		ip link set dev "$(vf_name $_n)" down
		_n=$((_n + 1))
	done
}

# expect_all_states WHAT: every VF is as in the baseline, each given up to 4 s (the VF's mailbox may
# need a moment after it went down: see setup).
expect_all_states() {
	local _n _i
	_n=0
	while [ $_n -lt $NVF ]; do
		_i=0
		while [ "$(vf_state $_n)" != "$(cat "$W/base.$_n")" ] && [ $_i -lt 20 ]; do
			sleep 0.2
			_i=$((_i + 1))
		done
		expect_state $_n "$1"
		_n=$((_n + 1))
	done
}

# No claim record, lock or other regular file left, and no netns pin mounted. A VF's baseline
# (baseline/<pci>.json, its state before its first claim) is kept on purpose.
expect_no_claim() {
	local _files _pins
	_files=$(find "$STATE" -type f ! -path "$STATE/baseline/*.json" 2>/dev/null)
	[ -z "$_files" ] || fail "$1: files left in $STATE: $(echo $_files)"
	_pins=$(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts)
	[ -z "$_pins" ] || fail "$1: netns pins still mounted: $(echo $_pins)"
}

claim_files() { find "$STATE/claims" -type f -name '*.json' 2>/dev/null; }

# A network namespace held by a sleeping process: prints its pid.
new_netns() {
	unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &
	echo $!
	echo $! >>"$W/pids.$TEST"
}

# Links other than lo inside the netns of PID, one "name parentdev" per line. `ip -d` names the
# parent device only from 5.15 (IFLA_PARENT_DEV_NAME; 5.10 has none): without it, a sysfs mounted
# from inside that netns (in a mount namespace of its own) gives the device link instead.
ns_links() {
	nsenter -t "$1" -n /usr/sbin/ip -d -o link show 2>/dev/null |
		awk '{ n = $2; sub(/:$/, "", n); sub(/@.*/, "", n); p = "-"
		       for (i = 1; i < NF; i++) if ($i == "parentdev") p = $(i + 1)
		       if (n != "lo") print n, p }' |
		while read -r _n _p; do
			[ "$_p" = - ] && _p=$(nsenter -t "$1" -n unshare -m --propagation private sh -c \
				"mount -t sysfs sysfs /sys && basename \"\$(readlink /sys/class/net/$_n/device)\"" 2>/dev/null)
			echo "$_n ${_p:--}"
		done
}

# Annotations as JSON members: annots vf=0 mac=02:... -> "io.sriov.vf":"0","io.sriov.mac":"02:..."
annots() {
	local _sep _kv
	_sep=""
	for _kv in "$@"; do
		printf '%s"io.sriov.%s":"%s"' "$_sep" "${_kv%%=*}" "${_kv#*=}"
		_sep=","
	done
}

# A bundle for direct hook invocations: config.json with annotations and a network namespace.
# mk_bundle DIR NSPATH|- ANNOTATION...
mk_bundle() {
	local _dir _nspath _ns
	_dir=$1 _nspath=$2
	shift 2
	mkdir -p "$_dir"
	if [ "$_nspath" = - ]; then
		_ns='{"type":"network"}'
	else
		_ns="{\"type\":\"network\",\"path\":\"$_nspath\"}"
	fi
	printf '{"ociVersion":"1.0.2","annotations":{%s},"linux":{"namespaces":[{"type":"mount"},%s]}}\n' \
		"$(annots "$@")" "$_ns" >"$_dir/config.json"
}

# hook STAGE ID BUNDLE [PID]: runs the hook like runc does (state on stdin, empty environment);
# stdout/stderr land in BUNDLE/STAGE.out|.err; returns the hook's exit code. HOOK_CFG (default
# $CFG) and HOOK_OPTS (e.g. a CDI device's "--pool NAME") change its command line.
hook() {
	local _stage _id _b _pid _st _rc
	_stage=$1 _id=$2 _b=$3 _pid=${4:-}
	if [ "$_stage" = createRuntime ]; then
		_st="{\"ociVersion\":\"1.0.2\",\"id\":\"$_id\",\"status\":\"creating\",\"pid\":$_pid,\"bundle\":\"$_b\"}"
	else
		_st="{\"ociVersion\":\"1.0.2\",\"id\":\"$_id\",\"status\":\"stopped\",\"bundle\":\"$_b\"}"
	fi
	echo "$_id $_b" >>"$W/ids.$TEST"
	# shellcheck disable=SC2086 # HOOK_OPTS is a list of words
	printf '%s' "$_st" | env -i "$HOOK" --config "${HOOK_CFG:-$CFG}" ${HOOK_OPTS:-} "$_stage" \
		>"$_b/$_stage.out" 2>"$_b/$_stage.err"
	_rc=$?
	[ $_rc = 0 ] || note "hook $_stage $_id${HOOK_OPTS:+ ($HOOK_OPTS)}: exit $_rc: $(cat "$_b/$_stage.err")"
	return $_rc
}

hook_ok() { # like hook, but a failure fails the test
	hook "$@" || fail "$1 of $2 failed: $(cat "$3/$1.err")"
}

# The hook must have failed with exactly one line "sriov-hook: ID: STAGE: ..." on stderr that
# matches the extended regex WHY.
expect_refusal() { # STAGE ID BUNDLE WHY
	local _err
	_err=$(cat "$3/$1.err")
	[ "$(grep -c . "$3/$1.err")" = 1 ] || fail "expected one line on stderr, got: $_err"
	case $_err in
	"sriov-hook: $2: $1: "*) ;;
	*) fail "stderr is not 'sriov-hook: $2: $1: <what>: <why>': $_err" ;;
	esac
	# Match what follows the prefix only: the ids of these tests name the knobs.
	echo "${_err#"sriov-hook: $2: $1: "}" | grep -Eiq "$4" || fail "stderr does not say why ($4): $_err"
	note "refused as expected: $_err"
}

expect_vf_in() { # N PID [IFNAME]: VF N sits in the netns of PID (under IFNAME)
	local _l
	_l=$(ns_links "$2")
	echo "$_l" | grep -q " $(vf_parent "$1")\$" || fail "VF $1 ($(vf_pci "$1")) is not in the container netns: [$_l]"
	[ -z "$(vf_name "$1")" ] || fail "VF $1 is still on the host as $(vf_name "$1")"
	if [ -n "${3:-}" ]; then
		echo "$_l" | grep -q "^$3 $(vf_parent "$1")\$" || fail "VF $1 is not named $3 in the container: [$_l]"
	fi
}

# Reset VF N's PF-side settings and its host netdev to the baseline by hand (between tests, after a
# failure, so that one broken test does not poison the next).
repair_vf() {
	local _n _name _want
	_n=$1
	_name=$(vf_name "$_n")
	_want=$(sed -n 's/^name=\([^ ]*\).*/\1/p' "$W/base.$_n")
	if [ -n "$_name" ] && [ "$_name" != "$_want" ]; then
		ip link set dev "$_name" down
		ip link set dev "$_name" name "$_want"
	fi
	ip link set "$PF" vf "$_n" mac 00:00:00:00:00:00
	ip link set "$PF" vf "$_n" vlan 0
	ip link set "$PF" vf "$_n" spoofchk on
	ip link set "$PF" vf "$_n" trust off
	ip link set "$PF" vf "$_n" max_tx_rate 0
	[ -n "$(vf_name "$_n")" ] || return
	ip addr flush dev "$_want"
	ip link set dev "$_want" down mtu 1500 address "$(sed -n 's/.* mac=\([^ ]*\).*/\1/p' "$W/base.$_n")"
}

# After a failed test: give back what it left (poststop for its ids, kill its netns holders,
# unmount pins, wait for VFs to come home), then force every VF and the state dir to the baseline.
repair() {
	local _t _id _b _r _m _ns _n
	_t=$1
	[ -f "$W/ids.$_t" ] && sort -u "$W/ids.$_t" | while read -r _id _b; do
		printf '{"ociVersion":"1.0.2","id":"%s","status":"stopped","bundle":"%s"}' "$_id" "$_b" |
			env -i "$HOOK" --config "$CFG" poststop >/dev/null 2>&1
	done
	for _r in $(runc list -q 2>/dev/null); do
		runc kill "$_r" KILL 2>/dev/null
		runc delete -f "$_r" 2>/dev/null
	done
	[ -f "$W/pids.$_t" ] && kill -9 $(cat "$W/pids.$_t") 2>/dev/null
	for _m in $(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts); do umount -l "$_m"; done
	for _ns in /run/netns/*; do [ -e "$_ns" ] && ip netns del "${_ns##*/}"; done
	# A VF a vfio test left on vfio-pci (or on no driver) goes back to igbvf.
	_n=0
	while [ $_n -lt $NVF ]; do
		_r=$(vf_pci $_n)
		if [ "$(basename "$(readlink "/sys/bus/pci/devices/$_r/driver")")" != "$VFPCIDRV" ]; then
			note "repair: VF $_n ($_r) is on '$(basename "$(readlink "/sys/bus/pci/devices/$_r/driver")")'"
			[ -e "/sys/bus/pci/devices/$_r/driver" ] && echo "$_r" >"/sys/bus/pci/devices/$_r/driver/unbind"
			echo >"/sys/bus/pci/devices/$_r/driver_override"
			echo "$_r" >/sys/bus/pci/drivers_probe
		fi
		_n=$((_n + 1))
	done
	_n=0
	while [ $_n -lt $NVF ]; do
		wait_for 100 vf_present $_n || note "repair: VF $_n did not come back"
		repair_vf $_n
		_n=$((_n + 1))
	done
	rm -rf "$STATE"
	_n=0
	while [ $_n -lt $NVF ]; do
		[ "$(vf_state $_n)" = "$(cat "$W/base.$_n")" ] || note "repair: VF $_n still differs: $(vf_state $_n)"
		_n=$((_n + 1))
	done
}

# --- setup and the driver's own knob table --------------------------------------------------------

errno_name() {
	case $1 in
	*"Invalid argument"*) echo "EINVAL" ;;
	*"Operation not supported"*) echo "EOPNOTSUPP" ;;
	*"Protocol not supported"*) echo "EPROTONOSUPPORT" ;;
	*"Numerical result out of range"*) echo "ERANGE" ;;
	*"Cannot assign requested address"*) echo "EADDRNOTAVAIL" ;;
	*) echo "$1" ;;
	esac
}

# knob_row KNOB CONDITION ARGS...: try `ip link set PF vf 6 ARGS` and print a KNOB row.
knob_row() {
	local _k _c _e _r
	_k=$1 _c=$2
	shift 2
	if _e=$(ip link set "$PF" vf 6 "$@" 2>&1); then
		_r="accepted"
	else
		_r="refused: $(errno_name "$(echo "$_e" | sed 's/RTNETLINK answers: //')")"
	fi
	echo "KNOB|$_k|\`$*\`|$_c|$_r"
	ip link set "$PF" vf 6 mac 00:00:00:00:00:00 2>/dev/null
	ip link set "$PF" vf 6 vlan 0 2>/dev/null
	ip link set "$PF" vf 6 spoofchk on 2>/dev/null
	ip link set "$PF" vf 6 trust off 2>/dev/null
	ip link set "$PF" vf 6 max_tx_rate 0 2>/dev/null
}

# knob_row_vf CONDITION PF-ARGS...: set up VF 6 with `ip link set PF vf 6 PF-ARGS` (none: "-"),
# then try to change the MAC from the VF's own netdev, and print a KNOB row; undo both.
knob_row_vf() {
	local _c _d _own _e _r
	_c=$1
	shift
	_d=$(vf_name 6)
	_own=$(cat "/sys/class/net/$_d/address")
	[ "$1" = - ] || ip link set "$PF" vf 6 "$@"
	if _e=$(ip link set dev "$_d" address 02:00:00:00:06:02 2>&1); then
		_r="accepted"
	else
		_r="refused: $(errno_name "$(echo "$_e" | sed 's/RTNETLINK answers: //')")"
	fi
	echo "KNOB|mac (VF netdev)|\`<vf> address 02:00:00:00:06:02\`|$_c|$_r"
	ip link set "$PF" vf 6 trust on
	ip link set dev "$_d" address "$_own"
	ip link set "$PF" vf 6 mac 00:00:00:00:00:00
	ip link set "$PF" vf 6 trust off
}

# vfio and hugepages for the vfio tests (tests.d/vfio.sh). What is missing is noted in
# $W/vfio.missing, one line; those tests fail with it, the others run as ever.
HUGEPAGES=64
vfio_setup() {
	local _m _why
	_why=""
	for _m in $(cat /lib/modules/vfio.order 2>/dev/null); do
		insmod /lib/modules/$_m.ko || _why="$_why insmod $_m failed;"
	done
	[ -s /lib/modules/vfio.order ] || _why="no vfio modules in the initramfs;"
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M hugetlbfs /dev/hugepages || _why="$_why cannot mount hugetlbfs;"
	echo $HUGEPAGES >/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	_m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)
	[ "$_m" = $HUGEPAGES ] || _why="$_why only $_m of $HUGEPAGES 2 MiB hugepages;"
	[ -d /sys/kernel/iommu_groups/0 ] || _why="$_why no IOMMU groups (is the IOMMU on?);"
	rm -f "$W/vfio.missing"
	[ -z "$_why" ] || echo "${_why# }" >"$W/vfio.missing"
	[ -z "$_why" ] || [ "$VM_MODE" = noiommu ] || note "vfio setup:$_why"
}

setup() {
	for m in $(cat /lib/modules/drv.order); do
		insmod /lib/modules/$m.ko || { echo "FAIL vm/setup: insmod $m failed"; return 1; }
	done
	[ "$DRV" = virtio ] || vfio_setup
	wait_for 100 test -e /sys/class/net/$PF || { echo "FAIL vm/setup: no $PF after loading igb"; return 1; }
	PFDEV=$(pf_dev)
	echo "TIME PF $PF: $(basename "$PFDEV") on $(basename "$(readlink "$PFDEV/driver")"), netdev on $(basename "$(readlink "/sys/class/net/$PF/device/driver")"), sriov_totalvfs $(cat "$PFDEV/sriov_totalvfs")"
	echo $NVF >"$PFDEV/sriov_numvfs" || { echo "FAIL vm/setup: cannot create $NVF VFs"; return 1; }
	n=0
	while [ $n -lt $NVF ]; do
		wait_for 100 vf_present $n || { echo "FAIL vm/setup: VF $n has no netdev"; return 1; }
		n=$((n + 1))
	done
	ip link set $PF up
	wait_for 100 grep -qx 1 /sys/class/net/$PF/carrier || { echo "FAIL vm/setup: $PF has no carrier"; return 1; }
	# The driver's knob table (not in the short boot without the IOMMU).
	if [ "$VM_MODE" != noiommu ] && [ "$VM_SET" = full ]; then
		knob_row mac "PF up" mac 02:00:00:00:06:01
		ip link set "$PF" vf 6 mac 02:00:00:00:06:01
		knob_row mac "PF up, an admin MAC set" mac 00:00:00:00:00:00
		knob_row vlan "PF up" vlan 10
		knob_row qos "PF up" vlan 10 qos 3
		ip link set "$PF" vf 6 vlan 10 qos 3
		knob_row vlan "PF up, vlan 10 qos 3 set" vlan 0
		knob_row vlan_proto "PF up" vlan 10 proto 802.1Q
		knob_row vlan_proto "PF up" vlan 10 proto 802.1ad
		knob_row spoofchk "PF up" spoofchk off
		knob_row trust "PF up" trust on
		knob_row link_state "PF up" state auto
		knob_row link_state "PF up" state enable
		knob_row link_state "PF up" state disable
		knob_row min_tx_rate "PF up" min_tx_rate 10
		knob_row max_tx_rate "PF up" max_tx_rate 100
		knob_row max_tx_rate "PF up" max_tx_rate 100 min_tx_rate 10
		# igb programs rate limits only while the PF has link.
		ip link set $PF down
		knob_row max_tx_rate "PF down" max_tx_rate 100
		ip link set $PF up
		wait_for 100 grep -qx 1 /sys/class/net/$PF/carrier || { echo "FAIL vm/setup: $PF has no carrier after down/up"; return 1; }
	fi
	# A VF talks to the PF only once it has been up: before that the PF reports MAC 00:00:00:00:00:00
	# for it and the VF changes its MAC unchecked. Bring each up once, as any VF in service has been,
	# after the PF's last reset (a PF down/up leaves the VF mailboxes dead until the VFs reset).
	n=0
	while [ $n -lt $NVF ]; do
		ip link set "$(vf_name $n)" up
		n=$((n + 1))
	done
	sleep 0.5
	n=0
	while [ $n -lt $NVF ]; do
		ip link set "$(vf_name $n)" down
		n=$((n + 1))
	done
	if [ "$VM_MODE" != noiommu ] && [ "$VM_SET" = full ]; then
		knob_row_vf "no MAC set on the PF, trust off" -
		knob_row_vf "PF set mac 02:00:00:00:06:01, trust off" mac 02:00:00:00:06:01
		knob_row_vf "PF set mac 02:00:00:00:06:02 (the same), trust off" mac 02:00:00:00:06:02
		knob_row_vf "PF set mac 02:00:00:00:06:01, trust on" mac 02:00:00:00:06:01 trust on
	fi
	n=0
	while [ $n -lt $NVF ]; do
		# The VF's mailbox may need a moment after it went down: until the probe in vf_state
		# gets through, it reads as an enforced MAC.
		i=0
		while vf_state $n >"$W/base.$n" && ! grep -q 'admin_mac=none ' "$W/base.$n" && [ $i -lt 20 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		grep -q 'admin_mac=none ' "$W/base.$n" || { echo "FAIL vm/setup: VF $n: $(cat "$W/base.$n")"; return 1; }
		echo "B baseline VF $n $(vf_pci $n): $(cat "$W/base.$n")"
		n=$((n + 1))
	done
	cat >"$CFG" <<-EOF
		{"state_dir": "$STATE", "sysfs_root": "/sys", "allowed_pfs": ["$PF"], "log": "$HOOKLOG",
		 "poststop_timeout_ms": 5000}
	EOF
	for d in proc dev sys tmp; do mkdir -p "$ROOTFS/$d"; done
	"$HOOK" --version >/dev/null 2>&1 || note "sriov-hook --version failed"
	echo "TIME VFs ready after $(uptime_s) s"
}

# --- tests ---------------------------------------------------------------------------------------

# knob_case NAME PRESET_ARGS|- "EXPECT_REGEX" ANNOTATION...: preset VF 0 by hand, claim it through
# the hook with the annotations, check the PF's view, give it back, check everything is as before.
knob_case() {
	local _name _preset _expect _pre _held _post _kv _seen
	_name=$1 _preset=$2 _expect=$3
	shift 3
	case $_preset in
	-) ;;
	rebind:*)
		# An operator's MAC, taken up by the VF driver: set it on the PF, then rebind igbvf.
		ip link set "$PF" vf 0 mac "${_preset#rebind:}" || fail "cannot preset VF 0 with mac ${_preset#rebind:}"
		vf_pci 0 >/sys/bus/pci/drivers/igbvf/unbind
		vf_pci 0 >/sys/bus/pci/drivers/igbvf/bind
		wait_for 100 vf_present 0 || fail "VF 0 has no netdev after rebinding igbvf"
		# and in service since: up once, so that it talks to the PF (see setup).
		ip link set dev "$(vf_name 0)" up
		sleep 0.5
		ip link set dev "$(vf_name 0)" down
		wait_for 20 sh -c "/usr/sbin/ip link set dev $(vf_name 0) address 02:00:5e:ff:ff:fe 2>/dev/null; [ \$? != 0 ]" ||
			note "VF 0 still accepts any MAC although the PF enforces one"
		;;
	*) ip link set "$PF" vf 0 $_preset || fail "cannot preset VF 0 with '$_preset'" ;;
	esac
	_pre=$(vf_state 0)
	note "before: $_pre"
	pid=$(new_netns)
	b=$W/b-$_name
	mk_bundle "$b" - pf=$PF vf=0 "$@"
	hook_ok createRuntime "vm-$_name" "$b" "$pid"
	expect_vf_in 0 "$pid"
	[ -n "$(claim_files)" ] || fail "no claim record in $STATE/claims while the VF is held"
	_held=$(vf_line 0)
	note "held:   $_held"
	echo "$_held" | grep -Eq "$_expect" || fail "PF does not report '$_expect' for VF 0 while held: $_held"
	for _kv in "$@"; do
		case $_kv in mac=*)
			_seen=$(nsenter -t "$pid" -n /usr/sbin/ip -o link show | grep -v ' lo:' | grep -o 'link/ether [^ ]*')
			[ "$_seen" = "link/ether ${_kv#mac=}" ] ||
				fail "the container sees '$_seen' on the VF, not the requested ${_kv#mac=} (the PF enforces it: $_held)"
			;;
		esac
	done
	hook_ok poststop "vm-$_name" "$b"
	_post=$(vf_state 0)
	[ "$_post" = "$_pre" ] || fail "VF 0 not restored:
  before: $_pre
  after:  $_post"
	expect_no_claim "after poststop"
	kill "$pid"
	if [ "$_preset" != - ]; then
		repair_vf 0
		expect_state 0 "after undoing the preset"
	fi
}

test_knob_mac() { knob_case mac - 'ether 02:00:00:00:bb:01 ' mac=02:00:00:00:bb:01; }
test_knob_mac_over_admin() {
	knob_case mac_over_admin rebind:02:00:00:00:aa:01 'ether 02:00:00:00:bb:01 ' mac=02:00:00:00:bb:01
}
test_knob_vlan() { knob_case vlan "vlan 5" 'vlan 100,' vlan=100; }
test_knob_qos() { knob_case qos "vlan 5 qos 1" 'vlan 100, qos 3,' vlan=100 qos=3; }
test_knob_vlan_proto_8021q() { knob_case vlan_proto_8021q - 'vlan 100,' vlan=100 vlan_proto=802.1Q; }
test_knob_spoofchk() { knob_case spoofchk - 'spoof checking off' spoofchk=off; }
test_knob_trust() { knob_case trust - 'trust on' trust=on; }
test_knob_max_tx_rate() { knob_case max_tx_rate "max_tx_rate 200" 'max_tx_rate 500Mbps' max_tx_rate=500; }
test_knobs_all() {
	knob_case all - 'ether 02:00:00:00:cc:01 .*vlan 100, qos 3, .*max_tx_rate 300Mbps.*spoof checking off.*trust on' \
		mac=02:00:00:00:cc:01 vlan=100 qos=3 vlan_proto=802.1Q spoofchk=off trust=on max_tx_rate=300 \
		mtu=1400 ifname=vf0 ip=10.66.0.2/24
}

# refused_case NAME WHY ANNOTATION...: igb refuses one knob; the others in the same request must be
# rolled back, the VF must stay on the host untouched, and nothing of the claim may remain.
refused_case() {
	local _name _why
	_name=$1 _why=$2
	shift 2
	pid=$(new_netns)
	b=$W/b-$_name
	mk_bundle "$b" - pf=$PF vf=0 mac=02:00:00:00:dd:01 vlan=100 spoofchk=off trust=on mtu=1400 "$@"
	if hook createRuntime "vm-$_name" "$b" "$pid"; then
		note "held: $(vf_line 0); container links: $(ns_links "$pid")"
		fail "createRuntime succeeded although igb refuses $*"
	fi
	expect_refusal createRuntime "vm-$_name" "$b" "$_why"
	[ -z "$(ns_links "$pid")" ] || fail "the container netns still has: $(ns_links "$pid")"
	expect_state 0 "after the refused createRuntime"
	expect_no_claim "after the refused createRuntime"
	# runc runs poststop after a failed createRuntime: nothing to release, exit 0, no change.
	hook_ok poststop "vm-$_name" "$b"
	expect_state 0 "after poststop of a refused container"
	expect_no_claim "after poststop of a refused container"
	kill "$pid"
}

test_refused_min_tx_rate() {
	refused_case min_tx_rate '(min_tx_rate|tx_rate|rate).*(Invalid argument|Invalid input)' min_tx_rate=10
}
test_refused_link_state() {
	refused_case link_state '(link_state|link-state|state).*(Operation not supported|not supported)' link_state=disable
}
test_refused_vlan_proto_8021ad() {
	refused_case vlan_proto_8021ad '(vlan_proto|proto|802\.1ad|vlan).*(Protocol not supported|Protocol mismatch)' vlan_proto=802.1ad
}

# oci_config DIR 'ARGS-JSON' HOOK-CONFIG 'CAPS' 'MOUNTS' ANNOTATION...: an OCI config.json for
# runc in DIR: busybox rootfs, proc, a /dev and /tmp tmpfs, sysfs read-only, an unlimited memlock
# (vfio pins a DPDK application's DMA memory; docker: --ulimit memlock=-1), plus CAPS (capability
# names beyond the three of a default container, each quoted and led by a comma) and MOUNTS (mount
# objects, each led by a comma). With a HOOK-CONFIG the hook runs at createRuntime and poststop
# with it; with "" there are no hooks (sriov-runc adds them).
oci_config() {
	local _dir _args _cfg _caps _mounts _h _hooks
	_dir=$1 _args=$2 _cfg=$3
	_caps="\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"$4" _mounts=$5
	shift 5
	mkdir -p "$_dir"
	_hooks=""
	if [ -n "$_cfg" ]; then
		_h="{\"path\":\"$HOOK\",\"args\":[\"sriov-hook\",\"--config\",\"$_cfg\","
		_hooks="\"hooks\": {\"createRuntime\": [$_h\"createRuntime\"], \"timeout\": 30}],
		   \"poststop\": [$_h\"poststop\"], \"timeout\": 30}]},"
	fi
	cat >"$_dir/config.json" <<-EOF
		{"ociVersion": "1.0.2",
		 "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": $_args,
		   "env": ["PATH=/bin:/usr/bin:/usr/sbin:/usr/local/bin"], "cwd": "/", "noNewPrivileges": true,
		   "capabilities": {"bounding": [$_caps], "effective": [$_caps], "permitted": [$_caps]},
		   "rlimits": [{"type": "RLIMIT_MEMLOCK", "hard": 18446744073709551615, "soft": 18446744073709551615}]},
		 "root": {"path": "$ROOTFS", "readonly": true},
		 "hostname": "vm",
		 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
		   {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		   {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		   {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}$_mounts],
		 $_hooks
		 "annotations": {$(annots "$@")},
		 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}}
	EOF
}

# The guest's /usr, /lib and /lib64, read-only: MOUNTS of oci_config for a container that runs the
# guest's tools (testpmd, tc, ethtool) with their libraries.
OCI_GUEST_LIBS='
		   ,{"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro", "nosuid", "nodev"]}
		   ,{"destination": "/lib", "type": "bind", "source": "/lib", "options": ["rbind", "ro", "nosuid", "nodev"]}
		   ,{"destination": "/lib64", "type": "bind", "source": "/lib64", "options": ["rbind", "ro", "nosuid", "nodev"]}'

# An OCI config.json for runc: busybox rootfs, the hook at createRuntime and poststop.
# runc_bundle DIR 'ARGS-JSON' ANNOTATION...
runc_bundle() {
	local _dir _args
	_dir=$1 _args=$2
	shift 2
	oci_config "$_dir" "$_args" "$CFG" "" "" "$@"
}

test_runc_lifecycle() {
	b=$W/b-runc
	runc_bundle "$b" '["sh", "-c", "echo LINKS; ip -o link show; echo ADDRS; ip -o addr show; echo ROUTES; ip route show; echo MTU $(cat /sys/class/net/sriov0/mtu); echo DEV $(basename $(readlink /sys/class/net/sriov0/device)); echo DRIVER $(basename $(readlink /sys/class/net/sriov0/device/driver))"]' \
		pf=$PF vf=1 ifname=sriov0 mtu=1400 ip=10.77.0.2/24,fd00:77::2/64 gateway=10.77.0.1
	echo "vm-runc $b" >>"$W/ids.$TEST"
	(cd "$b" && runc run --no-pivot vm-runc) >"$b/run.out" 2>"$b/run.err" </dev/null
	rc=$?
	sed 's/^/# container: /' "$b/run.out"
	[ $rc = 0 ] || fail "runc run exited $rc: $(cat "$b/run.err")"
	o=$b/run.out
	grep -Eq '^[0-9]+: sriov0[:@].*[<,]UP[,>]' "$o" || fail "no sriov0 that is UP in the container"
	grep -q '^MTU 1400$' "$o" || fail "sriov0 MTU is not 1400 in the container"
	grep -Eq 'sriov0 +inet 10\.77\.0\.2/24' "$o" || fail "sriov0 lacks 10.77.0.2/24"
	grep -Eq 'sriov0 +inet6 fd00:77::2/64' "$o" || fail "sriov0 lacks fd00:77::2/64"
	grep -Eq '^default via 10\.77\.0\.1 dev sriov0' "$o" || fail "no default route via 10.77.0.1"
	grep -q "^DEV $(vf_parent 1)\$" "$o" || fail "sriov0 is not VF 1 ($(vf_pci 1), $(vf_parent 1))"
	grep -q "^DRIVER $VFDRV\$" "$o" || fail "sriov0 is not driven by $VFDRV"
	links=$(sed -n '/^LINKS$/,/^ADDRS$/p' "$o" | grep -c '^[0-9]*: ')
	[ "$links" = 2 ] || fail "the container should see lo and sriov0 only, sees $links links"
	[ -z "$(runc list -q)" ] || fail "runc still lists: $(runc list -q)"
	expect_state 1 "after the container exited"
	expect_no_claim "after the container exited"
}

# runc create/start/exec/kill/delete (the docker-style lifecycle) with a MAC: the container must
# see the requested MAC on its interface, the PF must report it, and all returns afterwards.
test_runc_detached_mac() {
	b=$W/b-mac
	runc_bundle "$b" '["sleep", "1000"]' pf=$PF vf=1 mac=02:00:00:00:77:02 ifname=net1
	echo "vm-mac $b" >>"$W/ids.$TEST"
	(cd "$b" && runc run -d --no-pivot vm-mac) >"$b/run.out" 2>"$b/run.err" </dev/null ||
		fail "runc run -d failed: $(cat "$b/run.err")"
	held=$(vf_line 1)
	note "PF view while held: $held"
	seen=$(runc exec vm-mac cat /sys/class/net/net1/address 2>&1)
	note "MAC inside the container: $seen"
	runc kill vm-mac KILL
	wait_for 100 sh -c "/usr/sbin/runc --root $RUNC_ROOT state vm-mac | grep -q '\"stopped\"'" ||
		fail "container did not stop"
	runc delete vm-mac || fail "runc delete failed"
	echo "$held" | grep -q 'ether 02:00:00:00:77:02 ' || fail "the PF does not report 02:00:00:00:77:02 for VF 1: $held"
	expect_state 1 "after runc delete"
	expect_no_claim "after runc delete"
	[ "$seen" = 02:00:00:00:77:02 ] || fail "the container sees MAC $seen on net1, not the requested 02:00:00:00:77:02"
}

# wait until the kernel has handed VF N back to the host namespace.
wait_returned() {
	wait_for 150 vf_present "$1" || fail "VF $1 did not come back to the host within 15 s"
}

# A crashed runtime: the netns goes away without poststop (pin included); the kernel returns the VF
# as devN, then poststop finds it by PCI address and restores it.
test_kernel_return_poststop() {
	ip netns add vmkr || fail "ip netns add"
	/usr/sbin/ip netns exec vmkr sleep 100000 </dev/null >/dev/null 2>&1 &
	pid=$!
	echo $pid >>"$W/pids.$TEST"
	b=$W/b-kr
	mk_bundle "$b" /run/netns/vmkr pf=$PF vf=2 $(pfside vlan=42) mtu=1400 ip=10.42.0.2/24
	hook_ok createRuntime vm-kr "$b" "$pid"
	expect_vf_in 2 "$pid" eth0
	kill -9 "$pid"
	ip netns del vmkr
	for m in $(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts); do
		note "unmounting pin $m"
		umount -l "$m"
	done
	wait_returned 2
	name=$(vf_name 2)
	note "VF 2 came back as $name"
	case $name in dev[0-9]*) ;; *) fail "VF 2 came back as $name, expected devN (eth0 is taken on the host)" ;; esac
	hook_ok poststop vm-kr "$b"
	expect_state 2 "after poststop found it as $name"
	expect_no_claim "after poststop"
	hook_ok poststop vm-kr "$b"
	expect_state 2 "after a second poststop"
}

# Same crash, but the next createRuntime for the VF finds the stale claim (owner gone), restores the
# VF from devN and takes it; the late poststop of the dead container must not touch the new claim.
test_kernel_return_next_claim() {
	pida=$(new_netns)
	ba=$W/b-kra
	mk_bundle "$ba" - pf=$PF vf=3 vlan=43 mtu=1400
	hook_ok createRuntime vm-kra "$ba" "$pida"
	expect_vf_in 3 "$pida" eth0
	kill -9 "$pida"
	for m in $(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts); do umount -l "$m"; done
	wait_returned 3
	name=$(vf_name 3)
	note "VF 3 came back as $name"
	case $name in dev[0-9]*) ;; *) fail "VF 3 came back as $name, expected devN" ;; esac
	pidb=$(new_netns)
	bb=$W/b-krb
	mk_bundle "$bb" - pf=$PF vf=3 vlan=44 ifname=net0
	hook_ok createRuntime vm-krb "$bb" "$pidb"
	expect_vf_in 3 "$pidb" net0
	vf_line 3 | grep -q 'vlan 44,' || fail "PF does not report B's vlan 44 for VF 3: $(vf_line 3)"
	grep -l vm-krb $(claim_files) >/dev/null 2>&1 || fail "no claim of vm-krb in $STATE/claims"
	# The dead container's poststop comes late: harmless, B keeps the VF.
	hook_ok poststop vm-kra "$ba"
	expect_vf_in 3 "$pidb" net0
	vf_line 3 | grep -q 'vlan 44,' || fail "A's late poststop changed VF 3: $(vf_line 3)"
	hook_ok poststop vm-krb "$bb"
	expect_state 3 "after B's poststop (original name, not $name)"
	expect_no_claim "after B's poststop"
	kill "$pidb"
}

# io.sriov.vf=auto: 8 createRuntime at once over 7 VFs. Each VF at most once, one refused cleanly.
test_auto_race() {
	n=0
	while [ $n -lt $NVF ]; do
		expect_state $n "precondition"
		n=$((n + 1))
	done
	i=1
	while [ $i -le 8 ]; do
		eval "pid$i=\$(new_netns)"
		mk_bundle "$W/b-auto$i" - pf=$PF vf=auto ip=10.88.0.$i/24
		i=$((i + 1))
	done
	i=1
	while [ $i -le 8 ]; do
		eval "p=\$pid$i"
		(
			hook createRuntime vm-auto$i "$W/b-auto$i" "$p"
			echo $? >"$W/b-auto$i/rc"
		) &
		i=$((i + 1))
	done
	wait
	ok=0 refused=0 seen=""
	i=1
	while [ $i -le 8 ]; do
		eval "p=\$pid$i"
		rc=$(cat "$W/b-auto$i/rc")
		l=$(ns_links "$p")
		note "auto$i: exit $rc, netns: [$l]"
		if [ "$rc" = 0 ]; then
			ok=$((ok + 1))
			[ "$(echo "$l" | grep -c .)" = 1 ] || fail "auto$i succeeded but its netns has [$l]"
			dev=${l#* }
			case " $seen " in *" $dev "*) fail "VF $dev handed out twice" ;; esac
			seen="$seen $dev"
		else
			refused=$((refused + 1))
			[ -z "$l" ] || fail "auto$i was refused but its netns has [$l]"
			expect_refusal createRuntime vm-auto$i "$W/b-auto$i" '.'
		fi
		i=$((i + 1))
	done
	[ $ok = $NVF ] && [ $refused = 1 ] || fail "$ok succeeded and $refused were refused; want $NVF and 1"
	[ "$(claim_files | grep -c .)" = $NVF ] || fail "want $NVF claim records, have: $(claim_files)"
	n=0
	while [ $n -lt $NVF ]; do
		[ -z "$(vf_name $n)" ] || fail "VF $n is still on the host although all $NVF were handed out"
		n=$((n + 1))
	done
	i=1
	while [ $i -le 8 ]; do
		(
			hook poststop vm-auto$i "$W/b-auto$i"
			echo $? >"$W/b-auto$i/rc"
		) &
		i=$((i + 1))
	done
	wait
	i=1
	while [ $i -le 8 ]; do
		[ "$(cat "$W/b-auto$i/rc")" = 0 ] || fail "poststop of auto$i failed: $(cat "$W/b-auto$i/poststop.err")"
		i=$((i + 1))
	done
	n=0
	while [ $n -lt $NVF ]; do
		expect_state $n "after all poststops"
		n=$((n + 1))
	done
	expect_no_claim "after all poststops"
}

# --- more suites: tests.d/*.sh add test_<name> functions and append their names to ALL_TESTS ----
for f in /vm/tests.d/*.sh; do
	[ -f "$f" ] && . "$f"
done

# --- runner --------------------------------------------------------------------------------------

case ${1:-all} in
one)
	TEST=$2
	: >"$W/ids.$TEST"
	: >"$W/pids.$TEST"
	"test_$TEST"
	r=$?
	[ -s "$W/pids.$TEST" ] && kill $(cat "$W/pids.$TEST") 2>/dev/null
	exit $r
	;;
all)
	mkdir -p "$W" /etc/sriov-hook
	TEST=setup
	tests=$ALL_TESTS
	[ -n "$(cat /vm/only 2>/dev/null)" ] && tests=$(tr - _ </vm/only)
	# Each boot runs its own tests only.
	keep=""
	for t in $tests; do
		case " $(echo $NOIOMMU_TESTS) " in
		*" $t "*) [ "$VM_MODE" = noiommu ] && keep="$keep $t" ;;
		*) [ "$VM_MODE" = noiommu ] || keep="$keep $t" ;;
		esac
	done
	[ "$VM_MODE" = noiommu ] && [ -z "$(cat /vm/only 2>/dev/null)" ] && keep=$NOIOMMU_TESTS
	tests=$keep
	case $VM_SET in smoke) tests=$SMOKE_TESTS ;; virtio) tests=$VIRTIO_TESTS ;; numa) tests=$NUMA_TESTS ;; esac
	[ "$VM_SET" != full ] && [ -n "$(cat /vm/only 2>/dev/null)" ] && tests=$(tr - _ </vm/only)
	echo "PLAN setup $(echo $tests | tr _ -)"
	setup || exit 1
	echo "PASS vm/setup"
	t0=$(uptime_s)
	for t in $tests; do
		name=$(echo $t | tr _ -)
		case " $(echo $RUNC_TESTS) " in *" $t "*)
			if [ -n "$RUNC_SKIP" ]; then
				echo "SKIP vm/$name: $RUNC_SKIP"
				continue
			fi
			;;
		esac
		s=$(uptime_s)
		timeout -s KILL $TEST_TIMEOUT sh /vm/tests.sh one "$t" >"$W/log.$t" 2>&1
		rc=$?
		echo "T $name $(awk -v a="$s" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s"
		if [ $rc = 0 ]; then
			echo "PASS vm/$name"
		else
			sed 's/^# //; s/^REASON: /why: /; s/^/# /' "$W/log.$t"
			if [ -f "$HOOKLOG" ]; then
				tail -n 15 "$HOOKLOG" | sed 's/^/# hook log: /'
			fi
			reason=$(sed -n 's/^REASON: //p' "$W/log.$t" | head -n 1)
			[ -n "$reason" ] || reason="exit $rc (killed after ${TEST_TIMEOUT} s?)"
			echo "FAIL vm/$name: $reason"
			repair "$t" >"$W/repair.$t" 2>&1
			sed 's/^# //; s/^/# repair: /' "$W/repair.$t"
		fi
		: >"$HOOKLOG"
	done
	echo "TIME suite $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s in the guest (uptime $(uptime_s) s)"
	;;
esac
