#!/bin/bash
# kill -9 at every step of sriov-runc's vfio step: `sriov-runc create` of a container with
# io.sriov.mode=vfio is SIGKILLed at the entry of each of its system calls in turn (tests/tools/
# killstep), while it claims the VF, records it, binds it to vfio-pci (driver_override, unbind,
# probe), writes the info file and edits config.json. Its runc is a stand-in that fails the
# create (a run that is not killed gives the VF back itself). After each kill, what an operator or
# the next container does must put everything back: odd steps `sriovctl gc`, even steps the next
# claim of the VF (a netdev container's createRuntime, then its poststop). Then the VF is on igbvf
# with its netdev, no driver_override, as created, and the state dir holds nothing but lock files.
# Each lane's VF shares its IOMMU group with a second VF, bound ahead to vfio-pci: the claim takes
# that one too (its steps are in the sweep), and every recovery gives it back with the first.
# tests/lib/fakevfio.py plays the kernel's part of a bind (this machine has no IOMMU); the failing
# steps are listed in build/tests/kill9_vfio.txt.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup kill9_vfio "$REPO" "a 3e 2" "b 3f 2"
. "$REPO/tests/lib/fakevfio.sh"
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
WRAPPER=$(dirname "$HOOK")/sriov-runc
CTL=$(dirname "$HOOK")/sriovctl
REPORT=${KILL9_REPORT:-$REPO/build/tests/kill9_vfio.txt}
[ -x "$KILLSTEP" ] || { t_fail build "$KILLSTEP is missing: run make tools"; exit 1; }
# Two lanes at once, each with its own PF (one VF), state dir and bundle: odd steps (recovered by
# gc) and even steps (recovered by the next claim).
fakevfio_setup a b
for l in a b; do
	fakevfio_share "$l" 0 1
	standin_vf_set_driver "$l" 1 vfio-pci
done
STUB=$SH_TMP/stub-runc
printf '#!/bin/sh\nexit 1\n' >"$STUB"
chmod +x "$STUB"
for l in a b; do
	cfg=$(standin_config "k9v$l" "\"dev_root\": \"$FAKEVFIO_DEV\"" "\"runc\": \"$STUB\"")
	bundle_runc "$SH_TMP/ct$l" "$HOOK" "$cfg" true pf="$(standin_pf_name $l)" vf=0 mode=vfio || exit 1
	bundle_edit "$SH_TMP/ct$l" 'c.pop("hooks", None)'
	cp "$SH_TMP/ct$l/config.json" "$SH_TMP/config.orig.$l"
	bundle_bare "$SH_TMP/next$l" pf="$(standin_pf_name $l)" vf=0
done
mkdir -p "$(dirname "$REPORT")"
: >"$REPORT"

# lane TAG: the globals of lane TAG.
lane() {
	L=$1
	CFG=$SH_TMP/k9v$L.config.json
	STATE=$(standin_state_dir "k9v$L")
	VFPCI=$(standin_vf_pci "$L" 0)
	DEVDIR=$SH_SYSFS/devices/pci0000:00/$VFPCI
	B=$SH_TMP/ct$L
	NB=$SH_TMP/next$L
}

# ks N ID: sriov-runc create under killstep, killed at step N (0: never). KS_LINE: its report.
ks() {
	cp "$SH_TMP/config.orig.$L" "$B/config.json"
	env -i timeout 30 "$KILLSTEP" -k "$1" -o "$SH_TMP/ks.$L.out" -- "$WRAPPER" --sriov-config "$CFG" \
		--root "$SH_TMP/runc" create --bundle "$B" "$2" >/dev/null 2>&1
	KS_LINE=$(tail -n 1 "$SH_TMP/ks.$L.out")
}

# problems: how the VF and the state dir differ from before, one line each.
problems() {
	[ "$(fakevfio_driver "$L" 0)" = igbvf ] || echo "on driver '$(fakevfio_driver "$L" 0)'"
	[ -z "$(tr -d '\n' <"$DEVDIR/driver_override")" ] || echo "driver_override '$(cat "$DEVDIR/driver_override")'"
	standin_vf_problems "$L" 0
	[ "$(fakevfio_driver "$L" 1)" = vfio-pci ] || echo "VF 1 on driver '$(fakevfio_driver "$L" 1)'"
	standin_state_residue "$STATE" | grep -Ev '^file .*/locks/[^/]*$|^file .*\.lock$' | sed 's/^/left: /'
}

