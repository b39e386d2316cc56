# What a tenant leaves on its igbvf VF does not reach the next tenant, in both release modes
# (sourced by tests.sh: its helpers, PF, NVF, CFG, STATE, W). A tenant container (runc, with
# CAP_NET_ADMIN and CAP_BPF in config.json) changes every kind of netdev state it can and exits;
# the next container's view of the VF must equal the view of a container given the same VF before
# the tenant. release-timing measures poststop with "release": "restore" against "rebind" (one
# igbvf probe), interleaved: a measurement of a minute, not in the full boot's list; `make bench`
# boots the guest with it alone (SRIOV_VM_TESTS=release-timing) and prints what it reports.
ALL_TESTS="$ALL_TESTS residue_restore residue_rebind residue_vfio"

# run.sh puts the XDP object (clang -target bpf, on the host) and coreutils' date (busybox's has
# no %N) here; the tenant sees /usr through a read-only bind mount.
RES_LIB=/usr/lib/sriov-vm
IP_BIN=/usr/sbin/ip
TC_BIN=/usr/sbin/tc
ET_BIN=/usr/sbin/ethtool
RES_TENANT_MAC=02:77:77:77:77:77

# kind|what the tenant runs on IF|what every container reads on IF. The "view:" rows are only
# read: the whole of `ip -d link` (without the ifindex, which a rebind changes, and the permanent
# address, a row of its own) and `ethtool -k`. `ip -d link` shows "permaddr" only where the
# driver's permanent address differs from the address.
RES_KINDS="promisc|$IP_BIN link set IF promisc on|cat /sys/class/net/IF/flags
allmulticast|$IP_BIN link set IF allmulticast on|cat /sys/class/net/IF/flags
multicast|$IP_BIN link set IF multicast off|cat /sys/class/net/IF/flags
arp|$IP_BIN link set IF arp off|cat /sys/class/net/IF/flags
alias|$IP_BIN link set IF alias tenantA|cat /sys/class/net/IF/ifalias
txqueuelen|$IP_BIN link set IF txqueuelen 77|cat /sys/class/net/IF/tx_queue_len
group|$IP_BIN link set IF group 7|cat /sys/class/net/IF/netdev_group
addrgenmode|$IP_BIN link set IF addrgenmode none|$IP_BIN -d link show IF | grep -o 'addrgenmode [a-z_0-9]*'
mtu|$IP_BIN link set IF mtu 1280|cat /sys/class/net/IF/mtu
mac|$IP_BIN link set IF address $RES_TENANT_MAC|cat /sys/class/net/IF/address
altname|$IP_BIN link property add dev IF altname tenantalt|$IP_BIN -o link show IF | grep -o 'altname [^ ]*'
features|$ET_BIN -K IF tso off gro off|$ET_BIN -k IF | grep -v fixed
channels|$ET_BIN -L IF rx 2 tx 2|$ET_BIN -l IF | sed -n '/Current/,\$p'
rings|$ET_BIN -G IF rx 512 tx 512|$ET_BIN -g IF | sed -n '/Current/,\$p'
coalesce|$ET_BIN -C IF rx-usecs 77|$ET_BIN -c IF
pause|$ET_BIN -A IF rx off tx off|$ET_BIN -a IF
xdp|[ -s $RES_LIB/xdp_pass.o ] && $IP_BIN link set dev IF xdpgeneric obj $RES_LIB/xdp_pass.o sec xdp|$IP_BIN -d link show IF | grep -o 'prog/xdp[a-z]* id [0-9]*'
tc-clsact+bpf|$TC_BIN qdisc add dev IF clsact && $TC_BIN filter add dev IF ingress bpf bytecode '1,6 0 0 0'|$TC_BIN qdisc show dev IF; $TC_BIN filter show dev IF ingress
tc-root|$TC_BIN qdisc add dev IF root handle 1: pfifo limit 77|$TC_BIN qdisc show dev IF
vlan-upper|$IP_BIN link add link IF name IF.5 type vlan id 5|$IP_BIN -o link show | grep -c '@IF:' || true
view:permaddr|-|$IP_BIN -d link show IF | grep -o 'permaddr [^ ]*'
view:ip-d-link|-|$IP_BIN -d link show IF | sed '1s/^[0-9]*: //; s/ permaddr [^ ]*//'
view:ethtool-k|-|$ET_BIN -k IF"

