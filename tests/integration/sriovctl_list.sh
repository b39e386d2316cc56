#!/bin/bash
# sriovctl list on stand-ins: every state in one listing (free, held, stale, returning, vfio,
# unusable with why), holders, the PF filter and its errors; --json against its schema; vfio pools:
# a VF on vfio-pci free for them, one held in vfio mode by its holder, mode and pool per VF.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_list "$REPO" "a 3b 8" "b 3c 1"
CTL=$REPO/build/sriovctl
SCHEMA=$REPO/tests/schema/sriovctl-list.schema.json
PF=$(standin_pf_name a)
PFB=$(standin_pf_name b)
CFG=$(standin_config ctl "\"allowed_pfs\": [\"$PF\"]")
standin_pf_link a up
standin_pf_link b down

# ctl ARGS...: runs sriovctl with the stand-ins' configuration; CTL_RC, CTL_OUT, CTL_ERR.
ctl() {
	local f
	f=$(mktemp "$SH_TMP/ctl.XXXXXX")
	CTL_OUT=$(timeout 30 "$CTL" --config "$CFG" "$@" 2>"$f")
	CTL_RC=$?
	CTL_ERR=$(cat "$f")
	rm -f "$f"
}

# vf_field INDEX KEY [PF]: a key of VF INDEX of PF (default a) in the last --json output.
vf_field() {
	printf '%s' "$CTL_OUT" | "$SH_PY" -c '
import json, sys
d = json.load(sys.stdin)
for v in d["vfs"]:
    if v["pf"] == sys.argv[3] and v["index"] == int(sys.argv[1]):
        x = v[sys.argv[2]]
        print("null" if x is None else json.dumps(x) if isinstance(x, (dict, list)) else x)' "$1" "$2" "${3:-$PF}"
}

# table_row INDEX [PF]: the table line of VF INDEX of PF.
table_row() {
	printf '%s\n' "$CTL_OUT" | awk -v pf="${2:-$PF}" -v i="$1" '$1 == pf && $2 == i'
}

schema_ok() {
	local why
	why=$(printf '%s' "$CTL_OUT" | "$SH_PY" "$REPO/tests/lib/schema_check.py" "$SCHEMA" 2>&1)
	t_check "$1" "not valid against $SCHEMA: $why" $? = 0
}

# --- states sysfs and the host tell: free, vfio, unusable (why) ---------------------------------
standin_vf_set_driver a 2 vfio-pci
standin_vf_unbind a 3
standin_vf_set_driver a 4 uio_pci_generic
ip addr add 10.93.0.1/24 dev "$(standin_vf_name a 5)"
ip link set "$(standin_vf_name a 5)" up
standin_iommu_groups a

