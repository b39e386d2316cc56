#!/bin/bash
# `make standin-up` / `make standin-down` (root): a stand-in SR-IOV PF with VFs that stays until taken
# down, and /etc/sriov-hook/config.json pointing the hook at it, so that the README's quickstarts can
# be followed by hand without an SR-IOV NIC. The stand-in is tests/lib/standin.sh's (veth devices
# behind a fake sysfs tree) under fixed names.
#   scripts/standin-pf.sh up [NUMVFS]   the PF standin0p with NUMVFS (1-8, default 4) VFs; prints what to type
#   scripts/standin-pf.sh status        what is up
#   scripts/standin-pf.sh down          removes the devices, the tree, the hook's state in it, and puts
#                                       back the configuration that was there before (or none)
#
# The devices and the tree live in /run (a reboot removes them, as it removes the devices); the
# configuration that standin-up replaced is kept in /var/lib/sriov-hook-standin until standin-down,
# a reboot in between included.
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/lib/standin.sh
. "$REPO/tests/lib/standin.sh"

RUN_DIR=/run/sriov-hook-standin
SAVE_DIR=/var/lib/sriov-hook-standin
CONF_DIR=/etc/sriov-hook
CONF=$CONF_DIR/config.json
TAG=0
BUS=3b

die() { echo "standin: $*" >&2; exit 1; }

# The names standin.sh gives: the PF is ${SH_PREFIX}0p, VF k ${SH_PREFIX}0v<k>.
standin_vars() {
	SH_PREFIX=standin
	SH_TMP=$RUN_DIR
	SH_SYSFS=$RUN_DIR/sys
	export SH_PREFIX SH_TMP SH_SYSFS
}

is_up() { [ -f "$RUN_DIR/standin/$TAG/pf_name" ] && ip link show "$(standin_pf_name "$TAG")" >/dev/null 2>&1; }

hook_hint() {
	local p
	for p in /usr/bin/sriov-hook /usr/local/bin/sriov-hook; do
		if [ -x "$p" ]; then
			echo "  The hook is installed as $p: podman and CRI-O use its hooks.d files."
			[ "$p" = /usr/bin/sriov-hook ] ||
				echo "  (podman: --hooks-dir /usr/local/share/containers/oci/hooks.d, see the README's Installing)"
			return
		fi
	done
	echo "  The hook is not installed: make && make install PREFIX=/usr (or the Debian package), or try the"
	echo "  build tree: make all hooksd, then podman --hooks-dir $REPO/build/hooks.d run ..."
}

info() {
	local pf k n vf
	pf=$(standin_pf_name "$TAG")
	n=$(standin_nvfs "$TAG")
	echo "Stand-in SR-IOV PF (until make standin-down or a reboot):"
	echo "  PF   $pf  $(standin_pf_pci "$TAG")  use it wherever the README says ens1f0;"
	echo "                                its VFs are enabled already: skip the sriov_numvfs step"
	for ((k = 0; k < n; k++)); do
		vf=$(standin_vf_name "$TAG" "$k")
		printf '  VF %d %s  %s  %s  (its peer %sx stays on the host)\n' "$k" "$vf" "$(standin_vf_pci "$TAG" "$k")" \
			"$(standin_vf_mac "$TAG" "$k")" "$vf"
	done
	echo "  sysfs tree     $SH_SYSFS (what the hook reads instead of /sys)"
	echo "  configuration  $CONF, which every quickstart's hook reads:"
	sed 's/^/                   /' "$CONF"
	if [ -f "$SAVE_DIR/config.json.saved" ]; then
		echo "                 (the one it replaced is in $SAVE_DIR, back at make standin-down)"
	else
		echo "                 (there was none: make standin-down removes it)"
	fi
	echo "  claims, pins   $RUN_DIR/state    hook log  $RUN_DIR/hook.log"
	echo
	hook_hint
	echo "  podman:  podman run --rm --network none --annotation io.sriov.pf=$pf \\"
	echo "             --annotation io.sriov.vf=auto --annotation io.sriov.ip=10.99.0.2/24 busybox ip addr"
	echo "  runc:    the README's hooks, with \"io.sriov.pf\": \"$pf\" in the annotations"
	echo "  docker:  the README's daemon.json; Debian's docker 20.10 has no --annotation: add"
	echo "           \"env_fallback\": true to $CONF and use -e SRIOV_PF=$pf -e SRIOV_VF=auto"
	echo "  To reach a container's VF from the host, address its peer: ip addr add 10.99.0.1/24 dev $(standin_vf_name "$TAG" 0)x"
	echo "  To remove all of it: make standin-down"
}

