#!/bin/bash
# Host side of the QEMU VM suite: fetch QEMU >= 8 (igb), a sid root with QEMU >= 10.1 (virtio-net
# SR-IOV) and Debian's kernels of the matrix (cached outside the work tree), pack an initramfs with
# the freshly built hook, boot each row of the matrix, and turn what the guests print on their
# serial consoles into PASS/FAIL/SKIP lines, a table kernel x driver x test and an exit code. A
# guest that never reports is a FAIL.
#
# Environment: BUILD (default build), SRIOV_VM_CACHE (default /var/cache/sriov-hook-vm),
# SRIOV_VM_TIMEOUT (seconds for the full boot, default 480; the short boot without the IOMMU has
# 90), SRIOV_VM_SMOKE_TIMEOUT (the matrix's other boots, default 200), SRIOV_VM_NUMA_TIMEOUT (the
# boot with two NUMA nodes, default 300), SRIOV_VM_TESTS
# (space-separated guest test names to run instead of each boot's own), SRIOV_VM_VERBOSE=1 (echo
# the whole console), SRIOV_VM_MATRIX (the boots: see matrix below), SRIOV_VM_FETCH_ONLY=1 (fill
# the cache and stop).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
cache=${SRIOV_VM_CACHE:-/var/cache/sriov-hook-vm}
# The full boot takes about 270 s of a 2-core host alone; other suites booting guests at the same
# time (parallel worktrees, CI) made it pass 300 s (measured): the timeout is a hang guard.
vmtimeout=${SRIOV_VM_TIMEOUT:-480}
noiommu_timeout=90
# A smoke boot of the matrix (setup and a handful of tests).
smoke_timeout=${SRIOV_VM_SMOKE_TIMEOUT:-200}
# The boot with two NUMA nodes (its few tests only).
numa_timeout=${SRIOV_VM_NUMA_TIMEOUT:-300}
out=$BUILD/vm
t_start=$(date +%s.%N)

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Setup failures are test failures: CI must see them, never a silent skip.
die() {
	echo "FAIL vm/setup: $*"
	echo "vm: 0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, and the cache in $cache)"
[ -x "$BUILD/sriov-hook" ] || die "$BUILD/sriov-hook not built (run make all)"

# The archive URI for bookworm, read from the machine's own apt sources (deb822 or one-line).
bookworm_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; deb = 0; bw = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^#/) continue
				n = split($i, w, /[ \t]+/)
				if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
				if (w[1] == "URIs:" && uri == "") uri = w[2]
				if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == "bookworm") bw = 1
			}
			if (deb && bw && uri != "") { print uri; exit }
		}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }'
	done
}

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	apt-get update -q >"$out/apt-update.log" 2>&1 || die "apt-get update failed: $(tail -n 3 "$out/apt-update.log" | tr '\n' ' ')"
	apt_updated=1
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null || return 1
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
	[ -n "$v" ] && [ "$v" -ge 8 ] || return 1
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'
}

ensure_qemu() {
	qemu_ok && return 0
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		local uri
		uri=$(bookworm_uri | head -n 1)
		[ -n "$uri" ] || die "no apt source for bookworm found to derive the backports URI from"
		printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$uri" >/etc/apt/sources.list.d/sriov-hook-vm-backports.sources
		apt_updated=0
	fi
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >"$out/apt-qemu.log" 2>&1 ||
		die "installing qemu-system-x86 from bookworm-backports failed: $(tail -n 3 "$out/apt-qemu.log" | tr '\n' ' ')"
	qemu_ok || die "qemu-system-x86_64 is still older than 8 or lacks -device igb"
}

ensure_host_tools() {
	local p missing=""
	for p in busybox-static runc iproute2 dpdk-dev ethtool clang libbpf-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	apt_update
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >"$out/apt-tools.log" 2>&1 ||
		die "installing$missing failed: $(tail -n 3 "$out/apt-tools.log" | tr '\n' ' ')"
}

# The kernel matrix: one boot per row, "suite:driver:tests". The suite's kernel (bookworm 6.1,
# bullseye 5.10, trixie 6.12, sid 7.2), the PF's emulated NIC (igb: 82576 with igbvf VFs, under
# bookworm-backports' QEMU; virtio: virtio-net SR-IOV, which needs QEMU >= 10.1, from a sid root)
# and the guest's tests (full: every test, then the short boot without the IOMMU; smoke, virtio or
# numa: the lists in guest/tests.sh; numa boots a guest with two NUMA nodes and a PF on each).
# SRIOV_VM_MATRIX replaces it ("bookworm:igb:full" is the old suite).
matrix=${SRIOV_VM_MATRIX:-"bookworm:igb:full bullseye:igb:smoke trixie:igb:smoke sid:igb:smoke sid:virtio:virtio bookworm:igb:numa"}

