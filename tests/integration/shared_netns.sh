#!/bin/bash
# A pod: its containers join one network namespace, and CRI-O copies the pod's annotations onto
# each of them. Only the first container that asks gets VFs; the others, joining a namespace where
# the hook already put the VFs of another container, get nothing more and start normally. When the
# holder is gone, its VF goes to the next container that asks.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup shared_netns "$REPO" "a 3b 2"
PF=$(standin_pf_name a)
CFG=$(standin_config shared)
STATE=$(standin_state_dir shared)

# The sandbox takes a VF.
ct_create sandbox "$CFG" pf="$PF" vf=auto
t_check sandbox/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

# A container of the pod: same annotations, joins the sandbox's netns by path.
NS=/proc/$(ct_pid sandbox)/ns/net
ct_prepare app pf="$PF" vf=auto
bundle_edit "$CT_BUNDLE" "c['linux']['namespaces'] = [{'type': 'network', 'path': '$NS'}]"
ct_createrun app "$CFG"
t_check app/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check app/no_second_vf "links in the pod: $(ns_links "$(ct_pid sandbox)")" \
	"$(ns_links "$(ct_pid sandbox)" | grep -c '^[0-9]*: \(eth0\|net1\)')" = 1
t_check app/no_claim "claims: $(ls "$STATE/claims")" "$(ls "$STATE/claims" | grep -c json)" = 1
t_check app/no_pin "pins: $(ls "$STATE/netns")" -z "$(ls "$STATE/netns" | grep '^app@')"
t_contains app/logged "$(cat "$SH_TMP/shared.log" 2>/dev/null)" "already has the VFs of sandbox" "hook log"

# The app's poststop releases nothing of the sandbox's.
ct_poststop app "$CFG"
t_check app_poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check app_poststop/sandbox_keeps_claim "claims: $(ls "$STATE/claims")" "$(ls "$STATE/claims" | grep -c json)" = 1

# The holder dies without poststop: its VF is taken over by the next container asking for it.
ct_kill sandbox
ct_prepare app2 pf="$PF" vf=0
ct_createrun app2 "$CFG"
t_check after_holder/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_poststop app2 "$CFG"
ct_poststop sandbox "$CFG"
t_check after_holder/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty cleanup/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_empty cleanup/vfs_restored "VFs differ" "$(standin_vf_problems a)"
t_end
