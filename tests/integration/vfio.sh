#!/bin/bash
# vfio mode on stand-ins (io.sriov.mode=vfio): sriov-runc binds the VF to vfio-pci before a real
# `runc create`, the container gets /dev/vfio/vfio and its group's node, the SRIOV_VFIO_*
# variables and /run/sriov/vfio.json; delete gives the VF back to igbvf with its netdev. Refusals
# (IOMMU off, a group shared with a bound device, a VF not bound when the hook alone is asked)
# change nothing. This machine has no IOMMU: tests/lib/fakevfio.py plays the kernel's part in the
# fake sysfs tree (driver links, netdevs, device nodes); the real binding is tests/vm's.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup vfio "$REPO" "a 3b 4"
. "$REPO/tests/lib/fakevfio.sh"
RUNC_WRAPPER=$(dirname "$HOOK")/sriov-runc
[ -x "$RUNC_WRAPPER" ] || { t_fail setup "$RUNC_WRAPPER not built"; t_end; exit 1; }

PF=$(standin_pf_name a)
DEVICES=$SH_SYSFS/devices/pci0000:00
fakevfio_setup a
DEV=$FAKEVFIO_DEV

CFG=$(standin_config vfio "\"dev_root\": \"$DEV\"" \
	'"pools": {"dpdk": {"vfs": ["'"$PF"'#3"], "driver": "vfio-pci"}}')
STATE=$(standin_state_dir vfio)
VF0PCI=$(standin_vf_pci a 0)

driver_of() { fakevfio_driver a "$1"; }
override_of() { tr -d '\n' <"$DEVICES/$(standin_vf_pci a "$1")/driver_override"; }
claims() { ls "$STATE/claims" 2>/dev/null | grep -c .; }

# nothing_changed PREFIX K: VF K is on igbvf with its netdev, no override, no claim, no residue.
nothing_changed() {
	t_check "$1/driver" "VF $2 is on '$(driver_of "$2")'" "$(driver_of "$2")" = igbvf
	t_check "$1/override" "driver_override is '$(override_of "$2")'" -z "$(override_of "$2")"
	t_check "$1/netdev" "no net/ for VF $2" -d "$DEVICES/$(standin_vf_pci a "$2")/net/$(standin_vf_name a "$2")"
	t_check "$1/no_claim" "$(claims) claims left" "$(claims)" = 0
	t_empty "$1/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
	t_empty "$1/vfs_as_made" "stand-ins differ" "$(standin_vf_problems a)"
}

# The container writes what it sees, says ready and waits for go.
INSIDE='ls -l /dev/vfio >/tmp/nodes 2>&1; env >/tmp/env; cat /run/sriov/vfio.json >/tmp/info 2>&1;
touch /tmp/ready; i=0; while [ ! -e /tmp/go ] && [ $i -lt 400 ]; do usleep 50000; i=$((i+1)); done'

# wrapped_create NAME [annotation...]: a bundle whose hooks the wrapper adds, created as docker
# does it (sriov-runc --root --log --log-format json create --bundle --pid-file ID). WRAP_RC, WRAP_ERR.
wrapped_create() {
	local name=$1
	shift
	B=$SH_TMP/$name
	bundle_runc "$B" "$HOOK" "$CFG" "$INSIDE" "$@" || return 1
	bundle_edit "$B" 'c.pop("hooks", None)'
	[ -z "${WRAP_EDIT:-}" ] || bundle_edit "$B" "$WRAP_EDIT"
	mkdir -p "$SH_TMP/runc"
	SRIOV_HOOK_CONFIG=$CFG "$RUNC_WRAPPER" --root "$SH_TMP/runc" --log "$B/runc.log" --log-format json \
		create --bundle "$B" --pid-file "$B/pid" "$name" </dev/null >"$B/out" 2>"$B/err"
	WRAP_RC=$?
	WRAP_ERR=$(cat "$B/err" "$B/runc.log" 2>/dev/null)
}
inside() { cat "$B/rootfs/tmp/$1" 2>/dev/null; }