ctl list --json
t_check json/exit0 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 0
schema_ok json/schema
t_check json/free "state $(vf_field 0 state)" "$(vf_field 0 state)" = free
t_check json/netdev "netdev $(vf_field 0 netdev)" "$(vf_field 0 netdev)" = "$(standin_vf_name a 0)"
t_check json/pci "pci $(vf_field 0 pci)" "$(vf_field 0 pci)" = "$(standin_vf_pci a 0)"
t_check json/driver "driver $(vf_field 0 driver)" "$(vf_field 0 driver)" = igbvf
t_check json/iommu_group "iommu_group $(vf_field 1 iommu_group)" "$(vf_field 1 iommu_group)" = 11
t_check json/free_no_container "container $(vf_field 0 container)" "$(vf_field 0 container)" = null
t_check json/vfio "state $(vf_field 2 state)" "$(vf_field 2 state)" = vfio
t_check json/unbound_unusable "state $(vf_field 3 state)" "$(vf_field 3 state)" = unusable
t_contains json/unbound_why "$(vf_field 3 why)" "not bound to any driver" "why of VF 3"
t_check json/uio_unusable "state $(vf_field 4 state)" "$(vf_field 4 state)" = unusable
t_contains json/uio_why "$(vf_field 4 why)" "uio_pci_generic" "why of VF 4"
t_check json/host_used_unusable "state $(vf_field 5 state)" "$(vf_field 5 state)" = unusable
t_contains json/host_used_why "$(vf_field 5 why)" "in use by the host" "why of VF 5"
t_check json/not_allowed_unusable "state $(vf_field 0 state "$PFB")" "$(vf_field 0 state "$PFB")" = unusable
t_contains json/not_allowed_why "$(vf_field 0 why "$PFB")" "allowed_pfs" "why of b's VF 0"
# The VF netdev's own counters, read through netlink, rise with traffic on the host.
ip link set "$(standin_vf_name a 6)" up
before=$(vf_field 6 netdev_stats | "$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["tx_packets"])')
standin_send_frames "$(standin_vf_name a 6)"
ctl list --json
after=$(vf_field 6 netdev_stats | "$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["tx_packets"])')
t_check json/netdev_counters_rise "tx_packets $before -> $after" "${after:-0}" -gt "${before:-0}"
pfj=$(printf '%s' "$CTL_OUT" | "$SH_PY" -c '
import json, sys
for p in json.load(sys.stdin)["pfs"]:
    print(p["name"], p["pci"], p["numvfs"], p["totalvfs"], p["operstate"], p["carrier"], p["allowed"])')
t_contains json/pf_a "$pfj" "$PF 0000:3b:00.0 8 8 up True True" "pfs"
t_contains json/pf_b "$pfj" "$PFB 0000:3c:00.0 1 1 down None False" "pfs"

ctl list
t_check table/exit0 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 0
t_contains table/header "$CTL_OUT" "PF" "table"
t_check table/columns "VF header: $(printf '%s\n' "$CTL_OUT" | grep -m1 ' VF ')" \
	-n "$(printf '%s\n' "$CTL_OUT" | grep -E '^PF +VF +PCI +DRIVER +NETDEV +STATE +CONTAINER +SINCE +RX/TX PKTS +NOTE$')"
t_contains table/free_row "$(table_row 0)" "free" "VF 0 row"
t_contains table/vfio_row "$(table_row 2)" "vfio" "VF 2 row"
t_contains table/unusable_row "$(table_row 3)" "unusable" "VF 3 row"
t_contains table/unusable_why "$(table_row 3)" "not bound to any driver" "VF 3 row"
t_contains table/pf_row "$(printf '%s\n' "$CTL_OUT" | grep "^$PF ")" "8/8" "PF row"

# --- claims: held, stale, returning in one listing, with their holders --------------------------
STATE=$(standin_state_dir ctl)
ct_create held1 "$CFG" pf="$PF" vf=0 ifname=net7
t_check claims/held_created "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create stale1 "$CFG" pf="$PF" vf=1
t_check claims/stale_created "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill stale1
ct_create ret1 "$CFG" pf="$PF" vf=7
t_check claims/returning_created "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
# The container dies and its namespace with it (pin removed by hand): the veth stand-in dies too,
# so poststop never sees it come back and keeps the record.
ct_kill ret1
for m in $(awk -v d="$STATE/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | grep ret1); do umount -l "$m"; done
ct_poststop ret1 "$CFG"
ctl list --json
t_check claims/exit0 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 0
schema_ok claims/schema
t_check claims/held "state $(vf_field 0 state)" "$(vf_field 0 state)" = held
t_check claims/held_container "container $(vf_field 0 container)" "$(vf_field 0 container)" = held1
t_check claims/held_pid "pid $(vf_field 0 pid)" "$(vf_field 0 pid)" = "$(ct_pid held1)"
t_check claims/held_netns "netns $(vf_field 0 netns)" "$(vf_field 0 netns)" = "$(readlink "/proc/$(ct_pid held1)/ns/net")"
t_check claims/held_netdev "container_netdev $(vf_field 0 container_netdev)" "$(vf_field 0 container_netdev)" = net7
t_check claims/held_no_host_netdev "netdev $(vf_field 0 netdev)" "$(vf_field 0 netdev)" = null
since=$(vf_field 0 since)
t_check claims/held_since "since $since" "$(date -u -d "${since%Z}" +%s 2>/dev/null || echo 0)" -ge "$(($(date +%s) - 120))"
t_check claims/stale "state $(vf_field 1 state)" "$(vf_field 1 state)" = stale
t_check claims/stale_container "container $(vf_field 1 container)" "$(vf_field 1 container)" = stale1
t_contains claims/stale_why "$(vf_field 1 why)" "sriovctl gc" "why of VF 1"
t_check claims/returning "state $(vf_field 7 state)" "$(vf_field 7 state)" = returning
t_check claims/returning_container "container $(vf_field 7 container)" "$(vf_field 7 container)" = ret1
t_check claims/unusable_too "state $(vf_field 3 state)" "$(vf_field 3 state)" = unusable
# The VF netdev's counters, read inside the holder's namespace, rise with its traffic.
nsenter -t "$(ct_pid held1)" -n ip link set net7 up
before=$(vf_field 0 netdev_stats | "$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["tx_packets"])')
nsenter -t "$(ct_pid held1)" -n "$SH_PY" -c 'import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("net7", 0))
for _ in range(3): s.send(b"\xff" * 6 + b"\x02" + b"\0" * 5 + b"\x88\xb5" + b"\0" * 46)'
ctl list --json
after=$(vf_field 0 netdev_stats | "$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["tx_packets"])')
t_check claims/container_counters_rise "tx_packets $before -> $after" "${after:-0}" -gt "${before:-0}"
ctl list
t_contains claims/table_held "$(table_row 0)" "held1" "VF 0 row"
t_contains claims/table_in_container "$(table_row 0)" "in container: net7" "VF 0 row"
t_contains claims/table_stale "$(table_row 1)" "stale" "VF 1 row"
t_contains claims/table_returning "$(table_row 7)" "returning" "VF 7 row"
t_contains claims/table_since "$(table_row 0)" "s ago" "VF 0 row"
ct_poststop held1 "$CFG"
ct_poststop stale1 "$CFG"

# --- vfio: a vfio pool's VF on vfio-pci is free for it; one claimed in vfio mode is its holder's --
CFG0=$CFG
CFG=$(standin_config ctlv "\"allowed_pfs\": [\"$PF\"]" \
	"\"pools\": {\"dpdk\": {\"vfs\": [\"$PF#2,4,6\"], \"driver\": \"vfio-pci\"}, \"net\": [\"$PF#0\"]}")
VSTATE=$(standin_state_dir ctlv)
standin_vf_set_driver a 6 vfio-pci
sleep 300 &
VPID=$!
standin_track_pid "$VPID"
mkdir -p -m 0700 "$VSTATE/claims"
cat >"$VSTATE/claims/$(standin_vf_pci a 6).json" <<EOF
{"version": 2, "id": "vfio1c0ffee", "name": "dpdk-app", "phase": "attached", "since": $(date +%s),
 "pid": $VPID, "pid_start": $(awk '{print $22}' "/proc/$VPID/stat"), "pf_name": "$PF",
 "pf_ifindex": $(cat "/sys/class/net/$PF/ifindex"), "vf_index": 6, "vf_pci": "$(standin_vf_pci a 6)",
 "mode": "vfio", "driver": "igbvf", "iommu_group": 16}
EOF
ctl list --json
t_check vfio/exit0 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 0
schema_ok vfio/schema
t_check vfio/held "state $(vf_field 6 state)" "$(vf_field 6 state)" = held
t_check vfio/held_container "container $(vf_field 6 container)" "$(vf_field 6 container)" = vfio1c0ffee
t_check vfio/held_name "container_name $(vf_field 6 container_name)" "$(vf_field 6 container_name)" = dpdk-app
t_check vfio/held_mode "mode $(vf_field 6 mode)" "$(vf_field 6 mode)" = vfio
t_check vfio/held_pool "pool $(vf_field 6 pool)" "$(vf_field 6 pool)" = dpdk
t_check vfio/held_driver "driver $(vf_field 6 driver)" "$(vf_field 6 driver)" = vfio-pci
t_check vfio/held_group "iommu_group $(vf_field 6 iommu_group)" "$(vf_field 6 iommu_group)" = 16
t_check vfio/held_no_netdev "container_netdev $(vf_field 6 container_netdev)" "$(vf_field 6 container_netdev)" = null
t_check vfio/free_state "state $(vf_field 2 state)" "$(vf_field 2 state)" = vfio
t_check vfio/free_mode "mode $(vf_field 2 mode)" "$(vf_field 2 mode)" = vfio
t_contains vfio/free_why "$(vf_field 2 why)" "in vfio pool dpdk: free for a vfio request" "why of VF 2"
t_check vfio/uio_unusable "state $(vf_field 4 state)" "$(vf_field 4 state)" = unusable
t_check vfio/netdev_pool_mode "mode $(vf_field 0 mode)" "$(vf_field 0 mode)" = netdev
t_check vfio/no_pool_mode "mode/pool $(vf_field 5 mode)/$(vf_field 5 pool)" "$(vf_field 5 mode)/$(vf_field 5 pool)" = null/null
ctl list
t_contains vfio/table_held "$(table_row 6)" "held" "VF 6 row"
t_contains vfio/table_holder "$(table_row 6)" "vfio1c0ffe" "VF 6 row"
t_contains vfio/table_group "$(table_row 6)" "vfio: /dev/vfio/16, back to igbvf on release" "VF 6 row"
t_contains vfio/table_free "$(table_row 2)" "free for a vfio request" "VF 2 row"
rm -f "$VSTATE/claims/$(standin_vf_pci a 6).json"
standin_vf_set_driver a 6 igbvf
CFG=$CFG0

# --- the PF filter ---------------------------------------------------------------------------------
ctl list --json "$PFB"
t_check filter/exit0 "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 0
n=$(printf '%s' "$CTL_OUT" | "$SH_PY" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["pfs"]), len(d["vfs"]))')
t_check filter/only_b "pfs/vfs: $n" "$n" = "1 1"
ctl list --json "$(standin_pf_pci a)"
n=$(printf '%s' "$CTL_OUT" | "$SH_PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["pfs"][0]["name"], len(d["vfs"]))')
t_check filter/by_pci "pf/vfs: $n" "$n" = "$PF 8"
ctl list nosuchpf0
t_check filter/unknown_fails "rc $CTL_RC" "$CTL_RC" = 1
t_check filter/unknown_one_line "stderr: $CTL_ERR" "$(printf '%s\n' "$CTL_ERR" | grep -c .)" = 1
t_contains filter/unknown_names_it "${CTL_ERR#sriovctl: list: }" "nosuchpf0" "message"
t_contains filter/unknown_lists_pfs "${CTL_ERR#sriovctl: list: }" "$PF (0000:3b:00.0), $PFB (0000:3c:00.0)" "message"
ctl list "$(standin_vf_pci a 0)"
t_contains filter/vf_is_not_pf "${CTL_ERR#sriovctl: list: }" "is a VF, not a PF" "message"

# --- command line ------------------------------------------------------------------------------------
ctl list --output x
t_check cli/foreign_option "rc $CTL_RC: $CTL_ERR" "$CTL_RC" = 2
t_contains cli/foreign_option_says "$CTL_ERR" "--output does not apply" "message"
ctl frobnicate
t_check cli/unknown_command "rc $CTL_RC" "$CTL_RC" = 2
t_contains cli/unknown_command_lists "$CTL_ERR" "(known: list, metrics, gc, doctor, attach, detach, heal, vfs apply, cdi generate)" "message"
CTL_OUT=$("$CTL" --version); t_contains cli/version "$CTL_OUT" "sriovctl 0." "--version"
CTL_OUT=$("$CTL" --help); t_contains cli/help "$CTL_OUT" "vfs apply" "--help"
"$CTL" --config "$SH_TMP/absent.json" list >/dev/null 2>"$SH_TMP/err"
t_contains cli/missing_config "$(cat "$SH_TMP/err")" "absent.json" "stderr"

# --- a VF the host uses as a bridge port is unusable, with the same why the hook refuses it with ---
BR=${SH_PREFIX}br
ip link add "$BR" type bridge && standin_atexit "ip link del $BR"
ip link set "$(standin_vf_name b 0)" master "$BR"
ctl list --json "$PFB"
t_check bridge/unusable "state $(vf_field 0 state "$PFB")" "$(vf_field 0 state "$PFB")" = unusable
t_contains bridge/why "$(vf_field 0 why "$PFB")" "is a port of $BR" "why of b's VF 0"

t_end
