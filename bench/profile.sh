#!/bin/bash
# `make bench-profile`: where sriov-hook's time goes, next to the floor doing the same kernel work.
# On one veth stand-in VF: strace -f -T (time in each syscall, the rest is user space), perf
# (on-CPU samples and off-CPU kernel stacks at sched_switch), and callgrind (instructions by
# function; valgrind does not know seccomp(2), so the filter is not installed there). Writes the
# summary to bench/results/profile.md (kept in git) and the tools' own outputs (strace traces, perf
# reports, callgrind annotations) to build/bench/profile/ (not). Root only.
#
# Environment: RUNS (default 20), BUILD, BENCH_OUT as for bench/run.sh, BENCH_RAW (default
# $BUILD/bench) for the raw outputs.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1
BUILD=${BUILD:-build}
RUNS=${RUNS:-20}
OUT=${BENCH_OUT:-$REPO/bench/results}
RAW=${BENCH_RAW:-$REPO/$BUILD/bench}/profile
HOOK=${HOOK:-$REPO/$BUILD/sriov-hook}
FLOOR=$REPO/$BUILD/bench/floor

die() {
	echo "bench-profile: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root"
{ [ -x "$HOOK" ] && [ -x "$FLOOR" ]; } || die "build first: make bench-tools all"
command -v strace >/dev/null || die "strace missing: apt-get install strace"

SH_PREFIX=shq$(printf %x $$)
# shellcheck source=tests/lib/standin.sh
. tests/lib/standin.sh
# shellcheck source=tests/lib/bundle.sh
. tests/lib/bundle.sh
# shellcheck source=bench/lib/tree.sh
. bench/lib/tree.sh
standin_init || die "standin_init failed"
# Measure one fixed binary even if build/ is rebuilt meanwhile.
cp "$HOOK" "$SH_TMP/sriov-hook" || die "cannot copy $HOOK"
HOOK=$SH_TMP/sriov-hook
B=$SH_TMP/profile
mkdir -p "$B/strace" "$OUT" "$RAW" "$SH_TMP/run"
rm -f "${RAW:?}"/*
mount -t tmpfs -o mode=0755,size=64m sriov-bench "$SH_TMP/run" || die "tmpfs"
CFG=$SH_TMP/hook.config.json
STATE=$SH_TMP/run/sriov-hook
cat >"$CFG" <<EOF
{"state_dir": "$STATE", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/hook.log", "poststop_timeout_ms": 3000}
EOF
standin_pf_create h 3b 1 || die "standin"
bench_pf_create a 60 1024 last || die "tree"
P_HOOK=$(standin_netns_proc)
P_FLOOR=$(standin_netns_proc)
VF_FLOOR=${SH_PREFIX}F
{ ip link add "$VF_FLOOR" type veth peer name "${VF_FLOOR}x" && ip link set "${VF_FLOOR}x" up; } || die "veth"
bundle_bare "$B/bh" pf="$(standin_pf_name h)" vf=0 ifname=eth0 ip=10.77.2.2/24 || die "bundle"
bundle_bare "$B/ba" pf="${SH_PREFIX}ap" vf=auto ifname=eth0 ip=10.77.2.2/24 || die "bundle"

# hook_pair TAG BUNDLE WRAPPER...: createRuntime then poststop, each under WRAPPER (may be empty).
hook_pair() {
	local tag=$1 bundle=$2 id
	shift 2
	id="prof-$tag-$RANDOM"
	hook_state "$id" "$P_HOOK" "$bundle" >"$B/c.json"
	hook_state "$id" 0 "$bundle" >"$B/p.json"
	env -i "${@/\{stage\}/create}" "$HOOK" --config "$CFG" createRuntime <"$B/c.json" >>"$B/hook.out" 2>&1
	env -i "${@/\{stage\}/poststop}" "$HOOK" --config "$CFG" poststop <"$B/p.json" >>"$B/hook.out" 2>&1
}
floor_pair() {
	"$@" "$FLOOR" in "$VF_FLOOR" "/proc/$P_FLOOR/ns/net" eth0 10.77.1.2/24
	"$@" "$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR"
}

echo "bench-profile: strace ($RUNS runs of each stage, hook and floor)" >&2
for ((i = 1; i <= RUNS; i++)); do
	hook_pair idx "$B/bh" strace -f -T -tt -o "$B/strace/strace.hook.{stage}.$i.txt"
	hook_pair auto "$B/ba" strace -f -T -tt -o "$B/strace/strace.auto1024.{stage}.$i.txt"
	strace -f -T -tt -o "$B/strace/strace.floor.in.$i.txt" "$FLOOR" in "$VF_FLOOR" "/proc/$P_FLOOR/ns/net" eth0 10.77.1.2/24
	strace -f -T -tt -o "$B/strace/strace.floor.out.$i.txt" "$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR"
done

# perf_loop: RUNS createRuntime+poststop pairs per bundle (hook, auto1024) and floor in/out, one
# process at a time; each one's pid and stage go to $B/pids.txt for offcpu.py.
perf_loop() {
	local i tag bundle id
	: >"$B/pids.txt"
	for ((i = 1; i <= RUNS; i++)); do
		for tag in hook auto1024; do
			bundle=$B/bh
			[ $tag = hook ] || bundle=$B/ba
			id="perf-$tag-$i-$RANDOM"
			hook_state "$id" "$P_HOOK" "$bundle" >"$B/c.json"
			hook_state "$id" 0 "$bundle" >"$B/p.json"
			env -i "$HOOK" --config "$CFG" createRuntime <"$B/c.json" >>"$B/hook.out" 2>&1 &
			echo "$! $tag.createRuntime" >>"$B/pids.txt"
			wait $!
			env -i "$HOOK" --config "$CFG" poststop <"$B/p.json" >>"$B/hook.out" 2>&1 &
			echo "$! $tag.poststop" >>"$B/pids.txt"
			wait $!
		done
		"$FLOOR" in "$VF_FLOOR" "/proc/$P_FLOOR/ns/net" eth0 10.77.1.2/24 &
		echo "$! floor.in" >>"$B/pids.txt"
		wait $!
		"$FLOOR" out "/proc/$P_FLOOR/ns/net" eth0 "$VF_FLOOR" &
		echo "$! floor.out" >>"$B/pids.txt"
		wait $!
	done
}
# perf_around FILE PERF-RECORD-ARGS...: system-wide recording while perf_loop runs.
perf_around() {
	local file=$1 pid
	shift
	perf record -q -a -o "$file" "$@" >/dev/null 2>&1 &
	pid=$!
	standin_track_pid "$pid"
	sleep 0.5
	perf_loop
	kill -INT "$pid"
	wait "$pid"
}

if command -v perf >/dev/null; then
	echo "bench-profile: perf (on-CPU samples, off-CPU kernel stacks)" >&2
	perf_around "$B/cpu.data" -F 10000 -g
	perf report -q -i "$B/cpu.data" --stdio --comms sriov-hook --no-children --sort dso,sym --percentage relative --percent-limit 0.5 \
		-g none >"$RAW/perf.cpu.txt" 2>/dev/null
	perf_around "$B/off.data" -e sched:sched_switch -g
	perf script -i "$B/off.data" -F comm,pid,time,event,trace,ip,sym >"$B/off.txt" 2>/dev/null
	"$SH_PY" bench/offcpu.py "$B/off.txt" "$B/pids.txt" >"$RAW/perf.offcpu.md"
fi

if command -v valgrind >/dev/null; then
	echo "bench-profile: callgrind" >&2
	hook_pair cg "$B/bh" valgrind --tool=callgrind "--callgrind-out-file=$B/cg.{stage}.out"
	for s in create poststop; do
		if [ -s "$B/cg.$s.out" ]; then
			callgrind_annotate --inclusive=yes "$B/cg.$s.out" 2>/dev/null | head -60 >"$RAW/callgrind.$s.txt"
		fi
	done
fi

{
	"${SH_PY}" bench/strace_summary.py "$B/strace" || die "summary failed"
	if [ -s "$RAW/perf.offcpu.md" ]; then
		echo "# Off-CPU: where the hook waits in the kernel (perf sched_switch, no strace)"
		echo
		cat "$RAW/perf.offcpu.md"
	fi
	if [ -s "$RAW/perf.cpu.txt" ]; then
		echo "# On-CPU samples of the hook processes (perf, all runs; % of the hook's samples)"
		echo
		echo '```'
		head -40 "$RAW/perf.cpu.txt"
		echo '```'
	fi
	for s in create poststop; do
		[ -s "$RAW/callgrind.$s.txt" ] || continue
		echo "# callgrind, $s (instructions, inclusive)"
		echo
		echo '```'
		sed -n '/PROGRAM TOTALS/,$p' "$RAW/callgrind.$s.txt" | head -40
		echo '```'
	done
} >"$OUT/profile.md"
cp "$B/strace/strace.hook.create.1.txt" "$B/strace/strace.hook.poststop.1.txt" "$RAW/" # one raw trace of each stage
cat "$OUT/profile.md"
echo "bench-profile: summary in $OUT/profile.md, the tools' outputs in $RAW/" >&2
