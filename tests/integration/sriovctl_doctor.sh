#!/bin/bash
# sriovctl doctor on a fake host: a stand-in PF behind the fake sysfs, and a fake root for the
# engines' files (--root). First everything right (no warn, no fail), then each failure in turn:
# the check that catches it, its level, the fix it names, and the exit code; vfio pools (vfio-pci
# loaded, IOMMU groups viable, VFs on vfio-pci), ok and failing with the device named.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_doctor "$REPO" "a 3b 2"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
PCI=$(standin_pf_pci a)
ROOT=$SH_TMP/root
RUN=$SH_TMP/run

# --- a healthy host ----------------------------------------------------------------------------------
standin_pf_link a up
standin_iommu_groups a
mkdir -p "$RUN" && mount -t tmpfs -o mode=755 tmpfs "$RUN"
mkdir -m 0700 "$RUN/sriov-hook"
exe() { mkdir -p "$(dirname "$ROOT$1")" && printf '#!/bin/sh\n' >"$ROOT$1" && chmod 755 "$ROOT$1"; }
exe /usr/bin/podman
exe /usr/bin/dockerd
exe /usr/sbin/runc
exe /usr/local/bin/sriov-hook
exe /usr/local/bin/sriov-runc
mkdir -p "$ROOT/usr/share/containers/oci/hooks.d" "$ROOT/etc/docker"
for stage in createRuntime poststop; do
	sed "s|@BINDIR@|/usr/local/bin|" "$REPO/hooks.d/sriov-hook-$(echo $stage | tr A-Z a-z).json.in" \
		>"$ROOT/usr/share/containers/oci/hooks.d/sriov-hook-$(echo $stage | tr A-Z a-z).json"
done
echo '{"runtimes": {"sriov": {"path": "/usr/local/bin/sriov-runc"}}}' >"$ROOT/etc/docker/daemon.json"
CFG=$SH_TMP/doctor.json
write_cfg() {
	cat >"$CFG" <<JSON
{"state_dir": "$RUN/sriov-hook", "sysfs_root": "$SH_SYSFS", "log": "$SH_TMP/hook.log"$1}
JSON
}
write_cfg ""

# doctor [ARGS]: D_RC, D_OUT.
doctor() {
	D_OUT=$(timeout 30 "$CTL" --config "$CFG" doctor --root "$ROOT" "$@" 2>&1)
	D_RC=$?
}
# line LEVEL CHECK: the first line of that check at that level.
line() { printf '%s\n' "$D_OUT" | awk -v l="$1" -v c="$2" '$1 == l && $2 == c' | head -n 1; }
# fix_of CHECK: the fix line after the check's first problem line.
fix_of() { printf '%s\n' "$D_OUT" | awk -v c="$1" 'f && /fix:/ {sub(/^ *fix: /, ""); print; exit} $2 == c && $1 != "ok" {f = 1}'; }

doctor
t_check healthy/exit0 "rc $D_RC: $D_OUT" "$D_RC" = 0
t_contains healthy/summary "$D_OUT" "0 warn, 0 fail"
for c in config iommu sriov link vf-netdev claims podman cri-o docker containerd runc state-dir log; do
	t_check "healthy/$c" "no ok line for $c: $D_OUT" -n "$(line ok "$c")"
done

# expect NAME LEVEL CHECK WHAT FIX: the last doctor run reported CHECK at LEVEL saying WHAT, with
# FIX in its fix line; a fail exits 1, a warn alone 0.
expect() {
	local name=$1 level=$2 c=$3 what=$4 fix=$5
	t_contains "$name/$level" "$(line "$level" "$c")" "$what" "$c $level line (output: $(printf '%s' "$D_OUT" | tr '\n' '|'))"
	t_contains "$name/fix" "$(fix_of "$c")" "$fix" "fix of $c"
	if [ "$level" = fail ]; then
		t_check "$name/exit1" "rc $D_RC" "$D_RC" = 1
	else
		t_check "$name/exit0" "rc $D_RC (only a warning)" "$D_RC" = 0
	fi
}

# --- each failure in turn --------------------------------------------------------------------------
write_cfg ', "allowed_pf": []'
doctor
expect config fail config 'unknown key "allowed_pf"' "edit $CFG"
write_cfg ""

mv "$SH_SYSFS/kernel/iommu_groups" "$SH_TMP/iommu_groups"
doctor
expect iommu_off warn iommu "the IOMMU is off" "intel_iommu=on iommu=pt"
standin_vf_set_driver a 1 vfio-pci
doctor
expect iommu_off_vfio fail iommu "1 VF(s) are bound to vfio-pci" "intel_iommu=on"
standin_vf_set_driver a 1 igbvf
mv "$SH_TMP/iommu_groups" "$SH_SYSFS/kernel/iommu_groups"

