#!/bin/sh
# Installs, on Debian 12 as root, every package the build, the demo and the tests use; quiet when
# all are present already. clang and libclang-rt-14-dev: the fuzzing and sanitizer builds
# (libFuzzer, ASan, UBSan); llvm: llvm-symbolizer and asan_symbolize for their reports; python3:
# the test libraries and the torture driver. The CDI Go module's source: its JSON schema, and
# python3-jsonschema to check specs against it (tests/engines/cdi.sh). dpdk-dev: DPDK's
# dpdk-testpmd, which the VM suite runs on a vfio VF (Debian's dpdk package has only the scripts).
set -e
pkgs="build-essential pkg-config libyajl-dev libnl-3-dev libnl-route-3-dev libseccomp-dev libcmocka-dev
      iproute2 runc busybox-static podman docker.io containernetworking-plugins time strace
      dpkg-dev debhelper fakeroot lintian clang libclang-rt-14-dev llvm python3
      golang-github-container-orchestrated-devices-container-device-interface-dev python3-jsonschema
      dpdk-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q $missing; } >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "deps: could not install$missing" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
