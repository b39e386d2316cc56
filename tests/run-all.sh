#!/bin/sh
# Runs every suite (unit, integration, engines, vm: each prints PASS/FAIL lines), then the total.
# SUITES="unit integration" narrows the run. Exits non-zero when anything failed.
cd "$(dirname "$0")/.." || exit 1
suites=${SUITES:-unit integration engines vm}
log=$(mktemp /tmp/sriov-hook-check.XXXXXX)
trap 'rm -f "$log" "$log".*' EXIT
for s in $suites; do
	echo "== $s"
	case $s in
	unit) cmd="make -s check-unit" ;;
	integration) cmd="tests/run-integration.sh" ;;
	engines) cmd="make -s check-engines" ;;
	vm) cmd="make -s vm-check" ;;
	*) echo "FAIL $s: unknown suite" | tee -a "$log"; continue ;;
	esac
	start=$(date +%s)
	{ sh -c "$cmd" 2>&1; echo $? >"$log.rc"; } | tee "$log.out"
	status=$(cat "$log.rc")
	if ! grep -q '^\(PASS\|FAIL\) ' "$log.out"; then
		echo "FAIL $s: the suite reported no result (exit status $status)" | tee -a "$log.out"
	elif [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$log.out"; then
		echo "FAIL $s: exited with status $status" | tee -a "$log.out"
	fi
	cat "$log.out" >>"$log"
	echo "== $s: $(($(date +%s) - start)) s"
done
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
