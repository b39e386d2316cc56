#!/bin/bash
# `make demo`: runs a real runc container that receives a VF through sriov-hook and prints what it
# sees, then shows the VF back on the host. Run as root from the repo root after `make all`.
#   make demo                 a stand-in VF (veth) behind a fake sysfs tree, removed afterwards
#   make demo PF=ens1f0       a real VF of that PF (vf=auto), under /sys
# Optional: IP (CIDRs, comma-separated), GATEWAY, MTU, IFNAME.
REPO=$(cd "$(dirname "$0")/.." && pwd)
HOOK=${HOOK:-$REPO/build/sriov-hook}
. "$REPO/tests/lib/standin.sh"
. "$REPO/tests/lib/bundle.sh"

die() { echo "demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it moves network devices and runs runc)"
[ -x "$HOOK" ] || die "$HOOK is missing: run make all"
command -v runc >/dev/null || die "runc is missing: run make deps"
[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing: run make deps"

IP=${IP:-10.10.0.2/24,fd10::2/64}
GATEWAY=${GATEWAY:-10.10.0.1,fd10::1}
MTU=${MTU:-}
IFNAME=${IFNAME:-}
standin_init || exit 1

if [ -t 1 ]; then
	bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
else
	bold() { printf '\n== %s\n' "$*"; }
fi
indent() { sed 's/^/    /'; }

# vf_line NAME: "name  mtu N  mac M  state S" of a host netdev, or why it is not there.
vf_line() {
	ip -o link show dev "$1" 2>/dev/null | awk '{
		n = $2; sub(/:$/, "", n); sub(/@.*/, "", n)
		for (i = 1; i <= NF; i++) { if ($i == "mtu") m = $(i + 1); if ($i == "link/ether") a = $(i + 1); if ($i == "state") s = $(i + 1) }
		printf "%s  mtu %s  mac %s  state %s\n", n, m, a, s }' || echo "$1: not in the host namespace"
}

if [ -z "${PF:-}" ]; then
	MODE=stand-in
	standin_pf_create a 3b 2 || die "could not create the stand-in netdevs"
	PFNAME=$(standin_pf_name a)
	SYSFS=$SH_SYSFS
	VFNAMES=("$(standin_vf_name a 0)" "$(standin_vf_name a 1)")
	MTU=${MTU:-9000}
else
	MODE=real
	PFNAME=$PF
	SYSFS=/sys
	[ -e "/sys/class/net/$PF/device/sriov_numvfs" ] || die "$PF is not an SR-IOV PF (no /sys/class/net/$PF/device/sriov_numvfs)"
	[ "$(cat "/sys/class/net/$PF/device/sriov_numvfs")" -gt 0 ] ||
		die "$PF has no VF enabled: echo 2 > /sys/class/net/$PF/device/sriov_numvfs"
	VFNAMES=()
	for d in /sys/class/net/"$PF"/device/virtfn*/net/*; do
		[ -e "$d" ] && VFNAMES+=("$(basename "$d")")
	done
fi

STATE=$SH_TMP/state
CFG=$SH_TMP/config.json
cat >"$CFG" <<EOF
{"state_dir": "$STATE", "sysfs_root": "$SYSFS", "log": "$SH_TMP/hook.log"}
EOF

ANN=(pf="$PFNAME" vf="${VF:-$([ "$MODE" = real ] && echo auto || echo 0)}" ip="$IP")
[ -n "$GATEWAY" ] && ANN+=(gateway="$GATEWAY")
[ -n "$MTU" ] && ANN+=(mtu="$MTU")
[ -n "$IFNAME" ] && ANN+=(ifname="$IFNAME")

bold "sriov-hook demo ($MODE VF)"
if [ "$MODE" = stand-in ]; then
	echo "No PF given, so the PF is a stand-in: $PFNAME (a veth) with 2 VFs (veths), described by a"
	echo "fake sysfs tree at $SYSFS that mirrors the real layout. Use PF=<name> for a real NIC."
else
	echo "PF $PF, VFs under /sys/class/net/$PF/device/virtfn*."
fi
bold "VFs on the host before"
for v in "${VFNAMES[@]}"; do vf_line "$v"; done | indent

BUNDLE=$SH_TMP/bundle
bundle_runc "$BUNDLE" "$HOOK" "$CFG" \
	'echo "--- ip addr"; ip addr; echo "--- ip route"; ip route; echo "--- ip -6 route"; ip -6 route' \
	"${ANN[@]}" || die "could not build the bundle"
bold "runc run (createRuntime and poststop hooks: $HOOK --config $CFG <stage>)"
echo "annotations:" | indent
for a in "${ANN[@]}"; do echo "io.sriov.$a"; done | indent | indent

bold "Inside the container"
runc_t run --bundle "$BUNDLE" sriov-demo </dev/null 2>"$SH_TMP/runc.err" | indent
rc=${PIPESTATUS[0]}
if [ "$rc" != 0 ]; then
	echo "runc run exited $rc:"
	indent <"$SH_TMP/runc.err"
fi

bold "VFs on the host after the container exited"
for v in "${VFNAMES[@]}"; do vf_line "$v"; done | indent
left=$(standin_state_residue "$STATE")
if [ -z "$left" ]; then
	echo "Claim store ($STATE): empty, no pinned namespace left."
else
	echo "Left in the claim store:"
	echo "$left" | indent
	rc=1
fi
[ -s "$SH_TMP/hook.log" ] && { bold "Hook log"; indent <"$SH_TMP/hook.log"; }
if [ "$MODE" = stand-in ]; then
	problems=$(standin_vf_problems a)
	if [ -z "$problems" ]; then
		echo "The stand-in VFs are back exactly as they were (name, MTU, MAC). Cleaning up."
	else
		echo "The stand-in VFs differ from before:"
		echo "$problems" | indent
		rc=1
	fi
fi
exit "$rc"
