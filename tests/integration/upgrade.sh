#!/bin/bash
# An upgrade while containers run: the state the first release left for a running container (a
# version 1 record, from tests/unit/fixtures/record-v1.json, its pin netns/<id>, its index entry
# and lock file) is released by this release's poststop, taken over by its claims and listed by
# its operators' API, and nothing of it is left behind.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup upgrade "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config upg)
STATE=$(standin_state_dir upg)

# v1_claim ID K: container ID holds VF K of "a" as the first release left it: moved into its netns
# as eth0 (MTU 1400, an address), record version 1, pin netns/ID, owners/ID/<pci>, a lock file.
v1_claim() {
	local id=$1 k=$2 pci vf idx pid
	ct_prepare "$id"
	pid=$CT_PID
	pci=$(standin_vf_pci a "$k")
	vf=$(standin_vf_name a "$k")
	idx=$(standin_vf_ifindex a "$k")
	ip link set dev "$vf" netns "$pid" name eth0
	nsenter -t "$pid" -n sh -c 'ip link set eth0 mtu 1400 up && ip addr add 10.67.0.2/24 dev eth0'
	mkdir -p -m 0700 "$STATE" "$STATE/locks" "$STATE/claims" "$STATE/netns" "$STATE/owners/$id"
	: >"$STATE/locks/$pci.lock"
	: >"$STATE/owners/$id/$pci"
	: >"$STATE/netns/$id"
	mount --bind "/proc/$pid/ns/net" "$STATE/netns/$id"
	"$SH_PY" - "$REPO/tests/unit/fixtures/record-v1.json" "$STATE/claims/$pci.json" <<EOF
import json, os, sys
r = json.load(open(sys.argv[1]))
st = os.stat("/proc/$pid/ns/net")
stat = open("/proc/$pid/stat").read()
r.update(id="$id", pid=$pid, pid_start=int(stat[stat.rindex(")") + 2:].split()[19]),
         netns_dev=st.st_dev, netns_ino=st.st_ino, pin="$STATE/netns/$id",
         pf_name="$PF", pf_pci="$(standin_pf_pci a)", pf_ifindex=int(open("/sys/class/net/$PF/ifindex").read()),
         vf_index=$k, vf_pci="$pci", host_name="$vf", host_ifindex=$idx, host_mac="$(standin_vf_mac a "$k")",
         host_mtu=1500, host_up=False, host_altnames=[], cont_name="eth0", cont_ifindex=$idx)
assert "version" not in r and set(r) == set(json.load(open(sys.argv[1])))
json.dump(r, open(sys.argv[2], "w"), indent=4)
EOF
	chmod 0600 "$STATE/claims/$pci.json"
}

# 1. Listed, then released by the new poststop once its process is gone (runc's order).
v1_claim web-1 0
t_check list/held "list: $(store_tool list "$STATE")" -n "$(store_tool list "$STATE" | grep "^$(standin_vf_pci a 0) held web-1 ")"
ct_kill web-1
ct_poststop web-1 "$CFG"
t_check poststop/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty poststop/restored "stand-in" "$(standin_vf_problems a 0)"
t_empty poststop/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
t_check poststop/owners_gone "owners: $(ls "$STATE/owners")" -z "$(ls "$STATE/owners")"

# 2. Released by the new poststop while its process still runs (podman's poststop may come before
# the process is reaped): a version 1 record names no bundle, so the id decides, as it did.
v1_claim web-2 1
ct_poststop web-2 "$CFG"
t_check alive/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty alive/restored "stand-in" "$(standin_vf_problems a 1)"
t_empty alive/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill web-2

# 3. Taken over by the new release's claim once its holder died without a poststop; its pin goes.
v1_claim web-3 0
ct_kill web-3
ct_create new3 "$CFG" pf="$PF" vf=0
t_check takeover/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check takeover/vf_in_new "VF 0 not in new3" "$(vf_in_ns "$(ct_pid new3)" a 0)" = 1
t_contains takeover/restored_first "$(ns_links "$(ct_pid new3)" | grep -i "$(standin_vf_mac a 0)")" "mtu 1500" "VF in new3"
t_check takeover/v1_pin_gone "pins: $(store_pins "$STATE")" ! -e "$STATE/netns/web-3"
t_check takeover/record_v2 "version '$(json_get "$STATE/claims/$(standin_vf_pci a 0).json" version)'" \
	"$(json_get "$STATE/claims/$(standin_vf_pci a 0).json" version)" = 2
ct_kill new3
ct_poststop new3 "$CFG"
ct_poststop web-3 "$CFG" # the old container's late poststop: nothing left to do
t_check takeover/late_poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty takeover/restored "stand-ins" "$(standin_vf_problems a)"
t_empty takeover/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
