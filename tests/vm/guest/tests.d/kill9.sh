# kill -9 at the steps of createRuntime, on real igbvf VFs with PF-side settings (sourced by
# /vm/tests.sh; busybox sh). killstep (tests/tools, copied into /usr/local/bin) SIGKILLs the hook at
# the entry of its Nth system call, for each N in turn; then runc's next move: the container is
# destroyed and poststop runs. After each, the VF must be as in the baseline (name, MAC, MTU,
# flags, addresses, and the PF's whole view of it: MAC, vlan/qos, rates, spoofchk, trust) and the
# state dir must hold lock files only.
# Under TCG a step costs the guest 1-2 s, and a guest test has TEST_TIMEOUT (120 s): the sweep runs
# from the last step down (the moves and the knobs first) to the sandbox's (the loader's and the
# parsers' steps before it change nothing), in two lanes at once (VF 4 and VF 5 take every other
# step, each with a state dir of its own), and stops after K9_SECONDS; the closing line says which
# steps were swept. The stand-in suite
# (tests/integration/kill9.sh) sweeps every step, and the podman path (the next claim) too.
ALL_TESTS="$ALL_TESTS kill9_create"

KILLSTEP=/usr/local/bin/killstep
K9_SECONDS=95
# A smoke boot of the matrix sweeps the last steps only (run.sh passes sriov_vm_k9=SECONDS).
[ -n "$(cmdline_arg sriov_vm_k9)" ] && K9_SECONDS=$(cmdline_arg sriov_vm_k9)

# k9_netns: a process in a new netns, its pid printed once it has entered it (a hook given the pid
# of a process that has not unshared yet would see the host's namespace).
k9_netns() {
	local _p _i
	unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &
	_p=$!
	echo $_p >>"$W/pids.$TEST"
	_i=0
	while [ "$(readlink /proc/$_p/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $_i -lt 200 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
	echo $_p
}

# k9_hook STAGE ID PID BUNDLE CONFIG [KILLSTEP-ARGS...]: the hook as runc runs it, under killstep.
k9_hook() {
	local _stage _id _pid _b _cfg _st
	_stage=$1 _id=$2 _pid=$3 _b=$4 _cfg=$5
	shift 5
	if [ "$_stage" = createRuntime ]; then
		_st="{\"ociVersion\":\"1.0.2\",\"id\":\"$_id\",\"status\":\"creating\",\"pid\":$_pid,\"bundle\":\"$_b\"}"
	else
		_st="{\"ociVersion\":\"1.0.2\",\"id\":\"$_id\",\"status\":\"stopped\",\"bundle\":\"$_b\"}"
	fi
	printf '%s' "$_st" | env -i "$KILLSTEP" "$@" -- "$HOOK" --config "$_cfg" "$_stage" >/dev/null 2>"$_b/$_stage.err"
}

# k9_lane VF LAST FIRST END: steps LAST, LAST - 2, ... down to FIRST on VF, until the guest's uptime
# is END (the late steps first: the moves and the knobs); "recovered swept lowest-swept" in $W/k9.VF.
k9_lane() {
	local _vf _n _r _ran _pid _why _line _st _cfg _b _m _name _low
	_vf=$1 _n=$2
	_low=$2
	_st=/run/sriov-hook-k9.$_vf
	_cfg=/etc/sriov-hook/k9.$_vf.json
	_b=$W/b-k9.$_vf
	sed "s|\"state_dir\": \"[^\"]*\"|\"state_dir\": \"$_st\"|" "$CFG" >"$_cfg"
	mk_bundle "$_b" - pf=$PF vf=$_vf mac=02:00:00:00:09:0$_vf vlan=9$_vf qos=2 spoofchk=off trust=on \
		max_tx_rate=100 mtu=1400 ip=10.9$_vf.0.2/24
	_r=0 _ran=0
	while [ $_n -ge $3 ] && awk -v u="$(uptime_s)" -v e="$4" 'BEGIN { exit !(u < e) }'; do
		_ran=$((_ran + 1)) _low=$_n
		_pid=$(k9_netns)
		k9_hook createRuntime "k9-$_vf-$_n" "$_pid" "$_b" "$_cfg" -k $_n -o "$W/k9.$_vf.out"
		_line=$(cat "$W/k9.$_vf.out")
		_why=""
		# A run makes a few system calls fewer than the reference now and then (seen on 7.2: the
		# closes at its end): a step past the end of a run that finished is no kill to recover from,
		# and what follows still checks that the run left the VF whole.
		case $_line in
		"killed $_n "*) ;;
		"syscalls "*) [ "${_line#syscalls }" -lt "$_n" ] || _why="not killed at step $_n: $_line;" ;;
		*) _why="not killed at step $_n: $_line;" ;;
		esac
		kill -9 "$_pid"
		k9_hook poststop "k9-$_vf-$_n" 0 "$_b" "$_cfg" -o /dev/null ||
			_why="$_why poststop failed: $(cat "$_b/poststop.err");"
		wait_for 50 vf_present $_vf
		[ "$(vf_state $_vf)" = "$(cat "$W/base.$_vf")" ] || _why="$_why VF $_vf is '$(vf_state $_vf)';"
		_why="$_why$(find "$_st" -type f ! -path '*/locks/*' ! -name '*.lock' ! -path '*/baseline/*.json' 2>/dev/null | sed 's/^/left: /' | tr '\n' ';')"
		_why="$_why$(awk -v s="$_st" 'index($2, s) == 1 { print "pinned: " $2 }' /proc/mounts | tr '\n' ';')"
		if [ -z "$_why" ]; then
			_r=$((_r + 1))
		else
			_name=$(sed -n "s/^step $_n //p" "$W/k9.trace")
			note "step $_n ($_name), VF $_vf: $_why"
			for _m in $(awk -v s="$_st" 'index($2, s) == 1 { print $2 }' /proc/mounts); do umount -l "$_m"; done
			wait_for 150 vf_present $_vf || note "repair: VF $_vf did not come back"
			repair_vf $_vf
			rm -rf "$_st"
		fi
		_n=$((_n - 2))
	done
	echo "$_r $_ran $_low" >"$W/k9.$_vf"
}

