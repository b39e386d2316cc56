#!/bin/bash
# `make standin-up` / `make standin-down` (root): up makes the stand-in PF and VFs, a configuration
# of their own in /run/sriov-hook-standin and podman hooks.d files naming it, so that the README's
# runc and podman quickstarts work by hand with the build tree's hook; /etc/sriov-hook (the admin's,
# the package's conffile) is never written, also not by a down after a purge. The PF's link state in
# the tree is the real device's (doctor sees it up, and down after `ip link set ... down`). down
# removes every link, mount, file and directory up made (a VF still held by a container included).
# Prints `PASS standin/updown/<check>` or `FAIL ...: <why>`.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../engines/lib.sh
. "$REPO/tests/engines/lib.sh"
# shellcheck disable=SC2034 # testlib.sh's result lines name the group
T_GROUP=standin
e_init updown
e_require_cmd runc podman

SCRIPT=$REPO/scripts/standin-pf.sh
RUN_DIR=/run/sriov-hook-standin
SAVE_DIR=/var/lib/sriov-hook-standin
CONF=$RUN_DIR/config.json
ETC_CONF=/etc/sriov-hook/config.json
CTL=$REPO/build/sriovctl
PF=standin0p

standin_links() { ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep '^standin' | tr '\n' ' '; }
# What up made and down must remove: links, namespaces, mounts, the stand-in's directories.
leftovers() {
	local l
	l=$(standin_links)
	[ -z "$l" ] || echo "links: $l"
	l=$(ip netns list 2>/dev/null | grep '^standin')
	[ -z "$l" ] || echo "netns: $l"
	awk -v d="$RUN_DIR" '$2 == d || index($2, d "/") == 1 {print "mount " $2}' /proc/self/mounts
	[ ! -e "$RUN_DIR" ] || echo "$RUN_DIR is left"
	[ ! -e "$SAVE_DIR" ] || echo "$SAVE_DIR is left"
}
# /etc/sriov-hook as it stands: names, modes and contents.
etc_state() {
	[ -e /etc/sriov-hook ] || { echo absent; return; }
	find /etc/sriov-hook -printf '%p %m %y\n' | sort
	find /etc/sriov-hook -type f -exec md5sum {} + | sort
}

if [ -n "$(leftovers)" ]; then
	t_fail precondition "a stand-in is up (make standin-down first): $(leftovers)"
	t_end
fi
# The machine's /etc/sriov-hook is put aside for the run and comes back at exit, after a last down.
if [ -e /etc/sriov-hook ]; then
	mv /etc/sriov-hook "$SH_TMP/etc-sriov-hook.saved" || exit 1
fi
_updown_cleanup() {
	[ -z "$(leftovers)" ] || "$SCRIPT" down >/dev/null 2>&1
	if [ -e "$SH_TMP/etc-sriov-hook.saved" ]; then
		rm -rf /etc/sriov-hook
		mv "$SH_TMP/etc-sriov-hook.saved" /etc/sriov-hook
	fi
}
standin_atexit _updown_cleanup

# ---- no configuration before: up, the quickstarts, down ---------------------------------------------
out=$(make -s -C "$REPO" standin-up NUMVFS=2 2>&1)
rc=$?
t_check up "rc=$rc: $out" "$rc" = 0
t_check up/links "links: $(standin_links)" "$(standin_links | tr ' ' '\n' | sort | xargs)" = \
	"standin0p standin0q standin0v0 standin0v0x standin0v1 standin0v1x"
sysfs=$(json_get "$CONF" sysfs_root)
t_check up/config-names-tree "$CONF: $(cat "$CONF" 2>&1)" "$(cat "$sysfs/class/net/$PF/device/sriov_numvfs" 2>/dev/null)" = 2
t_contains up/tells-pf "$out" "PF   $PF"
t_contains up/tells-config "$out" "$CONF"
t_contains up/tells-down "$out" "make standin-down"
t_check up/etc-untouched "/etc/sriov-hook: $(etc_state)" "$(etc_state)" = absent
# doctor sees the PF as ip link does, and its fix clears the warning
out=$("$CTL" --config "$CONF" doctor 2>&1)
t_contains up/doctor-pf-up "$out" "$PF is up with carrier" "doctor"
ip link set "$PF" down
out=$("$CTL" --config "$CONF" doctor 2>&1)
t_contains up/doctor-pf-down "$out" "fix: ip link set $PF up" "doctor"
ip link set "$PF" up
out=$("$CTL" --config "$CONF" doctor 2>&1)
t_contains up/doctor-fix-clears "$out" "$PF is up with carrier" "doctor"
VF0_IDX=$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)
VF0_MAC=$(cat /sys/class/net/standin0v0/address 2>/dev/null)

