#!/bin/bash
# `make standin-up` / `make standin-down` (root): a stand-in SR-IOV PF with VFs that stays until taken
# down, with a configuration of its own that points the hook at it, so that the README's quickstarts
# can be followed by hand without an SR-IOV NIC. The stand-in is tests/lib/standin.sh's (veth devices
# behind a fake sysfs tree) under fixed names.
#   scripts/standin-pf.sh up [NUMVFS]   the PF standin0p with NUMVFS (1-8, default 4) VFs; prints what to type
#   scripts/standin-pf.sh status        what is up
#   scripts/standin-pf.sh down          removes the devices, the tree, the hook's state in it
#
# Everything lives in /run/sriov-hook-standin (a reboot removes it, as it removes the devices): the
# configuration too, which the hook, sriovctl and sriov-runc are given with --config or
# SRIOV_HOOK_CONFIG, and podman's hooks.d files naming it. The admin's /etc/sriov-hook/config.json
# (the package's conffile) is never written.
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tests/lib/standin.sh
. "$REPO/tests/lib/standin.sh"

RUN_DIR=/run/sriov-hook-standin
SAVE_DIR=/var/lib/sriov-hook-standin
CONF=$RUN_DIR/config.json
HOOKS_DIR=$RUN_DIR/hooks.d
# An earlier standin-up replaced the admin's file and kept it in SAVE_DIR: put back at down.
ETC_CONF=/etc/sriov-hook/config.json
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

# The hook the stand-in's hooks.d files name: the build tree's when built, else an installed one.
hook_path() {
	local p
	for p in "$REPO/build/sriov-hook" /usr/bin/sriov-hook /usr/local/bin/sriov-hook; do
		[ -x "$p" ] && { echo "$p"; return; }
	done
	echo "$REPO/build/sriov-hook"
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
	echo "  configuration  $CONF, the stand-in's own (/etc/sriov-hook is not touched):"
	sed 's/^/                   /' "$CONF"
	echo "  claims, pins   $RUN_DIR/state    hook log  $RUN_DIR/hook.log"
	echo "  hooks.d        $HOOKS_DIR (naming $(hook_path) --config $CONF)"
	echo
	echo "  podman:   podman --hooks-dir $HOOKS_DIR run --rm --network none --annotation io.sriov.pf=$pf \\"
	echo "              --annotation io.sriov.vf=auto --annotation io.sriov.ip=10.99.0.2/24 busybox ip addr"
	echo "  runc:     the README's hooks, with \"--config\", \"$CONF\" before the stage in their args"
	echo "            and \"io.sriov.pf\": \"$pf\" in the annotations"
	echo "  docker:   the README's daemon.json without runtimeArgs, and SRIOV_HOOK_CONFIG=$CONF in dockerd's environment;"
	echo "            Debian's docker 20.10 has no --annotation: add \"env_fallback\": true to $CONF"
	echo "            and use -e SRIOV_PF=$pf -e SRIOV_VF=auto"
	echo "  sriovctl: sriovctl --config $CONF list (doctor, gc, cdi generate alike)"
	echo "  To reach a container's VF from the host, address its peer: ip addr add 10.99.0.1/24 dev $(standin_vf_name "$TAG" 0)x"
	echo "  To remove all of it: make standin-down"
}

# Writes the configuration atomically (a hook starting meanwhile reads the old file or the new one).
write_config() {
	cat >"$CONF.new" <<EOF
{
  "state_dir": "$RUN_DIR/state",
  "sysfs_root": "$SH_SYSFS",
  "log": "$RUN_DIR/hook.log"
}
EOF
	chmod 0644 "$CONF.new" && mv "$CONF.new" "$CONF"
}

# podman's hooks.d files for the stand-in: the repository's, naming the hook with --config.
write_hooks() {
	local stage hook
	hook=$(hook_path)
	mkdir -p "$HOOKS_DIR" || return 1
	for stage in createruntime poststop; do
		sed -e "s|@BINDIR@/sriov-hook|$hook|" \
			-e "s|\"args\": \\[\"sriov-hook\", |\"args\": [\"sriov-hook\", \"--config\", \"$CONF\", |" \
			"$REPO/hooks.d/sriov-hook-$stage.json.in" >"$HOOKS_DIR/sriov-hook-$stage.json" || return 1
	done
}

# The PF's link state in the tree is the real device's (it is up, and `ip link set standin0p down`
# shows), not a file that only says what it was at creation.
link_pf_state() {
	local pf d f
	pf=$(standin_pf_name "$TAG")
	d="$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci "$TAG")/net/$pf"
	for f in operstate flags carrier; do
		ln -sfn "/sys/class/net/$pf/$f" "$d/$f" || return 1
	done
}

# An earlier standin-up replaced /etc/sriov-hook/config.json and kept the admin's in SAVE_DIR: put
# it back, but only while the file there is still the stand-in's (after a purge, or once the admin
# wrote another, nothing is recreated or overwritten).
restore_old_config() {
	[ -d "$SAVE_DIR" ] || return 0
	if grep -q "\"$RUN_DIR/sys\"" "$ETC_CONF" 2>/dev/null; then
		if [ -f "$SAVE_DIR/config.json.saved" ]; then
			cp -a "$SAVE_DIR/config.json.saved" "$ETC_CONF.standin-new" && mv "$ETC_CONF.standin-new" "$ETC_CONF" &&
				echo "standin: put back the configuration $ETC_CONF had before"
		else
			rm -f "$ETC_CONF" && echo "standin: removed $ETC_CONF (an earlier standin-up wrote it)"
		fi
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
	link_pf_state || die "could not link the PF's link state into the tree"
	write_config || die "could not write $CONF"
	write_hooks || die "could not write $HOOKS_DIR"
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
	restore_old_config
	echo "standin: removed the stand-in PF, its VFs and $RUN_DIR"
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
