#!/bin/sh
# Runs every suite (each prints PASS/FAIL lines), then the total. Exits non-zero when anything failed.
#   layers       the include rule of src/ (scripts/layers.py)
#   unit         cmocka unit tests
#   integration  root: netns, stand-in VFs, runc; includes kill9 (SIGKILL at every system call)
#   torture      root: 1,000 hook runs, 16 workers, random SIGKILLs (make torture: 10,000)
#   sanitize     unit + integration on the clang ASan + UBSan build
#   fuzz         each libFuzzer harness for 30 s (make fuzz FUZZ_SECONDS=N for longer)
#   engines      podman and docker (Debian 12);  modern  docker 26/28, podman 5, containerd (chroots)
#   vm           the QEMU guest: igb VFs on 6.1 in full, 5.10/6.12/7.2 and virtio-net VFs in part
#   standin      make standin-up / standin-down;  package  the Debian package, built, installed, purged
#   fresh        make demo the first time on a fresh minimal Debian 12 root (debootstrap, chroot)
# SUITES="unit integration" narrows the run; SUITES=kill9 runs only the kill9 integration test.
cd "$(dirname "$0")/.." || exit 1
suites=${SUITES:-layers unit integration torture sanitize fuzz engines modern standin package fresh vm}
log=$(mktemp /tmp/sriov-hook-check.XXXXXX)
trap 'rm -f "$log" "$log".*' EXIT
all_start=$(date +%s)
for s in $suites; do
	echo "== $s"
	case $s in
	layers) cmd="make -s check-layers" ;;
	unit) cmd="make -s check-unit" ;;
	integration) cmd="make -s tools && tests/run-integration.sh" ;;
	kill9) cmd="make -s all tools && tests/run-integration.sh kill9" ;;
	torture) cmd="make -s check-torture" ;;
	sanitize) cmd="make -s check-sanitize" ;;
	fuzz) cmd="make -s fuzz-check" ;;
	engines) cmd="make -s check-engines" ;;
	modern) cmd="make -s check-modern" ;;
	standin) cmd="make -s check-standin" ;;
	package) cmd="make -s check-package" ;;
	fresh) cmd="make -s check-fresh" ;;
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
skipped=$(grep -c '^SKIP ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$log"
fi
total=$(($(date +%s) - all_start))
echo "== total: $total s ($((total / 60)) min $((total % 60)) s) for: $suites"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
