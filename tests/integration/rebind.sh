#!/bin/bash
# "release": "rebind" (global or per pool): at poststop the VF is unbound from its driver and
# probed again (driver_override cleared, as for a return from vfio-pci), then gets its host name
# back; a VF of a pool without the key follows the global choice ("restore" by default). A bad
# value is refused naming the key. tests/lib/fakevfio.py plays the kernel's part of the probe.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup rebind "$REPO" "a 3c 2"
. "$REPO/tests/lib/fakevfio.sh"
fakevfio_setup a
PF=$(standin_pf_name a)
PCI0=$(standin_vf_pci a 0)
PCI1=$(standin_vf_pci a 1)
LOG=$SH_TMP/rebind.log
CFG=$(standin_config rebind "\"dev_root\": \"$FAKEVFIO_DEV\"" \
	"\"pools\": {\"clean\": {\"vfs\": [\"$PF#1\"], \"release\": \"rebind\"}, \"kept\": [\"$PF#0\"]}")

# Pool "clean" rebinds, pool "kept" follows the global default (restore).
ct_create c1 "$CFG" pool=clean
t_check pool/claimed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_create c0 "$CFG" pool=kept
t_check pool/claimed_kept "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_contains pool/recorded "$(cat "$(standin_state_dir rebind)/claims/$PCI1.json")" '"release": "rebind"'
for id in c1 c0; do
	ct_kill $id
	ct_poststop $id "$CFG"
	t_check "pool/released_$id" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
done
t_contains pool/rebound "$(cat "$LOG")" "rebound VF $PCI1 to igbvf in"
t_lacks pool/kept_not_rebound "$(cat "$LOG")" "rebound VF $PCI0"
t_check pool/on_igbvf "driver: $(fakevfio_driver a 1)" "$(fakevfio_driver a 1)" = igbvf
t_check pool/no_override "override: $(cat "$SH_SYSFS/devices/pci0000:00/$PCI1/driver_override")" \
	-z "$(tr -d '\n' <"$SH_SYSFS/devices/pci0000:00/$PCI1/driver_override")"
t_empty pool/as_created "stand-ins" "$(standin_vf_problems a)"

# The global key.
: >"$LOG"
CFG2=$(standin_config rebind2 "\"dev_root\": \"$FAKEVFIO_DEV\"" "\"release\": \"rebind\"" "\"log\": \"$LOG\"")
ct_create g0 "$CFG2" pf="$PF" vf=0
t_check global/claimed "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
ct_kill g0
ct_poststop g0 "$CFG2"
t_check global/released "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_contains global/rebound "$(cat "$LOG")" "rebound VF $PCI0 to igbvf in"
t_empty global/as_created "stand-ins" "$(standin_vf_problems a)"

# A value that is neither: refused, naming the key.
CFG3=$(standin_config rebind3 "\"release\": \"reset\"")
ct_prepare bad pf="$PF" vf=0
ct_createrun bad "$CFG3"
t_check bad/refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains bad/names_key "$HOOK_ERR" 'config: release must be "restore"'
t_end