# The modules a guest may load, each file's path under the kernel's modules directory; a trailing ?
# marks one a kernel may lack or have built in (checked against modules.builtin): vfio_virqfd was
# folded into vfio in 6.2, vfio-pci-core split from vfio-pci in 5.15, virtio_pci is built in from
# 6.12, and 5.10's igb needs ptp and pps_core as modules (built in from 6.1).
mods="kernel/drivers/pps/pps_core? kernel/drivers/ptp/ptp? kernel/drivers/dca/dca kernel/drivers/i2c/algos/i2c-algo-bit kernel/drivers/net/ethernet/intel/igb/igb
	kernel/drivers/net/ethernet/intel/igbvf/igbvf
	kernel/virt/lib/irqbypass kernel/drivers/vfio/vfio kernel/drivers/vfio/vfio_iommu_type1
	kernel/drivers/vfio/vfio_virqfd? kernel/drivers/vfio/pci/vfio-pci-core? kernel/drivers/vfio/pci/vfio-pci
	kernel/drivers/virtio/virtio? kernel/drivers/virtio/virtio_ring? kernel/drivers/virtio/virtio_pci_modern_dev?
	kernel/drivers/virtio/virtio_pci_legacy_dev? kernel/drivers/virtio/virtio_pci? kernel/net/core/failover?
	kernel/drivers/net/net_failover? kernel/drivers/net/virtio_net?"
# In load order: each driver's modules, then vfio's (vfio-pci-core needs irqbypass, vfio and
# vfio_virqfd; DPDK maps its memory through vfio_iommu_type1).
drv_mods_igb="pps_core ptp dca i2c-algo-bit igb igbvf"
drv_mods_virtio="virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
vfio_mods="irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci"

# apt for one suite of the archive alone, with its own lists under the cache (never the machine's
# sources): the URI is the machine's bookworm source's; sid's Release is past its Valid-Until.
suite_apt() { # SUITE apt-get|apt-cache ARGS...
	local suite=$1 tool=$2 d=$cache/apt/$1
	shift 2
	"$tool" -q -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d" -o Acquire::Check-Valid-Until=false "$@"
}
suite_update() { # SUITE
	local d=$cache/apt/$1 uri
	[ -f "$d/updated" ] && return 0
	uri=$(bookworm_uri | head -n 1)
	[ -n "$uri" ] || die "no apt source for bookworm found to derive the archive URI from"
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $1 main" >"$d/sources.list"
	suite_apt "$1" apt-get update >"$d/update.log" 2>&1 ||
		die "apt-get update for $1 failed: $(grep -E '^(E|W):' "$d/update.log" | head -n 2 | tr '\n' ' ')"
	: >"$d/updated"
}

# A cached kernel is complete when it has vmlinuz and every module that is not optional.
kernel_complete() {
	local m
	[ -f "$1/vmlinuz" ] && [ -f "$1/package" ] && [ -f "$1/release" ] || return 1
	for m in $mods; do
		case $m in *\?) continue ;; esac
		[ -f "$1/$(basename "$m").ko" ] || return 1
	done
}

