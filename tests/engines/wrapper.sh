#!/bin/bash
# sriov-runc on its own, against a stand-in runc that prints its command line: what runc receives,
# how config.json is rewritten (and when it is left alone), where the real runc is looked for, and
# how errors read. The engines themselves are in podman.sh and docker.sh.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e_init wrapper

W=$SH_TMP/w
mkdir -p "$W/bin"
# The stand-in runc: one line, each argument in brackets; also says where it ran.
cat >"$W/bin/runc" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done
printf ' cwd=%s\n' "$(pwd)"
EOF
chmod +x "$W/bin/runc"
printf '{"runc": "%s"}\n' "$W/bin/runc" >"$W/cfg.json"
printf '{"runc": "%s", "env_fallback": true}\n' "$W/bin/runc" >"$W/cfg-env.json"

# json_py FILE CODE: prints the value of python expression CODE with c = FILE's JSON.
json_py() {
	"$SH_PY" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# mkbundle DIR [ANNOTATIONS-JSON] [ENV-JSON]: a config.json with numbers whose text must survive
# (1.50e3, 0.5, -1, 2^64-1), escapes, unicode and an existing prestart hook.
mkbundle() {
	local dir=$1 ann=${2:-'{}'} env=${3:-'["PATH=/bin"]'}
	mkdir -p "$dir"
	cat >"$dir/config.json" <<EOF
{"ociVersion":"1.0.2-dev","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sh","-c","echo \"hi\"\\n\\t/x"],"env":$env,"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","hard":1048576,"soft":1.50e3}],"oomScoreAdj":-1},"root":{"path":"rootfs"},"hostname":"h\u00e9\u4e2d","linux":{"resources":{"memory":{"limit":18446744073709551615,"swappiness":0.5},"devices":[{"allow":false,"access":"rwm"}]},"namespaces":[{"type":"pid"},{"type":"network","path":"/run/netns/x"}],"maskedPaths":[],"x":null},"hooks":{"prestart":[{"path":"/usr/bin/true","args":["true"],"timeout":5}]},"annotations":$ann}
EOF
}

SRIOV_ANN='{"io.sriov.pf":"ens1f0","io.sriov.vf":"auto","org.example":"1"}'
ABS_HOOK=$(cd "$(dirname "$HOOK")" && pwd)/sriov-hook

# ---- pass-through -------------------------------------------------------------------------

out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" --root /r --log /l --log-format json --systemd-cgroup state c1 2>&1)
t_check passthrough-argv "runc got: $out" "${out% cwd=*}" = "[--root][/r][--log][/l][--log-format][json][--systemd-cgroup][state][c1]"

out=$(cd "$W" && "$RUNC_WRAPPER" --sriov-config=cfg.json delete --force c1 2>&1)
t_check passthrough-config-equals-relative "runc got: $out" "${out% cwd=*}" = "[delete][--force][c1]"

out=$(SRIOV_HOOK_CONFIG="$W/cfg.json" "$RUNC_WRAPPER" --root /r start c1 2>&1)
t_check passthrough-config-env "runc got: $out" "${out% cwd=*}" = "[--root][/r][start][c1]"

# No config at all: the real runc from the fixed list, even with a runc first on PATH.
out=$(PATH="$W/bin:$PATH" "$RUNC_WRAPPER" --version 2>&1)
t_contains real-runc-not-from-path "$out" "runc version"

# `run` is not `create`: passed through, config.json untouched.
mkbundle "$W/run" "$SRIOV_ANN"
cp "$W/run/config.json" "$W/run.orig"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" run --bundle "$W/run" c1 2>&1)
if cmp -s "$W/run/config.json" "$W/run.orig" && [ "${out% cwd=*}" = "[run][--bundle][$W/run][c1]" ]; then
	t_pass passthrough-run
else
	t_fail passthrough-run "runc got: $out; config.json changed: $(diff "$W/run.orig" "$W/run/config.json" | head -3)"
fi

# ---- create without SR-IOV: untouched ------------------------------------------------------

mkbundle "$W/plain" '{"org.example":"io.sriov.vf"}' '["PATH=/bin","SRIOV_VF=auto"]'
cp -p "$W/plain/config.json" "$W/plain.orig"
before=$(stat -c %i.%Y "$W/plain/config.json")
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" --root /r create --bundle "$W/plain" --pid-file /p c2 2>&1)
rc=$?
if [ $rc = 0 ] && cmp -s "$W/plain/config.json" "$W/plain.orig" && [ "$before" = "$(stat -c %i.%Y "$W/plain/config.json")" ] &&
	[ "${out% cwd=*}" = "[--root][/r][create][--bundle][$W/plain][--pid-file][/p][c2]" ]; then
	t_pass create-without-sriov-untouched
