#!/bin/bash
# Every refusal that names a fix reaches the user whole (issue 20.6). "Every" is checked, not
# claimed: tests/tools/refusals.py reads src/ and hook/ and lists each message (a literal given to
# sh_err, sh_err_errno or snprintf) that carries a fix, i.e. has after a clause break (": ", "; ",
# "(", " or ", " then ") a command in backquotes or an instruction word of its FIX_WORDS ("run ",
# "give ", "set ", "modprobe ", "see " ...). Each has an identity (file + first words, e.g.
# hook/pick:pf-has-no-vfs-enabled-sriov). This table has one row per identity: rendered for real
# (hook createRuntime/poststop, sriov-runc create, sriovctl) with a 200-character configuration
# path so that a prefix cut or a fixed buffer would show, and checked to be one line that ends with
# its full fix; or excluded below with its reason. The check fails when a refusal of the source has
# no row, and when a row names an identity no message has any more. Rows may also render messages
# outside that set (a parse error's line and column is what the user needs there).
# A vfio refusal was cut at 160 bytes ("give it a vfio pool's CDI device: `srio").
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup refusals "$REPO" "a 5c 3" "b 5d 0"
. "$REPO/tests/lib/fakevfio.sh"
CTL=$REPO/build/sriovctl
RUNC_WRAPPER=$(dirname "$HOOK")/sriov-runc
PFA=$(standin_pf_name a)
PFB=$(standin_pf_name b)
echo 7 >"$SH_SYSFS/devices/pci0000:00/0000:5d:00.0/sriov_totalvfs"
fakevfio_setup a

# A configuration under a 200-character directory: every message that quotes it is long.
LONG=$SH_TMP/$(printf 'long-directory-name-%.0s' {1..10})
mkdir -p "$LONG"
config() { # config NAME [JSON-MEMBER...]: standin_config's file, moved under LONG
	local f
	f=$(standin_config "$@")
	mv "$f" "$LONG/$1.json"
	echo "$LONG/$1.json"
}
CFG=$(config rf "\"dev_root\": \"$FAKEVFIO_DEV\"")
CFG_ALLOW=$(config rfa '"allowed_pfs": ["other0"]')
printf '{"state_dir": "%s",\n "log": "stderr",,}\n' "$SH_TMP/rfb.state" >"$LONG/broken.json"

ROWS=$SH_TMP/rows
: >"$ROWS"
# row ID: the table has a rendered row for refusal ID (an identity of tests/tools/refusals.py).
row() { echo "rendered $1" >>"$ROWS"; }
# exclude ID REASON...: refusal ID cannot be rendered by a user; the reason says why.
exclude() { echo "excluded $*" >>"$ROWS"; }

# ends CHECK LINE FIX: LINE is one line and ends with FIX (fixed strings).
ends() {
	local check=$1 line=$2 fix=$3
	if [ "$(printf '%s\n' "$line" | grep -c .)" != 1 ]; then
		t_fail "$check" "not one line: $line"
	elif [ "${line%"$fix"}" = "$line" ]; then
		t_fail "$check" "does not end with its fix '$fix': $line"
	else
		t_pass "$check"
	fi
}

# hook NAME ID CONFIG FIX [annotation...]: createRuntime refuses with one line ending with FIX.
hook() {
	local name=$1 id=$2 cfg=$3 fix=$4
	shift 4
	row "$id"
	ct_create "$name" "$cfg" "$@"
	t_check "hook/$name/refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	ends "hook/$name/fix" "$HOOK_ERR" "$fix"
	ct_kill "$name"
}