# ensure_kernel SUITE: the suite's candidate linux-image-amd64, unpacked with dpkg -x (never
# installed) into $cache/kernels/SUITE: vmlinuz, the modules above decompressed, modules.builtin,
# the package and the release; sets kdir. A cached kernel is reused without apt. sid's image
# package is a meta package: the kernel is in linux-binary-<ver>, the modules (.ko.xz) in
# linux-modules-<ver>, all under /usr/lib/modules/<ver>/ (no /boot).
ensure_kernel() {
	local suite=$1 pkg pkgs tmp deb kver m f mdir why
	kdir=$cache/kernels/$suite
	kernel_complete "$kdir" && return 0
	suite_update "$suite"
	pkg=$(suite_apt "$suite" apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve $suite's linux-image-amd64 to a kernel package"
	pkgs="$pkg $(suite_apt "$suite" apt-cache depends "$pkg" 2>/dev/null | awk '/Depends: linux-(binary|modules)-[0-9]/ { print $2 }' | sort -u | tr '\n' ' ')"
	tmp=$(mktemp -d "$cache/unpack.XXXXXX")
	chmod 755 "$tmp"
	# shellcheck disable=SC2086 # a list of package names
	if ! (cd "$tmp" && suite_apt "$suite" apt-get download $pkgs >"$tmp/download.log" 2>&1); then
		why=$(grep -E '^(E|W):' "$tmp/download.log" | head -n 2 | tr '\n' ' ')
		rm -rf "$tmp"
		die "apt-get download $pkgs($suite) failed: $why"
	fi
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg -x $deb failed"; }
	done
	mdir=$(ls -d "$tmp"/root/lib/modules/*/ "$tmp"/root/usr/lib/modules/*/ 2>/dev/null | head -n 1)
	mdir=${mdir%/}
	kver=$(basename "$mdir")
	[ -n "$kver" ] || { rm -rf "$tmp"; die "no modules directory in $pkgs"; }
	rm -rf "$kdir.new"
	mkdir -p "$kdir.new"
	f=$(ls "$tmp/root/boot/vmlinuz-$kver" "$mdir/vmlinuz" 2>/dev/null | head -n 1)
	[ -n "$f" ] && cp "$f" "$kdir.new/vmlinuz" || { rm -rf "$tmp"; die "no vmlinuz in $pkgs"; }
	cp "$mdir/modules.builtin" "$kdir.new/" 2>/dev/null || : >"$kdir.new/modules.builtin"
	for m in $mods; do
		f=$(ls "$mdir/${m%\?}".ko* 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			case $m in *\?) continue ;; esac
			rm -rf "$tmp"
			die "module $m missing from $pkgs"
		fi
		case $f in
		*.ko) cp "$f" "$kdir.new/" ;;
		*.ko.xz) xz -dc "$f" >"$kdir.new/$(basename "$f" .xz)" ;;
		*.ko.zst) zstd -qdc "$f" >"$kdir.new/$(basename "$f" .zst)" ;;
		*.ko.gz) gzip -dc "$f" >"$kdir.new/$(basename "$f" .gz)" ;;
		*) rm -rf "$tmp"; die "unknown module format $f" ;;
		esac || { rm -rf "$tmp"; die "cannot decompress $f"; }
	done
	echo "$pkg" >"$kdir.new/package"
	echo "$kver" >"$kdir.new/release"
	rm -rf "$kdir"
	mv "$kdir.new" "$kdir"
	rm -rf "$tmp"
}

# QEMU >= 10.1 for virtio-net SR-IOV (its sriov-pf property): bookworm has none, so a minimal sid
# root (debootstrap, the same archive URI) with sid's qemu-system-x86, cached; QEMU runs in it.
sidroot=$cache/sid-root
sid_qemu_ok() {
	[ -x "$sidroot/usr/bin/qemu-system-x86_64" ] &&
		chroot "$sidroot" qemu-system-x86_64 -device virtio-net-pci,help 2>/dev/null | grep -q 'sriov-pf='
}
ensure_sid_qemu() {
	local uri
	sid_qemu_ok && return 0
	command -v debootstrap >/dev/null || {
		apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >"$out/apt-debootstrap.log" 2>&1 ||
			die "installing debootstrap failed: $(tail -n 3 "$out/apt-debootstrap.log" | tr '\n' ' ')"
	}
	uri=$(bookworm_uri | head -n 1)
	[ -n "$uri" ] || die "no apt source for bookworm found to derive the archive URI from"
	rm -rf "$sidroot.new"
	debootstrap --variant=minbase --include=qemu-system-x86 sid "$sidroot.new" "$uri" >"$out/debootstrap.log" 2>&1 ||
		die "debootstrap of a sid root with qemu-system-x86 failed: $(tail -n 3 "$out/debootstrap.log" | tr '\n' ' ')"
	rm -rf "$sidroot"
	mv "$sidroot.new" "$sidroot"
	sid_qemu_ok || die "sid's qemu-system-x86_64 has no sriov-pf property (virtio-net SR-IOV needs QEMU >= 10.1)"
}

# Copy a binary and every shared library ldd names, at the same paths, into the initramfs.
copy_bin() {
	local src=$1 dst=$2 lib
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst" || die "cannot copy $src"
	for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib" || die "cannot copy $lib (needed by $src)"
	done
}