out=$(make -s -C "$REPO" standin-up NUMVFS=2 2>&1)
rc=$?
t_check up-again "rc=$rc: $out" "$rc" = 0
t_contains up-again/says-so "$out" "already up"
t_check up-again/same-devices "standin0v0 is now ifindex $(cat /sys/class/net/standin0v0/ifindex 2>&1), was $VF0_IDX" \
	"$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)" = "$VF0_IDX"

# The runc quickstart: hooks with --config naming the stand-in's configuration.
bundle_runc "$SH_TMP/b" "$HOOK" "$CONF" 'ip addr' pf=$PF vf=auto ip=10.99.5.2/24 >/dev/null
out=$(runc_t run --bundle "$SH_TMP/b" standin-runc </dev/null 2>&1)
rc=$?
t_check runc/run "rc=$rc: $out" "$rc" = 0
t_contains runc/vf-inside "$out" "$VF0_MAC" "ip addr in the container"
t_check runc/vf-back "standin0v0: $(ip -o link show dev standin0v0 2>&1)" "$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)" = "$VF0_IDX"

# The podman quickstart, with the stand-in's hooks.d files (they name build/sriov-hook --config).
e_podman_init
IMG=localhost/sriov-hook-standin-busybox
if ! out=$(e_podman import -q "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail podman/import "podman import: $out"
else
	out=$(e_podman --hooks-dir "$RUN_DIR/hooks.d" run --rm --network none --annotation io.sriov.pf=$PF \
		--annotation io.sriov.vf=auto --annotation io.sriov.ip=10.99.5.2/24 "$IMG" ip addr 2>&1)
	rc=$?
	t_check podman/run "rc=$rc: $out" "$rc" = 0
	t_contains podman/vf-inside "$out" "$VF0_MAC" "ip addr in the container"
fi

# A container that still holds a VF when the stand-in goes: its pin is a mount under the state dir.
holder_pid=""
standin_netns_proc holder_pid
bundle_bare "$SH_TMP/holder" "pf=$PF" vf=1
hook_run "$CONF" createRuntime "$(hook_state standin-holder "$holder_pid" "$SH_TMP/holder")"
t_check holder/claims "rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check holder/pinned "no mount under $RUN_DIR" -n "$(awk -v d="$RUN_DIR" 'index($2, d "/") == 1' /proc/self/mounts)"

out=$(make -s -C "$REPO" standin-down 2>&1)
rc=$?
t_check down "rc=$rc: $out" "$rc" = 0
t_empty down/nothing-left "left" "$(leftovers)"
t_check down/no-config "/etc/sriov-hook: $(etc_state)" "$(etc_state)" = absent
t_contains down/says-held "$out" "still given to containers"
out=$(make -s -C "$REPO" standin-down 2>&1)
rc=$?
t_check down-again "rc=$rc: $out" "$rc" = 0
t_contains down-again/says-so "$out" "nothing is up"

# ---- an admin's configuration: never touched by up, a reboot, up again, and down ----------------------
mkdir -p /etc/sriov-hook
printf '{"env_fallback": true, "log": "stderr"}\n' >"$ETC_CONF"
chmod 0600 "$ETC_CONF"
before=$(etc_state)
out=$(make -s -C "$REPO" standin-up NUMVFS=1 2>&1)
rc=$?
t_check admin/up "rc=$rc: $out" "$rc" = 0
t_check admin/config-untouched "/etc/sriov-hook was: $before; is: $(etc_state)" "$(etc_state)" = "$before"
t_check admin/own-config "$CONF: $(cat "$CONF" 2>&1)" "$(json_get "$CONF" sysfs_root)" = "$RUN_DIR/sys"
# A reboot: the devices and /run go, /etc and /var/lib stay.
for l in $(standin_links); do ip link del dev "$l" 2>/dev/null; done
rm -rf "$RUN_DIR"
out=$(make -s -C "$REPO" standin-up NUMVFS=1 2>&1)
rc=$?
t_check admin/up-after-reboot "rc=$rc: $out" "$rc" = 0
out=$(make -s -C "$REPO" standin-down 2>&1)
rc=$?
t_check admin/down "rc=$rc: $out" "$rc" = 0
t_empty admin/nothing-left "left" "$(leftovers)"
t_check admin/config-kept "/etc/sriov-hook was: $before; is: $(etc_state)" "$(etc_state)" = "$before"
rm -rf /etc/sriov-hook

# ---- an earlier standin-up's saved configuration and a purge since: down recreates nothing -------------
out=$(make -s -C "$REPO" standin-up NUMVFS=1 2>&1)
mkdir -p "$SAVE_DIR" && printf '{"log": "stderr"}\n' >"$SAVE_DIR/config.json.saved"
out=$(make -s -C "$REPO" standin-down 2>&1)
rc=$?
t_check purged/down "rc=$rc: $out" "$rc" = 0
t_check purged/no-config "/etc/sriov-hook: $(etc_state)" "$(etc_state)" = absent
t_empty purged/nothing-left "left" "$(leftovers)"

t_end
