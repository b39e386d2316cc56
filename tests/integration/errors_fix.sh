#!/bin/bash
# Errors that name the fix, on stand-ins: a PF typo lists the SR-IOV PFs there are; a PF without
# VFs says so and how to enable them (not "all 0 are claimed"); "already held by" names the
# holder's name as well as its id; an allowed_pfs refusal names the configuration file; and "no
# free VF" counts the VFs under what keeps each (held, stale and not back, in use by the host, in
# another namespace, unusable) with the first reason of each kind.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup errors_fix "$REPO" "a 4c 5" "b 4d 0"
PFA=$(standin_pf_name a)
PFB=$(standin_pf_name b)
# b can have 7 VFs, none is enabled
echo 7 >"$SH_SYSFS/devices/pci0000:00/0000:4d:00.0/sriov_totalvfs"
CFG=$(standin_config ef)
STATE=$(standin_state_dir ef)

# re STRING: STRING as an extended regex matching itself.
# shellcheck disable=SC2016 # a sed program, not a shell expansion
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|/]/\\&/g'; }

# ---- a PF typo lists the SR-IOV PFs --------------------------------------------------------------
PFS="$PFA (0000:4c:00.0, 5 of 5 VFs enabled), $PFB (0000:4d:00.0, 0 of 7 VFs enabled)"
ct_create typo "$CFG" pf="${PFA}x" vf=auto
t_message typo/lists-pfs "^$(re "PF ${PFA}x: no such network interface; the SR-IOV PFs here: $PFS")\$" typo createRuntime
ct_kill typo
ct_create typo_pci "$CFG" pf=0000:4c:00.7 vf=0
t_message typo/pci-lists-pfs "^$(re "PF 0000:4c:00.7: no such PCI device; the SR-IOV PFs here: $PFS")\$" typo_pci createRuntime
ct_kill typo_pci
ct_create typo_vf "$CFG" pf="$(standin_vf_name a 0)" vf=0
t_message typo/vf-lists-pfs "is a VF, not a PF; $(re "the SR-IOV PFs here: $PFS")\$" typo_vf createRuntime
ct_kill typo_vf
# with allowed_pfs, the list says which PFs containers may not use
CFG_A=$(standin_config efa "\"allowed_pfs\": [\"$PFA\"]")
ct_create typo_allowed "$CFG_A" pf=nosuchpf0 vf=auto
t_message typo/marks-not-allowed "$(re "$PFB (0000:4d:00.0, 0 of 7 VFs enabled, not in allowed_pfs)")\$" typo_allowed createRuntime
ct_kill typo_allowed
# a host without any
mkdir -p "$SH_TMP/nosys/bus/pci/devices" "$SH_TMP/nosys/class/net"
CFG_N=$(standin_config efn)
sed -i "s|\"sysfs_root\": \"[^\"]*\"|\"sysfs_root\": \"$SH_TMP/nosys\"|" "$CFG_N"
ct_create typo_none "$CFG_N" pf=ens1f0 vf=auto
t_message typo/no-pf-at-all "^PF ens1f0: no such network interface; this host has no SR-IOV PF\$" typo_none createRuntime
ct_kill typo_none

# ---- a PF without VFs: says so, and how to enable them --------------------------------------------
FIX="PF $PFB (0000:4d:00.0) has no VFs enabled (sriov_numvfs is 0, it supports up to 7): enable them with \`sriovctl vfs apply\` after adding \"pfs\": {\"$PFB\": {\"numvfs\": 7}} to $CFG, or with \`echo 7 > $SH_SYSFS/class/net/$PFB/device/sriov_numvfs\`"
for vf in auto 0; do
	ct_create "novfs_$vf" "$CFG" pf="$PFB" vf="$vf"
	t_message "novfs/$vf-says-how" "^$(re "$FIX")\$" "novfs_$vf" createRuntime
	t_lacks "novfs/$vf-not-claimed" "$HOOK_ERR" "claimed"
	ct_kill "novfs_$vf"
done

# ---- allowed_pfs names the configuration file ------------------------------------------------------
CFG_O=$(standin_config efo '"allowed_pfs": ["other0", "0000:77:00.0"]')
ct_create refused "$CFG_O" pf="$PFA" vf=auto
t_message allowed/names-file "^$(re "PF $PFA (0000:4c:00.0) is not in allowed_pfs of $CFG_O (it allows: other0, 0000:77:00.0)")\$" refused createRuntime
ct_kill refused

# ---- already held: the holder's id and name ---------------------------------------------------------
ct_create h1 "$CFG" pf="$PFA" vf=0 io.kubernetes.cri-o.ContainerName=web
t_check held/setup "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create second "$CFG" pf="$PFA" vf=0
t_message held/names-holder "^$(re "claim VF 0 ($(standin_vf_pci a 0)) of $PFA: already held by h1 (web)")\$" second createRuntime
ct_kill second

