#!/bin/bash
# A pod under CRI with CDI devices: its containers join the pod's network namespace, each with
# devices of its own. A container whose device the namespace does not have yet gets its VF there
# (net1, net2, ... beside the pod's eth0), whatever other containers brought; each poststop gives
# back its own container's VF only. A device another container of the pod brought is shared: held
# by every container that asked for it there, it leaves with the last; a replacement takes it over
# without a move, and the replaced one's late poststop changes nothing.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup pod_devices "$REPO" "a 5c 3"
PF=$(standin_pf_name a)
CFG=$(standin_config pod)
STATE=$(standin_state_dir pod)
pod="" # set by standin_netns_proc

# ctr_bundle ID K: the bundle of a container of the pod with VF K's device, joining the pod's
# namespace by path (as containerd writes it), its createRuntime and poststop entries a CDI spec's.
ctr_bundle() {
	local b=$SH_TMP/$1
	bundle_bare "$b"
	bundle_edit "$b" "
c['linux']['namespaces'] = [{'type': 'network', 'path': '/proc/$pod/ns/net'}]
def h(stage): return [{'path': '$HOOK', 'args': ['sriov-hook', '--config', '$CFG', '--pf', '$PF', '--vf', '$2', stage]}]
c['hooks'] = {'createRuntime': h('createRuntime'), 'poststop': h('poststop')}"
}
# dev_run STAGE ID K: the device hook of container ID (whose process is the pod's: a pause-like
# stand-in; at poststop no pid, as runc gives it).
dev_run() {
	local pid=$pod
	[ "$1" = poststop ] && pid=0
	hook_run "$CFG" "" "$(hook_state "$2" "$pid" "$SH_TMP/$2")" --pf "$PF" --vf "$3" "$1"
}
name_in() {
	nsenter -t "$pod" -n ip -o link 2>/dev/null | grep -i "$(standin_vf_mac a "$1")" |
		sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p'
}

standin_netns_proc pod
# The pod network's eth0, there before any container.
nsenter -t "$pod" -n ip link add eth0 type veth peer name eth0peer

ctr_bundle c1 0
dev_run createRuntime c1 0
t_check first/attach "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check first/net1 "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1

ctr_bundle c2 1
dev_run createRuntime c2 1
t_check second/attach "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check second/net2 "VF 1 is '$(name_in 1)'" "$(name_in 1)" = net2
t_check second/first-stays "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1

# A third container asking for c1's device (a sidecar): it holds c1's VF too, nothing moves, and
# the VF stays while either of them is there.
ctr_bundle c3 0
dev_run createRuntime c3 0
t_check same-device/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check same-device/one-vf0 "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1
t_empty same-device/vf2-untouched "VF 2" "$(standin_vf_problems a 2)"
t_contains same-device/logged "$(cat "$SH_TMP/pod.log" 2>/dev/null)" "already has the VF of device pf=$PF vf=0 of c1: shared" "hook log"
dev_run poststop c3 0
t_check same-device/poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check same-device/vf0-stays "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1
dev_run createRuntime c3 0
dev_run poststop c1 0
t_check same-device/first-leaves "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check same-device/stays-for-sidecar "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1
dev_run poststop c1 0
t_check same-device/first-again-nothing "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1
dev_run poststop c3 0
t_check same-device/last-leaves "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty same-device/vf0-back "VF 0" "$(standin_vf_problems a 0)"
dev_run createRuntime c1 0
t_check same-device/again "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1

# A restart: d1 holds VF 2 and dies without poststop (CRI-O runs it only at RemoveContainer); its
# replacement d2, same device, same pod, takes the VF over where it is (same ifindex, no move); d1's
# late poststop and gc change nothing; d2's poststop gives it back.
d1=""
d2=""
nsenter -t "$pod" -n sleep 600 &
d1=$!
standin_track_pid "$d1"
ctr_bundle d1 2
hook_run "$CFG" "" "$(hook_state d1 "$d1" "$SH_TMP/d1")" --pf "$PF" --vf 2 createRuntime
t_check restart/first "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
idx=$(nsenter -t "$pod" -n ip -o link show "$(name_in 2)" | cut -d: -f1)
standin_kill "$d1"
nsenter -t "$pod" -n sleep 600 &
d2=$!
standin_track_pid "$d2"
ctr_bundle d2 2
hook_run "$CFG" "" "$(hook_state d2 "$d2" "$SH_TMP/d2")" --pf "$PF" --vf 2 createRuntime
t_check restart/replacement "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
now=$(nsenter -t "$pod" -n ip -o link show "$(name_in 2)" | cut -d: -f1)
t_check restart/no-move "ifindex $idx before, $now after" -n "$idx" -a "$idx" = "$now"
hook_run "$CFG" "" "$(hook_state d1 0 "$SH_TMP/d1")" --pf "$PF" --vf 2 poststop
t_check restart/late-poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check restart/late-poststop-nothing "VF 2 is '$(name_in 2)'" -n "$(name_in 2)"
out=$("$REPO/build/sriovctl" --config "$CFG" gc 2>&1)
t_check restart/gc-nothing "gc: $out; VF 2 is '$(name_in 2)'" -n "$(name_in 2)"
hook_run "$CFG" "" "$(hook_state d2 0 "$SH_TMP/d2")" --pf "$PF" --vf 2 poststop
t_check restart/replacement-poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty restart/vf2-back "VF 2" "$(standin_vf_problems a 2)"

# Each poststop gives back its own container's VF.
dev_run poststop c1 0
t_check first-poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty first-poststop/vf0-back "VF 0" "$(standin_vf_problems a 0)"
t_check first-poststop/vf1-stays "VF 1 is '$(name_in 1)'" "$(name_in 1)" = net2
dev_run poststop c2 1
t_check second-poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty cleanup/vfs-restored "VFs differ" "$(standin_vf_problems a)"
t_empty cleanup/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
[ -n "${KEEPLOG:-}" ] && cp "$SH_TMP/pod.log" /tmp/h5-pod.log
t_end
