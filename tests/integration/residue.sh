#!/bin/bash
# What a tenant leaves on its VF does not reach the next one. A container with CAP_NET_ADMIN in its
# namespace changes every kind of netdev state it can (flags, alias, txqueuelen, group,
# addrgenmode, MTU, MAC, altname, offload features, channels, rings, coalescing, pause, an XDP
# program in generic mode, a clsact qdisc with a BPF filter, a root qdisc, a vlan upper) and exits
# without undoing any; after poststop each kind reads on the host as before the claim. The table
# lists each kind: restored, LEFT, or not produced (this machine's kernel or driver cannot make
# it: never counted as passed).
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
declare -A BEFORE PRODUCED
for row in "${KINDS[@]}"; do
	IFS='|' read -r kind _ look <<<"$row"
	BEFORE[$kind]=$(probe "$look")
done

ct_create tenant "$CFG" pf="$PF" vf=0
t_check setup/claimed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
PID=$(ct_pid tenant)
CIF=$(ns_links "$PID" | grep -i "$MAC" | awk -F': ' '{sub(/@.*/, "", $2); print $2}')
t_check setup/in_container "links: $(ns_links "$PID")" -n "$CIF"
for row in "${KINDS[@]}"; do
	IFS='|' read -r kind make _ <<<"$row"
	if nsenter -t "$PID" -n bash -c "${make//IF/$CIF}" >/dev/null 2>&1; then PRODUCED[$kind]=1; fi
done
ct_kill tenant
ct_poststop tenant "$CFG"
t_check release/ok "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0

echo "# residue kind      | result"
for row in "${KINDS[@]}"; do
	IFS='|' read -r kind _ look <<<"$row"
	if [ -z "${PRODUCED[$kind]:-}" ]; then
		printf '# %-17s | not produced\n' "$kind"
		continue
	fi
	after=$(probe "$look")
	if [ "$after" = "${BEFORE[$kind]}" ]; then
		printf '# %-17s | restored\n' "$kind"
		t_pass "restored/$kind"
	else
		printf '# %-17s | LEFT\n' "$kind"
		t_fail "restored/$kind" "before: ${BEFORE[$kind]} | after: $after"
	fi
done
t_empty end/vf_as_created "stand-in" "$(standin_vf_problems a 0)"
t_end
