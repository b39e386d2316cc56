# shellcheck shell=bash
# Stand-ins for an SR-IOV PF and its VFs, for tests that run as root: real netdevs in the host
# namespace (the PF a veth end, each VF a veth end whose peer stays up on the host, or a tap) behind
# a fake sysfs tree that mirrors the real layout, symlinks included. Everything is named with a
# per-process prefix and removed by one EXIT trap: links, namespaces, mounts, processes, temp files.
#
# Usage (bash):
#   . tests/lib/standin.sh
#   standin_init                         # SH_TMP, SH_SYSFS, SH_PREFIX; installs the EXIT cleanup
#   standin_pf_create a 3b 4             # PF "a" on bus 0x3b with 4 VFs (veth); "tap" as 4th arg
#   standin_pf_name a / standin_pf_pci a / standin_vf_name a 0 / standin_vf_pci a 0
#   cfg=$(standin_config t1)             # hook config file with a private state dir
#   standin_netns_proc pid               # pid=: a live process in a new netns (a container's init)
#   standin_vf_problems a                # prints how the VFs differ from creation; empty = same
#   standin_state_residue "$state"       # prints files and mounts left under a state dir (baselines kept)
#   standin_atexit 'cmd'                 # runs cmd at cleanup, before the links go
#
# Function names are stable: other suites source this file.

SH_PY=${SH_PY:-$(command -v /usr/bin/python3 || command -v python3)}

