#!/bin/bash
# One policy for a VF that is not back on the host when it is released (here: the container moved
# it on into a namespace of its own, so it is neither in the pin nor on the host): its record stays,
# in phase "returning", with its pin; the release reports "not back" instead of success; and the
# next poststop, claim (fixed index or auto) or gc finishes the job once the kernel returns it,
# with its name, MTU and MAC as they were.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup returning "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config ret)
STATE=$(standin_state_dir ret)
REC0="$STATE/claims/$(standin_vf_pci a 0).json"
N=0

# strand NAME: container NAME takes VF 0 (MTU 1400, an address), moves it on into a namespace of
# its own (NEST), and dies; its poststop finds the VF neither in the pin nor on the host.
strand() {
	local name=$1 pin
	N=$((N + 1))
	NEST=${SH_PREFIX}n$N
	ip netns add "$NEST"
	ct_create "$name" "$CFG" pf="$PF" vf=0 mtu=1400 ip=10.66.0.2/24
	t_check "$name/create" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	nsenter -t "$(ct_pid "$name")" -n ip link set dev eth0 netns "$NEST"
	ct_kill "$name"
	ct_poststop "$name" "$CFG"
	t_check "$name/poststop_fails" "rc $HOOK_RC" "$HOOK_RC" != 0
	t_contains "$name/not_back" "$(hook_msg "$name" poststop)" \
		"is not back on the host yet: its claim is kept (returning) for the next poststop, claim or gc" "message"
	t_check "$name/one_line" "stderr: $HOOK_ERR" "$(printf '%s\n' "$HOOK_ERR" | grep -c .)" = 1
	t_check "$name/record_kept" "phase '$(json_get "$REC0" phase)'" "$(json_get "$REC0" phase)" = returning
	pin=$(store_pins "$STATE" "$name")
	t_check "$name/pin_kept" "mounts: $(nsfs_mounts)" -n "$pin" -a -n "$(nsfs_mounts | grep "/netns/$pin\$")"
	t_check "$name/lock_kept" "locks: $(ls "$STATE/locks")" -e "$STATE/locks/$(standin_vf_pci a 0).lock"
	t_contains "$name/listed_returning" "$(store_tool list "$STATE")" "$(standin_vf_pci a 0) returning $name" "list"
}

# bring_back: the kernel returns the VF (here: its namespace hands it back), still with the
# container's MTU. It comes under its host name: the stand-ins' sysfs tree cannot follow a rename.
bring_back() {
	ip -n "$NEST" link set dev eth0 name "$(standin_vf_name a 0)"
	ip -n "$NEST" link set dev "$(standin_vf_name a 0)" netns "/proc/$$/ns/net"
	ip netns del "$NEST"
}

# finished CHECK: the VF is home as it was and nothing of the claim is left.
finished() {
	t_empty "$1/vf_restored" "stand-in" "$(standin_vf_problems a)"
	t_empty "$1/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
}

# 1. The next poststop (retried by an operator or a runtime) finishes it; a retry before the VF is
# back says so again and keeps everything.
strand p1
ct_poststop p1 "$CFG"
t_check poststop/still_not_back "rc $HOOK_RC" "$HOOK_RC" != 0
t_check poststop/still_kept "phase '$(json_get "$REC0" phase)'" "$(json_get "$REC0" phase)" = returning
bring_back
ct_poststop p1 "$CFG"
t_check poststop/finishes "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
finished poststop

# 2. The next claim of the VF (a fixed index): refused while the VF is away, then takes it over.
strand c1
ct_create c2 "$CFG" pf="$PF" vf=0
t_check claim/refused_while_away "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains claim/says_not_back "$(hook_msg c2 createRuntime)" "not back on the host yet" "message"
t_check claim/still_kept "phase '$(json_get "$REC0" phase)'" "$(json_get "$REC0" phase)" = returning
ct_kill c2
bring_back
ct_create c3 "$CFG" pf="$PF" vf=0
t_check claim/takes_over "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_contains claim/restored_first "$(ns_links "$(ct_pid c3)" | grep -i "$(standin_vf_mac a 0)")" "mtu 1500" "VF in c3"
t_check claim/record_is_new "record id '$(json_get "$REC0" id)'" "$(json_get "$REC0" id)" = c3
t_check claim/old_pin_gone "pins: $(store_pins "$STATE")" -z "$(store_pins "$STATE" c1)"
ct_kill c3
ct_poststop c3 "$CFG"
finished claim

# 3. auto: with VF 1 held, the returning VF 0 is the only candidate: no free VF while it is away
# (and the record stays), then taken over once back.
ct_create holder "$CFG" pf="$PF" vf=1
strand a1
ct_create a2 "$CFG" pf="$PF" vf=auto
t_check auto/none_while_away "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains auto/no_free_vf "$(hook_msg a2 createRuntime)" "no free VF" "message"
t_check auto/still_kept "phase '$(json_get "$REC0" phase)'" "$(json_get "$REC0" phase)" = returning
ct_kill a2
bring_back
ct_create a3 "$CFG" pf="$PF" vf=auto
t_check auto/takes_over "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check auto/got_vf0 "VF 0 not in a3" "$(vf_in_ns "$(ct_pid a3)" a 0)" = 1
for id in a3 holder; do
	ct_kill "$id"
	ct_poststop "$id" "$CFG"
done
finished auto

# 4. gc: says "returning" while the VF is away, "returned" once it is back.
strand g1
out=$(store_tool gc "$CFG")
t_check gc/fails_while_away "gc said: $out" $? != 0
t_contains gc/reports_returning "$out" "returning|$(standin_vf_pci a 0)|g1|" "gc events"
bring_back
out=$(store_tool gc "$CFG")
t_check gc/exit0 "gc said: $out" $? = 0
t_contains gc/reports_returned "$out" "returned|$(standin_vf_pci a 0)|g1||0|" "gc events"
finished gc

t_end
