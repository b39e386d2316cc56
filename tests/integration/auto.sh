#!/bin/bash
# vf=auto: the lowest free VF; VFs held by a live container, bound to a driver without netdev
# (vfio-pci) or used by the host (up with addresses) are skipped; none free is a clear error. The
# skipped VFs are left exactly as they were, and no file of theirs stays in the state dir.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup auto "$REPO" "a 3b 4" "b 3c 20"
PF=$(standin_pf_name a)
CFG=$(standin_config auto)
STATE=$(standin_state_dir auto)
V1=$(standin_vf_name a 1)

# vf_of ID: the index of the stand-in VF in ID's netns, or "none".
vf_of() {
	local k links
	links=$(ns_links "$(ct_pid "$1")")
	for k in 0 1 2 3; do
		printf '%s' "$links" | grep -qi "$(standin_vf_mac a "$k")" && { echo "$k"; return; }
	done
	echo none
}

# VF 0 held by a live container, VF 1 used by the host, VF 2 bound to vfio-pci: auto gives VF 3.
ct_create holder "$CFG" pf="$PF" vf=0
t_check skip/holder_gets_0 "rc $HOOK_RC: $HOOK_ERR; has $(vf_of holder)" "$HOOK_RC/$(vf_of holder)" = 0/0
ip addr add 10.98.0.1/24 dev "$V1"
ip link set "$V1" up
standin_vf_set_driver a 2 vfio-pci
ct_create picker "$CFG" pf="$PF" vf=auto
t_check skip/gets_3 "rc $HOOK_RC: $HOOK_ERR; has $(vf_of picker)" "$HOOK_RC/$(vf_of picker)" = 0/3
t_contains skip/host_vf_untouched "$(ip -o addr show dev "$V1" 2>/dev/null)" "10.98.0.1/24" "VF 1 on the host"
t_check skip/locks_only_for_claims "lock files: $(ls "$STATE/locks" 2>&1 | tr '\n' ' ')" \
	"$(ls "$STATE/locks" 2>/dev/null | tr '\n' ' ')" = "$(standin_vf_pci a 0).lock $(standin_vf_pci a 3).lock "

# None free: a clear error, nothing changed.
ct_create loser "$CFG" pf="$PF" vf=auto
t_check none_free/fails "rc $HOOK_RC" "$HOOK_RC" != 0
t_message none_free/message 'free|available|all .*(busy|held|in use)' loser createRuntime
t_check none_free/holders_keep "holder $(vf_of holder), picker $(vf_of picker)" "$(vf_of holder)/$(vf_of picker)" = 0/3
t_check none_free/loser_has_none "loser has $(vf_of loser)" "$(vf_of loser)" = none
ct_kill loser

for id in holder picker; do
	ct_poststop "$id" "$CFG"
	t_check "release/$id" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	ct_kill "$id"
done
ip addr flush dev "$V1"
ip link set "$V1" down
standin_vf_set_driver a 2 igbvf
t_empty release/vfs_restored "stand-ins" "$(standin_vf_problems a)"
t_empty release/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

# A PF of 20 VFs: past the first 16, the walk asks one listing of the host's netdevs instead of
# each VF's net/. VFs 0-16 and 18 are in containers (net/ empty), VF 17 is used by the host (it is
# listed, and the claim's own check refuses it): auto gives VF 19, and VF 17 stays as it was.
DEV=$SH_SYSFS/devices/pci0000:00
for k in $(seq 0 16) 18; do
	rm -rf "${DEV:?}/$(standin_vf_pci b "$k")/net/$(standin_vf_name b "$k")" "$SH_SYSFS/class/net/$(standin_vf_name b "$k")"
done
V17=$(standin_vf_name b 17)
ip addr add 10.98.1.1/24 dev "$V17"
ip link set "$V17" up
ct_create big "$CFG" pf="$(standin_pf_name b)" vf=auto
got=$(ns_links "$(ct_pid big)" | grep -ci "$(standin_vf_mac b 19)")
t_check big/gets_19 "rc $HOOK_RC: $HOOK_ERR; links $(ns_links "$(ct_pid big)")" "$HOOK_RC/$got" = 0/1
t_contains big/host_vf_untouched "$(ip -o addr show dev "$V17" 2>/dev/null)" "10.98.1.1/24" "VF 17 on the host"
# None left: the census counts each VF once, the ones past the first 16 through the listing too.
ct_create big2 "$CFG" pf="$(standin_pf_name b)" vf=auto
t_message big/none_free "^claim a VF of $(standin_pf_name b): no free VF among its 20: 1 held by running containers \(big\); \
1 in use by the host \($V17 is up with addresses\); 18 in another network namespace without a claim \(its netdev is \
not in the host namespace\)$" big2 createRuntime
ct_kill big2
ct_poststop big "$CFG"
t_check big/release "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill big
ip addr flush dev "$V17"
ip link set "$V17" down
for k in $(seq 0 16) 18; do standin_vf_set_driver b "$k" igbvf; done
t_empty big/vfs_restored "stand-ins" "$(standin_vf_problems b)"
t_empty big/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
