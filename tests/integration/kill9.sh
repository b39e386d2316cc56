#!/bin/bash
# timeout: 600
# kill -9 at every step: the hook is SIGKILLed at the entry of each of its system calls in turn
# (tests/tools/killstep, ptrace), for createRuntime and for poststop, and after each kill the
# runtime does what it does next:
#   createRuntime killed, runc/docker: the container is destroyed, then poststop runs for its id;
#   createRuntime killed, podman: the container is destroyed and no poststop runs: the next claim
#                                of the VF (by index and by auto, alternately) must succeed;
#   poststop killed (no runtime retries it): the next claim of the VF (index or auto) must succeed.
# Then the VF must be back on the host as it was (name, MAC, MTU, up/down, no address) and the
# state dir must hold nothing but lock files: no record, owners entry, temp file or pin.
# A createRuntime step counts as recovered when both runtimes' paths recover. Every failing step is
# listed (with the system call it was killed at) in build/tests/kill9.txt.
# Stand-in VFs are veths: they have no PF-side settings (the VM variant on a real VF checks those).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
# Three lanes run at once, each with its own PF, VF and state dir: odd createRuntime steps, even
# ones (the next claim by index after odd steps, by auto after even ones), poststop steps. One VF
# per PF: vf=auto can only mean that one, so a next claim by auto is a claim of the killed VF.
LANES="a b c"
t_setup kill9 "$REPO" "a 3b 1" "b 3c 1" "c 3d 1"
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
REPORT=${KILL9_REPORT:-$REPO/build/tests/kill9.txt}
# KILL9_STEPS="c:1-40 p:7": only these steps (c = createRuntime, p = poststop), to debug one.
STEPS=${KILL9_STEPS:-}
if [ ! -x "$KILLSTEP" ]; then
	t_fail build "$KILLSTEP is missing: run make tools"
	exit 1
fi

# lane TAG: sets the globals of lane TAG (its PF, VF, config, state dir, bundles).
lane() {
	L=$1
	PF=$(standin_pf_name "$L")
	VF=$(standin_vf_name "$L" 0)
	VFMAC=$(standin_vf_mac "$L" 0)
	CFG=$(standin_config "kill9$L")
	STATE=$(standin_state_dir "kill9$L")
	FLAGS=$(cat "$SH_TMP/flags.$L")
	BUNDLES=$SH_TMP/ct/$L
}
for l in $LANES; do
	cat "/sys/class/net/$(standin_vf_name "$l" 0)/flags" >"$SH_TMP/flags.$l"
	lane "$l"
	# Container-side settings (the hook restores what they change) and a default route.
	bundle_bare "$BUNDLES/fixed" pf="$PF" vf=0 ifname=net7 ip=10.97.0.2/24 gateway=10.97.0.1 mtu=1400
	bundle_bare "$BUNDLES/auto" pf="$PF" vf=auto ip=10.97.0.3/24 mtu=1280
done
mkdir -p "$(dirname "$REPORT")"
: >"$REPORT"

# ks_hook STAGE ID PID BUNDLE N [TRACE]: the hook under killstep, SIGKILLed at step N (0: never).
# Sets KS_RC and KS_LINE (killstep's report: "killed N NAME" or "syscalls K").
ks_hook() {
	local out=$SH_TMP/ks.$L.out
	printf '%s' "$(hook_state "$2" "$3" "$BUNDLES/$4")" |
		env -i timeout 30 "$KILLSTEP" -k "$5" ${6:+-t} -o "$out" -- "$HOOK" --config "$CFG" "$1" >/dev/null 2>&1
	KS_RC=$?
	KS_LINE=$(tail -n 1 "$out")
	[ -z "${6:-}" ] || cp "$out" "$6"
}

# run_hook STAGE ID PID BUNDLE: the hook as a runtime runs it (HOOK_RC, HOOK_ERR).
run_hook() {
	hook_run "$CFG" "$1" "$(hook_state "$2" "$3" "$BUNDLES/$4")"
}

# netns_proc VAR: standin_netns_proc, the pid also listed for this lane's repair.
netns_proc() {
	standin_netns_proc "$1"
	echo "${!1}" >>"$SH_TMP/pids.$L"
}

