# shellcheck shell=bash
# The result protocol of the shell suites: one line per check, `PASS <group>/<name>` or
# `FAIL <group>/<name>: <reason>` (group: T_GROUP, default integration); a script exits non-zero
# when any of its checks failed.
# Also runs the hook the way a runtime does and keeps what it said.
#
# Usage (bash):
#   . tests/lib/testlib.sh
#   t_init runc_basic "$1"        # suite name, repo root (default: two levels above this file)
#   t_setup rollback "$1" "a 3b 2" "b 3c 1 tap"   # an integration script's preamble: t_init, the
#                                 # stand-in and bundle libraries, the hook built, stand-in PFs
#   t_pass check / t_fail check "why" / t_check check "why" test-args... / t_end
#   t_contains / t_lacks check text needle / t_empty check what text
#   hook_run CONFIG STAGE STATE-JSON   # sets HOOK_RC, HOOK_ERR (stderr), HOOK_OUT (stdout)
#   t_message check PATTERN [ID STAGE] # the hook said one line whose message matches PATTERN

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

# t_contains CHECK TEXT NEEDLE [WHAT]: PASS when TEXT contains NEEDLE (a fixed string, case
# included: "UP" is not "up").
t_contains() {
	if printf '%s' "$2" | grep -qF -- "$3"; then
		t_pass "$1"
	else
		t_fail "$1" "${4:-output} lacks '$3': $2"
	fi
}

# t_lacks CHECK TEXT NEEDLE [WHAT]: PASS when TEXT does not contain NEEDLE (fixed string).
t_lacks() {
	if printf '%s' "$2" | grep -qF -- "$3"; then
		t_fail "$1" "${4:-output} has '$3': $2"
	else
		t_pass "$1"
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

# t_setup SUITE REPO [PF-SPEC...]: the preamble of an integration script: t_init, the stand-in
# and bundle libraries, the hook built, stand-ins initialised (temp dir, cleanup at exit) and one
# stand-in PF per PF-SPEC ("TAG BUS NVFS [KIND]", standin_pf_create's arguments). Exits at once,
# with a FAIL line, when any of it cannot be done.
t_setup() {
	local suite=$1 repo=$2 spec
	shift 2
	t_init "$suite" "$repo"
	# shellcheck source=standin.sh
	. "$REPO/tests/lib/standin.sh"
	# shellcheck source=bundle.sh
	. "$REPO/tests/lib/bundle.sh"
	t_require_hook
	standin_init || exit 1
	for spec in "$@"; do
		# shellcheck disable=SC2086 # the spec is a list of arguments
		standin_pf_create $spec || { t_fail setup "stand-in PF ($spec) could not be made"; exit 1; }
	done
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

# hook_err_one_line: the hook's stderr is exactly one line starting "sriov-hook: ".
hook_err_one_line() {
	[ "$(printf '%s\n' "$HOOK_ERR" | grep -c .)" = 1 ] && [ "${HOOK_ERR#sriov-hook: }" != "$HOOK_ERR" ]
}

# hook_message: the message of the hook's one line, without "sriov-hook: <id>[ (<name>)]: <stage>: "
# (id "-" before the state is read; the name where the runtime gave one) or, for a command-line
# error that comes before any stage, without "sriov-hook: ". Message checks match this, never the
# whole line: the id is often the test's own name, so a pattern matched against the line would
# pass whatever the message says.
hook_message() {
	local line=${HOOK_ERR#sriov-hook: } re='^([A-Za-z0-9_.+-]+)( \([^()]*\))?: (createRuntime|poststop): (.*)$'
	if [[ $line =~ $re ]]; then
		printf '%s' "${BASH_REMATCH[4]}"
	else
		printf '%s' "$line"
	fi
}

# t_message CHECK PATTERN [ID STAGE [HIDE]]: PASS when the hook wrote exactly one line, prefixed
# "sriov-hook: ID: STAGE: " when ID and STAGE are given, whose message (hook_message) matches
# PATTERN (extended regex, case-insensitive). HIDE, a path the message may quote that holds the
# test's name (its bundle), is read as "..." so that the name cannot satisfy PATTERN either.
t_message() {
	local check=$1 pat=$2 id=${3:-} stage=${4:-} hide=${5:-} prefix="sriov-hook: " msg
	[ -n "$id" ] && prefix="sriov-hook: $id: $stage: "
	msg=$(hook_message)
	[ -n "$hide" ] && msg=${msg//"$hide"/...}
	if hook_err_one_line && [ "${HOOK_ERR#"$prefix"}" != "$HOOK_ERR" ] && printf '%s' "$msg" | grep -qiE -- "$pat"; then
		t_pass "$check"
	else
		t_fail "$check" "want one line '$prefix...' whose message matches /$pat/, got: $HOOK_ERR"
	fi
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
