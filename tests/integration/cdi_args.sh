#!/bin/bash
# The hook as a CDI device's hook: its arguments name the VF (--pf/--vf, --pool). Each run attaches
# its own device's VF, in the slot of its place among the container's device hooks (io.sriov.* for
# the first, io.sriov.1.* for the second); a second run for the same device changes nothing;
# poststop with a device's arguments releases that device's VF only, and the annotations' poststop
# none of them. Through runc too (real createRuntime and poststop entries), and run by hand with
# no entry in config.json.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup cdi_args "$REPO" "a 5a 3"
PF=$(standin_pf_name a)
CFG=$(standin_config cdiargs "\"pools\": {\"p$SH_PREFIX\": [\"$PF#2\"]}")
STATE=$(standin_state_dir cdiargs)
POOL=p$SH_PREFIX
pid="" pid2="" hpid="" # set by standin_netns_proc

# dev_args K: the arguments of VF K's device ("pool" for the pool's).
dev_args() {
	if [ "$1" = pool ]; then echo "--pool $POOL"; else echo "--pf $PF --vf $1"; fi
}

# with_devices DIR K...: DIR's config.json gets a createRuntime and a poststop entry per device,
# in order, as a CDI engine writes them.
with_devices() {
	local dir=$1
	shift
	local devs=()
	for k in "$@"; do devs+=("$(dev_args "$k")"); done
	bundle_edit "$dir" "
hook, cfg = '$HOOK', '$CFG'
devs = [d.split() for d in '''$(printf '%s\n' "${devs[@]}")'''.splitlines() if d]
def h(stage): return [{'path': hook, 'args': ['sriov-hook', '--config', cfg] + d + [stage]} for d in devs]
c['hooks'] = {'createRuntime': h('createRuntime'), 'poststop': h('poststop')}"
}

# dev_run STAGE ID PID BUNDLE K: the hook run of device K (K "-": the annotations' run).
dev_run() {
	local stage=$1 id=$2 pid=$3 b=$4 k=$5
	local args=()
	# shellcheck disable=SC2207 # the device's arguments are words
	[ "$k" = - ] || args=($(dev_args "$k"))
	hook_run "$CFG" "" "$(hook_state "$id" "$pid" "$b")" "${args[@]}" "$stage"
}

# name_in PID TAG K: VF K's name inside PID's netns ("" when it is not there).
name_in() {
	nsenter -t "$1" -n ip -o link 2>/dev/null | grep -i "$(standin_vf_mac "$2" "$3")" |
		sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p'
}

# ---- two devices, one run each ------------------------------------------------------------------
standin_netns_proc pid
b=$SH_TMP/two
bundle_bare "$b" ip=10.80.0.2/24 1.ifname=data1 1.ip=10.80.1.2/24
with_devices "$b" 0 1
dev_run createRuntime two "$pid" "$b" 0
t_check two/first-run "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check two/first-run-vf0-eth0 "VF 0 is '$(name_in "$pid" a 0)'" "$(name_in "$pid" a 0)" = eth0
t_empty two/first-run-not-vf1 "VF 1" "$(standin_vf_problems a 1)"
dev_run createRuntime two "$pid" "$b" 1
t_check two/second-run "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check two/second-run-slot1-name "VF 1 is '$(name_in "$pid" a 1)'" "$(name_in "$pid" a 1)" = data1
addrs=$(nsenter -t "$pid" -n ip -o addr show 2>/dev/null)
t_contains two/slot0-address "$addrs" "eth0    inet 10.80.0.2/24" "addresses"
t_contains two/slot1-address "$addrs" "data1    inet 10.80.1.2/24" "addresses"
# a runtime's retry of the first run: nothing changes
dev_run createRuntime two "$pid" "$b" 0
t_check two/retry "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
claims=$(find "$STATE/claims" -name '*.json' -printf '%f ')
t_check two/retry-two-claims "claims: $claims" "$(echo "$claims" | wc -w)" = 2
# poststop of the annotations' run (a hooks.d file): the devices' VFs are not its
dev_run poststop two 0 "$b" -
t_check two/annotations-poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check two/annotations-poststop-keeps "VF 0 is '$(name_in "$pid" a 0)'" "$(name_in "$pid" a 0)" = eth0
# poststop of the second device: VF 1 only
dev_run poststop two 0 "$b" 1
t_check two/poststop-1 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty two/poststop-1-vf1-back "VF 1" "$(standin_vf_problems a 1)"
t_check two/poststop-1-keeps-vf0 "VF 0 is '$(name_in "$pid" a 0)'" "$(name_in "$pid" a 0)" = eth0
dev_run poststop two 0 "$b" 0
t_check two/poststop-0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty two/all-back "stand-ins" "$(standin_vf_problems a)"
t_empty two/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
standin_kill "$pid"