# problems: how the VF and the state dir differ from before the first claim, one line each.
problems() {
	local now
	standin_vf_problems "$L"
	now=$(cat "/sys/class/net/$VF/flags" 2>/dev/null) && [ "$now" != "$FLAGS" ] &&
		echo "vf 0: flags $now, were $FLAGS"
	# Lock files may stay (a lock is only held while a hook acts); nothing else may.
	standin_state_residue "$STATE" | grep -Ev '^file .*/locks/[^/]*$|^file .*\.lock$' | sed 's/^/left: /'
}

# has_vf PID: whether the VF is in PID's netns (by MAC: stand-ins keep theirs).
has_vf() {
	ns_links "$1" | grep -qi "$VFMAC"
}

# vf_elsewhere: "NETNS-PATH NAME" of the VF in a netns other than the host's: under a pin or in a
# live process's; found by its veth peer, which stays on the host.
vf_elsewhere() {
	local peer ns name pid
	peer=$(cat "/sys/class/net/${VF}x/ifindex" 2>/dev/null) || return
	{
		awk -v d="$STATE" 'index($2, d "/") == 1 {print $2}' /proc/self/mounts
		while read -r pid; do standin_pid_alive "$pid" && echo "/proc/$pid/ns/net"; done <"$SH_TMP/pids.$L"
	} | while read -r ns; do
		name=$(nsenter --net="$ns" ip -o link show 2>/dev/null |
			awk -F': ' -v p="@if$peer" 'index($2, p) {sub(/@.*/, "", $2); print $2; exit}')
		[ -n "$name" ] && { echo "$ns $name"; break; }
	done
}

# repair: after a step that did not recover, puts the VF back by hand and empties the state dir,
# so that the next step starts as the first did. A VF destroyed with a namespace (a veth is; a real
# VF would return as devN) is made anew under the same name and MAC.
repair() {
	local where ns name host pid m
	where=$(vf_elsewhere)
	if [ -n "$where" ]; then
		ns=${where% *} name=${where#* }
		nsenter --net="$ns" ip link set dev "$name" netns "$$" 2>/dev/null
	fi
	host=$(ip -o link show 2>/dev/null | awk -F': ' -v p="@${VF}x" 'index($2, p) {sub(/@.*/, "", $2); print $2; exit}')
	if [ -z "$host" ]; then
		ip link del "${VF}x" 2>/dev/null
		ip link add "$VF" type veth peer name "${VF}x" && ip link set "${VF}x" up
		host=$VF
		# The stand-in's record of the VF ("name pci ifindex mtu mac kind"): its new ifindex.
		echo "$VF $(standin_vf_pci "$L" 0) $(cat "/sys/class/net/$VF/ifindex") 1500 $VFMAC veth" \
			>"$SH_TMP/standin/$L/vf0"
	fi
	ip link set dev "$host" down
	[ "$host" = "$VF" ] || ip link set dev "$host" name "$VF"
	ip addr flush dev "$VF"
	ip link set dev "$VF" mtu 1500 address "$VFMAC"
	for m in $(awk -v d="$STATE" 'index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r); do
		umount -l "$m"
	done
	rm -rf "$STATE"
	while read -r pid; do standin_pid_alive "$pid" && standin_kill "$pid"; done <"$SH_TMP/pids.$L"
	: >"$SH_TMP/pids.$L"
}

# next_claim TAG N: a new container claims the VF (by index for odd N, auto for even), then exits
# and its poststop runs. Prints what went wrong.
next_claim() {
	local id=$1-next sel=auto pid
	[ $(($2 % 2)) = 1 ] && sel=fixed
	netns_proc pid
	run_hook createRuntime "$id" "$pid" "$sel"
	if [ "$HOOK_RC" != 0 ]; then
		echo "next claim ($sel) failed: $HOOK_ERR"
	elif ! has_vf "$pid"; then
		echo "next claim ($sel) exited 0 without the VF"
	fi
	standin_kill "$pid"
	run_hook poststop "$id" 0 "$sel"
	[ "$HOOK_RC" = 0 ] || echo "next claim's poststop failed: $HOOK_ERR"
}

# killed_ok N: the hook was killed at step N, not before it ended. A run may make a few system
# calls fewer than the reference run (the end of a netlink dump, a pin sweep with nothing to do):
# one that ended normally before step N has no step N; it is noted in short.$L, and what follows
# (the runtime's next step, the checks) is judged as for any other step.
killed_ok() {
	case $KS_LINE in
	"killed $1 "*) ;;
	"syscalls "*)
		if [ "$KS_RC" = 0 ] && [ "${KS_LINE#syscalls }" -lt "$1" ]; then
			echo "$1 ${KS_LINE#syscalls }" >>"$SH_TMP/short.$L"
		else
			echo "not killed at step $1: killstep says '$KS_LINE' (exit $KS_RC)"
		fi
		;;
	*) echo "not killed at step $1: killstep says '$KS_LINE' (exit $KS_RC)" ;;
	esac
}

