# shellcheck shell=bash
# vfio-pci for stand-in VFs (this machine has no IOMMU): an IOMMU group per VF, the sysfs attributes
# a bind writes, a /dev tree for the hook's dev_root, and tests/lib/fakevfio.py playing the
# kernel's part (driver links, netdevs, /dev/vfio/<group> nodes). After tests/lib/standin.sh.
#
#   fakevfio_setup TAG...     # FAKEVFIO_DEV: the dev_root; every VF of the TAGs in an IOMMU group
#                             # of its own, numbered from 10 (VF k of the first TAG: 10+k); once
#   fakevfio_refuse on|off    # whether probes bind nothing (a driver that will not take the VF)
#   fakevfio_driver TAG K     # the driver VF K is on now ("" for none)
#   fakevfio_share TAG K J    # VF J moves into VF K's IOMMU group (hardware without ACS between them)
#   fakevfio_unshare TAG J G  # VF J back in a group of its own, number G

fakevfio_setup() {
	local tag k n pci devs="$SH_SYSFS/devices/pci0000:00" first=10
	FAKEVFIO_DEV=$SH_TMP/dev
	mkdir -p "$FAKEVFIO_DEV/vfio"
	[ -e "$FAKEVFIO_DEV/vfio/vfio" ] || mknod "$FAKEVFIO_DEV/vfio/vfio" c 10 196
	: >"$SH_SYSFS/bus/pci/drivers_probe"
	for d in igb igbvf vfio-pci; do
		mkdir -p "$SH_SYSFS/bus/pci/drivers/$d"
		: >"$SH_SYSFS/bus/pci/drivers/$d/bind"
		: >"$SH_SYSFS/bus/pci/drivers/$d/unbind"
	done
	for tag in "$@"; do
		standin_iommu_groups "$tag" "$first"
		n=$(standin_nvfs "$tag")
		first=$((first + n))
		for ((k = 0; k < n; k++)); do
			pci=$(standin_vf_pci "$tag" "$k")
			: >"$devs/$pci/driver_override"
			echo "$pci $(standin_vf_name "$tag" "$k")" >>"$SH_TMP/fakevfio.netdevs"
		done
	done
	"$SH_PY" "$(dirname "${BASH_SOURCE[0]}")/fakevfio.py" "$SH_SYSFS" "$FAKEVFIO_DEV" "$SH_TMP/fakevfio.netdevs" \
		"$SH_TMP/fakevfio.refuse" &
	standin_track_pid $!
	disown
	export FAKEVFIO_DEV
}

fakevfio_refuse() {
	if [ "$1" = on ]; then : >"$SH_TMP/fakevfio.refuse"; else rm -f "$SH_TMP/fakevfio.refuse"; fi
}

fakevfio_driver() {
	basename "$(readlink "$SH_SYSFS/devices/pci0000:00/$(standin_vf_pci "$1" "$2")/driver" 2>/dev/null)"
}

fakevfio_share() {
	local dev="$SH_SYSFS/devices/pci0000:00" g j old
	g=$(basename "$(readlink "$dev/$(standin_vf_pci "$1" "$2")/iommu_group")")
	j=$(standin_vf_pci "$1" "$3")
	old=$(basename "$(readlink "$dev/$j/iommu_group")")
	rm -rf "${SH_SYSFS:?}/kernel/iommu_groups/$old"
	ln -sfn "../../../../devices/pci0000:00/$j" "$SH_SYSFS/kernel/iommu_groups/$g/devices/$j"
	ln -sfn "../../kernel/iommu_groups/$g" "$dev/$j/iommu_group"
}

# fakevfio_unshare TAG J GROUP: VF J goes back to an IOMMU group of its own, number GROUP.
fakevfio_unshare() {
	local dev="$SH_SYSFS/devices/pci0000:00" g j
	j=$(standin_vf_pci "$1" "$2")
	g=$(basename "$(readlink "$dev/$j/iommu_group")")
	rm -f "$SH_SYSFS/kernel/iommu_groups/$g/devices/$j"
	mkdir -p "$SH_SYSFS/kernel/iommu_groups/$3/devices"
	ln -sfn "../../../../devices/pci0000:00/$j" "$SH_SYSFS/kernel/iommu_groups/$3/devices/$j"
	ln -sfn "../../kernel/iommu_groups/$3" "$dev/$j/iommu_group"
}