# DPDK's testpmd (Debian's dpdk-dev) with its libraries, and the few drivers it must load as
# plugins from the PMD directory (EAL dlopens every .so there; ldd does not show them): the PCI
# bus, the ring mempool (testpmd's default mbuf pool), and net_e1000 (net_e1000_igb_vf).
dpdk_pmds="librte_bus_pci librte_mempool_ring librte_net_e1000"
copy_dpdk() {
	local pmddir p lib
	copy_bin /usr/bin/dpdk-testpmd /usr/bin/dpdk-testpmd
	# glibc dlopens libgcc_s for pthread_cancel, which EAL uses; ldd does not show it.
	lib=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ { print $NF; exit }')
	[ -n "$lib" ] || die "no libgcc_s.so.1 on this machine"
	copy_bin "$lib" "$lib"
	pmddir=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$pmddir" ] || die "no DPDK PMD directory in /usr/lib/x86_64-linux-gnu/dpdk"
	mkdir -p "$root$pmddir"
	# testpmd links some drivers itself, found through its RUNPATH in that directory (copy_bin puts
	# them there as <name>.so.23); EAL loads the names ending in .so or .so.<ABI> (23.0). Each
	# driver's .so is a link to its .so.23: the loader knows an object by its inode, and a second
	# copy of one (librte_bus_pci) registers its tables twice and panics.
	for p in $dpdk_pmds; do
		lib=$(ls "$pmddir/$p".so.* 2>/dev/null | sort | head -n 1)
		[ -n "$lib" ] || die "DPDK driver $p missing from $pmddir"
		copy_bin "$lib" "$lib"
		ln -sf "$(basename "$lib")" "$root$pmddir/$p.so"
	done
}

# guest/tests.d/residue.sh: a tenant's tc and ethtool, the XDP program it attaches (built here
# for the BPF target, as tests/integration/residue.sh does; without clang the guest reports XDP
# as not produced, which fails that test), and coreutils' date for timings (busybox's has no %N).
copy_residue_tools() {
	local lib=$root/usr/lib/sriov-vm
	copy_bin /usr/sbin/tc /usr/sbin/tc
	copy_bin /usr/sbin/ethtool /usr/sbin/ethtool
	copy_bin /usr/bin/date /usr/lib/sriov-vm/date
	printf '%s\n' '#include <linux/bpf.h>' '#include <bpf/bpf_helpers.h>' \
		'SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }' \
		'char _license[] SEC("license") = "GPL";' >"$out/xdp_pass.c"
	clang -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine 2>/dev/null)" -c "$out/xdp_pass.c" \
		-o "$lib/xdp_pass.o" 2>"$out/xdp_pass.log" ||
		{ rm -f "$lib/xdp_pass.o"; echo "vm: no XDP object for the guest: $(head -n 1 "$out/xdp_pass.log")"; }
}

