#!/bin/bash
# sriovctl vfs apply against the fake tree's sriov_numvfs: created from 0, idempotent, a change of
# count written through 0 (as the kernel requires), more than totalvfs and unknown PFs refused
# with a reason while the other PFs are still done, claimed VFs never removed.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
. "$REPO/tests/lib/standin.sh"
. "$REPO/tests/lib/bundle.sh"
t_init sriovctl_vfs "$REPO"
t_require_hook
CTL=$REPO/build/sriovctl
standin_init || exit 1
standin_pf_create a 3b 2 || { t_fail setup "stand-ins could not be made"; exit 1; }
standin_pf_create b 3c 2 || { t_fail setup "stand-ins could not be made"; exit 1; }
PF=$(standin_pf_name a)
PFB=$(standin_pf_name b)
NUMVFS=$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci a)/sriov_numvfs
NUMVFS_B=$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci b)/sriov_numvfs
standin_pf_totalvfs a 8
standin_pf_totalvfs b 8
echo 0 >"$NUMVFS"

# apply PFS-JSON: vfs apply with "pfs": PFS-JSON; A_RC, A_OUT (stdout and stderr), A_WRITES (the
# values written to sriov_numvfs files, in order, as strace saw them).
apply() {
	local cfg
	cfg=$(standin_config vfs "\"pfs\": $1")
	A_OUT=$(strace -f -qq -e trace=write -e signal=none -o "$SH_TMP/strace" "$CTL" --config "$cfg" vfs apply 2>&1)
	A_RC=$?
	A_WRITES=$(grep -o 'write([0-9]*, "[0-9]*\\n"' "$SH_TMP/strace" | sed 's/.*"\([0-9]*\)\\n"/\1/' | tr '\n' ' ')
}

apply "{\"$PF\": {\"numvfs\": 2}}"
t_check from0/exit0 "rc $A_RC: $A_OUT" "$A_RC" = 0
t_check from0/numvfs "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 2
t_check from0/one_write "writes: $A_WRITES" "$A_WRITES" = "2 "
t_contains from0/says "$A_OUT" "$PF: 0 -> 2 VFs"

apply "{\"$PF\": {\"numvfs\": 2}}"
t_check again/exit0 "rc $A_RC: $A_OUT" "$A_RC" = 0
t_check again/no_write "writes: $A_WRITES" -z "$A_WRITES"
t_contains again/says "$A_OUT" "$PF: 2 VFs (unchanged)"

apply "{\"$(standin_pf_pci a)\": {\"numvfs\": 4}}"
t_check change/exit0 "rc $A_RC: $A_OUT" "$A_RC" = 0
t_check change/through_0 "writes: $A_WRITES" "$A_WRITES" = "0 4 "
t_check change/numvfs "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 4

apply "{\"$PF\": {\"numvfs\": 9}, \"nosuchpf\": {\"numvfs\": 1}, \"$PFB\": {\"numvfs\": 1}}"
t_check refused/exit1 "rc $A_RC" "$A_RC" = 1
t_contains refused/totalvfs "$A_OUT" "$PF: refused: $PF supports at most 8 VFs (sriov_totalvfs), not 9"
t_contains refused/unknown "$A_OUT" "nosuchpf: refused: PF nosuchpf: no such network interface"
t_check refused/untouched "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 4
t_check refused/others_done "b's sriov_numvfs $(cat "$NUMVFS_B")" "$(cat "$NUMVFS_B")" = 1
t_contains refused/others_say "$A_OUT" "$PFB: 2 -> 1 VFs"
t_contains refused/error_line "$A_OUT" "sriovctl: vfs: 2 of 3 PFs not set; the first: $PF supports at most 8"

# A claimed VF: the count of its PF is not changed (that would remove the VF under its holder).
ct_create holder "$(standin_config vfs)" pf="$PF" vf=1
t_check claimed/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
apply "{\"$PF\": {\"numvfs\": 2}}"
t_check claimed/exit1 "rc $A_RC: $A_OUT" "$A_RC" = 1
t_check claimed/no_write "writes: $A_WRITES" -z "$A_WRITES"
t_contains claimed/names_holder "$A_OUT" "VF 1 ($(standin_vf_pci a 1)) is held by container holder"
t_contains claimed/says_fix "$A_OUT" "stop it first"
t_check claimed/untouched "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 4
apply "{\"$PF\": {\"numvfs\": 4}}"
t_check claimed/same_count_ok "rc $A_RC: $A_OUT" "$A_RC" = 0
ct_poststop holder "$(standin_config vfs)"

cfg=$(standin_config vfs)
out=$("$CTL" --config "$cfg" vfs apply 2>&1)
t_check nothing/exit0 "rc $?: $out" $? = 0
t_contains nothing/says "$out" "has no \"pfs\""
out=$("$CTL" --config "$cfg" vfs 2>&1)
t_contains usage/vfs_alone "$out" "expected \"vfs apply\""

t_end
