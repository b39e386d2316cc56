#!/bin/bash
# What a tenant leaves on its VF does not reach the next one. A container with CAP_NET_ADMIN in its
# namespace changes every kind of netdev state it can (flags, alias, txqueuelen, group,
# addrgenmode, MTU, MAC, altname, offload features, channels, rings, coalescing, pause, an XDP
# program in generic mode, a clsact qdisc with a BPF filter, a root qdisc, a vlan upper) and exits
# without undoing any; after poststop each kind reads on the host as before the claim. The table
# lists each kind: restored, LEFT, or not produced (this machine's kernel or driver cannot make
# it: never counted as passed).
# It runs three times: with the ethtool netlink family (the hook as it ships), with the family
# turned off (SRIOV_HOOK_ETHTOOL=ioctl) as on a kernel without it, and with a claim recorded by the
# ioctl way set back through the family; the hook's debug lines show which way each ethtool part
# went. Last, a part the driver refuses to set back is named in one line and the
# release still succeeds, the other kinds restored.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup residue "$REPO" "a 3e 1"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
CFG=$(standin_config residue)
VF=$(standin_vf_name a 0)
MAC=$(standin_vf_mac a 0)

# An XDP program that passes every packet, built for the kernel's BPF target where clang can.
XDP_OBJ=$SH_TMP/xdp_pass.o
printf '%s\n' '#include <linux/bpf.h>' '#include <bpf/bpf_helpers.h>' \
	'SEC("xdp") int pass(struct xdp_md *ctx) { return XDP_PASS; }' 'char _license[] SEC("license") = "GPL";' \
	>"$SH_TMP/xdp_pass.c"
clang -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine 2>/dev/null)" -c "$SH_TMP/xdp_pass.c" -o "$XDP_OBJ" \
	2>/dev/null || rm -f "$XDP_OBJ"

# kind | what the tenant runs in its namespace on IF | what is compared on the host on IF
KINDS=(
	"promisc|ip link set IF promisc on|cat /sys/class/net/IF/flags"
	"allmulticast|ip link set IF allmulticast on|cat /sys/class/net/IF/flags"
	"multicast|ip link set IF multicast off|cat /sys/class/net/IF/flags"
	"arp|ip link set IF arp off|cat /sys/class/net/IF/flags"
	"alias|ip link set IF alias tenantA|cat /sys/class/net/IF/ifalias"
	"txqueuelen|ip link set IF txqueuelen 77|cat /sys/class/net/IF/tx_queue_len"
	"group|ip link set IF group 7|cat /sys/class/net/IF/netdev_group"
	"addrgenmode|ip link set IF addrgenmode none|ip -d link show IF | grep -o 'addrgenmode [a-z_0-9]*'"
	"mtu|ip link set IF mtu 1280|cat /sys/class/net/IF/mtu"
	"mac|ip link set IF address 02:77:77:77:77:77|cat /sys/class/net/IF/address"
	"altname|ip link property add dev IF altname tenantalt|ip -o link show IF | grep -o 'altname [^ ]*'"
	"features|ethtool -K IF tso off gro off|ethtool -k IF | grep -v fixed"
	"channels|ethtool -L IF rx 2 tx 2|ethtool -l IF | sed -n '/Current/,\$p'"
	"rings|ethtool -G IF rx 64|ethtool -g IF | sed -n '/Current/,\$p'"
	"coalesce|ethtool -C IF rx-usecs 77|ethtool -c IF"
	"pause|ethtool -A IF rx off tx off|ethtool -a IF"
	"xdp|[ -s $XDP_OBJ ] && ip link set dev IF xdpgeneric obj $XDP_OBJ sec xdp|ip -d link show IF | grep -o 'prog/xdp[a-z]* id [0-9]*'"
	"tc-clsact+bpf|tc qdisc add dev IF clsact && tc filter add dev IF ingress bpf bytecode '1,6 0 0 0'|tc qdisc show dev IF; tc filter show dev IF ingress"
	"tc-root|tc qdisc add dev IF root handle 1: pfifo|tc qdisc show dev IF"
	"vlan-upper|ip link add link IF name IF.5 type vlan id 5|ip -o link show | grep -c '@IF:' || true"
)

