#!/bin/bash
# sriovctl cdi generate on stand-ins: the spec's devices (VFs, PFs, pools; pool VFs left to their
# pool; only allowed PFs), the hook beside sriovctl and the configuration by absolute path in the
# hooks' arguments, the CDI schema, an atomic write (no temporary file
# left, a refused spec leaves the old one), refusals with one line; vfs apply rewrites the spec;
# a vfio pool's sriov.io/vfio spec (devices, nodes, environment, JSON file, hooks in vfio mode).
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

# CDI 1.1.0 netDevices are not offered (no engine here parses them): the option is unknown
gen "" --output "$OUT" --net-devices
t_check net-devices/refused "rc $G_RC: $G_OUT" "$G_RC" = 2
t_contains net-devices/says "$G_OUT" "--net-devices: unknown option"

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
out=$("$CTL" list --hook /x 2>&1)
t_contains other-command/refused "$out" "sriovctl: list: --hook does not apply to it"

# vfs apply keeps the spec in step with the VFs it creates
NUMVFS=$SH_SYSFS/devices/pci0000:00/$(standin_pf_pci a)/sriov_numvfs
standin_pf_totalvfs a 8
cfg=$(standin_config vfs "\"pfs\": {\"$PF\": {\"numvfs\": 3}}")
out=$("$CTL" --config "$cfg" vfs apply --output "$OUT" 2>&1)
t_check vfs-apply/exit0 "$out" "$?" = 0
t_contains vfs-apply/says "$out" "$OUT: CDI spec written"
t_contains vfs-apply/new-vf "$(py '" ".join(d["name"] for d in s["devices"])')" "$PF-2"
t_check vfs-apply/numvfs "sriov_numvfs $(cat "$NUMVFS")" "$(cat "$NUMVFS")" = 3
# a vfio pool: its VFs are devices of kind sriov.io/vfio in a spec of their own beside the other
VOUT=$SH_TMP/cdi/sub/sriov-hook-vfio.json
standin_iommu_groups b
VF0=$(standin_vf_pci b 0)
UP=$(printf '%s' "$PFB" | tr 'a-z-' 'A-Z_')
gen "\"pools\": {\"dpdk\": {\"vfs\": [\"$PFB\"], \"driver\": \"vfio-pci\", \"vlan\": 7}}" --output "$OUT"
t_check vfio/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_contains vfio/says "$G_OUT" "$VOUT: CDI spec written (kind sriov.io/vfio)"
vpy() { "$SH_PY" -c "import json,sys; s = json.load(open(sys.argv[1])); print($1)" "$VOUT" 2>&1; }
t_lacks vfio/vf-spec-leaves-pool "$(py '" ".join(d["name"] for d in s["devices"])')" "$PFB" "sriov.io/vf devices"
t_lacks vfio/vf-spec-no-pool-device "$(py '" ".join(d["name"] for d in s["devices"])')" "dpdk" "sriov.io/vf devices"
t_check vfio/kind "$(vpy 's["kind"]')" "$(vpy 's["kind"]')" = sriov.io/vfio
t_check vfio/devices "$(vpy '" ".join(d["name"] for d in s["devices"])')" \
	"$(vpy '" ".join(d["name"] for d in s["devices"])')" = "$PFB-0 $PFB-1"
t_check vfio/nodes "$(vpy 's["devices"][0]["containerEdits"]["deviceNodes"]')" \
	"$(vpy '" ".join(n["path"] for n in s["devices"][0]["containerEdits"]["deviceNodes"])')" = "/dev/vfio/vfio /dev/vfio/10"
t_check vfio/env "$(vpy 's["devices"][0]["containerEdits"]["env"]')" \
	"$(vpy '" ".join(s["devices"][0]["containerEdits"]["env"])')" = \
	"SRIOV_VFIO_PCI_${UP}_0=$VF0 SRIOV_VFIO_IOMMU_GROUP_${UP}_0=10 SRIOV_VFIO_MAC_${UP}_0= SRIOV_VFIO_VLAN_${UP}_0=7 SRIOV_VFIO_NUMA_NODE_${UP}_0=-1 SRIOV_VFIO_INFO_${UP}_0=/run/sriov/vfio/$PFB-0.json"