# ---- no free VF: every VF counted under what keeps it ------------------------------------------------
# VF 0: held by h1 (web). VF 1: its holder h3 moved it on into a namespace of its own and died: stale,
# and not back on the host. VF 2: up with an address on the host. VF 3: in a namespace of its own
# without any claim. VF 4: bound to vfio-pci.
NEST=${SH_PREFIX}n1
OTHER=${SH_PREFIX}n2
ip netns add "$NEST"
ip netns add "$OTHER"
standin_atexit "ip netns del $NEST; ip netns del $OTHER"
ct_create h3 "$CFG" pf="$PFA" vf=1
t_check census/setup-h3 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
nsenter -t "$(ct_pid h3)" -n ip link set dev eth0 netns "$NEST"
ct_kill h3
VF2=$(standin_vf_name a 2)
ip addr add 10.251.0.1/24 dev "$VF2" && ip link set "$VF2" up
ip link set "$(standin_vf_name a 3)" netns "$OTHER"
standin_vf_set_driver a 4 vfio-pci
ct_create full "$CFG" pf="$PFA" vf=auto
t_check census/fails "rc $HOOK_RC" "$HOOK_RC" != 0
msg=$(hook_message)
t_message census/one-line "^claim a VF of $PFA: no free VF among its 5: " full createRuntime
t_contains census/held "$msg" "1 held by running containers (web)"
t_contains census/stale "$msg" "1 stale or returning, not taken over (VF 1: take over the claim of h3:"
t_contains census/stale-why "$msg" "is not back on the host yet"
t_contains census/host "$msg" "1 in use by the host ($VF2 is up with addresses)"
t_contains census/elsewhere "$msg" "1 in another network namespace without a claim (its netdev $(standin_vf_name a 3) is not in the host namespace)"
t_contains census/unusable "$msg" "1 unusable (bound to vfio-pci, which gives no netdev (io.sriov.mode=vfio takes it))"
t_lacks census/not-all-claimed "$msg" "all 5 are claimed"
ct_kill full

# with VF 4 in a pool: auto counts the VFs outside pools, the pool its own
CFG_P="$SH_TMP/ef-pools.config.json"
sed "s|\"poststop_timeout_ms\": 500|\"poststop_timeout_ms\": 500, \"pools\": {\"gpu\": [\"$PFA#4\"], \"cold\": [\"$PFB\"]}|" "$CFG" >"$CFG_P"
ct_create full_p "$CFG_P" pf="$PFA" vf=auto
t_message census/outside-pools "^claim a VF of $PFA: no free VF among its 4 outside pools \(1 are in pools\): 1 held" full_p createRuntime
ct_kill full_p
ct_create pool_p "$CFG_P" pool=gpu
t_message census/pool "^$(re "claim a VF of pool gpu: no free VF among its 1: 1 unusable (bound to vfio-pci")" pool_p createRuntime
ct_kill pool_p
# a pool on a PF without VFs: how to enable them
ct_create pool_cold "$CFG_P" pool=cold
t_message census/pool-no-vfs "^$(re "claim a VF of pool cold: PF $PFB (0000:4d:00.0) has no VFs enabled (sriov_numvfs is 0, it supports up to 7): enable them with \`sriovctl vfs apply\`")" pool_cold createRuntime
ct_kill pool_cold

# a holder without a name: its id (12 characters, as docker shows ids); VF 4 is usable again for it
standin_vf_set_driver a 4 igbvf
ct_create 0123456789abcdef0123 "$CFG" pf="$PFA" vf=auto
t_check census/setup-unnamed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create full2 "$CFG" pf="$PFA" vf=auto
t_contains census/ids "$(hook_message)" "held by running containers (web, 0123456789ab)"
ct_kill full2

# ---- put everything back ----------------------------------------------------------------------------
ip link set "$VF2" down && ip addr flush dev "$VF2"
ip -n "$OTHER" link set "$(standin_vf_name a 3)" netns "/proc/$$/ns/net"
ip -n "$NEST" link set dev eth0 name "$(standin_vf_name a 1)"
ip -n "$NEST" link set dev "$(standin_vf_name a 1)" netns "/proc/$$/ns/net"
ct_kill 0123456789abcdef0123
ct_poststop 0123456789abcdef0123 "$CFG"
ct_poststop h3 "$CFG"
t_check restore/h3-returned "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill h1
ct_poststop h1 "$CFG"
t_check restore/h1-released "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty restore/vfs "stand-ins" "$(standin_vf_problems a)"
t_empty restore/state "left under state_dir" "$(standin_state_residue "$STATE")"
t_end