# Sets SH_TMP (private temp dir), SH_SYSFS (fake sysfs root), SH_PREFIX (link-name prefix), all
# fresh for this process: values inherited from a parent test are ignored, so that this cleanup
# never touches the parent's links.
standin_init() {
	[ "$(id -u)" = 0 ] || { echo "standin: must run as root" >&2; return 1; }
	SH_PREFIX=sht$(printf %x $$)
	SH_TMP=$(mktemp -d /tmp/sriov-hook-test.XXXXXX)
	SH_SYSFS=$SH_TMP/sys
	mkdir -p "$SH_SYSFS/devices/pci0000:00" "$SH_SYSFS/bus/pci/devices" "$SH_SYSFS/bus/pci/drivers/igb" \
		"$SH_SYSFS/bus/pci/drivers/igbvf" "$SH_SYSFS/bus/pci/drivers/vfio-pci" "$SH_SYSFS/class/net" \
		"$SH_TMP/standin"
	: >"$SH_TMP/standin/atexit"
	: >"$SH_TMP/standin/pids"
	export SH_PREFIX SH_TMP SH_SYSFS SH_PY
	trap standin_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Registers a shell command run (in reverse order of registration) by standin_cleanup.
standin_atexit() {
	printf '%s\n' "$1" >>"$SH_TMP/standin/atexit"
}

# Registers a pid killed by standin_cleanup.
standin_track_pid() {
	echo "$1" >>"$SH_TMP/standin/pids"
}

standin_dir() { echo "$SH_TMP/standin/$1"; }
standin_pf_name() { cat "$SH_TMP/standin/$1/pf_name"; }
standin_pf_pci() { cat "$SH_TMP/standin/$1/pf_pci"; }
standin_nvfs() { cat "$SH_TMP/standin/$1/nvfs"; }
# Field of the VF's record at creation: name pci ifindex mtu mac kind.
_standin_vf_field() { awk -v f="$3" '{print $f}' "$SH_TMP/standin/$1/vf$2"; }
standin_vf_name() { _standin_vf_field "$1" "$2" 1; }
standin_vf_pci() { _standin_vf_field "$1" "$2" 2; }
standin_vf_ifindex() { _standin_vf_field "$1" "$2" 3; }
standin_vf_mtu() { _standin_vf_field "$1" "$2" 4; }
standin_vf_mac() { _standin_vf_field "$1" "$2" 5; }
standin_vf_kind() { _standin_vf_field "$1" "$2" 6; }

# standin_pf_device TAG BUS NVFS: the PF half of standin_pf_create: the PF netdev (a veth end
# <prefix><tag>p, peer <prefix><tag>q) and its sysfs device at 0000:BUS:00.0 claiming NVFS VFs,
# without the VFs (the callers add them). Records TAG's pf_name, pf_pci and nvfs.
standin_pf_device() {
	local tag=$1 bus=$2 n=$3
	local d="$SH_TMP/standin/$tag" pf="${SH_PREFIX}${tag}p" pfpci="0000:$bus:00.0"
	local dev="$SH_SYSFS/devices/pci0000:00"
	mkdir -p "$d" || return 1
	echo "$pf" >"$d/pf_name"
	echo "$pfpci" >"$d/pf_pci"
	echo "$n" >"$d/nvfs"
	ip link add "$pf" type veth peer name "${SH_PREFIX}${tag}q" || return 1
	ip link set "$pf" address "02:5e:$bus:00:00:ff"
	ip link set "${SH_PREFIX}${tag}q" up
	ip link set "$pf" up

	mkdir -p "$dev/$pfpci/net/$pf"
	echo "$n" >"$dev/$pfpci/sriov_numvfs"
	echo "$n" >"$dev/$pfpci/sriov_totalvfs"
	echo 0x8086 >"$dev/$pfpci/vendor"
	echo 0x10c9 >"$dev/$pfpci/device"
	ln -s "../../../bus/pci/drivers/igb" "$dev/$pfpci/driver"
	ln -s "../../../$pfpci" "$dev/$pfpci/net/$pf/device"
	ln -s "../../../devices/pci0000:00/$pfpci" "$SH_SYSFS/bus/pci/devices/$pfpci"
	ln -s "../../devices/pci0000:00/$pfpci/net/$pf" "$SH_SYSFS/class/net/$pf"
}

# standin_pf_create TAG BUS NVFS [veth|tap]
# TAG: one character, unique within the test. BUS: two hex digits, unique within the test.
# The PF is a veth end named <prefix><tag>p (peer <prefix><tag>q), at PCI 0000:BUS:00.0; VF k is
# <prefix><tag>v<k> at 0000:BUS:10.k (k < 8; then 11.0, 11.1, ...): a veth end (peer <name>x, up,
# so the VF has carrier) or a tap (max MTU 65521, so the kernel rejects MTU 65530 that the hook's
# range allows).
standin_pf_create() {
	local tag=$1 bus=$2 n=$3 kind=${4:-veth}
	local d="$SH_TMP/standin/$tag" pfpci="0000:$bus:00.0"
	local dev="$SH_SYSFS/devices/pci0000:00" k vf vfpci mac idx
	standin_pf_device "$tag" "$bus" "$n" || return 1

	for ((k = 0; k < n; k++)); do
		vf="${SH_PREFIX}${tag}v$k"
		# functions 0-7 of device 10, 11, ...: a valid PCI address for any number of VFs
		vfpci=$(printf '0000:%s:%02x.%x' "$bus" $((0x10 + k / 8)) $((k % 8)))
		mac=$(printf '02:5e:%s:00:10:%02x' "$bus" "$k")
		case $kind in
		veth)
			ip link add "$vf" type veth peer name "${vf}x" || return 1
			ip link set "${vf}x" up
			;;
		tap) ip tuntap add mode tap name "$vf" || return 1 ;;
		*) echo "standin: unknown VF kind $kind" >&2; return 1 ;;
		esac
		ip link set "$vf" address "$mac" mtu 1500 || return 1
		idx=$(cat "/sys/class/net/$vf/ifindex")
		echo "$vf $vfpci $idx 1500 $mac $kind" >"$d/vf$k"

		mkdir -p "$dev/$vfpci/net/$vf"
		echo 0x8086 >"$dev/$vfpci/vendor"
		echo 0x10ca >"$dev/$vfpci/device"
		ln -s "../$vfpci" "$dev/$pfpci/virtfn$k"
		ln -s "../$pfpci" "$dev/$vfpci/physfn"
		ln -s "../../../bus/pci/drivers/igbvf" "$dev/$vfpci/driver"
		ln -s "../../../$vfpci" "$dev/$vfpci/net/$vf/device"
		ln -s "../../../devices/pci0000:00/$vfpci" "$SH_SYSFS/bus/pci/devices/$vfpci"
		ln -s "../../devices/pci0000:00/$vfpci/net/$vf" "$SH_SYSFS/class/net/$vf"
	done
}

