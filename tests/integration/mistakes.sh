#!/bin/bash
# Mistakes that used to pass without a word (issue 20.5): cdi generate warns, one line per pool,
# about a pool naming a PF that is not here or VFs beyond the PF's sriov_totalvfs (and still
# writes the spec); a container's SRIOV_ variables that the hook does not use get one log line
# saying which and why (env_fallback off, or not a key, with the nearest key). A VF in two pools
# is a configuration error (tests/unit/test_pool.c; doctor's checks: sriovctl_doctor.sh).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup mistakes "$REPO" "a 6a 2"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)

# ---- cdi generate: a warning line per pool the host contradicts ----------------------------------
CFG=$(standin_config cdi "\"pools\": {\"gone\": [\"nosuchpf0\"], \"wide\": [\"$PF#0-5\"], \"fine\": [\"$PF#1\"]}")
sed -i "s|\"$PF#0-5\"|\"$PF#0\", \"$PF#3-5\"|" "$CFG"
OUT=$(timeout 30 "$CTL" --config "$CFG" cdi generate --output "$SH_TMP/cdi.json" 2>"$SH_TMP/cdi.err")
RC=$?
ERR=$(cat "$SH_TMP/cdi.err")
t_check cdi/exit0 "rc $RC: $ERR" "$RC" = 0
t_contains cdi/written "$OUT" "$SH_TMP/cdi.json: CDI spec written"
t_contains cdi/unknown_pf "$ERR" "sriovctl: cdi generate: warning: pool gone: nosuchpf0: " "stderr"
t_contains cdi/range "$ERR" "sriovctl: cdi generate: warning: pool wide: $PF#3-5: VFs 3-5 are beyond the 2 VFs $PF offers (sriov_totalvfs): end the range at 1" "stderr"
t_check cdi/one_line_per_pool "stderr: $ERR" "$(printf '%s\n' "$ERR" | grep -c .)" = 2
t_lacks cdi/fine_pool_quiet "$ERR" "pool fine" "stderr"

# ---- SRIOV_ variables that are not used: one log line ------------------------------------------
# run_env NAME FALLBACK VAR...: createRuntime of a container whose process.env holds VAR..., the
# annotations asking for VF 0; L_LINE: the log's line about variables.
run_env() {
	local name=$1 fb=$2 cfg vars
	shift 2
	cfg=$(standin_config "$name" "\"env_fallback\": $fb")
	vars=$(printf '"%s",' "$@")
	ct_prepare "$name" pf="$PF" vf=0
	bundle_edit "$CT_BUNDLE" "c['process']['env'] = ['PATH=/bin', ${vars%,}]"
	ct_createrun "$name" "$cfg"
	t_check "$name/create" "rc $HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
	L_LINE=$(grep "SRIOV_ variables not used" "$SH_TMP/$name.log")
	t_check "$name/one_line" "log: $(cat "$SH_TMP/$name.log")" "$(printf '%s\n' "$L_LINE" | grep -c .)" = 1
	ct_poststop "$name" "$cfg"
	ct_kill "$name"
}
run_env fboff false SRIOV_IP=10.9.0.2/24 SRIOV_MTU=1400
t_contains fboff/says "$L_LINE" "SRIOV_ variables not used: SRIOV_IP, SRIOV_MTU not read: env_fallback is off in the configuration" "log line"
run_env typo true SRIOV_IPADDR=10.9.0.2/24 SRIOV_VFIO_PCI=x
t_contains typo/says "$L_LINE" "SRIOV_IPADDR (not a key; the nearest is SRIOV_IP)" "log line"
t_lacks typo/own_variables "$L_LINE" "SRIOV_VFIO_PCI" "log line"
t_empty vfs_back "stand-ins" "$(standin_vf_problems a)"
t_end
