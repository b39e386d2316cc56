#!/bin/bash
# sriovctl vfs apply against the fake tree's sriov_numvfs: created from 0, idempotent, a change of
# count written through 0 (as the kernel requires), more than totalvfs and unknown PFs refused
# with a reason while the other PFs are still done, claimed VFs never removed; vfio pools' VFs:
# refused with one line a VF and nothing written when the IOMMU is off or the group is not viable,
# held ones left alone.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_vfs "$REPO" "a 3b 2" "b 3c 2"
CTL=$REPO/build/sriovctl
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

# --- a vfio pool: its VFs go to vfio-pci; refused (nothing written) when the IOMMU is off or the
# group is not viable; a held VF is left alone; binding itself needs a kernel (the VM suite)
echo 2 >"$NUMVFS_B"
VB0=$(standin_vf_pci b 0)
VB1=$(standin_vf_pci b 1)
# vapply EXTRA...: vfs apply with b's count unchanged and pool dpdk (b's VFs) in vfio mode; A_RC,
# A_OUT, A_BIND (the driver files it opened to write: driver_override, unbind, bind, drivers_probe).
vapply() {
	local cfg
	cfg=$(standin_config vfs "\"pfs\": {\"$PFB\": {\"numvfs\": 2}}" \
		"\"pools\": {\"dpdk\": {\"vfs\": [\"$PFB\"], \"driver\": \"vfio-pci\"}}" "$@")
	A_OUT=$(strace -f -qq -e trace=openat -e signal=none -o "$SH_TMP/strace" "$CTL" --config "$cfg" vfs apply 2>&1)
	A_RC=$?
	A_BIND=$(grep -E 'openat\(.*(driver_override|/unbind|/bind|drivers_probe)".*O_WRONLY' "$SH_TMP/strace")
}
drivers() { for k in 0 1; do basename "$(readlink "$SH_SYSFS/devices/pci0000:00/$(standin_vf_pci b $k)/driver")"; done | tr '\n' ' '; }
# the IOMMU off: no group, refused, one line a VF
vapply
t_check vfio-iommu-off/exit1 "rc $A_RC: $A_OUT" "$A_RC" = 1
t_contains vfio-iommu-off/vf0 "$A_OUT" "$PFB VF 0 ($VB0, pool dpdk): refused: "
t_contains vfio-iommu-off/vf1 "$A_OUT" "$PFB VF 1 ($VB1, pool dpdk): refused: "
t_contains vfio-iommu-off/error "$A_OUT" "sriovctl: vfs: 2 VF(s) of vfio pools not on vfio-pci; the first: $PFB VF 0 ($VB0): "
t_check vfio-iommu-off/nothing-written "writes: $A_BIND" -z "$A_BIND"
t_check vfio-iommu-off/drivers "drivers: $(drivers)" "$(drivers)" = "igbvf igbvf "
# groups on; VF 1's group also holds a NIC function on igb: VF 1 refused naming it, VF 0 done
standin_iommu_groups b
OTHER=0000:3c:00.5
D=$SH_SYSFS/devices/pci0000:00/$OTHER
mkdir -p "$D"
ln -s "../../../bus/pci/drivers/igb" "$D/driver"
ln -s "../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/bus/pci/devices/$OTHER"
ln -s "../../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/kernel/iommu_groups/11/devices/$OTHER"
standin_vf_set_driver b 0 vfio-pci
vapply
t_check vfio-group/exit1 "rc $A_RC: $A_OUT" "$A_RC" = 1
t_contains vfio-group/vf0 "$A_OUT" "$PFB VF 0 ($VB0, pool dpdk): on vfio-pci (unchanged)"
t_contains vfio-group/vf1 "$A_OUT" "$PFB VF 1 ($VB1, pool dpdk): refused: "
t_contains vfio-group/names "$(printf '%s\n' "$A_OUT" | grep "VF 1 ")" "$OTHER (igb)"
t_check vfio-group/nothing-written "writes: $A_BIND" -z "$A_BIND"
t_check vfio-group/drivers "drivers: $(drivers)" "$(drivers)" = "vfio-pci igbvf "
# VF 1 held by a container (a claim record): left as it is, whatever its group
STATE=$(standin_state_dir vfs)
mkdir -p -m 0700 "$STATE/claims"
sleep 300 &
HPID=$!
standin_track_pid "$HPID"
cat >"$STATE/claims/$VB1.json" <<EOF
{"version": 2, "id": "holder2", "phase": "attached", "pid": $HPID,
 "pid_start": $(awk '{print $22}' "/proc/$HPID/stat"), "pf_name": "$PFB",
 "pf_ifindex": $(cat "/sys/class/net/$PFB/ifindex"), "vf_index": 1, "vf_pci": "$VB1"}
EOF
vapply
t_check vfio-held/exit0 "rc $A_RC: $A_OUT" "$A_RC" = 0
t_contains vfio-held/vf1 "$A_OUT" "$PFB VF 1 ($VB1, pool dpdk): held by a container: left as it is"
t_check vfio-held/nothing-written "writes: $A_BIND" -z "$A_BIND"
t_check vfio-held/drivers "drivers: $(drivers)" "$(drivers)" = "vfio-pci igbvf "
rm -f "$STATE/claims/$VB1.json"
standin_vf_set_driver b 0 igbvf

t_end