# --- a vfio pool: vfio-pci loaded, each VF's IOMMU group viable, each VF on vfio-pci ---------------
VF0=$(standin_vf_pci a 0)
VF1=$(standin_vf_pci a 1)
write_cfg ", \"pools\": {\"dpdk\": {\"vfs\": [\"$PF#0-1\"], \"driver\": \"vfio-pci\"}}"
standin_vf_set_driver a 0 vfio-pci
standin_vf_set_driver a 1 vfio-pci
doctor
t_check vfio_ok/exit0 "rc $D_RC: $D_OUT" "$D_RC" = 0
t_contains vfio_ok/line "$(line ok vfio)" "pool dpdk: vfio-pci is loaded; 2 VF(s) on vfio-pci or held" "vfio ok line"
standin_vf_set_driver a 1 igbvf
doctor
expect vfio_unbound warn vfio "pool dpdk: $PF VF 1 ($VF1) is on igbvf, not vfio-pci" "sriovctl vfs apply"
# group 11 (VF 1's) also holds a NIC function on igb: not viable
OTHER=0000:3b:00.5
D=$SH_SYSFS/devices/pci0000:00/$OTHER
mkdir -p "$D"
ln -s "../../../bus/pci/drivers/igb" "$D/driver"
ln -s "../../kernel/iommu_groups/11" "$D/iommu_group"
ln -s "../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/bus/pci/devices/$OTHER"
ln -s "../../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/kernel/iommu_groups/11/devices/$OTHER"
doctor
expect vfio_group fail vfio "pool dpdk: $PF VF 1 ($VF1): " "echo $OTHER > $SH_SYSFS/bus/pci/drivers/igb/unbind"
t_contains vfio_group/names_other "$(line fail vfio)" "$OTHER" "vfio fail line"
t_lacks vfio_group/vf0_fine "$(line fail vfio)" "VF 0 " "vfio fail line"
rm "$SH_SYSFS/kernel/iommu_groups/11/devices/$OTHER"
# vfio-pci not loaded
standin_vf_set_driver a 0 igbvf
rmdir "$SH_SYSFS/bus/pci/drivers/vfio-pci"
doctor
expect vfio_module fail vfio "pool dpdk: the vfio-pci driver is not loaded" "modprobe vfio-pci"
mkdir "$SH_SYSFS/bus/pci/drivers/vfio-pci"
# the IOMMU off with a vfio pool: a failure, not a warning
mv "$SH_SYSFS/kernel/iommu_groups" "$SH_TMP/iommu_groups"
doctor
expect vfio_iommu_off fail iommu "the configuration has 1 vfio pool(s)" "intel_iommu=on"
t_contains vfio_iommu_off/vf "$(line fail vfio)" "pool dpdk: $PF VF 0 ($VF0): " "vfio fail line"
mv "$SH_TMP/iommu_groups" "$SH_SYSFS/kernel/iommu_groups"
write_cfg ""

# --- pools the host contradicts (issue 20.5): a PF not here, a range beyond sriov_totalvfs, a VF
# in two pools through two spellings of its PF --------------------------------------------------
write_cfg ", \"pools\": {\"gone\": [\"nosuchpf0#0\"], \"wide\": [\"$PF#1-5\"]}"
doctor
expect pool_unknown_pf fail pools "pool gone: nosuchpf0#0: " "correct pools.gone in $CFG"
t_contains pool_range/line "$D_OUT" "pool wide: $PF#1-5: VFs 2-5 are beyond the 2 VFs $PF offers (sriov_totalvfs): end the range at 1"
write_cfg ", \"pools\": {\"x\": [\"$PF#0\"], \"y\": [\"$PCI#0-1\"]}"
doctor
expect pool_shared fail pools "pool y: VF 0 of $PCI is also in pools.x (as $PF)" "correct pools.y in $CFG"
write_cfg ", \"pools\": {\"x\": [\"$PF#0\"], \"y\": [\"$PCI#1\"]}"
doctor
t_contains pools_fine/ok "$(line ok pools)" "every pool's PFs and VFs are on this host" "pools ok line"
write_cfg ""

