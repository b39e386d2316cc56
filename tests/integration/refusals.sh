#!/bin/bash
# Every refusal that names a fix reaches the user whole (issue 20.6): a table of the refusals of
# the hook, sriov-runc and sriovctl, each rendered for real with a long configuration path (so
# that a prefix cut or a fixed buffer would show), checked to be one line that ends with its full
# fix. A vfio refusal was cut at 160 bytes ("give it a vfio pool's CDI device: `srio").
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

# hook NAME CONFIG FIX [annotation...]: createRuntime refuses with one line ending with FIX.
hook() {
	local name=$1 cfg=$2 fix=$3
	shift 3
	ct_create "$name" "$cfg" "$@"
	t_check "hook/$name/refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	ends "hook/$name/fix" "$HOOK_ERR" "$fix"
	ct_kill "$name"
}

# wrapper NAME CONFIG FIX [annotation...]: sriov-runc create refuses; the message in runc's log
# (what docker shows) ends with FIX.
wrapper() {
	local name=$1 cfg=$2 fix=$3 b=$SH_TMP/wrap-$1
	shift 3
	bundle_runc "$b" "$HOOK" "$cfg" "true" "$@" || { t_fail "wrapper/$name/bundle" "bundle_runc"; return; }
	bundle_edit "$b" 'c.pop("hooks", None)'
	mkdir -p "$SH_TMP/runc"
	SRIOV_HOOK_CONFIG=$cfg "$RUNC_WRAPPER" --root "$SH_TMP/runc" --log "$b/runc.log" --log-format json \
		create --bundle "$b" --pid-file "$b/pid" "$name" </dev/null >/dev/null 2>"$b/err"
	t_check "wrapper/$name/refused" "sriov-runc create succeeded" $? != 0
	ends "wrapper/$name/fix" "$("$SH_PY" -c 'import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l)["msg"])' "$b/runc.log" 2>&1)" "$fix"
}

# ctl NAME FIX ARGS...: sriovctl fails; its stderr is one line ending with FIX.
ctl() {
	local name=$1 fix=$2 err
	shift 2
	err=$(timeout 60 "$CTL" "$@" 2>&1 >/dev/null)
	t_check "sriovctl/$name/refused" "sriovctl $* succeeded" $? != 0
	ends "sriovctl/$name/fix" "$err" "$fix"
}

# ---- the table ----------------------------------------------------------------------------------
hook novfs "$CFG" "\`echo 7 > $SH_SYSFS/class/net/$PFB/device/sriov_numvfs\`" pf="$PFB" vf=auto
hook vfio_auto "$CFG" "give it a vfio pool's CDI device: \`sriovctl vfs apply\` binds them))" \
	pf="$PFA" vf=auto mode=vfio
hook vfio_one "$CFG" "give it a vfio pool's CDI device: \`sriovctl vfs apply\` binds them)" \
	pf="$PFA" vf=1 mode=vfio
hook allowed "$CFG_ALLOW" "is not in allowed_pfs of $CFG_ALLOW (it allows: other0)" pf="$PFA" vf=auto
hook broken "$LONG/broken.json" "at line 2, column 18" pf="$PFA" vf=0
# the same CDI device twice: two createRuntime entries naming one VF
ct_prepare twice
bundle_edit "$CT_BUNDLE" "c['hooks'] = {'createRuntime': [{'path': '$HOOK', 'args': ['sriov-hook', '--config', '$CFG', '--pf', '$PFA', '--vf', '0', 'createRuntime']}] * 2}"
hook_run "$CFG" "" "$(hook_state twice "$(ct_pid twice)" "$CT_BUNDLE")" --pf "$PFA" --vf 0 createRuntime
t_check hook/twice/refused "rc $HOOK_RC" "$HOOK_RC" != 0
ends hook/twice/fix "$HOOK_ERR" "is asked twice: give each --device once"
ct_kill twice

VF1PCI=$(standin_vf_pci a 1)
DEVICES=$SH_SYSFS/devices/pci0000:00
mv "$DEVICES/$VF1PCI/iommu_group" "$SH_TMP/iommu_group.1"
wrapper iommu_off "$CFG" "add intel_iommu=on (Intel) or amd_iommu=on (AMD) and iommu=pt to the kernel command line and reboot" \
	pf="$PFA" vf=1 mode=vfio
mv "$SH_TMP/iommu_group.1" "$DEVICES/$VF1PCI/iommu_group"
wrapper broken "$LONG/broken.json" "at line 2, column 18" pf="$PFA" vf=1 mode=vfio

ctl cdi_usage "expected \"cdi generate\" (see sriovctl --help)" --config "$CFG" cdi make
ctl metrics_no_dir "or give --output a file in one that does" --config "$CFG" metrics --output "$LONG/none/sriov.prom"
ctl cdi_broken "at line 2, column 18" --config "$LONG/broken.json" cdi generate --output "$SH_TMP/x.json"
t_end