probe() { bash -c "${1//IF/$VF}" 2>&1; }
LOG=$SH_TMP/residue.log
REAL_HOOK=$HOOK
# The hook with the ethtool netlink family turned off: runc's empty environment plus the switch.
printf '#!/bin/sh\nexec /usr/bin/env %s=ioctl "%s" "$@"\n' SRIOV_HOOK_ETHTOOL "$REAL_HOOK" >"$SH_TMP/hook-ioctl"
# The hook as it ships, but naming its way in the log (it is silent when all goes through netlink).
printf '#!/bin/sh\nexec /usr/bin/env %s=netlink "%s" "$@"\n' SRIOV_HOOK_ETHTOOL "$REAL_HOOK" >"$SH_TMP/hook-netlink"
chmod +x "$SH_TMP/hook-ioctl" "$SH_TMP/hook-netlink"
ETHTOOL_KINDS="features channels rings coalesce pause"

hook_of() { echo "$SH_TMP/hook-$1"; }
other_of() { if [ "$1" = netlink ]; then echo ioctl; else echo netlink; fi; }

# round NAME CLAIM RELEASE: a tenant leaves every kind, poststop returns the VF, and each kind is
# compared with before the claim; checks are named NAME/... . CLAIM and RELEASE are the ethtool
# ways of the two stages: netlink (the hook as it ships) or ioctl (the family turned off). The
# log lines of each stage must name its way for every ethtool part, and never the other.
round() {
	local name=$1 claim=$2 release=$3 row kind make look after lines start mid
	local -A BEFORE=() PRODUCED=()
	for row in "${KINDS[@]}"; do
		IFS='|' read -r kind _ look <<<"$row"
		BEFORE[$kind]=$(probe "$look")
	done
	start=$(cat "$LOG" 2>/dev/null | wc -l)

	HOOK=$(hook_of "$claim")
	ct_create "$name" "$CFG" pf="$PF" vf=0
	HOOK=$REAL_HOOK
	t_check "$name/setup/claimed" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	mid=$(wc -l <"$LOG")
	PID=$(ct_pid "$name")
	CIF=$(ns_links "$PID" | grep -i "$MAC" | awk -F': ' '{sub(/@.*/, "", $2); print $2}')
	t_check "$name/setup/in_container" "links: $(ns_links "$PID")" -n "$CIF"
	for row in "${KINDS[@]}"; do
		IFS='|' read -r kind make _ <<<"$row"
		if nsenter -t "$PID" -n bash -c "${make//IF/$CIF}" >/dev/null 2>&1; then PRODUCED[$kind]=1; fi
	done
	ct_kill "$name"
	HOOK=$(hook_of "$release")
	ct_poststop "$name" "$CFG"
	HOOK=$REAL_HOOK
	t_check "$name/release/ok" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

	echo "# residue kind ($name) | result"
	for row in "${KINDS[@]}"; do
		IFS='|' read -r kind _ look <<<"$row"
		if [ -z "${PRODUCED[$kind]:-}" ]; then
			printf '# %-17s | not produced\n' "$kind"
			continue
		fi
		after=$(probe "$look")
		if [ "$after" = "${BEFORE[$kind]}" ]; then
			printf '# %-17s | restored\n' "$kind"
			t_pass "$name/restored/$kind"
		else
			printf '# %-17s | LEFT\n' "$kind"
			t_fail "$name/restored/$kind" "before: ${BEFORE[$kind]} | after: $after"
		fi
	done
	t_empty "$name/end/vf_as_created" "stand-in" "$(standin_vf_problems a 0)"

	# Which way: the claim read the ethtool state through CLAIM's way; the release read it and
	# set back each part the tenant changed through RELEASE's, each through that way only.
	lines=$(sed -n "$((start + 1)),${mid}p" "$LOG" | grep -o 'ethtool: .*')
	printf '# claim:   %s\n' "${lines//$'\n'/$'\n'# claim:   }"
	t_contains "$name/way/claim_read" "$lines" "ethtool: $VF: read features" "the claim's log"
	t_contains "$name/way/claim_$claim" "$lines" "through $claim" "the claim's log"
	t_lacks "$name/way/claim_not_$(other_of "$claim")" "$lines" "through $(other_of "$claim")" "the claim's log"
	lines=$(tail -n +$((mid + 1)) "$LOG" | grep -o 'ethtool: .*')
	printf '# release: %s\n' "${lines//$'\n'/$'\n'# release: }"
	t_lacks "$name/way/release_not_$(other_of "$release")" "$lines" "through $(other_of "$release")" "the release's log"
	for kind in $ETHTOOL_KINDS; do
		[ -n "${PRODUCED[$kind]:-}" ] || continue
		t_contains "$name/way/$kind" "$lines" "ethtool: $VF: set back $kind through $release" "the release's log"
	done
}