echo 0 >"$SH_SYSFS/devices/pci0000:00/$PCI/sriov_numvfs"
doctor
expect numvfs_0 fail sriov "$PF: no VFs enabled" "sriovctl vfs apply"
t_contains numvfs_0/echo "$(fix_of sriov)" "echo 2 > $SH_SYSFS/bus/pci/devices/$PCI/sriov_numvfs" "fix of sriov"
write_cfg ", \"pfs\": {\"$PF\": {\"numvfs\": 1}}"
echo 2 >"$SH_SYSFS/devices/pci0000:00/$PCI/sriov_numvfs"
doctor
expect pfs_differ warn sriov "the configuration's \"pfs\" asks for 1" "sriovctl vfs apply"
write_cfg ""
echo 0 >"$SH_SYSFS/devices/pci0000:00/$PCI/sriov_totalvfs"
doctor
expect no_sriov fail sriov "sriov_totalvfs is 0" "firmware"
echo 2 >"$SH_SYSFS/devices/pci0000:00/$PCI/sriov_totalvfs"
doctor "${PF}x"
t_check unknown_pf/exit1 "rc $D_RC" "$D_RC" = 1
t_contains unknown_pf/lists "$D_OUT" "the SR-IOV PFs on this host: $PF ($PCI)"

standin_pf_link a down
doctor
expect pf_down warn link "$PF is down" "ip link set $PF up"
standin_pf_link a nocarrier
doctor
expect no_carrier warn link "up without carrier" "ethtool $PF"
standin_pf_link a up

standin_vf_unbind a 0
doctor
expect vf_unbound warn vf-netdev "not bound to any driver" "drivers_probe"
standin_vf_set_driver a 0 igbvf

rm "$ROOT"/usr/share/containers/oci/hooks.d/sriov-hook-poststop.json
doctor
expect podman_no_hooks fail podman "no sriov-hook poststop hooks file" "make install PREFIX=/usr"
mkdir -p "$ROOT/etc/containers" "$ROOT/opt/hooks"
mv "$ROOT"/usr/share/containers/oci/hooks.d/sriov-hook-createruntime.json "$ROOT/opt/hooks/"
for stage in poststop; do
	sed "s|@BINDIR@|/usr/local/bin|" "$REPO/hooks.d/sriov-hook-$stage.json.in" >"$ROOT/opt/hooks/sriov-hook-$stage.json"
done
printf '[engine]\n# a comment\nhooks_dir = [\n  "/opt/hooks",   # ours\n]\nhooks_dirs = ["/nowhere"]\n' >"$ROOT/etc/containers/containers.conf"
doctor
t_check podman_hooks_dir/ok "no ok podman line: $D_OUT" -n "$(line ok podman)"
t_contains podman_hooks_dir/names_dir "$(line ok podman)" "/opt/hooks"
chmod 644 "$ROOT/usr/local/bin/sriov-hook"
doctor
expect podman_hook_not_exec fail podman "/usr/local/bin/sriov-hook, which is not an executable file" "make install"
chmod 755 "$ROOT/usr/local/bin/sriov-hook"

exe /usr/bin/crio
doctor
expect crio_no_hooks fail cri-o "no sriov-hook createRuntime or poststop hooks file where CRI-O looks" "crio-hooks.d"
mkdir -p "$ROOT/etc/crio/crio.conf.d"
printf '[crio.runtime]\nhooks_dir = ["/opt/hooks"]\n' >"$ROOT/etc/crio/crio.conf.d/10-sriov.conf"
doctor
expect crio_generic warn cri-o "has the generic files" "crio-hooks.d"
rm "$ROOT/usr/bin/crio"

echo '{"runtimes": {}}' >"$ROOT/etc/docker/daemon.json"
doctor
expect docker_no_runtime fail docker 'names no "sriov" runtime' '"sriov": {"path"'
echo '{"runtimes": ' >"$ROOT/etc/docker/daemon.json"
doctor
expect docker_bad_json fail docker "daemon.json" "correct the JSON"
echo '{"runtimes": {"sriov": {"path": "/usr/local/bin/sriov-runc"}}}' >"$ROOT/etc/docker/daemon.json"

# containerd's CRI drops annotations its runtime does not list: each missing list is named.
exe /usr/bin/containerd
doctor
expect containerd_no_config fail containerd "no container_annotations or pod_annotations passes io.sriov.*" \
	'container_annotations = ["io.sriov.*"]'
mkdir -p "$ROOT/etc/containerd"
cat >"$ROOT/etc/containerd/config.toml" <<'TOML'
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  enable_cdi = true
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    pod_annotations = ["io.sriov.*"]
TOML
doctor
expect containerd_no_container_annotations fail containerd "container_annotations does not pass io.sriov.*" \
	'container_annotations = ["io.sriov.*"]'
