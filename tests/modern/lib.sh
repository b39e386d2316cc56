# shellcheck shell=bash
# Shared by the modern suite's engine scripts, which run inside a cached trixie or sid root
# (tests/modern/ns.sh): the engines/ library (stand-ins, busybox image, waits), an engine's name
# (MODERN_ENGINE: docker26, podman58, containerd21 ...), a CDI spec for the stand-in PF, and the
# checks every engine shares. Check names are <scenario>/<what>, so that run.sh can print the
# matrix engine x scenario from the PASS/FAIL lines.
#   . tests/modern/lib.sh
#   m_init                          # stand-in PF "m" (4 VFs), CFG, STATE, PF, POOL, SPEC written
#   m_after SCENARIO K...           # the VFs K are back as created, nothing claimed, no residue
#   m_if_block OUTPUT NAME          # the `ip addr` block of interface NAME
M_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../engines/lib.sh
. "$M_DIR/../engines/lib.sh"
T_GROUP=modern
CTL=$REPO/build/sriovctl
# Each engine's cgroups go under this parent, which run.sh removes after the namespace is gone.
M_CGROUP=sriov-modern-${MODERN_ENGINE:?}

m_init() {
	e_init "$MODERN_ENGINE"
	standin_pf_create m 6e 4 || { t_fail setup "stand-in PF"; t_end; }
	PF=$(standin_pf_name m)
	POOL=${SH_PREFIX}pool
	CFG=$(standin_config m "\"pools\": {\"$POOL\": [\"$PF#2-3\"]}")
	STATE=$(standin_state_dir m)
	SPEC=/var/run/cdi/sriov-hook-modern.json
	mkdir -p /var/run/cdi
	local out
	if ! out=$("$CTL" --config "$CFG" cdi generate --hook "$HOOK" --output "$SPEC" 2>&1); then
		t_fail setup "sriovctl cdi generate: $out"
		t_end
	fi
}

m_if_block() { printf '%s\n' "$1" | awk -v n="$2" '/^[0-9]+: /{show = ($2 ~ "^" n "(@|:)")} show'; }

# m_wait_back TAG K...: the VFs are back as created (poststop may come after the CLI returned).
m_wait_back() { standin_wait_back 10 "$@"; }

# m_after SCENARIO K...: VFs K of the stand-in are back as created, no claim, nothing left.
m_after() {
	local sc=$1 p
	shift
	if p=$(m_wait_back m "$@"); then t_pass "$sc/vf-back"; else t_fail "$sc/vf-back" "$p"; fi
	if e_wait_no_claim "$STATE" 5; then t_pass "$sc/free"; else
		t_fail "$sc/free" "claims left: $(e_claims "$STATE" | tr '\n' ' ')"
	fi
	t_empty "$sc/no-residue" "left in the state dir" "$(standin_state_residue "$STATE")"
}

# m_held SCENARIO K: VF K is claimed now (absent from the host).
m_held() {
	local now
	now=$(standin_vf_now m "$2")
	t_check "$1/vf-$2-held" "VF $2 is on the host: $now" "$now" = absent
}
