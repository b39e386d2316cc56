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
# "Every" is two sets, both read from the source and printed at the end:
# - the refusals that carry a fix, anywhere in src/ and hook/ (76 today), each rendered or excluded;
# - every refusal site of the files that read user input (src/input/, src/hook/cmdline.c, hook/*.c,
#   src/runc/specedit.c, wrapper.c, vfioprep.c: 166 today, sh_err, sh_err_errno, bad() and
#   sriovctl's fprintf(stderr)). Each is an input refusal (96), which must end with what to give
#   instead (refusals.py's ACCEPT: "must be", "is not a ...", "(known: ...)", "give at most" ...; or
#   a FIX_WORDS instruction) and has a row that renders it (annotations and SRIOV_* variables with
#   env_fallback on at createRuntime, a CDI hook's --pf/--vf/--pool/--mode, the hook's and
#   sriovctl's command lines, the config file under the 200-character directory, sriov-runc's
#   option and "runc"); or internal: out of memory by rule (21), or listed below with its reason
#   (49: engine-written OCI state and config.json, relays of another row's message, system calls,
#   defensive checks).
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
row hook/cmdline:unknown-option-known
ct_prepare opt pf="$PFA" vf=0
hook_run "$CFG" createRuntime "$(hook_state opt "$(ct_pid opt)" "$CT_BUNDLE")" --no-such-option
t_check hook/option/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/option/fix "$HOOK_ERR" "--no-such-option: unknown option (known: --config, --pf, --vf, --pool, --mode, --help, --version) (see sriov-hook --help)"
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


# ---- refusals of user input ---------------------------------------------------------------------
# Every refusal of the files that read user input (src/input/, the hook's and sriov-runc's command
# lines, sriovctl's) is an input refusal or internal (tests/tools/refusals.py `inputs` lists them):
# an input refusal ends with what to give instead (the accepted values, range or form, the key to
# use, or a command) and has a row below, rendered for real; an internal one is listed here with
# its reason, or is out of memory (a rule of refusals.py). One line per row: name, identity, what
# is given, the ending it must have.
# internal ID REASON...: a refusal of those files that no user input reaches; the reason says why.
internal() { echo "internal $*" >>"$ROWS"; }
internal hook/sriov-hook:sriov-hook-see-sriov-hook-help "relay: main() prints cmdline.c's refusal (each its own row) with the pointer to --help"
internal hook/sriov-runc:sriov-runc-n "relay: main() prints the wrapper's refusal (each its own row)"
internal runc/wrapper:sriov-runc-n "relay: prints the vfio preparation's failure (its own row)"
internal runc/wrapper:sriov-runc-n#2 "relay: prints the failure to write runc's log"
internal hook/sriovctl:sriovctl-n "relay: prints a command's refusal (each its own row)"
internal hook/sriovctl:sriovctl-with-n "relay: the broken configuration's refusal (core/json's row) and what gc/list went on with"
internal hook/sriovctl:sriovctl-cdi-generate-warning-n "a warning of cdi generate (exit 0), not a refusal"
internal hook/sriovctl:sriovctl-cdi-generate-warning-pool-n "a warning of cdi generate (exit 0), not a refusal"
internal hook/sriovctl:the-hook-s-path-is-too "system: ENAMETOOLONG of /proc/self/exe's directory"
internal input/request:the-container-has-sriov-hook-cdi "defensive: hook/stage.c stops at 8 CDI devices first (its rows cdi_many*)"
internal input/request:does-not-say-which-vf-pf "defensive: cmdline.c calls it with --pf, --vf, --pool and --mode only"
for id in missing is-not-a-string annotations-is-not-an-object annotation-is-not-a-string oci-state-bundle-is-not-an \
	oci-state-pid-is-not-a config-json-linux-namespaces-is-not config-json-linux-namespaces-has-no \
	config-json-linux-namespaces-has-more config-json-network-namespace-path-is config-json-linux-resources-cpu-cpus \
	config-json-linux-devices-is-not config-json-linux-devices-lacks-a config-json-hooks-createruntime-is-not \
	config-json-hooks-createruntime-has-no config-json-hooks-createruntime-args-is \
	config-json-hooks-createruntime-args-is#2 oci-state-has-no-pid-and; do
	internal "input/oci:$id" "engine-written: the runtime writes the OCI state and config.json's structure"
