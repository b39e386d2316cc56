#!/bin/bash
# Where the hook's lines go, against stand-in listeners: the journal's native protocol with the
# container's fields (a fake journald on a temporary socket), and, in a private mount namespace
# where /run/systemd/journal/socket and /dev/log are whatever the check needs, the default ("auto"):
# the journal when it is there, syslog otherwise, stderr when neither is, and a journal that is
# there but dead handing over to syslog with one line saying why. Failures before the
# configuration is read reach the system's log too. Lines name the container where the runtime
# gives a name.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup logging "$REPO" "a 4a 2"
PF=$(standin_pf_name a)
NAME=k8s_web_pod-1_default_0a1b_0

# listen KIND PATH OUT: a fake journald (KIND journal: each datagram decoded into a JSON object of
# its fields, one per line of OUT) or syslog daemon (KIND syslog: each datagram, one per line).
listen() {
	local kind=$1 path=$2 out=$3 pid i
	: >"$out"
	"$SH_PY" - "$kind" "$path" "$out" <<'PY' &
import json, socket, struct, sys
kind, path, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
while True:
    d = s.recv(1 << 20)
    if kind == "syslog":
        line = d.decode("utf-8", "replace")
    else:
        fields, i = {}, 0
        while i < len(d):
            nl = d.index(b"\n", i)
            head = d[i:nl]
            if b"=" in head:
                k, _, v = head.partition(b"=")
                i = nl + 1
            else:  # NAME\n, little-endian 64-bit length, value, \n
                k, (n,) = head, struct.unpack("<Q", d[nl + 1:nl + 9])
                v, i = d[nl + 9:nl + 9 + n], nl + 9 + n + 1
            fields[k.decode()] = v.decode("utf-8", "replace")
        line = json.dumps(fields)
    with open(out, "a") as f:
        f.write(line + "\n")
PY
	pid=$!
	standin_track_pid "$pid"
	for ((i = 0; i < 200; i++)); do
		[ -e "$out.ready" ] && return 0
		sleep 0.02
	done
	t_fail setup "the fake $kind did not start"
	exit 1
}

# journal_entries OUT PYTHON-CONDITION: the entries of OUT (field dicts as e) for which the
# condition holds, one JSON object per line.
journal_entries() {
	"$SH_PY" - "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if eval(sys.argv[2]):
        print(json.dumps(e, sort_keys=True))
PY
}

# with_log CONFIG-NAME TARGET [MEMBER...]: a config file like standin_config's whose "log" is TARGET.
with_log() {
	local name=$1 target=$2 f
	shift 2
	f=$(standin_config "$name" "$@")
	sed -i "s|\"log\": \"[^\"]*\"|\"log\": \"$target\"|" "$f"
	echo "$f"
}

# ---- the journal's native protocol, with the container's fields ----------------------------------
listen journal "$SH_TMP/journal.sock" "$SH_TMP/journal.out"
CFG=$(with_log lj "journal:$SH_TMP/journal.sock")
ct_create lj1 "$CFG" pf="$PF" vf=0 io.kubernetes.cri-o.ContainerName="$NAME"
t_check journal/create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
sleep 0.2
got=$(journal_entries "$SH_TMP/journal.out" 'e.get("CONTAINER_ID_FULL") == "lj1" and "attached" in e["MESSAGE"]')
check=$("$SH_PY" - "$got" "$NAME" "$PF" "$(standin_vf_pci a 0)" <<'PY'
import json, sys
lines = [l for l in sys.argv[1].splitlines() if l]
name = sys.argv[2]
if len(lines) != 1:
    print("want one 'attached' entry, got %d" % len(lines)); sys.exit()
e = json.loads(lines[0])
want = {"PRIORITY": "6", "SYSLOG_IDENTIFIER": "sriov-hook", "CONTAINER_ID": "lj1", "CONTAINER_NAME": name,
        "SRIOV_STAGE": "createRuntime", "SRIOV_PF": sys.argv[3], "SRIOV_VF_PCI": sys.argv[4]}
bad = ["%s=%r" % (k, e.get(k)) for k in want if e.get(k) != want[k]]
if not e.get("MESSAGE", "").startswith("lj1 (%s): createRuntime: " % name):
    bad.append("MESSAGE=%r" % e.get("MESSAGE"))
print("; ".join(bad))
PY
)
t_empty journal/attached-fields "the entry" "$check"
# podman's poststop state carries the annotations: the name is there too
hook_run "$CFG" poststop '{"ociVersion":"1.0.2","id":"lj1","status":"stopped","bundle":"'"$SH_TMP/ct/lj1"'","annotations":{"io.sriov.pf":"'"$PF"'","io.sriov.vf":"0","io.kubernetes.cri-o.ContainerName":"'"$NAME"'"}}'
t_check journal/poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
sleep 0.2
got=$(journal_entries "$SH_TMP/journal.out" 'e.get("SRIOV_STAGE") == "poststop" and e.get("CONTAINER_NAME") == "'"$NAME"'"')
t_contains journal/poststop-entry "$got" "released" "poststop entries"
t_empty journal/vf-back "stand-in" "$(standin_vf_problems a)"
ct_kill lj1

