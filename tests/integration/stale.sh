#!/bin/bash
# Stale claims: a claim whose container is gone (pid dead, or pid reused: start time differs), or
# that a hook left "attaching" when it died, is taken over by the next claim, which first gives the
# VF back. A claim whose container lives is never taken, and a late poststop of the old owner must
# not touch the new owner's VF.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup stale "$REPO" "a 3b 1"
PF=$(standin_pf_name a)
CFG=$(standin_config stale)
STATE=$(standin_state_dir stale)
REC="$STATE/claims/$(standin_vf_pci a 0).json"
MAC=$(standin_vf_mac a 0)

# in_ns ID: 1 when ID's netns holds the stand-in VF.
in_ns() { ns_links "$(ct_pid "$1")" | grep -qi "$MAC" && echo 1 || echo 0; }

# edit_record PYTHON: edits the claim record in place (r = its JSON object).
edit_record() {
	"$SH_PY" - "$REC" "$1" <<'EOF'
import json, sys
p, code = sys.argv[1:3]
r = json.load(open(p))
exec(code)
json.dump(r, open(p, "w"))
EOF
}

# 1. Owner alive: a second claim is refused and changes nothing.
ct_create own1 "$CFG" pf="$PF" vf=0 ip=10.81.0.2/24
t_check alive/first_claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create thief "$CFG" pf="$PF" vf=0
t_check alive/second_refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_check alive/message_names_owner "message: $HOOK_ERR" -n "$(printf '%s' "$HOOK_ERR" | grep -F 'sriov-hook: thief: createRuntime: ' | grep -F own1)"
t_check alive/owner_keeps_vf "VF not in own1's netns" "$(in_ns own1)" = 1
t_check alive/record_unchanged "record id '$(json_get "$REC" id)'" "$(json_get "$REC" id)" = own1

# 2. Owner dead: the next claim takes over (the VF is still in the dead container's pinned netns).
ct_kill own1
ct_create new1 "$CFG" pf="$PF" vf=0 ip=10.81.0.3/24
t_check dead/takeover_succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check dead/vf_in_new_owner "VF not in new1's netns: $(ns_links "$(ct_pid new1)")" "$(in_ns new1)" = 1
t_check dead/record_is_new "record id '$(json_get "$REC" id)'" "$(json_get "$REC" id)" = new1
t_check dead/old_pin_gone "own1 still pinned" -z "$(grep " $STATE/netns/own1@" /proc/self/mounts)"
t_check dead/old_pin_file_gone "own1 pin file left: $(ls "$STATE/netns")" -z "$(ls "$STATE/netns" | grep '^own1@')"
t_contains dead/address_is_new "$(nsenter -t "$(ct_pid new1)" -n ip -o addr show 2>/dev/null)" "10.81.0.3/24" "new1 addresses"
# The takeover restored the VF before moving it: not the old owner's settings nor its address.
t_check dead/no_old_address "old address in new1" \
	-z "$(nsenter -t "$(ct_pid new1)" -n ip -o addr show 2>/dev/null | grep 10.81.0.2)"

# 3. A late poststop of the dead owner must not touch the new owner's VF.
ct_poststop own1 "$CFG"
t_check late/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check late/vf_stays "VF left new1" "$(in_ns new1)" = 1
t_check late/record_stays "record id '$(json_get "$REC" id)'" "$(json_get "$REC" id)" = new1
ct_poststop new1 "$CFG"
t_check late/owner_poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty late/vf_restored "after poststop" "$(standin_vf_problems a)"
t_empty late/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill new1

# 4. vf=auto also takes over a stale claim (the PF has a single VF).
ct_create own2 "$CFG" pf="$PF" vf=0 mtu=1400
t_check auto/first_claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill own2
ct_create new2 "$CFG" pf="$PF" vf=auto
t_check auto/takeover_succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check auto/vf_in_new_owner "VF not in new2's netns" "$(in_ns new2)" = 1
t_contains auto/mtu_restored_before_reuse "$(ns_links "$(ct_pid new2)" | grep -i "$MAC")" "mtu 1500" "VF in new2"
ct_poststop new2 "$CFG"
t_check auto/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty auto/vf_restored "after poststop" "$(standin_vf_problems a)"
t_empty auto/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill new2

# 5. Pid reused: the recorded pid lives but started at another time.
ct_create own3 "$CFG" pf="$PF" vf=0
t_check reuse/first_claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
key=$("$SH_PY" -c 'import json,sys; print(" ".join(k for k in json.load(open(sys.argv[1])) if "start" in k))' "$REC" 2>/dev/null)
if [ -n "$key" ]; then
	edit_record "
for k in '$key'.split():
    v = r[k]
    r[k] = (int(v) + 12345) if not isinstance(v, str) else str(int(v) + 12345)"
	ct_create new3 "$CFG" pf="$PF" vf=0
	t_check reuse/takeover_succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	t_check reuse/vf_in_new_owner "VF not in new3's netns" "$(in_ns new3)" = 1
	ct_poststop new3 "$CFG"
	ct_poststop own3 "$CFG"
else
	t_fail reuse/record_has_start_time "claim record has no pid start time: $(cat "$REC" 2>&1)"
	ct_poststop own3 "$CFG"
fi
t_empty reuse/vf_restored "after poststop" "$(standin_vf_problems a)"
t_empty reuse/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# 6. A record left "attaching" by a hook that died (no lock held): stale although the pid lives.
ct_create own4 "$CFG" pf="$PF" vf=0 ip=10.81.0.4/24
t_check attaching/first_claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
phase=$(json_get "$REC" phase)
if [ -n "$phase" ]; then
	edit_record 'r["phase"] = "attaching" if isinstance(r["phase"], str) else 0'
	ct_create new4 "$CFG" pf="$PF" vf=0
	t_check attaching/takeover_succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	t_check attaching/vf_in_new_owner "VF not in new4's netns" "$(in_ns new4)" = 1
	t_check attaching/vf_left_old "VF still in own4's netns" "$(in_ns own4)" = 0
	ct_poststop new4 "$CFG"
	t_check attaching/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	ct_poststop own4 "$CFG"
	t_check attaching/old_poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
else
	t_fail attaching/record_has_phase "claim record has no phase: $(cat "$REC" 2>&1)"
	ct_poststop own4 "$CFG"
fi
t_empty attaching/vf_restored "after poststop" "$(standin_vf_problems a)"
t_empty attaching/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
