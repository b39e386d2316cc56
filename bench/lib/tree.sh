# shellcheck shell=bash
# Big stand-in PFs for the bench: the layout of tests/lib/standin.sh (same fake sysfs tree, same
# per-VF records under $SH_TMP/standin/<tag>/, so standin_cleanup removes what is made here), but
# with any number of VFs at valid PCI addresses and only some of them backed by a real netdev.
#
#   bench_pf_create TAG BUS NVFS REAL   REAL: "all", "last" or "none"
#
# VF k sits at 0000:<BUS+1+k/256>:<(k%256)/8>.<k%8>. A VF without a real netdev has an empty net/
# directory: that is how a real VF looks from the host while its netdev sits in a container.
# VF names are <prefix><tag>v<k>, their veth peers <prefix><tag>x<k> (up, so the VF has carrier).

bench_vf_pci() {
	local bus=$1 k=$2
	printf '0000:%02x:%02x.%x' $((0x$bus + 1 + k / 256)) $(((k % 256) / 8)) $((k % 8))
}

bench_pf_create() {
	local tag=$1 bus=$2 n=$3 real=$4
	local d="$SH_TMP/standin/$tag" pfpci="0000:$bus:00.0"
	local dev="$SH_SYSFS/devices/pci0000:00" k vf vfpci mac idx
	standin_pf_device "$tag" "$bus" "$n" || return 1

	# The tree of a 1024-VF PF is thousands of directories and links: written in one go.
	"$SH_PY" - "$dev" "$SH_SYSFS" "$pfpci" "$bus" "$n" "$d" <<'PY' || return 1
import os, sys
dev, root, pfpci, bus, n, d = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 16), int(sys.argv[5]), sys.argv[6]
for k in range(n):
    pci = "0000:%02x:%02x.%x" % (bus + 1 + k // 256, (k % 256) // 8, k % 8)
    os.makedirs(f"{dev}/{pci}/net")
    for f, v in (("vendor", "0x8086"), ("device", "0x10ca")):
        with open(f"{dev}/{pci}/{f}", "w") as fh:
            fh.write(v + "\n")
    os.symlink(f"../{pci}", f"{dev}/{pfpci}/virtfn{k}")
    os.symlink(f"../{pfpci}", f"{dev}/{pci}/physfn")
    os.symlink("../../../bus/pci/drivers/igbvf", f"{dev}/{pci}/driver")
    os.symlink(f"../../../devices/pci0000:00/{pci}", f"{root}/bus/pci/devices/{pci}")
    with open(f"{d}/pci{k}", "w") as fh:
        fh.write(pci + "\n")
PY
	local ks=""
	case $real in
	all) ks=$(seq 0 $((n - 1))) ;;
	last) ks=$((n - 1)) ;;
	esac
	for k in $ks; do
		vf="${SH_PREFIX}${tag}v$k"
		vfpci=$(cat "$d/pci$k")
		mac=$(printf '02:5f:%s:%02x:%02x:%02x' "$bus" $((k >> 16)) $(((k >> 8) & 255)) $((k & 255)))
		ip link add "$vf" type veth peer name "${SH_PREFIX}${tag}x$k" || return 1
		ip link set "${SH_PREFIX}${tag}x$k" up
		ip link set "$vf" address "$mac" mtu 1500 || return 1
		idx=$(cat "/sys/class/net/$vf/ifindex")
		echo "$vf $vfpci $idx 1500 $mac veth" >"$d/vf$k"
		bench_vf_show "$tag" "$k"
	done
}

# bench_vf_hide TAG K / bench_vf_show TAG K: empty or fill VF K's net/ directory in the fake tree
# (hidden = its netdev looks moved away: the VF is in use).
bench_vf_hide() {
	local vfpci vf
	vfpci=$(cat "$SH_TMP/standin/$1/pci$2")
	vf="${SH_PREFIX}${1}v$2"
	rm -rf "${SH_SYSFS:?}/devices/pci0000:00/$vfpci/net/$vf" "$SH_SYSFS/class/net/$vf"
}
bench_vf_show() {
	local vfpci vf dev="$SH_SYSFS/devices/pci0000:00"
	vfpci=$(cat "$SH_TMP/standin/$1/pci$2")
	vf="${SH_PREFIX}${1}v$2"
	mkdir -p "$dev/$vfpci/net/$vf"
	ln -sfn "../../../$vfpci" "$dev/$vfpci/net/$vf/device"
	ln -sfn "../../devices/pci0000:00/$vfpci/net/$vf" "$SH_SYSFS/class/net/$vf"
}
