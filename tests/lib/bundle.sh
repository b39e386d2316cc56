# shellcheck shell=bash
# OCI bundles for the tests: a busybox rootfs (busybox-static, no image registry needed) with a
# runc config.json carrying sriov-hook's hooks and io.sriov.* annotations, and bare bundles (a
# config.json only) for invoking the hook directly with a hand-made state.
#
# Usage (bash, after tests/lib/standin.sh and standin_init):
#   bundle_rootfs DIR                         # DIR/rootfs: busybox + applet links
#   bundle_runc DIR HOOK CONFIG 'sh -c ...' [key=value ...]   # runc spec + hooks + annotations
#   bundle_bare DIR [key=value ...]           # config.json: network ns (no path) + annotations
#   bundle_edit DIR 'python statements on c'  # free edit of DIR/config.json (c = parsed JSON)
#   hook_state ID PID BUNDLE [status]         # prints the OCI state JSON for stdin
#   runc_t ...                                # runc with a private --root under SH_TMP
# Annotations: key=value with key either io.sriov.<k> or a bare <k> (io.sriov. is prefixed).

SH_PY=${SH_PY:-$(command -v /usr/bin/python3 || command -v python3)}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# bundle_rootfs DIR: a minimal rootfs of busybox-static. Shared by copy from a cached one.
bundle_rootfs() {
	local dir=$1 cache="$SH_TMP/rootfs.cache" a
	if [ ! -d "$cache" ]; then
		[ -x "$BUSYBOX" ] || { echo "bundle: $BUSYBOX missing (apt-get install busybox-static)" >&2; return 1; }
		mkdir -p "$cache"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,tmp,root,run}
		cp "$BUSYBOX" "$cache/bin/busybox"
		for a in $("$BUSYBOX" --list); do
			[ "$a" = busybox ] || ln -s busybox "$cache/bin/$a"
		done
		echo 'root:x:0:0:root:/root:/bin/sh' >"$cache/etc/passwd"
		echo 'root:x:0:' >"$cache/etc/group"
	fi
	mkdir -p "$dir"
	cp -a "$cache" "$dir/rootfs"
}

# _bundle_annotations key=value...: a JSON object of annotations.
_bundle_annotations() {
	"$SH_PY" - "$@" <<'EOF'
import json, sys
a = {}
for kv in sys.argv[1:]:
    k, _, v = kv.partition("=")
    if not (k.startswith("io.") or k.startswith("org.")):
        k = "io.sriov." + k
    a[k] = v
print(json.dumps(a))
EOF
}

# bundle_runc DIR HOOK CONFIG CMD [key=value...]: a runc bundle at DIR whose process runs
# `sh -c CMD`, with createRuntime and poststop hooks running HOOK --config CONFIG <stage>.
# HOOK and CONFIG must be absolute: runc gives hooks an empty environment and no cwd guarantee.
# CONFIG may be "" for no --config argument.
bundle_runc() {
	local dir=$1 hook=$2 cfg=$3 cmd=$4
	shift 4
	bundle_rootfs "$dir" || return 1
	rm -f "$dir/config.json"
	(cd "$dir" && runc spec) || return 1
	"$SH_PY" - "$dir/config.json" "$hook" "$cfg" "$cmd" "$(_bundle_annotations "$@")" <<'EOF'
import json, sys
path, hook, cfg, cmd, ann = sys.argv[1:6]
with open(path) as f:
    c = json.load(f)
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", cmd]
c["root"]["readonly"] = False
c["hostname"] = "sriov-test"
def h(stage):
    args = ["sriov-hook"] + (["--config", cfg] if cfg else []) + [stage]
    return [{"path": hook, "args": args, "timeout": 20}]
c["hooks"] = {"createRuntime": h("createRuntime"), "poststop": h("poststop")}
c["annotations"] = json.loads(ann)
with open(path, "w") as f:
    json.dump(c, f, indent=1)
EOF
}