# verdict KIND N SCENARIO WHAT: WHAT empty = recovered; else a report line, and the repair.
verdict() {
	local name
	[ -z "$4" ] && return 0
	name=$(sed -n "s/^step $2 //p" "$SH_TMP/trace.$1")
	printf '%s %s %s %s: %s\n' "$1" "$2" "$name" "$3" "$(printf '%s' "$4" | tr '\n' ';')" >>"$SH_TMP/report.$L"
	repair
	return 1
}

# in_steps KIND N: whether KILL9_STEPS selects step N of KIND.
in_steps() {
	local s a b
	[ -z "$STEPS" ] && return 0
	for s in $STEPS; do
		[ "${s%%:*}" = "$1" ] || continue
		s=${s#*:}
		a=${s%-*} b=${s#*-}
		[ "$2" -ge "$a" ] && [ "$2" -le "$b" ] && return 0
	done
	return 1
}

# --- the reference runs: K, and the names of the steps -----------------------------------------
lane a
netns_proc pid
ks_hook createRuntime ref "$pid" fixed 0 "$SH_TMP/trace.c"
KC=$(sed -n 's/^syscalls //p' "$SH_TMP/trace.c")
t_check reference/createRuntime "exit $KS_RC, $KS_LINE" "$KS_RC/${KC:+y}" = 0/y
standin_kill "$pid"
ks_hook poststop ref 0 fixed 0 "$SH_TMP/trace.p"
KP=$(sed -n 's/^syscalls //p' "$SH_TMP/trace.p")
t_check reference/poststop "exit $KS_RC, $KS_LINE" "$KS_RC/${KP:+y}" = 0/y
t_empty reference/recovered "after the reference runs" "$(problems)"
[ -n "$KC" ] && [ -n "$KP" ] || { repair; t_end; }
# ptrace goes on through the seccomp filter: steps after it are counted (netlink, the moves).
t_check reference/traced_past_seccomp "trace: $(awk '{print $3}' "$SH_TMP/trace.c" | tr '\n' ' ' | cut -c1-300)" \
	-n "$(sed -n '/ seccomp$/,$p' "$SH_TMP/trace.c" | grep -E ' (sendmsg|setns)$')"

# sweep_create FIRST LAST STRIDE: createRuntime killed at steps FIRST, FIRST + STRIDE, ... LAST;
# "recovered run" counts in count.$L.
sweep_create() {
	local n ok pid why r=0 ran=0
	for ((n = $1; n <= $2; n += $3)); do
		in_steps c "$n" || continue
		ran=$((ran + 1)) ok=1
		# runc/docker: the container is destroyed (its init killed), then poststop runs.
		netns_proc pid
		ks_hook createRuntime "c$n-runc" "$pid" fixed "$n"
		why=$(killed_ok "$n")
		standin_kill "$pid"
		run_hook poststop "c$n-runc" 0 fixed
		[ "$HOOK_RC" = 0 ] || why+=$'\n'"poststop failed: $HOOK_ERR"
		why+=$(problems)
		verdict c "$n" "runc: poststop" "$why" || ok=0
		# podman: the container is destroyed and nothing runs; the next claim of the VF.
		netns_proc pid
		ks_hook createRuntime "c$n-podman" "$pid" fixed "$n"
		why=$(killed_ok "$n")
		standin_kill "$pid"
		why+=$(next_claim "c$n-podman" "$n")
		why+=$(problems)
		verdict c "$n" "podman: next claim" "$why" || ok=0
		r=$((r + ok))
	done
	echo "$r $ran" >"$SH_TMP/count.$L"
}

# sweep_poststop FROM TO: poststop killed at each step, then the next claim.
sweep_poststop() {
	local n pid why r=0 ran=0
	for ((n = $1; n <= $2; n++)); do
		in_steps p "$n" || continue
		ran=$((ran + 1))
		netns_proc pid
		run_hook createRuntime "p$n" "$pid" fixed
		if [ "$HOOK_RC" != 0 ]; then
			verdict p "$n" "setup" "createRuntime failed (exit $HOOK_RC): $HOOK_ERR"
			standin_kill "$pid"
			continue
		fi
		standin_kill "$pid"
		ks_hook poststop "p$n" 0 fixed "$n"
		why=$(killed_ok "$n")
		why+=$(next_claim "p$n" "$n")
		why+=$(problems)
		verdict p "$n" "next claim" "$why" && r=$((r + 1))
	done
	echo "$r $ran" >"$SH_TMP/count.$L"
}

start=$(date +%s)
(lane a && sweep_create 1 "$KC" 2) &
(lane b && sweep_create 2 "$KC" 2) &
(lane c && sweep_poststop 1 "$KP") &
wait
ra=0 na=0 rb=0 nb=0 RP=0 NP=0
read -r ra na <"$SH_TMP/count.a"
read -r rb nb <"$SH_TMP/count.b"
read -r RP NP <"$SH_TMP/count.c"
RC=$((ra + rb)) NC=$((na + nb))
echo "# $KC createRuntime and $KP poststop steps in $(($(date +%s) - start)) s"
[ -z "$STEPS" ] || echo "# KILL9_STEPS=$STEPS: only the selected steps ran"

# The report: every failing case, and runs of consecutive steps that failed alike.
sort -k1,1 -k2,2n "$SH_TMP"/report.? 2>/dev/null >"$SH_TMP/report"
{
	echo "# kill -9: createRuntime $RC/$NC, poststop $RP/$NP recovered"
	echo "# kind steps scenario: what was wrong (ids, pids and the state dir abstracted)"
	sed -E "s|$SH_TMP/kill9[a-z]\.state/|\$STATE/|g; s/\b[cp][0-9]+(-(runc|podman))?(-next)?\b/<id>/g; s/\.tmp\.[0-9]+/.tmp.<pid>/g; s/0000:3[bcd]:10\.0/<vf>/g" \
		"$SH_TMP/report" | awk '{ kind = $1; n = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); print kind "\t" $0 "\t" n }' |
		sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3n | awk -F '\t' '{
			key = $1 "\t" $2
			if (key == prev && $3 == last + 1) { last = $3; next }
			if (prev != "") print pk " " first (last > first ? "-" last : "") " " pw
			prev = key; pk = $1; pw = $2; first = last = $3
		} END { if (prev != "") print pk " " first (last > first ? "-" last : "") " " pw }' | sort -k1,1 -k2,2n
	echo "# every case: kind step syscall scenario: what was wrong"
	cat "$SH_TMP/report"
} >"$REPORT"
if [ -s "$SH_TMP/report" ]; then
	echo "# steps that did not recover, grouped ($(wc -l <"$SH_TMP/report") cases; all in $REPORT):"
	sed -n '3,/^# every case/p' "$REPORT" | grep -v '^#' | head -n 30 | cut -c1-300 | sed 's/^/#   /'
fi
short=$(cat "$SH_TMP"/short.? 2>/dev/null | wc -l)
[ "$short" = 0 ] || echo "# $short runs ended normally before their step (fewer system calls than the reference run); judged as runs that completed"
echo "kill -9: createRuntime $RC/$NC, poststop $RP/$NP recovered"
# A lane that died would leave its steps out: every step must have run.
[ -n "$STEPS" ] || t_check all_steps_swept "swept createRuntime $NC of $KC, poststop $NP of $KP" "$NC/$NP" = "$KC/$KP"
t_check every_step_recovered "createRuntime $RC/$NC, poststop $RP/$NP recovered (see $REPORT)" \
	"$RC/$RP" = "$NC/$NP"
t_end