# wrapper NAME ID CONFIG FIX [annotation...]: sriov-runc create refuses; the message in runc's log
# (what docker shows) ends with FIX.
wrapper() {
	local name=$1 id=$2 cfg=$3 fix=$4 b=$SH_TMP/wrap-$1
	shift 4
	row "$id"
	bundle_runc "$b" "$HOOK" "$cfg" "true" "$@" || { t_fail "wrapper/$name/bundle" "bundle_runc"; return; }
	bundle_edit "$b" 'c.pop("hooks", None)'
	mkdir -p "$SH_TMP/runc"
	SRIOV_HOOK_CONFIG=$cfg ${WRAP_PRE:-} "$RUNC_WRAPPER" --root "$SH_TMP/runc" --log "$b/runc.log" --log-format json \
		create --bundle "$b" --pid-file "$b/pid" "$name" </dev/null >/dev/null 2>"$b/err"
	t_check "wrapper/$name/refused" "sriov-runc create succeeded" $? != 0
	ends "wrapper/$name/fix" "$("$SH_PY" -c 'import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l)["msg"])' "$b/runc.log" 2>&1)" "$fix"
	"$REAL_RUNC" --root "$SH_TMP/runc" delete -f "$name" >/dev/null 2>&1
}
REAL_RUNC=$(command -v runc)

# ctl NAME ID FIX ARGS...: sriovctl fails; its stderr is one line ending with FIX. CTL_PRE, when
# set, is a command sriovctl runs under (a new PID namespace).
ctl() {
	local name=$1 id=$2 fix=$3 err
	shift 3
	row "$id"
	err=$(timeout 60 ${CTL_PRE:-} "$CTL" "$@" 2>&1 >/dev/null)
	t_check "sriovctl/$name/refused" "sriovctl $* succeeded" $? != 0
	ends "sriovctl/$name/fix" "$err" "$fix"
}

# ---- the table ----------------------------------------------------------------------------------
# Not renderable by a user (reviewed):
exclude hook/sriovctl:vf-s-or-file-s-could "summary line after the failed items' own lines (each its own row)"
exclude ctl/heal:vf-s-could-not-be-healed "summary line after the failed items' own lines (each its own row)"
exclude ctl/cdi:a-container-given-any-of-their "a warning of cdi generate (exit 0), not a refusal: vfio_group.sh checks it"
exclude hook/sriovctl:find-this-program-use-hook-path "internal: /proc/self/exe unreadable"
exclude hook/live:the-network-namespace-s-vfs-are "defensive: an attach into a namespace whose VFs another container holds makes the attacher a sharer (attach.c share()), so a claim always names it (tried by --netns and by --pid of another process there)"

# the hook, at createRuntime
hook novfs hook/pick:pf-has-no-vfs-enabled-sriov "$CFG" \
	"\`echo 7 > $SH_SYSFS/class/net/$PFB/device/sriov_numvfs\`" pf="$PFB" vf=auto
hook vfio_auto hook/usable:on-not-vfio-pci-a-vfio "$CFG" \
	"give it a vfio pool's CDI device: \`sriovctl vfs apply\` binds them))" pf="$PFA" vf=auto mode=vfio
hook vfio_one hook/usable:on-not-vfio-pci-a-vfio "$CFG" \
	"give it a vfio pool's CDI device: \`sriovctl vfs apply\` binds them)" pf="$PFA" vf=1 mode=vfio
hook allowed hook/pick:pf-is-not-in-allowed-pfs "$CFG_ALLOW" \
	"is not in allowed_pfs of $CFG_ALLOW (it allows: other0)" pf="$PFA" vf=auto
hook broken core/json:is-not-valid-json-at-line "$LONG/broken.json" "at line 2, column 18" pf="$PFA" vf=0
CFG_POOLS=$(config pools "\"pools\": {\"first\": [\"$PFA#0-1\"], \"second\": [\"$PFA#1-2\"]}")
hook two_pools input/pool:config-vf-of-is-in-pools "$CFG_POOLS" \
	"a VF belongs to one pool (the other's settings would be bypassed); remove it from one of them" pf="$PFA" vf=0
