#!/bin/bash
# A broken configuration strands no VF (issue 20.2): with a trailing comma in the file, poststop
# still gives each VF back, sriovctl list still lists and gc still collects, each saying in one
# line that the file is broken, with its line and column, and what it went on with; createRuntime
# keeps refusing with that same message. The roots come from the file before the point where it
# breaks, else the defaults, and the line says which.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup broken_config "$REPO" "a 3b 3"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
CFG=$(standin_config broken)
STATE=$(standin_state_dir broken)
LOG=$SH_TMP/broken.log

ctl() {
	CTL_OUT=$(timeout 60 "$CTL" --config "$CFG" "$@" 2>"$SH_TMP/ctl.err")
	CTL_RC=$?
	CTL_ERR=$(cat "$SH_TMP/ctl.err")
}

ct_create one "$CFG" pf="$PF" vf=0 mtu=1280 ip=10.95.0.2/24
t_check setup/one "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create two "$CFG" pf="$PF" vf=1
t_check setup/two "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

# The admin's mistake: a comma after the last member, so the closing brace on line 3 is refused.
sed -i 's/}$/,\n}/' "$CFG"
WHERE="line 3, column 1"

# createRuntime refuses, naming the file, the line and the column.
ct_create three "$CFG" pf="$PF" vf=2
t_check create/refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_message create/says_where "broken configuration .*broken\.config\.json: .*not valid JSON.* at $WHERE" \
	three createRuntime

# list lists the held VFs and says why it exits 1.
ctl list --json
t_check list/exit1 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 1
t_contains list/says_where "$CTL_ERR" "$WHERE" "list's stderr"
t_contains list/says_roots "$CTL_ERR" "listing with state_dir $STATE (read from the file)" "list's stderr"
t_check list/one_line "stderr: $CTL_ERR" "$(printf '%s\n' "$CTL_ERR" | grep -c .)" = 1
t_contains list/lists_holder "$CTL_OUT" '"one"' "list --json"

# poststop gives the VF back, and its one line (stderr and the log) says the file is broken.
ct_poststop one "$CFG"
t_check poststop/exit1 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 1
t_empty poststop/vf_back "stand-in" "$(standin_vf_problems a 0)"
t_message poststop/says_where "broken configuration .* at $WHERE; its VFs were released all the same" one poststop
t_contains poststop/says_roots "$HOOK_ERR" "state_dir $STATE (read from the file)" "poststop's line"
t_contains poststop/in_the_log "$(cat "$LOG")" "$WHERE; its VFs were released all the same" "the log"
t_check poststop/claim_gone "claim left" ! -e "$STATE/claims/$(standin_vf_pci a 0).json"

# gc collects the VF of a container that is gone.
ct_kill two
ctl gc
t_check gc/exit1 "rc $CTL_RC: $CTL_ERR $CTL_OUT" "$CTL_RC" = 1
t_contains gc/says_where "$CTL_ERR" "$WHERE" "gc's stderr"
t_contains gc/collects "$CTL_OUT" "$(standin_vf_pci a 1)" "gc's output"
t_empty gc/vf_back "stand-in" "$(standin_vf_problems a 1)"
ct_kill three

# Roots after the point where it breaks are not read: the defaults, and the line says so. A
# poststop for a container nothing holds touches nothing under the default state_dir.
printf '{"log": "stderr",,\n "state_dir": "%s"}\n' "$STATE" >"$SH_TMP/early.json"
hook_run "$SH_TMP/early.json" poststop "$(hook_state nothing-held 0 "$SH_TMP/ct/one")"
t_check early/exit1 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 1
t_message early/says_defaults "at line 1, column 18; .*state_dir /run/sriov-hook \(the default\)" nothing-held poststop

# With no journal, no /dev/log and no log in the file, the line still reaches stderr.
printf '{"state_dir": "%s", "sysfs_root": "%s",}\n' "$STATE" "$SH_SYSFS" >"$SH_TMP/nolog.json"
ct_create four "$SH_TMP/nolog.json" pf="$PF" vf=2
t_check nolog/refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_message nolog/stderr "broken configuration .* at line 1, column" four createRuntime
ct_kill four
t_end
