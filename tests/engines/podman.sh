#!/bin/bash
# podman 4.3 (Debian) with the hooks.d files: a container annotated io.sriov.* gets the stand-in VF
# (with --network none as eth0, with the default bridge as net1), gives it back at exit (podman runs
# poststop from its cleanup process), and a container without the annotations never runs the hook.
# A createRuntime that fails (the VF is taken) fails `podman run` with the hook's own message.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e_init podman
e_require_cmd podman runc

standin_pf_create a 5a 2
PF=$(standin_pf_name a)
VF0_MAC=$(standin_vf_mac a 0)
CFG=$(standin_config pod)
STATE=$(standin_state_dir pod)
HOOKSD=$SH_TMP/hooks.d
e_hooksd "$HOOKSD" "$CFG" || { t_fail hooksd "cannot make hooks.d files: run make hooksd"; t_end; }

e_podman_init
IMG=localhost/sriov-hook-test-busybox
if ! out=$(e_podman import -q "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail import "podman import: $out"
	t_end
fi


run_sriov() { # NETWORK-ARGS... -- CMD...: podman run with the VF requested
	local net=()
	while [ "$1" != -- ]; do net+=("$1"); shift; done
	shift
	e_podman --hooks-dir "$HOOKSD" run --rm "${net[@]}" --annotation "io.sriov.pf=$PF" \
		--annotation io.sriov.vf=auto --annotation io.sriov.ip=10.99.0.2/24 "$IMG" "$@"
}

# ---- --network none: the VF is eth0 ------------------------------------------------------------
out=$(run_sriov --network none -- ip addr 2>&1)
rc=$?
t_check none/run "rc=$rc: $out" "$rc" = 0
vf_block=$(printf '%s\n' "$out" | awk '/^[0-9]+: /{show = ($2 ~ /^eth0(@|:)/)} show')
t_contains none/vf-is-eth0 "$vf_block" "$VF0_MAC" "eth0 in the container"
t_contains none/address "$vf_block" "inet 10.99.0.2/24" "eth0 in the container"
e_after_exit a none

# ---- default bridge: eth0 is podman's, the VF becomes net1 -----------------------------------
out=$(run_sriov -- ip addr 2>&1)
rc=$?
t_check bridge/run "rc=$rc: $out" "$rc" = 0
vf_block=$(printf '%s\n' "$out" | awk '/^[0-9]+: /{show = ($2 ~ /^net1(@|:)/)} show')
t_contains bridge/vf-is-net1 "$vf_block" "$VF0_MAC" "net1 in the container"
t_contains bridge/eth0-is-bridge "$out" "eth0@" "the container's links"
e_after_exit a bridge

# ---- no io.sriov annotation: the hook is not part of the container ----------------------------
# Kept (no --rm) so that the OCI spec podman wrote can be read: it names every createRuntime hook.
spec_hooks() { # NAME: the paths of the createRuntime hooks in the container's config.json
	local spec
	spec=$(e_podman inspect --format '{{.StaticDir}}' "$1" 2>/dev/null)/config.json
	"$SH_PY" -c 'import json,sys
for h in json.load(open(sys.argv[1])).get("hooks", {}).get("createRuntime", []): print(h["path"])' "$spec" 2>&1
}
for case in no-annotation:none value-only:other.key=io.sriov.vf unanchored:xio.sriov.vf=0; do
	ann=${case#*:}
	name="plain-${case%%:*}"
	args=()
	[ "$ann" = none ] || args=(--annotation "$ann")
	out=$(e_podman --hooks-dir "$HOOKSD" run --name "$name" "${args[@]}" "$IMG" true 2>&1)
	rc=$?
	hooks=$(spec_hooks "$name")
	if [ $rc = 0 ] && [ -z "$hooks" ]; then
		t_pass "not-fired/${case%%:*}"
	else
		t_fail "not-fired/${case%%:*}" "rc=$rc, createRuntime hooks: $hooks $out"
	fi
	e_podman rm -f "$name" >/dev/null 2>&1
done
# ... while an annotated one has it (the check above would pass if podman never wrote config.json).
e_podman --hooks-dir "$HOOKSD" run --name fired --network none --annotation "io.sriov.pf=$PF" \
	--annotation io.sriov.vf=auto "$IMG" true >/dev/null 2>&1
hooks=$(spec_hooks fired)
t_check fired/spec-names-hook "createRuntime hooks: $hooks" "$hooks" = "$HOOK"
e_podman rm -f fired >/dev/null 2>&1
e_after_exit a fired
t_empty not-fired/vf-untouched "VF" "$(standin_vf_problems a)"

# ---- CRI-O's sandbox-only files -------------------------------------------------------------
# CRI-O copies a pod's annotations onto every container of the pod; the crio variant adds
# io.kubernetes.cri-o.ContainerType=sandbox to the condition so that only the pod's sandbox (whose
# network namespace the pod's containers share) takes the VF. podman matches hooks.d conditions
# with the same library (containers/common, hooks 1.0.0): set the annotation CRI-O would set.
CRIOD=$SH_TMP/crio-hooks.d
e_hooksd "$CRIOD" "$CFG" crio || t_fail crio/hooksd "cannot make the crio hooks.d files: run make hooksd"
for type in sandbox container absent; do
	args=(--annotation "io.sriov.pf=$PF" --annotation io.sriov.vf=auto --annotation io.sriov.ifname=net1)
	[ "$type" = absent ] || args+=(--annotation "io.kubernetes.cri-o.ContainerType=$type")
	out=$(e_podman --hooks-dir "$CRIOD" run --name "crio-$type" --network none "${args[@]}" "$IMG" ip addr 2>&1)
	rc=$?
	hooks=$(spec_hooks "crio-$type")
	vf_block=$(printf '%s\n' "$out" | awk '/^[0-9]+: /{show = ($2 ~ /^net1(@|:)/)} show')
	if [ "$type" = sandbox ]; then
		t_check "crio/$type/fired" "rc=$rc, createRuntime hooks: $hooks" "$rc:$hooks" = "0:$HOOK"
		t_contains "crio/$type/vf-is-net1" "$vf_block" "$VF0_MAC" "net1 in the container"
	else
		t_check "crio/$type/not-fired" "rc=$rc, createRuntime hooks: $hooks $out" "$rc:$hooks" = "0:"
	fi
	e_podman rm -f "crio-$type" >/dev/null 2>&1
	e_after_exit a "crio/$type"
done

# ---- the VF is taken: podman run fails with the hook's message, leaves no claim -------------------
holder_pid=$(standin_netns_proc)
bundle_bare "$SH_TMP/holder" "pf=$PF" vf=0
hook_run "$CFG" createRuntime "$(hook_state holder "$holder_pid" "$SH_TMP/holder")"
if [ "$HOOK_RC" != 0 ]; then
	t_fail taken/setup "the holder could not claim VF 0: $HOOK_ERR"
else
	out=$(e_podman --hooks-dir "$HOOKSD" run --rm --network none --annotation "io.sriov.pf=$PF" \
		--annotation io.sriov.vf=0 "$IMG" true 2>&1)
	rc=$?
	t_check taken/run-fails "podman run succeeded: $out" "$rc" != 0
	t_contains taken/hook-message "$out" "sriov-hook: "
	t_contains taken/names-stage "$out" "createRuntime"
	sleep 0.5 # podman's cleanup of the failed container
	t_check taken/only-holder-claim "claims: $(e_claims "$STATE" | tr '\n' ' ')" "$(e_claims "$STATE")" = holder
	t_check taken/no-container-left "containers: $(e_podman ps -aq)" -z "$(e_podman ps -aq)"
	hook_run "$CFG" poststop "$(hook_state holder 0 "$SH_TMP/holder")"
	t_check taken/holder-release "poststop rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	e_after_exit a taken
fi

t_end
