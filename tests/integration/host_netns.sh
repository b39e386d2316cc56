#!/bin/bash
# The target namespace: a VF goes only into a container's own network namespace. The host's, by any
# path (pid 1's, the runtime's, /proc/self, a bind mount as `ip netns` or docker's --network host
# make), a file that is no namespace, a namespace of another type, or one whose process is gone:
# each is refused with one line, before anything is touched (no state_dir, no claim, no pin, the VF
# untouched). Also through real runc.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup host_netns "$REPO" "a 3b 1"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config hostns)
STATE=$(standin_state_dir hostns)

# Bind mounts of the host's namespace, as `ip netns attach` and docker (.../netns/default) make.
mkdir -p /run/netns "$SH_TMP/docker/netns"
HOSTBIND=/run/netns/${SH_PREFIX}host
touch "$HOSTBIND" "$SH_TMP/docker/netns/default"
standin_atexit "umount $HOSTBIND; rm -f $HOSTBIND"
mount --bind /proc/self/ns/net "$HOSTBIND"
mount --bind /proc/self/ns/net "$SH_TMP/docker/netns/default"
touch "$SH_TMP/regular"
mkdir "$SH_TMP/dir"
mkfifo "$SH_TMP/fifo"
standin_netns_proc gone
standin_kill "$gone"
standin_netns_proc live
NSFS0=$(nsfs_mounts | wc -l)

# refused NAME PATTERN NSPATH [STATE-PID]: createRuntime for a container whose config.json names
# NSPATH as its network namespace is refused with one line matching PATTERN (after the prefix) and
# leaves no trace.
refused() {
	local name=$1 pat=$2 path=$3 pid msg
	ct_prepare "$name" pf="$PF" vf=0 ip=10.55.0.2/24
	pid=${4:-$CT_PID}
	bundle_edit "$CT_BUNDLE" "c['linux']['namespaces'] = [{'type': 'network', 'path': '$path'}]"
	hook_run "$CFG" createRuntime "$(hook_state "$name" "$pid" "$CT_BUNDLE")"
	msg=$(hook_msg "$name" createRuntime)
	t_check "$name/refused" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" != 0
	if hook_err_one_line && printf '%s' "$msg" | grep -qE "$pat"; then
		t_pass "$name/message"
	else
		t_fail "$name/message" "want one line matching /$pat/ after the prefix, got: $HOOK_ERR"
	fi
	t_check "$name/no_state_dir" "created: $(find "$STATE" 2>/dev/null | head -5)" ! -e "$STATE"
	t_empty "$name/vf_untouched" "stand-in" "$(standin_vf_problems a)"
	t_check "$name/no_new_nsfs_mount" "nsfs mounts: $(nsfs_mounts)" "$(nsfs_mounts | wc -l)" = "$NSFS0"
	ct_kill "$name"
}

# pid 1's namespace may not even be readable to the hook (another user namespace): refused either way
refused pid1 "is the host's|open network namespace /proc/1/ns/net: Permission denied" /proc/1/ns/net
refused proc_self "is the host's \(the one sriov-hook runs in\)" /proc/self/ns/net
refused runtime "is the host's \(the one sriov-hook runs in\)" "/proc/$$/ns/net"
refused ip_netns_bind "/run/netns/${SH_PREFIX}host is the host's" "$HOSTBIND"
refused docker_host "netns/default is the host's" "$SH_TMP/docker/netns/default"
refused regular_file "$SH_TMP/regular is not a namespace" "$SH_TMP/regular"
refused directory "$SH_TMP/dir is not a namespace" "$SH_TMP/dir"
refused fifo "$SH_TMP/fifo is not a namespace" "$SH_TMP/fifo"
refused dev_null "/dev/null is not a namespace" /dev/null
refused missing "open network namespace $SH_TMP/nothing-here: No such file" "$SH_TMP/nothing-here"
refused pid_ns "/proc/$live/ns/pid is a pid namespace, not a network namespace" "/proc/$live/ns/pid"
refused mnt_ns "is a mount namespace, not a network namespace" "/proc/self/ns/mnt"
refused path_process_gone "/proc/$gone/ns/net" "/proc/$gone/ns/net"
refused state_process_gone "the container's process $gone is gone" /proc/self/ns/net "$gone"

# The control: the same container with its own namespace gets the VF.
ct_create control "$CFG" pf="$PF" vf=0
t_check control/own_netns_accepted "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check control/vf_in_container "VF not in the container" "$(vf_in_ns "$(ct_pid control)" a 0)" = 1
ct_kill control
ct_poststop control "$CFG"
t_empty control/released "after poststop" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"
rm -rf "$STATE"

# Real runc: a bundle joining the host's namespace by path (docker's --network host, podman's
# --network ns:<path>). runc starts it; the hook refuses, so the container does not start.
RUN_DIR=$SH_TMP/runc-host
bundle_runc "$RUN_DIR" "$HOOK" "$CFG" 'ip link' pf="$PF" vf=0 ip=10.55.0.3/24
bundle_edit "$RUN_DIR" "
for n in c['linux']['namespaces']:
    if n['type'] == 'network':
        n['path'] = '$HOSTBIND'"
runc_t run --bundle "$RUN_DIR" runc-host </dev/null >"$RUN_DIR/out" 2>"$RUN_DIR/err"
rc=$?
t_check runc/refused "runc exited $rc: $(cat "$RUN_DIR/err")" "$rc" != 0
t_contains runc/message "$(cat "$RUN_DIR/err")" "is the host's" "runc's error output"
t_check runc/no_state_dir "created: $(find "$STATE" 2>/dev/null | head -5)" ! -e "$STATE"
t_empty runc/vf_untouched "stand-in" "$(standin_vf_problems a)"
t_check runc/no_new_nsfs_mount "nsfs mounts: $(nsfs_mounts)" "$(nsfs_mounts | wc -l)" = "$NSFS0"
t_empty runc/host_untouched "the host has" "$(ip -o addr show | grep 10.55.0.3)"

t_end