done
for id in config-json-hooks-is-not-an config-json-is-not-an config-json-is-not-a-json config-json-hooks-is-not-an#2; do
	internal "runc/specedit:$id" "engine-written: the engine writes config.json's structure"
done
internal runc/wrapper:sriov-runc-cannot-tell-whether-it "engine-written: a config.json above 64 MiB"
internal runc/wrapper:runc-log-unknown-log-format "engine-given: the engine chooses runc's --log-format"
internal input/oci:bundle-path-too-long "engine-given: ENAMETOOLONG of the runtime's bundle path"
internal runc/wrapper:bundle-path-too-long "engine-given: ENAMETOOLONG of runc's --bundle"
internal runc/vfioprep:bundle "engine-given: runc's --bundle, resolved"
internal runc/wrapper:find-own-executable "system: /proc/self/exe unreadable"
internal runc/wrapper:hook-path-too-long "system: ENAMETOOLONG of /proc/self/exe's directory"
internal runc/wrapper:hook-expected-next-to-sriov-runc "installation: the package and make install put the hook next to sriov-runc"
for id in runc-log runc-log#2 fork wait-for exec sriov-runc-exec-n; do
	internal "runc/wrapper:$id" "system: a system call's failure (open, fork, wait, exec)"
done

# One stand-in container process serves every row: a row that is refused claims nothing; one that
# is not (a failed row) is given back at once.
ct_prepare inp
INP=$CT_PID
# bundle DIR ARG...: a bare bundle; ARG is an annotation k=v, env:NAME=VALUE (process.env), or
# hook:ARGS (one createRuntime entry of this hook with ARGS, words split on ',').
bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$SH_PY" - "$dir/config.json" "$HOOK" "$@" <<'EOF'
import json, sys
path, hook = sys.argv[1:3]
c = {"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/", "env": ["PATH=/bin"]},
     "root": {"path": "rootfs"},
     "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "mount"}]},
     "annotations": {}, "hooks": {"createRuntime": []}}
for a in sys.argv[3:]:
    if a.startswith("env:"):
        c["process"]["env"].append(a[4:])
    elif a.startswith("hook:"):
        c["hooks"]["createRuntime"].append({"path": hook, "args": ["sriov-hook"] + a[5:].split(",") + ["createRuntime"]})
    elif a == "hostnet":
        c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "mount"}]
    else:
        k, _, v = a.partition("=")
        c["annotations"][k if k.startswith("io.") else "io.sriov." + k] = v
