#!/bin/bash
# Real runc, busybox bundle, hooks at createRuntime and poststop: the container sees the stand-in VF
# under the requested name with its MTU, addresses and routes; after exit the VF is back on the
# host as it was and nothing of the claim remains.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup runc "$REPO" "a 3b 2"

PF=$(standin_pf_name a)
CFG=$(standin_config runc)
STATE=$(standin_state_dir runc)

# The container records what it sees, says ready, and waits for the host's go.
INSIDE='ip -o link >/tmp/link; ip addr >/tmp/addr; ip route >/tmp/route4; ip -6 route >/tmp/route6;
touch /tmp/ready; i=0; while [ ! -e /tmp/go ] && [ $i -lt 400 ]; do usleep 50000; i=$((i+1)); done'

# run_container NAME [annotation...]: starts runc in the background; waits for the container to be
# ready (RUN_READY=1) or for runc to end. run_finish lets it exit and collects RUN_RC.
run_container() {
	RUN_NAME=$1
	shift
	RUN_DIR=$SH_TMP/$RUN_NAME
	bundle_runc "$RUN_DIR" "$HOOK" "$CFG" "$INSIDE" "$@" || return 1
	runc_t run --bundle "$RUN_DIR" "$RUN_NAME" </dev/null >"$RUN_DIR/out" 2>"$RUN_DIR/err" &
	RUN_PID=$!
	RUN_READY=0
	local i
	for ((i = 0; i < 1000; i++)); do
		[ -e "$RUN_DIR/rootfs/tmp/ready" ] && { RUN_READY=1; return 0; }
		kill -0 "$RUN_PID" 2>/dev/null || return 0
		sleep 0.02
	done
}
run_finish() {
	touch "$RUN_DIR/rootfs/tmp/go"
	wait "$RUN_PID"
	RUN_RC=$?
}
inside() { cat "$RUN_DIR/rootfs/tmp/$1" 2>/dev/null; }

# after_checks PREFIX: the VFs are back as created and the state dir holds no file or mount.
after_checks() {
	t_empty "$1/vf_restored" "stand-ins differ after exit" "$(standin_vf_problems a)"
	t_empty "$1/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
	t_empty "$1/runc_forgot" "runc still lists" "$(runc_t list -q 2>/dev/null)"
	t_check "$1/pf_stays" "PF left the host" -e "/sys/class/net/$PF"
}

# 1. Everything: PF by name, VF index, ifname, MTU, IPv4+IPv6 addresses and gateways.
VF0=$(standin_vf_name a 0)
MAC0=$(standin_vf_mac a 0)
run_container full pf="$PF" vf=0 ifname=sriov0 mtu=9000 \
	ip=10.77.0.10/24,fd77::10/64 gateway=10.77.0.1,fd77::1
if [ "$RUN_READY" = 1 ]; then
	t_pass full/started
	link=$(inside link | grep ' sriov0[:@]')
	t_check full/ifname "no sriov0 inside: $(inside link)" -n "$link"
	t_contains full/mac "$link" "$MAC0" "sriov0 (MAC of vf 0 expected)"
	t_contains full/mtu "$link" "mtu 9000" "sriov0"
	t_contains full/up "$link" ",UP" "sriov0 flags"
	t_contains full/ipv4 "$(inside addr)" "inet 10.77.0.10/24" "ip addr"
	t_contains full/ipv6 "$(inside addr)" "inet6 fd77::10/64" "ip addr"
	t_contains full/gw4 "$(inside route4)" "default via 10.77.0.1 dev sriov0" "ip route"
	t_contains full/gw6 "$(inside route6)" "default via fd77::1 dev sriov0" "ip -6 route"
	t_check full/only_lo_and_vf "unexpected links inside: $(inside link)" "$(inside link | grep -c .)" = 2
	# While the container runs: the VF is gone from the host, claimed and pinned.
	t_check full/vf_left_host "vf 0 still on the host: $(standin_vf_now a 0)" "$(standin_vf_now a 0)" = absent
	rec="$STATE/claims/$(standin_vf_pci a 0).json"
	t_check full/claim_record "no $rec" -f "$rec"
	t_check full/claim_id "claim id is '$(json_get "$rec" id)'" "$(json_get "$rec" id)" = full
	t_check full/claim_vf_pci "claim vf_pci is '$(json_get "$rec" vf_pci)'" "$(json_get "$rec" vf_pci)" = "$(standin_vf_pci a 0)"
	t_check full/claim_host_name "claim host_name is '$(json_get "$rec" host_name)'" "$(json_get "$rec" host_name)" = "$VF0"
	t_check full/lock "no lock file" -e "$STATE/locks/$(standin_vf_pci a 0).lock"
	# pinned under the container's id and the namespace's (device, inode)
	t_check full/pinned "mounts: $(awk '{print $2, $3}' /proc/self/mounts | grep "$STATE")" \
		"$(awk '{print $2, $3}' /proc/self/mounts | grep -c "^$STATE/netns/full@[0-9]*-[0-9]* nsfs\$")" = 1
	t_empty full/vf1_untouched "vf 1 changed" "$(standin_vf_problems a 1)"
