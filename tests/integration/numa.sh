#!/bin/bash
# NUMA- and PCIe-aware choice on stand-ins behind a fake sysfs with two nodes (CPU 0 on node 0,
# CPU 1 on node 1): PF a on node 0, PF b on node 1, pool "span" = a then b. A container whose
# cpuset is CPU 1 gets b's VFs first (through the annotations and through the pool's CDI device
# arguments), with b full prefer falls back to a and strict refuses with a count per node; no
# cpuset keeps the configuration's order; numa=any and numa=<node>; near refused when the address
# is no PCI device, near=auto with a device node behind no PCI device changes nothing, with a vfio
# group node (no device link) it finds the group's devices; the log line says why; sriovctl list
# shows each PF's node and PCIe root; a runc container with a cpuset.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup numa "$REPO" "a 3b 2" "b 5b 2"
PA=$(standin_pf_name a)
PB=$(standin_pf_name b)
echo 0 >"$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci a)/numa_node"
echo 1 >"$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci b)/numa_node"
mkdir -p "$SH_SYSFS/devices/system/node/node0" "$SH_SYSFS/devices/system/node/node1"
echo 0 >"$SH_SYSFS/devices/system/node/node0/cpulist"
echo 1 >"$SH_SYSFS/devices/system/node/node1/cpulist"
CFG=$(standin_config numa "\"pools\": {\"span\": [\"$PA\", \"$PB\"]}")
STATE=$(standin_state_dir numa)
LOG=$SH_TMP/numa.log

# vf_of ID: "a0".."b1", the stand-in VF in ID's netns, or "none".
vf_of() {
	local t k links
	links=$(ns_links "$(ct_pid "$1")")
	for t in a b; do
		for k in 0 1; do
			printf '%s' "$links" | grep -qi "$(standin_vf_mac "$t" "$k")" && { echo "$t$k"; return; }
		done
	done
	echo none
}

# ct_numa ID CPUS [annotation...]: a container stand-in whose config.json has cpuset CPUS ("" none).
ct_numa() {
	local id=$1 cpus=$2
	shift 2
	ct_prepare "$id" "$@"
	[ -n "$cpus" ] && bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '$cpus'}}"
	ct_createrun "$id" "$CFG"
}

release() {
	local id
	for id in "$@"; do
		ct_poststop "$id" "$CFG"
		ct_kill "$id"
	done
}

ct_numa n1 1 pool=span
t_check prefer/local_first "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of n1)" = 0/b0
t_contains prefer/log_says_why "$(cat "$LOG" 2>/dev/null)" "of $PB chosen: local to node 1" "log"
ct_numa n2 1 pool=span
t_check prefer/local_second "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of n2)" = 0/b1
# node 1 is full: strict refuses, saying where VFs are left; prefer falls back to node 0
ct_numa s1 1 pool=span numa=strict
t_check strict/refused "rc $HOOK_RC" "$HOOK_RC/$(vf_of s1)" = 1/none
t_message strict/per_node 'on node 1 .*numa strict.*no free VF.*2 held.*per node: node 0: 2 of 2 free, node 1: 0 of 2 free' \
	s1 createRuntime
ct_kill s1
CFG_NP=$(standin_config numa_np) # no pool: the PFs' VFs are their own
ct_prepare s2 pf="$PB" vf=auto numa=strict
bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '1'}}"
ct_createrun s2 "$CFG_NP"
t_message strict/pf_per_node "claim a VF of $PB: no free VF.*per node: node 1: 0 of 2 free" s2 createRuntime
ct_kill s2
ct_numa p1 1 pool=span
t_check prefer/falls_back "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of p1)" = 0/a0
t_contains prefer/log_fallback "$(cat "$LOG" 2>/dev/null)" "of $PA chosen: no local VF free (this one is on node 0)" "log"
release n1 n2 p1

# no cpuset, or numa=any: the configuration's order (a first)
ct_numa o1 "" pool=span
t_check order/no_cpuset "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of o1)" = 0/a0
ct_numa o2 1 pool=span numa=any
t_check order/any "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of o2)" = 0/a1
release o1 o2

# a node number: only that node's VFs, whatever the cpuset; a PF elsewhere is refused
ct_numa d1 0 pool=span numa=1
t_check node/pool "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of d1)" = 0/b0
ct_prepare d2 pf="$PA" vf=auto numa=1
ct_createrun d2 "$CFG_NP"
t_check node/pf_elsewhere "rc $HOOK_RC" "$HOOK_RC/$(vf_of d2)" = 1/none
t_message node/pf_message "claim a VF of $PA: it is on node 0, not on node 1 \(io.sriov.numa=1\); per node: node 0: 2 of 2 free" \
	d2 createRuntime
ct_kill d2
release d1

# near: an address that is no PCI device is refused in one line; a device node behind no PCI
# device (/dev/fuse here) leaves the choice as it was
ct_numa r1 1 pool=span near=0000:99:00.0
t_check near/refused "rc $HOOK_RC" "$HOOK_RC/$(vf_of r1)" = 1/none
t_message near/message 'io.sriov.near: 0000:99:00.0 is no PCI device on this host' r1 createRuntime
ct_kill r1
ct_prepare r2 pool=span near=auto
bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '1'}}
c['linux']['devices'] = [{'type': 'c', 'path': '/dev/fuse', 'major': 10, 'minor': 229}]"
ct_createrun r2 "$CFG"
t_check near/auto_nothing "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of r2)" = 0/b0
release r2

