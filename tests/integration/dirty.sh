#!/bin/bash
# A VF's baseline (its host-side state before its first claim, <state_dir>/baseline/<pci>.json):
# claim + release leave it; a free VF changed on the host (promisc, allmulticast, alias, MTU,
# txqueuelen, an ethtool feature) is listed with a dirty note naming each change (table and JSON);
# gc --dry-run says what it would do and does nothing; gc returns the VF and says what it returned;
# the listing is clean again. A live holder's VF is never touched. A VF recreated at the same PCI
# address (a new PCI function: a new sysfs directory) does not inherit the old baseline: list
# compares nothing, gc removes it, the next claim takes the new VF's own. gc killed -9 at steps
# across its run leaves nothing that the next gc does not finish. Stand-in PFs (veth) have no
# PF-side settings: those are compared in test_dirty (unit) and said here as not produced.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup dirty "$REPO" "a 3e 3"
CTL=$REPO/build/sriovctl
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
PF=$(standin_pf_name a)
CFG=$(standin_config dirty)
STATE=$(standin_state_dir dirty)
PCI0=$(standin_vf_pci a 0)
PCI1=$(standin_vf_pci a 1)
PCI2=$(standin_vf_pci a 2)
VF0=$(standin_vf_name a 0)
VF2=$(standin_vf_name a 2)

ctl() {
	CTL_OUT=$(timeout 60 "$CTL" --config "$CFG" "$@" 2>&1)
	CTL_RC=$?
}
# note K: the NOTE column of VF K in `sriovctl list` (the last column: everything after RX/TX).
note() {
	ctl list
	printf '%s\n' "$CTL_OUT" | awk -v pf="$PF" -v i="$1" '$1 == pf && $2 == i {
		for (c = 10; c <= NF; c++) printf "%s%s", (c > 10 ? " " : ""), $c; print "" }'
}
# dirty_json K: VF K's "dirty" in `sriovctl list --json`, as JSON.
dirty_json() {
	ctl list --json
	printf '%s' "$CTL_OUT" | "$SH_PY" -c '
import json, sys
for v in json.load(sys.stdin)["vfs"]:
    if v["index"] == int(sys.argv[1]):
        print(json.dumps(v["dirty"]))' "$1"
}
# cycle ID K: a container claims VF K and exits; poststop releases it.
cycle() {
	ct_create "$1" "$CFG" pf="$PF" vf="$2"
	t_check "$1/claimed" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	ct_kill "$1"
	ct_poststop "$1" "$CFG"
	t_check "$1/released" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
}
# host_view IF: everything this test changes on IF, one line.
host_view() {
	echo "flags=$(cat "/sys/class/net/$1/flags") alias=$(cat "/sys/class/net/$1/ifalias")" \
		"mtu=$(cat "/sys/class/net/$1/mtu") txq=$(cat "/sys/class/net/$1/tx_queue_len")" \
		"$(ethtool -k "$1" 2>/dev/null | grep -E '^tcp-segmentation-offload:')"
}
# spoil IF: what a tenant with CAP_NET_ADMIN could leave (here done on the host).
spoil() {
	ip link set "$1" promisc on allmulticast on mtu 1400 txqueuelen 77 alias tenantA
	ethtool -K "$1" tso off 2>/dev/null && TSO=1
}
sysfs_ino() { stat -L -c %i "$SH_SYSFS/bus/pci/devices/$1"; }

# --- claim and release leave a baseline --------------------------------------------------------------
BEFORE0=$(host_view "$VF0")
cycle first 0
t_check baseline/kept "no $STATE/baseline/$PCI0.json" -f "$STATE/baseline/$PCI0.json"
t_check baseline/identity "dev_ino $(json_get "$STATE/baseline/$PCI0.json" dev_ino), sysfs $(sysfs_ino "$PCI0")" \
	"$(json_get "$STATE/baseline/$PCI0.json" dev_ino)" = "$(sysfs_ino "$PCI0")"
t_empty baseline/not_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_lacks baseline/clean_note "$(note 0)" "dirty" "note of VF 0"
t_check baseline/clean_json "dirty of VF 0: $(dirty_json 0)" "$(dirty_json 0)" = "[]"
t_check baseline/none_json "dirty of VF 1 (never claimed): $(dirty_json 1)" "$(dirty_json 1)" = "null"