# What igbvf under the bookworm guest can be made to carry (measured: ethtool's channels and pause
# are not implemented by igbvf; clsact, BPF filters and vlan are modules this initramfs lacks).
# A kind of this list that the tenant could not produce fails the test: it would pass vacuously.
RES_MUST="promisc allmulticast multicast arp alias txqueuelen group addrgenmode mtu mac altname features rings
	coalesce xdp tc-root"

# The scripts the containers run, from RES_KINDS with IF replaced by the container's name.
res_scripts() { # DIR IFNAME
	local _kind _make _look
	mkdir -p "$1"
	{
		echo "i=0; while [ \"\$(cat /sys/class/net/$2/carrier 2>/dev/null)\" != 1 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done"
		echo "$RES_KINDS" | while IFS='|' read -r _kind _make _look; do
			echo "echo '== $_kind'; ( $(echo "$_look" | sed "s/IF/$2/g") ) 2>&1"
		done
	} >"$1/view.sh"
	echo "$RES_KINDS" | while IFS='|' read -r _kind _make _look; do
		[ "$_make" = - ] && continue
		echo "if ( $(echo "$_make" | sed "s/IF/$2/g") ) >/tmp/out 2>&1; then echo 'MADE $_kind'; else echo \"NOT $_kind: \$(tr '\n' ' ' </tmp/out)\"; fi"
	done >"$1/make.sh"
}