# Writes the configuration atomically (a hook starting meanwhile reads the old file or the new one).
write_config() {
	mkdir -p "$CONF_DIR"
	cat >"$CONF.standin-new" <<EOF
{
  "state_dir": "$RUN_DIR/state",
  "sysfs_root": "$SH_SYSFS",
  "log": "$RUN_DIR/hook.log"
}
EOF
	chmod 0644 "$CONF.standin-new" && mv "$CONF.standin-new" "$CONF"
}

# Keeps what $CONF was before the first standin-up: a copy, or a note that there was none (and
# whether $CONF_DIR existed). After a reboot the saved one is still there and is kept.
save_config() {
	[ -d "$SAVE_DIR" ] && return 0
	mkdir -p "$SAVE_DIR.new" || return 1
	if [ -e "$CONF" ]; then
		cp -a "$CONF" "$SAVE_DIR.new/config.json.saved" || return 1
	else
		: >"$SAVE_DIR.new/config.absent"
		[ -d "$CONF_DIR" ] || : >"$SAVE_DIR.new/dir.absent"
	fi
	mv "$SAVE_DIR.new" "$SAVE_DIR"
}

restore_config() {
	[ -d "$SAVE_DIR" ] || return 0
	if [ -f "$SAVE_DIR/config.json.saved" ]; then
		mkdir -p "$CONF_DIR"
		cp -a "$SAVE_DIR/config.json.saved" "$CONF.standin-new" && mv "$CONF.standin-new" "$CONF" || return 1
		echo "standin: put back the configuration $CONF had before"
	elif [ -f "$SAVE_DIR/config.absent" ]; then
		rm -f "$CONF"
		echo "standin: removed $CONF (there was none before)"
		[ -f "$SAVE_DIR/dir.absent" ] && rmdir "$CONF_DIR" 2>/dev/null
	fi
	rm -rf "$SAVE_DIR"
}

up() {
	local n=${1:-4}
	case $n in [1-8]) ;; *) die "NUMVFS must be 1 to 8, not '$n'" ;; esac
	standin_vars
	if is_up; then
		echo "standin: already up (make standin-down first for another NUMVFS)"
		info
		return 0
	fi
	# Devices or a tree left half (a removed link, a failed up): start again from nothing.
	if [ -e "$RUN_DIR" ] || ip -o link show | grep -q ": $SH_PREFIX"; then
		down_devices >/dev/null
	fi
	standin_init || exit 1
	# standin_init made a private directory and armed its cleanup: the stand-in lives at the fixed
	# place instead, and the cleanup removes it if anything below fails.
	mv "$SH_TMP" "$RUN_DIR" || exit 1
	standin_vars
	standin_pf_create "$TAG" "$BUS" "$n" || die "could not create the stand-in devices"
	mkdir -p "$RUN_DIR/state"
	save_config || die "could not keep $CONF in $SAVE_DIR"
	write_config || die "could not write $CONF"
	trap - EXIT INT TERM
	info
}

# Removes the devices, the tree and the hook's state under $RUN_DIR (pins unmounted first, a VF held
# by a container goes with its peer). Returns the number of claims that were still held.
down_devices() {
	local held
	standin_vars
	held=$(find "$RUN_DIR/state/claims" -name '*.json' 2>/dev/null | wc -l)
	# standin_cleanup works from its records; with them gone it still removes every link named
	# ${SH_PREFIX}* and every mount under $RUN_DIR.
	mkdir -p "$RUN_DIR/standin" && touch "$RUN_DIR/standin/atexit" "$RUN_DIR/standin/pids"
	standin_cleanup
	[ "$held" -eq 0 ] || echo "standin: $held VF(s) were still given to containers: gone with the stand-in"
	return 0
}

down() {
	[ "$(id -u)" = 0 ] || die "must run as root"
	standin_vars
	if [ ! -e "$RUN_DIR" ] && [ ! -d "$SAVE_DIR" ] && ! ip -o link show | grep -q ": $SH_PREFIX"; then
		echo "standin: nothing is up"
		return 0
	fi
	down_devices
	restore_config
	echo "standin: removed the stand-in PF, its VFs, $RUN_DIR and $SAVE_DIR"
}

case ${1:-} in
up) up "${2:-}" ;;
down) down ;;
status)
	standin_vars
	if is_up; then info; else echo "standin: nothing is up"; fi
	;;
*) die "usage: $0 up [NUMVFS] | status | down" ;;
esac