test_kill9_create() {
	local b pid k first ra na rb nb la lb end
	[ -x "$KILLSTEP" ] || fail "$KILLSTEP is missing (make tools before vm-check)"
	expect_state 4 "precondition"
	expect_state 5 "precondition"

	# The reference run: K, the name of each step, where the sandbox starts.
	b=$W/b-k9ref
	mk_bundle "$b" - pf=$PF vf=4 mac=02:00:00:00:09:04 vlan=94 qos=2 spoofchk=off trust=on max_tx_rate=100 \
		mtu=1400 ip=10.94.0.2/24
	pid=$(k9_netns)
	k9_hook createRuntime vm-k9ref "$pid" "$b" "$CFG" -t -o "$W/k9.trace" ||
		fail "the reference createRuntime failed: $(cat "$b/createRuntime.err")"
	k=$(sed -n 's/^syscalls //p' "$W/k9.trace")
	first=$(sed -n 's/^step \([0-9]*\) seccomp$/\1/p' "$W/k9.trace" | head -n 1)
	[ -n "$k" ] || fail "killstep gave no count: $(tail -n 2 "$W/k9.trace")"
	[ -n "$first" ] || fail "no seccomp call in the trace: the steps after the sandbox are not followed"
	sed -n '/ seccomp$/,$p' "$W/k9.trace" | grep -q ' setns$' || fail "no setns after the sandbox in the trace"
	kill -9 "$pid"
	hook_ok poststop vm-k9ref "$b"
	expect_state 4 "after the reference run"
	expect_no_claim "after the reference run"
	note "createRuntime: $k system calls, the sandbox from step $first: sweeping $k..$first (at $(uptime_s) s)"

	end=$(awk -v u="$(uptime_s)" -v s=$K9_SECONDS 'BEGIN { print u + s }')
	k9_lane 4 "$k" "$first" "$end" >"$W/k9.lane4" 2>&1 &
	k9_lane 5 $((k - 1)) "$first" "$end" >"$W/k9.lane5" 2>&1 &
	wait
	cat "$W/k9.lane4" "$W/k9.lane5"
	read -r ra na la <"$W/k9.4" || fail "lane of VF 4 reported nothing"
	read -r rb nb lb <"$W/k9.5" || fail "lane of VF 5 reported nothing"
	[ "$la" -lt "$lb" ] || la=$lb
	# On the console too (the host shows its "#" lines): a passing test's log is not printed.
	echo "# kill -9: createRuntime $((ra + rb))/$((na + nb)) recovered (steps $la..$k of $k swept by $(uptime_s) s)" |
		tee /dev/console
	[ $((ra + rb)) = $((na + nb)) ] ||
		fail "kill -9: createRuntime $((ra + rb))/$((na + nb)) recovered (steps $la..$k of $k)"
	expect_state 4 "after the sweep"
	expect_state 5 "after the sweep"
}