# A runc bundle whose process may change its own netns (CAP_NET_ADMIN, and CAP_BPF with CAP_PERFMON
# for an XDP program, as an AF_XDP or capture workload has): the guest's /usr, /lib, /lib64
# read-only for ip, tc and ethtool, the scripts under /res, and a bpffs at /sys/fs/bpf (ip loads
# an object only where one is mounted: without CAP_SYS_ADMIN it cannot mount one itself).
# res_bundle DIR CFG 'ARGS' ANNOTATION...
res_bundle() {
	local _dir _cfg _args
	_dir=$1 _cfg=$2 _args=$3
	shift 3
	mkdir -p "$ROOTFS/res"
	oci_config "$_dir" "$_args" "$_cfg" ',"CAP_NET_ADMIN","CAP_NET_RAW","CAP_BPF","CAP_PERFMON"' "$OCI_GUEST_LIBS
		   ,{\"destination\": \"/res\", \"type\": \"bind\", \"source\": \"$W/res\", \"options\": [\"rbind\", \"ro\", \"nosuid\", \"nodev\"]}
		   ,{\"destination\": \"/sys/fs/bpf\", \"type\": \"bpf\", \"source\": \"bpf\"}" "$@"
}

# res_run ID CFG SCRIPT N: a container given VF N as net1 runs /res/SCRIPT and exits; its output
# in $W/ID.out.
res_run() {
	local _b
	_b=$W/b-$1
	res_bundle "$_b" "$2" "[\"sh\", \"/res/$3\"]" pf=$PF vf="$4" ifname=net1
	echo "$1 $_b" >>"$W/ids.$TEST"
	(cd "$_b" && runc run --no-pivot "$1") >"$W/$1.out" 2>"$_b/run.err" </dev/null ||
		fail "runc run $1 exited $?: $(cat "$_b/run.err")"
	[ -s "$W/$1.out" ] || fail "container $1 printed nothing: $(cat "$_b/run.err")"
}

# The part of a view file for one kind.
res_part() { awk -v k="== $2" '$0 == k { on = 1; next } /^== / { on = 0 } on' "$1"; }

# A configuration like the suite's, with "release": "rebind".
rebind_cfg() {
	sed 's/^{/{"release": "rebind", /' "$CFG" >"$W/rebind.json"
	echo "$W/rebind.json"
}

# residue_case MODE N: fresh view of VF N, a tenant leaves residue, the next container's view;
# a table of each kind and its result, printed on the console.
residue_case() {
	local _mode _n _cfg _kind _make _look _r _left _missing _fresh _next
	_mode=$1 _n=$2
	_cfg=$CFG
	[ "$_mode" = rebind ] && _cfg=$(rebind_cfg)
	expect_state "$_n" precondition
	res_scripts "$W/res" net1
	res_run "res-$_mode-fresh" "$_cfg" view.sh "$_n"
	res_run "res-$_mode-tenant" "$_cfg" make.sh "$_n"
	sed 's/^/# tenant: /' "$W/res-$_mode-tenant.out"
	res_run "res-$_mode-next" "$_cfg" view.sh "$_n"
	expect_state "$_n" "after the containers (host side)"
	expect_no_claim "after the containers"
	if [ "$_mode" = rebind ]; then
		grep -q "rebound VF $(vf_pci "$_n") to igbvf in" "$HOOKLOG" ||
			fail "the hook's log does not say it rebound VF $_n: $(tail -n 5 "$HOOKLOG")"
	elif grep -q "rebound VF" "$HOOKLOG"; then
		fail "release restore rebound the VF: $(grep 'rebound VF' "$HOOKLOG")"
	fi
	_left="" _missing=""
	echo "# residue-$_mode: kind of residue | result (igbvf, release $_mode)" | tee /dev/console
	echo "$RES_KINDS" | while IFS='|' read -r _kind _make _look; do
		_fresh=$(res_part "$W/res-$_mode-fresh.out" "$_kind")
		_next=$(res_part "$W/res-$_mode-next.out" "$_kind")
		if [ "$_make" != - ] && ! grep -qx "MADE $_kind" "$W/res-$_mode-tenant.out"; then
			_r="not produced ($(grep "^NOT $_kind:" "$W/res-$_mode-tenant.out" | cut -d: -f2- | cut -c2-80))"
		elif [ "$_fresh" = "$_next" ]; then
			_r=restored
			[ "$_make" = - ] && _r=equal
		else
			_r=LEFT
			note "$_kind: fresh: $(echo "$_fresh" | tr '\n' ' ')" >&2
			note "$_kind: next:  $(echo "$_next" | tr '\n' ' ')" >&2
		fi
		printf '# residue-%s: %-15s | %s\n' "$_mode" "$_kind" "$_r" | tee /dev/console
	done >"$W/res-$_mode.table"
	cat "$W/res-$_mode.table"
	grep -q '| LEFT$' "$W/res-$_mode.table" &&
		fail "the next container sees residue: $(grep '| LEFT$' "$W/res-$_mode.table" | awk '{ print $3 }' | tr '\n' ' ')"
	for _kind in $RES_MUST; do
		grep -Eq "^# residue-$_mode: $_kind +\| not produced" "$W/res-$_mode.table" && _missing="$_missing $_kind"
	done
	[ -z "$_missing" ] || fail "the tenant could not produce:$_missing (igbvf can carry them: see its NOT lines)"
	return 0
}

test_residue_restore() { residue_case restore 4; }
test_residue_rebind() { residue_case rebind 5; }

# A VF returned from vfio-pci to igbvf is a fresh netdev anyway; what the hook must put back is
# the PF's side and the host name. Here a host name of the admin's choosing and every PF-side
# setting igb takes, set through a vfio container; afterwards both are as before.
test_residue_vfio() {
	local b base
	vfio_ready
	expect_state 4 precondition
	ip link set dev "$(vf_name 4)" name hostvf4 || fail "cannot rename VF 4"
	vf_state 4 >"$W/res-vfio.pre"
	b=$W/b-res-vfio
	vfio_bundle "$b" '["sleep", "1000"]' pf=$PF vf=4 mode=vfio mac=02:00:00:00:4f:01 vlan=100 qos=3 \
		spoofchk=off trust=on max_tx_rate=300
	wrapped_create_ok vm-res-vfio "$b"
	expect_vfio_held 4
	vf_line 4 | grep -Eq 'ether 02:00:00:00:4f:01 .*vlan 100, qos 3, .*max_tx_rate 300Mbps.*spoof checking off.*trust on' ||
		fail "the PF does not report the settings for VF 4: $(vf_line 4)"
	runc start vm-res-vfio || fail "runc start failed"
	wrapped_delete vm-res-vfio
	expect_vfio_released 4 "after the vfio container" "$W/res-vfio.pre"
	echo "# residue-vfio: host name hostvf4 and the PF's view of VF 4 as before: $(cat "$W/res-vfio.pre")" |
		tee /dev/console
	ip link set dev hostvf4 name "$(sed -n 's/^name=\([^ ]*\).*/\1/p' "$W/base.4")"
	expect_state 4 "after the name was set back"
}

# Microseconds since the epoch (coreutils' date; awk subtracts them exactly, below 2^53).
now_us() { "$RES_LIB/date" +%s%6N; }

# release-timing: poststop of the same claim (VF 6, MTU 1400, an address) with "restore" and with
# "rebind", alternating which goes first, RELEASE_REPS times each, or fewer where the guest is so
# slow (a loaded host) that RELEASE_BUDGET seconds pass first: the test's timeout is 120 s. Prints
# the samples (µs) as "# release-timing|MODE|S1 S2 ..." for make bench, the rebind step alone from
# the hook's log, and medians and p95 (nearest rank).
RELEASE_REPS=${RELEASE_REPS:-20}
RELEASE_BUDGET=75
test_release_timing() {
	local rcfg i m order pid b t0 t1 s start
	[ -x "$RES_LIB/date" ] || fail "no $RES_LIB/date in the initramfs (run.sh copies coreutils' date)"
	rcfg=$(rebind_cfg)
	: >"$W/t.restore"
	: >"$W/t.rebind"
	start=$(uptime_s)
	i=1
	while [ $i -le "$RELEASE_REPS" ]; do
		if [ $i -gt 5 ] && awk -v a="$start" -v b="$(uptime_s)" -v l=$RELEASE_BUDGET 'BEGIN { exit !(b - a > l) }'; then
			note "stopped after $((i - 1)) repetitions: $RELEASE_BUDGET s passed"
			break
		fi
		order="restore rebind"
		[ $((i % 2)) = 0 ] && order="rebind restore"
		for m in $order; do
			pid=$(new_netns)
			b=$W/b-t-$m-$i
			mk_bundle "$b" - pf=$PF vf=6 ifname=net1 mtu=1400 ip=10.66.6.2/24
			HOOK_CFG=$CFG
			[ $m = rebind ] && HOOK_CFG=$rcfg
			hook_ok createRuntime "vm-t-$m-$i" "$b" "$pid"
			t0=$(now_us)
			hook_ok poststop "vm-t-$m-$i" "$b"
			t1=$(now_us)
			HOOK_CFG=""
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d ", b - a }' >>"$W/t.$m"
			kill "$pid"
			expect_state 6 "after poststop ($m, rep $i)"
		done
		i=$((i + 1))
	done
	s=$(grep "rebound VF $(vf_pci 6) to igbvf in" "$HOOKLOG" | sed 's/.* in \([0-9]*\) ms.*/\1/' | tr '\n' ' ')
	[ "$(echo $s | wc -w)" = $((i - 1)) ] || fail "want $((i - 1)) rebinds in the hook's log, found: $s"
	for m in restore rebind; do
		echo "# release-timing|$m|$(cat "$W/t.$m")" | tee /dev/console
	done
	echo "# release-timing|probe-ms|$s" | tee /dev/console
	for m in restore rebind; do
		tr ' ' '\n' <"$W/t.$m" | grep . | sort -n | awk -v m="$m" '{ v[NR] = $1 }
			END { med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			      p = int(0.95 * NR); if (p < 0.95 * NR) p++
			      printf "# release-timing: poststop with release %s: n %d, median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms\n",
			             m, NR, med / 1000, v[p] / 1000, v[1] / 1000, v[NR] / 1000 }' | tee /dev/console
	done
}