else
	t_fail full/started "container never got ready: $(cat "$RUN_DIR/err")"
fi
run_finish
t_check full/exit0 "runc run exited $RUN_RC: $(cat "$RUN_DIR/err")" "$RUN_RC" = 0
after_checks full

# 2. PF by PCI address, vf=auto, no ifname: eth0, lowest free VF (0 again, since it came back).
run_container auto pf="$(standin_pf_pci a)" vf=auto ip=10.78.0.2/16
if [ "$RUN_READY" = 1 ]; then
	t_pass auto/started
	link=$(inside link | grep ' eth0[:@]')
	t_check auto/eth0 "no eth0 inside: $(inside link)" -n "$link"
	t_contains auto/lowest_free "$link" "$MAC0" "eth0 (vf 0 expected)"
	t_contains auto/mtu_unchanged "$link" "mtu 1500" "eth0"
	t_contains auto/ipv4 "$(inside addr)" "inet 10.78.0.2/16" "ip addr"
	t_check auto/no_default_route "a default route appeared: $(inside route4)" -z "$(inside route4 | grep default)"
else
	t_fail auto/started "container never got ready: $(cat "$RUN_DIR/err")"
fi
run_finish
t_check auto/exit0 "runc run exited $RUN_RC: $(cat "$RUN_DIR/err")" "$RUN_RC" = 0
after_checks auto

# 3. VF by PCI address alone (no io.sriov.pf).
run_container bypci vf="$(standin_vf_pci a 1)"
if [ "$RUN_READY" = 1 ]; then
	t_pass bypci/started
	t_contains bypci/vf1 "$(inside link | grep ' eth0[:@]')" "$(standin_vf_mac a 1)" "eth0 (vf 1 expected)"
else
	t_fail bypci/started "container never got ready: $(cat "$RUN_DIR/err")"
fi
run_finish
t_check bypci/exit0 "runc run exited $RUN_RC: $(cat "$RUN_DIR/err")" "$RUN_RC" = 0
after_checks bypci

# 4. No io.sriov.* annotation: the hooks do nothing.
run_container none org.example.other=1
if [ "$RUN_READY" = 1 ]; then
	t_check none/only_lo "links inside: $(inside link)" "$(inside link | grep -c .)" = 1
else
	t_fail none/started "container never got ready: $(cat "$RUN_DIR/err")"
fi
run_finish
t_check none/exit0 "runc run exited $RUN_RC: $(cat "$RUN_DIR/err")" "$RUN_RC" = 0
after_checks none

# 5. The container's process fails: poststop still gives the VF back.
RUN_DIR=$SH_TMP/failing
bundle_runc "$RUN_DIR" "$HOOK" "$CFG" 'ip link show sriov1 && exit 3' pf="$PF" vf=1 ifname=sriov1 mtu=1400
timeout 60 runc --root "$SH_TMP/runc" run --bundle "$RUN_DIR" failing </dev/null >"$RUN_DIR/out" 2>"$RUN_DIR/err"
rc=$?
t_check failing/exit3 "runc run exited $rc (3 expected): $(cat "$RUN_DIR/out" "$RUN_DIR/err")" "$rc" = 3
t_contains failing/saw_vf "$(cat "$RUN_DIR/out")" "sriov1" "container output"
after_checks failing

t_end
