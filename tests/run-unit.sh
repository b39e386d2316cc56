#!/bin/sh
# Runs the cmocka unit test binaries given as arguments; prints PASS/FAIL lines per test case.
# Exits non-zero when any case fails or a binary dies.
rc=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	status=$?
	printf '%s\n' "$out" | awk -v s="unit/$name" '
		/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "PASS " s "/" $0; next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "FAIL " s "/" $0; next }
		/^(#|1\.\.)/ { next }
		{ print "  " $0 }'
	if [ "$status" -ne 0 ]; then
		rc=1
		printf '%s\n' "$out" | grep -q '^not ok' || echo "FAIL unit/$name: exited with status $status"
	fi
done
exit $rc
