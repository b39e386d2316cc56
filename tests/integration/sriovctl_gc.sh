#!/bin/bash
# sriovctl gc after kill -9 of a container's init: with its namespace pinned by the hook alone
# (the VF is moved home from the pin), and with the namespace gone (the VF returns as devN, as the
# kernel returns a physical VF; gc fails saying why until then). --dry-run changes nothing; a
# live container's VF is never touched; nothing but lock files stays.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_gc "$REPO" "a 3b 3"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
CFG=$(standin_config gc)
STATE=$(standin_state_dir gc)

gc() {
	G_OUT=$(timeout 60 "$CTL" --config "$CFG" gc "$@" 2>&1)
	G_RC=$?
}
residue() { standin_state_residue "$STATE" | grep -v "^file $STATE/locks/"; }
in_ns() { ns_links "$(ct_pid "$1")" | grep -qi "$(standin_vf_mac a "$2")" && echo 1 || echo 0; }

# A live container keeps its VF through every gc.
ct_create live "$CFG" pf="$PF" vf=2 mtu=1400
t_check setup/live "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

# --- the pin alone -----------------------------------------------------------------------------------
ct_create dead1 "$CFG" pf="$PF" vf=0 mtu=1280 ip=10.94.0.2/24
t_check pinned/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill dead1
gc --dry-run
t_check pinned/dry_run_exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_contains pinned/dry_run_says "$G_OUT" "dry run: $(standin_vf_pci a 0): would be returned (container dead1)"
t_lacks pinned/dry_run_not_past "$G_OUT" ": returned" "dry run output"
t_check pinned/dry_run_changes_nothing "VF 0 is back on the host" "$(standin_vf_now a 0)" = absent
gc
t_check pinned/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_contains pinned/one_line "$G_OUT" "$(standin_vf_pci a 0): " "gc output"
t_contains pinned/names_container "$G_OUT" "dead1" "gc output"
t_empty pinned/vf_restored "VF 0" "$(standin_vf_problems a 0)"
t_check pinned/live_untouched "VF 2 left live's netns" "$(in_ns live 2)" = 1
t_empty pinned/no_pin "mounts" "$(awk -v d="$STATE/" 'index($2, d) == 1' /proc/self/mounts | grep dead1)"
gc
t_check pinned/again_exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_check pinned/again_nothing "gc said: $G_OUT" -z "$(printf '%s' "$G_OUT" | grep "$(standin_vf_pci a 0)")"

# --- the namespace gone --------------------------------------------------------------------------------
ct_create dead2 "$CFG" pf="$PF" vf=1 mtu=1280
t_check gone/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill dead2
for m in $(awk -v d="$STATE/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | grep dead2); do umount -l "$m"; done
# The namespace is gone and the VF with it (a veth dies there): gc cannot return it yet.
gc
t_check gone/not_back_fails "rc $G_RC: $G_OUT" "$G_RC" = 1
t_contains gone/not_back_says "$G_OUT" "$(standin_vf_pci a 1)" "gc output"
t_contains gone/not_back_error_line "$G_OUT" "sriovctl: gc: " "gc output"
t_check gone/record_kept "no claim record left" -n "$(ls "$STATE/claims/" 2>/dev/null | grep "$(standin_vf_pci a 1)")"
# The kernel returns it as devN: gc finds it by PCI address and restores name, MTU and MAC.
name=$(standin_vf_kernel_return a 1)
t_check gone/returned_as_devN "name $name" -n "$(ip -o link show dev "$name" 2>/dev/null)"
gc
t_check gone/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_contains gone/one_line "$G_OUT" "$(standin_vf_pci a 1): " "gc output"
t_empty gone/vf_restored "VF 1" "$(standin_vf_problems a 1)"

t_check end/live_untouched "VF 2 left live's netns" "$(in_ns live 2)" = 1
ct_poststop live "$CFG"
t_check end/live_poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty end/all_home "stand-ins" "$(standin_vf_problems a)"
t_empty end/only_locks "left under state_dir" "$(residue)"

gc extra
t_check cli/extra_argument "rc $G_RC: $G_OUT" "$G_RC" = 1
t_end