# the same CDI device twice: two createRuntime entries naming one VF
row hook/stage:the-same-cdi-device-is-asked
ct_prepare twice
bundle_edit "$CT_BUNDLE" "c['hooks'] = {'createRuntime': [{'path': '$HOOK', 'args': ['sriov-hook', '--config', '$CFG', '--pf', '$PFA', '--vf', '0', 'createRuntime']}] * 2}"
hook_run "$CFG" "" "$(hook_state twice "$(ct_pid twice)" "$CT_BUNDLE")" --pf "$PFA" --vf 0 createRuntime
t_check hook/twice/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/twice/fix "$HOOK_ERR" "is asked twice: give each --device once"
ct_kill twice
# an annotation for the slot of a CDI device, whose hook names the VF already
row input/request:slot-is-cdi-device-whose-hook
ct_prepare slot pf="$PFA"
bundle_edit "$CT_BUNDLE" "c['hooks'] = {'createRuntime': [{'path': '$HOOK', 'args': ['sriov-hook', '--config', '$CFG', '--pf', '$PFA', '--vf', '0', 'createRuntime']}]}"
hook_run "$CFG" "" "$(hook_state slot "$(ct_pid slot)" "$CT_BUNDLE")" --pf "$PFA" --vf 0 createRuntime
t_check hook/slot/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/slot/fix "$HOOK_ERR" "whose hook names its VF: give the container another device instead"
ct_kill slot
# an option the hook does not know
# main() adds the fix to every command-line error; the parser must not add it again
row hook/cmdline:unknown-option
ct_prepare opt pf="$PFA" vf=0
hook_run "$CFG" createRuntime "$(hook_state opt "$(ct_pid opt)" "$CT_BUNDLE")" --no-such-option
t_check hook/option/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/option/fix "$HOOK_ERR" "--no-such-option: unknown option (see sriov-hook --help)"
ct_kill opt

# sriov-runc create
VF1PCI=$(standin_vf_pci a 1)
DEVICES=$SH_SYSFS/devices/pci0000:00
mv "$DEVICES/$VF1PCI/iommu_group" "$SH_TMP/iommu_group.1"
wrapper iommu_off sys/vfio:has-no-iommu-group-the-iommu "$CFG" \
	"add intel_iommu=on (Intel) or amd_iommu=on (AMD) and iommu=pt to the kernel command line and reboot" \
	pf="$PFA" vf=1 mode=vfio
mv "$SH_TMP/iommu_group.1" "$DEVICES/$VF1PCI/iommu_group"
GROUP1=$(basename "$(readlink "$DEVICES/$VF1PCI/iommu_group")")
OTHER=0000:5c:00.7
mkdir -p "$DEVICES/$OTHER"
ln -sfn ../../../bus/pci/drivers/igb "$DEVICES/$OTHER/driver"
ln -sfn "../../../../devices/pci0000:00/$OTHER" "$SH_SYSFS/kernel/iommu_groups/$GROUP1/devices/$OTHER"
wrapper shared_group sys/vfio:iommu-group-of-also-holds-so "$CFG" \
	"so the group is not viable: unbind it or bind it to vfio-pci" pf="$PFA" vf=1 mode=vfio
rm -f "$SH_SYSFS/kernel/iommu_groups/$GROUP1/devices/$OTHER"
rm -rf "${DEVICES:?}/$OTHER"
mv "$SH_SYSFS/bus/pci/drivers/vfio-pci" "$SH_TMP/vfio-pci.driver"
wrapper no_vfio_pci sys/vfio:bind-vfio-pci-is-not-loaded "$CFG" "vfio-pci is not loaded: modprobe vfio-pci" \
	pf="$PFA" vf=1 mode=vfio
