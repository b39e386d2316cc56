#!/bin/bash
# gc (the library call under `sriovctl gc`): after a container's init is killed with no poststop
# (a kill -9 of the runtime, or podman after a failed start), its VF is returned from the pin with
# its name, MTU and MAC, and the pin goes; a pin no record names, a dead writer's temporary record
# and an index entry without its record go too; a live container's claim is left alone; a dry run
# reports the same and changes nothing. Listings tell held from stale.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup gc "$REPO" "a 3b 3"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config gc)
STATE=$(standin_state_dir gc)
PCI0=$(standin_vf_pci a 0)
PCI2=$(standin_vf_pci a 2)

# snapshot: everything gc could change: files and their contents, mounts, the VFs.
snapshot() {
	(cd "$STATE" && find . -printf '%p %s %m\n' | sort && cat claims/*.json locks/* 2>/dev/null)
	nsfs_mounts
	for k in 0 1 2; do standin_vf_now a $k; done
}

# A container killed with its VF (MTU and address changed), no poststop; a live one; leftovers.
ct_create killed "$CFG" pf="$PF" vf=0 mtu=1400 ip=10.69.0.2/24
t_check setup/killed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create live "$CFG" pf="$PF" vf=1
t_check setup/live "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
KILLED_PIN=$(store_pins "$STATE" killed)
ct_kill killed
standin_netns_proc orphan
ORPHAN_PIN="dead@$(ns_ident "$orphan" | tr ' ' -)"
: >"$STATE/netns/$ORPHAN_PIN"
mount --bind "/proc/$orphan/ns/net" "$STATE/netns/$ORPHAN_PIN"
echo '{"id":' >"$STATE/claims/$PCI2.json.tmp"
mkdir -m 0700 "$STATE/owners/ghost"
: >"$STATE/owners/ghost/$PCI2"

list=$(store_tool list "$STATE")
t_contains list/stale "$list" "$PCI0 stale killed " "list"
t_contains list/held "$list" "$(standin_vf_pci a 1) held live " "list"

# The dry run: reports, changes nothing.
before=$(snapshot)
dry=$(store_tool gc "$CFG" --dry-run)
t_check dry/exit0 "gc --dry-run: $dry" $? = 0
t_check dry/nothing_changed "before: $before | after: $(snapshot)" "$(snapshot)" = "$before"
t_contains dry/would_return "$dry" "returned|$PCI0|killed||0|" "dry run events"
t_contains dry/would_unpin "$dry" "removed stale pin|||$STATE/netns/$ORPHAN_PIN|0|" "dry run events"
t_contains dry/would_remove_tmp "$dry" "removed stray file|||$STATE/claims/$PCI2.json.tmp|0|" "dry run events"
t_contains dry/would_remove_entry "$dry" "removed stray file|||$STATE/owners/ghost/$PCI2|0|" "dry run events"
t_check dry/live_not_named "events: $dry" -z "$(printf '%s\n' "$dry" | grep '|live|')"

# The real run: the same, done.
real=$(store_tool gc "$CFG")
t_check real/exit0 "gc: $real" $? = 0
while IFS= read -r line; do
	case $line in
	"removed empty directory"*) ;; # a dry run leaves the directory it would empty
	*) t_contains "real/did: ${line%%|*}" "$real" "$line" "gc events" ;;
	esac
done <<<"$dry"
t_empty real/vf_returned "stand-in" "$(standin_vf_problems a 0)"
t_check real/killed_pin_gone "pins: $(store_pins "$STATE")" -z "$(store_pins "$STATE" killed)"
t_check real/orphan_pin_gone "mounts: $(nsfs_mounts)" -z "$(nsfs_mounts | grep "$ORPHAN_PIN")"
t_check real/tmp_gone "claims: $(ls "$STATE/claims")" ! -e "$STATE/claims/$PCI2.json.tmp"
t_check real/entry_gone "owners: $(ls "$STATE/owners")" ! -e "$STATE/owners/ghost"
t_check real/live_kept "VF 1 left the live container" "$(vf_in_ns "$(ct_pid live)" a 1)" = 1
t_check real/only_live_left "files: $(store_files "$STATE")" \
	"$(store_files "$STATE" | grep -vc "/live\|/$(standin_vf_pci a 1)\|$(store_pins "$STATE" live)")" = 0
again=$(store_tool gc "$CFG")
t_check again/nothing_left "gc again: $again" -z "$again"

ct_kill live
ct_poststop live "$CFG"
t_empty end/restored "stand-ins" "$(standin_vf_problems a)"
t_empty end/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_check end/killed_pin_was_named "pin of killed: '$KILLED_PIN'" -n "$KILLED_PIN"

t_end
