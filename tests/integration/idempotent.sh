#!/bin/bash
# createRuntime twice for one container (a CDI spec with two devices gives two createRuntime entries;
# a runtime may retry): what the container already holds in its namespace stays as it is and the
# second run exits 0; only what it does not hold yet is attached; a run that fails gives back only
# what it attached itself, never the first run's VF, record, index entry or pin.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup idempotent "$REPO" "a 3b 2" "b 3c 1 tap"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
PFB=$(standin_pf_name b)
CFG=$(standin_config idem)
STATE=$(standin_state_dir idem)
REC0="$STATE/claims/$(standin_vf_pci a 0).json"

addrs_of() { nsenter -t "$1" -n ip -o addr show 2>/dev/null | grep -c "$2"; }

# 1. The same createRuntime twice: the second leaves the first's work alone and exits 0.
ct_create twice "$CFG" pf="$PF" vf=auto ip=10.61.0.2/24 mtu=1400
t_check twice/first "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
rec_before=$(cat "$REC0")
pin_before=$(store_pins "$STATE" twice)
ct_createrun twice "$CFG"
t_check twice/second_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check twice/vf_stays "VF left the container" "$(vf_in_ns "$(ct_pid twice)" a 0)" = 1
t_check twice/no_second_vf "VF 1 taken too" "$(vf_in_ns "$(ct_pid twice)" a 1)" = 0
t_check twice/address_once "addresses: $(nsenter -t "$(ct_pid twice)" -n ip -o addr show)" "$(addrs_of "$(ct_pid twice)" 10.61.0.2/24)" = 1
t_check twice/record_unchanged "record changed: $(cat "$REC0")" "$(cat "$REC0")" = "$rec_before"
t_check twice/one_claim "claims: $(ls "$STATE/claims")" "$(ls "$STATE/claims" | grep -c '\.json$')" = 1
t_check twice/pin_stays "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" twice)" = "$pin_before"
t_check twice/pin_mounted "mounts: $(nsfs_mounts)" -n "$(nsfs_mounts | grep "/netns/$pin_before\$")"
t_contains twice/logged "$(cat "$SH_TMP/idem.log")" "already holds every VF it asks for" "hook log"
# and a third time, for good measure, then the poststop gives everything back
ct_createrun twice "$CFG"
t_check twice/third_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill twice
ct_poststop twice "$CFG"
t_check twice/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty twice/restored "stand-ins" "$(standin_vf_problems a)"
t_empty twice/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# 2. Two slots: both held, nothing to do.
ct_create two "$CFG" pf="$PF" vf=0 1.pf="$PF" 1.vf=1
t_check two/first "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_createrun two "$CFG"
t_check two/second_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check two/both_stay "in the container: $(ns_links "$(ct_pid two)")" \
	"$(vf_in_ns "$(ct_pid two)" a 0)$(vf_in_ns "$(ct_pid two)" a 1)" = 11
ct_kill two
ct_poststop two "$CFG"
t_empty two/restored "stand-ins" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"

# 3. The second run asks for more (a slot the first did not have) and that part fails: it gives back
# only its own; the first run's VF, record, index entry and pin stay.
ct_create more "$CFG" pf="$PF" vf=0 ip=10.62.0.2/24
t_check more/first "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
rec_before=$(cat "$REC0")
pin_before=$(store_pins "$STATE" more)
bundle_edit "$CT_BUNDLE" "c['annotations'].update({'io.sriov.1.pf': '$PFB', 'io.sriov.1.vf': '0', 'io.sriov.1.mtu': '65530'})"
ct_createrun more "$CFG"
t_check more/second_fails "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains more/second_message "$(hook_msg more createRuntime)" "$(standin_vf_pci b 0)" "message"
t_check more/first_vf_stays "VF 0 left the container" "$(vf_in_ns "$(ct_pid more)" a 0)" = 1
t_check more/address_stays "addresses" "$(addrs_of "$(ct_pid more)" 10.62.0.2/24)" = 1
t_check more/record_unchanged "record: $(cat "$REC0" 2>&1)" "$(cat "$REC0" 2>&1)" = "$rec_before"
t_check more/index_entry_stays "owners: $(ls -R "$STATE/owners")" -e "$STATE/owners/more/$(standin_vf_pci a 0)"
t_check more/pin_stays "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" more)" = "$pin_before"
t_check more/pin_mounted "mounts: $(nsfs_mounts)" -n "$(nsfs_mounts | grep "/netns/$pin_before\$")"
t_empty more/tap_back "tap stand-in" "$(standin_vf_problems b)"
t_check more/no_tap_record "claims: $(ls "$STATE/claims")" ! -e "$STATE/claims/$(standin_vf_pci b 0).json"
# the runtime's poststop after the failure (runc's order: the container's process is gone first)
ct_kill more
ct_poststop more "$CFG"
t_check more/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty more/restored "stand-ins" "$(standin_vf_problems a)$(standin_vf_problems b)"
t_empty more/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# 4. Real runc with two createRuntime entries (what a CDI spec with two devices gives).
RUN_DIR=$SH_TMP/cdi
bundle_runc "$RUN_DIR" "$HOOK" "$CFG" 'ip -o link; ip -o addr' pf="$PF" vf=auto ip=10.63.0.2/24
bundle_edit "$RUN_DIR" "c['hooks']['createRuntime'] = c['hooks']['createRuntime'] * 2"
runc_t run --bundle "$RUN_DIR" cdi </dev/null >"$RUN_DIR/out" 2>"$RUN_DIR/err"
rc=$?
t_check cdi/runc_exit0 "runc exited $rc: $(cat "$RUN_DIR/err")" "$rc" = 0
t_contains cdi/saw_vf "$(cat "$RUN_DIR/out")" "$(standin_vf_mac a 0)" "container output"
t_check cdi/one_address "container output: $(cat "$RUN_DIR/out")" "$(grep -c 10.63.0.2/24 "$RUN_DIR/out")" = 1
t_empty cdi/restored "stand-ins" "$(standin_vf_problems a)"
t_empty cdi/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
