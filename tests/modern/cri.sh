#!/bin/bash
# containerd 1.7 (trixie) and 2.1 (sid) through CRI, as kubelet drives it (tests/modern/cri.py:
# pod sandbox, create, start, stop, remove, exec), run in a root of their own by
# tests/modern/ns.sh. containerd is configured as the README says: CDI on, io.sriov.* listed in
# the runc runtime's container_annotations and pod_annotations, a CNI bridge that gives the pod its
# eth0; images are imported, never pulled. Scenarios (the matrix's rows): one VF by the CRI CDI
# field with io.sriov.ip (net1 beside the pod's eth0; back and free after StopContainer, and after
# removal); a VF by a cdi.k8s.io/ annotation; a pod's two containers each with its own device; a
# device two containers of a pod share; a restart whose replacement takes the VF over; the pod removed while its container runs; containerd
# killed -9 and started again while a container holds a VF; `ctr run --device` (2.1).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
m_init
e_require_cmd containerd ctr runc python3

C=$SH_TMP/containerd
mkdir -p "$C" /etc/cni/net.d
SOCK=/run/containerd/containerd.sock
export CRI_SOCK=$SOCK CRI_GEN=$C/gen
PAUSE=localhost/sriov-test-pause:1
IMG=localhost/sriov-test-busybox:1
case $MODERN_ENGINE in
containerd1*)
	cat >"$C/config.toml" <<TOML
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  enable_cdi = true
  cdi_spec_dirs = ["/etc/cdi", "/var/run/cdi"]
  # This VM's root lacks CAP_SYS_RESOURCE (FIELD-NOTES).
  restrict_oom_score_adj = true
  sandbox_image = "$PAUSE"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      container_annotations = ["io.sriov.*"]
      pod_annotations = ["io.sriov.*"]
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
TOML
	;;
*)
	cat >"$C/config.toml" <<TOML
version = 3
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "native"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE"
[plugins."io.containerd.cri.v1.runtime"]
  enable_cdi = true
  cdi_spec_dirs = ["/etc/cdi", "/var/run/cdi"]
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    container_annotations = ["io.sriov.*"]
    pod_annotations = ["io.sriov.*"]
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "/etc/cni/net.d"
TOML
	;;