round netlink netlink netlink
round ioctl ioctl ioctl
# A claim recorded by the ioctl way (as every record before the family was used), set back
# through the family: the words of each part are the same either way.
round upgrade ioctl netlink

# A part the driver refuses to set back. veth refuses more tx channels than its peer has rx queues
# while the peer runs a native XDP program: the host had 2 channels each way, the tenant leaves 1,
# and the host side (the peer) attaches such a program before the release.
PEER=${VF}x
refused_release() {
	local flags_before lines
	if [ ! -s "$XDP_OBJ" ] || ! ethtool -L "$VF" rx 2 tx 2 >/dev/null 2>&1; then
		echo "# refused channels  | not produced (no BPF compiler or no veth channels)"
		return
	fi
	standin_atexit "ip link set dev $PEER xdpdrv off; ethtool -L $VF rx 1 tx 1"
	flags_before=$(cat "/sys/class/net/$VF/flags")
	ct_create refused "$CFG" pf="$PF" vf=0
	t_check refused/setup/claimed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	PID=$(ct_pid refused)
	CIF=$(ns_links "$PID" | grep -i "$MAC" | awk -F': ' '{sub(/@.*/, "", $2); print $2}')
	if ! nsenter -t "$PID" -n sh -c "ethtool -L $CIF rx 1 tx 1 && ip link set $CIF promisc on" ||
		! ip link set dev "$PEER" xdpdrv obj "$XDP_OBJ" sec xdp; then
		echo "# refused channels  | not produced (the tenant or the peer could not be set)"
		ct_kill refused
		ct_poststop refused "$CFG"
		return
	fi
	local start
	start=$(wc -l <"$LOG")
	ct_kill refused
	ct_poststop refused "$CFG"
	t_check refused/release/ok "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	t_empty refused/release/vf_returned "stand-in" "$(standin_vf_problems a 0)"
	lines=$(tail -n +$((start + 1)) "$LOG")
	t_contains refused/logged "$lines" "$VF: cannot reset the channels the holder left: set ethtool channels of $VF back: Invalid argument" "the release's log"
	t_check refused/others_restored "flags $(cat "/sys/class/net/$VF/flags"), were $flags_before" \
		"$(cat "/sys/class/net/$VF/flags")" = "$flags_before"
	echo "# refused channels  | $(ethtool -l "$VF" | sed -n '/Current/,$p' | awk '/^(RX|TX):/ {printf "%s%s ", $1, $2}')left, logged"
	ip link set dev "$PEER" xdpdrv off
	ethtool -L "$VF" rx 1 tx 1
}
refused_release
t_end