# standin_vf_set_driver TAG K DRIVER: rebinds VF K in the fake tree. A driver other than igbvf
# (vfio-pci, say) gives no netdev: the VF's net/ directory and class/net link go.
standin_vf_set_driver() {
	local dev="$SH_SYSFS/devices/pci0000:00" vfpci vf
	vfpci=$(standin_vf_pci "$1" "$2")
	vf=$(standin_vf_name "$1" "$2")
	mkdir -p "$SH_SYSFS/bus/pci/drivers/$3"
	ln -sfn "../../../bus/pci/drivers/$3" "$dev/$vfpci/driver"
	if [ "$3" = igbvf ]; then
		mkdir -p "$dev/$vfpci/net/$vf"
		ln -sfn "../../../$vfpci" "$dev/$vfpci/net/$vf/device"
		ln -sfn "../../devices/pci0000:00/$vfpci/net/$vf" "$SH_SYSFS/class/net/$vf"
	else
		rm -rf "${dev:?}/$vfpci/net" "$SH_SYSFS/class/net/$vf"
	fi
}

# standin_vf_now TAG K: "name mtu mac" of the VF in the host namespace now, found by ifindex
# (its name may have changed); "absent" when it is not in the host namespace.
standin_vf_now() {
	local idx line
	idx=$(standin_vf_ifindex "$1" "$2")
	line=$(ip -o link show 2>/dev/null | awk -F': ' -v i="$idx" '$1 == i {print; exit}')
	if [ -z "$line" ]; then
		echo absent
		return
	fi
	# "7: name@peer: <...> mtu 1500 ... link/ether 02:..."
	echo "$line" | awk '{
		name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
		for (i = 1; i <= NF; i++) { if ($i == "mtu") mtu = $(i + 1); if ($i == "link/ether") mac = $(i + 1) }
		print name, mtu, mac }'
}

# standin_wait_back SECONDS TAG [K...]: waits until the VFs are as created (a poststop may run
# after the engine's command returned: podman runs it from its cleanup process). Returns 0 then,
# else prints the difference and returns 1.
standin_wait_back() {
	local secs=$1 tag=$2 i p
	shift 2
	for ((i = 0; i < secs * 20; i++)); do
		p=$(standin_vf_problems "$tag" "$@")
		[ -z "$p" ] && return 0
		sleep 0.05
	done
	echo "$p"
	return 1
}

