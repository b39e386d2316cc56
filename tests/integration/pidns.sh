#!/bin/bash
# sriovctl from another PID namespace (a pod without hostPID): the pids of the claims mean nothing
# there, so gc must not take a live container's VF back, and list must not call it stale. gc says
# in one line that it must run in the host's PID namespace; from the host's, a holder that is gone
# is still returned.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup pidns "$REPO" "a 3d 2"
. "$REPO/tests/lib/storelib.sh"
CTL=$(dirname "$HOOK")/sriovctl
PF=$(standin_pf_name a)
CFG=$(standin_config pidns)
PCI0=$(standin_vf_pci a 0)

in_pidns() { unshare --pid --fork --mount-proc "$@"; }

ct_create live "$CFG" pf="$PF" vf=0
t_check setup/live "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

out=$(in_pidns "$CTL" --config "$CFG" list 2>&1)
t_check list/exit0 "list: $out" $? = 0
t_lacks list/not_stale "$out" "stale"

out=$(in_pidns "$CTL" --config "$CFG" gc 2>&1)
rc=$?
t_check gc/refused "gc in a new PID namespace exited $rc: $out" "$rc" != 0
t_check gc/one_line "gc said: $out" "$(printf '%s\n' "$out" | wc -l)" = 1
t_contains gc/says_host "$out" "run gc in the host's PID namespace"
t_check gc/live_kept "VF 0 left the live container: $out" "$(vf_in_ns "$(ct_pid live)" a 0)" = 1
out=$(in_pidns "$CTL" --config "$CFG" gc --dry-run 2>&1)
t_lacks gc/dry_run_silent "$out" "returned"

# From the host's PID namespace the holder is judged by its pid as before.
ct_kill live
out=$("$CTL" --config "$CFG" gc 2>&1)
t_check host/gc_exit0 "gc: $out" $? = 0
t_contains host/returned "$out" "$PCI0: returned (container live)"
t_empty host/restored "stand-in" "$(standin_vf_problems a 0)"
t_end