else
	t_fail create-without-sriov-untouched "rc=$rc runc got: $out; diff: $(diff "$W/plain.orig" "$W/plain/config.json" | head -3)"
fi

# SRIOV_ env entries count only when the config allows it.
mkbundle "$W/envb" '{}' '["PATH=/bin","SRIOV_VF=auto","SRIOV_PF=ens1f0"]'
cp "$W/envb/config.json" "$W/envb.orig"
"$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle "$W/envb" c3 >/dev/null 2>&1
if cmp -s "$W/envb/config.json" "$W/envb.orig"; then t_pass env-fallback-off-untouched; else
	t_fail env-fallback-off-untouched "config.json was rewritten for SRIOV_ env entries with env_fallback off"
fi
"$RUNC_WRAPPER" --sriov-config "$W/cfg-env.json" create --bundle "$W/envb" c3 >/dev/null 2>&1
n=$(json_py "$W/envb/config.json" 'len(c["hooks"].get("createRuntime", []))' 2>&1)
t_check env-fallback-on-adds-hooks "createRuntime entries: $n" "$n" = 1

# A broken config.json is runc's to report.
mkdir -p "$W/broken" && echo '{"ociVersion": ' >"$W/broken/config.json"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create -b "$W/broken" c4 2>&1)
t_check create-broken-spec-passthrough "out: $out" "${out% cwd=*}" = "[create][-b][$W/broken][c4]"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create -b "$W/nonexistent" c4 2>&1)
t_check create-missing-bundle-passthrough "out: $out" "${out% cwd=*}" = "[create][-b][$W/nonexistent][c4]"
# ...and so is a FIFO in its place: passed through at once, not waited on for a writer.
mkdir -p "$W/fifo" && mkfifo "$W/fifo/config.json"
out=$(timeout 10 "$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle "$W/fifo" c4 2>&1)
t_check create-fifo-spec-passthrough "rc=$? out: $out" "${out% cwd=*}" = "[create][--bundle][$W/fifo][c4]"

# ---- create with SR-IOV: the rewrite -------------------------------------------------------

mkbundle "$W/a" "$SRIOV_ANN"
chmod 0640 "$W/a/config.json"
cp "$W/a/config.json" "$W/a.orig"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" --log-format json create --bundle "$W/a" --pid-file /p c5 2>&1)
rc=$?
t_check create-execs-runc "rc=$rc runc got: $out" "$rc:${out% cwd=*}" = "0:[--log-format][json][create][--bundle][$W/a][--pid-file][/p][c5]"
check=$("$SH_PY" - "$W/a.orig" "$W/a/config.json" "$ABS_HOOK" "$(readlink -f "$W/cfg.json")" <<'EOF'
import json, sys
orig_path, new_path, hook, cfg = sys.argv[1:5]
orig, new = json.load(open(orig_path)), json.load(open(new_path))
problems = []
want = {s: {"path": hook, "args": ["sriov-hook", "--config", cfg, s]} for s in ("createRuntime", "poststop")}
for s in want:
    got = new.get("hooks", {}).get(s)
    if got != [want[s]]:
        problems.append("hooks.%s is %r" % (s, got))
rest = dict(new)
rest["hooks"] = {k: v for k, v in new["hooks"].items() if k not in want}
if rest != orig:
    problems.append("other fields changed")
print("; ".join(problems))
EOF
)
t_empty create-adds-both-hooks-keeps-rest "config.json" "$check"
# Numbers keep their text; strings their content.
txt=$(cat "$W/a/config.json")
for needle in '"soft":1.50e3' '"limit":18446744073709551615' '"swappiness":0.5' '"oomScoreAdj":-1' '"x":null' \
	'"maskedPaths":[]' '"timeout":5'; do
	name=${needle%%:*}
	t_contains "create-keeps-text/${name//\"/}" "$txt" "$needle" config.json
done
t_check create-keeps-mode "mode $(stat -c %a "$W/a/config.json")" "$(stat -c %a "$W/a/config.json")" = 640
left=$(find "$W/a" -mindepth 1 ! -name config.json)
t_empty create-no-temp-left "files left in the bundle" "$left"

# A second create finds the hooks and changes nothing.
cp "$W/a/config.json" "$W/a.once"
"$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle "$W/a" c5 >/dev/null 2>&1
if cmp -s "$W/a/config.json" "$W/a.once"; then t_pass create-idempotent; else
	t_fail create-idempotent "second create changed config.json: $(diff "$W/a.once" "$W/a/config.json" | head -3)"
fi

# Every spelling of the bundle, with global options in front.
for form in bundle-eq b-space b-eq single-dash-bundle cwd; do
	d="$W/form-$form"
	mkbundle "$d" "$SRIOV_ANN"
	case $form in
	bundle-eq) args=("--bundle=$d") ;;
	b-space) args=(-b "$d") ;;
	b-eq) args=("-b=$d") ;;
	single-dash-bundle) args=(-bundle "$d") ;;
	cwd) args=() ;;
	esac
	(cd "$d" && "$RUNC_WRAPPER" --sriov-config "$W/cfg.json" --root /r --debug --log /l create --console-socket /s "${args[@]}" c6 >/dev/null 2>&1)
	n=$(json_py "$d/config.json" 'len(c.get("hooks", {}).get("poststop", []))' 2>&1)
	t_check "bundle-form/$form" "poststop entries after create: $n" "$n" = 1