json.dump(c, open(path, "w"))
EOF
}
# input CFG ARGS NAME ID ENDING ANNOTATIONS...: createRuntime of a bundle with ANNOTATIONS (see
# bundle), the hook given ARGS (words split on ','; "-" none) and CFG; one line ending with ENDING.
input() {
	local cfg=$1 args=$2 name=$3 id=$4 fix=$5 b=$SH_TMP/in/$3 hargs=()
	shift 5
	row "$id"
	bundle "$b" "$@"
	[ "$args" != - ] && IFS=, read -r -a hargs <<<"$args"
	hook_run "$cfg" "" "$(hook_state "in-$name" "$INP" "$b")" "${hargs[@]}" createRuntime
	t_check "input/$name/refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	ends "input/$name/fix" "$HOOK_ERR" "$fix"
	[ "$HOOK_RC" = 0 ] && hook_run "$cfg" "" "$(hook_state "in-$name" 0 "$b")" "${hargs[@]}" poststop
}
# table RUNNER...: one row per line of stdin, fields split on '|': NAME | ID | ENDING | ARG...
# (ARGs split on spaces), given to RUNNER NAME ID ENDING ARG...
table() {
	local name id fix args -
	set -f # the arguments are JSON: "[5]" is no file pattern
	while IFS='|' read -r name id fix args; do
		name=$(echo $name) id=$(echo $id) fix=${fix# } fix=${fix% }
		[ -n "$name" ] && [ "${name#\#}" = "$name" ] || continue
		# shellcheck disable=SC2086 # the arguments are words
		"$@" "$name" "$id" "$fix" $args
	done
}

CFG_IN=$(config in '"env_fallback": true' \
	"\"pools\": {\"netp\": {\"vfs\": [\"$PFA#0\"], \"vlan\": 100}, \"vfiop\": {\"vfs\": [\"$PFA#1\"], \"driver\": \"vfio-pci\"}, \"forb\": {\"vfs\": [\"$PFA#2\"], \"mac\": \"forbid\"}}")
IPS=$(printf '10.0.%d.2/24,' {1..17})
LONGIP=$(printf '10.0.0.2/24,%.0s' {1..90})
HUGE=$(printf 'x%.0s' {1..5000})
V=input/request
P=input/pool
ann() { input "$CFG_IN" - "$@"; }
# annotations and SRIOV_* variables (env_fallback on)
table ann <<EOF
pf_bad       | $V:bad-a-pf-netdev-name-or | is not a PF netdev name or PCI address (0000:3b:00.0) | pf=a/b vf=0
vf_bad       | $V:bad-a-vf-index-0-auto | is not a VF index (0-65535), "auto" or a VF PCI address (0000:3b:02.0) | pf=$PFA vf=x
ifname_bad   | $V:bad-a-valid-interface-name-1 | is not a valid interface name (1-15 characters, no '/', ':' or spaces) | pf=$PFA vf=0 ifname=a/b
mtu_bad      | $V:bad-an-mtu | is not an MTU (68-65535) | pf=$PFA vf=0 mtu=10
pool_bad     | $V:bad-accepted | is not a pool name (1-63 letters, digits, '_', '.', ':' or '-', beginning and ending with a letter or digit) | pool=-x
mode_bad     | $V:bad-netdev-or-vfio | is not netdev or vfio | pf=$PFA vf=0 mode=x
numa_bad     | $V:bad-sh-numa-accepted | is not prefer, strict, any or a NUMA node number | pf=$PFA vf=auto numa=x
near_bad     | $V:bad-a-pci-address-0000-af | is not a PCI address (0000:af:00.0) or "auto" | pf=$PFA vf=auto near=x
ip_bad       | $V:bad-an-ipv4-or-ipv6-address | is not an IPv4 or IPv6 address with a prefix length (10.0.0.2/24, fd00::2/64) | pf=$PFA vf=0 ip=x
gateway_bad  | $V:bad-an-ipv4-or-ipv6-address | "x" is not an IPv4 or IPv6 address | pf=$PFA vf=0 ip=10.0.0.2/24 gateway=x
the_is_not   | $V:is-not | is not a VLAN id (0-4095) | pf=$PFA vf=0 vlan=x
vlan_bad     | $V:bad-sizeof | is not a VLAN id (0-4095) | pf=$PFA vf=0 vlan=x
qos_bad      | $V:bad-sizeof | is not a VLAN priority (0-7) | pf=$PFA vf=0 vlan=5 qos=9
proto_bad    | $V:bad-sizeof | is not "802.1Q" or "802.1ad" | pf=$PFA vf=0 vlan=5 vlan_proto=x
spoof_bad    | $V:bad-sizeof | is not "on" or "off" | pf=$PFA vf=0 spoofchk=x
trust_bad    | $V:bad-sizeof | is not "on" or "off" | pf=$PFA vf=0 trust=x
state_bad    | $V:bad-sizeof | is not "auto", "enable" or "disable" | pf=$PFA vf=0 link_state=x
mac_bad      | $V:bad-sizeof | is not a unicast MAC address (02:00:00:00:00:01) | pf=$PFA vf=0 mac=x
rate_bad     | $V:bad-sizeof | is not a rate in Mbps (0-4294967295) | pf=$PFA vf=0 max_tx_rate=x
minrate_bad  | $V:bad-sizeof | is not a rate in Mbps (0-4294967295) | pf=$PFA vf=0 min_tx_rate=x
ip_long      | $V:value-too-long-at-most-bytes | value too long (at most 1023 bytes) | pf=$PFA vf=0 ip=$LONGIP
ip_many      | $V:more-than-entries-give-at-most | more than 16 entries: give at most 16 | pf=$PFA vf=0 ip=$IPS
unknown_key  | $V:unknown-annotation-known-keys-io-sriov | trust, link_state, min_tx_rate, max_tx_rate}, N = 1..7) | pf=$PFA vf=0 vlanid=3
slot_range   | $V:annotation-vf-slot-is-out-of | VF slot 9 is out of range: use slots 1-7 | io.sriov.9.vf=0
pool_picks   | $V:picks-the-vf-give-it-without | annotation io.sriov.pool picks the VF: give it without io.sriov.pf and io.sriov.vf | pool=netp pf=$PFA
vf_missing   | $V:is-missing-give-it-a-vf | is missing: give it (a VF index, "auto" or a VF PCI address), or give io.sriov.pool | pf=$PFA
pf_missing   | $V:is-missing-give-it-a-pf | is missing: give it (a PF name or PCI address), or give io.sriov.vf a VF PCI address | vf=0
qos_needs    | $V:needs-greater-than-0-set-too | needs io.sriov.vlan greater than 0: set io.sriov.vlan too, or remove io.sriov.qos | pf=$PFA vf=0 qos=3
rate_above   | $V:is-greater-than-give-at-most | is greater than io.sriov.max_tx_rate (50): give at most 50 | pf=$PFA vf=0 min_tx_rate=100 max_tx_rate=50
gateway_two  | $V:more-than-one-ipv-gateway-give | more than one IPv4 gateway: give one per family | pf=$PFA vf=0 ip=10.0.0.2/24 gateway=10.0.0.1,10.0.0.3
gateway_far  | $V:is-not-in-the-subnet-of | 10.1.0.1 is not in the subnet of any IPv4 address of io.sriov.ip; give a next hop inside one | pf=$PFA vf=0 ip=10.0.0.2/24 gateway=10.1.0.1
vfio_ifname  | $V:does-not-apply-with-vfio-the | does not apply with io.sriov.mode vfio: the container gets no netdev; remove it | pf=$PFA vf=0 mode=vfio ifname=x
ann_bytes    | input/oci:annotation-has-bytes-give-at-most | annotation io.sriov.ip has 5000 bytes: give at most 4096 | pf=$PFA vf=0 ip=$HUGE
host_network | input/oci:the-container-has-no-network-namespace | give it a network namespace of its own (not --network host) | pf=$PFA vf=0 hostnet
no_pool      | $P:annotation-no-pool-in-the-configuration | no pool "nosuch" in the configuration (pools: netp, vfiop, forb) | pool=nosuch
pool_mode    | $P:the-vfs-of-pool-are-vfs | a container may not ask for netdev; remove it | pool=vfiop mode=netdev
pool_netdev  | $P:the-vfs-of-pool-are-vfio | are vfio VFs, which give the container no netdev; remove it | pool=vfiop ifname=x
pool_forbid  | $P:pool-forbids-it-the-administrator-does | the administrator does not let its containers set mac; remove it | pool=forb mac=02:00:00:00:00:01
pool_fixed   | $P:the-vfs-of-pool-have-set | a container may not change vlan; remove it | pool=netp vlan=5
env_vlan     | $V:bad-sizeof | variable SRIOV_VLAN: "x" is not a VLAN id (0-4095) | env:SRIOV_PF=$PFA env:SRIOV_VF=0 env:SRIOV_VLAN=x
env_needs    | $V:needs-greater-than-0-set-too | set SRIOV_VLAN too, or remove SRIOV_QOS | env:SRIOV_PF=$PFA env:SRIOV_VF=0 env:SRIOV_QOS=3
env_vf       | $V:is-missing-give-it-a-vf | variable SRIOV_VF is missing: give it (a VF index, "auto" or a VF PCI address), or give SRIOV_POOL | env:SRIOV_PF=$PFA
EOF

