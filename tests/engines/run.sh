#!/bin/bash
# The engines suite (root): sriov-runc on its own, make install, podman with the hooks.d files and
# with the CDI spec, docker with the wrapper. Each script prints `PASS engines/<name>` or
# `FAIL engines/<name>: <why>` and cleans up after itself; this runner exits non-zero when any
# check failed or a script died without saying why. ENGINES="wrapper podman" narrows the run.
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "FAIL engines/root: the engines suite needs root (netns, links, podman, dockerd)"
	exit 1
fi
start=$(date +%s)
rc=0
for t in ${ENGINES:-wrapper install podman cdi docker}; do
	out=$(mktemp /tmp/sriov-engines.XXXXXX)
	bash "tests/engines/$t.sh" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	if grep -q '^FAIL ' "$out"; then
		rc=1
	elif [ "$status" != 0 ]; then
		echo "FAIL engines/$t: exited with status $status"
		rc=1
	elif ! grep -q '^PASS ' "$out"; then
		echo "FAIL engines/$t: reported no result"
		rc=1
	fi
	rm -f "$out"
done
echo "engines: $(($(date +%s) - start)) s"
exit $rc
