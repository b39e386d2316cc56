#!/bin/bash
# docker 20.10 (Debian docker.io) with sriov-runc as runtime "sriov": a private dockerd, the wrapper
# registered in its daemon.json the README's way (runtimeArgs hands it the config file), and
# `docker run --runtime sriov -e SRIOV_VF=auto ...` with env_fallback on gets the stand-in VF and
# gives it back. With env_fallback off (a second runtime entry), SRIOV_ variables do nothing. A
# createRuntime that fails (the VF is taken) fails `docker run` with the hook's own message. A typo
# in the configuration fails only the containers that ask, with the file's line in docker's
# message; stop, rm and the others go on. With SRIOV_MODE=vfio the wrapper binds the VF to vfio-pci
# before runc create (tests/lib/fakevfio.sh plays the kernel) and the container gets its device
# nodes, variables and /run/sriov/vfio.json; the VF is on igbvf again after `docker run --rm`.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../lib/fakevfio.sh
. "$(dirname "$0")/../lib/fakevfio.sh"
e_init docker
e_require_cmd dockerd containerd "$E_DOCKER_CLIENT"

standin_pf_create d 5d 2
PF=$(standin_pf_name d)
VF0_MAC=$(standin_vf_mac d 0)
fakevfio_setup d
CFG=$(standin_config dock '"env_fallback": true' "\"dev_root\": \"$FAKEVFIO_DEV\"")
STATE=$(standin_state_dir dock)
CFG_STRICT=$(standin_config strict)

if ! e_dockerd_start "$CFG" "$CFG_STRICT"; then
	t_fail dockerd "the test dockerd did not start"
	t_end
