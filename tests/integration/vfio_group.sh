#!/bin/bash
# VFs that share an IOMMU group (hardware without ACS between them) are one unit for vfio: whoever
# opens /dev/vfio/<group> reaches every VF of it. A vfio claim of one takes them all (claimed
# together, released together by poststop, by gc and by the takeover of a stale claim); another
# container asking any of them, in vfio or netdev mode, is refused with the holder's name; `list`
# shows the holder on every VF of the group; `doctor` and `cdi generate` name such groups. A kill -9
# at each system call of the group claim leaves nothing that gc or the next claim does not put
# back. tests/lib/fakevfio.py plays the kernel (this machine has no IOMMU).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup vfio_group "$REPO" "a 5c 4"
. "$REPO/tests/lib/fakevfio.sh"
CTL=$(dirname "$HOOK")/sriovctl
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}

PF=$(standin_pf_name a)
DEVICES=$SH_SYSFS/devices/pci0000:00
fakevfio_setup a
DEV=$FAKEVFIO_DEV
# VFs 0 and 1 in one group (10), both bound ahead to vfio-pci; VFs 2 (on igbvf) and 3 (bound
# ahead) in group 12, for sriov-runc.
fakevfio_share a 0 1
fakevfio_share a 2 3
standin_vf_set_driver a 0 vfio-pci
standin_vf_set_driver a 1 vfio-pci
standin_vf_set_driver a 3 vfio-pci
mknod "$DEV/vfio/10" c 1 3
VF0=$(standin_vf_pci a 0)
VF1=$(standin_vf_pci a 1)
VF2=$(standin_vf_pci a 2)
VF3=$(standin_vf_pci a 3)
CFG=$(standin_config grp "\"dev_root\": \"$DEV\"")
STATE=$(standin_state_dir grp)
# the same VFs as a vfio pool, whose CDI devices name their VF (--pool --vf)
CFGP=$(standin_config grpp "\"dev_root\": \"$DEV\"" \
	'"pools": {"dpdk": {"vfs": ["'"$PF"'#0", "'"$PF"'#1"], "driver": "vfio-pci"}}')

claims() { ls "$STATE/claims" 2>/dev/null | grep -c .; }
holder_of() { json_get "$STATE/claims/$1.json" id; }

# free_again PREFIX: no claim, both VFs still on vfio-pci with no override, nothing left behind.
free_again() {
	t_check "$1/no_claim" "$(claims) claims left: $(ls "$STATE/claims" 2>/dev/null | tr '\n' ' ')" "$(claims)" = 0
	t_check "$1/vf0_vfio" "VF 0 on '$(fakevfio_driver a 0)'" "$(fakevfio_driver a 0)" = vfio-pci
	t_check "$1/vf1_vfio" "VF 1 on '$(fakevfio_driver a 1)'" "$(fakevfio_driver a 1)" = vfio-pci
	t_empty "$1/no_residue" "left under state_dir" \
		"$(standin_state_residue "$STATE" | grep -Ev '^file .*/locks/[^/]*$|^file .*\.lock$')"
}

# create ID NSPID [annotation...]: createRuntime of container ID through its annotations.
create() {
	local id=$1 pid=$2
	shift 2
	bundle_bare "$SH_TMP/$id" "$@"
	hook_run "$CFG" createRuntime "$(hook_state "$id" "$pid" "$SH_TMP/$id")"
}
poststop() { hook_run "$CFG" poststop "$(hook_state "$1" 0 "$SH_TMP/$1")" "${@:2}"; }

# 1. A asks VF 0 in vfio mode: it gets VF 1 too, claimed with it.
standin_netns_proc PA
create ctra "$PA" pf="$PF" vf=0 mode=vfio
t_check claim/a_ok "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
t_check claim/vf0_a "VF 0 held by '$(holder_of "$VF0")'" "$(holder_of "$VF0")" = ctra
t_check claim/vf1_a "VF 1 held by '$(holder_of "$VF1")'" "$(holder_of "$VF1")" = ctra
t_check claim/vf1_group_of "VF 1's group_of '$(json_get "$STATE/claims/$VF1.json" group_of)'" \
	"$(json_get "$STATE/claims/$VF1.json" group_of)" = "$VF0"