# --- a free VF changed on the host: listed dirty, returned by gc ---------------------------------------
TSO=""
spoil "$VF0"
N=$(note 0)
for item in promisc allmulticast alias mtu txqueuelen ${TSO:+features}; do
	t_contains "list/names_$item" "$N" "$item" "note of VF 0"
done
t_contains list/dirty_note "$N" "dirty: " "note of VF 0"
J=$(dirty_json 0)
for item in promisc allmulticast alias mtu txqueuelen ${TSO:+features}; do
	t_contains "json/names_$item" "$J" "\"$item\"" "dirty of VF 0"
done
[ -n "$TSO" ] || echo "# features: not produced (ethtool -K tso off refused on this veth)"
echo "# PF-side settings: not produced (a stand-in PF has none; test_dirty compares them)"
ctl list --json
V=$(printf '%s' "$CTL_OUT" | "$SH_PY" "$REPO/tests/lib/schema_check.py" "$REPO/tests/schema/sriovctl-list.schema.json" 2>&1)
VRC=$?
t_check json/schema "not valid against the schema: $V" "$VRC" = 0

SPOILED=$(host_view "$VF0")
ctl gc --dry-run
t_check dry_run/exit0 "rc $CTL_RC: $CTL_OUT" "$CTL_RC" = 0
t_contains dry_run/future "$CTL_OUT" "dry run: $PCI0: would be returned to its baseline (promisc" "gc --dry-run"
t_lacks dry_run/not_past "$CTL_OUT" ": returned" "gc --dry-run"
t_check dry_run/changes_nothing "now $(host_view "$VF0"), was $SPOILED" "$(host_view "$VF0")" = "$SPOILED"

ctl gc
t_check gc/exit0 "rc $CTL_RC: $CTL_OUT" "$CTL_RC" = 0
t_contains gc/says "$CTL_OUT" "$PCI0: returned to its baseline (promisc, allmulticast, alias, txqueuelen" "gc"
t_contains gc/says_mtu "$CTL_OUT" "mtu" "gc"
t_check gc/returned "now $(host_view "$VF0"), before the first claim $BEFORE0" "$(host_view "$VF0")" = "$BEFORE0"
t_lacks gc/clean_note "$(note 0)" "dirty" "note of VF 0"
t_check gc/clean_json "dirty of VF 0: $(dirty_json 0)" "$(dirty_json 0)" = "[]"
ctl gc
t_check gc/again_nothing "rc $CTL_RC: $CTL_OUT" "$CTL_RC:$CTL_OUT" = "0:"
t_empty gc/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# --- a live holder's VF is never touched ----------------------------------------------------------------
cycle once 1
ct_create live "$CFG" pf="$PF" vf=1
t_check live/claimed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
CIF=$(ns_links "$(ct_pid live)" | grep -i "$(standin_vf_mac a 1)" | awk -F': ' '{sub(/@.*/, "", $2); print $2}')
nsenter -t "$(ct_pid live)" -n ip link set "$CIF" promisc on alias tenantB
INSIDE=$(nsenter -t "$(ct_pid live)" -n ip -o link show "$CIF")
t_lacks live/no_note "$(note 1)" "dirty" "note of VF 1"
ctl gc
t_check live/gc_exit0 "rc $CTL_RC: $CTL_OUT" "$CTL_RC" = 0
t_lacks live/gc_silent "$CTL_OUT" "$PCI1" "gc"
t_check live/untouched "now: $(nsenter -t "$(ct_pid live)" -n ip -o link show "$CIF" 2>&1)" \
	"$(nsenter -t "$(ct_pid live)" -n ip -o link show "$CIF" 2>&1)" = "$INSIDE"
ct_kill live
ct_poststop live "$CFG"

