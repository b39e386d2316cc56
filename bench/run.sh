#!/bin/bash
# `make bench`: sriov-hook side by side with the kernel floor, CNI host-device, plain ip commands and
# runc end to end, all on veth stand-ins behind a fake sysfs tree, interleaved in one run; then
# vf=auto over 8/128/1024 VFs, N parallel createRuntime, time until a VF is claimable again after
# poststop starts, peak RSS and binary size; and in the VM suite's guest (igbvf under QEMU TCG),
# poststop with "release": "restore" against "rebind". Writes bench/results/bench.{md,csv}. Root only.
#
# Environment: REPS (default 50, at least 30), PAR_REPS (default 30), GAP (idle seconds before
# each timed run, default 0.02), BENCH_SEED (order shuffling, default 1), BUILD (default build),
# HOOK (the binary to measure, default $BUILD/sriov-hook), BENCH_NOTE (a line for the report),
# BENCH_OUT (default bench/results: the summaries kept in git), BENCH_RAW (default $BUILD/bench:
# errors.log of failed runs, and with BENCH_KEEP=1 the raw samples in BENCH_RAW/raw/), BENCH_VM=0
# (skip the VM section), SRIOV_VM_CACHE (where the VM suite keeps its guest kernels).
# Wall-clock numbers are reported, never asserted: the exit status says only whether it ran.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1
BUILD=${BUILD:-build}
REPS=${REPS:-50}
GAP=${GAP:-0.02}
RANDOM=${BENCH_SEED:-1}
PAR_REPS=${PAR_REPS:-30}
OUT=${BENCH_OUT:-$REPO/bench/results}
RAW=${BENCH_RAW:-$REPO/$BUILD/bench}
HOOK=${HOOK:-$REPO/$BUILD/sriov-hook}
FLOOR=$REPO/$BUILD/bench/floor
RUNX=$REPO/$BUILD/bench/runx
CNI=/usr/lib/cni/host-device
AUTO_SIZES=(8 128 1024)
PAR_NS=(1 4 16 32)

