#!/bin/bash
# Nothing of a finished or dead operation stays in state_dir but lock files (and those only while
# their claim does): no owners/<id>/ per container ever run, no temporary record of a writer that
# died (removed by the next claim of that VF, auto included, and by gc), no index entry of a hook
# killed between its index entry and its record.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup litter "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config litter)
STATE=$(standin_state_dir litter)
PCI0=$(standin_vf_pci a 0)
PCI1=$(standin_vf_pci a 1)

all_dirs() { find "$STATE" -mindepth 2 -type d 2>/dev/null; }

# 1. Containers come and go (released, rolled back, refused): no directory is left per container.
for i in 1 2 3; do
	ct_create "c$i" "$CFG" pf="$PF" vf=auto
	ct_kill "c$i"
	ct_poststop "c$i" "$CFG"
done
ct_create bad "$CFG" pf="$PF" vf=0 vlan=10 # the stand-in PF refuses VF settings: rolled back
ct_kill bad
ct_create busy1 "$CFG" pf="$PF" vf=0
ct_create busy2 "$CFG" pf="$PF" vf=0 # refused: held
ct_kill busy2
ct_poststop busy2 "$CFG"
t_check lifecycle/only_live_ones "directories: $(all_dirs)" "$(all_dirs)" = "$STATE/owners/busy1"
ct_kill busy1
ct_poststop busy1 "$CFG"
t_check lifecycle/no_owner_dirs "directories: $(all_dirs)" -z "$(all_dirs)"
t_empty lifecycle/no_files "left under state_dir" "$(standin_state_residue "$STATE")"

# 2. A writer killed before its rename left claims/<pci>.json.tmp: the next claim of that VF
# removes it (fixed index, then auto).
echo '{"id": "dead", "pha' >"$STATE/claims/$PCI0.json.tmp"
ct_create t1 "$CFG" pf="$PF" vf=0
t_check tmp/claim "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check tmp/removed_by_claim "claims: $(ls "$STATE/claims")" ! -e "$STATE/claims/$PCI0.json.tmp"
echo '{' >"$STATE/claims/$PCI1.json.tmp"
ct_create t2 "$CFG" pf="$PF" vf=auto
t_check tmp/auto_claim "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check tmp/removed_by_auto "claims: $(ls "$STATE/claims")" ! -e "$STATE/claims/$PCI1.json.tmp"
for id in t1 t2; do
	ct_kill "$id"
	ct_poststop "$id" "$CFG"
done
t_empty tmp/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# 3. A hook killed between its index entry and its record: the lock file names the container whose
# entry may exist; the next claim of the VF removes it.
mkdir -m 0700 "$STATE/owners/ghost"
: >"$STATE/owners/ghost/$PCI0"
printf 'ghost\n' >"$STATE/locks/$PCI0.lock"
ct_create k1 "$CFG" pf="$PF" vf=0
t_check killed/claim "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check killed/entry_removed "owners: $(ls "$STATE/owners")" ! -e "$STATE/owners/ghost"
ct_kill k1
ct_poststop k1 "$CFG"
t_empty killed/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_check killed/no_owner_dirs "directories: $(all_dirs)" -z "$(all_dirs)"

# 4. gc removes what no claim came for: version 1's temporary records, index entries and empty
# index directories, a lock file without a claim.
echo '{' >"$STATE/claims/$PCI1.json.tmp.4242"
mkdir -m 0700 "$STATE/owners/ghost2" "$STATE/owners/empty"
: >"$STATE/owners/ghost2/$PCI1"
: >"$STATE/locks/$PCI1.lock"
out=$(store_tool gc "$CFG")
t_check gc/exit0 "gc: $out" $? = 0
t_contains gc/reported_tmp "$out" "removed stray file|||$STATE/claims/$PCI1.json.tmp.4242|0|" "gc events"
t_empty gc/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_check gc/no_owner_dirs "directories: $(all_dirs)" -z "$(all_dirs)"

t_end
