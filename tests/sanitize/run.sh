#!/bin/bash
# The unit and integration suites on the ASan + UBSan build ($SAN_BUILD, made by `make
# sanitize-build`): its unit binaries, and every integration test with HOOK=$SAN_BUILD/sriov-hook
# (runc runs that path too: the bundles name $HOOK). The sanitizer runtimes write their findings
# to $SAN_BUILD/reports/ (built into the binaries: runc gives hooks an empty environment) and exit
# 86; any report there fails the suite, shown symbolized. Lines are PASS/FAIL sanitize/...
# Not run here: the kill9 sweeps (LeakSanitizer cannot stop the world of a process under ptrace, and the
# sanitizer runtime's own system calls would be the steps), nor the torture (it uses killstep too).
# Usage: tests/sanitize/run.sh [integration-test...]   (default: all but the kill9 sweeps)
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SAN_BUILD=${SAN_BUILD:-$REPO/build/asan}
case $SAN_BUILD in /*) ;; *) SAN_BUILD=$REPO/$SAN_BUILD ;; esac
reports=$SAN_BUILD/reports
status=0

if [ ! -x "$SAN_BUILD/sriov-hook" ]; then
	echo "FAIL sanitize/build: $SAN_BUILD/sriov-hook is missing: run make sanitize-build"
	exit 1
fi
mkdir -p "$reports"
rm -f "$reports"/report.* "$reports"/.index "$reports"/.stderr

start=$(date +%s)
# The unit binaries' own children (fork, no exec) inherit the options; the runner adds none.
# (Not the compiler's test_*.d dependency files beside them.)
# shellcheck disable=SC2046 # file names of our own making, without spaces
"$REPO/tests/run-unit.sh" $(find "$SAN_BUILD/tests" -maxdepth 1 -type f -name 'test_*' ! -name '*.d' | sort) | sed -E 's/^(PASS|FAIL) unit\//\1 sanitize\/unit\//'
[ "${PIPESTATUS[0]}" = 0 ] || status=1
echo "# sanitize: unit suites in $(($(date +%s) - start)) s"

start=$(date +%s)
if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for t in "$REPO"/tests/integration/*.sh; do
		t=$(basename "$t" .sh)
		case $t in kill9 | kill9_*) ;; *) tests+=("$t") ;; esac
	done
fi
# (run-integration.sh's per-test summaries on stderr come after, not interleaved with the lines.)
HOOK=$SAN_BUILD/sriov-hook "$REPO/tests/run-integration.sh" "${tests[@]}" 2>"$reports/.stderr" |
	sed -E 's/^(PASS|FAIL) integration\//\1 sanitize\/integration\//'
[ "${PIPESTATUS[0]}" = 0 ] || status=1
sed 's/^# integration/# sanitize: integration/' "$reports/.stderr"
echo "# sanitize: integration suites in $(($(date +%s) - start)) s"

# Every report, whichever test's hook or binary wrote it: one FAIL line per distinct finding (its
# kind and top frames), with how many reports had it and the first one's stack, symbolized.
symbolize() {
	if command -v asan_symbolize >/dev/null 2>&1; then asan_symbolize 2>/dev/null; else cat; fi
}
n=0
: >"$reports/.index"
for r in "$reports"/report.*; do
	[ -f "$r" ] || continue
	n=$((n + 1))
	symbolize <"$r" >"$r.sym"
	kind=$(grep -m1 -oE 'ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: [^:]*|Sanitizer has encountered a fatal error' "$r.sym")
	frames=$(grep -E '^ +#[0-9]+ ' "$r.sym" | grep -v '__interceptor_' | head -n 3 | awk '{print $4}' | paste -sd' ' -)
	printf '%s\t%s\n' "${kind:-a sanitizer report} in ${frames:-?}" "$r.sym" >>"$reports/.index"
done
cut -f1 "$reports/.index" | sort | uniq -c | sort -rn | while read -r count sig; do
	first=$(awk -F '\t' -v s="$sig" '$1 == s {print $2; exit}' "$reports/.index")
	echo "FAIL sanitize/report: $count report(s): $sig"
	grep -E '^ +#[0-9]+ |SUMMARY|ERROR|runtime error' "$first" | head -n 12 | sed 's/^/#   /'
	status=1
done
[ "$n" = 0 ] && echo "PASS sanitize/no_reports"
echo "# sanitize: $n sanitizer reports (in $reports)"
exit $status
