#!/bin/bash
# podman 4.3 (Debian) with the CDI spec `sriovctl cdi generate` writes, no hooks.d file, no
# env_fallback: the spec validates against the CDI schema; `--device sriov.io/vf=<pf>-0` gets the
# VF with its address and gives it back; two devices give two VFs (eth0/net1, or the names asked);
# a pool's device takes a VF of the pool and never one outside it; a container that names a pool's
# admin setting, or asks for a VF that is held, fails with the hook's one line and leaves nothing
# (held as its second device: nothing once gc has returned the first device's VF).
# The spec file has a name of its own and goes at exit (podman 4.3 reads only /etc/cdi and
# /var/run/cdi).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=../lib/fakevfio.sh
. "$(dirname "$0")/../lib/fakevfio.sh"
e_init cdi
e_require_cmd podman runc
CTL=${CTL:-$E_BUILD/sriovctl}
e_require_cmd "$CTL"

standin_pf_create a 7a 4
standin_pf_create b 7b 2
PF=$(standin_pf_name a)
PFB=$(standin_pf_name b)
# Pool names are the spec's device names, unique to this run like the stand-ins' names.
FAST=${SH_PREFIX}fast
LOCKED=${SH_PREFIX}locked
CFG=$(standin_config cdi "\"pools\": {\"$FAST\": [\"$PF#2-3\"], \"$LOCKED\": {\"vfs\": [\"$PFB\"], \"vlan\": 100}}")
STATE=$(standin_state_dir cdi)
SPEC=/var/run/cdi/sriov-hook-test-$SH_PREFIX.json
# A /var/run/cdi this test makes goes with it, after the specs (cleanups run last first).
[ -d /var/run/cdi ] || standin_atexit "rmdir /var/run/cdi 2>/dev/null"
standin_atexit "rm -f '$SPEC'"

