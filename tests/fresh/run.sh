#!/bin/bash
# A newcomer's first command on a fresh machine (root): a minimal Debian 12 root (debootstrap
# --variant=minbase bookworm, from the mirror this machine's apt uses), the committed tree copied in
# with `git archive HEAD` as a clone would have it, `make` installed and nothing else, then the
# README's `make demo` run there. It must exit 0, install only what the demo uses and give the VF
# back; afterwards no netdev, mount, process or cgroup of it is left.
# The root runs in a chroot inside its own mount and pid namespaces (/proc, /sys, /dev mounted),
# with a policy-rc.d that keeps package scripts from starting daemons.
# The debootstrap base (~40 s, ~200 MB) and the .deb files apt fetches are kept in $SH_FRESH_CACHE
# (default /var/cache/sriov-hook-fresh) between runs, rebuilt when missing; each run gets a copy.
# Uncommitted changes are not in HEAD: commit before testing them here.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2034 # testlib.sh's result lines name the group
T_GROUP=fresh
# shellcheck source=../lib/testlib.sh
. "$REPO/tests/lib/testlib.sh"
# shellcheck source=../lib/aptsource.sh
. "$REPO/tests/lib/aptsource.sh"
t_init demo "$REPO"

CACHE=${SH_FRESH_CACHE:-/var/cache/sriov-hook-fresh}
BASE=$CACHE/bookworm-minbase
DEBS=$CACHE/archives
SUITE=bookworm
# What the test suites use and the demo does not: none of it may come with `make demo`.
NOT_FOR_DEMO="clang llvm podman docker.io dpdk-dev libcmocka-dev lintian debhelper"

die() {
	t_fail "${2:-setup}" "$1"
	exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, namespaces)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap (make deps)"
git -C "$REPO" rev-parse --verify -q HEAD >/dev/null || die "$REPO is not a git clone with a commit: the root gets git archive HEAD"
MIRROR=$(apt_suite_uri "$SUITE") || die "no deb source for $SUITE in /etc/apt/sources.list{,.d/}: the root's mirror comes from there"
if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]; then
	echo "fresh: note: the tree has uncommitted changes; the root gets HEAD ($(git -C "$REPO" rev-parse --short HEAD))"
fi

# ---- the base: debootstrap once per cache and mirror --------------------------------------------
mkdir -p "$CACHE" "$DEBS/partial" || die "cannot make $CACHE"
exec 9>"$CACHE/lock"
# Another worktree's run may be building the base: wait for it rather than build it twice.
flock -w 600 9 || die "$CACHE/lock is held by another run for 10 minutes"
if [ "$(cat "$BASE.ok" 2>/dev/null)" != "$MIRROR $SUITE" ] || [ ! -x "$BASE/usr/bin/apt-get" ]; then
	rm -rf --one-file-system "$BASE" "$BASE.new" "$BASE.ok"
	start=$(date +%s)
	if ! debootstrap --variant=minbase "$SUITE" "$BASE.new" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
		rm -rf --one-file-system "$BASE.new"
		die "debootstrap --variant=minbase $SUITE failed: $(tail -n 3 "$CACHE/debootstrap.log")" base
	fi
	mv "$BASE.new" "$BASE" && echo "$MIRROR $SUITE" >"$BASE.ok"
	echo "fresh: built the $SUITE minbase root in $(($(date +%s) - start)) s (cached in $BASE)"
else
	echo "fresh: the $SUITE minbase root from the cache ($BASE)"
fi
t_pass base

