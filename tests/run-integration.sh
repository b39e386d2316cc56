#!/bin/bash
# Runs every tests/integration/*.sh (as root) with the repo root as argument; each prints
# PASS/FAIL lines. Exits non-zero when any test printed a FAIL or exited non-zero.
# Usage: tests/run-integration.sh [test-name...]   (names without .sh; default: all)
# Each script gets 300 s, or what a line "# timeout: N" among its first lines asks (the kill9 sweeps,
# whose step count grows with the hook).
REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "FAIL integration/root: the integration tests need root"
	exit 1
fi
if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do tests+=("$REPO/tests/integration/${t%.sh}.sh"); done
else
	tests=("$REPO"/tests/integration/*.sh)
fi
status=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	out=$(mktemp)
	limit=$(head -n 40 "$t" | sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' | head -n 1)
	start=$EPOCHREALTIME
	timeout "${limit:-300}" bash "$t" "$REPO" 2>"$out.err" | tee "$out"
	rc=${PIPESTATUS[0]}
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
	if grep -q '^FAIL ' "$out"; then
		status=1
	elif [ "$rc" != 0 ]; then
		echo "FAIL integration/$name: exited $rc without a FAIL line: $(tail -3 "$out.err" | tr '\n' ' ')"
		status=1
	elif ! grep -q '^PASS ' "$out"; then
		echo "FAIL integration/$name: no check ran"
		status=1
	fi
	[ -s "$out.err" ] && [ -n "${VERBOSE:-}" ] && sed "s|^|  $name: |" "$out.err" >&2
	echo "# integration/$name: $(grep -c '^PASS ' "$out") passed, $(grep -c '^FAIL ' "$out") failed, ${secs}s" >&2
	rm -f "$out" "$out.err"
done
exit $status