e_podman_init
IMG=localhost/sriov-hook-test-busybox
if ! out=$(e_podman import -q "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail import "podman import: $out"
	t_end
fi

# The block of interface NAME in `ip addr` output.
if_block() { printf '%s\n' "$1" | awk -v n="$2" '/^[0-9]+: /{show = ($2 ~ "^" n "(@|:)")} show'; }

# run NAME ARGS...: podman run --rm of the test image with ARGS (devices, annotations, command).
run() {
	e_podman run --rm --network none "$@" 2>&1
}

# after TAG CHECK [K...]: the VFs K of stand-in TAG are back as created, no claim, nothing left.
after() {
	local tag=$1 check=$2 p
	shift 2
	if p=$(e_wait_vf_back_all "$tag" "$@"); then t_pass "$check/vf-back"; else t_fail "$check/vf-back" "$p"; fi
	if e_wait_no_claim "$STATE" 5; then t_pass "$check/released"; else
		t_fail "$check/released" "claims left: $(e_claims "$STATE" | tr '\n' ' ')"
	fi
	t_empty "$check/no-residue" "left in the state dir" "$(standin_state_residue "$STATE")"
}

# e_wait_vf_back for several VFs (all of the PF when none is named).
e_wait_vf_back_all() { standin_wait_back 10 "$@"; }

# ---- the spec ---------------------------------------------------------------------------------
mkdir -p /var/run/cdi
out=$("$CTL" --config "$CFG" cdi generate --hook "$HOOK" --output "$SPEC" 2>&1)
rc=$?
t_check generate/runs "rc=$rc: $out" "$rc" = 0
t_check generate/file "no $SPEC" -f "$SPEC"
out=$("$SH_PY" "$REPO/tests/engines/cdi_schema.py" --lowest "$SPEC" 2>&1)
t_check generate/schema "$out" "$?" = 0
names=$("$SH_PY" -c 'import json,sys; print(" ".join(d["name"] for d in json.load(open(sys.argv[1]))["devices"]))' "$SPEC" 2>&1)
t_check generate/devices "devices: $names" "$names" = "$PF-0 $PF-1 $PF $FAST $LOCKED"
tmps=$(find /var/run/cdi -maxdepth 1 -name "*sriov-hook-test-$SH_PREFIX*" ! -name "$(basename "$SPEC")")
t_empty generate/no-temporary "temporary files in /var/run/cdi" "$tmps"

# ---- one device: the VF, with the annotation's address, and back at exit ------------------------
VF0_MAC=$(standin_vf_mac a 0)
VF1_MAC=$(standin_vf_mac a 1)
out=$(run --device "sriov.io/vf=$PF-0" --annotation io.sriov.ip=10.99.0.2/24 "$IMG" ip addr)
rc=$?
t_check one/run "rc=$rc: $out" "$rc" = 0
b=$(if_block "$out" eth0)
t_contains one/vf-is-eth0 "$b" "$VF0_MAC" "eth0 in the container"
t_contains one/address "$b" "inet 10.99.0.2/24" "eth0 in the container"
after a one

# ---- with the hooks.d files as well: their run (fired by the io.sriov.* annotation) leaves the
# device's VF to the device's run, and the annotation still applies to the device -----------------
HOOKSD=$SH_TMP/hooks.d
if e_hooksd "$HOOKSD" "$CFG"; then
	out=$(e_podman --hooks-dir "$HOOKSD" run --rm --network none --device "sriov.io/vf=$PF-0" \
		--annotation io.sriov.ip=10.99.2.2/24 "$IMG" ip addr 2>&1)
	rc=$?
	t_check hooksd/run "rc=$rc: $out" "$rc" = 0
	b=$(if_block "$out" eth0)
	t_contains hooksd/vf-is-eth0 "$b" "$VF0_MAC" "eth0 in the container"
	t_contains hooksd/address "$b" "inet 10.99.2.2/24" "eth0 in the container"
	after a hooksd
else
	t_fail hooksd/files "cannot make hooks.d files: run make hooksd"
fi

# ---- two devices: two VFs, eth0 and net1 by default, or the names the slots ask for -------------
out=$(run --device "sriov.io/vf=$PF-0" --device "sriov.io/vf=$PF-1" "$IMG" ip addr)
rc=$?
t_check two/run "rc=$rc: $out" "$rc" = 0
t_contains two/first-is-eth0 "$(if_block "$out" eth0)" "$VF0_MAC" "eth0"
t_contains two/second-is-net1 "$(if_block "$out" net1)" "$VF1_MAC" "net1"
after a two
out=$(run --device "sriov.io/vf=$PF-1" --device "sriov.io/vf=$PF-0" --annotation io.sriov.ifname=data0 \
	--annotation io.sriov.1.ifname=data1 --annotation io.sriov.1.ip=10.99.1.2/24 "$IMG" ip addr)
rc=$?
t_check two-named/run "rc=$rc: $out" "$rc" = 0
t_contains two-named/slot0-first-device "$(if_block "$out" data0)" "$VF1_MAC" "data0"
t_contains two-named/slot1-second-device "$(if_block "$out" data1)" "$VF0_MAC" "data1"
t_contains two-named/slot1-address "$(if_block "$out" data1)" "inet 10.99.1.2/24" "data1"
after a two-named
# the PF's device twice: two VFs of it
out=$(run --device "sriov.io/vf=$PF" --device "sriov.io/vf=$PF" "$IMG" ip addr)
rc=$?
t_check pf-twice/run "rc=$rc: $out" "$rc" = 0
t_contains pf-twice/eth0 "$(if_block "$out" eth0)" "$VF0_MAC" "eth0"
t_contains pf-twice/net1 "$(if_block "$out" net1)" "$VF1_MAC" "net1"
after a pf-twice

# ---- a pool: a VF of the pool, never one outside it ---------------------------------------------
VF2_MAC=$(standin_vf_mac a 2)
out=$(run --device "sriov.io/vf=$FAST" "$IMG" ip addr)
rc=$?
t_check pool/run "rc=$rc: $out" "$rc" = 0
t_contains pool/lowest-of-pool "$(if_block "$out" eth0)" "$VF2_MAC" "eth0 (VF 2, the pool's lowest)"
after a pool
# both pool VFs held by running containers: the third fails although VFs 0 and 1 are free
ids=()
for k in 2 3; do
	id=$(e_podman run -d --network none --device "sriov.io/vf=$FAST" "$IMG" sleep 60 2>&1)
	rc=$?
	t_check "pool/holder-$k" "rc=$rc: $id" "$rc" = 0
	ids+=("$id")
done
out=$(run --device "sriov.io/vf=$FAST" "$IMG" true)
rc=$?
t_check pool-full/run-fails "podman run succeeded: $out" "$rc" != 0
t_contains pool-full/hook-line "$out" "createRuntime: claim a VF of pool $FAST: no free VF"
t_empty pool-full/outside-untouched "VFs outside the pool" "$(standin_vf_problems a 0 1)"
# the PF's device is not the pool's either: it takes VF 0, not a pool VF
out=$(run --device "sriov.io/vf=$PF" "$IMG" ip addr)
t_contains pool-full/pf-device-outside-pool "$(if_block "$out" eth0)" "$VF0_MAC" "eth0"
e_podman rm -f -t 0 "${ids[@]}" >/dev/null 2>&1
after a pool-full

# ---- a pool's admin settings: a container that names one fails, nothing left -------------------
out=$(run --device "sriov.io/vf=$LOCKED" --annotation io.sriov.vlan=5 "$IMG" true)
rc=$?
t_check locked/run-fails "podman run succeeded: $out" "$rc" != 0
line=$(printf '%s\n' "$out" | grep -o 'sriov-hook: [^ ]*: createRuntime: .*' | head -n 1)
t_contains locked/one-line "$line" "createRuntime: annotation io.sriov.vlan: the VFs of pool \"$LOCKED\" have vlan 100, set by the administrator: a container may not change vlan"
t_check locked/no-container-left "containers: $(e_podman ps -aq)" -z "$(e_podman ps -aq)"
after b locked

# ---- a device whose VF is held: the hook's line, nothing left of the failed container ------------
holder=$(e_podman run -d --network none --device "sriov.io/vf=$PF-0" "$IMG" sleep 60 2>&1)
t_check held/holder "holder: $holder" -n "$holder"
out=$(run --device "sriov.io/vf=$PF-0" "$IMG" true)
rc=$?
t_check held/run-fails "podman run succeeded: $out" "$rc" != 0
t_contains held/hook-line "$out" "createRuntime: claim VF 0 ($(standin_vf_pci a 0)) of $PF: already held by ${holder:0:12}"
sleep 0.5 # podman's cleanup of the failed container
t_check held/only-holder-claim "claims: $(e_claims "$STATE" | tr '\n' ' ')" "$(e_claims "$STATE")" = "$holder"
t_empty held/others-untouched "VFs" "$(standin_vf_problems a 1 2 3)"
# the held VF is the second device's: the first one's VF, attached by its own run, stays with that
# run's claim (a run never removes what it did not create) and podman runs no poststop after a
# failed createRuntime: the container is gone, and sriovctl gc (or the next claim) returns the VF
out=$(run --device "sriov.io/vf=$PF-1" --device "sriov.io/vf=$PF-0" "$IMG" true)
rc=$?
t_check held-second/run-fails "podman run succeeded: $out" "$rc" != 0
t_contains held-second/hook-line "$out" "createRuntime: claim VF 0 ($(standin_vf_pci a 0)) of $PF: already held by ${holder:0:12}"
sleep 0.5
out=$("$CTL" --config "$CFG" gc 2>&1)
rc=$?
t_check held-second/gc "rc $rc: $out" "$rc" = 0
t_check held-second/only-holder-claim "claims: $(e_claims "$STATE" | tr '\n' ' ')" "$(e_claims "$STATE")" = "$holder"
t_empty held-second/first-vf-back "VFs" "$(standin_vf_problems a 1 2 3)"
e_podman rm -f -t 0 "$holder" >/dev/null 2>&1
after a held

# ---- a vfio pool: vfs apply binds its VFs, the sriov.io/vfio spec gives one to the container ----
# (tests/lib/fakevfio.sh plays the kernel's part: this machine has no IOMMU.)
standin_pf_create c 7c 2
PFC=$(standin_pf_name c)
fakevfio_setup c
DPDK=${SH_PREFIX}dpdk
CFGV=$(standin_config cdiv "\"dev_root\": \"$FAKEVFIO_DEV\"" \
	"\"pools\": {\"$DPDK\": {\"vfs\": [\"$PFC\"], \"driver\": \"vfio-pci\"}}")
STATEV=$(standin_state_dir cdiv)
SPECV=/var/run/cdi/sriov-hook-test-$SH_PREFIX-v.json
standin_atexit "rm -f '$SPECV' '${SPECV%.json}-vfio.json'"
out=$("$CTL" --config "$CFGV" vfs apply --output "$SPECV" 2>&1)
t_check vfio/apply "sriovctl vfs apply: $out" $? = 0
t_check vfio/bound "VF 0 on '$(fakevfio_driver c 0)'" "$(fakevfio_driver c 0)" = vfio-pci
out=$("$CTL" --config "$CFGV" cdi generate --hook "$HOOK" --output "$SPECV" 2>&1)
t_check vfio/generate "rc $?: $out" -f "${SPECV%.json}-vfio.json"
out=$("$SH_PY" "$REPO/tests/engines/cdi_schema.py" --lowest "${SPECV%.json}-vfio.json" 2>&1)
t_check vfio/schema "$out" "$?" = 0
DEV=$(printf '%s' "$PFC-0" | tr 'a-z-' 'A-Z_')
out=$(e_podman run --rm --device "sriov.io/vfio=$PFC-0" "$IMG" \
	sh -c 'ls /dev/vfio; env | grep ^SRIOV_VFIO_ | sort; cat /run/sriov/vfio/*.json' 2>&1)
t_contains vfio/group-node "$out" "10" "ls /dev/vfio (VF 0: group 10)"
t_contains vfio/env-pci "$out" "SRIOV_VFIO_PCI_$DEV=$(standin_vf_pci c 0)" "container env"
t_contains vfio/info "$out" "\"pci\": \"$(standin_vf_pci c 0)\"" "the device's JSON file"
t_check vfio/stays-bound "VF 0 on '$(fakevfio_driver c 0)'" "$(fakevfio_driver c 0)" = vfio-pci
if e_wait_no_claim "$STATEV" 5; then t_pass vfio/released; else
	t_fail vfio/released "claims left: $(e_claims "$STATEV" | tr '\n' ' ')"
fi

t_end