t_contains claim/logged "$(cat "$SH_TMP/grp.log")" "IOMMU group 10 of $VF0 holds 1 other VF(s): claimed with it" "hook log"

# 2. B asks VF 1 (vfio): refused, naming A; C asks VF 1 as a netdev: refused, naming A.
standin_netns_proc PB
create ctrb "$PB" pf="$PF" vf=1 mode=vfio
t_check refuse/b_fails "createRuntime of B succeeded" "$HOOK_RC" != 0
t_message refuse/b_names_a "already held by ctra, with VF $VF0 of its IOMMU group 10" ctrb createRuntime
create ctrc "$PB" pf="$PF" vf=1
t_check refuse/c_fails "createRuntime of C succeeded" "$HOOK_RC" != 0
t_message refuse/c_names_a "already held by ctra" ctrc createRuntime
# B asks VF 0 itself: refused, A holds it
create ctrb "$PB" pf="$PF" vf=0 mode=vfio
t_message refuse/b_vf0 "already held by ctra" ctrb createRuntime
t_check refuse/nothing_taken "VF 1 held by '$(holder_of "$VF1")'" "$(holder_of "$VF1")" = ctra

# 3. list: the holder on each VF of the group.
LIST=$("$CTL" --config "$CFG" list 2>&1)
row0=$(printf '%s\n' "$LIST" | grep -F " $VF0 ")
row1=$(printf '%s\n' "$LIST" | grep -F " $VF1 ")
t_contains list/vf0_holder "$row0" "ctra" "VF 0's row"
t_contains list/vf1_holder "$row1" "ctra" "VF 1's row"
t_contains list/vf1_note "$row1" "with $VF0" "VF 1's row"

# 4. A's poststop frees both.
standin_kill "$PA"
poststop ctra
t_check poststop/ok "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
free_again poststop

# 4b. One request naming both VFs of the group (two slots, as DPDK with two ports asks): each slot
# claims its own VF, neither as the other's group mate; the poststop frees both.
standin_netns_proc PA
create ctra "$PA" pf="$PF" vf=0 mode=vfio 1.pf="$PF" 1.vf=1 1.mode=vfio
t_check twoslots/ok "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
t_check twoslots/vf0_a "VF 0 held by '$(holder_of "$VF0")'" "$(holder_of "$VF0")" = ctra
t_check twoslots/vf1_a "VF 1 held by '$(holder_of "$VF1")'" "$(holder_of "$VF1")" = ctra
t_check twoslots/vf1_own "VF 1's group_of '$(json_get "$STATE/claims/$VF1.json" group_of)'" \
	-z "$(json_get "$STATE/claims/$VF1.json" group_of)"
standin_kill "$PA"
poststop ctra
t_check twoslots/poststop "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
free_again twoslots

# 5. The pool's CDI devices (--pool --vf): P's device for VF 1 takes VF 0 too; P's second device
# (VF 0) finds it the container's already; Q's device for VF 0 is refused naming P; the poststop of
# P's first device frees both, that of the second finds nothing left.
STATE=$(standin_state_dir grpp)
bundle_bare "$SH_TMP/pooldev"
pooldev() { hook_run "$CFGP" "$1" "$(hook_state "$2" "$3" "$SH_TMP/pooldev")" --pool dpdk --vf "$4" --mode vfio; }
standin_netns_proc PA
pooldev createRuntime ctrp "$PA" "$VF1"
t_check pooldev/ok "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
t_check pooldev/vf0_too "VF 0 held by '$(holder_of "$VF0")'" "$(holder_of "$VF0")" = ctrp
pooldev createRuntime ctrp "$PA" "$VF0"
t_check pooldev/second_device "P's second device failed: $HOOK_ERR" "$HOOK_RC" = 0
standin_netns_proc PQ
pooldev createRuntime ctrq "$PQ" "$VF0"
t_message pooldev/q_refused "already held by ctrp, with VF $VF1 of its IOMMU group 10" ctrq createRuntime
standin_kill "$PQ"
standin_kill "$PA"
pooldev poststop ctrp 0 "$VF1"
t_check pooldev/poststop "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
free_again pooldev
pooldev poststop ctrp 0 "$VF0"
t_check pooldev/poststop_second "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
STATE=$(standin_state_dir grp)