# settled: waits for the fake kernel to act on what was written (a real one acts within the write).
settled() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(cat "$SH_SYSFS"/bus/pci/drivers_probe "$SH_SYSFS"/bus/pci/drivers/*/bind \
			"$SH_SYSFS"/bus/pci/drivers/*/unbind 2>/dev/null)" ] && return 0
		sleep 0.005
	done
}

# recover N: what comes after a kill: gc (odd N), or the next claim and its poststop (even N).
recover() {
	settled
	if [ $(($1 % 2)) = 1 ]; then
		REC_OUT=$("$CTL" --config "$CFG" gc 2>&1) || return 1
	else
		standin_netns_proc NSPID
		hook_run "$CFG" createRuntime "$(hook_state "next$1" "$NSPID" "$NB")"
		REC_OUT=$HOOK_ERR
		[ "$HOOK_RC" = 0 ] || { standin_kill "$NSPID"; return 1; }
		standin_kill "$NSPID"
		hook_run "$CFG" poststop "$(hook_state "next$1" 0 "$NB")"
		REC_OUT=$HOOK_ERR
		[ "$HOOK_RC" = 0 ] || return 1
	fi
	settled
}

# repair: puts the VF back by hand so that the next step starts as the first did.
repair() {
	echo "$VFPCI" >"$SH_SYSFS/bus/pci/drivers/vfio-pci/unbind"
	settled
	: >"$DEVDIR/driver_override"
	echo "$VFPCI" >"$SH_SYSFS/bus/pci/drivers_probe"
	settled
	rm -rf "$STATE"
}

# sweep TAG FIRST TOTAL: steps FIRST, FIRST+2, ... of lane TAG; "ok notkilled failed" to a file.
sweep() {
	local n ok=0 notkilled=0 failed=0 p
	lane "$1"
	for ((n = $2; n <= $3; n += 2)); do
		ks "$n" "c$n"
		case $KS_LINE in killed\ *) ;; *) notkilled=$((notkilled + 1)) ;; esac
		if recover "$n" && p=$(problems) && [ -z "$p" ]; then
			ok=$((ok + 1))
			continue
		fi
		failed=$((failed + 1))
		p=${p:-$(problems)}
		echo "$n ${KS_LINE#killed $n } $([ $((n % 2)) = 1 ] && echo gc || echo next-claim): $(echo "$REC_OUT $p" | tr '\n' ' ')" >>"$REPORT"
		repair
	done
	echo "$ok $notkilled $failed" >"$SH_TMP/sweep.$1"
}

# A run not killed: sriov-runc binds, the stand-in runc fails the create, the VF comes back.
lane a
ks 0 ref
total=${KS_LINE#syscalls }
case $KS_LINE in syscalls\ *) t_pass reference/counted ;; *) t_fail reference/counted "killstep: $KS_LINE"; exit 1 ;; esac
# the run must have got as far as runc: bound, then given back after the create failed
t_contains reference/bound "$(cat "$SH_TMP/k9va.log")" "attached on vfio-pci" "the log"
t_contains reference/group "$(cat "$SH_TMP/k9va.log")" "holds 1 other VF(s): claimed with it" "the log"
settled
t_empty reference/recovered "after a create that failed" "$(problems)"

sweep a 1 "$total" &
sweep b 2 "$total" &
wait
read -r ok_a nk_a failed_a <"$SH_TMP/sweep.a"
read -r ok_b nk_b failed_b <"$SH_TMP/sweep.b"
echo "# kill -9 of sriov-runc (vfio): $((ok_a + ok_b))/$total steps recovered ($((nk_a + nk_b)) ran to their end)"
failed=$((failed_a + failed_b))
t_check all_steps_recovered "$failed of $total steps not recovered (see $REPORT): $(sort -n "$REPORT" | head -n 3 | tr '\n' ' ')" "$failed" = 0
t_end
