#!/bin/bash
# podman 5.4 (trixie) and 5.8 (sid) with runc, run in a root of their own by tests/modern/ns.sh,
# with the CDI spec of `sriovctl cdi generate`. Scenarios (the matrix's rows): one VF with
# io.sriov.ip, back and free after exit and after rm; two devices; <pf>; a pool; the default
# bridge network (the VF is net1); rm -f of a running container. podman has no daemon to kill.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
m_init
e_require_cmd podman runc

P=$SH_TMP/podman
mkdir -p "$P"
# What this host needs (FIELD-NOTES): no CAP_SYS_RESOURCE for root's default ulimits, cgroupfs on
# cgroup v1, and no firewall rules (the namespace has nothing to route).
cat >"$P/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
events_logger = "file"
cgroup_manager = "cgroupfs"

[network]
firewall_driver = "none"
CONF
export CONTAINERS_CONF=$P/containers.conf PODMAN_IGNORE_CGROUPSV1_WARNING=1
pm() { podman --storage-driver vfs "$@"; }
# Each run's cgroups under the engine's parent, away from any podman of the host.
run() { pm run --cgroup-parent "/$M_CGROUP" "$@"; }
standin_atexit "pm rm -af -t 0"

IMG=localhost/sriov-hook-test-busybox
if ! out=$(pm import -q "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail setup "podman import: $out"
	t_end
fi
MAC0=$(standin_vf_mac m 0)
MAC1=$(standin_vf_mac m 1)

# ---- one VF with an address: back and free after exit, and after rm --------------------------------
out=$(run --name one --network none --device "sriov.io/vf=$PF-0" --annotation io.sriov.ip=10.77.0.2/24 \
	"$IMG" ip addr 2>&1)
t_check one/run "podman run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
t_contains one/vf-is-eth0 "$blk" "$MAC0" "eth0"
t_contains one/address "$blk" "inet 10.77.0.2/24" "eth0"
m_after one 0
out=$(pm rm one 2>&1)
t_check one/rm "podman rm: $out" $? = 0
m_after one/after-rm 0

# ---- two devices ---------------------------------------------------------------------------------
out=$(run --rm --network none --device "sriov.io/vf=$PF-0" --device "sriov.io/vf=$PF-1" "$IMG" ip addr 2>&1)
t_check two/run "podman run: $out" $? = 0
t_contains two/first-eth0 "$(m_if_block "$out" eth0)" "$MAC0" "eth0"
t_contains two/second-net1 "$(m_if_block "$out" net1)" "$MAC1" "net1"
m_after two 0 1

# ---- <pf>: any free VF outside the pool ------------------------------------------------------------
out=$(run --rm --network none --device "sriov.io/vf=$PF" "$IMG" ip addr 2>&1)
t_check pf/run "podman run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
if printf '%s' "$blk" | grep -qE "$MAC0|$MAC1"; then t_pass pf/vf-0-or-1; else t_fail pf/vf-0-or-1 "eth0: $blk"; fi
m_after pf 0 1

# ---- a pool --------------------------------------------------------------------------------------
out=$(run --rm --network none --device "sriov.io/vf=$POOL" "$IMG" ip addr 2>&1)
t_check pool/run "podman run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
if printf '%s' "$blk" | grep -qE "$(standin_vf_mac m 2)|$(standin_vf_mac m 3)"; then t_pass pool/vf-of-pool; else
	t_fail pool/vf-of-pool "eth0: $blk"
fi
m_after pool 2 3

# ---- the default bridge network: podman's eth0 and the VF as net1 ------------------------------------
out=$(run --rm --device "sriov.io/vf=$PF-0" "$IMG" ip addr 2>&1)
t_check bridge/run "podman run: $out" $? = 0
t_contains bridge/vf-is-net1 "$(m_if_block "$out" net1)" "$MAC0" "net1"
t_contains bridge/podman-eth0 "$(m_if_block "$out" eth0)" "inet " "eth0"
m_after bridge 0

# ---- rm -f of a running container --------------------------------------------------------------------
if ! id=$(run -d --network none --device "sriov.io/vf=$PF-0" "$IMG" sleep 300 2>&1); then
	t_fail rm-f/run "podman run -d: $id"
else
	m_held rm-f 0
	out=$(pm rm -f -t 0 "$id" 2>&1)
	t_check rm-f/rm "podman rm -f: $out" $? = 0
	m_after rm-f 0
fi

t_end
