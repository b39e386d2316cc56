# shellcheck shell=bash
# The result protocol of the shell suites: one line per check, `PASS <group>/<name>` or
# `FAIL <group>/<name>: <reason>` (group: T_GROUP, default integration); a script exits non-zero
# when any of its checks failed.
# Also runs the hook the way a runtime does and keeps what it said.
#
# Usage (bash):
#   . tests/lib/testlib.sh
#   t_init runc_basic "$1"        # suite name, repo root (default: two levels above this file)
#   t_pass check / t_fail check "why" / t_check check "why" test-args... / t_end
#   hook_run CONFIG STAGE STATE-JSON   # sets HOOK_RC, HOOK_ERR (stderr), HOOK_OUT (stdout)

T_FAILS=0
T_CHECKS=0
T_GROUP=${T_GROUP:-integration}

# t_init SUITE [REPO]: sets T_SUITE, REPO, HOOK (absolute path of build/sriov-hook).
t_init() {
	T_SUITE=$1
	REPO=${2:-${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}}
	REPO=$(cd "$REPO" && pwd)
	HOOK=${HOOK:-$REPO/build/sriov-hook}
	export REPO HOOK
}

t_pass() {
	T_CHECKS=$((T_CHECKS + 1))
	echo "PASS $T_GROUP/$T_SUITE/$1"
}

# t_fail CHECK REASON: the reason is folded onto one line.
t_fail() {
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	echo "FAIL $T_GROUP/$T_SUITE/$1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-500)"
}

# t_check CHECK REASON EXPR...: PASS when `[ EXPR ]` holds, else FAIL with REASON.
t_check() {
	local name=$1 why=$2
	shift 2
	if [ "$@" ]; then t_pass "$name"; else t_fail "$name" "$why"; fi
}

# t_empty CHECK WHAT TEXT: PASS when TEXT is empty, else FAIL "WHAT: TEXT".
t_empty() {
	if [ -z "$3" ]; then t_pass "$1"; else t_fail "$1" "$2: $3"; fi
}

# t_contains CHECK TEXT NEEDLE [WHAT]: PASS when TEXT contains NEEDLE (case-insensitive).
t_contains() {
	if printf '%s' "$2" | grep -qiF -- "$3"; then
		t_pass "$1"
	else
		t_fail "$1" "${4:-output} lacks '$3': $2"
	fi
}

# t_require_hook: FAILs the suite at once when the binary is not built.
t_require_hook() {
	if [ ! -x "$HOOK" ]; then
		t_fail build "$HOOK is missing: run make all"
		exit 1
	fi
}

t_end() {
	[ "$T_FAILS" -eq 0 ]
	exit $?
}

# hook_run CONFIG STAGE STATE [EXTRA-ARGS...]: runs the hook with an empty environment, as runc
# does. CONFIG "" = no --config. Sets HOOK_RC, HOOK_OUT, HOOK_ERR.
hook_run() {
	local cfg=$1 stage=$2 state=$3 f
	shift 3
	f=$(mktemp "${SH_TMP:-/tmp}/hook.XXXXXX")
	local args=()
	[ -n "$cfg" ] && args+=(--config "$cfg")
	[ -n "$stage" ] && args+=("$stage")
	HOOK_OUT=$(printf '%s' "$state" | env -i timeout 30 "$HOOK" "${args[@]}" "$@" 2>"$f")
	HOOK_RC=$?
	HOOK_ERR=$(cat "$f")
	rm -f "$f"
}

# hook_err_ok: the hook's stderr is exactly one line starting "sriov-hook: ".
hook_err_one_line() {
	[ "$(printf '%s\n' "$HOOK_ERR" | grep -c .)" = 1 ] && [ "${HOOK_ERR#sriov-hook: }" != "$HOOK_ERR" ]
}

# json_get FILE KEY: the top-level KEY of a JSON file, printed raw ("" when absent or unreadable).
json_get() {
	"${SH_PY:-python3}" - "$1" "$2" <<'PY' 2>/dev/null
import json, sys
try:
    v = json.load(open(sys.argv[1])).get(sys.argv[2], "")
except Exception:
    v = ""
print(v if not isinstance(v, (dict, list)) else json.dumps(v))
PY
}

# ns_links PID: `ip -o link` inside PID's network namespace.
ns_links() {
	nsenter -t "$1" -n ip -o link show 2>/dev/null
}

# wait_for FILE [SECONDS]: waits until FILE exists; non-zero on timeout.
wait_for() {
	local i n=$((${2:-20} * 50))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.02
	done
	return 1
}