# near=auto with a vfio group node: /dev/vfio/42 is a device of class vfio with no device link, as
# the kernel makes it; its IOMMU group holds two functions of a device on the PFs' root complex,
# which become the near devices (the lower first). /dev/vfio/vfio (class misc) brings none. Both
# PFs share the root complex with them: the cpuset still decides, and the log says what was near.
fake_pci() { # PCI GROUP: a PCI device on the root bus in IOMMU group GROUP
	mkdir -p "$SH_SYSFS/devices/pci0000:00/$1" "$SH_SYSFS/kernel/iommu_groups/$2/devices"
	ln -sfn "../../../devices/pci0000:00/$1" "$SH_SYSFS/bus/pci/devices/$1"
	ln -sfn "../../../../devices/pci0000:00/$1" "$SH_SYSFS/kernel/iommu_groups/$2/devices/$1"
}
fake_char() { # MAJ:MIN CLASS NAME: dev/char/MAJ:MIN -> devices/virtual/CLASS/NAME, no device link
	mkdir -p "$SH_SYSFS/devices/virtual/$2/$3" "$SH_SYSFS/class/$2" "$SH_SYSFS/dev/char"
	ln -sfn "../../../../class/$2" "$SH_SYSFS/devices/virtual/$2/$3/subsystem"
	ln -sfn "../../devices/virtual/$2/$3" "$SH_SYSFS/dev/char/$1"
}
fake_pci 0000:00:1e.1 42
fake_pci 0000:00:1e.0 42
fake_char 245:3 vfio 42
fake_char 10:196 misc vfio
: >"$LOG"
ct_prepare g1 pool=span near=auto
bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '1'}}
c['linux']['devices'] = [{'type': 'c', 'path': '/dev/vfio/vfio', 'major': 10, 'minor': 196},
                         {'type': 'c', 'path': '/dev/vfio/42', 'major': 245, 'minor': 3}]"
ct_createrun g1 "$CFG"
t_check near/auto_vfio_group "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of g1)" = 0/b0
t_contains near/auto_vfio_log "$(cat "$LOG" 2>/dev/null)" \
	"of $PB chosen: near 0000:00:1e.0 via root complex pci0000:00, local to node 1" "log"
release g1
# the container node alone resolves to nothing
: >"$LOG"
ct_prepare g2 pool=span near=auto
bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '1'}}
c['linux']['devices'] = [{'type': 'c', 'path': '/dev/vfio/vfio', 'major': 10, 'minor': 196}]"
ct_createrun g2 "$CFG"
t_check near/auto_vfio_container "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of g2)" = 0/b0
t_contains near/auto_vfio_container_log "$(cat "$LOG" 2>/dev/null)" "no device of the container is a PCI device's" "log"
release g2

# the pool's CDI device (its hook's arguments name the pool) follows the same rule
ct_prepare c1
bundle_edit "$CT_BUNDLE" "c['linux']['resources'] = {'cpu': {'cpus': '1'}}"
hook_run "$CFG" "" "$(hook_state c1 "$(ct_pid c1)" "$CT_BUNDLE")" --pool span createRuntime
t_check cdi/pool_device "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC/$(vf_of c1)" = 0/b0
hook_run "$CFG" "" "$(hook_state c1 0 "$CT_BUNDLE")" --pool span poststop
t_check cdi/release "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill c1

# sriovctl list: each PF's node and PCIe root
CTL_OUT=$("$(dirname "$HOOK")/sriovctl" --config "$CFG" list --json 2>&1)
t_check list/json "$CTL_OUT" "$(printf '%s' "$CTL_OUT" | "$SH_PY" -c '
import json, sys
d = {p["name"]: p for p in json.load(sys.stdin)["pfs"]}
print(d[sys.argv[1]]["numa_node"], d[sys.argv[2]]["numa_node"], d[sys.argv[1]]["pcie_root"])' "$PA" "$PB" 2>&1)" = \
	"0 1 pci0000:00"
CTL_OUT=$("$(dirname "$HOOK")/sriovctl" --config "$CFG" list 2>&1)
t_contains list/table "$CTL_OUT" "NUMA  PCIE ROOT" "sriovctl list"

# runc: the cpuset runc applies is the one the hook reads
if command -v runc >/dev/null; then
	D=$SH_TMP/runc1
	bundle_runc "$D" "$HOOK" "$CFG" 'ip -o link >/tmp/link' pool=span
	bundle_edit "$D" "c['linux'].setdefault('resources', {})['cpu'] = {'cpus': '1'}"
	runc_t run --bundle "$D" numa-runc </dev/null >"$D/out" 2>"$D/err"
	t_check runc/rc "$(cat "$D/err")" "$?" = 0
	t_contains runc/local_vf "$(cat "$D/rootfs/tmp/link" 2>/dev/null)" "$(standin_vf_mac b 0)" "links in the container"
fi

t_empty end/vfs_restored "stand-ins" "$(standin_vf_problems a; standin_vf_problems b)"
t_empty end/no_residue "left under state_dir" "$(standin_state_residue "$STATE"; standin_state_residue "$(standin_state_dir numa_np)")"
t_end