# 1. sriov-runc: bind, nodes, variables, file; the container runs; delete gives the VF back.
wrapped_create full pf="$PF" vf=0 mode=vfio
if [ "$WRAP_RC" = 0 ]; then
	t_pass full/created
	t_check full/bound "VF 0 on '$(driver_of 0)'" "$(driver_of 0)" = vfio-pci
	t_check full/group_node "no $DEV/vfio/10" -c "$DEV/vfio/10"
	rec="$STATE/claims/$VF0PCI.json"
	t_check full/record_mode "mode '$(json_get "$rec" mode)'" "$(json_get "$rec" mode)" = vfio
	t_check full/record_driver "driver '$(json_get "$rec" driver)'" "$(json_get "$rec" driver)" = igbvf
	t_check full/record_group "iommu_group '$(json_get "$rec" iommu_group)'" "$(json_get "$rec" iommu_group)" = 10
	pid=$(cat "$B/pid")
	t_check full/adopted "record pid '$(json_get "$rec" pid)', container $pid" "$(json_get "$rec" pid)" = "$pid"
	spec=$(cat "$B/config.json")
	t_contains full/spec_node "$spec" '"path":"/dev/vfio/10","type":"c","major":1,"minor":3' "config.json"
	t_contains full/spec_rule "$spec" '{"allow":true,"type":"c","major":10,"minor":196,"access":"rwm"}' "config.json"
	runc_t start full
	wait_for "$B/rootfs/tmp/ready" 10
	t_contains full/sees_group "$(inside nodes)" " 10" "ls -l /dev/vfio"
	t_contains full/sees_vfio "$(inside nodes)" "vfio" "ls -l /dev/vfio"
	t_contains full/env_pci "$(inside env)" "SRIOV_VFIO_PCI=$VF0PCI" "env"
	t_contains full/env_group "$(inside env)" "SRIOV_VFIO_IOMMU_GROUP=10" "env"
	t_contains full/env_info "$(inside env)" "SRIOV_VFIO_INFO=/run/sriov/vfio.json" "env"
	t_contains full/info_pci "$(inside info)" "\"pci\": \"$VF0PCI\"" "/run/sriov/vfio.json"
	t_contains full/info_nodes "$(inside info)" '"/dev/vfio/10"' "/run/sriov/vfio.json"
	touch "$B/rootfs/tmp/go"
	for ((i = 0; i < 500; i++)); do
		runc_t state full 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.02
	done
	runc_t delete full
	nothing_changed full/after 0
	t_check full/info_gone "info file left" ! -e "$STATE/info/full.json"
else
	t_fail full/created "sriov-runc create failed ($WRAP_RC): $WRAP_ERR"
fi

# 1b. The container dies without a poststop (its init killed, runc never asked to delete):
# `sriovctl gc` gives the VF back to igbvf, and the late delete's poststop finds nothing to do.
wrapped_create killed pf="$PF" vf=0 mode=vfio
if [ "$WRAP_RC" = 0 ]; then
	t_check killed/bound "VF 0 on '$(driver_of 0)'" "$(driver_of 0)" = vfio-pci
	kill -9 "$(cat "$B/pid")"
	for ((i = 0; i < 250; i++)); do
		runc_t state killed 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.02
	done
	out=$("$REPO/build/sriovctl" --config "$CFG" gc 2>&1)
	t_check killed/gc "sriovctl gc failed: $out" $? = 0
	t_check killed/back_on_igbvf "VF 0 on '$(driver_of 0)' after gc: $out" "$(driver_of 0)" = igbvf
	runc_t delete killed
	nothing_changed killed/after 0
	t_check killed/info_gone "info file left" ! -e "$STATE/info/killed.json"
else
	t_fail killed/created "sriov-runc create failed ($WRAP_RC): $WRAP_ERR"
fi

