#!/bin/bash
# Concurrent claims: 16 createRuntime hooks at once with vf=auto over 4 stand-in VFs give exactly
# 4 containers a VF each, never one VF twice; 8 at once asking for the same VF index give it to one.
# Containers are live processes in their own netns; the hooks get hand-made runc states.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup concurrency "$REPO" "a 3b 4"
PF=$(standin_pf_name a)
CFG=$(standin_config conc)
STATE=$(standin_state_dir conc)
R=$SH_TMP/runs
mkdir -p "$R"

# race NAME N STAGE [annotation...]: N hooks of STAGE released together by a barrier file; hook i
# acts for container NAME-i (pid in $R/NAME-i.pid). Results in $R/NAME-i.{rc,err}.
race() {
	local name=$1 n=$2 stage=$3 i id pid jobs=()
	shift 3
	rm -f "$R/$name.go"
	for ((i = 0; i < n; i++)); do
		id=$name-$i
		if [ "$stage" = createRuntime ]; then
			standin_netns_proc pid
			echo "$pid" >"$R/$id.pid"
			bundle_bare "$R/$id" "$@"
		else
			pid=0
		fi
		hook_state "$id" "$pid" "$R/$id" >"$R/$id.state"
		(
			until [ -e "$R/$name.go" ]; do sleep 0.002; done
			env -i timeout 30 "$HOOK" --config "$CFG" "$stage" <"$R/$id.state" >/dev/null 2>"$R/$id.err"
			echo $? >"$R/$id.rc"
		) &
		jobs+=($!)
	done
	sleep 0.2
	touch "$R/$name.go"
	wait "${jobs[@]}"
}

# holders NAME N: for each container that got a VF, the index of the stand-in VF in its netns.
holders() {
	local i k links
	for ((i = 0; i < $2; i++)); do
		links=$(ns_links "$(cat "$R/$1-$i.pid")")
		for ((k = 0; k < $(standin_nvfs a); k++)); do
			printf '%s' "$links" | grep -qi "$(standin_vf_mac a "$k")" && echo "$1-$i vf$k"
		done
	done
}

count_rc0() { cat "$R/$1"-*.rc 2>/dev/null | grep -cx 0; }

# 16 x auto over 4.
race auto 16 createRuntime pf="$PF" vf=auto ip=10.80.0.2/24
ok=$(count_rc0 auto)
t_check auto/exactly_4_succeed "$ok of 16 succeeded" "$ok" = 4
h=$(holders auto 16)
t_check auto/4_vfs_held "holders: $h" "$(printf '%s\n' "$h" | grep -c vf)" = 4
t_check auto/no_vf_twice "holders: $h" "$(printf '%s\n' "$h" | awk '{print $2}' | sort | uniq -d)" = ""
# Every success holds a VF, every failure holds none.
bad=""
for ((i = 0; i < 16; i++)); do
	rc=$(cat "$R/auto-$i.rc")
	held=$(printf '%s\n' "$h" | grep -c "^auto-$i ")
	if [ "$rc" = 0 ] && [ "$held" != 1 ]; then bad="$bad auto-$i:ok-without-vf"; fi
	if [ "$rc" != 0 ] && [ "$held" != 0 ]; then bad="$bad auto-$i:failed-with-vf"; fi
	if [ "$rc" != 0 ] && ! grep -q '^sriov-hook: auto-'"$i"': createRuntime: ' "$R/auto-$i.err"; then
		bad="$bad auto-$i:message($(head -c 200 "$R/auto-$i.err"))"
	fi
done
t_empty auto/rc_matches_vf "mismatch" "$bad"
t_check auto/4_claims "claims: $(ls "$STATE/claims" 2>&1)" "$(find "$STATE/claims" -name '*.json' 2>/dev/null | wc -l)" = 4
t_check auto/4_pins "pins: $(grep -c "$STATE/netns/" /proc/self/mounts)" "$(grep -c " $STATE/netns/" /proc/self/mounts)" = 4
t_check auto/none_left_on_host "on host: $(standin_vf_now a 0; standin_vf_now a 3)" \
	"$(for k in 0 1 2 3; do standin_vf_now a $k; done | grep -vc absent)" = 0

# All 16 poststops at once: every one exits 0 and everything comes back.
race auto 16 poststop
t_check auto/poststop_all_0 "rcs: $(cat "$R"/auto-*.rc | tr '\n' ' ') $(cat "$R"/auto-*.err | head -3)" \
	"$(count_rc0 auto)" = 16
t_empty auto/vfs_restored "after poststop" "$(standin_vf_problems a)"
t_empty auto/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"
for ((i = 0; i < 16; i++)); do standin_kill "$(cat "$R/auto-$i.pid")"; done

# 8 x the same VF index: one winner.
race same 8 createRuntime pf="$PF" vf=2
ok=$(count_rc0 same)
t_check same/exactly_1_succeeds "$ok of 8 succeeded" "$ok" = 1
h=$(holders same 8)
t_check same/vf2_held_once "holders: $h" \
	"$(printf '%s\n' "$h" | grep -c ' vf2$')/$(printf '%s\n' "$h" | grep -c vf)" = 1/1
t_check same/others_untouched "changed: $(standin_vf_problems a 0 1 3)" -z "$(standin_vf_problems a 0 1 3)"
race same 8 poststop
t_check same/poststop_all_0 "rcs: $(cat "$R"/same-*.rc | tr '\n' ' ')" "$(count_rc0 same)" = 8
t_empty same/vfs_restored "after poststop" "$(standin_vf_problems a)"
t_empty same/no_residue "left under state_dir" "$(standin_state_residue "$STATE")"

t_end
