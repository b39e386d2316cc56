#!/bin/bash
# Container ids are not unique host-wide: two runc roots (or containerd namespaces) share the state
# dir. A claim belongs to its container's identity, not to the id alone: a second container with a
# live one's id never takes, releases or unpins what the first holds, whether it asks for nothing,
# for the same VF, or for another one. Direct hook runs (two bundles, two namespaces) and two runc
# roots.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup identity "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config ident)
STATE=$(standin_state_dir ident)
REC0="$STATE/claims/$(standin_vf_pci a 0).json"

# second ID DIR [annotation...]: a container with id ID but its own bundle DIR and namespace (what
# another runc root gives); its pid in SECOND_PID.
second() {
	local id=$1 dir=$2
	shift 2
	standin_netns_proc SECOND_PID
	bundle_bare "$dir" "$@"
	hook_run "$CFG" createRuntime "$(hook_state "$id" "$SECOND_PID" "$dir")"
}
second_poststop() { hook_run "$CFG" poststop "$(hook_state "$1" 0 "$2")"; }

# first_intact CHECK: the first container still has VF 0, its record, index entry and pin.
first_intact() {
	t_check "$1/vf_stays" "VF 0 left the first container: $(standin_vf_now a 0)" "$(vf_in_ns "$A" a 0)" = 1
	t_check "$1/record_stays" "record: $(cat "$REC0" 2>&1)" "$(cat "$REC0" 2>&1)" = "$REC_A"
	t_check "$1/index_stays" "owners: $(ls -R "$STATE/owners" 2>&1)" -e "$STATE/owners/same/$(standin_vf_pci a 0)"
	t_check "$1/pin_stays" "mounts: $(nsfs_mounts)" -n "$(nsfs_mounts | grep "/netns/$PIN_A\$")"
	t_check "$1/pin_holds_first" "pin holds $(ns_ident "$STATE/netns/$PIN_A" 2>&1)" \
		"$(ns_ident "$STATE/netns/$PIN_A" 2>&1)" = "$(ns_ident "$A")"
}

ct_create same "$CFG" pf="$PF" vf=0 ip=10.64.0.2/24
t_check first/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
A=$(ct_pid same)
REC_A=$(cat "$REC0")
PIN_A=$(store_pins "$STATE" same)

# 1. The namesake asks for nothing; its poststop (its process gone, as runtimes run it) must not
# pull the VF out of the running first container.
second same "$SH_TMP/second1"
t_check nothing/create0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
standin_kill "$SECOND_PID"
second_poststop same "$SH_TMP/second1"
t_check nothing/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
first_intact nothing
t_contains nothing/logged "$(cat "$SH_TMP/ident.log")" "held by a live container with the same id" "hook log"

# 2. It asks for the same VF: refused, and its rollback touches neither the first's VF nor its pin.
second same "$SH_TMP/second2" pf="$PF" vf=0
t_check same_vf/refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains same_vf/message "$(hook_msg same createRuntime)" "already held by same" "message"
first_intact same_vf
t_check same_vf/no_pin_of_its_own "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" same | wc -l)" = 1
standin_kill "$SECOND_PID"
second_poststop same "$SH_TMP/second2"
t_check same_vf/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
first_intact same_vf_poststop

# 3. It asks for another VF: gets it, with a pin of its own; its poststop gives back only that one.
second same "$SH_TMP/second3" pf="$PF" vf=1
t_check other_vf/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check other_vf/in_second "VF 1 not in the second container" "$(vf_in_ns "$SECOND_PID" a 1)" = 1
t_check other_vf/two_pins "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" same | wc -l)" = 2
first_intact other_vf
standin_kill "$SECOND_PID"
second_poststop same "$SH_TMP/second3"
t_check other_vf/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty other_vf/vf1_back "stand-in" "$(standin_vf_problems a 1)"
t_check other_vf/its_pin_gone "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" same)" = "$PIN_A"
first_intact other_vf_poststop

# 4. The first container's own poststop (same bundle) releases its VF, even before its process died.
ct_poststop same "$CFG"
t_check first/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty first/restored "stand-ins" "$(standin_vf_problems a)"
t_empty first/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill same

# 5. Two runc roots, one id: the first runs with the VF; the second, asking for nothing, runs and
# exits (its poststop included); the first still has its VF.
INSIDE='touch /tmp/ready; i=0; while [ ! -e /tmp/go ] && [ $i -lt 400 ]; do usleep 50000; i=$((i+1)); done; ip -o link'
bundle_runc "$SH_TMP/root1b" "$HOOK" "$CFG" "$INSIDE" pf="$PF" vf=0
bundle_runc "$SH_TMP/root2b" "$HOOK" "$CFG" 'true'
mkdir -p "$SH_TMP/root1" "$SH_TMP/root2"
standin_atexit "runc --root $SH_TMP/root1 delete -f twin; runc --root $SH_TMP/root2 delete -f twin"
runc --root "$SH_TMP/root1" run --bundle "$SH_TMP/root1b" twin </dev/null >"$SH_TMP/root1.out" 2>"$SH_TMP/root1.err" &
R1=$!
for ((i = 0; i < 500; i++)); do
	[ -e "$SH_TMP/root1b/rootfs/tmp/ready" ] && break
	sleep 0.02
done
t_check runc/first_ready "first container never got ready: $(cat "$SH_TMP/root1.err")" -e "$SH_TMP/root1b/rootfs/tmp/ready"
runc --root "$SH_TMP/root2" run --bundle "$SH_TMP/root2b" twin </dev/null >"$SH_TMP/root2.out" 2>"$SH_TMP/root2.err"
rc=$?
t_check runc/second_ran "second runc exited $rc: $(cat "$SH_TMP/root2.err")" "$rc" = 0
t_check runc/first_keeps_vf "VF 0 is $(standin_vf_now a 0)" "$(standin_vf_now a 0)" = absent
t_check runc/record_is_first "record: $(cat "$REC0" 2>&1)" "$(json_get "$REC0" bundle)" = "$SH_TMP/root1b"
touch "$SH_TMP/root1b/rootfs/tmp/go"
wait "$R1"
rc=$?
t_check runc/first_exit0 "first runc exited $rc: $(cat "$SH_TMP/root1.err")" "$rc" = 0
t_contains runc/first_saw_vf "$(cat "$SH_TMP/root1.out")" "$(standin_vf_mac a 0)" "first container's links"
t_empty runc/restored "stand-ins" "$(standin_vf_problems a)"
t_empty runc/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
