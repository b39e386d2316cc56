#!/bin/bash
# A VF the host uses through another device is in use, like one with addresses: a port of a real
# bridge or bond (it has a master) even when up without an address of its own, or the lower device
# of a VLAN or macvlan (it has an upper). A fixed index is refused saying so, auto passes it by,
# and the host's setup is left exactly as it was.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup bridge_port "$REPO" "a 3b 4"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config bridge)
STATE=$(standin_state_dir bridge)
V0=$(standin_vf_name a 0)
V1=$(standin_vf_name a 1)
V2=$(standin_vf_name a 2)
BR=${SH_PREFIX}br
BOND=${SH_PREFIX}bo
VLAN=${SH_PREFIX}vl
MACV=${SH_PREFIX}mv

ip link add "$BR" type bridge
ip link set "$V0" master "$BR"
ip link set "$V0" up
ip link set "$BR" up
# an upper device: a VLAN where the kernel has 8021q, else a macvlan (what sits on the VF is what
# counts, not its type)
if ip link add "$VLAN" link "$V1" type vlan id 10 2>/dev/null; then
	UPPER_KIND=vlan
else
	ip link add "$VLAN" link "$V1" type macvlan mode private
	UPPER_KIND=macvlan
fi
MASTER_BEFORE=$(ip -o link show dev "$V0" | grep -o "master [^ ]*")

# refused NAME VF-INDEX PATTERN: createRuntime for VF K is refused, one line matching PATTERN.
refused() {
	ct_create "$1" "$CFG" pf="$PF" vf="$2" ip=10.68.0.2/24
	t_check "$1/refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	if hook_err_one_line && hook_msg "$1" createRuntime | grep -qE "$3"; then
		t_pass "$1/message"
	else
		t_fail "$1/message" "want /$3/ after the prefix: $HOOK_ERR"
	fi
	t_check "$1/not_in_container" "VF $2 in the container" "$(vf_in_ns "$(ct_pid "$1")" a "$2")" = 0
	t_empty "$1/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
	ct_kill "$1"
}

refused bridge_port 0 "in use by the host: $V0 is a port of $BR"
t_check bridge_port/still_a_port "$V0: $(ip -o link show dev "$V0")" \
	"$(ip -o link show dev "$V0" | grep -o "master [^ ]*")" = "$MASTER_BEFORE"
t_check bridge_port/still_up "$V0: $(ip -o link show dev "$V0")" -n "$(ip -o link show dev "$V0" | grep ',UP')"
refused "${UPPER_KIND}_lower" 1 "in use by the host: $V1 has $VLAN on top of it"
t_check "${UPPER_KIND}_lower/upper_stays" "$VLAN: $(ip -o link show dev "$VLAN" 2>&1)" -n "$(ip -o link show dev "$VLAN" 2>/dev/null)"

# a bond port, where the kernel has bonding; a macvlan's lower device
if ip link add "$BOND" type bond 2>/dev/null; then
	ip link set "$V2" down
	ip link set "$V2" master "$BOND"
	refused bond_port 2 "in use by the host: $V2 is a port of $BOND"
	ip link set "$V2" nomaster
fi
ip link add "$MACV" link "$V2" type macvlan mode bridge
refused macvlan_lower2 2 "in use by the host: $V2 has $MACV on top of it"
ip link del "$MACV"

# auto passes them by: VF 3 is the only one free
ip link add "$MACV" link "$V2" type macvlan mode bridge
ct_create picker "$CFG" pf="$PF" vf=auto
t_check auto/skips_used "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check auto/got_vf3 "links: $(ns_links "$(ct_pid picker)")" "$(vf_in_ns "$(ct_pid picker)" a 3)" = 1
ct_create loser "$CFG" pf="$PF" vf=auto
t_contains auto/none_left "$(hook_msg loser createRuntime)" "no free VF" "message"
ct_kill loser
ct_kill picker
ct_poststop picker "$CFG"
t_check auto/poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty auto/vf3_back "stand-in" "$(standin_vf_problems a 3)"
t_check auto/bridge_intact "$V0: $(ip -o link show dev "$V0")" \
	"$(ip -o link show dev "$V0" | grep -o "master [^ ]*")" = "$MASTER_BEFORE"

# once the host lets go of it, the VF is free
ip link set "$V0" nomaster
ip link set "$V0" down
ct_create freed "$CFG" pf="$PF" vf=0
t_check freed/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill freed
ct_poststop freed "$CFG"
t_empty freed/restored "left" "$(standin_vf_problems a 0)$(standin_state_residue "$STATE")"

t_end