# 6. A dies without a poststop: gc frees both.
standin_netns_proc PA
create ctra "$PA" pf="$PF" vf=0 mode=vfio
standin_kill "$PA"
out=$("$CTL" --config "$CFG" gc 2>&1)
t_check gc/ok "gc failed: $out" $? = 0
free_again gc

# 7. A dies; D asks VF 1: it takes the stale claims over, the whole group, and gives it back.
standin_netns_proc PA
create ctra "$PA" pf="$PF" vf=0 mode=vfio
standin_kill "$PA"
standin_netns_proc PD
create ctrd "$PD" pf="$PF" vf=1 mode=vfio
t_check takeover/ok "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
t_check takeover/vf0_d "VF 0 held by '$(holder_of "$VF0")'" "$(holder_of "$VF0")" = ctrd
t_check takeover/vf1_d "VF 1 held by '$(holder_of "$VF1")'" "$(holder_of "$VF1")" = ctrd
standin_kill "$PD"
poststop ctrd
free_again takeover
standin_kill "$PB"

# 8. sriov-runc (docker's path) binds VF 2 and claims VF 3 of its group with it; the container's
# createRuntime adopts both; the poststop of runc delete gives both back, VF 2 to igbvf.
RUNC_WRAPPER=$(dirname "$HOOK")/sriov-runc
B=$SH_TMP/wrapped
bundle_runc "$B" "$HOOK" "$CFG" true pf="$PF" vf=2 mode=vfio
bundle_edit "$B" 'c.pop("hooks", None)'
mkdir -p "$SH_TMP/runc"
SRIOV_HOOK_CONFIG=$CFG "$RUNC_WRAPPER" --root "$SH_TMP/runc" --log "$B/runc.log" --log-format json \
	create --bundle "$B" --pid-file "$B/pid" wrapped </dev/null >"$B/out" 2>"$B/err"
rc=$?
t_check wrapper/created "sriov-runc create failed ($rc): $(cat "$B/err" "$B/runc.log" 2>/dev/null)" "$rc" = 0
pid=$(cat "$B/pid" 2>/dev/null)
t_check wrapper/vf2_bound "VF 2 on '$(fakevfio_driver a 2)'" "$(fakevfio_driver a 2)" = vfio-pci
t_check wrapper/vf3_claimed "VF 3 held by '$(holder_of "$VF3")'" "$(holder_of "$VF3")" = wrapped
t_check wrapper/vf3_adopted "VF 3's record pid '$(json_get "$STATE/claims/$VF3.json" pid)', container ${pid:-none}" \
	"$(json_get "$STATE/claims/$VF3.json" pid)" = "$pid"
t_contains wrapper/info_vf2 "$(cat "$STATE/info/wrapped.json" 2>/dev/null)" "$VF2" "the container's vfio.json"
t_lacks wrapper/info_vf2_only "$(cat "$STATE/info/wrapped.json" 2>/dev/null)" "$VF3" "the container's vfio.json"
runc_t start wrapped
for ((i = 0; i < 250; i++)); do
	runc_t state wrapped 2>/dev/null | grep -q '"status": "stopped"' && break
	sleep 0.02
done
runc_t delete wrapped
t_check wrapper/no_claim "$(claims) claims left: $(ls "$STATE/claims" 2>/dev/null | tr '\n' ' ')" "$(claims)" = 0
t_check wrapper/vf2_back "VF 2 on '$(fakevfio_driver a 2)'" "$(fakevfio_driver a 2)" = igbvf
t_check wrapper/vf3_stays "VF 3 on '$(fakevfio_driver a 3)'" "$(fakevfio_driver a 3)" = vfio-pci

# 9. doctor and cdi generate name the shared group.
DOC=$("$CTL" --config "$CFGP" doctor 2>&1)
t_contains doctor/shared "$DOC" "IOMMU group 10 is shared by VF 0 ($VF0) and VF 1 ($VF1) of $PF" "doctor"
SPEC=$SH_TMP/cdi/spec.json
mkdir -p "$SH_TMP/cdi"
GEN=$("$CTL" --config "$CFGP" cdi generate --output "$SPEC" 2>&1 >/dev/null)
t_check cdi/ok "cdi generate failed: $GEN" $? = 0
t_check cdi/one_warning "warnings: $GEN" "$(printf '%s\n' "$GEN" | grep -c 'IOMMU group 10')" = 1
t_contains cdi/warning "$GEN" "IOMMU group 10 is shared by VF 0 ($VF0) and VF 1 ($VF1) of $PF" "cdi generate"
VSPEC=$SH_TMP/cdi/spec-vfio.json
SUFFIX=$(printf '%s' "$PF-0" | tr 'a-z' 'A-Z' | tr -c 'A-Z0-9' '_')
t_contains cdi/env "$(cat "$VSPEC" 2>/dev/null)" "SRIOV_VFIO_GROUP_VFS_$SUFFIX=$VF0,$VF1" "the vfio spec"
rm -rf "$SH_TMP/cdi"