# runc's poststop state has no annotations: the name comes from the claim record, the VF with it
ct_create lj3 "$CFG" pf="$PF" vf=1 io.kubernetes.cri-o.ContainerName=db
t_check journal/runc-create "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill lj3
ct_poststop lj3 "$CFG"
t_check journal/runc-poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
sleep 0.2
got=$(journal_entries "$SH_TMP/journal.out" 'e.get("CONTAINER_ID") == "lj3" and e.get("SRIOV_STAGE") == "poststop" and "released" in e["MESSAGE"]')
t_contains journal/runc-poststop-name "$got" '"CONTAINER_NAME": "db"' "poststop entries of lj3"
t_contains journal/runc-poststop-vf "$got" "\"SRIOV_VF_PCI\": \"$(standin_vf_pci a 1)\"" "poststop entries of lj3"
t_contains journal/runc-poststop-message "$got" '"MESSAGE": "lj3 (db): poststop: VF 1' "poststop entries of lj3"

# A failure: priority err in the journal, one line on stderr naming the container by id and name.
ct_prepare lj2 pf="$PF" vf=0 mtu=9x io.kubernetes.cri-o.ContainerName=web
ct_createrun lj2 "$CFG"
t_check failure/exit "rc $HOOK_RC" "$HOOK_RC" != 0
t_message failure/stderr-names-container 'annotation io\.sriov\.mtu: "9x" is not an MTU' "lj2 (web)" createRuntime
sleep 0.2
got=$(journal_entries "$SH_TMP/journal.out" 'e.get("CONTAINER_ID") == "lj2" and e.get("PRIORITY") == "3"')
t_contains failure/in-journal "$got" '"CONTAINER_NAME": "web"' "err entries of lj2"
t_contains failure/in-journal-message "$got" 'is not an MTU' "err entries of lj2"
ct_kill lj2

# ---- the defaults, with the system's sockets as each check needs them ------------------------------

# system_run JOURNAL SYSLOG CONFIG STATE-JSON: the hook (createRuntime) in a private mount namespace
# where /run/systemd/journal/socket is JOURNAL and /dev/log is SYSLOG, each a socket path or ""
# for absent. Sets HOOK_RC, HOOK_ERR like hook_run.
system_run() {
	local j=$1 s=$2 cfg=$3 state=$4 f
	f=$(mktemp "$SH_TMP/hook.XXXXXX")
	printf '%s' "$state" >"$f.in"
	: >"$SH_TMP/devnull"
	# shellcheck disable=SC2016 # expanded by the inner shell, in the new mount namespace
	unshare --mount --propagation private bash -c '
		j=$1 s=$2 tmp=$3
		mount --bind /dev/null "$tmp/devnull"
		mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal
		mount -t tmpfs tmpfs /dev && touch /dev/null && mount --bind "$tmp/devnull" /dev/null
		if [ -n "$j" ]; then touch /run/systemd/journal/socket && mount --bind "$j" /run/systemd/journal/socket; fi
		if [ -n "$s" ]; then touch /dev/log && mount --bind "$s" /dev/log; fi
		shift 3
		exec env -i timeout 30 "$@"
	' sh "$j" "$s" "$SH_TMP" "$HOOK" --config "$cfg" createRuntime <"$f.in" 2>"$f"
	HOOK_RC=$?
	HOOK_ERR=$(cat "$f")
	rm -f "$f" "$f.in"
}

