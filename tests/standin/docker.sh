#!/bin/bash
# The README's stand-in route for docker, followed as written (issue 20.7): `make standin-up`,
# dockerd with sriov-runc as a runtime and SRIOV_HOOK_CONFIG=/run/sriov-hook-standin/config.json in
# its environment (no runtimeArgs), "env_fallback": true added to that file (docker 20.10 has no
# --annotation), and `docker run -e SRIOV_PF=standin0p -e SRIOV_VF=auto` gets the stand-in VF; after
# `docker stop` the VF is back on the host as it was. The admin's /etc/sriov-hook/config.json (one
# that leaves env_fallback off, so a wrapper reading it would hand out nothing) stays byte-identical.
# Prints `PASS standin/docker/<check>` or `FAIL ...: <why>`.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../engines/lib.sh
. "$REPO/tests/engines/lib.sh"
# shellcheck disable=SC2034 # testlib.sh's result lines name the group
T_GROUP=standin
e_init docker
e_require_cmd dockerd containerd "$E_DOCKER_CLIENT"

SCRIPT=$REPO/scripts/standin-pf.sh
CONF=/run/sriov-hook-standin/config.json
ETC_CONF=/etc/sriov-hook/config.json
PF=standin0p

if ip link show dev "$PF" >/dev/null 2>&1 || [ -e /run/sriov-hook-standin ]; then
	t_fail precondition "a stand-in is up (make standin-down first)"
	t_end
fi
# The machine's /etc/sriov-hook is put aside for the run and comes back at exit.
if [ -e /etc/sriov-hook ]; then
	mv /etc/sriov-hook "$SH_TMP/etc-sriov-hook.saved" || exit 1
fi
_docker_cleanup() {
	_e_dockerd_stop
	E_DOCKERD_PID=""
	"$SCRIPT" down >/dev/null 2>&1
	rm -rf /etc/sriov-hook
	if [ -e "$SH_TMP/etc-sriov-hook.saved" ]; then
		mv "$SH_TMP/etc-sriov-hook.saved" /etc/sriov-hook
	fi
}
standin_atexit _docker_cleanup
mkdir -p /etc/sriov-hook
printf '{"log": "stderr"}\n' >"$ETC_CONF"
chmod 0644 "$ETC_CONF"
etc_before=$(md5sum "$ETC_CONF")

out=$(make -s -C "$REPO" standin-up NUMVFS=1 2>&1)
rc=$?
t_check up "rc=$rc: $out" "$rc" = 0
[ "$rc" = 0 ] || t_end
VF_IDX=$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)
VF_MAC=$(cat /sys/class/net/standin0v0/address 2>/dev/null)
# What the README says to add for docker 20.10, which has no --annotation.
"$SH_PY" - "$CONF" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["env_fallback"] = True
open(sys.argv[1], "w").write(json.dumps(c, indent=2) + "\n")
EOF

# The README's daemon.json (the wrapper as runtime "sriov", no runtimeArgs), the stand-in's file
# given in dockerd's environment.
d=$SH_TMP/docker
mkdir -p "$d"/{data,exec}
printf '{"runtimes": {"sriov": {"path": "%s"}}}\n' "$RUNC_WRAPPER" >"$d/daemon.json"
E_DOCKER_SOCK="unix://$d/docker.sock"
SRIOV_HOOK_CONFIG=$CONF dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" \
	--pidfile "$d/docker.pid" -H "$E_DOCKER_SOCK" --iptables=false --ip-masq=false \
	--bridge=none --storage-driver vfs >"$d/dockerd.log" 2>&1 &
E_DOCKERD_PID=$!
for ((i = 0; i < 300; i++)); do
	e_docker version >/dev/null 2>&1 && break
	kill -0 "$E_DOCKERD_PID" 2>/dev/null || break
	sleep 0.1
done
if ! e_docker version >/dev/null 2>&1; then
	t_fail dockerd "dockerd did not start: $(tail -5 "$d/dockerd.log")"
	t_end
fi
IMG=sriov-hook-standin-busybox
if ! out=$(e_docker import "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail import "docker import: $out"
	t_end
fi

if ! ct=$(e_docker run -d --runtime sriov --network none -e SRIOV_PF=$PF -e SRIOV_VF=auto \
	-e SRIOV_IP=10.99.6.2/24 "$IMG" sleep 300 2>&1); then
	t_fail run "docker run -d: $ct"
else
	t_pass run
	out=$(e_docker exec "$ct" ip addr 2>&1)
	t_contains vf-inside "$out" "$VF_MAC" "ip addr in the container"
	t_contains ip-inside "$out" "10.99.6.2/24" "ip addr in the container"
	t_check vf-gone-from-host "standin0v0 is still on the host" "$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)" = ""
	out=$(e_docker stop -t 1 "$ct" 2>&1)
	t_check stop "docker stop: $out" $? = 0
	for ((i = 0; i < 100; i++)); do
		[ "$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)" = "$VF_IDX" ] && break
		sleep 0.1
	done
	t_check vf-back "standin0v0: $(ip -o link show dev standin0v0 2>&1)" \
		"$(cat /sys/class/net/standin0v0/ifindex 2>/dev/null)" = "$VF_IDX"
	t_check vf-back-mac "standin0v0 has $(cat /sys/class/net/standin0v0/address 2>&1), was $VF_MAC" \
		"$(cat /sys/class/net/standin0v0/address 2>/dev/null)" = "$VF_MAC"
	e_docker rm "$ct" >/dev/null 2>&1
fi
t_check etc-untouched "$ETC_CONF: was $etc_before, is $(md5sum "$ETC_CONF" 2>&1)" "$(md5sum "$ETC_CONF" 2>&1)" = "$etc_before"
t_check etc-only-file "/etc/sriov-hook: $(ls -A /etc/sriov-hook)" "$(ls -A /etc/sriov-hook)" = config.json
t_end
