#!/bin/bash
# sriovctl attach and detach on running containers (runc, and bare processes in a netns): by pid
# and by id, refused for the host namespace and a held VF with one line and nothing left; the
# container's poststop returns a VF attached live, gc returns it after kill -9.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup live "$REPO" "a 3b 3"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
POOL=p$SH_PREFIX
CFG=$(standin_config live "\"pools\": {\"$POOL\": [\"$PF#2\"]}")
STATE=$(standin_state_dir live)
ROOT=$SH_TMP/runc

ctl() {
	C_OUT=$(timeout 60 "$CTL" --config "$CFG" "$@" 2>&1)
	C_RC=$?
}
records() { ls "$STATE/claims/" 2>/dev/null | grep -c '\.json$'; }
# in_ns PID NAME: "mtu N state addrs" of NAME inside PID's namespace.
in_ns() { nsenter -t "$1" -n ip -o addr show dev "$2" 2>/dev/null | awk '{print $4}' | grep -v '^fe80' | tr '\n' ' '; }
ns_mtu() { nsenter -t "$1" -n ip -o link show dev "$2" 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1)}'; }

# A runc container with the hooks and no io.sriov.* key: it asks for nothing at createRuntime.
WAIT='touch /tmp/ready; i=0; while [ ! -e /tmp/go ] && [ $i -lt 1200 ]; do usleep 50000; i=$((i+1)); done'
start_ct() {
	local d=$SH_TMP/$1
	bundle_runc "$d" "$HOOK" "$CFG" "$WAIT" || return 1
	runc_t run --bundle "$d" "$1" </dev/null >"$d/out" 2>"$d/err" &
	eval "RUNC_$1=$!"
	for ((i = 0; i < 500; i++)); do [ -e "$d/rootfs/tmp/ready" ] && return 0; sleep 0.02; done
	return 1
}
ct_pid_of() { runc_t state "$1" | "$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }

start_ct c1 || t_fail setup/c1 "container c1 never got ready"
start_ct c2 || t_fail setup/c2 "container c2 never got ready"
P1=$(ct_pid_of c1)
P2=$(ct_pid_of c2)
PCI0=$(standin_vf_pci a 0)

# --- by id (runc's root), with the container-side setup ------------------------------------------
ctl attach --root "$ROOT" c1 --pf "$PF" --vf 0 --ifname sv0 --mtu 1400 --ip 10.91.0.2/24
t_check id/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains id/one_line "$C_OUT" "VF 0 ($PCI0) of $PF: attached to c1 as sv0"
t_check id/mtu "mtu $(ns_mtu "$P1" sv0)" "$(ns_mtu "$P1" sv0)" = 1400
t_contains id/address "$(in_ns "$P1" sv0)" "10.91.0.2/24"
t_check id/left_host "VF 0 on the host" "$(standin_vf_now a 0)" = absent
rec=$STATE/claims/$PCI0.json
t_check id/holder "record id $(json_get "$rec" id)" "$(json_get "$rec" id)" = c1
t_check id/holder_pid "record pid $(json_get "$rec" pid)" "$(json_get "$rec" pid)" = "$P1"

# --- refusals: one line, nothing left ---------------------------------------------------------------
ctl attach --pid "$P2" --pf "$PF" --vf 0
t_check held/exit1 "rc $C_RC: $C_OUT" "$C_RC" = 1
t_contains held/says "$C_OUT" "already held by c1"
t_check held/one_line "$C_OUT" "$(printf '%s\n' "$C_OUT" | grep -c .)" = 1
ctl attach --pid $$ --pf "$PF" --vf 1
t_check host/exit1 "rc $C_RC: $C_OUT" "$C_RC" = 1
t_contains host/says "$C_OUT" "host"
t_check host/one_line "$C_OUT" "$(printf '%s\n' "$C_OUT" | grep -c .)" = 1
ctl attach --netns /proc/self/ns/net --pf "$PF" --vf 1
t_check host_netns/exit1 "rc $C_RC: $C_OUT" "$C_RC" = 1
t_contains host_netns/says "$C_OUT" "host"
ctl attach --pid "$P2" --pf "$PF" --vf 2
t_check pool/exit1 "rc $C_RC: $C_OUT" "$C_RC" = 1
t_contains pool/says "$C_OUT" "pool"
t_check pool/one_line "$C_OUT" "$(printf '%s\n' "$C_OUT" | grep -c .)" = 1
t_check refused/nothing_left "records $(records)" "$(records)" = 1
t_empty refused/vf1_untouched "VF 1" "$(standin_vf_problems a 1)"
ctl attach --pid "$P2" --pf "$PF" --vf 1 --bogus 3
t_check option/exit1 "rc $C_RC: $C_OUT" "$C_RC" = 1
t_contains option/names_it "$C_OUT" "--bogus"

# --- by pid: the id comes from runc's root; detach by pid ------------------------------------------
ctl attach --root "$ROOT" --pid "$P2" --pf "$PF" --vf 1
t_check pid/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains pid/id_found "$C_OUT" "attached to c2 as eth0"
ctl detach --root "$ROOT" --pid "$P2"
t_check pid_detach/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains pid_detach/says "$C_OUT" "c2: 1 VF detached"
t_empty pid_detach/restored "VF 1" "$(standin_vf_problems a 1)"

# --- detach by id, one VF; attach again; the container's poststop returns it ------------------------
ctl detach c1 --vf "$PCI0"
t_check id_detach/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_empty id_detach/restored "VF 0" "$(standin_vf_problems a 0)"
ctl detach c1
t_check id_detach/nothing_held "rc $C_RC: $C_OUT" "$C_RC" = 1
ctl attach --root "$ROOT" c1 --pf "$PF" --vf auto --ip 10.91.0.3/24
t_check poststop/attach "rc $C_RC: $C_OUT" "$C_RC" = 0
touch "$SH_TMP/c1/rootfs/tmp/go"
eval "wait \$RUNC_c1"
t_empty poststop/restored "after c1's poststop" "$(standin_vf_problems a)"
t_check poststop/no_record "records $(records)" "$(records)" = 0

# --- gc after kill -9 of a process the claim store did not know (id pid-<pid>), VF from a pool ------
standin_netns_proc P3
ctl attach --pid "$P3" --pool "$POOL" --mtu 1300
t_check gc/attach "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains gc/pid_id "$C_OUT" "attached to pid-$P3"
standin_kill "$P3"
for m in $(awk -v d="$STATE/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | grep "pid-$P3"); do umount -l "$m"; done
standin_vf_kernel_return a 2 >/dev/null
ctl gc
t_check gc/exit0 "rc $C_RC: $C_OUT" "$C_RC" = 0
t_contains gc/returned "$C_OUT" "pid-$P3"
t_empty gc/restored "VF 2" "$(standin_vf_problems a 2)"

touch "$SH_TMP/c2/rootfs/tmp/go"
eval "wait \$RUNC_c2"
t_empty end/no_residue "left" "$(standin_state_residue "$STATE" | grep -v "^file $STATE/locks/")"
t_end