# a CDI device's hook: its arguments, and config.json's entries of it
cdi() { # cdi NAME ID ENDING HOOK-ARGS [ARG...]: the hook run with HOOK-ARGS (',' between words)
	local name=$1 id=$2 fix=$3 args=$4
	shift 4
	if [ "$1" = NOSELF ]; then # config.json does not name this run's device
		shift
		input "$CFG_IN" "$args" "$name" "$id" "$fix" "$@"
	else
		input "$CFG_IN" "$args" "$name" "$id" "$fix" "hook:--config,$CFG_IN,$args" "$@"
	fi
}
MANY=$(for i in 1 2 3 4 5 6 7 8; do printf 'hook:--config,%s,--pf,%s,--vf,%d ' "$CFG_IN" "$PFA" "$i"; done)
table cdi <<EOF
cdi_vf_bad    | $V:bad-a-vf-index-0-auto | or a VF PCI address (0000:3b:02.0) (see sriov-hook --help) | --pf,$PFA,--vf,x
cdi_mode_bad  | $V:bad-netdev-or-vfio | --mode: "x" is not netdev or vfio (see sriov-hook --help) | --pf,$PFA,--vf,0,--mode,x
cdi_picks     | $V:picks-the-vf-give-it-without | --pool picks the VF: give it without --pf and --vf (see sriov-hook --help) | --pool,netp,--pf,$PFA
cdi_no_vf     | $V:is-missing-give-it-a-vf | or give --pool (see sriov-hook --help) | --pf,$PFA
cdi_no_pf     | $V:is-missing-give-it-a-pf | or give --vf a VF PCI address (see sriov-hook --help) | --vf,0
cdi_no_pool   | $P:cdi-device-no-pool-in-the | no pool "nosuch" in the configuration (pools: netp, vfiop, forb) | --pool,nosuch
cdi_many      | hook/stage:the-container-has-more-than-sriov | the container has more than 8 sriov-hook CDI devices: give at most 8 | --pf,$PFA,--vf,0 $MANY
cdi_many_own  | hook/stage:the-container-has-more-than-sriov#2 | the container has more than 8 sriov-hook CDI devices: give at most 8 | --pf,$PFA,--vf,0 NOSELF $MANY
EOF

