#!/bin/bash
# Rollback: a failure at each step of createRuntime (PF-side VF knob, netns, move+rename, MTU,
# addresses, gateway) exits non-zero with one clear line, and leaves the VF on the host with its
# original name, MTU and MAC, no claim, no pin, no file; the poststop runc runs next exits 0.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup rollback "$REPO" "a 3b 2" "b 3c 1 tap"
CFG=$(standin_config rb)
STATE=$(standin_state_dir rb)

# expect_rollback NAME TAG K PATTERN: checks the last createRuntime (container NAME) failed with one
# line "sriov-hook: NAME: createRuntime: <message>" whose message matches PATTERN (extended regex,
# case-insensitive; never the prefix, which holds NAME); VF K of TAG is back as created, nothing
# is left; the poststop that follows exits 0 and leaves nothing either.
expect_rollback() {
	local name=$1 tag=$2 k=$3 pat=$4 pid
	pid=$(ct_pid "$name")
	t_check "$name/exit_nonzero" "createRuntime exited 0" "$HOOK_RC" != 0
	t_message "$name/message" "$pat" "$name" createRuntime
	t_empty "$name/vf_restored" "stand-in" "$(standin_vf_problems "$tag" "$k")"
	t_empty "$name/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
	t_check "$name/vf_not_in_container" "container has: $(ns_links "$pid" | grep -i "$(standin_vf_mac "$tag" "$k")")" \
		-z "$(ns_links "$pid" | grep -i "$(standin_vf_mac "$tag" "$k")")"
	ct_poststop "$name" "$CFG"
	t_check "$name/poststop_after_failure_0" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	t_empty "$name/still_clean" "after poststop" "$(standin_vf_problems "$tag" "$k")$(standin_state_residue "$STATE")"
	ct_kill "$name"
}

PFA=$(standin_pf_name a)
PFB=$(standin_pf_name b)

# PF-side VF knobs: the stand-in PF (a veth) has no VF ops, so the hook fails where it first asks
# the PF, reading the VF's settings to record them, whichever knob was asked; ip and mtu ride along
# so that a half-done attach would show. (Each knob's own netlink request is exercised on igb VFs
# in tests/vm.)
knob() {
	local name=$1
	shift
	ct_create "$name" "$CFG" pf="$PFA" vf=1 ip=10.90.0.2/24 mtu=1400 "$@"
	expect_rollback "$name" a 1 '^VF 1 \(0000:3b:10\.1\) of [^ ]+: cannot set [a-z_]+: the driver of [^ ]+, [^ ]+, has no PF-side VF settings$'
}
knob knob_mac mac=02:aa:bb:cc:dd:01
knob knob_vlan vlan=10
knob knob_vlan_qos vlan=10 qos=3
knob knob_vlan_proto vlan=10 vlan_proto=802.1ad
knob knob_spoofchk spoofchk=off
knob knob_trust trust=on
knob knob_link_state link_state=enable
knob knob_max_rate max_tx_rate=100
knob knob_min_rate min_tx_rate=10 max_tx_rate=100

# Netns gone or wrong before the claim.
ct_prepare ns_path_missing pf="$PFA" vf=0
bundle_edit "$CT_BUNDLE" "c['linux']['namespaces'] = [{'type': 'network', 'path': '$SH_TMP/no-such-netns'}]"
ct_createrun ns_path_missing "$CFG"
expect_rollback ns_path_missing a 0 'netns|namespace|no-such-netns'

ct_prepare ns_path_not_netns pf="$PFA" vf=0
touch "$SH_TMP/plain-file"
bundle_edit "$CT_BUNDLE" "c['linux']['namespaces'] = [{'type': 'network', 'path': '$SH_TMP/plain-file'}]"
ct_createrun ns_path_not_netns "$CFG"
expect_rollback ns_path_not_netns a 0 'netns|namespace|plain-file'

ct_prepare ns_pid_dead pf="$PFA" vf=0
ct_kill ns_pid_dead
ct_createrun ns_pid_dead "$CFG"
expect_rollback ns_pid_dead a 0 'netns|namespace|pid|process|/proc'

# An explicit netns path (as podman or CNI give) whose process is gone.
standin_netns_proc gonepid
ct_prepare ns_path_dead_proc pf="$PFA" vf=0
bundle_edit "$CT_BUNDLE" "c['linux']['namespaces'] = [{'type': 'network', 'path': '/proc/$gonepid/ns/net'}]"
standin_kill "$gonepid"
ct_createrun ns_path_dead_proc "$CFG"
expect_rollback ns_path_dead_proc a 0 "netns|namespace|/proc/$gonepid"

# Move + rename: the requested name is taken in the container.
ct_prepare ifname_taken pf="$PFA" vf=0 ifname=eth0 ip=10.90.1.2/24
nsenter -t "$CT_PID" -n ip link add eth0 type veth peer name eth9
ct_createrun ifname_taken "$CFG"
expect_rollback ifname_taken a 0 'eth0'
# ...whereas without io.sriov.ifname a taken eth0 means net1.
ct_prepare ifname_default pf="$PFA" vf=0
nsenter -t "$CT_PID" -n ip link add eth0 type veth peer name eth9
ct_createrun ifname_default "$CFG"
t_check ifname_default/succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
vfline=$(ns_links "$CT_PID" | grep -i "$(standin_vf_mac a 0)")
t_check ifname_default/net1 "VF in the container: $vfline" -n "$(printf '%s' "$vfline" | grep -E '^[0-9]+: net1[:@]')"
ct_poststop ifname_default "$CFG"
t_check ifname_default/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty ifname_default/vf_restored "stand-in" "$(standin_vf_problems a 0)"
t_empty ifname_default/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill ifname_default

# MTU: in range for the hook (68-65535), above the tap stand-in's maximum (65521).
ct_create mtu_rejected "$CFG" pf="$PFB" vf=0 mtu=65530 ip=10.90.2.2/24
expect_rollback mtu_rejected b 0 'mtu'

# Addresses: IPv6 on a link whose MTU is below 1280 is refused by the kernel (or by validation).
ct_create addr_rejected "$CFG" pf="$PFA" vf=0 mtu=1000 ip=10.90.3.2/24,fd90::2/64
expect_rollback addr_rejected a 0 'addr|ip|ipv6|1280|mtu'

# Gateway: not reachable through any address given.
ct_create gw_unreachable "$CFG" pf="$PFA" vf=0 mtu=1400 ip=10.90.4.2/24 gateway=10.99.0.1
expect_rollback gw_unreachable a 0 'gateway|route|10.99.0.1'
ct_create gw6_unreachable "$CFG" pf="$PFA" vf=0 ip=fd90:4::2/64 gateway=fd99::1
expect_rollback gw6_unreachable a 0 'gateway|route|fd99::1'

# After all that the other VFs were never touched.
t_empty others_untouched "stand-ins" "$(standin_vf_problems a)$(standin_vf_problems b)"

t_end
