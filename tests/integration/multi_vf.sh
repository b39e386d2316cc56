#!/bin/bash
# More VFs in one container: io.sriov.<key> for the first, io.sriov.<N>.<key> (N = 1..7) for more,
# each with its own settings and default names eth0, net1, ...; poststop gives them all back. When
# a later VF fails, the ones already attached are rolled back too.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup multi_vf "$REPO" "a 3b 2" "b 3c 1 tap"
PFA=$(standin_pf_name a)
PFB=$(standin_pf_name b)
CFG=$(standin_config multi)
STATE=$(standin_state_dir multi)

# in_ns_as ID TAG K: the name VF K of TAG has in ID's netns ("" when it is not there).
in_ns_as() {
	ns_links "$(ct_pid "$1")" | grep -i "$(standin_vf_mac "$2" "$3")" | sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p'
}

# Two VFs of two PFs, the second by PCI address, with their own MTU and address.
ct_create two "$CFG" pf="$PFA" vf=auto ip=10.70.0.2/24 mtu=1400 \
	1.vf="$(standin_vf_pci b 0)" 1.ip=10.71.0.2/24 1.mtu=1300
t_check two/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check two/first_is_eth0 "names: $(ns_links "$(ct_pid two)")" "$(in_ns_as two a 0)" = eth0
t_check two/second_is_net1 "names: $(ns_links "$(ct_pid two)")" "$(in_ns_as two b 0)" = net1
addrs=$(nsenter -t "$(ct_pid two)" -n ip -o addr show 2>/dev/null)
t_contains two/eth0_address "$addrs" "eth0    inet 10.70.0.2/24" "addresses"
t_contains two/net1_address "$addrs" "net1    inet 10.71.0.2/24" "addresses"
t_contains two/net1_mtu "$(nsenter -t "$(ct_pid two)" -n ip -o link show net1 2>/dev/null)" "mtu 1300" "net1"
t_check two/two_claims "claims: $(ls "$STATE/claims")" "$(ls "$STATE/claims" | grep -c '\.json$')" = 2
ct_poststop two "$CFG"
t_check two/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty two/vfs_back "stand-ins" "$(standin_vf_problems a)$(standin_vf_problems b)"
t_empty two/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill two

# The second VF fails (an MTU the tap refuses): the first, already in the container, comes back.
ct_create fail2 "$CFG" pf="$PFA" vf=0 ip=10.72.0.2/24 1.pf="$PFB" 1.vf=0 1.mtu=65530
t_check fail2/exit_nonzero "createRuntime exited 0" "$HOOK_RC" != 0
t_contains fail2/message "$HOOK_ERR" "sriov-hook: fail2: createRuntime: " "stderr"
t_check fail2/one_line "stderr: $HOOK_ERR" "$(printf '%s\n' "$HOOK_ERR" | grep -c .)" = 1
t_check fail2/first_not_in_container "container has: $(in_ns_as fail2 a 0)" -z "$(in_ns_as fail2 a 0)"
t_empty fail2/vfs_back "stand-ins" "$(standin_vf_problems a)$(standin_vf_problems b)"
t_empty fail2/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill fail2

# A slot without vf is refused before anything happens.
ct_create noslot "$CFG" pf="$PFA" vf=0 2.pf="$PFB"
t_check noslot/exit_nonzero "createRuntime exited 0" "$HOOK_RC" != 0
t_contains noslot/names_key "$HOOK_ERR" "io.sriov.2.vf" "stderr"
t_empty noslot/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_end