# standin_vf_problems TAG [K...]: one line per difference between the VFs now and at creation
# (absent from the host, other name, MTU or MAC, addresses left on it). Empty output = as created.
standin_vf_problems() {
	local tag=$1 k n now want addrs
	shift
	n=$(standin_nvfs "$tag")
	local ks=("$@")
	[ ${#ks[@]} -gt 0 ] || for ((k = 0; k < n; k++)); do ks+=("$k"); done
	for k in "${ks[@]}"; do
		now=$(standin_vf_now "$tag" "$k")
		want="$(standin_vf_name "$tag" "$k") $(standin_vf_mtu "$tag" "$k") $(standin_vf_mac "$tag" "$k")"
		if [ "$now" != "$want" ]; then
			echo "vf $k: is '$now', was '$want'"
			continue
		fi
		addrs=$(ip -o addr show dev "$(standin_vf_name "$tag" "$k")" 2>/dev/null | grep -v ' fe80::' | awk '{print $4}' | tr '\n' ' ')
		[ -z "$addrs" ] || echo "vf $k: addresses left on the host: $addrs"
	done
}

# standin_config NAME [JSON-MEMBER...]: writes a hook config file with a private state dir under
# SH_TMP and the fake sysfs root, log to a file; prints the config path. Extra members are raw
# JSON ("\"allowed_pfs\": [\"x\"]"). The state dir is <SH_TMP>/NAME.state, the log <SH_TMP>/NAME.log.
standin_config() {
	local name=$1 f="$SH_TMP/$1.config.json" extra=""
	shift
	local m
	for m in "$@"; do extra="$extra, $m"; done
	cat >"$f" <<EOF
{"state_dir": "$SH_TMP/$name.state", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/$name.log",
 "poststop_timeout_ms": 500$extra}
EOF
	echo "$f"
}
standin_state_dir() { echo "$SH_TMP/$1.state"; }

# standin_netns_proc [VAR]: starts a process in a new network namespace (a container's init, for
# direct hook invocations). With VAR, sets VAR to its pid in the calling shell, whose child it is:
# the shell reaps it when it is killed. Without VAR, prints the pid (call it as $(...)); the process
# is then an orphan, and this VM's pid 1 does not reap: once killed it stays a zombie, which looks
# alive by /proc/<pid>. Prefer VAR. It lives until killed or until cleanup.
standin_netns_proc() {
	# Locals are prefixed so that VAR (set with printf -v) cannot be one of them.
	local _snp_pid _snp_i
	unshare --net sleep 600 </dev/null >/dev/null 2>&1 &
	_snp_pid=$!
	disown "$_snp_pid" # no "Killed" notice at cleanup; bash still reaps it
	standin_track_pid "$_snp_pid"
	# Wait until the process has exec'd into its new netns.
	for ((_snp_i = 0; _snp_i < 200; _snp_i++)); do
		[ "$(readlink "/proc/$_snp_pid/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] &&
			[ "$(readlink "/proc/$_snp_pid/exe" 2>/dev/null)" != "$(readlink -f /usr/bin/unshare)" ] && break
		sleep 0.01
	done
	if [ -n "${1:-}" ]; then
		printf -v "$1" '%s' "$_snp_pid"
	else
		echo "$_snp_pid"
	fi
}

# standin_pid_alive PID: whether PID runs (a zombie counts as gone).
standin_pid_alive() {
	local st
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# standin_kill PID: SIGKILL and wait until it is gone (or a zombie).
standin_kill() {
	local n=0
	kill -9 "$1" 2>/dev/null
	while standin_pid_alive "$1" && [ $((n++)) -lt 500 ]; do sleep 0.01; done
	wait "$1" 2>/dev/null
	return 0
}

# standin_state_residue DIR: prints every regular file, symlink or socket under DIR and every mount
# at or under DIR. Empty output = nothing left (empty directories may remain). A VF's baseline
# (baseline/<pci>.json, a regular file: its state before its first claim) is kept on purpose after
# release and is not residue; its temporary file (a writer killed midway) or anything else there is.
standin_state_residue() {
	local dir=$1
	[ -e "$dir" ] && find "$dir" -mindepth 1 ! -type d ! \( -type f -regex "$dir/baseline/[0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-7]\.json" \) \
		-printf 'file %p\n' 2>/dev/null
	awk -v d="$dir" '$2 == d || index($2, d "/") == 1 {print "mount " $2 " (" $3 ")"}' /proc/self/mounts
}

# Mounts under SH_TMP, deepest first.
_standin_mounts() {
	awk -v d="$SH_TMP" 'index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r
}

# Removes everything the tests made. Safe to call more than once.
standin_cleanup() {
	local rc=$? cmd pid m name idx f
	[ -n "${SH_TMP:-}" ] && [ -d "$SH_TMP/standin" ] || return $rc
	trap - EXIT
	if [ -s "$SH_TMP/standin/atexit" ]; then
		while read -r cmd; do
			eval "$cmd" >/dev/null 2>&1 || true
		done < <(tac "$SH_TMP/standin/atexit")
	fi
	# Pins first: once unmounted, killing the processes lets their namespaces go.
	for m in $(_standin_mounts); do umount -l "$m" 2>/dev/null; done
	while read -r pid; do
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	done <"$SH_TMP/standin/pids"
	local n=0
	while read -r pid; do
		while standin_pid_alive "$pid" && [ $((n++)) -lt 500 ]; do sleep 0.01; done
	done <"$SH_TMP/standin/pids"
	for name in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$SH_PREFIX"); do
		ip netns del "$name" 2>/dev/null
	done
	# Our VFs by ifindex (they may have come back under another name), only if still veth/tun.
	for f in "$SH_TMP"/standin/*/vf*; do
		[ -f "$f" ] || continue
		idx=$(awk '{print $3}' "$f")
		name=$(ip -o link show 2>/dev/null | awk -F': ' -v i="$idx" '$1 == i {sub(/@.*/, "", $2); print $2}')
		[ -n "$name" ] || continue
		if ip -d link show dev "$name" 2>/dev/null | grep -qE '^ +(veth|tun) '; then
			ip link del dev "$name" 2>/dev/null
		fi
	done
	for name in $(ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep "^$SH_PREFIX"); do
		ip link del dev "$name" 2>/dev/null
	done
	rm -rf --one-file-system "$SH_TMP"
	return $rc
}

# ---- for sriovctl: more of a PF's and VF's sysfs state ---------------------------------------------

# standin_pf_link TAG up|down|nocarrier: the PF's operstate, flags and carrier files in the fake
# tree (down: carrier reads fail, as the kernel's do while a link is administratively down).
standin_pf_link() {
	local d
	d="$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci "$1")/net/$(standin_pf_name "$1")"
	case $2 in
	up) echo up >"$d/operstate"; echo 0x1003 >"$d/flags"; echo 1 >"$d/carrier" ;;
	nocarrier) echo down >"$d/operstate"; echo 0x1003 >"$d/flags"; echo 0 >"$d/carrier" ;;
	down) echo down >"$d/operstate"; echo 0x1002 >"$d/flags"; rm -f "$d/carrier" ;;
	*) echo "standin_pf_link: up, down or nocarrier" >&2; return 1 ;;
	esac
}