done
# Relative --bundle, from another directory.
mkbundle "$W/rel" "$SRIOV_ANN"
(cd "$W" && "$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle rel c7 >/dev/null 2>&1)
n=$(json_py "$W/rel/config.json" 'len(c.get("hooks", {}).get("createRuntime", []))' 2>&1)
t_check bundle-form/relative "createRuntime entries: $n" "$n" = 1

# An entry for the hook that is already there (same path, or a file named sriov-hook) is kept alone.
mkbundle "$W/have" "$SRIOV_ANN"
bundle_edit "$W/have" 'c["hooks"]["createRuntime"] = [{"path": "/opt/x/sriov-hook", "args": ["sriov-hook", "createRuntime"]}]'
"$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle "$W/have" c8 >/dev/null 2>&1
got=$(json_py "$W/have/config.json" '[len(c["hooks"]["createRuntime"]), len(c["hooks"]["poststop"]), c["hooks"]["createRuntime"][0]["path"]]' 2>&1)
t_check create-keeps-existing-entry "createRuntime/poststop entries: $got" "$got" = "[1, 1, '/opt/x/sriov-hook']"

# SRIOV_HOOK_CONFIG, like --sriov-config, is handed on to the hook as an absolute --config.
mkbundle "$W/env" "$SRIOV_ANN"
SRIOV_HOOK_CONFIG="$W/cfg.json" "$RUNC_WRAPPER" create --bundle "$W/env" c9 >/dev/null 2>&1
got=$(json_py "$W/env/config.json" 'c["hooks"]["poststop"][0]["args"]' 2>&1)
t_check config-from-env-passed-to-hook "args: $got" "$got" = "['sriov-hook', '--config', '$(readlink -f "$W/cfg.json")', 'poststop']"

# ---- errors: one line, non-zero, nothing changed, runc not run ---------------------------------

one_line_err() { # NAME OUT RC NEEDLE
	if [ "$3" != 0 ] && [ "$(printf '%s\n' "$2" | grep -c .)" = 1 ] && [ "${2#sriov-runc: }" != "$2" ] &&
		printf '%s' "$2" | grep -qF -- "$4"; then
		t_pass "$1"
	else
		t_fail "$1" "rc=$3, want one line 'sriov-runc: ...$4...': $2"
	fi
}

mkbundle "$W/bad" "$SRIOV_ANN"
bundle_edit "$W/bad" 'c["hooks"] = ["not", "an", "object"]'
cp "$W/bad/config.json" "$W/bad.orig"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg.json" create --bundle "$W/bad" c10 2>&1)
one_line_err error-hooks-not-object "$out" $? '"hooks" is not an object'
if cmp -s "$W/bad/config.json" "$W/bad.orig"; then t_pass error-leaves-spec; else
	t_fail error-leaves-spec "config.json changed"
fi

out=$("$RUNC_WRAPPER" --sriov-config "$W/missing.json" create --bundle "$W/a" c1 2>&1)
one_line_err error-config-missing "$out" $? "missing.json"
echo '{"runc": "relative/runc"}' >"$W/cfg-bad.json"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-bad.json" state c1 2>&1)
one_line_err error-config-invalid "$out" $? '"runc" must be an absolute path'
printf '{"runc": "%s"}\n' "$W/nope/runc" >"$W/cfg-nope.json"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-nope.json" state c1 2>&1)
one_line_err error-runc-missing "$out" $? "$W/nope/runc"
printf '{"runc": "%s"}\n' "$RUNC_WRAPPER" >"$W/cfg-self.json"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-self.json" state c1 2>&1)
one_line_err error-runc-is-wrapper "$out" $? "sriov-runc itself"
out=$("$RUNC_WRAPPER" --sriov-config 2>&1)
one_line_err error-option-without-value "$out" $? "--sriov-config"
mkfifo "$W/cfg.fifo"
out=$(timeout 10 "$RUNC_WRAPPER" --sriov-config "$W/cfg.fifo" create --bundle "$W/a" c1 2>&1)
one_line_err error-config-fifo "$out" $? "cfg.fifo: not a regular file (a FIFO)"

# The hook must sit next to the wrapper: a copy of the wrapper alone refuses SR-IOV creates only.
mkdir -p "$W/lone"
cp "$RUNC_WRAPPER" "$W/lone/sriov-runc"
mkbundle "$W/lb" "$SRIOV_ANN"
out=$("$W/lone/sriov-runc" --sriov-config "$W/cfg.json" create --bundle "$W/lb" c11 2>&1)
one_line_err error-hook-not-installed "$out" $? "$W/lone/sriov-hook"
out=$("$W/lone/sriov-runc" --sriov-config "$W/cfg.json" create --bundle "$W/plain" c11 2>&1)
t_check hook-not-needed-without-sriov "out: $out" "${out% cwd=*}" = "[create][--bundle][$W/plain][c11]"

# ---- a typo in the configuration stops only the create of a container that asks -----------------
# Every other verb, and a create that asks for nothing, reaches the configuration's runc; the
# create that asks fails with the file's own line.
printf '{"runc": "%s", "env_fallbak": true}\n' "$W/bin/runc" >"$W/cfg-typo.json"
for verb in state start kill delete; do
	out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" --root /r "$verb" c1 2>&1)
	t_check "typo/$verb-reaches-runc" "rc=$? runc got: $out" "${out% cwd=*}" = "[--root][/r][$verb][c1]"
done
# (An image's own SRIOV_FLAVOR is no request; SRIOV_VF would be one, unless a valid file turned
# env_fallback off, so with this file such a create fails like the next one.)
mkbundle "$W/typo-plain" '{"org.example":"1"}' '["PATH=/bin","SRIOV_FLAVOR=x"]'
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" create --bundle "$W/typo-plain" c12 2>&1)
t_check typo/create-without-sriov-reaches-runc "rc=$? runc got: $out" "${out% cwd=*}" = "[create][--bundle][$W/typo-plain][c12]"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" create --bundle "$W/plain" c12 2>&1)
one_line_err typo/create-with-variables-fails "$out" $? 'unknown key "env_fallbak"'
mkbundle "$W/typo-asks" "$SRIOV_ANN"
cp "$W/typo-asks/config.json" "$W/typo-asks.orig"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" create --bundle "$W/typo-asks" c12 2>&1)
one_line_err typo/create-that-asks-fails "$out" $? 'cfg-typo.json: config: unknown key "env_fallbak"'
if cmp -s "$W/typo-asks/config.json" "$W/typo-asks.orig"; then t_pass typo/create-that-asks-untouched; else
	t_fail typo/create-that-asks-untouched "config.json changed"
fi
# Not even JSON: no "runc" can be read from it, so the system's runc answers (here the real one).
echo '{"runc": ' >"$W/cfg-nojson.json"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-nojson.json" --root "$W/runc-root" state c1 2>&1)
t_lacks typo/not-json-state-reaches-system-runc "$out" "sriov-runc:"
t_contains typo/not-json-state-answered-by-runc "$out" "container does not exist"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-nojson.json" --root "$W/runc-root" create --bundle "$W/typo-plain" c13 2>&1)
t_lacks typo/not-json-plain-create-reaches-system-runc "$out" "sriov-runc:"
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-nojson.json" create --bundle "$W/envb" c13 2>&1)
one_line_err typo/not-json-env-create-fails "$out" $? "cfg-nojson.json"

# ---- the wrapper's error in runc's --log file, in runc's format -------------------------------
# docker reads runc's error back from --log; without a line there it shows only that the file is
# missing. The format is the one runc itself writes (measured here with runc 1.1.5).
out=$("$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" --root /r --log "$W/log.json" --log-format json \
	create --bundle "$W/typo-asks" c14 2>&1)
check=$("$SH_PY" - "$W/log.json" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError as e:
    print(e); sys.exit()
if len(lines) != 1:
    print("want one line, got %d" % len(lines)); sys.exit()
e = json.loads(lines[0])
problems = []
if sorted(e) != ["level", "msg", "time"]: problems.append("keys %s" % sorted(e))
if e.get("level") != "error": problems.append("level %r" % e.get("level"))
if not e.get("msg", "").startswith("sriov-runc: ") or 'unknown key "env_fallbak"' not in e.get("msg", ""):
    problems.append("msg %r" % e.get("msg"))
print("; ".join(problems))
PY
)
t_empty runc-log/json "$W/log.json" "$check"
"$RUNC_WRAPPER" --sriov-config "$W/cfg-typo.json" --log "$W/log.txt" create --bundle "$W/typo-asks" c14 >/dev/null 2>&1
line=$(cat "$W/log.txt")
if [[ $line =~ ^time=\"[0-9T:+Z-]+\"\ level=error\ msg=\"sriov-runc:\ .*unknown\ key\ \\\"env_fallbak\\\".*\"$ ]]; then
	t_pass runc-log/text
else
	t_fail runc-log/text "runc's text format wanted, got: $line"
fi

t_end
