#!/bin/bash
# --output of `sriovctl metrics` and `cdi generate`: "-" is standard output; a symlink, a device
# or another user's file (a sticky directory's) at the path is refused and left as it was; a
# regular file of this user's is replaced.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup output "$REPO" "a 3a 1"
CTL=$(dirname "$HOOK")/sriovctl
CFG=$(standin_config output)
D=$SH_TMP/out
mkdir -m 1777 "$D"

out=$("$CTL" --config "$CFG" metrics --output - 2>&1)
t_check stdout/metrics_exit0 "metrics --output -: $out" $? = 0
t_contains stdout/metrics "$out" "sriov_"
t_check stdout/no_file_named_dash "a file '-' was made" ! -e ./-
out=$("$CTL" --config "$CFG" cdi generate --output - 2>&1)
t_check stdout/cdi_exit0 "cdi generate --output -: $out" $? = 0
t_contains stdout/cdi_json "$out" '"cdiVersion"'
t_lacks stdout/cdi_no_written_line "$out" "CDI spec written"

echo keep >"$D/target"
ln -s "$D/target" "$D/link"
out=$("$CTL" --config "$CFG" metrics --output "$D/link" 2>&1)
t_check link/refused "metrics --output link exited 0: $out" $? != 0
t_contains link/says_why "$out" "not a regular file (a symbolic link)"
t_check link/kept "the link was replaced" -L "$D/link"
t_check link/target_kept "target: $(cat "$D/target")" "$(cat "$D/target")" = keep
out=$("$CTL" --config "$CFG" cdi generate --output "$D/link" 2>&1)
t_check link/cdi_refused "cdi generate --output link exited 0: $out" $? != 0
t_check link/cdi_kept "the link was replaced" -L "$D/link"

# a device node of its own (never the host's /dev/null: a build without the check replaces it)
mknod "$D/null" c 1 3
out=$("$CTL" --config "$CFG" metrics --output "$D/null" 2>&1)
t_check device/refused "metrics --output a device exited 0: $out" $? != 0
t_check device/kept "the device node was replaced" -c "$D/null"

echo theirs >"$D/other"
chown 65534 "$D/other"
out=$("$CTL" --config "$CFG" metrics --output "$D/other" 2>&1)
t_check foreign/refused "metrics --output other's exited 0: $out" $? != 0
t_contains foreign/says_owner "$out" "owned by uid 65534"
t_check foreign/kept "owner now: $(stat -c %u "$D/other")" "$(stat -c %u "$D/other"):$(cat "$D/other")" = 65534:theirs

echo old >"$D/mine"
out=$("$CTL" --config "$CFG" metrics --output "$D/mine" 2>&1)
t_check mine/replaced "metrics --output mine: $out" $? = 0
t_contains mine/content "$(cat "$D/mine")" "sriov_"
t_end