fi
IMG=sriov-hook-test-busybox
if ! out=$(e_docker import "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail import "docker import: $out"
	t_end
fi


# ---- env_fallback on: SRIOV_ variables act as annotations ------------------------------------
out=$(e_docker run --rm --runtime sriov -e SRIOV_VF=auto -e "SRIOV_PF=$PF" -e SRIOV_IP=10.98.0.2/24 \
	--network none "$IMG" ip addr 2>&1)
rc=$?
t_check env/run "rc=$rc: $out" "$rc" = 0
vf_block=$(printf '%s\n' "$out" | awk '/^[0-9]+: /{show = ($2 ~ /^eth0(@|:)/)} show')
t_contains env/vf-is-eth0 "$vf_block" "$VF0_MAC" "eth0 in the container"
t_contains env/address "$vf_block" "inet 10.98.0.2/24" "eth0 in the container"
e_after_exit d env

# ---- vfio: device nodes, variables and the info file; the VF back on igbvf afterwards ---------------
VF1_PCI=$(standin_vf_pci d 1)
out=$(e_docker run --rm --runtime sriov -e SRIOV_VF=1 -e "SRIOV_PF=$PF" -e SRIOV_MODE=vfio --network none \
	"$IMG" sh -c 'ls /dev/vfio; env | grep ^SRIOV_VFIO_ | sort; cat /run/sriov/vfio.json' 2>&1)
t_contains vfio/group-node "$out" "11" "ls /dev/vfio (VF 1: group 11)"
t_contains vfio/env-pci "$out" "SRIOV_VFIO_PCI=$VF1_PCI" "container env"
t_contains vfio/env-group "$out" "SRIOV_VFIO_IOMMU_GROUP=11" "container env"
t_contains vfio/info "$out" "\"pci\": \"$VF1_PCI\"" "/run/sriov/vfio.json"
t_check vfio/back-on-igbvf "VF 1 is on '$(fakevfio_driver d 1)'" "$(fakevfio_driver d 1)" = igbvf
t_empty vfio/vf-restored "VF" "$(standin_vf_problems d)"
t_check vfio/no-claim "claims: $(e_claims "$STATE")" -z "$(e_claims "$STATE")"
t_check vfio/no-info "info files: $(ls "$STATE/info" 2>/dev/null)" -z "$(ls "$STATE/info" 2>/dev/null)"

# ---- the wrapper leaves other containers alone ---------------------------------------------------
out=$(e_docker run --rm --runtime sriov --network none "$IMG" sh -c 'ip -o link | wc -l' 2>&1)
rc=$?
t_check plain/run "rc=$rc: $out" "$rc:$out" = "0:1"
t_empty plain/vf-untouched "VF" "$(standin_vf_problems d)"

# ---- env_fallback off: the same variables do nothing ---------------------------------------------
out=$(e_docker run --rm --runtime sriov-strict -e SRIOV_VF=auto -e "SRIOV_PF=$PF" --network none "$IMG" \
	sh -c 'ip -o link | wc -l' 2>&1)
rc=$?
t_check env-off/run-without-vf "rc=$rc, links: $out" "$rc:$out" = "0:1"
t_empty env-off/vf-untouched "VF" "$(standin_vf_problems d)"
t_check env-off/no-claim "claims: $(e_claims "$(standin_state_dir strict)")" -z "$(e_claims "$(standin_state_dir strict)")"

# ---- the VF is taken: docker run fails with the hook's message, leaves no claim -------------------
holder_pid=$(standin_netns_proc)
bundle_bare "$SH_TMP/holder" "pf=$PF" vf=0
hook_run "$CFG" createRuntime "$(hook_state holder "$holder_pid" "$SH_TMP/holder")"
if [ "$HOOK_RC" != 0 ]; then
	t_fail taken/setup "the holder could not claim VF 0: $HOOK_ERR"
else
	out=$(e_docker run --rm --runtime sriov -e SRIOV_VF=0 -e "SRIOV_PF=$PF" --network none "$IMG" true 2>&1)
	rc=$?
	t_check taken/run-fails "docker run succeeded: $out" "$rc" != 0
	t_contains taken/hook-message "$out" "sriov-hook: "
	t_contains taken/names-stage "$out" "createRuntime"
	t_check taken/only-holder-claim "claims: $(e_claims "$STATE" | tr '\n' ' ')" "$(e_claims "$STATE")" = holder
	t_check taken/no-container-left "containers: $(e_docker ps -aq)" -z "$(e_docker ps -aq)"
	hook_run "$CFG" poststop "$(hook_state holder 0 "$SH_TMP/holder")"
	t_check taken/holder-release "poststop rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	e_after_exit d taken
fi

# ---- a typo in the configuration stops only the containers that ask -------------------------------
# The wrapper reads the whole file only for the create of a container that asks; stop, rm and the
# containers that ask for nothing go on to runc. The one that asks fails, and docker shows the
# file's own line: the wrapper writes it to runc's --log file, where docker 20.10 reads runc's
# error (without it docker says only "unable to retrieve OCI runtime error").
if ! running=$(e_docker run -d --runtime sriov --network none "$IMG" sleep 300 2>&1); then
	t_fail typo/setup "docker run -d: $running"
else
	init_pid=$(e_docker inspect -f '{{.State.Pid}}' "$running" 2>&1)
	cp "$CFG" "$SH_TMP/dock.config.orig"
	"$SH_PY" - "$CFG" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read().rstrip().rstrip("}")
open(path, "w").write(text + ', "poststop_timout_ms": 500}\n')
PY
	out=$(e_docker stop -t 1 "$running" 2>&1)
	t_check typo/stop-running "docker stop: $out" $? = 0
	out=$(e_docker rm "$running" 2>&1)
	t_check typo/rm-running "docker rm: $out" $? = 0
	# (docker stop and rm report success even when runc kill failed: the container must be gone.)
	for ((i = 0; i < 100; i++)); do kill -0 "$init_pid" 2>/dev/null || break; sleep 0.05; done
	t_check typo/stopped-for-real "the container's init (pid $init_pid) still runs" -n "$init_pid" -a ! -d "/proc/$init_pid"
	out=$(e_docker run --rm --runtime sriov --network none "$IMG" true 2>&1)
	t_check typo/run-plain "docker run of a container that asks for nothing: $out" $? = 0
	out=$(e_docker run --rm --runtime sriov -e SRIOV_VF=auto -e "SRIOV_PF=$PF" --network none "$IMG" true 2>&1)
	rc=$?
	t_check typo/run-asking-fails "docker run succeeded: $out" "$rc" != 0
	t_contains typo/names-the-config-line "$out" 'unknown key "poststop_timout_ms"'
	t_contains typo/names-the-file "$out" "$CFG"
	t_lacks typo/real-error-not-hidden "$out" "unable to retrieve OCI runtime error"
	t_empty typo/vf-untouched "VF" "$(standin_vf_problems d)"
	t_check typo/no-claim "claims: $(e_claims "$STATE")" -z "$(e_claims "$STATE")"
	t_check typo/no-container-left "containers: $(e_docker ps -aq)" -z "$(e_docker ps -aq)"
	cp "$SH_TMP/dock.config.orig" "$CFG"
fi

t_end