mv "$SH_TMP/vfio-pci.driver" "$SH_SYSFS/bus/pci/drivers/vfio-pci"
wrapper broken core/json:is-not-valid-json-at-line "$LONG/broken.json" "at line 2, column 18" pf="$PFA" vf=1 mode=vfio
# a VF of the group is open (a VM's, DPDK's): a vfio claim takes the whole group, so it refuses
VF2PCI=$(standin_vf_pci a 2)
GROUP2=$(basename "$(readlink "$DEVICES/$VF2PCI/iommu_group")")
fakevfio_share a 1 2
standin_vf_set_driver a 2 vfio-pci
echo 1 >"$DEVICES/$VF2PCI/enable"
wrapper group_open hook/attach:iommu-group-of-of-the-same "$CFG" "the group is in use; stop that user first" \
	pf="$PFA" vf=1 mode=vfio
echo 0 >"$DEVICES/$VF2PCI/enable"
standin_vf_set_driver a 2 igbvf
fakevfio_unshare a 2 "$GROUP2"
# no runc where the wrapper looks: each is hidden by a non-executable file in a mount namespace
WRAP_PRE="unshare -m --propagation private $SH_TMP/hide-runc"
printf '#!/bin/sh\nfor p in /usr/sbin/runc /usr/bin/runc /usr/local/sbin/runc /usr/local/bin/runc; do\n\t[ -e "$p" ] && mount --bind /dev/null "$p"\ndone\nexec "$@"\n' >"$SH_TMP/hide-runc"
chmod +x "$SH_TMP/hide-runc"
wrapper no_runc runc/wrapper:no-runc-found-in-set-runc "$CFG" "; set \"runc\" in the config file" \
	pf="$PFA" vf=auto
WRAP_PRE=""

# sriovctl
ctl cdi_usage hook/sriovctl:expected-cdi-generate-see-sriovctl-help "expected \"cdi generate\" (see sriovctl --help)" \
	--config "$CFG" cdi make
ctl vfs_usage hook/sriovctl:expected-vfs-apply-see-sriovctl-help "expected \"vfs apply\" (see sriovctl --help)" \
	--config "$CFG" vfs make
ctl metrics_arg hook/sriovctl:unexpected-argument-see-sriovctl-help "unexpected argument \"extra\" (see sriovctl --help)" \
	--config "$CFG" metrics extra
ctl gc_arg hook/sriovctl:unexpected-argument-see-sriovctl-help#2 "unexpected argument \"extra\" (see sriovctl --help)" \
	--config "$CFG" gc extra
ctl heal_option ctl/heal:unknown-option-see-sriovctl-8 "unknown option --no-such-option (see sriovctl(8))" \
	--config "$CFG" heal --no-such-option
ctl detach_option ctl/live:unknown-option-see-sriovctl-8 "unknown option --no-such-option (see sriovctl(8))" \
	--config "$CFG" detach --pid 1 --no-such-option x
ctl attach_unknown ctl/live:unknown-container-no-claim-names-it \
	"no claim names it nor does $LONG/runc (--root): give --pid" \
	--config "$CFG" attach --root "$LONG/runc" --pf "$PFA" --vf auto no-such-container
ctl metrics_no_dir ctl/metrics:write-the-directory-does-not-exist "or give --output a file in one that does" \
	--config "$CFG" metrics --output "$LONG/none/sriov.prom"
ctl cdi_output_dir ctl/output:output-not-a-regular-file-refusing "refusing to replace it (use - for standard output)" \
	--config "$CFG" cdi generate --output "$LONG"
ctl cdi_broken core/json:is-not-valid-json-at-line "at line 2, column 18" \
	--config "$LONG/broken.json" cdi generate --output "$SH_TMP/x.json"
PCIA=$(standin_pf_pci a)
CFG_TWICE=$(config twice "\"pfs\": {\"$PFA\": {\"numvfs\": 3}, \"$PCIA\": {\"numvfs\": 3}}")
ctl vfs_one_pf ctl/vfs:config-pfs-and-are-one-pf "are one PF ($PCIA): give it once" --config "$CFG_TWICE" vfs apply

