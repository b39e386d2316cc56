#!/bin/bash
# Host side of the QEMU igb suite: fetch QEMU >= 8 and a Debian kernel (cached outside the work
# tree), pack an initramfs with the freshly built hook, boot it, and turn what the guest prints on
# its serial console into PASS/FAIL lines and an exit code. A guest that never reports is a FAIL.
#
# Environment: BUILD (default build), SRIOV_VM_CACHE (default /var/cache/sriov-hook-vm),
# SRIOV_VM_TIMEOUT (seconds for the suite's boot, default 300; the short boot without the IOMMU
# has 90), SRIOV_VM_TESTS (space-separated guest test names to run instead of all),
# SRIOV_VM_VERBOSE=1 (echo the whole console).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
cache=${SRIOV_VM_CACHE:-/var/cache/sriov-hook-vm}
vmtimeout=${SRIOV_VM_TIMEOUT:-300}
noiommu_timeout=90
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
	for p in busybox-static runc iproute2 dpdk-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	apt_update
	# shellcheck disable=SC2086 # a list of package names
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >"$out/apt-tools.log" 2>&1 ||
		die "installing$missing failed: $(tail -n 3 "$out/apt-tools.log" | tr '\n' ' ')"
}

# The modules the guest loads, in load order; a trailing ? marks one that a kernel may lack (6.2
# folded vfio_virqfd into vfio). igb's first, then vfio's (vfio-pci-core needs irqbypass, vfio and
# vfio_virqfd; DPDK maps its memory through vfio_iommu_type1).
mods="kernel/drivers/dca/dca kernel/drivers/i2c/algos/i2c-algo-bit kernel/drivers/net/ethernet/intel/igb/igb
	kernel/drivers/net/ethernet/intel/igbvf/igbvf
	kernel/virt/lib/irqbypass kernel/drivers/vfio/vfio kernel/drivers/vfio/vfio_iommu_type1
	kernel/drivers/vfio/vfio_virqfd? kernel/drivers/vfio/pci/vfio-pci-core kernel/drivers/vfio/pci/vfio-pci"
vfio_mods="irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci"

# A cached kernel is complete when it has vmlinuz and every module that is not optional (a cache
# made before a module joined the list is refreshed), and its list of optional ones it lacks.
kernel_complete() {
	local m
	[ -f "$1/vmlinuz" ] && [ -f "$1/package" ] || return 1
	for m in $mods; do
		case $m in *\?) continue ;; esac
		[ -f "$1/$(basename "$m").ko" ] || return 1
	done
}

# Kernel: bookworm's candidate linux-image-*-amd64, unpacked with dpkg -x (never installed); only
# vmlinuz and the modules above are kept, decompressed. A cached kernel is reused without apt.
ensure_kernel() {
	kdir=$(ls -d "$cache"/kernel-*/ 2>/dev/null | sort -V | tail -n 1)
	kdir=${kdir%/}
	if [ -n "$kdir" ] && kernel_complete "$kdir"; then
		return 0
	fi
	apt_update
	local pkg tmp deb kver m f
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package"
	tmp=$(mktemp -d "$cache/unpack.XXXXXX")
	chmod 755 "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/download.log" 2>&1); then
		local why
		why=$(grep -E '^(E|W):' "$tmp/download.log" | head -n 2 | tr '\n' ' ')
		rm -rf "$tmp"
		die "apt-get download $pkg failed: $why"
	fi
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { rm -rf "$tmp"; die "apt-get download $pkg produced no .deb"; }
	dpkg -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg -x $deb failed"; }
	kver=$(ls "$tmp/root/lib/modules" | head -n 1)
	mkdir -p "$cache/kernel-$kver.new"
	cp "$tmp/root/boot/vmlinuz-$kver" "$cache/kernel-$kver.new/vmlinuz" || { rm -rf "$tmp"; die "no vmlinuz in $pkg"; }
	for m in $mods; do
		f=$(ls "$tmp/root/lib/modules/$kver/${m%\?}".ko* 2>/dev/null | head -n 1)
		if [ -z "$f" ]; then
			case $m in *\?) continue ;; esac
			rm -rf "$tmp"
			die "module $m missing from $pkg"
		fi
		case $f in
		*.ko) cp "$f" "$cache/kernel-$kver.new/" ;;
		*.ko.xz) xz -dc "$f" >"$cache/kernel-$kver.new/$(basename "$f" .xz)" ;;
		*.ko.zst) zstd -qdc "$f" >"$cache/kernel-$kver.new/$(basename "$f" .zst)" ;;
		*.ko.gz) gzip -dc "$f" >"$cache/kernel-$kver.new/$(basename "$f" .gz)" ;;
		*) rm -rf "$tmp"; die "unknown module format $f" ;;
		esac || { rm -rf "$tmp"; die "cannot decompress $f"; }
	done
	echo "$pkg" >"$cache/kernel-$kver.new/package"
	rm -rf "$cache/kernel-$kver"
	mv "$cache/kernel-$kver.new" "$cache/kernel-$kver"
	rm -rf "$tmp"
	kdir=$cache/kernel-$kver
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
	copy_bin "$BUILD/sriov-hook" /usr/local/bin/sriov-hook
	[ -x "$BUILD/sriov-runc" ] && copy_bin "$BUILD/sriov-runc" /usr/local/bin/sriov-runc
	for m in dca i2c-algo-bit igb igbvf; do
		cp "$kdir/$m.ko" "$root/lib/modules/"
	done
	# vfio's modules, and the order to load those this kernel has (guest/tests.sh reads it).
	: >"$root/lib/modules/vfio.order"
	for m in $vfio_mods; do
		[ -f "$kdir/$m.ko" ] || continue
		cp "$kdir/$m.ko" "$root/lib/modules/"
		echo "$m" >>"$root/lib/modules/vfio.order"
	done
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
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	(cd "$root" && find . | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2>/dev/null) >"$out/initramfs.cpio" ||
		die "cannot pack the initramfs"
}