# bundle_bare DIR [key=value...]: a bundle with only a config.json: its own network namespace
# (no path: the hook uses /proc/<pid>/ns/net) and the given annotations.
bundle_bare() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$SH_PY" - "$dir/config.json" "$(_bundle_annotations "$@")" <<'EOF'
import json, sys
path, ann = sys.argv[1:3]
c = {
    "ociVersion": "1.0.2",
    "process": {"args": ["sh"], "cwd": "/", "env": ["PATH=/bin"]},
    "root": {"path": "rootfs"},
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "mount"}]},
    "annotations": json.loads(ann),
}
with open(path, "w") as f:
    json.dump(c, f, indent=1)
EOF
}

# bundle_edit DIR CODE: runs python CODE with `c` bound to DIR/config.json's content (`path` is
# that file), then writes c back; raw text is written instead with `raw = "..."`, and nothing at
# all with `c = None` (CODE may have removed or replaced the file: a FIFO, a device link).
bundle_edit() {
	"$SH_PY" - "$1/config.json" "$2" <<'EOF'
import json, os, sys
path, code = sys.argv[1:3]
with open(path) as f:
    c = json.load(f)
raw = None
exec(code)
if raw is not None:
    with open(path, "w") as f:
        f.write(raw)
elif c is not None:
    with open(path, "w") as f:
        json.dump(c, f, indent=1)
EOF
}

# hook_state ID PID BUNDLE [STATUS]: the state runc gives a createRuntime hook (PID 0 = no pid,
# as at poststop).
hook_state() {
	local status=${4:-creating}
	if [ "${2:-0}" != 0 ]; then
		printf '{"ociVersion":"1.0.2","id":"%s","status":"%s","pid":%s,"bundle":"%s"}' "$1" "$status" "$2" "$3"
	else
		printf '{"ociVersion":"1.0.2","id":"%s","status":"%s","bundle":"%s"}' "$1" "${4:-stopped}" "$3"
	fi
}

# runc with private state under SH_TMP; containers left behind are killed and deleted at cleanup.
runc_t() {
	if [ ! -d "$SH_TMP/runc" ]; then
		mkdir -p "$SH_TMP/runc"
		standin_atexit "_bundle_runc_cleanup"
	fi
	runc --root "$SH_TMP/runc" "$@"
}

_bundle_runc_cleanup() {
	local id
	for id in $(runc --root "$SH_TMP/runc" list -q 2>/dev/null); do
		runc --root "$SH_TMP/runc" kill "$id" KILL 2>/dev/null
		runc --root "$SH_TMP/runc" delete -f "$id" 2>/dev/null
	done
}

# ct_prepare ID [annotation...]: a container stand-in (a live process in a new netns, pid in
# CT_PID, child of the calling shell) and its bare bundle $SH_TMP/ct/ID (path in CT_BUNDLE).
ct_prepare() {
	local id=$1
	shift
	CT_BUNDLE=$SH_TMP/ct/$id
	standin_netns_proc CT_PID
	bundle_bare "$CT_BUNDLE" "$@"
	echo "$CT_PID" >"$CT_BUNDLE/pid"
}

# ct_createrun ID CONFIG: the createRuntime hook for a prepared ID (HOOK_RC, HOOK_ERR; testlib.sh).
ct_createrun() {
	hook_run "$2" createRuntime "$(hook_state "$1" "$(ct_pid "$1")" "$SH_TMP/ct/$1")"
}

# ct_create ID CONFIG [annotation...]: ct_prepare, then ct_createrun.
ct_create() {
	local id=$1 cfg=$2
	shift 2
	ct_prepare "$id" "$@"
	ct_createrun "$id" "$cfg"
}

# ct_poststop ID CONFIG: the poststop hook for ID, as runc gives it (no pid).
ct_poststop() {
	hook_run "$2" poststop "$(hook_state "$1" 0 "$SH_TMP/ct/$1")"
}

# ct_pid ID: the pid of ID's process.
ct_pid() { cat "$SH_TMP/ct/$1/pid"; }

# ct_kill ID: kills ID's process and waits until it is gone.
ct_kill() {
	standin_kill "$(ct_pid "$1")"
}