# 10. kill -9 at each system call of A's createRuntime (the group claim: both locks, both records,
# the commits). Its container is gone after each kill (the runtime fails the create). Then odd
# steps `sriovctl gc`, even steps the next claim of the group (VF 1, another container) and its
# poststop; after either, no claim is left and both VFs are on vfio-pci.
[ -x "$KILLSTEP" ] || { t_fail sweep/build "$KILLSTEP is missing: run make tools"; t_end; exit 1; }
bundle_bare "$SH_TMP/k9" pf="$PF" vf=0 mode=vfio
bundle_bare "$SH_TMP/next" pf="$PF" vf=1 mode=vfio
# The swept hook is the plain build even when the sanitizer suite runs this script: LeakSanitizer
# cannot work under ptrace (a run that reaches its end dies with "fatal error"), and what the sweep
# proves is what a kill leaves, not memory safety. What follows each kill runs $HOOK.
KS_HOOK=$REPO/build/sriov-hook
ks() {
	printf '%s' "$(hook_state "$2" "$3" "$SH_TMP/k9")" |
		env -i timeout 30 "$KILLSTEP" -k "$1" -o "$SH_TMP/ks.out" -- "$KS_HOOK" --config "$CFG" createRuntime \
			>/dev/null 2>&1
	KS_LINE=$(tail -n 1 "$SH_TMP/ks.out")
}
sweep_problems() {
	[ "$(claims)" = 0 ] || echo "claims left: $(ls "$STATE/claims" | tr '\n' ' ')"
	[ "$(fakevfio_driver a 0)" = vfio-pci ] || echo "VF 0 on '$(fakevfio_driver a 0)'"
	[ "$(fakevfio_driver a 1)" = vfio-pci ] || echo "VF 1 on '$(fakevfio_driver a 1)'"
	standin_state_residue "$STATE" | grep -Ev '^file .*/locks/[^/]*$|^file .*\.lock$' | sed 's/^/left: /'
}
standin_netns_proc PK
ks 0 k9ref "$PK"
standin_kill "$PK"
total=${KS_LINE#syscalls }
case $KS_LINE in syscalls\ *) t_pass sweep/counted ;; *) t_fail sweep/counted "killstep: $KS_LINE"; t_end; exit 1 ;; esac
t_check sweep/reference_claimed "VF 1 held by '$(holder_of "$VF1")'" "$(holder_of "$VF1")" = k9ref
poststop k9ref
failed=0 notkilled=0 first=""
for ((n = 1; n <= total; n++)); do
	standin_netns_proc PK
	ks "$n" "k9c$n" "$PK"
	standin_kill "$PK"
	case $KS_LINE in killed\ *) ;; *) notkilled=$((notkilled + 1)) ;; esac
	if [ $((n % 2)) = 1 ]; then
		rec=$("$CTL" --config "$CFG" gc 2>&1)
	else
		standin_netns_proc PN
		create "k9n$n" "$PN" pf="$PF" vf=1 mode=vfio
		rec="$HOOK_RC $HOOK_ERR"
		standin_kill "$PN"
		poststop "k9n$n"
	fi
	p=$(sweep_problems)
	if [ -n "$p" ]; then
		failed=$((failed + 1))
		[ -n "$first" ] || first="step $n (${KS_LINE}), $([ $((n % 2)) = 1 ] && echo gc || echo next claim): $rec $p"
		rm -rf "$STATE"
	fi
done
echo "# kill -9 of the group claim: $((total - failed))/$total steps recovered ($notkilled ran to their end)"
t_check sweep/all_recovered "$failed of $total steps not recovered; first: $first" "$failed" = 0

t_end
