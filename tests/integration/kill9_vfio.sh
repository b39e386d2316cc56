#!/bin/bash
# kill -9 at every step of sriov-runc's vfio step: `sriov-runc create` of a container with
# io.sriov.mode=vfio is SIGKILLed at the entry of each of its system calls in turn (tests/tools/
# killstep), while it claims the VF, records it, binds it to vfio-pci (driver_override, unbind,
# probe), writes the info file and edits config.json. Its runc is a stand-in that fails the
# create (a run that is not killed gives the VF back itself). After each kill, what an operator or
# the next container does must put everything back: odd steps `sriovctl gc`, even steps the next
# claim of the VF (a netdev container's createRuntime, then its poststop). Then the VF is on igbvf
# with its netdev, no driver_override, as created, and the state dir holds nothing but lock files.
# tests/lib/fakevfio.py plays the kernel's part of a bind (this machine has no IOMMU); the failing
# steps are listed in build/tests/kill9_vfio.txt.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
. "$REPO/tests/lib/standin.sh"
. "$REPO/tests/lib/bundle.sh"
. "$REPO/tests/lib/fakevfio.sh"
t_init kill9_vfio "$REPO"
t_require_hook
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
WRAPPER=$(dirname "$HOOK")/sriov-runc
CTL=$(dirname "$HOOK")/sriovctl
REPORT=${KILL9_REPORT:-$REPO/build/tests/kill9_vfio.txt}
[ -x "$KILLSTEP" ] || { t_fail build "$KILLSTEP is missing: run make tools"; exit 1; }
standin_init || exit 1
standin_pf_create a 3e 1 || { t_fail setup "stand-ins could not be made"; exit 1; }
fakevfio_setup a
PF=$(standin_pf_name a)
VFPCI=$(standin_vf_pci a 0)
DEVDIR=$SH_SYSFS/devices/pci0000:00/$VFPCI
STUB=$SH_TMP/stub-runc
printf '#!/bin/sh\nexit 1\n' >"$STUB"
chmod +x "$STUB"
CFG=$(standin_config k9v "\"dev_root\": \"$FAKEVFIO_DEV\"" "\"runc\": \"$STUB\"")
STATE=$(standin_state_dir k9v)
B=$SH_TMP/ct
bundle_runc "$B" "$HOOK" "$CFG" true pf="$PF" vf=0 mode=vfio || exit 1
bundle_edit "$B" 'c.pop("hooks", None)'
cp "$B/config.json" "$SH_TMP/config.orig"
NB=$SH_TMP/next
bundle_bare "$NB" pf="$PF" vf=0
mkdir -p "$(dirname "$REPORT")"
: >"$REPORT"

# ks N ID: sriov-runc create under killstep, killed at step N (0: never). KS_LINE: its report.
ks() {
	cp "$SH_TMP/config.orig" "$B/config.json"
	env -i timeout 30 "$KILLSTEP" -k "$1" -o "$SH_TMP/ks.out" -- "$WRAPPER" --sriov-config "$CFG" \
		--root "$SH_TMP/runc" create --bundle "$B" "$2" >/dev/null 2>&1
	KS_LINE=$(tail -n 1 "$SH_TMP/ks.out")
}

# problems: how the VF and the state dir differ from before, one line each.
problems() {
	[ "$(fakevfio_driver a 0)" = igbvf ] || echo "on driver '$(fakevfio_driver a 0)'"
	[ -z "$(tr -d '\n' <"$DEVDIR/driver_override")" ] || echo "driver_override '$(cat "$DEVDIR/driver_override")'"
	standin_vf_problems a
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

# A run not killed: sriov-runc binds, the stand-in runc fails the create, the VF comes back.
ks 0 ref
total=${KS_LINE#syscalls }
case $KS_LINE in syscalls\ *) t_pass reference/counted ;; *) t_fail reference/counted "killstep: $KS_LINE"; exit 1 ;; esac
# the run must have got as far as runc: bound, then given back after the create failed
t_contains reference/bound "$(cat "$SH_TMP/k9v.log")" "attached on vfio-pci" "the log"
settled
t_empty reference/recovered "after a create that failed" "$(problems)"

ok=0 notkilled=0 failed=0
for ((n = 1; n <= total; n++)); do
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
echo "# kill -9 of sriov-runc (vfio): $ok/$total steps recovered ($notkilled ran to their end)"
t_check all_steps_recovered "$failed of $total steps not recovered (see $REPORT): $(head -n 3 "$REPORT" | tr '\n' ' ')" "$failed" = 0
t_end