build_initramfs() {
	root=$out/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/sriov-hook,lib/modules,proc,sys,dev,run,tmp,vm,opt/rootfs/bin,var/tmp}
	# Mount points for a container that borrows the guest's /usr, /lib and /lib64 (DPDK's testpmd).
	mkdir -p "$root"/opt/rootfs/{usr,lib,lib64}
	# DPDK keeps its runtime files under /var/run/dpdk.
	ln -s ../run "$root/var/run"
	cp /bin/busybox "$root/bin/busybox"
	local a m
	for a in $(/bin/busybox --list); do
		case $a in busybox | ip) continue ;; esac
		ln -sf busybox "$root/bin/$a"
	done
	copy_bin /usr/sbin/ip /usr/sbin/ip
	copy_bin /usr/sbin/runc /usr/sbin/runc
	copy_residue_tools
	copy_bin "$BUILD/sriov-hook" /usr/local/bin/sriov-hook
	[ -x "$BUILD/sriov-runc" ] && copy_bin "$BUILD/sriov-runc" /usr/local/bin/sriov-runc
	copy_dpdk
	# The container's rootfs: busybox alone.
	cp /bin/busybox "$root/opt/rootfs/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/opt/rootfs/bin/$a"
	done
	cp "$here/guest/init" "$root/init"
	cp "$here/guest/tests.sh" "$root/vm/tests.sh"
	# Further guest suites, and the binaries they name (one build/ path a line in guest/bins).
	mkdir -p "$root/vm/tests.d"
	for f in "$here"/guest/tests.d/*.sh; do
		[ -f "$f" ] && cp "$f" "$root/vm/tests.d/"
	done
	for f in "$BUILD"/sriovctl "$BUILD"/tests/tools/*; do
		[ -x "$f" ] && [ -f "$f" ] && copy_bin "$f" "/usr/local/bin/$(basename "$f")"
	done
	chmod 755 "$root/init" "$root/vm/tests.sh"
	printf '%s\n' "${SRIOV_VM_TESTS:-}" >"$root/vm/only"
	mkdir -p "$root/lib/modules"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	(cd "$root" && find . | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2>/dev/null) >"$out/initramfs.cpio" ||
		die "cannot pack the initramfs"
}

# kernel_initramfs SUITE DRIVER: the base initramfs and, appended as a second cpio archive (the
# kernel unpacks them in turn), the suite kernel's modules for DRIVER and vfio, with the order to
# load those this kernel has as modules (drv.order, vfio.order; guest/tests.sh reads them).
# Prints which of them this kernel has built in or lacks: the kernels differ there.
kernel_initramfs() {
	local suite=$1 drv=$2 mroot m list what="" order
	kdir=$cache/kernels/$suite
	mroot=$out/mods-$suite-$drv
	rm -rf "$mroot"
	mkdir -p "$mroot/lib/modules"
	eval "list=\$drv_mods_$drv"
	for order in drv vfio; do
		[ $order = vfio ] && list=$vfio_mods
		: >"$mroot/lib/modules/$order.order"
		for m in $list; do
			if [ -f "$kdir/$m.ko" ]; then
				cp "$kdir/$m.ko" "$mroot/lib/modules/"
				echo "$m" >>"$mroot/lib/modules/$order.order"
			elif grep -Eq "/$(echo "$m" | sed 's/[-_]/[-_]/g')\.ko" "$kdir/modules.builtin"; then
				what="$what $m(built in)"
			elif [ ! -s "$kdir/modules.builtin" ]; then
				what="$what $m(no module)" # sid's linux-modules has no modules.builtin
			else
				what="$what $m(absent)"
			fi
		done
	done
	echo "vm: kernel $(cat "$kdir/release") ($suite), $drv:${what:- all modules}"
	initrd=$out/initramfs-$suite-$drv.cpio
	{
		cat "$out/initramfs.cpio"
		(cd "$mroot" && find . | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2>/dev/null)
	} >"$initrd" || die "cannot pack the initramfs for $suite"
}

mkdir -p "$cache" "$out" || die "cannot create $cache or $out"
ensure_host_tools
ensure_qemu
case " $matrix " in *:virtio:*) ensure_sid_qemu ;; esac
for row in $matrix; do
	ensure_kernel "${row%%:*}"
done
# SRIOV_VM_FETCH_ONLY=1: fill the cache (QEMU, the sid root, the kernels) and boot nothing.
[ "${SRIOV_VM_FETCH_ONLY:-0}" = 1 ] && { echo "vm: cache filled in $(elapsed "$t_start") s"; exit 0; }
build_initramfs
echo "vm: $(qemu-system-x86_64 --version | head -n 1) (igb)$(sid_qemu_ok && echo ", sid root's $(chroot "$sidroot" qemu-system-x86_64 --version | head -n 1) (virtio)"), setup $(elapsed "$t_start") s"

# qemu_run LOG TIMEOUT APPEND QEMU-ARGS...: one boot of the guest ($kimg and $initrd, with QEMU
# as the array qemu runs it, QEMU-ARGS before the array devs), its console kept in LOG and shown
# as PASS/FAIL (named vm/$label<test>), TIME and "#" lines (all of it with SRIOV_VM_VERBOSE=1);
# qrc gets QEMU's exit status. no_timer_check: under TCG on a busy host the kernel's check that
# the timer works through the remapped IO-APIC can time out and panic the boot (seen once).
qemu_run() {
	local log=$1 tmo=$2 append=$3
	shift 3
	: >"$log"
	timeout --kill-after=10 "$tmo" "${qemu[@]}" \
		-machine q35 -accel tcg -cpu max -smp 2 -m 1024 "$@" \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$kimg" -initrd "$initrd_in" \
		-append "console=ttyS0 panic=-1 quiet no_timer_check $append" \
		"${devs[@]}" </dev/null 2>&1 |
		tr -d '\r' | while IFS= read -r line; do
			printf '%s\n' "$line" >>"$log"
			case $line in
			PASS\ vm/* | FAIL\ vm/* | SKIP\ vm/*) echo "${line%% *} vm/$label${line#* vm/}" ;;
			TIME\ *) echo "vm: $label${line#TIME }" ;;
			\#*) echo "  $line" ;;
			*) [ "${SRIOV_VM_VERBOSE:-0}" = 1 ] && echo "  | $line" ;;
			esac
		done
	qrc=${PIPESTATUS[0]}
}

# boot LOG TIMEOUT APPEND QEMU-ARGS...: qemu_run, then the checks that the guest ran what it
# planned, counted into pass and fail. The guest prints "PLAN <names>", one PASS/FAIL line per
# test, "KNOB|..." rows for the table, and "VM-DONE" before it powers off.
pass=0 fail=0
boot() {
	local log=$1 tmo=$2 t0 boot_s plan t
	t0=$(date +%s.%N)
	qemu_run "$@"
	# QEMU 10.0's TCG aborted once in 14 boots with the emulated IOMMU while the guest kernel
	# booted ("iotlb_to_section: Assertion ... failed"): an abort before any test ran is QEMU's
	# and gets one more boot; an abort during the tests is a failure as any other.
	if [ "$qrc" = 134 ] && ! grep -q '^PLAN ' "$log"; then
		echo "vm: QEMU aborted before the guest's tests: $(grep -m 1 -o 'Assertion.*' "$log"); booting again"
		cp "$log" "$log.aborted"
		qemu_run "$@"
	fi
	boot_s=$(elapsed "$t0")
	echo "vm: boot+suite ${boot_s} s ($(basename "$log"))"
	pass=$((pass + $(grep -c '^PASS vm/' "$log")))
	fail=$((fail + $(grep -c '^FAIL vm/' "$log")))
	plan=$(sed -n 's/^PLAN //p' "$log" | head -n 1)
	if [ -z "$plan" ]; then
		echo "FAIL vm/${label}guest: the guest never started its tests (qemu exit $qrc); last console lines:"
		tail -n 30 "$log" | sed 's/^/  | /'
		fail=$((fail + 1))
	else
		for t in $plan; do
			grep -Eq "^(PASS|FAIL|SKIP) vm/$t(:|\$)" "$log" && continue
			echo "FAIL vm/$label$t: the guest never reported it (crash or timeout, qemu exit $qrc)"
			fail=$((fail + 1))
		done
	fi
	if ! grep -q '^VM-DONE' "$log"; then
		echo "FAIL vm/${label}guest: no VM-DONE from the guest (qemu exit $qrc after ${boot_s} s, timeout ${tmo} s)"
		tail -n 30 "$log" | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
}

# The boots of the matrix. The emulated IOMMU comes before the devices it translates for, so that
# the igb PF and its VFs sit behind it: each VF gets an IOMMU group of its own (vfio needs one;
# Debian's kernel has no no-IOMMU mode). intremap=on: without interrupt remapping vfio_iommu_type1
# refuses every group ("No interrupt remapping support"). 1 GiB: 128 MiB become hugepages for DPDK.
# In the full boot a second igb (its PF comes second: eth1) sits behind a root port without ACS:
# the IOMMU puts the port, the PF and its VFs in one group, which a VF bound to vfio-pci cannot use
# while the PF is on igb (vfio-refused-group; the VFs of eth0 each have their own group).
# virtio-net SR-IOV (QEMU >= 10.1): the VFs are declared first, the PF last, all functions of one
# slot behind a root port; the guest's PF offers as many VFs as there are VF devices (7, as igb).
igb_devs=(-netdev hubport,id=n0,hubid=0 -device pcie-root-port,id=rp0,chassis=1,slot=1
	-device igb,bus=rp0,netdev=n0)
virtio_devs=(-device pcie-root-port,id=rp0,chassis=1,slot=1)
for i in 1 2 3 4 5 6 7; do
	virtio_devs+=(-netdev "hubport,id=n$i,hubid=0" -device "virtio-net-pci,bus=rp0,addr=0x0.0x$i,netdev=n$i,sriov-pf=pf0")
done
virtio_devs+=(-netdev hubport,id=n0,hubid=0 -device virtio-net-pci,bus=rp0,addr=0x0.0x0,netdev=n0,id=pf0)
# Two NUMA nodes, CPU 0 and half the memory on node 0, CPU 1 and the other half on node 1, and an
# igb behind a PCIe expander bridge on each node (eth0 on node 0, eth1 on node 1): QEMU puts each
# bridge's node in its ACPI _PXM, from which the guest kernel gives the bridge's buses, the PF and
# its VFs their numa_node. The main root complex (pcie.0) has no _PXM: a device on it reads
# numa_node -1 (measured), so eth0 sits behind an expander too. bus_nr 64 (node 0) and 128 (node
# 1) keep the expanders' buses clear of pcie.0's and of each other's. The guest probes the
# expander declared last first, whatever its bus number (measured): node 1's comes first, so that
# eth0, setup's PF, is node 0's. The emulated IOMMU gives the node-1 PF's VFs vfio groups, whose
# nodes near=auto resolves (numa-near-vfio-group).
numa_devs=(-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1)
for n in 1 0; do
	numa_devs+=(-device "pxb-pcie,id=pxb$n,bus_nr=$((64 * (n + 1))),numa_node=$n,bus=pcie.0"
		-device "pcie-root-port,id=rp$n,bus=pxb$n,chassis=$((n + 1)),slot=0"
		-netdev "hubport,id=n$n,hubid=0" -device "igb,bus=rp$n,netdev=n$n")
done
# The guest's tests of a smoke boot (igb on every kernel) and of the virtio boot: guest/tests.sh
# names them (SMOKE_TESTS, VIRTIO_TESTS); a kill -9 sweep of K9 seconds there.
smoke_k9=8
log="" noiommu=""
rows=""
for row in $matrix; do
	IFS=: read -r suite drv set <<<"$row"
	kernel_initramfs "$suite" "$drv"
	rel=$(cat "$kdir/release")
	kimg=$kdir/vmlinuz initrd_in=$initrd
	qemu=(qemu-system-x86_64)
	if [ "$drv" = virtio ]; then
		# sid's QEMU runs in the sid root: the kernel and initramfs are copied in.
		mkdir -p "$sidroot/vm-boot"
		cp "$kimg" "$sidroot/vm-boot/vmlinuz" && cp "$initrd" "$sidroot/vm-boot/initramfs.cpio" ||
			die "cannot copy the guest into $sidroot"
		qemu=(chroot "$sidroot" qemu-system-x86_64)
		kimg=/vm-boot/vmlinuz initrd_in=/vm-boot/initramfs.cpio
	fi
	eval "devs=(\"\${${drv}_devs[@]}\")"
	if [ "$set" = full ]; then
		label=""
		log=$out/console.log
		devs+=(-device pcie-root-port,id=rp1,chassis=2,slot=2,disable-acs=on
			-netdev hubport,id=n1,hubid=0 -device igb,bus=rp1,netdev=n1)
		boot "$log" "$vmtimeout" "intel_iommu=on iommu=pt sriov_vm_drv=$drv" -device intel-iommu,intremap=on
		rows="$rows $rel/$drv:$log"
		# A second, short boot without the IOMMU for what vfio mode must refuse there (guest/tests.sh
		# runs only the tests that the kernel command line's sriov_vm=noiommu names; none: no boot).
		eval "devs=(\"\${${drv}_devs[@]}\")"
		noiommu=$(sed -n 's/^NOIOMMU_TESTS=//p' "$here/guest/tests.d/vfio.sh" | tr -d '"')
		if [ -n "${SRIOV_VM_TESTS:-}" ]; then
			keep=""
			for t in $noiommu; do
				case " $SRIOV_VM_TESTS " in *" $(echo "$t" | tr _ -) "*) keep="$keep $t" ;; esac
			done
			noiommu=$keep
		fi
		if [ -n "$noiommu" ]; then
			boot "$out/console-noiommu.log" "$noiommu_timeout" "sriov_vm=noiommu sriov_vm_drv=$drv"
			rows="$rows $rel/$drv:$out/console-noiommu.log"
		fi
	elif [ "$set" = numa ]; then
		label="$suite-numa/"
		devs=("${numa_devs[@]}")
		boot "$out/console-$suite-numa.log" "$numa_timeout" \
			"intel_iommu=on iommu=pt sriov_vm_drv=$drv sriov_vm_set=$set" -device intel-iommu,intremap=on
		rows="$rows $rel/numa:$out/console-$suite-numa.log"
	elif [ "$drv" = virtio ]; then
		label="$suite-$drv/"
		boot "$out/console-$suite-$drv.log" "$smoke_timeout" "sriov_vm_drv=$drv sriov_vm_set=$set"
		rows="$rows $rel/$drv:$out/console-$suite-$drv.log"
	else
		label="$suite-$drv/"
		boot "$out/console-$suite-$drv.log" "$smoke_timeout" \
			"intel_iommu=on iommu=pt sriov_vm_drv=$drv sriov_vm_set=$set sriov_vm_k9=$smoke_k9" \
			-device intel-iommu,intremap=on
		rows="$rows $rel/$drv:$out/console-$suite-$drv.log"
	fi
done
label=""

# The driver's knob table, from what the guest measured; the committed copy must match it.
# (Only from a complete setup: a guest cut short prints half a table.)
if [ -n "$log" ] && grep -q '^PASS vm/setup' "$log"; then
	{
		echo "# VF knobs on igb (QEMU igb, Debian kernel igb driver)"
		echo
		echo "Measured by \`make vm-check\` in the QEMU guest (generated: tests/vm/run.sh writes it to"
		echo "build/vm/KNOBS.md and fails when it differs from this copy). Each row is one \`ip link set\`"
		echo "run directly against the driver, \`<pf> vf N ...\` unless it names the VF's own netdev, and"
		echo "what the driver answered. igb enforces a MAC set on the PF: the VF can no longer change its"
		echo "own MAC unless it is trusted. A knob the driver refuses makes createRuntime fail, and the hook"
		echo "rolls back every knob it had already set."
		echo
		echo "| knob | ip link arguments | condition | igb |"
		echo "|---|---|---|---|"
		sed -n 's/^KNOB|\(.*\)$/| \1 |/p' "$log" | sed 's/|/ | /g; s/  */ /g; s/^ //; s/ $//'
	} >"$out/KNOBS.md"
	if ! cmp -s "$out/KNOBS.md" "$here/KNOBS.md"; then
		echo "FAIL vm/knob-table: measured knob table differs from tests/vm/KNOBS.md:"
		diff -u "$here/KNOBS.md" "$out/KNOBS.md" | sed 's/^/  | /'
		echo "  (if the new measurement is right: cp $out/KNOBS.md $here/KNOBS.md)"
		fail=$((fail + 1))
	else
		echo "PASS vm/knob-table"
		pass=$((pass + 1))
	fi
