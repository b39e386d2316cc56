#!/bin/bash
# Torture (root): 16 workers run container lifecycles over 8 stand-in VFs with random SIGKILLs of
# the hook, `auto` and fixed indexes mixed, runc-like and podman-like runtimes (torture.py says how),
# and a checker that no VF is ever held by two live containers nor named by two records. At the end
# a recovery pass does what later containers do, the next claim of each VF and its poststop; then
# every VF must be home as created and state_dir must hold only lock files.
# Prints "torture: ops N, kills K, double holds D, leftovers L"; D and L must be 0.
# Usage: tests/torture/torture.sh [REPO]   TORTURE_OPS (default 1000), TORTURE_SEED (default: random),
#        TORTURE_WORKERS (16), TORTURE_KILL_RATE (0.25: share of hook runs killed).
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
T_GROUP=torture
. "$REPO/tests/lib/testlib.sh"
. "$REPO/tests/lib/standin.sh"
. "$REPO/tests/lib/bundle.sh"
t_init torture "$REPO"
t_require_hook
KILLSTEP=${KILLSTEP:-$REPO/build/tests/tools/killstep}
OPS=${TORTURE_OPS:-1000}
SEED=${TORTURE_SEED:-$RANDOM$RANDOM}
NVF=8
if [ ! -x "$KILLSTEP" ]; then
	t_fail build "$KILLSTEP is missing: run make tools"
	exit 1
fi
standin_init || exit 1
standin_pf_create a 3b $NVF || { t_fail setup "stand-ins could not be made"; exit 1; }
# The checker's own test runs on a PF of its own: the hook it uses loses VFs.
standin_pf_create b 3c 2 || { t_fail setup "stand-ins could not be made"; exit 1; }
PF=$(standin_pf_name a)
CFG=$(standin_config torture)
STATE=$(standin_state_dir torture)
B=$SH_TMP/bundles

# Bundles: by index (odd ones also change the MTU), and auto.
for ((k = 0; k < NVF; k++)); do
	extra=()
	[ $((k % 2)) = 1 ] && extra=(mtu=1400)
	bundle_bare "$B/fixed$k" pf="$PF" vf="$k" ip="10.99.$k.2/24" "${extra[@]}"
done
bundle_bare "$B/auto" pf="$PF" vf=auto ip=10.99.100.2/24 mtu=1280

# The number of system calls of each stage (kills are drawn from 1..K).
steps() {
	local out=$SH_TMP/steps.out pid=$2
	hook_state steps "$pid" "$B/fixed0" "$([ "$1" = createRuntime ] && echo creating || echo stopped)" |
		env -i "$KILLSTEP" -o "$out" -- "$HOOK" --config "$CFG" "$1" >/dev/null 2>&1
	sed -n 's/^syscalls //p' "$out"
}
standin_netns_proc pid
KC=$(steps createRuntime "$pid")
standin_kill "$pid"
KP=$(steps poststop 0)
if [ -z "$KC" ] || [ -z "$KP" ] || [ -n "$(standin_vf_problems a)" ]; then
	t_fail setup "a plain createRuntime/poststop did not work: steps '$KC' '$KP', $(standin_vf_problems a)"
	exit 1
fi

vfs=$(for ((k = 0; k < NVF; k++)); do
	printf '{"index": %d, "mac": "%s", "pci": "%s"}\n' "$k" "$(standin_vf_mac a "$k")" "$(standin_vf_pci a "$k")"
done | paste -sd, -)
cat >"$SH_TMP/torture.json" <<EOF
{"hook": "$HOOK", "killstep": "$KILLSTEP", "config": "$CFG", "state_dir": "$STATE", "bundles": "$B",
 "vfs": [$vfs], "ops": $OPS, "workers": ${TORTURE_WORKERS:-16}, "seed": $SEED,
 "kill_rate": ${TORTURE_KILL_RATE:-0.25}, "hold_ms": 30,
 "steps": {"createRuntime": $((KC + KC / 10)), "poststop": $((KP + KP / 10))}}
EOF

