#!/bin/sh
# Installs, on Debian 12 as root, the packages the build, the demo and the tests use; quiet when
# all are present already.
#   deps.sh demo   what `make demo` uses: a compiler, the four libraries' -dev packages, pkg-config,
#                  and what scripts/demo.sh runs (runc, iproute2, busybox-static, python3 for
#                  tests/lib/bundle.sh). A newcomer's first command downloads tens of MB, not a GB.
#   deps.sh        everything the suites use too (make check, .ci/run). clang and
#                  libclang-rt-14-dev: the fuzzing and sanitizer builds (libFuzzer, ASan, UBSan);
#                  llvm: llvm-symbolizer and asan_symbolize for their reports. The CDI Go module's
#                  source: its JSON schema, and python3-jsonschema to check specs against it
#                  (tests/engines/cdi.sh). dpdk-dev: DPDK's dpdk-testpmd, which the VM suite runs
#                  on a vfio VF (Debian's dpdk package has only the scripts). debootstrap: the
#                  fresh-machine suite (tests/fresh/). ethtool and libbpf-dev: the residue tests
#                  (a tenant's offloads; its XDP program, built with clang for the BPF target).
set -e
demo="gcc libc6-dev make pkg-config libyajl-dev libnl-3-dev libnl-route-3-dev libseccomp-dev
      runc iproute2 busybox-static python3"
case ${1:-all} in
demo)
	pkgs=$demo
	# Recommends would bring what the demo never runs (runc's recommend a daemon's worth).
	opts=--no-install-recommends
	;;
all)
	pkgs="$demo build-essential libcmocka-dev podman docker.io containernetworking-plugins time strace
	      dpkg-dev debhelper fakeroot lintian clang libclang-rt-14-dev llvm
	      golang-github-container-orchestrated-devices-container-device-interface-dev python3-jsonschema
	      dpdk-dev debootstrap ethtool libbpf-dev"
	opts=
	;;
*)
	echo "usage: deps.sh [demo|all]" >&2
	exit 2
	;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing$missing: run as root (apt-get install)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q $opts $missing; } >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "deps: could not install$missing" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