fi

# The matrix as a table: a row per test, a column per kernel and driver; "-" where not run. The
# knob table is checked on the host from the full boot's log.
if [ -n "$rows" ]; then
	echo "vm: matrix (kernel/driver x test):"
	for r in $rows; do
		sed -n 's/^\(PASS\|FAIL\|SKIP\) vm\/\([^: ]*\).*/\2 \1/p' "${r#*:}" | sed "s|^|${r%%:*} |"
		grep -q '^PLAN ' "${r#*:}" || echo "${r%%:*} guest FAIL"
		# A planned test the guest never reported (crash, timeout) is a FAIL in its cell too.
		for t in $(sed -n 's/^PLAN //p' "${r#*:}" | head -n 1); do
			grep -Eq "^(PASS|FAIL|SKIP) vm/$t(:|\$)" "${r#*:}" || echo "${r%%:*} $t FAIL"
		done
		if [ "${r#*:}" = "$log" ] && [ -f "$out/KNOBS.md" ]; then
			cmp -s "$out/KNOBS.md" "$here/KNOBS.md" && echo "${r%%:*} knob-table PASS" || echo "${r%%:*} knob-table FAIL"
		fi
	done | awk '
		{ col = $1; t = $2; if (!(col in seen)) { seen[col] = 1; cols[++nc] = col }
		  if (!(t in tseen)) { tseen[t] = 1; tests[++nt] = t }; res[col, t] = $3 }
		END {
			printf "  %-28s", "test"; for (c = 1; c <= nc; c++) printf " %-26s", cols[c]; printf "\n"
			for (i = 1; i <= nt; i++) {
				printf "  %-28s", tests[i]
				for (c = 1; c <= nc; c++) printf " %-26s", ((cols[c], tests[i]) in res) ? res[cols[c], tests[i]] : "-"
				printf "\n"
			}
		}'
fi

if [ "$fail" -gt 0 ]; then
	echo "vm: console logs: $out/console*.log"
fi
echo "vm: total $(elapsed "$t_start") s"
echo "vm: $pass passed, $fail failed"
[ "$fail" = 0 ]