listen journal "$SH_TMP/sys-journal.sock" "$SH_TMP/sys-journal.out"
listen syslog "$SH_TMP/sys-log.sock" "$SH_TMP/sys-log.out"
# A socket file nobody listens on: journald stopped.
"$SH_PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' "$SH_TMP/dead.sock"
ct_prepare sys pf="$PF" vf=0 mtu=9x
SYS_STATE=$(hook_state sys "$(ct_pid sys)" "$SH_TMP/ct/sys")
AUTO=$(with_log auto auto)

# new_lines OUT: the lines the fake sink OUT got since the last new_lines OUT, into LINES.
declare -A SEEN
new_lines() {
	local n
	sleep 0.2
	n=$(wc -l <"$1")
	LINES=$(tail -n +"$((${SEEN[$1]:-0} + 1))" "$1")
	SEEN[$1]=$n
}

system_run "$SH_TMP/sys-journal.sock" "$SH_TMP/sys-log.sock" "$AUTO" "$SYS_STATE"
new_lines "$SH_TMP/sys-journal.out"
j=$LINES
new_lines "$SH_TMP/sys-log.out"
s=$LINES
t_contains auto/journal-first "$j" 'sys: createRuntime: annotation io.sriov.mtu' "journal"
t_empty auto/journal-first-not-syslog "syslog got" "$s"
t_message auto/journal-first-stderr 'is not an MTU' sys createRuntime

system_run "" "$SH_TMP/sys-log.sock" "$AUTO" "$SYS_STATE"
new_lines "$SH_TMP/sys-log.out"
s=$LINES
if [[ $s =~ ^\<27\>[A-Z][a-z]{2}\ [\ 0-9][0-9]\ [0-9:]{8}\ sriov-hook\[[0-9]+\]:\ sys:\ createRuntime:\ annotation\ io\.sriov\.mtu ]] &&
	[ "$(printf '%s\n' "$s" | grep -c .)" = 1 ]; then
	t_pass auto/syslog-without-journal
else
	t_fail auto/syslog-without-journal "want one line '<27>Mmm dd hh:mm:ss sriov-hook[pid]: sys: ...' (no note), got: $s"
fi

system_run "" "" "$AUTO" "$SYS_STATE"
t_message auto/stderr-without-either 'annotation io\.sriov\.mtu: "9x" is not an MTU' sys createRuntime
new_lines "$SH_TMP/sys-journal.out"
t_empty auto/stderr-without-either-journal "journal got" "$LINES"
new_lines "$SH_TMP/sys-log.out"
t_empty auto/stderr-without-either-syslog "syslog got" "$LINES"

system_run "$SH_TMP/dead.sock" "$SH_TMP/sys-log.sock" "$AUTO" "$SYS_STATE"
new_lines "$SH_TMP/sys-log.out"
s=$LINES
t_contains auto/dead-journal-says-why "$(printf '%s\n' "$s" | head -1)" \
	'sys: createRuntime: log: the journal (/run/systemd/journal/socket) is not available: Connection refused; logging to syslog from here on' syslog
t_contains auto/dead-journal-line-follows "$(printf '%s\n' "$s" | sed -n 2p)" 'sys: createRuntime: annotation io.sriov.mtu' syslog
t_check auto/dead-journal-two-lines "syslog got: $s" "$(printf '%s\n' "$s" | grep -c .)" = 2

# "journal" named outright and absent: syslog, saying so.
system_run "" "$SH_TMP/sys-log.sock" "$(with_log named journal)" "$SYS_STATE"
new_lines "$SH_TMP/sys-log.out"
s=$LINES
t_contains named/absent-journal-says-why "$s" 'log: the journal (/run/systemd/journal/socket) is not available: No such file or directory; logging to syslog from here on' syslog

# Before the configuration names a sink, the system's log has the failure: a typo in the file.
printf '{"state_dir": "%s", "sysfs_root": "%s", "lgo": "stderr"}\n' "$SH_TMP/typo.state" "$SH_SYSFS" >"$SH_TMP/typo.json"
system_run "$SH_TMP/sys-journal.sock" "" "$SH_TMP/typo.json" "$SYS_STATE"
new_lines "$SH_TMP/sys-journal.out"
t_contains early/config-error-in-journal "$LINES" 'unknown key \"lgo\"' journal
t_message early/config-error-on-stderr 'unknown key "lgo"' sys createRuntime
ct_kill sys

t_empty residue/state "left in the state dirs" "$(standin_state_residue "$(standin_state_dir lj)")"
t_end
