#!/bin/bash
# poststop: nothing to release exits 0 and creates nothing; twice is harmless; it releases only its
# own container's claim; it gives the VF back whether or not the container's process still lives.
# Also the command line: --version and --help.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup poststop "$REPO" "a 3b 2"
PF=$(standin_pf_name a)
CFG=$(standin_config ps)
STATE=$(standin_state_dir ps)

# --version / --help
hook_run "" "" "" --version
t_check cli/version_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_contains cli/version_text "$HOOK_OUT" "sriov-hook" "--version output"
hook_run "" "" "" --help
t_check cli/help_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_contains cli/help_names_createRuntime "$HOOK_OUT" "createRuntime" "--help output"
t_contains cli/help_names_poststop "$HOOK_OUT" "poststop" "--help output"
t_contains cli/help_names_config "$HOOK_OUT" "--config" "--help output"

# Nothing ever claimed: poststop exits 0 and leaves no file.
bundle_bare "$SH_TMP/ct/never"
hook_run "$CFG" poststop "$(hook_state never 0 "$SH_TMP/ct/never")"
t_check nothing/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty nothing/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
# Even when the bundle is gone already (the runtime may remove it first) or lists no io.sriov key.
hook_run "$CFG" poststop '{"ociVersion":"1.0.2","id":"gone","status":"stopped","bundle":"/no-such-bundle"}'
t_check nothing/bundle_gone_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
# podman's poststop shape: annotations in the state, pid 0.
hook_run "$CFG" poststop '{"ociVersion":"1.0.2","id":"podmanlike","status":"stopped","pid":0,"bundle":"'"$SH_TMP/ct/never"'","annotations":{"io.sriov.pf":"'"$PF"'","io.sriov.vf":"0"}}'
t_check nothing/podman_shape_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty nothing/vfs_untouched "stand-ins" "$(standin_vf_problems a)"

# Twice: the first gives the VF back, the second finds nothing and exits 0.
ct_create twice "$CFG" pf="$PF" vf=0 ip=10.97.0.2/24 mtu=1280
t_check twice/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_poststop twice "$CFG"
t_check twice/first_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty twice/restored "stand-in" "$(standin_vf_problems a)"
ct_poststop twice "$CFG"
t_check twice/second_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty twice/still_restored "stand-in" "$(standin_vf_problems a)"
t_empty twice/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill twice

# Only its own claim: X's poststop leaves Y's VF and claim alone.
ct_create keep "$CFG" pf="$PF" vf=1
t_check own/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_poststop someone-else "$CFG"
t_check own/other_poststop_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check own/vf_stays "VF left keep's netns" -n "$(ns_links "$(ct_pid keep)" | grep -i "$(standin_vf_mac a 1)")"
t_check own/claim_stays "claim gone" -f "$STATE/claims/$(standin_vf_pci a 1).json"
# Same id in the state of another container's poststop would be a runtime bug; not tested.

# The container's process already died (runc's order): the pinned netns still holds the VF.
ct_kill keep
ct_poststop keep "$CFG"
t_check dead/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty dead/restored "stand-in" "$(standin_vf_problems a)"
t_empty dead/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# The pid given at createRuntime in the poststop state (crun gives pid 0, some give the old pid).
ct_create withpid "$CFG" pf="$PF" vf=0
t_check withpid/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
hook_run "$CFG" poststop "$(hook_state withpid "$(ct_pid withpid)" "$SH_TMP/ct/withpid" stopped)"
t_check withpid/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty withpid/restored "stand-in" "$(standin_vf_problems a)"
t_empty withpid/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill withpid

# A failed createRuntime, then the poststop runc runs anyway: exit 0, nothing to do.
ct_create failed "$CFG" pf="$PF" vf=0 vlan=10
t_check failed/create_fails "rc $HOOK_RC" "$HOOK_RC" != 0
ct_poststop failed "$CFG"
t_check failed/poststop_exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty failed/clean "left" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"
ct_kill failed

# Alternative names: one the VF had before the claim stays, one added in the container goes.
VF1=$(standin_vf_name a 1)
ip link property add dev "$VF1" altname "${SH_PREFIX}keep"
ct_create alt "$CFG" pf="$PF" vf=1 ifname=net5
t_check altname/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
nsenter -t "$(ct_pid alt)" -n ip link property add dev net5 altname "${SH_PREFIX}cont"
ct_poststop alt "$CFG"
t_check altname/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
alts=$(ip -o link show dev "$VF1" 2>/dev/null | grep -o 'altname [^ \\]*' | tr '\n' ' ')
t_contains altname/own_kept "$alts" "altname ${SH_PREFIX}keep" "altnames on the host"
t_check altname/container_one_dropped "altnames on the host: $alts" -z "$(printf '%s' "$alts" | grep "${SH_PREFIX}cont")"
t_empty altname/restored "stand-in" "$(standin_vf_problems a)"
t_empty altname/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ip link property del dev "$VF1" altname "${SH_PREFIX}keep" 2>/dev/null
ct_kill alt

# The container renames the VF (and changes its MTU): poststop still finds it, by the ifindex it
# got in the container, and puts it back under its host name and MTU.
ct_create renamed "$CFG" pf="$PF" vf=0
t_check renamed/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
nsenter -t "$(ct_pid renamed)" -n sh -c 'ip link set eth0 down && ip link set eth0 name wan7 && ip link set wan7 mtu 1280 up'
t_contains renamed/renamed_inside "$(ns_links "$(ct_pid renamed)")" "wan7" "container links"
ct_poststop renamed "$CFG"
t_check renamed/poststop_0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty renamed/restored "stand-in" "$(standin_vf_problems a 0)"
t_empty renamed/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill renamed

# The log file (config "log": path) got a line for each failure, as stderr did.
t_contains log/failure_logged "$(cat "$SH_TMP/ps.log" 2>/dev/null)" "failed: createRuntime" "log file"

t_end