esac
cat >/etc/cni/net.d/10-sriov-test.conflist <<'JSON'
{"cniVersion": "1.0.0", "name": "sriov-test", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.88.0.0/16"}]]}}]}
JSON

containerd_start() {
	local i
	containerd --config "$C/config.toml" >>"$C/containerd.log" 2>&1 &
	CTRD_PID=$!
	for ((i = 0; i < 300; i++)); do
		python3 "$M_DIR/cri.py" version >/dev/null 2>&1 && return 0
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
containerd_stop() {
	kill -TERM "$CTRD_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$CTRD_PID" 2>/dev/null
	return 0
}
cri() { python3 "$M_DIR/cri.py" "$@"; }
k8s() { ctr -a "$SOCK" -n k8s.io "$@"; }

if ! out=$(cri gen "$CRI_GEN" 2>&1); then
	t_fail setup "CRI stubs from api.proto: $out"
	t_end
fi
standin_atexit containerd_stop
if ! containerd_start; then
	t_fail setup "containerd did not start: $(tail -3 "$C/containerd.log" | tr '\n' ' ')"
	t_end
fi
# The pods' and containers' cgroups: the shim is told its parent through the pod config.
rootfs=$SH_TMP/image/rootfs
e_image_tar >/dev/null
# --local: containerd 2 imports through its transfer service otherwise, which unpacks for no
# platform ("no unpack platforms defined").
# --local: containerd 2 imports through its transfer service otherwise, which unpacks for no
# platform ("no unpack platforms defined").
for spec in "$PAUSE sleep 1000000" "$IMG sh"; do
	set -- $spec
	name=$1
	shift
	if ! out=$(python3 "$M_DIR/ociimage.py" "$rootfs" "$name" "$C/img.tar" "$@" 2>&1 &&
		k8s images import --local --platform linux/amd64 --snapshotter native "$C/img.tar" 2>&1); then
		t_fail setup "ctr images import $name: $out"
		t_end
	fi
done
MAC0=$(standin_vf_mac m 0)
MAC1=$(standin_vf_mac m 1)
PARENT=/$M_CGROUP

# pod NAME: a pod sandbox (its eth0 from the CNI bridge); prints its id.
pod() { cri runp "$1" "$PARENT"; }
# ctr_run POD NAME [create options...]: creates and starts a container that sleeps; prints its id.
ctr_run() {
	local pod=$1 name=$2 id
	shift 2
	id=$(cri create "$pod" "$name" "$IMG" "$@" -- sleep 100000) || return 1
	cri start "$id" || return 1
	echo "$id"
}

# ---- one VF by the CDI field, with io.sriov.ip: net1 beside the pod's eth0 ----------------------
if ! p=$(pod one 2>&1) || ! c=$(ctr_run "$p" c1 --cdi "sriov.io/vf=$PF-0" --ann io.sriov.ip=10.77.0.2/24 2>&1); then
	t_fail one/run "pod or container: $p $c"
else
	out=$(cri exec "$c" ip addr 2>&1)
	blk=$(m_if_block "$out" net1)
	t_contains one/vf-is-net1 "$blk" "$MAC0" "net1"
	t_contains one/address "$blk" "inet 10.77.0.2/24" "net1"
	t_contains one/pod-eth0 "$(m_if_block "$out" eth0)" "inet 10.88." "eth0"
	out=$(cri stop "$c" 2>&1)
	t_check one/stop "StopContainer: $out" $? = 0
	m_after one 0
	out=$(cri rm "$c" 2>&1 && cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
	t_check one/rm "RemoveContainer, StopPodSandbox, RemovePodSandbox: $out" $? = 0
	m_after one/after-rm 0
fi

# ---- a VF by a cdi.k8s.io/ annotation (what a device plugin before CDIDevices returns) --------------
if ! p=$(pod ann 2>&1) || ! c=$(ctr_run "$p" c1 --ann "cdi.k8s.io/sriov-hook=sriov.io/vf=$PF-1" 2>&1); then
	t_fail cdi-annotation/run "pod or container: $p $c"
else
	out=$(cri exec "$c" ip addr 2>&1)
	t_contains cdi-annotation/vf-is-net1 "$(m_if_block "$out" net1)" "$MAC1" "net1"
	cri stop "$c" >/dev/null 2>&1
	cri rm "$c" >/dev/null 2>&1
	cri stopp "$p" >/dev/null 2>&1
	out=$(cri rmp "$p" 2>&1)
	t_check cdi-annotation/rm "RemovePodSandbox: $out" $? = 0
	m_after cdi-annotation 1
fi

# ---- a pod's two containers, each with its device: net1 and net2 beside the pod's eth0 ------------
if ! p=$(pod two 2>&1) || ! c1=$(ctr_run "$p" c1 --cdi "sriov.io/vf=$PF-0" 2>&1) ||
	! c2=$(ctr_run "$p" c2 --cdi "sriov.io/vf=$PF-1" 2>&1); then
	t_fail two-containers/run "pod or containers: $p $c1 $c2"
else
	out=$(cri exec "$c2" ip addr 2>&1)
	t_contains two-containers/first-net1 "$(m_if_block "$out" net1)" "$MAC0" "net1"
	t_contains two-containers/second-net2 "$(m_if_block "$out" net2)" "$MAC1" "net2"
	cri stop "$c1" >/dev/null 2>&1
	if v=$(m_wait_back m 0); then t_pass two-containers/first-vf-back; else t_fail two-containers/first-vf-back "$v"; fi
	m_held two-containers 1
	cri stop "$c2" >/dev/null 2>&1
	out=$(cri rm "$c1" 2>&1 && cri rm "$c2" 2>&1 && cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
	t_check two-containers/rm "remove: $out" $? = 0
	m_after two-containers 0 1
fi

# ---- a device two containers of a pod share (a sidecar): it stays while either runs -----------------
if ! p=$(pod shared 2>&1) || ! c1=$(ctr_run "$p" main --cdi "sriov.io/vf=$PF-0" 2>&1) ||
	! c2=$(ctr_run "$p" sidecar --cdi "sriov.io/vf=$PF-0" 2>&1); then
	t_fail shared-device/run "pod or containers: $p $c1 $c2"
else
	out=$(cri exec "$c2" ip addr 2>&1)
	t_contains shared-device/one-vf "$(m_if_block "$out" net1)" "$MAC0" "net1"
	t_lacks shared-device/no-second "$out" "net2"
	cri stop "$c1" >/dev/null 2>&1
	m_held shared-device/after-first-stopped 0
	cri stop "$c2" >/dev/null 2>&1
	out=$(cri rm "$c1" 2>&1 && cri rm "$c2" 2>&1 && cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
	t_check shared-device/rm "remove: $out" $? = 0
	m_after shared-device 0
fi

# ---- a restart: the replacement (attempt 1) comes before the old one's removal, takes the VF over
# where it is, and the old one's poststop, run again late by hand (as CRI-O runs it only at
# RemoveContainer), changes nothing ---------------------------------------------------------------
if ! p=$(pod restart 2>&1) || ! d1=$(ctr_run "$p" app --cdi "sriov.io/vf=$PF-1" 2>&1) ||
	! d2=$(ctr_run "$p" app --attempt 1 --cdi "sriov.io/vf=$PF-1" 2>&1); then
	t_fail restart/run "pod or containers: $p $d1 $d2"
else
	before=$(cri exec "$d2" ip -o link show net1 2>&1 | cut -d: -f1)
	cri stop "$d1" >/dev/null 2>&1
	cri rm "$d1" >/dev/null 2>&1
	hook_run "$CFG" "" "{\"ociVersion\": \"1.0.2\", \"id\": \"$d1\", \"status\": \"stopped\", \"bundle\": \"/run/containerd/io.containerd.runtime.v2.task/k8s.io/$d1\"}" \
		--pf "$PF" --vf 1 poststop
	t_check restart/late-poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	after=$(cri exec "$d2" ip -o link show net1 2>&1 | cut -d: -f1)
	t_check restart/no-move "net1's ifindex was $before, is $after" -n "$before" -a "$before" = "$after"
	m_held restart 1
	cri stop "$d2" >/dev/null 2>&1
	out=$(cri rm "$d2" 2>&1 && cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
	t_check restart/rm "remove: $out" $? = 0
	m_after restart 1
fi

# ---- the pod removed while its container runs --------------------------------------------------------
if ! p=$(pod rmp 2>&1) || ! c=$(ctr_run "$p" c1 --cdi "sriov.io/vf=$PF-0" 2>&1); then
	t_fail pod-rm/run "pod or container: $p $c"
else
	m_held pod-rm 0
	out=$(cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
	t_check pod-rm/rmp "StopPodSandbox, RemovePodSandbox: $out" $? = 0
	m_after pod-rm 0
fi

# ---- containerd killed -9 and started again while a container holds a VF -----------------------------
if ! p=$(pod kill9 2>&1) || ! c=$(ctr_run "$p" c1 --cdi "sriov.io/vf=$PF-1" 2>&1); then
	t_fail kill9/run "pod or container: $p $c"
else
	m_held kill9 1
	kill -9 "$CTRD_PID"
	wait "$CTRD_PID" 2>/dev/null
	now=$(standin_vf_now m 1)
	t_check kill9/held-while-away "VF 1 is on the host: $now" "$now" = absent
	if containerd_start; then
		t_pass kill9/restart
		out=$(cri stop "$c" 2>&1 && cri rm "$c" 2>&1 && cri stopp "$p" 2>&1 && cri rmp "$p" 2>&1)
		t_check kill9/rm "stop and remove after the restart: $out" $? = 0
	else
		t_fail kill9/restart "containerd did not start again: $(tail -3 "$C/containerd.log" | tr '\n' ' ')"
	fi
	m_after kill9 1
fi

# ---- ctr run --device (containerd 2.x: CDI in ctr) ---------------------------------------------------
case $MODERN_ENGINE in
containerd2*)
	out=$(k8s run --rm --snapshotter native --cgroup "$PARENT/ctr1" --device "sriov.io/vf=$PF-0" "$IMG" ctr1 ip addr 2>&1)
	t_check ctr-device/run "ctr run: $out" $? = 0
	t_contains ctr-device/vf-is-eth0 "$(m_if_block "$out" eth0)" "$MAC0" "eth0"
	m_after ctr-device 0
	;;
esac

t_end