# the hook's command line (main() adds the pointer to --help)
cmdline() { # cmdline NAME ID ENDING ARG...
	local name=$1 id=$2 fix=$3
	shift 3
	row "$id"
	hook_run "" "" "" "$@"
	t_check "cmdline/$name/refused" "rc $HOOK_RC" "$HOOK_RC" = 2
	ends "cmdline/$name/fix" "$HOOK_ERR" "$fix"
}
C=hook/cmdline
table cmdline <<EOF
twice        | $C:is-given-twice-give-it-once | --pf is given twice: give it once (see sriov-hook --help) | --pf a --pf b createRuntime
config_empty | $C:config-the-file-name-is-empty | give the configuration file's path (see sriov-hook --help) | --config= createRuntime
after_stage  | $C:unexpected-argument-after-the-stage-give | give options before the stage, and one stage (see sriov-hook --help) | poststop createRuntime
stage_bad    | $C:unknown-stage-expected-createruntime-or-poststop | unknown stage "bogus" (expected createRuntime or poststop) (see sriov-hook --help) | bogus
no_stage     | $C:expected-one-stage-argument-give-createruntime | expected one stage argument: give createRuntime or poststop (see sriov-hook --help) | --pf a --vf 0
option_bad   | $C:unknown-option-known | unknown option (known: --config, --pf, --vf, --pool, --mode, --help, --version) (see sriov-hook --help) | --bogus createRuntime
no_value     | $C:needs-a-value-give | --vf needs a value: give --vf VF (see sriov-hook --help) | createRuntime --vf
no_value_ok  | $C:takes-no-value-give-alone | --help takes no value: give --help alone (see sriov-hook --help) | --help=x
EOF

