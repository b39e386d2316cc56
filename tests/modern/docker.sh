#!/bin/bash
# docker 26 (trixie, CDI enabled in daemon.json) and docker 28 (sid, CDI on by default), run in a
# root of their own by tests/modern/ns.sh, with the CDI spec of `sriovctl cdi generate` and the
# wrapper as runtime "sriov". Scenarios (the matrix's rows): one VF with io.sriov.ip, back and
# free after exit and after rm; two devices; <pf>; a pool; the default bridge network (the VF is
# net1: docker 28 adds eth0 only after createRuntime); --runtime sriov with --annotation; rm -f of
# a running container; dockerd killed -9 and started again while a container holds a VF.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
m_init
e_require_cmd dockerd docker containerd runc

D=$SH_TMP/docker
mkdir -p "$D"
cdi=""
# docker 25-27 read CDI specs only with the feature on; 28 has it on by default.
case $MODERN_ENGINE in docker2[5-7]) cdi='"features": {"cdi": true},' ;; esac
cat >"$D/daemon.json" <<JSON
{
  $cdi
  "runtimes": {"sriov": {"path": "$RUNC_WRAPPER", "runtimeArgs": ["--sriov-config", "$CFG"]}},
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "cgroup-parent": "/$M_CGROUP",
  "storage-driver": "vfs",
  "iptables": false,
  "ip6tables": false
}
JSON
E_DOCKER_SOCK=unix:///run/docker.sock
dk() { docker -H "$E_DOCKER_SOCK" "$@"; }

dockerd_start() {
	local i
	dockerd --config-file "$D/daemon.json" -H "$E_DOCKER_SOCK" >>"$D/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	for ((i = 0; i < 300; i++)); do
		dk version >/dev/null 2>&1 && return 0
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "dockerd did not start: $(tail -5 "$D/dockerd.log")" >&2
	return 1
}
dockerd_stop() {
	local i
	dk ps -aq 2>/dev/null | xargs -r docker -H "$E_DOCKER_SOCK" rm -f >/dev/null 2>&1
	kill -TERM "$DOCKERD_PID" 2>/dev/null
	for ((i = 0; i < 200; i++)); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$DOCKERD_PID" 2>/dev/null
	return 0
}
standin_atexit dockerd_stop
if ! dockerd_start; then
	t_fail setup "dockerd did not start: $(tail -3 "$D/dockerd.log" | tr '\n' ' ')"
	t_end
fi
IMG=sriov-hook-test-busybox
if ! out=$(dk import "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail setup "docker import: $out"
	t_end
fi
MAC0=$(standin_vf_mac m 0)
MAC1=$(standin_vf_mac m 1)

# ---- one VF with an address: back and free after exit, and after rm --------------------------------
out=$(dk run --name one --network none --device "sriov.io/vf=$PF-0" --annotation io.sriov.ip=10.77.0.2/24 \
	"$IMG" ip addr 2>&1)
t_check one/run "docker run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
t_contains one/vf-is-eth0 "$blk" "$MAC0" "eth0"
t_contains one/address "$blk" "inet 10.77.0.2/24" "eth0"
m_after one 0
out=$(dk rm one 2>&1)
t_check one/rm "docker rm: $out" $? = 0
m_after one/after-rm 0

# ---- two devices ---------------------------------------------------------------------------------
out=$(dk run --rm --network none --device "sriov.io/vf=$PF-0" --device "sriov.io/vf=$PF-1" "$IMG" ip addr 2>&1)
t_check two/run "docker run: $out" $? = 0
t_contains two/first-eth0 "$(m_if_block "$out" eth0)" "$MAC0" "eth0"
t_contains two/second-net1 "$(m_if_block "$out" net1)" "$MAC1" "net1"
m_after two 0 1

# ---- <pf>: any free VF outside the pool ------------------------------------------------------------
out=$(dk run --rm --network none --device "sriov.io/vf=$PF" "$IMG" ip addr 2>&1)
t_check pf/run "docker run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
if printf '%s' "$blk" | grep -qE "$MAC0|$MAC1"; then t_pass pf/vf-0-or-1; else t_fail pf/vf-0-or-1 "eth0: $blk"; fi
m_after pf 0 1

# ---- a pool --------------------------------------------------------------------------------------
out=$(dk run --rm --network none --device "sriov.io/vf=$POOL" "$IMG" ip addr 2>&1)
t_check pool/run "docker run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
if printf '%s' "$blk" | grep -qE "$(standin_vf_mac m 2)|$(standin_vf_mac m 3)"; then t_pass pool/vf-of-pool; else
	t_fail pool/vf-of-pool "eth0: $blk"
fi
m_after pool 2 3

# ---- the default bridge network: docker's eth0 and the VF as net1 ------------------------------------
out=$(dk run --rm --device "sriov.io/vf=$PF-0" "$IMG" ip addr 2>&1)
t_check bridge/run "docker run: $out" $? = 0
t_contains bridge/vf-is-net1 "$(m_if_block "$out" net1)" "$MAC0" "net1"
t_contains bridge/docker-eth0 "$(m_if_block "$out" eth0)" "inet " "eth0"
m_after bridge 0

# ---- --runtime sriov with --annotation -------------------------------------------------------------
out=$(dk run --rm --runtime sriov --network none --annotation "io.sriov.pf=$PF" --annotation io.sriov.vf=1 \
	--annotation io.sriov.ip=10.77.0.3/24 "$IMG" ip addr 2>&1)
t_check runtime/run "docker run: $out" $? = 0
blk=$(m_if_block "$out" eth0)
t_contains runtime/vf-is-eth0 "$blk" "$MAC1" "eth0"
t_contains runtime/address "$blk" "inet 10.77.0.3/24" "eth0"
m_after runtime 1

# ---- rm -f of a running container --------------------------------------------------------------------
if ! id=$(dk run -d --network none --device "sriov.io/vf=$PF-0" "$IMG" sleep 300 2>&1); then
	t_fail rm-f/run "docker run -d: $id"
else
	m_held rm-f 0
	out=$(dk rm -f "$id" 2>&1)
	t_check rm-f/rm "docker rm -f: $out" $? = 0
	m_after rm-f 0
fi

# ---- dockerd killed -9 and started again: the container goes, its VF comes back ------------------------
if ! id=$(dk run -d --network none --device "sriov.io/vf=$PF-1" "$IMG" sleep 300 2>&1); then
	t_fail kill9/run "docker run -d: $id"
else
	m_held kill9 1
	kill -9 "$DOCKERD_PID"
	wait "$DOCKERD_PID" 2>/dev/null
	# The container runs on under its shim while dockerd is away.
	now=$(standin_vf_now m 1)
	t_check kill9/held-while-away "VF 1 is on the host: $now" "$now" = absent
	if dockerd_start; then
		t_pass kill9/restart
		out=$(dk rm -f "$id" 2>&1)
		t_check kill9/rm "docker rm -f: $out" $? = 0
	else
		t_fail kill9/restart "dockerd did not start again: $(tail -3 "$D/dockerd.log" | tr '\n' ' ')"
	fi
	m_after kill9 1
fi

t_end
