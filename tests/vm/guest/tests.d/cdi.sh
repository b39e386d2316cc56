# The hook as a CDI device's hook on real igbvf VFs (sourced by tests.sh: its helpers, PF, NVF,
# CFG, STATE, W). The guest has runc, not podman: the hook is run as a CDI engine's runtime runs
# it, with the device's arguments and a config.json listing the device's hooks. A pool's admin
# settings (VLAN, QoS, spoof checking, trust, rate) are on the VF while a container holds it and
# gone at poststop; a container that names one of them is refused before anything is touched.
CDI_CFG=/etc/sriov-hook/vm-cdi.json
CDI_POOL=vmpool

# The VM's configuration with a pool of VFs 5 and 6 and the administrator's settings.
cdi_config() {
	sed 's/}[[:space:]]*$//' "$CFG" >"$CDI_CFG"
	cat >>"$CDI_CFG" <<-EOF
		, "pools": {"$CDI_POOL": {"vfs": ["$PF#5-6"], "vlan": 42, "qos": 2, "spoofchk": "off",
		  "trust": "on", "max_tx_rate": 300}}}
	EOF
}

# cdi_bundle DIR ANNOTATION...: a bundle whose config.json lists the pool device's two hooks, as
# an engine writes them from the CDI spec.
cdi_bundle() {
	local _b _hooks
	_b=$1
	shift
	mk_bundle "$_b" - "$@"
	_hooks="\"hooks\":{\"createRuntime\":[{\"path\":\"$HOOK\",\"args\":[\"sriov-hook\",\"--config\",\"$CDI_CFG\",\"--pool\",\"$CDI_POOL\",\"createRuntime\"]}],\"poststop\":[{\"path\":\"$HOOK\",\"args\":[\"sriov-hook\",\"--config\",\"$CDI_CFG\",\"--pool\",\"$CDI_POOL\",\"poststop\"]}]},"
	sed -i "s|^{\"ociVersion\":\"1.0.2\",|{\"ociVersion\":\"1.0.2\",$_hooks|" "$_b/config.json"
}

# cdi_hook STAGE ID BUNDLE [PID]: the pool device's hook run: tests.sh's hook with the device's
# configuration and arguments.
cdi_hook() {
	HOOK_CFG=$CDI_CFG HOOK_OPTS="--pool $CDI_POOL"
	hook "$@"
	_cdi_rc=$?
	HOOK_CFG= HOOK_OPTS=
	return $_cdi_rc
}

test_cdi_pool_settings() {
	local pid b held
	cdi_config
	pid=$(new_netns)
	b=$W/b-cdi-pool
	cdi_bundle "$b" ip=10.57.0.2/24
	cdi_hook createRuntime vm-cdi-pool "$b" "$pid" || fail "createRuntime of the pool's device failed: $(cat "$b/createRuntime.err")"
	expect_vf_in 5 "$pid" eth0
	[ -n "$(vf_name 6)" ] || fail "VF 6 left the host too"
	held=$(vf_line 5)
	note "held: $held"
	for want in 'vlan 42, qos 2' 'spoof checking off' 'trust on' 'max_tx_rate 300Mbps'; do
		echo "$held" | grep -q "$want" || fail "the pool's '$want' is not on VF 5 while held: $held"
	done
	expect_state 6 "VF 6 (in the pool, not taken)"
	expect_state 0 "VF 0 (outside the pool)"
	cdi_hook poststop vm-cdi-pool "$b" || fail "poststop failed: $(cat "$b/poststop.err")"
	expect_state 5 "after poststop"
	expect_no_claim "after poststop"
	kill "$pid"
}

test_cdi_pool_override_refused() {
	local pid b
	cdi_config
	pid=$(new_netns)
	b=$W/b-cdi-override
	cdi_bundle "$b" trust=off
	if cdi_hook createRuntime vm-cdi-override "$b" "$pid"; then
		fail "a container overrode the pool's trust"
	fi
	expect_refusal createRuntime vm-cdi-override "$b" \
		"annotation io\.sriov\.trust: the VFs of pool \"$CDI_POOL\" have trust on, set by the administrator"
	expect_state 5 "after the refusal"
	expect_state 6 "after the refusal"
	expect_no_claim "after the refusal"
	kill "$pid"
}

ALL_TESTS="$ALL_TESTS cdi_pool_settings cdi_pool_override_refused"
