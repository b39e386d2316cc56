# shellcheck shell=bash
# Shared by the engine tests: a busybox image tarball, podman with private storage, and a private
# dockerd. The result protocol (`PASS engines/<name>`, `FAIL engines/<name>: <reason>`) and the
# checks are tests/lib/testlib.sh's (t_pass, t_fail, t_check, t_contains, t_lacks, t_empty,
# t_end), the stand-ins tests/lib/standin.sh's.
#
# Usage (bash, root):
#   . tests/engines/lib.sh
#   e_init podman                  # t_setup (stand-ins, cleanup) + HOOK, RUNC_WRAPPER, E_BUILD
#   e_require_cmd podman runc      # FAIL (not skip) when an engine is missing
#   e_image_tar                    # prints the path of a busybox rootfs tarball
#   e_hooksd DIR CONFIG            # hooks.d files for the build tree, passing --config CONFIG
#   e_podman ...                   # podman with private root/runroot/tmpdir/network config
#   e_dockerd_start CONFIG         # private dockerd with the sriov runtime; e_docker ...
#   e_wait_vf_back TAG K [SECONDS] # waits until the stand-in VF is on the host as created

E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=${REPO:-$(cd "$E_DIR/../.." && pwd)}
T_GROUP=engines
# shellcheck source=../lib/testlib.sh
. "$REPO/tests/lib/testlib.sh"
# The client that matches Debian's docker.io 20.10 daemon; a newer one may be first on PATH.
E_DOCKER_CLIENT=${E_DOCKER_CLIENT:-/usr/bin/docker}

# e_init NAME: the integration scripts' preamble (t_setup: the suite's name prefixes its checks,
# the hook is built, the stand-ins' temp dir and cleanup are set up), and the wrapper built too.
e_init() {
	E_BUILD=${E_BUILD:-$REPO/build}
	HOOK=${HOOK:-$E_BUILD/sriov-hook}
	RUNC_WRAPPER=${RUNC_WRAPPER:-$E_BUILD/sriov-runc}
	export E_BUILD RUNC_WRAPPER
	t_setup "$1" "$REPO"
	if [ ! -x "$RUNC_WRAPPER" ]; then
		t_fail build "$RUNC_WRAPPER is missing: run make all"
		exit 1
	fi
}

# e_require_cmd CMD...: a missing engine is a failure, named once, not a silent skip.
e_require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "$c" ]; then
			t_fail "require-$(basename "$c")" "$c is not installed (make deps)"
			t_end
		fi
	done
}

# e_after_exit TAG CHECK: VF 0 of stand-in TAG is back as created, nothing is claimed, nothing is
# left in $STATE.
e_after_exit() {
	local p
	if p=$(e_wait_vf_back "$1" 0 10); then t_pass "$2/vf-back"; else t_fail "$2/vf-back" "$p"; fi
	if e_wait_no_claim "$STATE" 5; then t_pass "$2/released"; else
		t_fail "$2/released" "claims left: $(e_claims "$STATE" | tr '\n' ' ')"
	fi
	t_empty "$2/no-residue" "left in the state dir" "$(standin_state_residue "$STATE")"
}

# e_image_tar: a tarball of the busybox rootfs, made once per suite.
e_image_tar() {
	local t="$SH_TMP/busybox.tar"
	if [ ! -f "$t" ]; then
		bundle_rootfs "$SH_TMP/image" >/dev/null || return 1
		tar -C "$SH_TMP/image/rootfs" -cf "$t" . || return 1
	fi
	echo "$t"
}