# ---- this run's root: a copy of the base, the tree, make ------------------------------------------
ROOT=$(mktemp -d /var/tmp/sriov-hook-fresh.XXXXXX) || die "mktemp failed"
OUT=$ROOT.out
mkdir -p "$OUT"
# root_mounts: every mount at or under the root, as this (the host's) mount namespace sees them.
root_mounts() { awk -v d="$ROOT" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo; }
# root_procs: processes whose root directory is in the run's root.
root_procs() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in "$ROOT" | "$ROOT"/*) echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-80)" ;; esac
	done
}
NS_PID=
cleanup() {
	local m
	[ -n "$NS_PID" ] && kill -KILL "$NS_PID" 2>/dev/null && wait "$NS_PID" 2>/dev/null
	for m in $(root_mounts | sort -r); do umount -l "$m"; done
	rm -rf --one-file-system "$ROOT" "$OUT"
	flock -u 9 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cp -a "$BASE/." "$ROOT/" || die "cannot copy $BASE to $ROOT"
# Package scripts start no daemon in the root (invoke-rc.d asks policy-rc.d; 101: not allowed).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
mkdir -p "$ROOT/root/sriov-hook"
git -C "$REPO" archive --format=tar HEAD | tar -x -C "$ROOT/root/sriov-hook" || die "git archive HEAD failed"

# The steps inside the root: make from the archive, then the README's command, timed.
cat >"$ROOT/root/fresh-steps.sh" <<'EOF'
#!/bin/sh
set -u
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends make; } >/root/out/apt-make.log 2>&1; then
	echo 99 >/root/out/demo.rc
	exit 1
fi
cd /root/sriov-hook || exit 1
start=$(date +%s%N)
make demo >/root/out/demo.log 2>&1
echo $? >/root/out/demo.rc
echo $((($(date +%s%N) - start) / 1000000)) >/root/out/demo.ms
dpkg-query -W -f '${Package} ${Status}\n' | awk '$NF == "installed" {print $1}' >/root/out/packages
EOF
chmod 0755 "$ROOT/root/fresh-steps.sh"

# In new mount and pid namespaces: the mounts and every process die with them. The namespace's
# first process mounts, runs the steps in the chroot, lists what is left, and unmounts.
cat >"$OUT/ns.sh" <<'EOF'
set -u
# The root is a mount point of its own, as / is on a machine: runc makes / a slave mount.
mount --bind "$ROOT" "$ROOT" &&
	mount -t proc proc "$ROOT/proc" &&
	mount --rbind /sys "$ROOT/sys" &&
	mount --rbind /dev "$ROOT/dev" &&
	mount -t tmpfs -o mode=0755 tmpfs "$ROOT/run" &&
	mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp" &&
	mkdir -p "$ROOT/root/out" && mount --bind "$OUT" "$ROOT/root/out" &&
	mount --bind "$DEBS" "$ROOT/var/cache/apt/archives" || {
	echo "mounting in the root failed" >"$OUT/ns.err"
	exit 1
}
chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 TERM=dumb /root/fresh-steps.sh </dev/null
# Processes of the demo still alive: this namespace's proc lists them (this shell is 1).
for p in "$ROOT"/proc/[0-9]*; do
	[ "${p##*/}" = 1 ] && continue
	c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) && echo "${p##*/} ${c:0:80}"
done >"$OUT/procs.left"
for m in $(awk -v d="$ROOT" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r); do
	umount "$m" 2>/dev/null || umount -l "$m"
done
EOF
unshare -m -p -f --propagation private env ROOT="$ROOT" OUT="$OUT" DEBS="$DEBS" bash "$OUT/ns.sh" &
NS_PID=$!
wait "$NS_PID"
NS_PID=

[ -s "$OUT/ns.err" ] && die "$(cat "$OUT/ns.err")"
rc=$(cat "$OUT/demo.rc" 2>/dev/null)
if [ "$rc" = 99 ]; then
	die "apt-get install make in the root failed: $(tail -n 3 "$OUT/apt-make.log")" make-demo
fi
ms=$(cat "$OUT/demo.ms" 2>/dev/null || echo 0)
printf 'fresh: make demo in the fresh %s root took %d.%d s (exit %s)\n' "$SUITE" $((ms / 1000)) $((ms % 1000 / 100)) "${rc:-none}"
if [ "$rc" = 0 ]; then
	t_pass make-demo
	# What the user sees at the end: the VF given back.
	sed -n '/VFs on the host after/,$p' "$OUT/demo.log" | sed 's/^/    /'
else
	t_fail make-demo "make demo exited ${rc:-without status}: $(tail -n 15 "$OUT/demo.log")"
fi
demo_log=$(cat "$OUT/demo.log" 2>/dev/null)
t_contains vf-given-back "$demo_log" "The stand-in VFs are back exactly as they were" "make demo's output"
t_contains claim-store-empty "$demo_log" "empty, no pinned namespace left" "make demo's output"
extra=""
for p in $NOT_FOR_DEMO; do grep -qx "$p" "$OUT/packages" 2>/dev/null && extra="$extra $p"; done
t_empty demo-deps-only "make demo installed what only the test suites use" "$extra"

# ---- nothing left behind ------------------------------------------------------------------------
t_empty no-process-in-ns "processes of the demo still alive in its namespace" "$(cat "$OUT/procs.left" 2>/dev/null)"
t_empty no-process "processes left in the root" "$(root_procs)"
t_empty no-mount "mounts left under $ROOT" "$(root_mounts)"
# The demo's stand-in netdevs share a prefix, named in its output (other suites may be making their
# own netdevs on this host meanwhile).
prefix=$(sed -n 's/.*the PF is a stand-in: \(sht[0-9a-f]*\)ap .*/\1/p' "$OUT/demo.log" 2>/dev/null | head -n 1)
if [ -z "$prefix" ]; then
	t_fail no-netdev "make demo's output does not name its stand-in PF"
else
	t_empty no-netdev "netdevs the run left" "$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^$prefix" | tr '\n' ' ')"
fi
t_empty no-cgroup "cgroups of the demo's container left" "$(ls -d /sys/fs/cgroup/*/sriov-demo /sys/fs/cgroup/sriov-demo 2>/dev/null)"
cleanup
trap - EXIT
t_empty no-files "the run's root is still there" "$(ls -d "$ROOT" "$OUT" 2>/dev/null)"
echo "fresh: $((T_CHECKS - T_FAILS)) passed, $T_FAILS failed"
t_end