# The checker's own test: with a hook that ignores claims (thief-hook.py) over PF b's two VFs, the
# checker must see double holds.
for k in 0 1; do bundle_bare "$B/thief/fixed$k" pf="$(standin_pf_name b)" vf="$k"; done
bundle_bare "$B/thief/auto" pf="$(standin_pf_name b)" vf=auto
cat >"$SH_TMP/thief.json" <<EOF
{"hook": "$REPO/tests/torture/thief-hook.py", "killstep": "$KILLSTEP", "config": "$SH_TMP/thief.json",
 "state_dir": "$SH_TMP/thief.state", "bundles": "$B/thief", "ops": 100, "workers": 8, "seed": $SEED,
 "kill_rate": 0, "hold_ms": 500, "steps": {"createRuntime": 1, "poststop": 1},
 "vfs": [{"index": 0, "mac": "$(standin_vf_mac b 0)"}, {"index": 1, "mac": "$(standin_vf_mac b 1)"}]}
EOF
thief=$("$SH_PY" "$REPO/tests/torture/torture.py" run "$SH_TMP/thief.json" 2>&1 |
	"$SH_PY" -c 'import json,sys; print(json.load(sys.stdin)["double_holds"])' 2>&1)
echo "# checker test: '$thief' double holds seen with a hook that ignores claims"
t_check checker/sees_double_holds "with a hook that ignores claims: '$thief' double holds, want > 0" \
	"0${thief//[!0-9]/}" -gt 0

start=$(date +%s)
"$SH_PY" "$REPO/tests/torture/torture.py" run "$SH_TMP/torture.json" >"$SH_TMP/run.json" 2>"$SH_TMP/run.err"
run_rc=$?
final_start=$(date +%s)
"$SH_PY" "$REPO/tests/torture/torture.py" final "$SH_TMP/torture.json" >"$SH_TMP/final.json" 2>>"$SH_TMP/run.err"
end=$(date +%s)
get() { "$SH_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null; }
if [ "$run_rc" != 0 ] || [ -z "$(get "$SH_TMP/run.json" ops)" ]; then
	t_fail driver "torture.py failed (exit $run_rc): $(tail -n 5 "$SH_TMP/run.err")"
	t_end
fi

leftover=$(
	"$SH_PY" -c 'import json,sys; [print("final pass:", p) for p in json.load(open(sys.argv[1]))["problems"]]' \
		"$SH_TMP/final.json"
	standin_vf_problems a
	standin_state_residue "$STATE" | grep -Ev '^file .*/locks/[^/]*$|^file .*\.lock$'
)
ops=$(get "$SH_TMP/run.json" ops)
kills=$(get "$SH_TMP/run.json" kills)
double=$(($(get "$SH_TMP/run.json" double_holds) + $(get "$SH_TMP/run.json" records_twice)))
nleft=$(printf '%s' "$leftover" | grep -c .)

echo "# seed $SEED, ${TORTURE_WORKERS:-16} workers, $NVF VFs, kills at a random step of 1..$((KC + KC / 10)) (createRuntime makes $KC system calls), 1..$((KP + KP / 10)) (poststop, $KP)"
echo "# createRuntime $(get "$SH_TMP/run.json" creates) (succeeded $(get "$SH_TMP/run.json" created), refused busy $(get "$SH_TMP/run.json" refused)), poststop $(get "$SH_TMP/run.json" poststops), other errors $(get "$SH_TMP/run.json" errors); $((final_start - start)) s, final pass $((end - final_start)) s"
"$SH_PY" - "$SH_TMP/run.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for msg, n in sorted(r["errors_seen"].items(), key=lambda x: -x[1])[:10]:
    print("# error x%d: %s" % (n, msg[:300]))
for p in r["problems"][:20]:
    print("# problem: %s" % p[:300])
EOF
printf '%s\n' "$leftover" | grep . | head -n 20 | sed 's/^/# leftover: /'
[ "$nleft" = 0 ] || printf '%s\n' "$leftover" | awk '
	/^final pass:/ { k["final-pass failures"]++; next }
	/^vf [0-9]+:/ { k["VFs not home"]++; next }
	/^mount / { k["pins mounted"]++; next }
	/\.tmp\./ { k["temp files"]++; next }
	/\/netns\// { k["pin files"]++; next }
	/\/owners\// { k["owners entries"]++; next }
	/\.json$/ { k["records"]++; next }
	{ k["other"]++ }
	END { for (x in k) s = s (s ? ", " : "") k[x] " " x; print "# leftovers by kind: " s }'
echo "torture: ops $ops, kills $kills, double holds $double, leftovers $nleft"
t_check enough_ops "only $ops operations of $OPS" "$ops" -ge "$OPS"
t_check no_double_holds "$double double holds (see the problems above)" "$double" = 0
t_check no_leftovers "$nleft leftovers (see above)" "$nleft" = 0
t_end
