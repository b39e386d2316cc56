#!/bin/bash
# The modern suite's Debian roots: trixie and sid, each with its container engines and the hook's
# libraries, made once with debootstrap and kept under /var/cache/sriov-hook-modern/<suite>; a root
# whose stamp is missing (a build that was cut short, a cleared cache) is made again. The mirror is
# the one this machine's apt uses for bookworm: only its suite differs.
#   tests/modern/roots.sh trixie sid    # prints nothing when the roots are there; exits non-zero if not
set -u
CACHE=${MODERN_CACHE:-/var/cache/sriov-hook-modern}
# What the suite runs in a root (tests/modern/run.sh): the engines, the runtimes, the CNI
# plugins and nftables they need, tini as the namespace's init, the hook's shared libraries, and a
# CRI client's parts (grpcio, grpc-tools; the CRI api.proto comes from CRI_PKG).
PKGS="docker.io docker-cli containerd podman runc crun nftables iptables containernetworking-plugins tini
 iproute2 procps python3 python3-grpcio python3-grpc-tools libyajl2 libnl-3-200 libnl-route-3-200
 libseccomp2 ca-certificates"
# Only its api.proto is taken: installed, the package pulls in ~230 MB of Go sources on sid.
CRI_PKG=golang-github-kubernetes-cri-api-dev
CRI_PROTO=./usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto
# Bump when PKGS or the root's setup changes: a root with another stamp is made again.
STAMP_VERSION=1

. "$(dirname "$0")/../lib/aptsource.sh"

die() { echo "modern/roots: $*" >&2; exit 1; }

# make_root SUITE: debootstrap into DIR.new, the packages through the root's own apt, then rename.
make_root() {
	local suite=$1 dir="$CACHE/$1" uri log
	log="$CACHE/$suite.log"
	uri=$(apt_suite_uri bookworm) || die "no deb source for bookworm in /etc/apt: the roots' mirror comes from there"
	rm -rf --one-file-system "$dir.new" "$dir" "$dir.ok"
	mkdir -p "$CACHE"
	echo "modern: making the $suite root in $dir (debootstrap + engines, ~170 MB)" >&2
	debootstrap --variant=minbase "$suite" "$dir.new" "$uri" >"$log" 2>&1 ||
		die "debootstrap $suite failed: $(tail -n 3 "$log" | tr '\n' ' ')"
	# No daemon starts inside the root while packages are installed.
	printf '#!/bin/sh\nexit 101\n' >"$dir.new/usr/sbin/policy-rc.d"
	chmod 755 "$dir.new/usr/sbin/policy-rc.d"
	# sid's Release file carries a Valid-Until that the archive lets expire.
	echo 'Acquire::Check-Valid-Until "false";' >"$dir.new/etc/apt/apt.conf.d/99sriov-hook-modern"
	# shellcheck disable=SC2086 # PKGS is a list of names
	CRI_PKG=$CRI_PKG CRI_PROTO=$CRI_PROTO unshare -m --propagation private sh -c '
		root=$1; shift
		mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" &&
		chroot "$root" apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q --no-install-recommends "$@" &&
		chroot "$root" sh -c "cd /tmp && apt-get download -q $CRI_PKG && dpkg-deb --fsys-tarfile ${CRI_PKG}_*.deb |
			tar -C / -x $CRI_PROTO && rm ${CRI_PKG}_*.deb" &&
		chroot "$root" apt-get clean' sh "$dir.new" $PKGS >>"$log" 2>&1 ||
		die "installing the engines in the $suite root failed: $(tail -n 3 "$log" | tr '\n' ' ')"
	mv "$dir.new" "$dir"
	echo "$STAMP_VERSION $(date -u +%FT%TZ)" >"$dir.ok"
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
mkdir -p "$CACHE"
ready() { [ -d "$CACHE/$1" ] && [ "$(cut -d' ' -f1 "$CACHE/$1.ok" 2>/dev/null)" = "$STAMP_VERSION" ]; }
for s in "$@"; do
	ready "$s" && continue
	# One maker per root: a second run waits for it, then finds the root made.
	exec 9>"$CACHE/$s.lock"
	flock 9
	ready "$s" || make_root "$s"
	exec 9>&-
done