# 1c. sriov-runc is killed (-9) while runc create runs (held up in an earlier createRuntime hook):
# the claim's holder is gone, so the container's own createRuntime does not adopt it; it gives the
# VF back instead (a stale claim) and fails the create, which leaves nothing.
(WRAP_EDIT='c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "2"]}]}' \
	wrapped_create wrapkill pf="$PF" vf=0 mode=vfio) 2>/dev/null &
WRAP_JOB=$!
for ((i = 0; i < 250; i++)); do
	[ "$(driver_of 0)" = vfio-pci ] && break
	sleep 0.02
done
t_check wrapkill/bound "VF 0 on '$(driver_of 0)'" "$(driver_of 0)" = vfio-pci
pkill -9 -P "$WRAP_JOB" -x sriov-runc # the wrapper alone: its runc create goes on
wait "$WRAP_JOB"
for ((i = 0; i < 250; i++)); do
	pgrep -f -- "create --bundle $SH_TMP/wrapkill " >/dev/null || break
	sleep 0.02
done
runc_t delete --force wrapkill 2>/dev/null
nothing_changed wrapkill/after 0

# 2. A second container takes the VF at once, as a netdev.
hook_bundle=$SH_TMP/again
bundle_bare "$hook_bundle" pf="$PF" vf=0
standin_netns_proc NSPID
hook_run "$CFG" createRuntime "$(hook_state again "$NSPID" "$hook_bundle")"
t_check again/netdev_claim "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
hook_run "$CFG" poststop "$(hook_state again 0 "$hook_bundle")"
t_check again/poststop "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
standin_kill "$NSPID"
nothing_changed again/after 0

# 3. runc create fails before any hook (a relative cwd): sriov-runc gives the VF back.
WRAP_EDIT='c["process"]["cwd"] = "relative"' wrapped_create badcwd pf="$PF" vf=0 mode=vfio
t_check badcwd/fails "sriov-runc create succeeded" "$WRAP_RC" != 0
nothing_changed badcwd/after 0

# refused NAME K PATTERN [annotation...]: sriov-runc create fails with one line matching PATTERN
# in runc's log (what docker shows) and VF K is as it was.
refused() {
	local name=$1 k=$2 pat=$3 line
	shift 3
	wrapped_create "$name" "$@"
	t_check "$name/fails" "sriov-runc create succeeded" "$WRAP_RC" != 0
	line=$(grep -o '"msg":"[^"]*"' "$B/runc.log" 2>/dev/null)
	t_check "$name/one_line" "runc log: $(cat "$B/runc.log" 2>/dev/null)" "$(grep -c . "$B/runc.log" 2>/dev/null)" = 1
	if printf '%s' "$line" | grep -qiE -- "$pat"; then
		t_pass "$name/message"
	else
		t_fail "$name/message" "want /$pat/, got: $line"
	fi
	nothing_changed "$name/after" "$k"
}

# 4. The IOMMU is off (no iommu_group): one line naming the fix; VF 1 untouched.
VF1PCI=$(standin_vf_pci a 1)
mv "$DEVICES/$VF1PCI/iommu_group" "$SH_TMP/iommu_group.1"
refused iommu_off 1 'IOMMU.*intel_iommu=on' pf="$PF" vf=1 mode=vfio
mv "$SH_TMP/iommu_group.1" "$DEVICES/$VF1PCI/iommu_group"

# 5. VF 1's group also holds a device bound to igb: the group is not viable; the device is named.
OTHER=0000:3b:00.7
mkdir -p "$DEVICES/$OTHER"
ln -sfn ../../../bus/pci/drivers/igb "$DEVICES/$OTHER/driver"
ln -sfn "../../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/kernel/iommu_groups/11/devices/$OTHER"
refused shared_group 1 "$OTHER \\(igb\\)|$OTHER.*igb" pf="$PF" vf=1 mode=vfio
rm -f "$SH_SYSFS/kernel/iommu_groups/11/devices/$OTHER"

# 6. vfio-pci never takes the VF (the driver refuses it): the bind times out, is undone.
fakevfio_refuse on
refused no_bind 1 'vfio-pci' pf="$PF" vf=1 mode=vfio
fakevfio_refuse off