# e_hooksd DIR CONFIG [VARIANT]: the two hooks.d files of the build tree (make hooksd; VARIANT
# "crio" for the CRI-O sandbox-only ones), with `--config CONFIG` added to args so the hook uses
# the test's state dir and fake sysfs.
e_hooksd() {
	local dir=$1 cfg=$2 src="$E_BUILD/hooks.d${3:+/$3}" f
	mkdir -p "$dir"
	for f in "$src"/*.json; do
		[ -f "$f" ] || { echo "e_hooksd: no $src/*.json (make hooksd)" >&2; return 1; }
		"$SH_PY" - "$f" "$cfg" >"$dir/$(basename "$f")" <<'EOF'
import json, sys
path, cfg = sys.argv[1:3]
h = json.load(open(path))
args = h["hook"]["args"]
h["hook"]["args"] = args[:1] + ["--config", cfg] + args[1:]
print(json.dumps(h, indent=2))
EOF
	done
}

# e_wait_vf_back TAG K [SECONDS]: podman runs poststop from its cleanup process, after `podman
# run` may have returned. Returns 0 once the VF is back as created, else prints the difference.
e_wait_vf_back() { standin_wait_back "${3:-10}" "$1" "$2"; }

# e_wait_no_claim STATE_DIR [SECONDS]: waits until the claim store holds no record.
e_wait_no_claim() {
	local dir=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		[ -z "$(ls -A "$dir/claims" 2>/dev/null)" ] && return 0
		sleep 0.05
	done
	return 1
}

# e_claims STATE_DIR: the container ids holding claims, one per line.
e_claims() {
	local f
	for f in "$1"/claims/*.json; do
		[ -f "$f" ] || continue
		"$SH_PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id", "?"))' "$f" 2>/dev/null || echo "?"
	done
}

# ---- podman -------------------------------------------------------------------------------

# Private storage, state, network config; the settings this VM needs (FIELD-NOTES).
e_podman_init() {
	local d="$SH_TMP/podman"
	mkdir -p "$d"/{root,runroot,tmp,net}
	cat >"$d/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
events_logger = "file"
cgroup_manager = "cgroupfs"
EOF
	export CONTAINERS_CONF="$d/containers.conf"
	E_PODMAN_ARGS=(--root "$d/root" --runroot "$d/runroot" --tmpdir "$d/tmp" --storage-driver vfs
		--network-config-dir "$d/net" --runtime runc)
	E_PODMAN_HAD_BRIDGE=$(ip link show podman0 >/dev/null 2>&1 && echo yes)
	standin_atexit "_e_podman_cleanup"
}

e_podman() {
	podman "${E_PODMAN_ARGS[@]}" "$@"
}

_e_podman_cleanup() {
	local d="$SH_TMP/podman"
	e_podman rm -af -t 0 >/dev/null 2>&1
	e_podman system reset -f >/dev/null 2>&1
	[ -n "$E_PODMAN_HAD_BRIDGE" ] || ip link del podman0 >/dev/null 2>&1
	rm -rf --one-file-system "$d"
}

# ---- docker -------------------------------------------------------------------------------

# e_dockerd_start CONFIG [CONFIG2]: a private dockerd whose daemon.json registers the wrapper as
# runtime "sriov", handing it CONFIG through runtimeArgs (the README's setup), and with CONFIG2 as
# "sriov-strict" too. Sets E_DOCKER_SOCK.
e_dockerd_start() {
	local cfg=$1 cfg2=${2:-} d="$SH_TMP/docker" i strict=""
	mkdir -p "$d"/{data,exec}
	[ -z "$cfg2" ] || strict=$(printf ',\n    "sriov-strict": {"path": "%s", "runtimeArgs": ["--sriov-config", "%s"]}' \
		"$RUNC_WRAPPER" "$cfg2")
	cat >"$d/daemon.json" <<EOF
{
  "runtimes": {
    "sriov": {
      "path": "$RUNC_WRAPPER",
      "runtimeArgs": ["--sriov-config", "$cfg"]
    }$strict
  }
}
EOF
	E_DOCKER_SOCK="unix://$d/docker.sock"
	E_DOCKERD_PIDFILE="$d/docker.pid"
	standin_atexit "_e_dockerd_stop"
	dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$E_DOCKERD_PIDFILE" -H "$E_DOCKER_SOCK" --iptables=false --ip-masq=false \
		--bridge=none --storage-driver vfs >"$d/dockerd.log" 2>&1 &
	E_DOCKERD_PID=$!
	for ((i = 0; i < 300; i++)); do
		e_docker version >/dev/null 2>&1 && return 0
		kill -0 "$E_DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "dockerd did not start: $(tail -5 "$d/dockerd.log")" >&2
	return 1
}

e_docker() {
	DOCKER_CONFIG="$SH_TMP/docker/client" "$E_DOCKER_CLIENT" -H "$E_DOCKER_SOCK" "$@"
}

# Stops the dockerd this suite started (by its pid) and what it left: containers, its managed
# containerd (a child that exits with it), mounts under the data root.
_e_dockerd_stop() {
	local d="$SH_TMP/docker" i
	[ -n "${E_DOCKERD_PID:-}" ] || return 0
	e_docker ps -aq 2>/dev/null | xargs -r "$E_DOCKER_CLIENT" -H "$E_DOCKER_SOCK" rm -f >/dev/null 2>&1
	kill -TERM "$E_DOCKERD_PID" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$E_DOCKERD_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$E_DOCKERD_PID" 2>/dev/null
	# Mounts under SH_TMP (netns files, shm) are unmounted by standin_cleanup.
	return 0
}
