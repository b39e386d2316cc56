#!/bin/bash
# Netns pins (netns/<id>@<dev>-<ino>): an existing pin is used only when it holds the very namespace
# it is named for, else replaced; a pin no record names is removed by the next claim, the takeover
# of its claim, poststop or gc, but never while the hook that made it holds its lock (between
# making it and recording it).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup pins "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config pins)
STATE=$(standin_state_dir pins)
mkdir -p -m 0700 "$STATE/netns" "$STATE/locks"

# pin_name ID PID: the name of ID's pin of PID's namespace.
pin_name() { echo "$1@$(ns_ident "$2" | tr ' ' -)"; }
# plant_pin NAME PID: a pin named NAME holding PID's namespace, as a hook left it.
plant_pin() {
	: >"$STATE/netns/$1"
	mount --bind "/proc/$2/ns/net" "$STATE/netns/$1"
}
mounted() { nsfs_mounts | grep -qx "$STATE/netns/$1" && echo 1 || echo 0; }

# 1. A pin of this container's name that holds another namespace (stale) is replaced, not reused:
# the VF goes into the container's own namespace, and comes back at poststop.
standin_netns_proc old
ct_prepare re pf="$PF" vf=0
NAME=$(pin_name re "$CT_PID")
plant_pin "$NAME" "$old"
ct_createrun re "$CFG"
t_check stale_pin/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check stale_pin/vf_in_container "VF 0 not in the container" "$(vf_in_ns "$(ct_pid re)" a 0)" = 1
t_check stale_pin/now_holds_container "pin holds $(ns_ident "$STATE/netns/$NAME")" \
	"$(ns_ident "$STATE/netns/$NAME")" = "$(ns_ident "$(ct_pid re)")"
t_check stale_pin/one_mount "mounts: $(nsfs_mounts)" "$(nsfs_mounts | grep -c "/netns/$NAME\$")" = 1
ct_kill re
ct_poststop re "$CFG"
t_check stale_pin/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty stale_pin/restored "stand-in" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"
# a plain file where the pin should be (made, never mounted)
ct_prepare re2 pf="$PF" vf=0
: >"$STATE/netns/$(pin_name re2 "$CT_PID")"
ct_createrun re2 "$CFG"
t_check plain_pin/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check plain_pin/vf_in_container "VF 0 not in the container" "$(vf_in_ns "$(ct_pid re2)" a 0)" = 1
ct_kill re2
ct_poststop re2 "$CFG"
t_empty plain_pin/restored "stand-in" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"

# 2. podman restart after a poststop that never ran: the same id in a new namespace. Its claim takes
# the stale one over (the VF comes out of the old pin), uses a pin of the new namespace, and the
# old pin goes; poststop gives the VF back.
ct_create rs "$CFG" pf="$PF" vf=0 mtu=1400
OLDPIN=$(store_pins "$STATE" rs)
ct_kill rs
ct_create rs "$CFG" pf="$PF" vf=0
t_check restart/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check restart/vf_in_new "VF 0 not in the new container" "$(vf_in_ns "$(ct_pid rs)" a 0)" = 1
t_check restart/new_pin "pins: $(store_pins "$STATE")" "$(store_pins "$STATE" rs)" = "$(pin_name rs "$(ct_pid rs)")"
t_check restart/old_pin_gone "pins: $(store_pins "$STATE")" "$(mounted "$OLDPIN")" = 0
ct_kill rs
ct_poststop rs "$CFG"
t_check restart/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty restart/restored "stand-in" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"
# the same with the first release's pin name (netns/<id>), which held the old namespace
standin_netns_proc old2
plant_pin v1ns "$old2"
ct_create v1ns "$CFG" pf="$PF" vf=0
t_check v1_pin/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check v1_pin/vf_in_container "VF 0 not in the container" "$(vf_in_ns "$(ct_pid v1ns)" a 0)" = 1
ct_kill v1ns
ct_poststop v1ns "$CFG"
t_check v1_pin/old_pin_gone "pins: $(store_pins "$STATE")" ! -e "$STATE/netns/v1ns"
t_empty v1_pin/restored "stand-in" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"

# 3. A hook killed after pinning, before any record (podman runs no poststop then): the next claim,
# of any container, removes the pin; so does gc; so does the poststop of its id (runc's order).
standin_netns_proc dead1
plant_pin "$(pin_name dead1 "$dead1")" "$dead1"
ct_create n1 "$CFG" pf="$PF" vf=1
t_check orphan/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check orphan/removed_by_claim "pins: $(store_pins "$STATE")" "$(mounted "$(pin_name dead1 "$dead1")")" = 0
t_check orphan/file_gone "pins: $(store_pins "$STATE")" ! -e "$STATE/netns/$(pin_name dead1 "$dead1")"
t_check orphan/own_pin_kept "pins: $(store_pins "$STATE")" "$(mounted "$(pin_name n1 "$(ct_pid n1)")")" = 1
standin_netns_proc dead2
plant_pin "$(pin_name dead2 "$dead2")" "$dead2"
out=$(store_tool gc "$CFG")
t_check orphan/gc0 "gc: $out" $? = 0
t_contains orphan/gc_reports "$out" "removed stale pin|||$STATE/netns/$(pin_name dead2 "$dead2")|0|" "gc events"
t_check orphan/removed_by_gc "pins: $(store_pins "$STATE")" "$(mounted "$(pin_name dead2 "$dead2")")" = 0
t_check orphan/gc_keeps_live "pins: $(store_pins "$STATE")" "$(mounted "$(pin_name n1 "$(ct_pid n1)")")" = 1
ct_prepare dead3
plant_pin "$(pin_name dead3 "$CT_PID")" "$CT_PID"
ct_kill dead3
ct_poststop dead3 "$CFG"
t_check orphan/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check orphan/removed_by_poststop "pins: $(store_pins "$STATE")" -z "$(store_pins "$STATE" dead3)"

# 4. ... but never a pin whose lock a live hook holds: it is between making the pin and recording.
standin_netns_proc making
HELD=$(pin_name making "$making")
plant_pin "$HELD" "$making"
# one process that holds the lock (as the hook would), and nothing else holding it or our output
"$SH_PY" -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(600)' "$STATE/locks/$HELD.lock" "$SH_TMP/locked" </dev/null >/dev/null 2>&1 &
LOCKER=$!
standin_track_pid "$LOCKER"
for ((i = 0; i < 250; i++)); do [ -e "$SH_TMP/locked" ] && break; sleep 0.02; done
ct_create n2 "$CFG" pf="$PF" vf=0
t_check held/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check held/kept_by_claim "pins: $(store_pins "$STATE")" "$(mounted "$HELD")" = 1
store_tool gc "$CFG" >/dev/null
t_check held/kept_by_gc "pins: $(store_pins "$STATE")" "$(mounted "$HELD")" = 1
standin_kill "$LOCKER" # the hook dies: the kernel lets go of its lock; the next claim sweeps
ct_kill n2
ct_poststop n2 "$CFG"
ct_create n3 "$CFG" pf="$PF" vf=0
t_check held/next_claim "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check held/removed_after "pins: $(store_pins "$STATE")" "$(mounted "$HELD")" = 0
for id in n1 n3; do
	ct_kill "$id"
	ct_poststop "$id" "$CFG"
done
t_empty end/restored "stand-ins" "$(standin_vf_problems a)"
t_empty end/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
