#!/bin/bash
# `sriovctl vfs apply` with one PF given twice in "pfs" (by name and by PCI address) is refused
# before anything changes: applied, each entry would set the count in turn and recreate the VFs on
# every apply.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup vfs_dup "$REPO" "a 39 2"
CTL=$(dirname "$HOOK")/sriovctl
PF=$(standin_pf_name a)
PFPCI=$(standin_pf_pci a)
NUMVFS=$SH_SYSFS/devices/pci0000:00/$PFPCI/sriov_numvfs
CFG=$(standin_config vfs_dup "\"pfs\": {\"$PF\": 2, \"$PFPCI\": 1}")
sed -i "s/\"$PF\": 2/\"$PF\": {\"numvfs\": 2}/; s/\"$PFPCI\": 1/\"$PFPCI\": {\"numvfs\": 1}/" "$CFG"

before=$(cat "$NUMVFS")
out=$("$CTL" --config "$CFG" vfs apply 2>&1)
rc=$?
t_check dup/refused "vfs apply exited $rc: $out" "$rc" != 0
t_contains dup/names_both "$out" "\"$PF\" and \"$PFPCI\" are one PF"
t_check dup/one_line "said: $out" "$(printf '%s\n' "$out" | wc -l)" = 1
t_check dup/unchanged "sriov_numvfs now $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = "$before"
t_end
