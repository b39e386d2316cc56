#!/bin/bash
# sriovctl cdi generate on stand-ins: the spec's devices (VFs, PFs, pools; pool VFs left to their
# pool; only allowed PFs), the hook beside sriovctl and the configuration by absolute path in the
# hooks' arguments, the CDI schema, netDevices only when asked, an atomic write (no temporary file
# left, a refused spec leaves the old one), refusals with one line; vfs apply rewrites the spec.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_cdi "$REPO" "a 4a 2" "b 4b 2"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
PFB=$(standin_pf_name b)
OUT=$SH_TMP/cdi/sub/sriov-hook.json
cd "$SH_TMP" || exit 1

# gen CONFIG-MEMBERS [ARGS...]: cdi generate with a configuration of those members; G_RC, G_OUT.
gen() {
	local cfg
	if [ -n "$1" ]; then cfg=$(standin_config cdi "$1"); else cfg=$(standin_config cdi); fi
	shift
	G_OUT=$("$CTL" --config "$cfg" cdi generate "$@" 2>&1)
	G_RC=$?
	G_CFG=$cfg
}

# py EXPR: EXPR evaluated with s bound to the spec at OUT.
py() { "$SH_PY" -c "import json,sys; s = json.load(open(sys.argv[1])); print($1)" "$OUT" 2>&1; }

gen "\"pools\": {\"p$SH_PREFIX\": [\"$PFB#1\"]}" --output "$OUT"
t_check generate/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_contains generate/says "$G_OUT" "$OUT: CDI spec written (kind sriov.io/vf, hook $REPO/build/sriov-hook)"
t_check generate/devices "devices: $(py '" ".join(d["name"] for d in s["devices"])')" \
	"$(py '" ".join(d["name"] for d in s["devices"])')" = "$PF-0 $PF-1 $PF $PFB-0 $PFB p$SH_PREFIX"
t_check generate/args "args: $(py 's["devices"][0]["containerEdits"]["hooks"][0]["args"]')" \
	"$(py '" ".join(s["devices"][0]["containerEdits"]["hooks"][0]["args"])')" = \
	"sriov-hook --config $G_CFG --pf $PF --vf 0 createRuntime"
t_check generate/poststop "hooks: $(py 's["devices"][2]["containerEdits"]["hooks"]')" \
	"$(py '" ".join([s["devices"][2]["containerEdits"]["hooks"][1]["hookName"]] + s["devices"][2]["containerEdits"]["hooks"][1]["args"][3:])')" = \
	"poststop --pf $PF --vf auto poststop"
t_check generate/mode "mode $(stat -c %a "$OUT")" "$(stat -c %a "$OUT")" = 644
t_check generate/no-temporary "files: $(ls -A "$(dirname "$OUT")")" "$(ls -A "$(dirname "$OUT")")" = sriov-hook.json
out=$("$SH_PY" "$REPO/tests/engines/cdi_schema.py" --lowest "$OUT" 2>&1)
t_check generate/schema "$out" "$?" = 0

# a relative --config is named by its absolute path: the engines run the hook from anywhere
cp "$G_CFG" "$SH_TMP/rel.json"
out=$("$CTL" --config rel.json cdi generate --output "$OUT" 2>&1)
t_check relative-config/exit0 "$out" "$?" = 0
t_contains relative-config/absolute "$(py 's["devices"][0]["containerEdits"]["hooks"][0]["args"]')" \
	"'--config', '$SH_TMP/rel.json'"

# only the PFs allowed_pfs lets containers use; --hook names the hook
gen "\"allowed_pfs\": [\"$(standin_pf_pci b)\"]" --output "$OUT" --hook /opt/sh/bin/sriov-hook
t_check allowed/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_check allowed/devices "devices: $(py '" ".join(d["name"] for d in s["devices"])')" \
	"$(py '" ".join(d["name"] for d in s["devices"])')" = "$PFB-0 $PFB-1 $PFB"
t_check allowed/hook "path: $(py 's["devices"][0]["containerEdits"]["hooks"][0]["path"]')" \
	"$(py 's["devices"][0]["containerEdits"]["hooks"][0]["path"]')" = /opt/sh/bin/sriov-hook

# netDevices only when asked: CDI 1.1.0, the VF's netdev by name, no hook for it
gen "" --output "$OUT" --net-devices
t_check net-devices/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_check net-devices/version "$(py 's["cdiVersion"]')" "$(py 's["cdiVersion"]')" = 1.1.0
t_check net-devices/netdev "$(py 's["devices"][0]["containerEdits"]')" \
	"$(py 's["devices"][0]["containerEdits"]["netDevices"][0]["hostInterfaceName"]')" = "$(standin_vf_name a 0)"
t_check net-devices/pf-device-hooks "$(py 's["devices"][2]')" "$(py 's["devices"][2]["containerEdits"]["hooks"][0]["args"][-1]')" = createRuntime

# refusals: one line, and the spec already there stays as it was
gen "" --output "$OUT"
before=$(cat "$OUT")
gen "\"pools\": {\"$PF-1\": [\"$PFB\"]}" --output "$OUT"
t_check collision/fails "rc $G_RC: $G_OUT" "$G_RC" != 0
t_check collision/one-line "$G_OUT" "$G_OUT" = "sriovctl: cdi: generate the CDI spec: two devices would be called \"$PF-1\" (a pool may not have the name of a PF's device)"
t_check collision/spec-kept "the spec changed" "$(cat "$OUT")" = "$before"
gen "" --output "$OUT" --hook sriov-hook
t_contains relative-hook/refused "$G_OUT" "the hook's path must be absolute"
gen "" generate-all
t_check wrong-verb/fails "rc $G_RC" "$G_RC" != 0
t_contains wrong-verb/says "$G_OUT" "sriovctl: cdi: expected \"cdi generate\""
out=$("$CTL" cdi generate --json 2>&1)
t_contains other-option/refused "$out" "sriovctl: cdi: --json does not apply to it"
out=$("$CTL" list --net-devices 2>&1)
t_contains other-command/refused "$out" "sriovctl: list: --net-devices does not apply to it"

# vfs apply keeps the spec in step with the VFs it creates
NUMVFS=$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci a)/sriov_numvfs
standin_pf_totalvfs a 8
cfg=$(standin_config vfs "\"pfs\": {\"$PF\": {\"numvfs\": 3}}")
out=$("$CTL" --config "$cfg" vfs apply --output "$OUT" 2>&1)
t_check vfs-apply/exit0 "$out" "$?" = 0
t_contains vfs-apply/says "$out" "$OUT: CDI spec written"
t_contains vfs-apply/new-vf "$(py '" ".join(d["name"] for d in s["devices"])')" "$PF-2"
t_check vfs-apply/numvfs "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 3
t_end