# vfs apply while a VF of the PF is held, locked, or claimed for a container that is gone
STATE=$(standin_state_dir rf)
VF0PCI=$(standin_vf_pci a 0)
CFG_NUM=$(config num "\"pfs\": {\"$PFA\": {\"numvfs\": 2}}")
CFG_POOL=$(config vpool "\"dev_root\": \"$FAKEVFIO_DEV\"" \
	"\"pools\": {\"dpdk\": {\"vfs\": [\"$PFA#1\"], \"driver\": \"vfio-pci\"}}")
# both name the state_dir of CFG (standin_config names it after the file; config() moves the file)
sed -i "s|$SH_TMP/num.state|$STATE|; s|$SH_TMP/vpool.state|$STATE|" "$CFG_NUM" "$CFG_POOL"
mkdir -p "$STATE/locks"
exec {LOCKFD}>"$STATE/locks/$VF0PCI.lock" # the test holds the VF's lock as a hook would
flock "$LOCKFD"
ctl vfs_locked ctl/vfs:a-hook-is-acting-on-vf "a hook is acting on VF 0 ($VF0PCI) right now: run vfs apply again" \
	--config "$CFG_NUM" vfs apply
exec {LOCKFD}>&-
exec {LOCKFD}>"$STATE/locks/$VF1PCI.lock" # the test holds the VF's lock as a hook would
flock "$LOCKFD"
ctl vfs_bind_locked ctl/vfs:a-hook-is-acting-on-it "a hook is acting on it right now: run vfs apply again" \
	--config "$CFG_POOL" vfs apply
exec {LOCKFD}>&-
ct_create hold "$CFG" pf="$PFA" vf=0
t_check setup/hold "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ctl vfs_held ctl/vfs:vf-is-held-by-container-stop "is held by container hold: stop it first" --config "$CFG_NUM" vfs apply
# gc from another PID namespace cannot tell whether the holder lives
CTL_PRE="unshare --pid --fork --mount-proc"
ctl gc_pidns hook/gc:vf-is-held-by-whose-pid \
	"so gc cannot tell whether it lives: run gc in the host's PID namespace (hostPID)" --config "$CFG" gc
CTL_PRE=""
ct_kill hold
ctl vfs_gone ctl/vfs:vf-is-still-claimed-for-container "which is gone: run sriovctl gc first" --config "$CFG_NUM" vfs apply
"$CTL" --config "$CFG" gc >/dev/null 2>&1

# poststop gives a vfio VF back to its driver, which is not loaded any more
row sys/vfio:is-not-loaded-modprobe
b=$SH_TMP/give
bundle_runc "$b" "$HOOK" "$CFG" true pf="$PFA" vf=1 mode=vfio >/dev/null
# (stderr to a file: the container's init keeps it open)
SRIOV_HOOK_CONFIG=$CFG "$RUNC_WRAPPER" --root "$SH_TMP/runc" create --bundle "$b" give </dev/null >/dev/null 2>"$b/err"
t_check poststop/give/setup "sriov-runc create: $(cat "$b/err")" $? = 0
mv "$SH_SYSFS/bus/pci/drivers/igbvf" "$SH_TMP/igbvf.driver"
hook_run "$CFG" poststop "$(hook_state give 0 "$b")"
t_check hook/give/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/give/fix "$HOOK_ERR" "igbvf is not loaded: modprobe igbvf"
mv "$SH_TMP/igbvf.driver" "$SH_SYSFS/bus/pci/drivers/igbvf"
"$REAL_RUNC" --root "$SH_TMP/runc" delete -f give >/dev/null 2>&1
"$CTL" --config "$CFG" gc >/dev/null 2>&1

# ---- every refusal has a row, every row a refusal ------------------------------------------------
out=$("$SH_PY" "$REPO/tests/tools/refusals.py" check "$REPO" "$ROWS" 2>&1)
rc=$?
t_check inventory "$out" "$rc" = 0
echo "$out" | tail -1
t_end