t_check vfio/args "$(vpy 's["devices"][1]["containerEdits"]["hooks"]')" \
	"$(vpy '" ".join(s["devices"][1]["containerEdits"]["hooks"][1]["args"])')" = \
	"sriov-hook --config $G_CFG --pool dpdk --vf $(standin_vf_pci b 1) --mode vfio poststop"
INFO=$(vpy 's["devices"][0]["containerEdits"]["mounts"][0]["hostPath"]')
t_check vfio/mount "$(vpy 's["devices"][0]["containerEdits"]["mounts"]')" \
	"$INFO $(vpy 's["devices"][0]["containerEdits"]["mounts"][0]["containerPath"]')" = \
	"$(standin_state_dir cdi)/cdi/$VF0.json /run/sriov/vfio/$PFB-0.json"
t_check vfio/info "$(cat "$INFO" 2>&1)" \
	"$("$SH_PY" -c 'import json,sys; v = json.load(open(sys.argv[1]))["vfs"][0]; print(v["pci"], v["pf"], v["vf"], v["iommu_group"], " ".join(v["device_nodes"]), v["mac"], v["vlan"], v["numa_node"])' "$INFO" 2>&1)" = \
	"$VF0 $PFB 0 10 /dev/vfio/vfio /dev/vfio/10 None 7 -1"
t_check vfio/info-mode "mode $(stat -c %a "$INFO")" "$(stat -c %a "$INFO")" = 644
out=$("$SH_PY" "$REPO/tests/engines/cdi_schema.py" --lowest "$OUT" "$VOUT" 2>&1)
t_check vfio/schema "$out" "$?" = 0
t_check vfio/no-temporary "files: $(ls -A "$(dirname "$OUT")" | tr '\n' ' ')" \
	"$(ls -A "$(dirname "$OUT")" | tr '\n' ' ')" = "sriov-hook-vfio.json sriov-hook.json "
# the IOMMU off: the VF has no group, no device; one line, the rest is written
mv "$SH_SYSFS/kernel/iommu_groups" "$SH_TMP/iommu_groups"
rm "$SH_SYSFS/devices/pci0000:00/$VF0/iommu_group"
gen "\"pools\": {\"dpdk\": {\"vfs\": [\"$PFB#0\"], \"driver\": \"vfio-pci\"}, \"d2\": {\"vfs\": [\"$PFB#1\"], \"driver\": \"vfio-pci\"}}" --output "$OUT"
rm -rf "$SH_SYSFS/kernel/iommu_groups"
mv "$SH_TMP/iommu_groups" "$SH_SYSFS/kernel/iommu_groups"
t_check vfio-no-iommu/fails "rc $G_RC: $G_OUT" "$G_RC" != 0
t_check vfio-no-iommu/one-line "$G_OUT" "$(printf '%s\n' "$G_OUT" | grep -c .)" = 1
t_contains vfio-no-iommu/says "$G_OUT" "sriovctl: cdi: pool dpdk: $PFB VF 0 has no device: "
t_check vfio-no-iommu/others "$(vpy '" ".join(d["name"] for d in s["devices"])')" \
	"$(vpy '" ".join(d["name"] for d in s["devices"])')" = "$PFB-1"
# no vfio pool any more: the vfio spec this configuration wrote goes
gen "" --output "$OUT"
t_check vfio-gone/exit0 "rc $G_RC: $G_OUT" "$G_RC" = 0
t_check vfio-gone/removed "files: $(ls -A "$(dirname "$OUT")" | tr '\n' ' ')" \
	"$(ls -A "$(dirname "$OUT")" | tr '\n' ' ')" = "sriov-hook.json "
t_end
