#!/bin/bash
# Runs one engine script of the modern suite inside a cached Debian root, in namespaces of its
# own (run.sh starts it as `unshare -m -p -n -f --propagation private tini -s -- ns.sh ...`): the
# root is an overlay whose changes live in a tmpfs, so the engines' images, containers and state
# go with the mount namespace; their daemons die with the pid namespace and their netdevs (the
# stand-in PF and VFs, bridges, veths) with the network namespace. Only cgroup directories
# outlive it: each engine is given the cgroup parent sriov-modern-<engine>, removed by run.sh.
#   ns.sh ROOT REPO SCRIPT ENGINE
set -eu
root=$1 repo=$2 script=$3 engine=$4
w=$(mktemp -d /tmp/sriov-modern-ns.XXXXXX)
mount -t tmpfs -o mode=0755 sriov-modern "$w"
mkdir "$w/upper" "$w/work" "$w/root"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$w/upper,workdir=$w/work" "$w/root"
r=$w/root
mount -t proc proc "$r/proc"
# A sysfs of this network namespace, so that /sys/class/net shows its devices (the host's /sys
# shows the host's); the cgroup hierarchies are the host's, bound in.
mount -t sysfs sysfs "$r/sys"
if [ -n "${MODERN_CGROUP2:-}" ]; then
	# Pure cgroup v2 (crun refuses this host's hybrid layout): the host's unified hierarchy alone.
	mount -t cgroup2 none "$r/sys/fs/cgroup"
else
	mount --rbind /sys/fs/cgroup "$r/sys/fs/cgroup"
fi
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
mkdir -p "$r/run/lock" "$r$repo"
mount --bind "$repo" "$r$repo"
mount -o remount,bind,ro "$r$repo"
# The tests' busybox image is made from busybox-static, as on the host.
cp /bin/busybox "$r/bin/busybox"
ip link set lo up
cd /
exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 MODERN_ENGINE="$engine" ${MODERN_KEEP:+MODERN_KEEP=1} \
	/bin/bash "$repo/$script"
