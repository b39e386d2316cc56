# shellcheck shell=bash
# Helpers of the suites that look into the state store (after testlib.sh, standin.sh, bundle.sh):
#   store_tool gc CONFIG [--dry-run] | list STATE_DIR   the store's operator API (built on first use)
#   hook_msg ID STAGE            the last hook message after its "sriov-hook: ID: STAGE: " prefix
#   store_pins STATE [ID]        the pins (netns/ entries) of ID, or all, one per line
#   store_files STATE            every file under STATE but lock files, and every mount ("" = tidy)
#   nsfs_mounts                  nsfs mounts under SH_TMP and /run/sriov-hook, one per line
#   ns_ident PID|PATH            "dev ino" of a network namespace
#   vf_in_ns PID TAG K           1 when VF K of TAG is in PID's netns, else 0

store_tool() {
	local bin=$SH_TMP/store_tool
	if [ ! -x "$bin" ]; then
		# shellcheck disable=SC2046
		cc -std=gnu11 -I"$REPO/include" $(pkg-config --cflags yajl libnl-3.0 libnl-route-3.0) -o "$bin" \
			"$REPO/tests/integration/store_tool.c" "$REPO/build/libsriovhook.a" \
			$(pkg-config --libs yajl libnl-3.0 libnl-route-3.0 libseccomp) || return 99
	fi
	"$bin" "$@"
}

hook_msg() {
	local p="sriov-hook: $1: $2: "
	case $HOOK_ERR in "$p"*) printf '%s' "${HOOK_ERR#"$p"}" ;; *) printf 'NO PREFIX: %s' "$HOOK_ERR" ;; esac
}

store_pins() {
	ls "$1/netns" 2>/dev/null | if [ -n "${2:-}" ]; then grep "^$2@"; else cat; fi
}

store_files() {
	# baselines (baseline/<pci>.json) are kept after release on purpose (standin_state_residue)
	[ -e "$1" ] && find "$1" -mindepth 1 ! -type d ! -path "$1/locks/*" \
		! \( -type f -regex "$1/baseline/[0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-7]\.json" \) -printf 'file %p\n' 2>/dev/null
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 {print "mount " $2 " (" $3 ")"}' /proc/self/mounts
}

nsfs_mounts() {
	awk -v d="$SH_TMP/" '$3 == "nsfs" && (index($2, d) == 1 || index($2, "/run/sriov-hook/") == 1) {print $2}' /proc/self/mounts
}

ns_ident() {
	local p=$1
	case $p in *[!0-9]*) ;; *) p=/proc/$p/ns/net ;; esac
	stat -L -c '%d %i' "$p"
}

vf_in_ns() {
	ns_links "$1" | grep -qi "$(standin_vf_mac "$2" "$3")" && echo 1 || echo 0
}
