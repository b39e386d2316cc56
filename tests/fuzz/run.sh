#!/bin/bash
# Runs each libFuzzer harness for SECONDS from its seed corpus, two at a time (the harnesses are
# single-threaded), and prints one PASS/FAIL line per harness with its executions, speed and
# crashes. A crash fails it: the input is kept in $FUZZ_BUILD/crash-<name>-*, the report shown.
# Usage: tests/fuzz/run.sh SECONDS HARNESS...   (FUZZ_BUILD: where corpora and crashes go)
cd "$(dirname "$0")/../.." || exit 1
secs=$1
shift
build=${FUZZ_BUILD:-build/fuzz}
jobs=${FUZZ_JOBS:-2}

# one HARNESS: runs it, writes its log to $build/log.<name>.
one() {
	local bin=$1 name corpus
	name=$(basename "$bin")
	name=${name#fuzz_}
	corpus=$build/corpus/$name
	mkdir -p "$corpus"
	rm -f "$build/crash-$name-"* "$build/leak-$name-"* "$build/timeout-$name-"* "$build/oom-$name-"*
	# The new corpus entries go to $corpus; the seeds in the tree are only read.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-dict=tests/fuzz/json.dict -artifact_prefix="$build/crash-$name-" \
		"$corpus" "tests/fuzz/corpus/$name" >"$build/log.$name" 2>&1
	echo $? >"$build/rc.$name"
}

mkdir -p "$build"
pids=()
for bin in "$@"; do
	one "$bin" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
wait

status=0
total=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	log=$build/log.$name
	rc=$(cat "$build/rc.$name" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	units=$(find "$build/corpus/$name" -type f | wc -l)
	crashes=$(ls "$build/crash-$name-"* 2>/dev/null | wc -l)
	total=$((total + ${execs:-0}))
	echo "# fuzz $name: ${execs:-?} execs in ${secs} s (${speed:-?}/s), ${cov:-cov: ?}, corpus $units, crashes $crashes"
	if [ "$rc" = 0 ] && [ "$crashes" = 0 ] && [ -n "$execs" ]; then
		echo "PASS fuzz/$name"
	else
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|    #[0-9]+ )' "$log" | head -n 25 | sed 's/^/#   /'
		echo "FAIL fuzz/$name: exit $rc, crashes $crashes ($(ls "$build/crash-$name-"* 2>/dev/null | head -n 3 | tr '\n' ' '))"
		status=1
	fi
done
echo "# fuzz: $total execs in all"
exit $status