# ---- a pool's device ----------------------------------------------------------------------------
standin_netns_proc pid
b=$SH_TMP/pool
bundle_bare "$b"
with_devices "$b" pool
dev_run createRuntime pool "$pid" "$b" pool
t_check pool/run "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check pool/vf2 "VF 2 is '$(name_in "$pid" a 2)'" "$(name_in "$pid" a 2)" = eth0
t_empty pool/others-on-host "VFs 0, 1" "$(standin_vf_problems a 0 1)"
# the pool is full: the next one fails although VFs 0 and 1 are free
standin_netns_proc pid2
b2=$SH_TMP/pool2
bundle_bare "$b2"
with_devices "$b2" pool
dev_run createRuntime pool2 "$pid2" "$b2" pool
t_check pool-full/fails "rc $HOOK_RC" "$HOOK_RC" != 0
t_message pool-full/message "^claim a VF of pool $POOL: no free VF" pool2 createRuntime
t_empty pool-full/outside-untouched "VFs 0, 1" "$(standin_vf_problems a 0 1)"
# VF 2 is the pool's: asking for it by index is refused
bundle_bare "$b2" "pf=$PF" vf=2
dev_run createRuntime pool2 "$pid2" "$b2" -
t_check pool-member/fails "rc $HOOK_RC" "$HOOK_RC" != 0
t_message pool-member/message "VF 2 .* is in pool $POOL" pool2 createRuntime
dev_run poststop pool 0 "$b" pool
t_empty pool/back "stand-ins" "$(standin_vf_problems a)"
t_empty pool/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
standin_kill "$pid"
standin_kill "$pid2"

# ---- refusals, before anything is touched -------------------------------------------------------
# The same device twice (--device sriov.io/vf=X --device sriov.io/vf=X): said so, not a race.
standin_netns_proc pid
b=$SH_TMP/twice
bundle_bare "$b"
with_devices "$b" 0 0
dev_run createRuntime twice "$pid" "$b" 0
t_message refuse/same-device-twice "^the same CDI device \(\"pf=$PF vf=0\"\) is asked twice: give each --device once\$" \
	twice createRuntime
t_empty refuse/twice-untouched "stand-ins" "$(standin_vf_problems a)"
t_empty refuse/twice-no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
standin_kill "$pid"

standin_netns_proc pid
b=$SH_TMP/refuse
bundle_bare "$b" vf=1
with_devices "$b" 0
dev_run createRuntime refuse "$pid" "$b" 0
t_message refuse/slot-vf "^annotation io\.sriov\.vf: slot 0 is CDI device \"pf=$PF vf=0\"" refuse createRuntime
t_empty refuse/untouched "stand-ins" "$(standin_vf_problems a)"
t_empty refuse/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
standin_kill "$pid"

# ---- a later device fails: that run gives back only what it took; the first device's VF stays
# with its run's record until poststop (runc runs it after a failed create) ---------------------
standin_netns_proc hpid
hb=$SH_TMP/holder
bundle_bare "$hb"
with_devices "$hb" 1
dev_run createRuntime holder "$hpid" "$hb" 1
t_check later-fails/holder "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
standin_netns_proc pid
b=$SH_TMP/later
bundle_bare "$b"
with_devices "$b" 0 1
dev_run createRuntime later "$pid" "$b" 0
t_check later-fails/first-run "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
dev_run createRuntime later "$pid" "$b" 1
t_check later-fails/second-run-fails "rc $HOOK_RC" "$HOOK_RC" != 0
t_message later-fails/message "^claim VF 1 \\($(standin_vf_pci a 1)\\) of $PF: already held by holder" later createRuntime
t_check later-fails/first-vf-stays "VF 0 is '$(name_in "$pid" a 0)'" "$(name_in "$pid" a 0)" = eth0
dev_run poststop later 0 "$b" 1
t_check later-fails/poststop-1 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check later-fails/holder-kept "VF 1 is '$(name_in "$hpid" a 1)' in the holder" "$(name_in "$hpid" a 1)" = eth0
dev_run poststop later 0 "$b" 0
t_empty later-fails/first-vf-back "VF 0" "$(standin_vf_problems a 0)"
dev_run poststop holder 0 "$hb" 1
t_empty later-fails/all-back "stand-ins" "$(standin_vf_problems a)"
t_empty later-fails/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
standin_kill "$pid"
standin_kill "$hpid"

# ---- run by hand: no entry in config.json names the device, it is slot 0 -----------------------
standin_netns_proc pid
b=$SH_TMP/byhand
bundle_bare "$b" ifname=hand0
dev_run createRuntime byhand "$pid" "$b" 1
t_check byhand/run "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check byhand/slot0 "VF 1 is '$(name_in "$pid" a 1)'" "$(name_in "$pid" a 1)" = hand0
dev_run poststop byhand 0 "$b" 1
t_empty byhand/back "stand-ins" "$(standin_vf_problems a)"
standin_kill "$pid"

# ---- through runc: its createRuntime entries in order, its poststop entries at delete ----------
b=$SH_TMP/runc
if bundle_runc "$b" "$HOOK" "$CFG" 'ip -o link; ip -o addr' ip=10.81.0.2/24; then
	with_devices "$b" 1 0
	out=$(cd "$b" && runc_t run --no-pivot cdi-runc 2>&1)
	rc=$?
	t_check runc/run "rc $rc: $out" "$rc" = 0
	t_contains runc/first-device-eth0 "$(printf '%s\n' "$out" | grep -i "$(standin_vf_mac a 1)")" ": eth0" "links"
	t_contains runc/second-device-net1 "$(printf '%s\n' "$out" | grep -i "$(standin_vf_mac a 0)")" ": net1" "links"
	t_contains runc/address "$out" "eth0    inet 10.81.0.2/24" "addresses"
	t_empty runc/back "stand-ins" "$(standin_vf_problems a)"
	t_empty runc/no-residue "left under state_dir" "$(standin_state_residue "$STATE")"
else
	t_fail runc/bundle "the runc bundle could not be made"
fi
t_end