# --- a VF recreated at the same PCI address does not inherit the old baseline ----------------------------
cycle old2 2
OLD_INO=$(json_get "$STATE/baseline/$PCI2.json" dev_ino)
# The kernel makes a new PCI function (a new sysfs directory) when VFs are recreated; its driver's
# defaults may differ from what the old VF had.
D="$SH_SYSFS/devices/pci0000:00"
cp -a "$D/$PCI2" "$D/$PCI2.new" && rm -rf "${D:?}/$PCI2" && mv "$D/$PCI2.new" "$D/$PCI2"
ip link set "$VF2" alias newdriver txqueuelen 500
t_check recreated/new_identity "sysfs inode $(sysfs_ino "$PCI2"), baseline $OLD_INO" "$(sysfs_ino "$PCI2")" != "$OLD_INO"
t_lacks recreated/no_note "$(note 2)" "dirty" "note of VF 2"
t_check recreated/json_null "dirty of VF 2: $(dirty_json 2)" "$(dirty_json 2)" = "null"
RECREATED=$(host_view "$VF2")
ctl gc
t_check recreated/gc_exit0 "rc $CTL_RC: $CTL_OUT" "$CTL_RC" = 0
t_contains recreated/gc_removes "$CTL_OUT" "$PCI2: removed the baseline of an earlier VF at its address" "gc"
t_check recreated/baseline_gone "$STATE/baseline/$PCI2.json is still there" ! -e "$STATE/baseline/$PCI2.json"
t_check recreated/untouched "now $(host_view "$VF2"), was $RECREATED" "$(host_view "$VF2")" = "$RECREATED"
cycle new2 2
t_check recreated/own_baseline "dev_ino $(json_get "$STATE/baseline/$PCI2.json" dev_ino), sysfs $(sysfs_ino "$PCI2")" \
	"$(json_get "$STATE/baseline/$PCI2.json" dev_ino)" = "$(sysfs_ino "$PCI2")"
t_check recreated/own_state "alias in baseline: $(json_get "$STATE/baseline/$PCI2.json" state)" \
	-n "$(json_get "$STATE/baseline/$PCI2.json" state | grep -F '"alias": "newdriver"')"
# Recreated again before a claim: the claim replaces the stale baseline with the new VF's own.
cp -a "$D/$PCI2" "$D/$PCI2.new" && rm -rf "${D:?}/$PCI2" && mv "$D/$PCI2.new" "$D/$PCI2"
cycle newer2 2
t_check recreated/claim_replaces "dev_ino $(json_get "$STATE/baseline/$PCI2.json" dev_ino), sysfs $(sysfs_ino "$PCI2")" \
	"$(json_get "$STATE/baseline/$PCI2.json" dev_ino)" = "$(sysfs_ino "$PCI2")"

# --- gc killed -9 midway: the next gc finishes ------------------------------------------------------------
if [ ! -x "$KILLSTEP" ]; then
	t_fail kill9/build "$KILLSTEP is missing: run make tools"
else
	spoil "$VF0"
	env -i "$KILLSTEP" -k 0 -o "$SH_TMP/ks.out" -- "$CTL" --config "$CFG" gc >/dev/null 2>&1
	TOTAL=$(awk '/^syscalls/ {print $2}' "$SH_TMP/ks.out")
	t_check kill9/counted "killstep: $(cat "$SH_TMP/ks.out")" -n "$TOTAL"
	bad=""
	steps=0
	for ((k = 1; k <= ${TOTAL:-0}; k += (TOTAL / 24 + 1))); do
		spoil "$VF0"
		env -i "$KILLSTEP" -k "$k" -o "$SH_TMP/ks.out" -- "$CTL" --config "$CFG" gc >/dev/null 2>&1
		ctl gc
		now=$(host_view "$VF0")
		left=$(standin_state_residue "$STATE" | grep -v "^file $STATE/locks/")
		if [ "$CTL_RC" != 0 ] || [ "$now" != "$BEFORE0" ] || [ -n "$left" ]; then
			bad="$bad step $k ($(cat "$SH_TMP/ks.out")): rc $CTL_RC, $now, left: $left;"
		fi
		steps=$((steps + 1))
	done
	echo "# gc killed at $steps steps of $TOTAL"
	t_empty kill9/next_gc_finishes "after a kill" "$bad"
fi
t_empty end/no_residue "left under state_dir" "$(standin_state_residue "$STATE" | grep -v "^file $STATE/locks/")"
t_end
