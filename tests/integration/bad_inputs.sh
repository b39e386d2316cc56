#!/bin/bash
# Bad inputs, table-driven: each malformed state, config.json, annotation, config file or command
# line is refused with a non-zero exit and one line naming what is wrong, and has no side effect:
# no file or mount under the state dir, the stand-in VFs untouched on the host, the container's
# netns as it was, no new nsfs mount anywhere.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup bad_inputs "$REPO" "a 3b 4"
PF=$(standin_pf_name a)
PFPCI=$(standin_pf_pci a)
VF0=$(standin_vf_name a 0)
CFG=$(standin_config bad)
STATE=$(standin_state_dir bad)
# nsfs mounts this test could be blamed for: under its temp dir or the default state dir.
my_nsfs() { awk -v d="$SH_TMP/" '$3 == "nsfs" && (index($2, d) == 1 || index($2, "/run/sriov-hook/") == 1) {print $2}' /proc/self/mounts; }
NSFS0=$(my_nsfs | wc -l)
N=0

# bad NAME PATTERN [--state JSON] [--spec PYTHON] [--cfg JSON] [--args ARGS] [--setup CMD]
#     [--undo CMD] [-- annotation...]
# Runs the hook for container NAME (own netns process, bare bundle with the annotations).
#   --state  the stdin instead of the usual state; @PID@ and @BUNDLE@ are replaced
#   --spec   python editing the bundle's config.json (`c`; `raw = "..."` writes text; `c = None`
#            removes the file)
#   --cfg    the config file's content instead of the usual one; @STATE@ @SYSFS@ @LOG@ replaced
#   --args   the hook's arguments instead of "--config CFG createRuntime"; @CFG@ replaced
#   --setup/--undo  commands run before/after the hook (undo before the side-effect checks)
# PATTERN: extended regex, case-insensitive, that the one-line message must match, after its
# "sriov-hook: <id>: <stage>: " prefix and with the bundle's path (which holds NAME too) read as
# "..." (t_message): neither the id nor a path may satisfy it for the message.
bad() {
	local name=$1 pat=$2 state="" spec="" cfgjson="" args="" setup="" undo="" cfg=$CFG
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		--state) state=$2 ;;
		--spec) spec=$2 ;;
		--cfg) cfgjson=$2 ;;
		--args) args=$2 ;;
		--setup) setup=$2 ;;
		--undo) undo=$2 ;;
		*) echo "bad: unknown option $1" >&2; exit 2 ;;
		esac
		shift 2
	done
	[ "${1:-}" = -- ] && shift
	N=$((N + 1))
	ct_prepare "$name" "$@"
	local pid=$CT_PID bundle=$CT_BUNDLE
	[ -n "$spec" ] && bundle_edit "$bundle" "$spec"
	if [ -n "$cfgjson" ]; then
		cfg=$SH_TMP/case$N.config.json # not named after the case: messages quote it
		cfgjson=${cfgjson//@STATE@/$STATE}
		cfgjson=${cfgjson//@SYSFS@/$SH_SYSFS}
		printf '%s\n' "${cfgjson//@LOG@/$SH_TMP/bad.log}" >"$cfg"
	fi
	if [ -n "$state" ]; then
		state=${state//@PID@/$pid}
		state=${state//@BUNDLE@/$bundle}
	else
		state=$(hook_state "$name" "$pid" "$bundle")
	fi
	local argv=(--config "$cfg" createRuntime)
	if [ -n "$args" ]; then
		args=${args//@CFG@/$CFG}
		read -r -a argv <<<"$args"
	fi
	[ -n "$setup" ] && eval "$setup"
	hook_run "" "" "$state" "${argv[@]}"
	[ -n "$undo" ] && eval "$undo"

	t_check "$name/exit_nonzero" "exited 0; stderr: $HOOK_ERR" "$HOOK_RC" != 0
	t_message "$name/message" "$pat" "" "" "$bundle"
	local side
	side=$(standin_vf_problems a)$(standin_state_residue "$STATE")
	[ "$(my_nsfs | wc -l)" = "$NSFS0" ] || side="$side nsfs mounts: $(my_nsfs | tr '\n' ' ')"
	[ "$(ns_links "$pid" | grep -c .)" = 1 ] || side="$side container links: $(ns_links "$pid" | awk -F': ' '{print $2}' | tr '\n' ' ')"
	t_empty "$name/no_side_effect" "side effects" "$side"
	# A wrongly accepted input must not spoil the next cases.
	[ "$HOOK_RC" = 0 ] && ct_poststop "$name" "$CFG"
	ct_kill "$name"
	# ...nor leftovers (already reported above).
	if [ -n "$(standin_state_residue "$STATE")" ]; then
		awk -v d="$STATE/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | xargs -r -n1 umount -l
		find "$STATE" -mindepth 1 ! -type d -delete
	fi
}

# A positive control first: the baseline request works, so refusals below are about their input.
ct_create control "$CFG" pf="$PF" vf=0 ip=10.95.0.2/24
t_check control/baseline_succeeds "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_poststop control "$CFG"
t_check control/baseline_poststop "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty control/baseline_clean "after poststop" "$(standin_vf_problems a)$(standin_state_residue "$STATE")"
ct_kill control

# --- the state on stdin
bad state_malformed 'state|json|parse|syntax' --state '{"ociVersion":"1.0.2","id":"state_malformed",' -- pf="$PF" vf=0
bad state_not_object 'state|object|json' --state '[1, 2]' -- pf="$PF" vf=0
bad state_empty 'state|empty|json|stdin' --state ' ' -- pf="$PF" vf=0
bad state_missing_id '\bid\b' --state '{"ociVersion":"1.0.2","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_missing_bundle 'bundle' --state '{"ociVersion":"1.0.2","id":"state_missing_bundle","status":"creating","pid":@PID@}' -- pf="$PF" vf=0
bad state_id_unsafe '\bid\b' --state '{"ociVersion":"1.0.2","id":"../evil","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_id_not_string '\bid\b' --state '{"ociVersion":"1.0.2","id":42,"status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_no_pid 'pid' --state '{"ociVersion":"1.0.2","id":"state_no_pid","status":"creating","bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_pid_not_number 'pid' --state '{"ociVersion":"1.0.2","id":"state_pid_not_number","status":"creating","pid":"@PID@","bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_bundle_missing 'bundle|config\.json|no-such-bundle' --state '{"ociVersion":"1.0.2","id":"state_bundle_missing","status":"creating","pid":@PID@,"bundle":"/no-such-bundle"}' -- pf="$PF" vf=0
bad state_id_slash 'container id "a/b" has a character other than' --state '{"ociVersion":"1.0.2","id":"a/b","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_id_dotdot 'container id "\.\." begins with a dot' --state '{"ociVersion":"1.0.2","id":"..","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_id_control 'container id "a\\x1bb" has a character other than' --state '{"ociVersion":"1.0.2","id":"a\u001bb","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_id_1000 'container id "a{32}\.\.\." is longer than 200 characters' --state '{"ociVersion":"1.0.2","id":"'"$(printf 'a%.0s' {1..1000})"'","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_id_escaped_nul '^OCI state has a string or key with an escaped NUL' --state '{"ociVersion":"1.0.2","id":"abc\u0000../x","status":"creating","pid":@PID@,"bundle":"@BUNDLE@"}' -- pf="$PF" vf=0
bad state_too_big '^read OCI state from stdin: more than 1048576 bytes$' --state "$(printf '%1100000s' '{}')" -- pf="$PF" vf=0
bad state_annotation_wins 'io\.sriov\.vlan' --state '{"ociVersion":"1.0.2","id":"state_annotation_wins","status":"creating","pid":@PID@,"bundle":"@BUNDLE@","annotations":{"io.sriov.pf":"'"$PF"'","io.sriov.vf":"0","io.sriov.vlan":"5000"}}' -- pf="$PF" vf=0

# --- the bundle's config.json
bad spec_malformed 'config\.json' --spec 'raw = "{\"annotations\": "' -- pf="$PF" vf=0
bad spec_missing 'config\.json' --spec 'import os; os.remove(path); c = None' -- pf="$PF" vf=0
bad spec_fifo 'config\.json: not a regular file \(a FIFO\)' --spec 'os.remove(path); os.mkfifo(path); c = None' -- pf="$PF" vf=0
bad spec_dev_zero 'config\.json: not a regular file \(a character device\)' --spec 'os.remove(path); os.symlink("/dev/zero", path); c = None' -- pf="$PF" vf=0
bad spec_1gib 'config\.json has 1073741824 bytes, more than the 4194304 allowed' --spec 'os.truncate(path, 1 << 30); c = None' -- pf="$PF" vf=0
bad spec_annotation_1mib 'annotation io\.sriov\.ip has 1048576 bytes: give at most 4096' --spec 'c["annotations"]["io.sriov.ip"] = "1" * (1 << 20)' -- pf="$PF" vf=0
bad spec_annotations_not_object 'annotations' --spec 'c["annotations"] = ["io.sriov.pf"]' -- pf="$PF" vf=0
bad spec_annotation_not_string 'io\.sriov\.vf' --spec 'c["annotations"]["io.sriov.vf"] = 0' -- pf="$PF" vf=0
bad spec_host_network 'host|network namespace|netns' --spec 'c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "mount"}]' -- pf="$PF" vf=0
bad spec_no_linux 'host|network namespace|netns|linux' --spec 'del c["linux"]' -- pf="$PF" vf=0
bad spec_netns_relative 'path|relative|absolute|netns|namespace' --spec 'c["linux"]["namespaces"] = [{"type": "network", "path": "netns/x"}]' -- pf="$PF" vf=0

# --- annotations
bad ann_unknown_key 'io\.sriov\.colour' -- pf="$PF" vf=0 colour=red
bad ann_typo_key 'io\.sriov\.vlan_id' -- pf="$PF" vf=0 vlan_id=10
bad ann_vlan_too_big 'io\.sriov\.vlan' -- pf="$PF" vf=0 vlan=4096
bad ann_vlan_negative 'io\.sriov\.vlan' -- pf="$PF" vf=0 vlan=-1
bad ann_vlan_not_number 'io\.sriov\.vlan' -- pf="$PF" vf=0 vlan=ten
bad ann_qos_too_big 'io\.sriov\.qos' -- pf="$PF" vf=0 vlan=10 qos=8
bad ann_qos_without_vlan 'io\.sriov\.qos' -- pf="$PF" vf=0 qos=3
bad ann_qos_vlan_0 'io\.sriov\.qos' -- pf="$PF" vf=0 vlan=0 qos=3
bad ann_vlan_proto 'io\.sriov\.vlan_proto' -- pf="$PF" vf=0 vlan=10 vlan_proto=802.1x
bad ann_mtu_too_small 'io\.sriov\.mtu' -- pf="$PF" vf=0 mtu=67
bad ann_mtu_too_big 'io\.sriov\.mtu' -- pf="$PF" vf=0 mtu=65536
bad ann_mtu_trailing 'io\.sriov\.mtu' -- pf="$PF" vf=0 mtu=1500x
bad ann_vf_negative 'io\.sriov\.vf' -- pf="$PF" vf=-1
bad ann_vf_word 'io\.sriov\.vf' -- pf="$PF" vf=first
bad ann_vf_empty 'io\.sriov\.vf' -- pf="$PF" vf=
bad ann_vf_pci_malformed 'io\.sriov\.vf' -- pf="$PF" vf=0000:3b:10
bad ann_vf_beyond_numvfs 'numvfs|vf[^0-9]*4|4[^0-9].*vf' -- pf="$PF" vf=4
bad ann_vf_pci_unknown '0000:99:10\.0' -- vf=0000:99:10.0
bad ann_vf_pci_is_pf "$PFPCI|not a vf|physfn|virtual function" -- vf="$PFPCI"
bad ann_pf_missing 'nosuchpf0' -- pf=nosuchpf0 vf=0
bad ann_pf_not_in_sysfs "${SH_PREFIX}aq" -- pf="${SH_PREFIX}aq" vf=0
bad ann_pf_pci_unknown '0000:77:00\.0' -- pf=0000:77:00.0 vf=0
bad ann_vf_without_pf 'io\.sriov\.pf' -- vf=0
bad ann_mac_multicast 'io\.sriov\.mac' -- pf="$PF" vf=0 mac=01:00:5e:00:00:01
bad ann_mac_broadcast 'io\.sriov\.mac' -- pf="$PF" vf=0 mac=ff:ff:ff:ff:ff:ff
bad ann_mac_short 'io\.sriov\.mac' -- pf="$PF" vf=0 mac=02:00:00:00:00
bad ann_mac_garbage 'io\.sriov\.mac' -- pf="$PF" vf=0 mac=zz:00:00:00:00:01
bad ann_ip_octet 'io\.sriov\.ip' -- pf="$PF" vf=0 ip=10.0.0.300/24
bad ann_ip_prefix 'io\.sriov\.ip' -- pf="$PF" vf=0 ip=10.0.0.1/33
bad ann_ip_no_prefix 'io\.sriov\.ip' -- pf="$PF" vf=0 ip=10.0.0.1
bad ann_ip6_prefix 'io\.sriov\.ip' -- pf="$PF" vf=0 ip=fd00::1/129
bad ann_ip_empty_item 'io\.sriov\.ip' -- pf="$PF" vf=0 ip=10.0.0.1/24,
bad ann_gateway_without_ip 'io\.sriov\.gateway' -- pf="$PF" vf=0 gateway=10.0.0.1
bad ann_gateway_malformed 'io\.sriov\.gateway' -- pf="$PF" vf=0 ip=10.0.0.2/24 gateway=10.0.0.256
bad ann_gateway_cidr 'io\.sriov\.gateway' -- pf="$PF" vf=0 ip=10.0.0.2/24 gateway=10.0.0.1/24
bad ann_rate_min_over_max 'min_tx_rate|max_tx_rate' -- pf="$PF" vf=0 min_tx_rate=200 max_tx_rate=100
bad ann_rate_word 'io\.sriov\.max_tx_rate' -- pf="$PF" vf=0 max_tx_rate=fast
bad ann_spoofchk 'io\.sriov\.spoofchk' -- pf="$PF" vf=0 spoofchk=maybe
bad ann_trust 'io\.sriov\.trust' -- pf="$PF" vf=0 trust=yes
bad ann_link_state 'io\.sriov\.link_state' -- pf="$PF" vf=0 link_state=up
bad ann_ifname_long 'io\.sriov\.ifname' -- pf="$PF" vf=0 ifname=averyveryverylongname
bad ann_ifname_slash 'io\.sriov\.ifname' -- pf="$PF" vf=0 ifname=a/b

# --- the VF's state on the host
bad vf_vfio_driver 'vfio|driver|netdev' --setup 'standin_vf_set_driver a 0 vfio-pci' \
	--undo 'standin_vf_set_driver a 0 igbvf' -- pf="$PF" vf=0
bad vf_host_in_use "in use|address|$VF0" --setup "ip addr add 10.96.0.1/24 dev $VF0; ip link set $VF0 up" \
	--undo "ip addr flush dev $VF0; ip link set $VF0 down" -- pf="$PF" vf=0

# --- the config file
bad cfg_unknown_key 'bogus_key' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "@LOG@", "bogus_key": 1}' -- pf="$PF" vf=0
bad cfg_malformed 'config|json|parse' --cfg '{"state_dir": "@STATE@", ' -- pf="$PF" vf=0
bad cfg_not_object 'config|object' --cfg '["@STATE@"]' -- pf="$PF" vf=0
bad cfg_state_dir_type 'state_dir' --cfg '{"state_dir": 5, "sysfs_root": "@SYSFS@", "log": "@LOG@"}' -- pf="$PF" vf=0
bad cfg_state_dir_relative 'state_dir' --cfg '{"state_dir": "run/sh", "sysfs_root": "@SYSFS@", "log": "@LOG@"}' -- pf="$PF" vf=0
bad cfg_log_relative '\blog\b' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "rel.log"}' -- pf="$PF" vf=0
bad cfg_allowed_pfs_type 'allowed_pfs' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "@LOG@", "allowed_pfs": "'"$PF"'"}' -- pf="$PF" vf=0
bad cfg_timeout_negative 'poststop_timeout_ms' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "@LOG@", "poststop_timeout_ms": -1}' -- pf="$PF" vf=0
bad cfg_pf_not_allowed 'allow' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "@LOG@", "allowed_pfs": ["other0", "0000:77:00.0"]}' -- pf="$PF" vf=0
bad cfg_pf_pci_not_allowed 'allow' --cfg '{"state_dir": "@STATE@", "sysfs_root": "@SYSFS@", "log": "@LOG@", "allowed_pfs": ["other0"]}' -- vf="$(standin_vf_pci a 0)"
bad cfg_fifo 'cfg\.fifo: not a regular file \(a FIFO\)' --args "--config $SH_TMP/cfg.fifo createRuntime" \
	--setup "mkfifo $SH_TMP/cfg.fifo" --undo "rm -f $SH_TMP/cfg.fifo" -- pf="$PF" vf=0
bad cfg_dev_zero '/dev/zero: not a regular file' --args "--config /dev/zero createRuntime" -- pf="$PF" vf=0
bad cfg_missing_file 'no-such-config' --args "--config $SH_TMP/no-such-config.json createRuntime" -- pf="$PF" vf=0

# --- the command line
bad args_bad_stage 'prestart' --args '--config @CFG@ prestart' -- pf="$PF" vf=0
bad args_unknown_stage 'frobnicate' --args '--config @CFG@ frobnicate' -- pf="$PF" vf=0
bad args_no_stage 'usage|stage' --args '--config @CFG@' -- pf="$PF" vf=0
bad args_two_stages 'usage|argument|stage|poststop' --args '--config @CFG@ createRuntime poststop' -- pf="$PF" vf=0
bad args_unknown_option 'bogus' --args '--config @CFG@ --bogus createRuntime' -- pf="$PF" vf=0
bad args_config_no_value 'config|usage' --args '--config' -- pf="$PF" vf=0

t_check table_size "only $N bad inputs" "$N" -ge 30

# allowed_pfs admits a PF by name and by PCI address.
for how in "$PF" "$PFPCI"; do
	c=$(standin_config allowed "\"allowed_pfs\": [\"other0\", \"$how\"]")
	ct_create allowed "$c" pf="$PF" vf=1
	t_check "allowed_pfs/$how/admits" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	ct_poststop allowed "$c"
	t_empty "allowed_pfs/$how/clean" "after poststop" "$(standin_vf_problems a)$(standin_state_residue "$(standin_state_dir allowed)")"
	ct_kill allowed
done

t_end
