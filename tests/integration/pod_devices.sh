#!/bin/bash
# A pod under CRI with CDI devices: its containers join the pod's network namespace, each with
# devices of its own. A container whose device the namespace does not have yet gets its VF there
# (net1, net2, ... beside the pod's eth0), whatever other containers brought; each poststop gives
# back its own container's VF only. A device another live container of the pod already brought is
# left to it (as the annotations CRI-O copies onto every container are: shared_netns.sh).
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

# A third container asking for c1's device: the VF is c1's, nothing moves.
ctr_bundle c3 0
dev_run createRuntime c3 0
t_check same-device/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check same-device/one-vf0 "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1
t_empty same-device/vf2-untouched "VF 2" "$(standin_vf_problems a 2)"
t_contains same-device/logged "$(cat "$SH_TMP/pod.log" 2>/dev/null)" "already has the VF of device pf=$PF vf=0 of c1" "hook log"
dev_run poststop c3 0
t_check same-device/poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check same-device/vf0-stays "VF 0 is '$(name_in 0)'" "$(name_in 0)" = net1

# Each poststop gives back its own container's VF.
dev_run poststop c1 0
t_check first-poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty first-poststop/vf0-back "VF 0" "$(standin_vf_problems a 0)"
t_check first-poststop/vf1-stays "VF 1 is '$(name_in 1)'" "$(name_in 1)" = net2
dev_run poststop c2 1
t_check second-poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty cleanup/vfs-restored "VFs differ" "$(standin_vf_problems a)"
t_empty cleanup/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_end
