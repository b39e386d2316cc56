#!/bin/sh
# Runs the cmocka unit test binaries given as arguments; prints PASS/FAIL/SKIP lines per test case
# and a closing line "N passed, M failed, S skipped". Exits non-zero when any case fails or a
# binary dies. (cmocka's TAP output marks a skipped case "not ok N # SKIP name".)
rc=0
passed=0
failed=0
skipped=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	status=$?
	lines=$(printf '%s\n' "$out" | awk -v s="unit/$name" '
		/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "PASS " s "/" $0; next }
		/^not ok [0-9]+ # SKIP / { sub(/^not ok [0-9]+ # SKIP /, ""); print "SKIP " s "/" $0; next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "FAIL " s "/" $0; next }
		/^(#|1\.\.)/ { next }
		{ print "  " $0 }')
	printf '%s\n' "$lines"
	passed=$((passed + $(printf '%s\n' "$lines" | grep -c '^PASS ')))
	failed=$((failed + $(printf '%s\n' "$lines" | grep -c '^FAIL ')))
	skipped=$((skipped + $(printf '%s\n' "$lines" | grep -c '^SKIP ')))
	if [ "$status" -ne 0 ]; then
		rc=1
		if ! printf '%s\n' "$lines" | grep -q '^FAIL '; then
			echo "FAIL unit/$name: exited with status $status"
			failed=$((failed + 1))
		fi
	fi
done
echo "# unit: $passed passed, $failed failed, $skipped skipped"
exit $rc