# the configuration file: createRuntime of a container that asks for nothing, under a 200-character
# directory (the message quotes the path)
cfgrow() { # cfgrow NAME ID ENDING MEMBER...
	local name=$1 id=$2 fix=$3
	shift 3
	if [ "$1" = NOFILE ]; then
		input "$LONG/none.json" - "$name" "$id" "$fix"
	else
		input "$(config "c-$name" "$@")" - "$name" "$id" "$fix"
	fi
}
MANYPFS=$(printf '"pf%d",' {0..64})
MANYPFSET=$(printf '"pf%d":{"numvfs":1},' {0..64})
MANYPOOLS=$(for i in {0..64}; do printf '"p%d":["pf#%d"],' $i $i; done)
MANYSEL=$(printf '"pf#%d",' {0..64})
MANYRANGES=$(printf '%d,' {0..32})
LONGDIR=/$(printf 'd%.0s' {1..4100})
I=input/config
table cfgrow <<EOF
relative      | $I:config-must-be-an-absolute-path | config: "state_dir" must be an absolute path | "state_dir":"rel"
path_long     | $I:config-is-too-long-at-most | config: "dev_root" is too long (at most 4031 characters) | "dev_root":"$LONGDIR"
allowed_type  | $I:config-allowed-pfs-must-be-an | config: "allowed_pfs" must be an array of PF names or PCI addresses | "allowed_pfs":5
allowed_twice | $I:config-allowed-pfs-is-given-twice | config: "allowed_pfs" is given twice: give it once | "allowed_pfs":["a"] "allowed_pfs":["b"]
allowed_many  | $I:config-allowed-pfs-has-more-than | config: "allowed_pfs" has more than 64 entries: give at most 64 | "allowed_pfs":[${MANYPFS%,}]
allowed_bad   | $I:config-allowed-pfs-is-not-a | config: "allowed_pfs"[0] is not a PF name or PCI address | "allowed_pfs":[5]
log_bad       | $I:config-log-must-be-auto-journal | "syslog" (either with ":SOCKET"), "stderr" or an absolute file path | "log":"rel"
pfs_name      | $I:config-pfs-is-not-a-pf | config: "pfs": "a/b" is not a PF name or PCI address (dddd:bb:dd.f) | "pfs":{"a/b":{"numvfs":1}}
pfs_value     | $I:config-pfs-must-be-an-object | config: "pfs"."$PFA" must be an object such as {"numvfs": 8} | "pfs":{"$PFA":8}
pfs_key       | $I:config-pfs-unknown-key-known-numvfs | config: "pfs"."$PFA": unknown key "vfs" (known: numvfs) | "pfs":{"$PFA":{"vfs":1}}
pfs_numvfs    | $I:config-pfs-numvfs-must-be-an | "numvfs" must be an integer from 0 to 4096 | "pfs":{"$PFA":{"numvfs":-1}}
pfs_lacks     | $I:config-pfs-lacks-numvfs-add-numvfs | config: "pfs"."$PFA" lacks "numvfs": add "numvfs": N (0-4096) | "pfs":{"$PFA":{}}
pfs_type      | $I:config-pfs-must-be-an-object#2 | config: "pfs" must be an object: {"<PF name or PCI address>": {"numvfs": N}} | "pfs":[]
pfs_twice     | $I:config-pfs-is-given-twice-give | config: "pfs" is given twice: give it once | "pfs":{"a":{"numvfs":1}} "pfs":{"b":{"numvfs":1}}
pfs_many      | $I:config-pfs-has-more-than-entries | config: "pfs" has more than 64 entries: give at most 64 | "pfs":{${MANYPFSET%,}}
pfs_pf_twice  | $I:config-pfs-is-given-twice-give#2 | config: "pfs": "a" is given twice: give it once | "pfs":{"a":{"numvfs":1},"a":{"numvfs":2}}
timeout_bad   | $I:config-poststop-timeout-ms-must-be | config: "poststop_timeout_ms" must be an integer from 0 to 600000 | "poststop_timeout_ms":-1
fallback_bad  | $I:config-env-fallback-must-be-true | config: "env_fallback" must be true or false | "env_fallback":1
key_bad       | $I:config-unknown-key-known-state-dir | (known: state_dir, sysfs_root, dev_root, allowed_pfs, log, poststop_timeout_ms, env_fallback, runc, pfs, pools, release) | "stat_dir":"/x"
release_bad   | $P:config-must-be-restore-undo-what | config: release must be "restore" (undo what the holder changed) or "rebind" (a fresh netdev from the VF's driver) | "release":"x"
sel_index     | $P:is-not-a-vf-index-or | config: pools.p[0]: "x" is not a VF index or range (0-65535, as in "ens1f0#0-3,6") | "pools":{"p":["$PFA#x"]}
sel_range     | $P:range-ends-before-it-begins-give | config: pools.p[0]: range 3-1 ends before it begins: give it as 1-3 | "pools":{"p":["$PFA#3-1"]}
sel_ranges    | $P:more-than-ranges-give-at-most | more than 32 ranges: give at most 32 | "pools":{"p":["$PFA#${MANYRANGES%,}"]}
sel_long      | $P:selector-too-long-at-most-characters | config: pools.p[0]: selector too long (at most 255 characters) | "pools":{"p":["$PFA#$LONGIP"]}
sel_pf        | $P:is-not-a-pf-name-or | (a selector is "ens1f0#0-3,6", "0000:3b:00.1#0-7" or a PF alone) | "pools":{"p":["a/b#0"]}
pool_vfs      | $P:config-pools-vfs-must-be-a | config: pools.p: "vfs" must be a non-empty list of selectors ("ens1f0#0-3,6") | "pools":{"p":[]}
pool_sels     | $P:config-pools-has-more-than-selectors | config: pools.p has more than 64 selectors: give at most 64 | "pools":{"p":[${MANYSEL%,}]}
pool_sel_type | $P:is-not-a-string-give-a | config: pools.p[0] is not a string: give a selector ("ens1f0#0-3,6") | "pools":{"p":[5]}
pool_key      | $P:config-pools-unknown-key-known | config: pools.p: unknown key "vlanid" (known: vfs, driver, numa, release, mac, vlan, qos, vlan_proto, spoofchk, trust, link_state, min_tx_rate, max_tx_rate) | "pools":{"p":{"vfs":["$PFA#0"],"vlanid":1}}
pool_mac      | $P:config-pools-cannot-be-a-pool | remove it, or give "forbid" to keep its containers from setting one | "pools":{"p":{"vfs":["$PFA#0"],"mac":"02:00:00:00:00:01"}}
pool_setting  | $P:config-pools-must-be | config: pools.p.vlan must be a VLAN id (0-4095) | "pools":{"p":{"vfs":["$PFA#0"],"vlan":5000}}
pool_name     | $P:config-pools-is-not-a-pool | beginning and ending with a letter or digit: it names a CDI device) | "pools":{"-p":["$PFA#0"]}
pool_type     | $P:config-pools-must-be-a-list | config: pools.p must be a list of selectors or an object {"vfs": [...], settings} | "pools":{"p":5}
pool_driver   | $P:config-pools-driver-must-be-vfio | or "netdev" (the default: the VF's own kernel driver) | "pools":{"p":{"vfs":["$PFA#0"],"driver":"x"}}
pool_numa     | $P:config-pools-numa-must-be | config: pools.p.numa must be prefer, strict, any or a NUMA node number (a string) | "pools":{"p":{"vfs":["$PFA#0"],"numa":"x"}}
pool_no_vfs   | $P:config-pools-has-no-vfs-add | config: pools.p has no "vfs": add "vfs": [selectors] ("ens1f0#0-3,6") | "pools":{"p":{"vlan":5}}
pools_type    | $P:config-pools-must-be-an-object | config: "pools" must be an object {"<name>": [selectors], ...} | "pools":[]
pools_twice   | $P:config-pools-is-given-twice-give | config: "pools" is given twice: give it once | "pools":{"p":["$PFA#0"]} "pools":{"q":["$PFA#1"]}
pools_many    | $P:config-pools-has-more-than-pools | config: "pools" has more than 64 pools: give at most 64 | "pools":{${MANYPOOLS%,}}
config_none   | $I:config-give-the-path-of-a | none.json: No such file or directory; give the path of a configuration file | NOFILE
pool_twice    | $P:config-pools-is-given-twice-give#2 | config: pools: "p" is given twice: give it once | "pools":{"p":["$PFA#0"],"p":["$PFA#1"]}
EOF

# sriovctl's command line
S=hook/sriovctl
table ctl <<EOF
command_bad  | $S:sriovctl-unknown-command-known-list-metrics | (known: list, metrics, gc, doctor, attach, detach, heal, vfs apply, cdi generate) | --config $CFG bogus
command_none | $S:sriovctl-no-command-given-list-metrics | vfs apply or cdi generate (see sriovctl --help) | --config $CFG
option_bad   | $S:sriovctl-unknown-option-or-missing-value | --bogus: unknown option or missing value (see sriovctl --help) | --bogus list
option_where | $S:sriovctl-does-not-apply-to-it | list: --dry-run does not apply to it (see sriovctl --help) | --dry-run list
config_none  | input/config:config-give-the-path-of-a | none.json: No such file or directory; give the path of a configuration file | --config $LONG/none.json cdi generate
EOF

# sriov-runc: its own option, and the configuration's "runc"
row runc/wrapper:option-needs-a-file-name-give
err=$("$RUNC_WRAPPER" --root "$SH_TMP/runc" --sriov-config 2>&1 >/dev/null)
t_check wrapper/option/refused "sriov-runc succeeded" $? != 0
ends wrapper/option/fix "$err" "option --sriov-config needs a file name: give --sriov-config FILE"
wrapper config_none runc/wrapper:config-give-the-path-of-a "$LONG/none.json" \
	"No such file or directory; give the path of a configuration file" pf="$PFA" vf=auto
wrapper runc_none runc/wrapper:runc-config-runc-set-runc-to "$(config rn "\"runc\": \"$LONG/runc\"")" \
	"(config \"runc\"): No such file or directory; set \"runc\" to runc's executable" pf="$PFA" vf=auto
wrapper runc_self runc/wrapper:runc-config-runc-is-sriov-runc "$(config rs "\"runc\": \"$RUNC_WRAPPER\"")" \
	"is sriov-runc itself; set \"runc\" to runc's executable" pf="$PFA" vf=auto
wrapper runc_rel runc/wrapper:config-runc-must-be-an-absolute "$(config rr '"runc": "runc"')" \
	"config: \"runc\" must be an absolute path" pf="$PFA" vf=auto
ct_kill inp

# ---- every refusal has a row, every row a refusal ------------------------------------------------
out=$("$SH_PY" "$REPO/tests/tools/refusals.py" check "$REPO" "$ROWS" 2>&1)
rc=$?
t_check inventory "$out" "$rc" = 0
echo "$out" | tail -2
t_end