mkdir -p "$cache" "$out" || die "cannot create $cache or $out"
ensure_host_tools
ensure_qemu
ensure_kernel
build_initramfs
echo "vm: $(qemu-system-x86_64 --version | head -n 1), kernel $(cat "$kdir/package" 2>/dev/null || basename "$kdir"), setup $(elapsed "$t_start") s"

# qemu_run LOG TIMEOUT APPEND QEMU-ARGS...: one boot of the guest (QEMU-ARGS before its devices,
# the array after behind them), its console kept in LOG and shown as PASS/FAIL, TIME and "#" lines
# (all of it with SRIOV_VM_VERBOSE=1); qrc gets QEMU's exit status.
qemu_run() {
	local log=$1 tmo=$2 append=$3
	shift 3
	: >"$log"
	timeout --kill-after=10 "$tmo" qemu-system-x86_64 \
		-machine q35 -accel tcg -cpu max -smp 2 -m 1024 "$@" \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$kdir/vmlinuz" -initrd "$out/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet $append" \
		-netdev hubport,id=n0,hubid=0 \
		-device pcie-root-port,id=rp0,chassis=1,slot=1 \
		-device igb,bus=rp0,netdev=n0 "${after[@]}" </dev/null 2>&1 |
		tr -d '\r' | while IFS= read -r line; do
			printf '%s\n' "$line" >>"$log"
			case $line in
			PASS\ vm/* | FAIL\ vm/* | SKIP\ vm/*) echo "$line" ;;
			TIME\ *) echo "vm: ${line#TIME }" ;;
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
		echo "FAIL vm/guest: the guest never started its tests (qemu exit $qrc); last console lines:"
		tail -n 30 "$log" | sed 's/^/  | /'
		fail=$((fail + 1))
	else
		for t in $plan; do
			grep -Eq "^(PASS|FAIL|SKIP) vm/$t(:|\$)" "$log" && continue
			echo "FAIL vm/$t: the guest never reported it (crash or timeout, qemu exit $qrc)"
			fail=$((fail + 1))
		done
	fi
	if ! grep -q '^VM-DONE' "$log"; then
		echo "FAIL vm/guest: no VM-DONE from the guest (qemu exit $qrc after ${boot_s} s, timeout ${tmo} s)"
		tail -n 30 "$log" | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
}

# The suite. The emulated IOMMU comes before the devices it translates for, so that the igb PF
# and its VFs sit behind it: each VF gets an IOMMU group of its own (vfio needs one; Debian's
# kernel has no no-IOMMU mode). intremap=on: without interrupt remapping vfio_iommu_type1 refuses
# every group ("No interrupt remapping support"). 1 GiB: 128 MiB become hugepages for DPDK.
# A second igb (its PF comes second: eth1) sits behind a root port without ACS: the IOMMU puts the
# port, the PF and its VFs in one group, which a VF bound to vfio-pci cannot use while the PF is on
# igb (vfio-refused-group; the VFs of eth0 each have their own group).
log=$out/console.log
after=(-device pcie-root-port,id=rp1,chassis=2,slot=2,disable-acs=on
	-netdev hubport,id=n1,hubid=0 -device igb,bus=rp1,netdev=n1)
boot "$log" "$vmtimeout" 'intel_iommu=on iommu=pt' -device intel-iommu,intremap=on
after=()
# A second, short boot without the IOMMU for what vfio mode must refuse there (guest/tests.sh
# runs only the tests that the kernel command line's sriov_vm=noiommu names; none: no boot).
noiommu=$(sed -n 's/^NOIOMMU_TESTS=//p' "$here/guest/tests.d/vfio.sh" | tr -d '"')
if [ -n "${SRIOV_VM_TESTS:-}" ]; then
	keep=""
	for t in $noiommu; do
		case " $SRIOV_VM_TESTS " in *" $(echo "$t" | tr _ -) "*) keep="$keep $t" ;; esac
	done
	noiommu=$keep
fi
if [ -n "$noiommu" ]; then
	boot "$out/console-noiommu.log" "$noiommu_timeout" 'sriov_vm=noiommu'
fi

# The driver's knob table, from what the guest measured; the committed copy must match it.
# (Only from a complete setup: a guest cut short prints half a table.)
if grep -q '^PASS vm/setup' "$log"; then
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

if [ "$fail" -gt 0 ]; then
	echo "vm: console log: $log${noiommu:+ and $out/console-noiommu.log}"
fi
echo "vm: total $(elapsed "$t_start") s"
echo "vm: $pass passed, $fail failed"
[ "$fail" = 0 ]