# standin_pf_totalvfs TAG N: the VFs the stand-in PF claims to support (sriov_totalvfs).
standin_pf_totalvfs() {
	echo "$2" >"$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci "$1")/sriov_totalvfs"
}

# standin_vf_unbind TAG K: VF K without any driver (no driver link, no netdev in sysfs).
standin_vf_unbind() {
	local dev="$SH_SYSFS/devices/pci0000:00" vfpci
	vfpci=$(standin_vf_pci "$1" "$2")
	rm -f "$dev/$vfpci/driver"
	rm -rf "${dev:?}/$vfpci/net" "$SH_SYSFS/class/net/$(standin_vf_name "$1" "$2")"
}

# standin_iommu_groups TAG [FIRST]: an IOMMU group per VF of TAG (kernel/iommu_groups/N,
# iommu_group links), numbered from FIRST (default 10) by VF index, as with an IOMMU on.
standin_iommu_groups() {
	local dev="$SH_SYSFS/devices/pci0000:00" k n vfpci g
	n=$(standin_nvfs "$1")
	for ((k = 0; k < n; k++)); do
		vfpci=$(standin_vf_pci "$1" "$k")
		g=$((${2:-10} + k))
		mkdir -p "$SH_SYSFS/kernel/iommu_groups/$g/devices"
		ln -sfn "../../../../devices/pci0000:00/$vfpci" "$SH_SYSFS/kernel/iommu_groups/$g/devices/$vfpci"
		ln -sfn "../../kernel/iommu_groups/$g" "$dev/$vfpci/iommu_group"
	done
}

# standin_vf_kernel_return TAG K: what the kernel does with a physical VF whose network namespace
# died (a veth stand-in dies with it): it comes back to the host as dev<ifindex>. Makes a new veth
# with the VF's MAC, named so, points the fake sysfs at it and records its new ifindex (so that
# standin_vf_problems and the cleanup find it). Prints the name.
standin_vf_kernel_return() {
	local tag=$1 k=$2 dev="$SH_SYSFS/devices/pci0000:00" f vfpci old idx name tmp
	f="$SH_TMP/standin/$tag/vf$k"
	vfpci=$(standin_vf_pci "$tag" "$k")
	old=$(standin_vf_name "$tag" "$k")
	tmp="${SH_PREFIX}kr$k"
	ip link add "$tmp" type veth peer name "${tmp}x" || return 1
	ip link set "${tmp}x" up
	ip link set "$tmp" address "$(standin_vf_mac "$tag" "$k")" mtu "$(standin_vf_mtu "$tag" "$k")"
	idx=$(cat "/sys/class/net/$tmp/ifindex")
	name="dev$idx"
	ip link set "$tmp" name "$name" || return 1
	rm -rf "${dev:?}/$vfpci/net" "$SH_SYSFS/class/net/$old"
	mkdir -p "$dev/$vfpci/net/$name"
	ln -s "../../../$vfpci" "$dev/$vfpci/net/$name/device"
	ln -sfn "../../devices/pci0000:00/$vfpci/net/$name" "$SH_SYSFS/class/net/$name"
	awk -v i="$idx" '{ $3 = i; print }' "$f" >"$f.new" && mv "$f.new" "$f"
	echo "$name"
}

# standin_send_frames DEV [N]: N (default 3) raw Ethernet frames out of DEV, which needs no address
# (AF_PACKET): traffic that every counter of DEV sees at once.
standin_send_frames() {
	"$SH_PY" - "$1" "${2:-3}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for _ in range(int(sys.argv[2])):
    s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"sriov-hook test".ljust(46, b"\0"))
PY
}
