#!/bin/bash
# The modern suite (root): docker 26 and 28, podman 5.4 and 5.8, containerd 1.7 and 2.1 through
# CRI, each run from a cached Debian root (trixie or sid, tests/modern/roots.sh) in mount, pid and
# network namespaces of its own (tests/modern/ns.sh) with a stand-in PF inside. Prints each
# script's PASS/FAIL lines, then the matrix engine x scenario; exits non-zero when a check failed
# or something outlived its namespace. MODERN_ENGINES="docker28 podman54" narrows the run.
cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
if [ "$(id -u)" != 0 ]; then
	echo "FAIL modern/root: the modern suite needs root (debootstrap, namespaces, engines)"
	exit 1
fi
for b in sriov-hook sriov-runc sriovctl; do
	[ -x "build/$b" ] || { echo "FAIL modern/build: build/$b is missing: run make all"; exit 1; }
done
CACHE=${MODERN_CACHE:-/var/cache/sriov-hook-modern}
# engine  root    script
MATRIX="docker26 trixie docker
docker28 sid docker
podman54 trixie podman
podman58 sid podman
containerd17 trixie cri
containerd21 sid cri"
want=${MODERN_ENGINES:-$(echo "$MATRIX" | awk '{print $1}')}
start=$(date +%s)
suites=$(echo "$MATRIX" | awk -v w=" $(echo $want) " 'index(w, " " $1 " ") {print $2}' | sort -u)
# shellcheck disable=SC2086 # a list of suite names
if ! tests/modern/roots.sh $suites; then
	echo "FAIL modern/roots: the Debian roots could not be made"
	exit 1
fi
echo "modern: roots ready in $(($(date +%s) - start)) s"
out=$(mktemp /tmp/sriov-modern.XXXXXX)
trap 'rm -f "$out"' EXIT
rc=0
for e in $want; do
	line=$(echo "$MATRIX" | awk -v e="$e" '$1 == e')
	[ -n "$line" ] || { echo "FAIL modern/$e: unknown engine"; rc=1; continue; }
	set -- $line
	t0=$(date +%s)
	timeout -k 10 300 unshare -m -p -n -f --propagation private /usr/bin/tini -s -- \
		tests/modern/ns.sh "$CACHE/$2" "$REPO" "tests/modern/$3.sh" "$e" 2>&1 | tee "$out.$e"
	status=${PIPESTATUS[0]}
	if grep -q '^FAIL ' "$out.$e"; then
		rc=1
	elif [ "$status" != 0 ]; then
		echo "FAIL modern/$e: exited with status $status" | tee -a "$out.$e"
		rc=1
	elif ! grep -q '^PASS ' "$out.$e"; then
		echo "FAIL modern/$e: reported no result" | tee -a "$out.$e"
		rc=1
	fi
	# Cgroup directories are all that can outlive the namespaces: the engine's parent, deepest first.
	left=""
	for d in /sys/fs/cgroup/*/sriov-modern-"$e" /sys/fs/cgroup/sriov-modern-"$e"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] && left="$left $d"
	done
	if [ -n "$left" ]; then
		echo "FAIL modern/$e/teardown: cgroups left:$left" | tee -a "$out.$e"
		rc=1
	else
		echo "PASS modern/$e/teardown" | tee -a "$out.$e"
	fi
	echo "modern: $e $(($(date +%s) - t0)) s"
done

# The matrix: a scenario passes for an engine when every check of it passed; "-" = not run there.
echo
echo "modern: engine x scenario (ok = every check passed, FAIL = one did, - = not run)"
for e in $want; do [ -f "$out.$e" ] && cat "$out.$e"; done | python3 -c '
import re, sys
res, engines, scen = {}, [], []
for line in sys.stdin:
    m = re.match(r"^(PASS|FAIL) modern/([^/ :]+)/([^/ :]+)", line.strip())
    if not m:
        continue
    verdict, e, s = m.groups()
    if e not in engines: engines.append(e)
    if s not in scen: scen.append(s)
    if res.get((e, s)) != "FAIL":
        res[(e, s)] = "ok" if verdict == "PASS" else "FAIL"
w = max(len(s) for s in scen) if scen else 8
print("%-*s " % (w, "") + " ".join("%-12s" % e for e in engines))
for s in scen:
    print("%-*s " % (w, s) + " ".join("%-12s" % res.get((e, s), "-") for e in engines))
'
rm -f "$out".*
echo "modern: $(($(date +%s) - start)) s"
exit $rc