die() {
	echo "bench: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root (netns, veth, runc)"
for f in "$HOOK" "$FLOOR" "$RUNX"; do [ -x "$f" ] || die "$f missing: run make bench"; done
[ -x "$CNI" ] || die "$CNI missing: apt-get install containernetworking-plugins"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
command -v runc >/dev/null || die "runc missing: apt-get install runc"

SH_PREFIX=shb$(printf %x $$)
# shellcheck source=tests/lib/standin.sh
. tests/lib/standin.sh
# shellcheck source=tests/lib/bundle.sh
. tests/lib/bundle.sh
# shellcheck source=bench/lib/tree.sh
. bench/lib/tree.sh
standin_init || die "standin_init failed"
# Measure one fixed binary even if build/ is rebuilt meanwhile.
cp "$HOOK" "$SH_TMP/sriov-hook" || die "cannot copy $HOOK"
HOOK_BUILT=$HOOK
HOOK=$SH_TMP/sriov-hook

B=$SH_TMP/bench
S=$B/s # samples; a warm-up points S and F elsewhere
F=$B/f
mkdir -p "$B/s" "$B/f" "$B/warm/s" "$B/warm/f" "$OUT" "$RAW"
: >"$B/errors.log"
: >"$B/meta"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$B/meta"; }
say() { printf 'bench: %s\n' "$*" >&2; }

# The kernel finishes some work of a netns move later (RCU callbacks, netns cleanup): a short idle
# gap before every timed run keeps one method's leftovers from landing on the next one.
settle() { [ "$GAP" = 0 ] || sleep "$GAP"; }

# shuffle N: ORDER becomes a random order of 0..N-1 (seeded by BENCH_SEED), so that no method
# always follows the same one. (Not in a subshell: RANDOM's state must carry on.)
shuffle() {
	local n=$1 i j t
	ORDER=()
	for ((i = 0; i < n; i++)); do ORDER[i]=$i; done
	for ((i = n - 1; i > 0; i--)); do
		j=$((RANDOM % (i + 1)))
		t=${ORDER[i]} ORDER[i]=${ORDER[j]} ORDER[j]=$t
	done
}

# m KEY REP RUNX-ARGS...: one timed run; "REP microseconds" goes to $S/KEY. A failure is
# counted in $F/KEY and its output kept in errors.log. Returns the command's status.
m() {
	local key=$1 rep=$2 out rc
	shift 2
	: >"$B/last.out"
	settle
	out=$("$RUNX" -o "$B/last.out" "$@")
	rc=$?
	if [ $rc = 0 ]; then
		awk -v r="$rep" '$1 ~ /^[0-9]+$/ {print r, $3}' <<<"$out" >>"$S/$key"
	else
		echo "$rep" >>"$F/$key"
		{ echo "--- $key rep $rep: runx $*"; echo "$out"; cat "$B/last.out"; } >>"$B/errors.log"
	fi
	return $rc
}

# mx KEY REP RUNX-ARGS...: like m, for a run that is expected to fail; every run is a sample and
# the last output is kept in $B/KEY.out.
mx() {
	local key=$1 rep=$2 out
	shift 2
	: >"$B/last.out"
	settle
	out=$("$RUNX" -o "$B/last.out" "$@")
	awk -v r="$rep" '$1 ~ /^[0-9]+$/ {print r, $3}' <<<"$out" >>"$S/$key"
	cp "$B/last.out" "$B/$key.out"
}

# A VF stand-in outside the fake tree (floor, host-device, ip need no sysfs): a veth end whose
# peer is up, as in tests/lib/standin.sh.
bench_veth() {
	ip link add "$1" type veth peer name "${1}x" || return 1
	ip link set "${1}x" up && ip link set "$1" address "$2" mtu 1500
}

# Hook configs: state_dir on a tmpfs, as /run is on a stock Debian; a second one on this VM's
# ext4 (where /run/sriov-hook would be here), to show what the claim store's fsync costs.
mkdir -p "$SH_TMP/run" "$SH_TMP/ext4state"
mount -t tmpfs -o mode=0755,size=64m sriov-bench "$SH_TMP/run" || die "cannot mount a tmpfs"
CFG=$SH_TMP/hook.config.json
CFG_EXT4=$SH_TMP/hook-ext4.config.json
STATE=$SH_TMP/run/sriov-hook
cat >"$CFG" <<EOF
{"state_dir": "$STATE", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/hook.log", "poststop_timeout_ms": 3000}
EOF
cat >"$CFG_EXT4" <<EOF
{"state_dir": "$SH_TMP/ext4state/sriov-hook", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/hook.log", "poststop_timeout_ms": 3000}
EOF

say "setting up stand-ins (veth VFs, fake sysfs with 8/128/1024-VF PFs, 32 containers)"
# --- side by side: one VF and one container per method
P_FLOOR=$(standin_netns_proc)
P_HOOK=$(standin_netns_proc)
P_EXT4=$(standin_netns_proc)
P_CNI=$(standin_netns_proc)
P_IP=$(standin_netns_proc)
P_AUTO=$(standin_netns_proc)
P_RECL=$(standin_netns_proc)

VF_FLOOR=${SH_PREFIX}F
VF_CNI=${SH_PREFIX}D
VF_IP=${SH_PREFIX}I
bench_veth "$VF_FLOOR" 02:5e:aa:00:00:01 || die "veth"
bench_veth "$VF_CNI" 02:5e:aa:00:00:02 || die "veth"
bench_veth "$VF_IP" 02:5e:aa:00:00:03 || die "veth"
NS_IP=${SH_PREFIX}ns
ip netns attach "$NS_IP" "$P_IP" || die "ip netns attach"

standin_pf_create h 3b 1 || die "standin PF h"
standin_pf_create e 3c 1 || die "standin PF e"
standin_pf_create r 3d 1 || die "standin PF r"
standin_pf_create c 3e 1 || die "standin PF c"
VF_RECL=$(standin_vf_name r 0)
PCI_RECL=$(standin_vf_pci r 0)

bundle_bare "$B/bh" pf="$(standin_pf_name h)" vf=0 ifname=eth0 ip=10.77.2.2/24 || die "bundle"
bundle_bare "$B/be" pf="$(standin_pf_name e)" vf=0 ifname=eth0 ip=10.77.3.2/24 || die "bundle"
bundle_bare "$B/br" pf="$(standin_pf_name r)" vf=0 ifname=eth0 ip=10.77.4.2/24 || die "bundle"

cat >"$B/cni.json" <<EOF
{"cniVersion": "0.4.0", "name": "bench", "type": "host-device", "device": "$VF_CNI",
 "ipam": {"type": "static", "addresses": [{"address": "10.77.5.2/24"}]}}
EOF
CNI_ENV=(-E -e CNI_CONTAINERID=bench-cni -e "CNI_NETNS=/proc/$P_CNI/ns/net" -e CNI_IFNAME=eth0
	-e CNI_PATH=/usr/lib/cni -e PATH=/usr/sbin:/usr/bin:/sbin:/bin)

# What the SR-IOV guides have users type (ip netns + ip -n), as a shell script.
cat >"$B/ip-add.sh" <<EOF
ip link set dev $VF_IP netns $NS_IP
ip -n $NS_IP link set dev $VF_IP name eth0
ip -n $NS_IP addr add 10.77.6.2/24 dev eth0
ip -n $NS_IP link set dev eth0 up
EOF
cat >"$B/ip-del.sh" <<EOF
ip -n $NS_IP link set dev eth0 down
ip -n $NS_IP link set dev eth0 name $VF_IP
ip -n $NS_IP link set dev $VF_IP netns 1
EOF

# runc end to end: busybox running `true`, with and without the hook.
runc_t list >/dev/null 2>&1
bundle_runc "$B/rc-hook" "$HOOK" "$CFG" true pf="$(standin_pf_name c)" vf=0 ifname=eth0 ip=10.77.7.2/24 ||
	die "bundle_runc"
bundle_runc "$B/rc-none" "$HOOK" "" true || die "bundle_runc"
bundle_edit "$B/rc-none" 'del c["hooks"]; c["annotations"] = {}' || die "bundle_edit"
RUNC_PATH=$(command -v runc)

# --- vf=auto trees: every VF but the last is in use (its netdev is in a container: net/ empty)
tags=(a b d)
buses=(40 50 60)
for i in 0 1 2; do
	n=${AUTO_SIZES[$i]}
	bench_pf_create "${tags[$i]}" "${buses[$i]}" "$n" last || die "tree of $n VFs"
	bundle_bare "$B/auto$n" pf="${SH_PREFIX}${tags[$i]}p" vf=auto ifname=eth0 ip=10.77.8.2/24 || die "bundle"
	# the same with topology: a cpuset on node 3 of 4, the PFs on nodes 0, 1 and 3
	bundle_bare "$B/auto${n}t" pf="${SH_PREFIX}${tags[$i]}p" vf=auto ifname=eth0 ip=10.77.8.2/24 || die "bundle"
	bundle_edit "$B/auto${n}t" "c['linux']['resources'] = {'cpu': {'cpus': '3'}}" || die "bundle_edit"
	echo "$((i == 2 ? 3 : i))" >"$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci "${tags[$i]}")/numa_node"
done
for i in 0 1 2 3; do
	mkdir -p "$SH_SYSFS/devices/system/node/node$i" && echo "$i" >"$SH_SYSFS/devices/system/node/node$i/cpulist"
done

# --- parallel: a PF with 32 real VFs, one container and bundle per VF
bench_pf_create p 70 32 all || die "32-VF PF"
P_PAR=()
for ((i = 0; i < 32; i++)); do
	P_PAR[i]=$(standin_netns_proc)
	bundle_bare "$B/par$i" pf="${SH_PREFIX}pp" vf="$i" ifname=eth0 ip="10.78.$i.2/24" || die "bundle"
done

# --- the machine
meta machine.nproc "$(nproc)"
meta machine.cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
meta machine.kernel "$(uname -r)"
meta machine.os "$(. /etc/os-release && echo "$PRETTY_NAME") ($(cat /etc/debian_version 2>/dev/null))"
meta machine.mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
meta machine.runc "$(runc --version | head -1)"
meta machine.cni "containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null)"
meta machine.libnl "libnl $(dpkg-query -W -f='${Version}' libnl-route-3-200 2>/dev/null)"
meta machine.load "$(cut -d' ' -f1-3 /proc/loadavg)"
meta machine.run_fs "$(findmnt -n -o FSTYPE -T /run)"
meta run.reps "$REPS"
meta run.par_reps "$PAR_REPS"
meta run.gap "$GAP"
meta run.seed "${BENCH_SEED:-1}"
meta run.note "${BENCH_NOTE:-}"
meta run.date "$(date -u +%Y-%m-%dT%H:%MZ)"
meta hook.version "$("$HOOK" --version 2>&1 | head -1), $HOOK_BUILT sha256 $(sha256sum <"$HOOK" | cut -c1-12)"

# ---------------------------------------------------------------------------------------------
# 1. Side by side, interleaved: each repetition runs every method once, in a shuffled order.
one_floor() {
	if m floor.add "$1" -E -- "$FLOOR" in "$VF_FLOOR" "/proc/$P_FLOOR/ns/net" eth0 10.77.1.2/24; then
		m floor.del "$1" -E -- "$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR"
	else
		"$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR" >/dev/null 2>&1
	fi
}
# one_hook KEY BUNDLE PID CONFIG REP
one_hook() {
	local key=$1 bundle=$2 pid=$3 cfg=$4 rep=$5 id="$1-$5"
	hook_state "$id" "$pid" "$bundle" >"$B/$key.create.json"
	hook_state "$id" 0 "$bundle" >"$B/$key.poststop.json"
	if m "$key.add" "$rep" -E -i "$B/$key.create.json" -- "$HOOK" --config "$cfg" createRuntime; then
		m "$key.del" "$rep" -E -i "$B/$key.poststop.json" -- "$HOOK" --config "$cfg" poststop
	else
		env -i "$HOOK" --config "$cfg" poststop <"$B/$key.poststop.json" >/dev/null 2>&1
	fi
}
one_cni() {
	if m cni.add "$1" "${CNI_ENV[@]}" -e CNI_COMMAND=ADD -i "$B/cni.json" -- "$CNI"; then
		m cni.del "$1" "${CNI_ENV[@]}" -e CNI_COMMAND=DEL -i "$B/cni.json" -- "$CNI"
	else
		env -i CNI_COMMAND=DEL CNI_CONTAINERID=bench-cni "CNI_NETNS=/proc/$P_CNI/ns/net" CNI_IFNAME=eth0 \
			CNI_PATH=/usr/lib/cni "$CNI" <"$B/cni.json" >/dev/null 2>&1
	fi
}
one_ip() {
	if m ip.add "$1" -- /bin/sh -e "$B/ip-add.sh"; then
		m ip.del "$1" -- /bin/sh -e "$B/ip-del.sh"
	else
		/bin/sh "$B/ip-del.sh" >/dev/null 2>&1
	fi
}
one_runc() {
	m runc.none "$1" -- "$RUNC_PATH" --root "$SH_TMP/runc" run -b "$B/rc-none" "rn-$1" </dev/null
	m runc.hook "$1" -- "$RUNC_PATH" --root "$SH_TMP/runc" run -b "$B/rc-hook" "rh-$1" </dev/null
}
methods=(one_floor "one_hook hook $B/bh $P_HOOK $CFG" one_cni one_ip "one_hook hookext4 $B/be $P_EXT4 $CFG_EXT4"
	one_runc)
say "side by side: floor, hook, host-device, ip, hook (ext4 state), runc: $REPS repetitions"
# Warm-up (page cache, first-exec costs), not recorded.
warm() { S=$B/warm/s F=$B/warm/f "$@"; }
# shellcheck disable=SC2086 # the entries are word lists
for f in "${methods[@]}"; do warm $f 0; done
for ((r = 1; r <= REPS; r++)); do
	shuffle ${#methods[@]}
	for j in "${ORDER[@]}"; do
		${methods[$j]} "$r"
	done
done

# ---------------------------------------------------------------------------------------------
# 2. vf=auto over 8, 128 and 1024 VFs. The hook must walk the whole PF to find its only free VF
#    (the last). Two ways the other VFs are taken: "in use" (their netdevs are elsewhere: net/ is
#    empty) and "claimed" (held through sriov-hook by a live container: a claim record each, in a
#    state_dir of their own, one per size). Then the walk alone: no VF free, the hook fails after
#    looking at every VF. createRuntime is timed; poststop too, as it looks the container up
#    among the claims.
say "vf=auto over ${AUTO_SIZES[*]} VFs: $REPS repetitions"
P_HOLD=$(standin_netns_proc)
HOLD_START=$(awk '{sub(/.*\) /, ""); print $20}' "/proc/$P_HOLD/stat")
for n in "${AUTO_SIZES[@]}"; do
	mkdir -m 0700 "$SH_TMP/run/claimed$n" "$SH_TMP/run/claimed$n/claims"
	cat >"$SH_TMP/claimed$n.config.json" <<EOF
{"state_dir": "$SH_TMP/run/claimed$n", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/hook.log", "poststop_timeout_ms": 3000}
EOF
done
# A real record, taken from the hook itself, is the template of the others.
hook_state template "$P_AUTO" "$B/auto8" >"$B/auto.create.json"
hook_state template 0 "$B/auto8" >"$B/auto.poststop.json"
env -i "$HOOK" --config "$SH_TMP/claimed8.config.json" createRuntime <"$B/auto.create.json" >>"$B/errors.log" 2>&1 &&
	cp "$SH_TMP/run/claimed8/claims/$(cat "$SH_TMP/standin/a/pci7").json" "$B/record.json"
env -i "$HOOK" --config "$SH_TMP/claimed8.config.json" poststop <"$B/auto.poststop.json" >>"$B/errors.log" 2>&1
HAVE_CLAIMED=0
if [ -s "$B/record.json" ]; then
	HAVE_CLAIMED=1
	for i in 0 1 2; do
		n=${AUTO_SIZES[$i]}
		"$SH_PY" - "$B/record.json" "$SH_TMP/run/claimed$n/claims" "$SH_TMP/standin/${tags[$i]}" "$n" "$P_HOLD" \
			"$HOLD_START" >>"$B/held.list" <<'PY' || die "cannot write claim records"
import json, os, sys
template, claims, d, n, pid, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rec = json.load(open(template))
for k in range(n - 1):
    pci = open(f"{d}/pci{k}").read().strip()
    r = dict(rec)
    for key, val in (("id", f"held-{n}-{k}"), ("vf_pci", pci), ("vf_index", k), ("pid", pid),
                     ("pid_start", start), ("phase", "attached"), ("pin", "")):
        if key in r:
            r[key] = val
    with open(f"{claims}/{pci}.json", "w") as f:
        json.dump(r, f, indent=4)
    print(f"{claims}/{pci}.json")
PY
	done
else
	echo "--- no claim record to use as a template: the claimed variant is skipped" >>"$B/errors.log"
fi

# one_auto VARIANT N REP: VARIANT auto (in use), autoc (claimed) or topo (in use, the container's
# cpuset and the PF's NUMA node read: io.sriov.numa's default).
one_auto() {
	local v=$1 n=$2 rep=$3 id="$1$2-$3" cfg=$CFG bundle=$B/auto$2
	if [ "$v" = autoc ]; then cfg=$SH_TMP/claimed$n.config.json; fi
	if [ "$v" = topo ]; then bundle=$B/auto${n}t; fi
	hook_state "$id" "$P_AUTO" "$bundle" >"$B/auto.create.json"
	hook_state "$id" 0 "$bundle" >"$B/auto.poststop.json"
	if m "$v$n.add" "$rep" -E -i "$B/auto.create.json" -- "$HOOK" --config "$cfg" createRuntime; then
		m "$v$n.del" "$rep" -E -i "$B/auto.poststop.json" -- "$HOOK" --config "$cfg" poststop
	else
		env -i "$HOOK" --config "$cfg" poststop <"$B/auto.poststop.json" >/dev/null 2>&1
	fi
}
one_auto_walk() {
	local n=$2 rep=$3 id="walk$2-$3"
	hook_state "$id" "$P_AUTO" "$B/auto$n" >"$B/auto.create.json"
	hook_state "$id" 0 "$B/auto$n" >"$B/auto.poststop.json"
	mx "walk$n.add" "$rep" -E -i "$B/auto.create.json" -- "$HOOK" --config "$CFG" createRuntime
	env -i "$HOOK" --config "$CFG" poststop <"$B/auto.poststop.json" >/dev/null 2>&1
}
variants=(auto topo)
[ $HAVE_CLAIMED = 1 ] && variants+=(autoc)
nv=${#variants[@]}
for n in "${AUTO_SIZES[@]}"; do for v in "${variants[@]}"; do warm one_auto "$v" "$n" 0; done; done
for ((r = 1; r <= REPS; r++)); do
	shuffle $((3 * nv))
	for j in "${ORDER[@]}"; do
		one_auto "${variants[$((j / 3))]}" "${AUTO_SIZES[$((j % 3))]}" "$r"
	done
done
for i in 0 1 2; do bench_vf_hide "${tags[$i]}" $((AUTO_SIZES[i] - 1)); done
for n in "${AUTO_SIZES[@]}"; do warm one_auto_walk walk "$n" 0; done
for ((r = 1; r <= REPS; r++)); do
	shuffle 3
	for j in "${ORDER[@]}"; do
		one_auto_walk walk "${AUTO_SIZES[$j]}" "$r"
	done
done
for i in 0 1 2; do bench_vf_show "${tags[$i]}" $((AUTO_SIZES[i] - 1)); done
meta walk.message "$(head -1 "$B/walk1024.add.out" 2>/dev/null)"

# ---------------------------------------------------------------------------------------------
# 3. N parallel createRuntime (distinct VFs of one PF), then N parallel poststop; the same N VFs
#    and containers with the floor (N parallel "floor in", then "floor out") for the kernel's bound.
say "parallel createRuntime and floor, N = ${PAR_NS[*]}: $PAR_REPS repetitions"
# par_batch KEY REP N RUNX-ARGS...: per-copy latencies to KEY.lat, the batch's wall time to KEY.wall.
par_batch() {
	local key=$1 rep=$2 n=$3 out rc
	shift 3
	: >"$B/last.out"
	settle
	out=$("$RUNX" -n "$n" -o "$B/last.out" "$@")
	rc=$?
	awk -v r="$rep" '$1 ~ /^[0-9]+$/ && $2 == 0 {print r, $3}' <<<"$out" >>"$S/$key.lat"
	awk -v r="$rep" '$1 ~ /^[0-9]+$/ && $2 != 0 {print r}' <<<"$out" >>"$F/$key.lat"
	awk -v r="$rep" '$1 == "wall" {print r, $2}' <<<"$out" >>"$S/$key.wall"
	[ $rc = 0 ] || { echo "--- $key rep $rep: runx $*"; cat "$B/last.out"; } >>"$B/errors.log"
	return $rc
}
for ((i = 0; i < 32; i++)); do ln -s "/proc/${P_PAR[$i]}/ns/net" "$B/pns$i"; done
one_par() {
	local n=$1 rep=$2 i
	for ((i = 0; i < n; i++)); do
		hook_state "par$n-$rep-$i" "${P_PAR[$i]}" "$B/par$i" >"$B/par.create.$i.json"
		hook_state "par$n-$rep-$i" 0 "$B/par$i" >"$B/par.poststop.$i.json"
	done
	par_batch "par$n" "$rep" "$n" -E -i "$B/par.create.%d.json" -- "$HOOK" --config "$CFG" createRuntime
	par_batch "par$n.post" "$rep" "$n" -E -i "$B/par.poststop.%d.json" -- "$HOOK" --config "$CFG" poststop
}
one_par_floor() {
	local n=$1 rep=$2
	par_batch "pfloor$n" "$rep" "$n" -E -- "$FLOOR" in "${SH_PREFIX}pv%d" "$B/pns%d" eth0 "10.78.%d.2/24"
	par_batch "pfloor$n.post" "$rep" "$n" -E -- "$FLOOR" out "$B/pns%d" eth0 "${SH_PREFIX}pv%d"
}
for ((r = 1; r <= PAR_REPS; r++)); do
	shuffle $((2 * ${#PAR_NS[@]}))
	for j in "${ORDER[@]}"; do
		if [ "$j" -lt ${#PAR_NS[@]} ]; then
			one_par "${PAR_NS[$j]}" "$r"
		else
			one_par_floor "${PAR_NS[$((j - ${#PAR_NS[@]}))]}" "$r"
		fi
	done
done

# ---------------------------------------------------------------------------------------------
# 4. From poststop's start until the VF can be claimed again: its claim record is gone and its
#    netdev is back in the host namespace under its own name. Alone in its state_dir, and among
#    1023 claims of live containers (the 1024-VF tree of section 2).
say "VF claimable again after poststop: $REPS repetitions"
# one_recl KEY CONFIG STATE_DIR BUNDLE PID VF-PCI VF-NAME REP
one_recl() {
	local key=$1 cfg=$2 state=$3 bundle=$4 pid=$5 pci=$6 vf=$7 r=$8 out rc c
	hook_state "$key-$r" "$pid" "$bundle" >"$B/recl.create.json"
	hook_state "$key-$r" 0 "$bundle" >"$B/recl.poststop.json"
	m "$key.add" "$r" -E -i "$B/recl.create.json" -- "$HOOK" --config "$cfg" createRuntime || return
	: >"$B/last.out"
	settle
	out=$("$RUNX" -o "$B/last.out" -w "$state/claims/$pci.json" -W "$vf" -E -i "$B/recl.poststop.json" -- \
		"$HOOK" --config "$cfg" poststop)
	rc=$?
	c=$(awk '$1 == "claimable" {print $2}' <<<"$out")
	if [ $rc = 0 ] && [ "${c:--1}" -ge 0 ]; then
		awk -v r="$r" '$1 == "0" {print r, $3}' <<<"$out" >>"$S/$key.del"
		echo "$r $c" >>"$S/$key.claimable"
	else
		echo "$r" >>"$F/$key.claimable"
		{ echo "--- $key rep $r"; echo "$out"; cat "$B/last.out"; } >>"$B/errors.log"
		env -i "$HOOK" --config "$cfg" poststop <"$B/recl.poststop.json" >/dev/null 2>&1
	fi
}
recl=("recl $CFG $STATE $B/br $P_RECL $PCI_RECL $VF_RECL")
[ $HAVE_CLAIMED = 1 ] && recl+=("reclc $SH_TMP/claimed1024.config.json $SH_TMP/run/claimed1024 $B/auto1024 $P_AUTO \
$(cat "$SH_TMP/standin/d/pci1023") ${SH_PREFIX}dv1023")
for ((r = 1; r <= REPS; r++)); do
	shuffle ${#recl[@]}
	for j in "${ORDER[@]}"; do
		# shellcheck disable=SC2086 # the entries are word lists
		one_recl ${recl[$j]} "$r"
	done
done
[ -s "$B/held.list" ] && xargs rm -f <"$B/held.list"

# ---------------------------------------------------------------------------------------------
# 5. Peak RSS (GNU time -v), binary size.
say "peak RSS and binary size"
rss_pair() { # TAG BUNDLE PID
	hook_state "rss-$1" "$3" "$2" >"$B/rss.create.json"
	hook_state "rss-$1" 0 "$2" >"$B/rss.poststop.json"
	local i v maxc=0 maxp=0
	for i in 1 2 3 4 5; do
		env -i /usr/bin/time -v -o "$B/time.c" "$HOOK" --config "$CFG" createRuntime <"$B/rss.create.json" >/dev/null 2>&1
		env -i /usr/bin/time -v -o "$B/time.p" "$HOOK" --config "$CFG" poststop <"$B/rss.poststop.json" >/dev/null 2>&1
		v=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$B/time.c")
		[ -n "$v" ] && [ "$v" -gt "$maxc" ] && maxc=$v
		v=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$B/time.p")
		[ -n "$v" ] && [ "$v" -gt "$maxp" ] && maxp=$v
	done
	meta "rss.$1.create" "$maxc"
	meta "rss.$1.poststop" "$maxp"
}
rss_pair hook "$B/bh" "$P_HOOK"
rss_pair auto1024 "$B/auto1024" "$P_AUTO"
maxf=0
for i in 1 2 3 4 5; do
	/usr/bin/time -v -o "$B/time.f" "$FLOOR" in "$VF_FLOOR" "/proc/$P_FLOOR/ns/net" eth0 10.77.1.2/24 >/dev/null 2>&1
	v=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$B/time.f")
	"$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR" >/dev/null 2>&1
	[ -n "$v" ] && [ "$v" -gt "$maxf" ] && maxf=$v
done
meta rss.floor.in "$maxf"
maxc=0
for i in 1 2 3 4 5; do
	env -i CNI_COMMAND=ADD CNI_CONTAINERID=bench-cni "CNI_NETNS=/proc/$P_CNI/ns/net" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni \
		/usr/bin/time -v -o "$B/time.d" "$CNI" <"$B/cni.json" >/dev/null 2>&1
	v=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$B/time.d")
	env -i CNI_COMMAND=DEL CNI_CONTAINERID=bench-cni "CNI_NETNS=/proc/$P_CNI/ns/net" CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni \
		"$CNI" <"$B/cni.json" >/dev/null 2>&1
	[ -n "$v" ] && [ "$v" -gt "$maxc" ] && maxc=$v
done
meta rss.cni.add "$maxc"

meta size.hook "$(stat -c %s "$HOOK_BUILT")"
strip -o "$B/hook.stripped" "$HOOK" 2>/dev/null && meta size.hook.stripped "$(stat -c %s "$B/hook.stripped")"
meta size.hook.text "$(size "$HOOK" | awk 'NR == 2 {print $1}')"
meta size.hook.libs "$(ldd "$HOOK" 2>/dev/null | awk '/=>/ {sub(/\..*/, "", $1); printf "%s%s", sep, $1; sep = " "}')"
meta size.floor "$(stat -c %s "$FLOOR")"
meta size.cni "$(stat -c %s "$CNI")"

# --- 6. release: restore vs rebind on igbvf (VM, TCG). The VM suite's bookworm guest runs only
# release-timing (tests/vm/guest/tests.d/residue.sh), which prints its samples in microseconds as
# "# release-timing|MODE|S1 S2 ..." and the rebind step alone from the hook's log ("probe-ms").
# Only with QEMU and a cached guest kernel (make vm-check fills the cache): otherwise, and with
# BENCH_VM=0, the report says why it was not measured.
vm_release() {
	local log=$RAW/vm-release.log cache=${SRIOV_VM_CACHE:-/var/cache/sriov-hook-vm} m
	if [ "${BENCH_VM:-1}" = 0 ]; then
		meta vm.release.why "BENCH_VM=0"
		return
	fi
	if ! command -v qemu-system-x86_64 >/dev/null || [ ! -f "$cache/kernels/bookworm/vmlinuz" ]; then
		meta vm.release.why "no QEMU or no cached bookworm guest kernel in $cache (run make vm-check once)"
		return
	fi
	say "VM: poststop with release restore vs rebind on igbvf (the bookworm guest under TCG, ~2 minutes)"
	SRIOV_VM_MATRIX=bookworm:igb:full SRIOV_VM_TESTS=release-timing BUILD=$BUILD bash tests/vm/run.sh >"$log" 2>&1
	if ! grep -q '^PASS vm/release-timing' "$log"; then
		meta vm.release.why "the VM run failed: $(grep -m 1 '^FAIL' "$log" || tail -n 1 "$log") (see $log)"
		return
	fi
	for m in restore rebind; do
		sed -n "s/^ *# release-timing|$m|//p" "$log" | tr ' ' '\n' | awk 'NF { print NR, $1 }' >"$S/vm.release.$m"
	done
	sed -n 's/^ *# release-timing|probe-ms|//p' "$log" | tr ' ' '\n' | awk 'NF { print NR, $1 * 1000 }' \
		>"$S/vm.release.probe"
	meta vm.release.guest "$(grep -m 1 -o 'kernel [^ ]* (bookworm)' "$log"), igbvf, QEMU $(qemu-system-x86_64 --version |
		awk 'NR == 1 { print $4 }') TCG, 2 vCPUs"
}
vm_release

# Everything back where it was? (reported, not asserted)
problems=$(for t in h e r c p; do standin_vf_problems "$t"; done; standin_vf_problems a 7; standin_vf_problems b 127;
	standin_vf_problems d 1023)
residue=""
for d in "$STATE" "$SH_TMP/ext4state/sriov-hook" "$SH_TMP"/run/claimed*; do
	[ -d "$d" ] || continue
	res=$(standin_state_residue "$d" | sed "s|$SH_TMP/||")
	nres=$(grep -c . <<<"$res")
	[ "$nres" = 0 ] || residue="$residue${residue:+; }$(basename "$d"): $nres entries, e.g. $(head -2 <<<"$res" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
done
meta check.vf_problems "${problems//$'\n'/; }"
meta check.state_residue "$residue"
meta check.errors "$(grep -c '^---' "$B/errors.log")"

"$SH_PY" bench/report.py "$B" "$OUT" || die "report failed"
cp "$B/errors.log" "$RAW/errors.log" 2>/dev/null
[ -s "$RAW/errors.log" ] || rm -f "$RAW/errors.log"
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	rm -rf "$RAW/raw" && cp -r "$B" "$RAW/raw"
fi
cat "$OUT/bench.md"
nerr=$(grep -c '^---' "$B/errors.log")
[ "$nerr" = 0 ] || say "$nerr runs failed: see $RAW/errors.log"