cat >"$ROOT/etc/containerd/config.toml" <<'TOML'
version = 3
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  container_annotations = ["io.sriov.*"]
  pod_annotations = ["other.*"]   # not ours
TOML
doctor
expect containerd_no_pod_annotations warn containerd "pod_annotations does not pass io.sriov.*" \
	'pod_annotations = ["io.sriov.*"]'
cat >"$ROOT/etc/containerd/config.toml" <<'TOML'
version = 3
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  container_annotations = [
    "io.sriov.*",
  ]
  pod_annotations = ["io.*"]
TOML
doctor
t_check containerd_ok/ok "no ok containerd line: $D_OUT" -n "$(line ok containerd)"
rm "$ROOT/usr/bin/containerd"

rm "$ROOT/usr/sbin/runc"
doctor
expect no_runc fail runc "no runc in" "apt-get install runc"
write_cfg ', "runc": "/opt/runc"'
doctor
expect cfg_runc_missing fail runc '"runc" is /opt/runc' "apt-get install runc"
write_cfg ""
exe /usr/sbin/runc

chmod 0777 "$RUN/sriov-hook"
doctor
expect state_world_writable fail state-dir "not group- or world-writable" "chmod 0700 $RUN/sriov-hook"
chmod 0700 "$RUN/sriov-hook"
mkdir -m 0700 "$SH_TMP/ondisk"
write_cfg ""
sed -i "s|$RUN/sriov-hook|$SH_TMP/ondisk|" "$CFG"
mkdir -p "$ROOT/run" && mount -t tmpfs tmpfs "$ROOT/run"
doctor
expect state_not_tmpfs warn state-dir "is not on tmpfs" "set \"state_dir\" to a directory under /run"
# a host whose /run is no tmpfs either: moving state_dir under /run would not help (issue 20.7)
umount "$ROOT/run"
doctor
expect state_run_not_tmpfs warn state-dir "is not on tmpfs" "mount -t tmpfs -o mode=0700,nosuid,nodev,noexec tmpfs $SH_TMP/ondisk"
t_lacks state_run_not_tmpfs/not_under_run "$(fix_of state-dir)" "under /run" "fix of state-dir"
write_cfg ""

sed -i "s|\"$SH_TMP/hook.log\"|\"syslog\"|" "$CFG"
doctor
expect syslog_absent fail log "$ROOT/dev/log does not accept messages" "rsyslog"
mkdir -p "$ROOT/dev"
"$SH_PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(60)' "$ROOT/dev/log" &
standin_track_pid $!
wait_for "$ROOT/dev/log" 5
doctor
t_check syslog_present/ok "no ok log line: $D_OUT" -n "$(line ok log)"
sed -i "s|\"syslog\"|\"$SH_TMP/nodir/hook.log\"|" "$CFG"
doctor
expect log_dir_missing fail log "cannot be written" "mkdir -p $SH_TMP/nodir"
write_cfg ""

# A stale claim: the container died without poststop.
ct_create gone "$CFG" pf="$PF" vf=1
t_check claims/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill gone
doctor
expect claims_stale warn claims "1 stale claim(s)" "sriovctl gc"
"$CTL" --config "$CFG" gc >/dev/null 2>&1

# A podman-only host: no dockerd, no daemon.json, no runc (podman runs crun): docker and the runc
# sriov-runc needs are not checked, and doctor passes (issue 20.7).
mv "$ROOT/usr/bin/dockerd" "$SH_TMP/dockerd.saved"
mv "$ROOT/usr/sbin/runc" "$SH_TMP/runc.saved"
mv "$ROOT/etc/docker/daemon.json" "$SH_TMP/daemon.json.saved"
doctor
t_check podman_only/exit0 "rc $D_RC: $D_OUT" "$D_RC" = 0
t_contains podman_only/docker "$(line ok docker)" "docker is not installed" "docker line"
t_contains podman_only/runc "$(line ok runc)" "docker is not installed: sriov-runc and its runc are not needed" "runc line"
mv "$SH_TMP/dockerd.saved" "$ROOT/usr/bin/dockerd"
mv "$SH_TMP/runc.saved" "$ROOT/usr/sbin/runc"
mv "$SH_TMP/daemon.json.saved" "$ROOT/etc/docker/daemon.json"

doctor
t_check healthy_again/exit0 "rc $D_RC: $D_OUT" "$D_RC" = 0
t_contains healthy_again/summary "$D_OUT" "0 warn, 0 fail"

t_end
