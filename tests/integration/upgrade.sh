#!/bin/bash
# An upgrade while containers run: the state the first release left for a running container (a
# version 1 record, from tests/unit/fixtures/record-v1.json, its pin netns/<id>, its index entry
# and lock file) is released by this release's poststop, taken over by its claims and listed by
# its operators' API, and nothing of it is left behind. A version 2 record (the release before
# settings were recorded by name, tests/unit/fixtures/record-v2.json) is listed and released too.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup upgrade "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config upg)
STATE=$(standin_state_dir upg)

# old_claim VERSION ID K: container ID holds VF K of "a" as release VERSION (1 or 2) left it: moved
# into its netns as eth0 (MTU 1400, an address), the record from tests/unit/fixtures/record-vN.json,
# its pin, owners/ID/<pci>, a lock file. Version 1 named the pin netns/ID by its absolute path;
# version 2 names it netns/ID@DEV-INO under state_dir, and the bundle. The stand-in PF has no VF
# settings to put back, so the record names none (the fixture's knobs are test_record's).
old_claim() {
	local version=$1 id=$2 k=$3 pci vf idx pid pin
	ct_prepare "$id"
	pid=$CT_PID
	pci=$(standin_vf_pci a "$k")
	vf=$(standin_vf_name a "$k")
	idx=$(standin_vf_ifindex a "$k")
	if [ "$version" = 1 ]; then
		pin=$STATE/netns/$id
	else
		pin=$STATE/netns/$id@$(stat -L -c %d "/proc/$pid/ns/net")-$(stat -L -c %i "/proc/$pid/ns/net")
	fi
	ip link set dev "$vf" netns "$pid" name eth0
	nsenter -t "$pid" -n sh -c 'ip link set eth0 mtu 1400 up && ip addr add 10.67.0.2/24 dev eth0'
	mkdir -p -m 0700 "$STATE" "$STATE/locks" "$STATE/claims" "$STATE/netns" "$STATE/owners/$id"
	: >"$STATE/locks/$pci.lock"
	: >"$STATE/owners/$id/$pci"
	: >"$pin"
	mount --bind "/proc/$pid/ns/net" "$pin"
	"$SH_PY" - "$REPO/tests/unit/fixtures/record-v$version.json" "$STATE/claims/$pci.json" <<EOF
import json, os, sys
r = json.load(open(sys.argv[1]))
st = os.stat("/proc/$pid/ns/net")
stat = open("/proc/$pid/stat").read()
r.update(id="$id", pid=$pid, pid_start=int(stat[stat.rindex(")") + 2:].split()[19]),
         netns_dev=st.st_dev, netns_ino=st.st_ino, pin="$pin",
         pf_name="$PF", pf_pci="$(standin_pf_pci a)", pf_ifindex=int(open("/sys/class/net/$PF/ifindex").read()),
         vf_index=$k, vf_pci="$pci", host_name="$vf", host_ifindex=$idx, host_mac="$(standin_vf_mac a "$k")",
         host_mtu=1500, host_up=False, host_altnames=[], cont_name="eth0", cont_ifindex=$idx, knobs=0)
if $version == 2:
    r.update(name="", since=0, bundle="$CT_BUNDLE", pin=os.path.relpath("$pin", "$STATE"))
assert r.get("version", 1) == $version and set(r) == set(json.load(open(sys.argv[1])))
json.dump(r, open(sys.argv[2], "w"), indent=4)
EOF
	chmod 0600 "$STATE/claims/$pci.json"
}

# 1. Listed, then released by the new poststop once its process is gone (runc's order): a record
# of each earlier version.
for v in 1 2; do
	old_claim "$v" "web-1v$v" 0
	t_check "v$v/list/held" "list: $(store_tool list "$STATE")" \
		-n "$(store_tool list "$STATE" | grep "^$(standin_vf_pci a 0) held web-1v$v ")"
	ct_kill "web-1v$v"
	ct_poststop "web-1v$v" "$CFG"
	t_check "v$v/poststop/exit0" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	t_empty "v$v/poststop/restored" "stand-in" "$(standin_vf_problems a 0)"
	t_empty "v$v/poststop/no_residue" "left under state_dir" "$(standin_state_residue "$STATE")"
	t_check "v$v/poststop/owners_gone" "owners: $(ls "$STATE/owners")" -z "$(ls "$STATE/owners")"
done

# 2. Released by the new poststop while its process still runs (podman's poststop may come before
# the process is reaped): a version 1 record names no bundle, so the id decides, as it did.
old_claim 1 web-2 1
ct_poststop web-2 "$CFG"
t_check alive/exit0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty alive/restored "stand-in" "$(standin_vf_problems a 1)"
t_empty alive/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
ct_kill web-2

# 3. Taken over by the new release's claim once its holder died without a poststop; its pin goes.
old_claim 1 web-3 0
ct_kill web-3
ct_create new3 "$CFG" pf="$PF" vf=0
t_check takeover/claims "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_check takeover/vf_in_new "VF 0 not in new3" "$(vf_in_ns "$(ct_pid new3)" a 0)" = 1
t_contains takeover/restored_first "$(ns_links "$(ct_pid new3)" | grep -i "$(standin_vf_mac a 0)")" "mtu 1500" "VF in new3"
t_check takeover/v1_pin_gone "pins: $(store_pins "$STATE")" ! -e "$STATE/netns/web-3"
t_check takeover/record_v3 "version '$(json_get "$STATE/claims/$(standin_vf_pci a 0).json" version)'" \
	"$(json_get "$STATE/claims/$(standin_vf_pci a 0).json" version)" = 3
ct_kill new3
ct_poststop new3 "$CFG"
ct_poststop web-3 "$CFG" # the old container's late poststop: nothing left to do
t_check takeover/late_poststop0 "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty takeover/restored "stand-ins" "$(standin_vf_problems a)"
t_empty takeover/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
