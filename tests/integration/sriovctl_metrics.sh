#!/bin/bash
# sriovctl metrics: Prometheus text that parses back (every sample in a declared family, labels
# escaped, counters named *_total), the states as list --json has them, written atomically.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup sriovctl_metrics "$REPO" "a 3b 3"
CTL=$REPO/build/sriovctl
PF=$(standin_pf_name a)
CFG=$(standin_config met)
standin_pf_link a up
standin_vf_unbind a 2
OUT=$SH_TMP/textfile/sriov.prom
mkdir -p "$SH_TMP/textfile"

"$CTL" --config "$CFG" metrics --output "$OUT" 2>"$SH_TMP/err"
rc=$?
t_check write/exit0 "rc $rc: $(cat "$SH_TMP/err")" "$rc" = 0
t_check write/file "no $OUT" -s "$OUT"
t_check write/mode "mode $(stat -c %a "$OUT")" "$(stat -c %a "$OUT")" = 644
t_empty write/no_temp_left "other files" "$(ls -A "$SH_TMP/textfile" | grep -vx sriov.prom)"

# Parse it back: the exposition format, and the samples as a dict for the checks below.
parsed=$("$SH_PY" - "$OUT" <<'PY'
import re, sys
fams, samples, errors = {}, {}, []
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
for n, line in enumerate(open(sys.argv[1]).read().split("\n"), 1):
    if not line:
        continue
    m = re.fullmatch(r"# (HELP|TYPE) (%s) (.+)" % name_re, line)
    if m:
        if m.group(1) == "TYPE":
            if m.group(3) not in ("gauge", "counter"):
                errors.append("line %d: type %s" % (n, m.group(3)))
            if m.group(2) in fams:
                errors.append("line %d: %s declared twice" % (n, m.group(2)))
            fams[m.group(2)] = m.group(3)
        continue
    m = re.fullmatch(r"(%s)\{(.*)\} ([0-9]+)" % name_re, line)
    if not m:
        errors.append("line %d: not a sample: %s" % (n, line))
        continue
    name, labels, value = m.groups()
    if name not in fams:
        errors.append("line %d: %s has no TYPE before it" % (n, name))
    elif fams[name] == "counter" and not name.endswith("_total"):
        errors.append("line %d: counter %s lacks _total" % (n, name))
    rest = label_re.sub("", labels).replace(",", "")
    if rest:
        errors.append("line %d: bad labels %s" % (n, labels))
    key = name + "{" + ",".join("%s=%s" % kv for kv in sorted(label_re.findall(labels))) + "}"
    if key in samples:
        errors.append("line %d: duplicate sample %s" % (n, key))
    samples[key] = int(value)
for e in errors:
    print("ERROR", e)
for k, v in sorted(samples.items()):
    print(k, v)
PY
)
t_empty format/parses "errors" "$(printf '%s\n' "$parsed" | grep '^ERROR')"
sample() { printf '%s\n' "$parsed" | awk -v k="$1" '$1 == k {print $2}'; }
t_check pf/numvfs "$(sample "sriov_pf_numvfs{pf=$PF}")" "$(sample "sriov_pf_numvfs{pf=$PF}")" = 3
t_check pf/carrier "$(sample "sriov_pf_carrier{pf=$PF}")" "$(sample "sriov_pf_carrier{pf=$PF}")" = 1
t_check vfs/free "$(sample "sriov_vfs{pf=$PF,state=free}")" "$(sample "sriov_vfs{pf=$PF,state=free}")" = 2
t_check vfs/unusable "$(sample "sriov_vfs{pf=$PF,state=unusable}")" "$(sample "sriov_vfs{pf=$PF,state=unusable}")" = 1
vf2=$(standin_vf_pci a 2)
t_check vf/one_hot "$(sample "sriov_vf_state{pci=$vf2,pf=$PF,state=unusable,vf=2}")" \
	"$(sample "sriov_vf_state{pci=$vf2,pf=$PF,state=unusable,vf=2}")" = 1
t_check vf/one_hot_others "$(printf '%s\n' "$parsed" | grep "^sriov_vf_state{pci=$vf2," | awk '{s += $2} END {print s}')" \
	"$(printf '%s\n' "$parsed" | grep "^sriov_vf_state{pci=$vf2," | awk '{s += $2} END {print s}')" = 1
# The same states as list --json.
states=$("$CTL" --config "$CFG" list --json | "$SH_PY" -c '
import json, sys
print(" ".join("%d=%s" % (v["index"], v["state"]) for v in json.load(sys.stdin)["vfs"]))')
for kv in $states; do
	t_check "vf/state_as_list_${kv%%=*}" "list says $kv" \
		"$(sample "sriov_vf_state{pci=$(standin_vf_pci a "${kv%%=*}"),pf=$PF,state=${kv#*=},vf=${kv%%=*}}")" = 1
done
# Netdev counters rise with traffic.
ip link set "$(standin_vf_name a 0)" up
k="sriov_vf_netdev_tx_packets_total{pci=$(standin_vf_pci a 0),pf=$PF,vf=0}"
before=$(sample "$k")
standin_send_frames "$(standin_vf_name a 0)"
"$CTL" --config "$CFG" metrics >"$SH_TMP/stdout.prom"
after=$(grep -F "sriov_vf_netdev_tx_packets_total{pf=\"$PF\",vf=\"0\"," "$SH_TMP/stdout.prom" | awk '{print $2}')
t_check counters/rise "tx_packets $before -> $after" "${after:-0}" -gt "${before:-0}"

# Errors: a directory that does not exist, one line naming the file, nothing created.
"$CTL" --config "$CFG" metrics --output "$SH_TMP/nodir/sriov.prom" >/dev/null 2>"$SH_TMP/err"
rc=$?
t_check error/exit1 "rc $rc" "$rc" = 1
t_contains error/names_file "$(cat "$SH_TMP/err")" "sriovctl: metrics: write $SH_TMP/nodir/sriov.prom: the directory $SH_TMP/nodir does not exist" "stderr"
t_contains error/hint "$(cat "$SH_TMP/err")" "create it (\`mkdir -p $SH_TMP/nodir\`" "stderr"
"$CTL" --config "$CFG" metrics extra >/dev/null 2>"$SH_TMP/err"
t_contains error/extra_argument "$(cat "$SH_TMP/err")" "unexpected argument \"extra\"" "stderr"

t_end