# 7. Interface keys do not apply to a vfio VF.
refused vfio_mtu 1 'mtu.*vfio' pf="$PF" vf=1 mode=vfio mtu=9000

# 8. The hook alone (no sriov-runc): a VF on igbvf cannot become vfio after the container's devices
# are set; refused with the way to do it.
hb=$SH_TMP/hookonly
bundle_bare "$hb" pf="$PF" vf=2 mode=vfio
standin_netns_proc NSPID
hook_run "$CFG" createRuntime "$(hook_state hookonly "$NSPID" "$hb")"
t_check hookonly/fails "createRuntime succeeded" "$HOOK_RC" != 0
t_message hookonly/message 'must be bound before the container is created.*sriov-runc' hookonly createRuntime
standin_kill "$NSPID"
nothing_changed hookonly/after 2

# 9. A vfio pool's VF, bound ahead (sriovctl vfs apply), through its CDI device's hook: claimed
# and released on vfio-pci, where it stays.
standin_vf_set_driver a 3 vfio-pci
mknod "$DEV/vfio/13" c 1 3
VF3PCI=$(standin_vf_pci a 3)
pb=$SH_TMP/pool
bundle_bare "$pb"
standin_netns_proc NSPID
# open by someone (a VM, a DPDK process: vfio-pci has enabled it): not free
echo 1 >"$DEVICES/$VF3PCI/enable"
hook_run "$CFG" createRuntime "$(hook_state pool "$NSPID" "$pb")" --pool dpdk --vf "$VF3PCI" --mode vfio
t_message pool/open_refused 'on vfio-pci and open' pool createRuntime
t_check pool/open_no_claim "$(claims) claims" "$(claims)" = 0
echo 0 >"$DEVICES/$VF3PCI/enable"
hook_run "$CFG" createRuntime "$(hook_state pool "$NSPID" "$pb")" --pool dpdk --vf "$VF3PCI" --mode vfio
t_check pool/claimed "createRuntime failed: $HOOK_ERR" "$HOOK_RC" = 0
rec="$STATE/claims/$VF3PCI.json"
t_check pool/record_mode "mode '$(json_get "$rec" mode)'" "$(json_get "$rec" mode)" = vfio
t_check pool/record_no_driver "driver '$(json_get "$rec" driver)'" -z "$(json_get "$rec" driver)"
hook_run "$CFG" createRuntime "$(hook_state pool2 "$NSPID" "$pb")" --pool dpdk --vf "$VF3PCI" --mode vfio
t_message pool/taken 'already held by pool' pool2 createRuntime
# the pool hands out its VFs only from the pool
hook_run "$CFG" createRuntime "$(hook_state pool3 "$NSPID" "$pb")" --pool dpdk --vf "$VF0PCI" --mode vfio
t_message pool/not_in_pool 'is not in pool dpdk' pool3 createRuntime
standin_kill "$NSPID"
hook_run "$CFG" poststop "$(hook_state pool 0 "$pb")" --pool dpdk --vf "$VF3PCI" --mode vfio
t_check pool/released "poststop failed: $HOOK_ERR" "$HOOK_RC" = 0
t_check pool/stays_vfio "VF 3 on '$(driver_of 3)'" "$(driver_of 3)" = vfio-pci
t_check pool/no_claim "$(claims) claims left" "$(claims)" = 0
standin_vf_set_driver a 3 igbvf

# The poststop log lines of vfio VFs say where each went: never "released as " with nothing after.
LOGTEXT=$(cat "$SH_TMP/vfio.log")
t_contains log/pool_stays "$LOGTEXT" "VF 3 ($VF3PCI) of $PF released: it stays on vfio-pci (it was there before)" "hook log"
t_contains log/back_on_driver "$LOGTEXT" "($VF0PCI) of $PF released: back on igbvf" "hook log"
t_check log/no_empty_name "log: $(grep 'released as $' "$SH_TMP/vfio.log")" -z "$(grep 'released as $' "$SH_TMP/vfio.log")"
t_end
