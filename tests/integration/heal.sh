#!/bin/bash
# A stand-in PF reset: the VF netdev inside the container is deleted (as a driver reload destroys
# it), `list` shows the VF lost and `heal` says not back; the netdev then reappears on the host
# under its PCI address (as devN), and `heal` puts it back into the container with its name, MTU,
# addresses and route, once; a claim whose container died meanwhile is released instead.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup heal "$REPO" "a 3b 2"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
CFG=$(standin_config heal)
STATE=$(standin_state_dir heal)
PCI0=$(standin_vf_pci a 0)
PCI1=$(standin_vf_pci a 1)

ctl() {
	C_OUT=$(timeout 60 "$CTL" --config "$CFG" "$@" 2>&1)
	C_RC=$?
}
ns_link() { nsenter -t "$1" -n ip -o link show dev "$2" 2>/dev/null; }
ns_addrs() { nsenter -t "$1" -n ip -o addr show dev "$2" 2>/dev/null | awk '{print $4}' | tr '\n' ' '; }
# reset_in PID NAME TAG K: the VF netdev goes with the PF reset (deleted in the container).
reset_in() { nsenter -t "$1" -n ip link del "$2"; }

# --- the udev rule: udev reads it without complaint and leaves a netdev that is no VF alone
# (`udevadm test` refuses a device outside the real sysfs, so the fake tree's VF is not one it
# takes); its PROGRAM, run on the fake tree, names the VF's PF.
RULE=$REPO/etc/udev/61-sriov-hook-heal.rules
U_OUT=$(unshare -m --propagation private sh -c 'mount -t tmpfs none /run/udev/rules.d && cp "$1" /run/udev/rules.d/ &&
	udevadm test --action=add "/sys/class/net/$2" 2>&1' sh "$RULE" "$(standin_vf_name a 1)")
t_contains udev/read "$U_OUT" "Reading rules file: /run/udev/rules.d/61-sriov-hook-heal.rules"
t_lacks udev/no_complaint "$U_OUT" "61-sriov-hook-heal.rules:"
t_lacks udev/not_for_veth "$U_OUT" "sriov-hook-heal@"
devpath=/devices/pci0000:00/$PCI0/net/$(standin_vf_name a 0)
prog=$(sed -n "s/.*PROGRAM=\"\([^\"]*\)\".*/\1/p" "$RULE" | sed 's/\$\$/$/g' | sed "s|/sys%p|$SH_SYSFS$devpath|")
t_check udev/program_names_pf "rule PROGRAM '$prog' printed '$(eval "$prog")'" "$(eval "$prog")" = "$(standin_pf_pci a)"
t_contains udev/wants_unit "$(cat "$RULE")" 'ENV{SYSTEMD_WANTS}+="sriov-hook-heal@%c.service"'

ct_create c1 "$CFG" pf="$PF" vf=0 ifname=hv0 mtu=1400 ip=10.92.0.2/24 gateway=10.92.0.1
t_check setup/c1 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
P1=$(ct_pid c1)
ctl heal
t_check healthy/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains healthy/in_place "$C_OUT" "$PCI0 (VF 0 of $PF, container c1): in place"

reset_in "$P1" hv0
ctl list
t_contains lost/list "$(printf '%s\n' "$C_OUT" | grep "$PCI0")" "lost"
ctl heal "$PF"
t_check lost/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains lost/says "$C_OUT" "$PCI0 (VF 0 of $PF, container c1): lost since "
ctl list
t_contains lost/since "$(printf '%s\n' "$C_OUT" | grep "$PCI0")" "since 20"
ctl heal other0
t_check other_pf/nothing "heal of another PF said: $C_OUT" -z "$C_OUT"

name=$(standin_vf_kernel_return a 0)
ctl heal
t_check heal/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains heal/one_line "$C_OUT" "$PCI0 (VF 0 of $PF, container c1): healed as hv0"
t_check heal/left_host "$name still on the host" -z "$(ip -o link show dev "$name" 2>/dev/null)"
t_contains heal/mtu "$(ns_link "$P1" hv0)" "mtu 1400"
t_contains heal/up "$(ns_link "$P1" hv0)" ",UP"
t_contains heal/address "$(ns_addrs "$P1" hv0)" "10.92.0.2/24"
t_contains heal/route "$(nsenter -t "$P1" -n ip route)" "default via 10.92.0.1 dev hv0"
ctl list
t_lacks heal/list_held "$(printf '%s\n' "$C_OUT" | grep "$PCI0")" "lost"
ctl heal
t_contains again/in_place "$C_OUT" "container c1): in place"

# The container dies while its VF is away: heal releases the claim once the VF is back.
ct_create c2 "$CFG" pf="$PF" vf=1 mtu=1300
t_check setup/c2 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill c2
for m in $(awk -v d="$STATE/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | grep c2); do umount -l "$m"; done
standin_vf_kernel_return a 1 >/dev/null
ctl heal
t_contains gone/released "$C_OUT" "$PCI1 (VF 1 of $PF, container c2): container gone: released"
t_empty gone/restored "VF 1" "$(standin_vf_problems a 1)"

# The kernel's sysfs names a netdev as it is called now: poststop renames the VF back on its way
# home, so the fake tree names it so too (its net/ entry is devN since the reset).
rm -rf "$SH_SYSFS/devices/pci0000:00/$PCI0/net" "$SH_SYSFS/class/net/$name"
standin_vf_set_driver a 0 igbvf
ct_poststop c1 "$CFG"
t_check end/poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty end/restored "after poststop" "$(standin_vf_problems a)"
t_empty end/no_residue "left" "$(standin_state_residue "$STATE" | grep -v "^file $STATE/locks/")"
t_end
