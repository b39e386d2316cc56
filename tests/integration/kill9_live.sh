#!/bin/bash
# kill -9 at every step of `sriovctl attach`, `detach` and `heal` (tests/tools/killstep, ptrace),
# one lane each, run at once on their own PF. After each kill, what an operator does next:
#   attach killed: `sriovctl gc` (a claim left attaching is stale), then `detach` of the container;
#   detach killed: `detach` again, then `gc`;
#   heal killed (after a stand-in PF reset): `heal` again, which must leave the VF in the container
#   with its MTU and address; then `detach`.
# The VF must then be back on the host as it was and the state dir hold nothing but lock files.
# Failing steps, with the system call they were killed at, go to build/tests/kill9_live.txt.
# Every step of the three takes ~6 min here, past run-integration's 5 min: by default a run kills at
# every 10th step, from an offset that moves each day, so ten days of runs cover every step;
# KILL9_LIVE_STRIDE=1 bash tests/integration/kill9_live.sh sweeps them all (KILL9_LIVE_FIRST: where
# to start).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup kill9_live "$REPO" "a 3b 1" "d 3c 1" "h 3d 1"
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
REPORT=${KILL9_REPORT:-$REPO/build/tests/kill9_live.txt}
STRIDE=${KILL9_LIVE_STRIDE:-10}
FIRST=${KILL9_LIVE_FIRST:-$((10#$(date +%j) % STRIDE + 1))}
CTL=$REPO/build/sriovctl
[ -x "$KILLSTEP" ] || { t_fail build "$KILLSTEP is missing: run make tools"; exit 1; }
mkdir -p "$(dirname "$REPORT")"
: >"$REPORT"

# lane TAG: PF, config and state dir of lane TAG, and its container (a process in a netns).
lane() {
	L=$1
	PF=$(standin_pf_name "$L")
	PCI=$(standin_vf_pci "$L" 0)
	CFG=$(standin_config "k9$L")
	STATE=$(standin_state_dir "k9$L")
}
ctl() { timeout 30 "$CTL" --config "$CFG" "$@" >/dev/null 2>&1; }
# ks N COMMAND...: sriovctl under killstep, SIGKILLed at step N (0: never); KS_LINE its report.
ks() {
	local n=$1 out=$SH_TMP/ks.$L
	shift
	timeout 30 "$KILLSTEP" -k "$n" ${KS_TRACE:+-t} -o "$out" -- "$CTL" --config "$CFG" "$@" >/dev/null 2>&1
	KS_LINE=$(tail -n 1 "$out")
	[ -z "${KS_TRACE:-}" ] || cp "$out" "$SH_TMP/trace.$L"
}
ATTACH=(--pf PF --vf 0 --ifname lv0 --mtu 1400 --ip 10.98.0.2/24)
attach_args() { printf '%s\n' "${ATTACH[@]}" | sed "s/^PF$/$PF/"; }
# problems: how the VF and the state dir differ from before the step; empty = recovered.
problems() {
	standin_vf_problems "$L" 0
	standin_state_residue "$STATE" | grep -v "^file $STATE/locks/"
	nsenter -t "$P" -n ip -o link show 2>/dev/null | grep -v ': lo:' | awk '{print "left in the container: " $2}'
}
# The fake tree names the VF netdev devN after a stand-in reset; a kernel's sysfs follows the
# rename back (heal.sh says more): point it at the VF's own name again.
fake_tree_renamed() {
	local dev="$SH_SYSFS/devices/pci0000:00" n
	for n in $(ls "$dev/$PCI/net" 2>/dev/null); do rm -f "$SH_SYSFS/class/net/$n"; done
	rm -rf "${dev:?}/$PCI/net"
	standin_vf_set_driver "$L" 0 igbvf
}
# repair: whatever the recovery left, put the VF back for the next step.
repair() {
	ctl detach --pid "$P"
	ctl gc
	[ "$(standin_vf_now "$L" 0)" != absent ] || { nsenter -t "$P" -n ip link del lv0 2>/dev/null; standin_vf_kernel_return "$L" 0 >/dev/null; ctl gc; }
	fake_tree_renamed
}
verdict() { # KIND N WHY
	[ -z "$3" ] && return 0
	printf '%s %s %s: %s\n' "$1" "$2" "$(sed -n "s/^step $2 //p" "$SH_TMP/trace.$L")" "$(printf '%s' "$3" | tr '\n' ';')" >>"$SH_TMP/report.$L"
	repair
}
finished() { case $KS_LINE in "syscalls "*) return 0 ;; esac; return 1; }
# reset: the stand-in PF reset (the VF netdev in the container destroyed, a new one on the host).
reset() {
	nsenter -t "$P" -n ip link del lv0 2>/dev/null
	standin_vf_kernel_return "$L" 0 >/dev/null
}

sweep_attach() {
	local n
	KS_TRACE=1 ks 0 attach --pid "$P" $(attach_args)
	KS_TRACE= ctl detach --pid "$P"
	for ((n = FIRST; ; n += STRIDE)); do
		ks "$n" attach --pid "$P" $(attach_args)
		finished && { ctl detach --pid "$P"; break; }
		ctl gc
		ctl detach --pid "$P"
		verdict attach "$n" "$(problems)"
	done
	echo "$n" >"$SH_TMP/steps.$L"
}
sweep_detach() {
	local n
	ctl attach --pid "$P" $(attach_args)
	KS_TRACE=1 ks 0 detach --pid "$P"
	KS_TRACE=
	for ((n = FIRST; ; n += STRIDE)); do
		ctl attach --pid "$P" $(attach_args)
		ks "$n" detach --pid "$P"
		finished && break
		ctl detach --pid "$P"
		ctl gc
		verdict detach "$n" "$(problems)"
	done
	echo "$n" >"$SH_TMP/steps.$L"
}
sweep_heal() {
	local n why
	ctl attach --pid "$P" $(attach_args)
	reset
	KS_TRACE=1 ks 0 heal
	KS_TRACE=
	for ((n = FIRST; ; n += STRIDE)); do
		reset
		ks "$n" heal
		finished && break
		why=$(ctl heal || echo "heal again failed")
		ns=$(nsenter -t "$P" -n ip -o addr show dev lv0 2>/dev/null)
		case $ns in *10.98.0.2/24*) ;; *) why+="not healed: '$ns'" ;; esac
		case $(nsenter -t "$P" -n ip -o link show dev lv0 2>/dev/null) in *"mtu 1400"*) ;; *) why+=" no mtu 1400" ;; esac
		[ -z "$why" ] || { verdict heal "$n" "$why"; ctl attach --pid "$P" $(attach_args); }
	done
	ctl detach --pid "$P"
	fake_tree_renamed
	ctl detach --pid "$P"
	echo "$n" >"$SH_TMP/steps.$L"
	verdict heal end "$(problems)"
}

run_lane() { # TAG SWEEP
	lane "$1"
	: >"$SH_TMP/report.$L"
	standin_netns_proc P
	"$2"
	standin_kill "$P"
}
run_lane a sweep_attach &
run_lane d sweep_detach &
run_lane h sweep_heal &
wait

for l in a d h; do
	lane "$l"
	cat "$SH_TMP/report.$l" >>"$REPORT"
	steps=$(cat "$SH_TMP/steps.$l" 2>/dev/null)
	echo "# kill -9 live: lane $l swept steps $FIRST..${steps:-?} by $STRIDE, $(wc -l <"$SH_TMP/report.$l") not recovered"
	t_check "$l/swept" "no sweep ran in lane $l" -n "$steps"
	t_empty "$l/every_step_recovered" "$(wc -l <"$SH_TMP/report.$l") of $steps steps (see $REPORT)" "$(head -3 "$SH_TMP/report.$l")"
done
t_end
