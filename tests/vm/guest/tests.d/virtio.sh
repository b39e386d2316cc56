# virtio-net SR-IOV VFs (QEMU >= 10.1; sourced by tests.sh: its helpers, PF, NVF, CFG, STATE, W).
# The virtio_net PF implements none of the PF-side VF settings (ndo_set_vf_* and ndo_get_vf_config
# are absent: `ip link set PF vf N ...` answers EOPNOTSUPP, `ip link show PF` lists no VFs), while
# each VF is a netdev of its own. A container still gets a VF with its name, MTU, addresses and
# routes (runc-lifecycle, kernel-return-poststop, auto-race, gc run as on igb); asking a PF-side
# setting is refused naming it and the driver, before anything changes; list and doctor show no
# settings for these VFs; a pool without settings works as CDI device.

# Each PF-side setting alone, with interface keys that are fine: refused in one line naming the
# setting and virtio_net; the VF never leaves the host, no claim remains, poststop is harmless.
test_virtio_refused_setting() {
	local pid b kv set
	[ "$(basename "$(readlink /sys/class/net/$PF/device/driver)")" = virtio-pci ] ||
		note "the PF's PCI driver is $(basename "$(readlink /sys/class/net/$PF/device/driver)")"
	for kv in vlan=100 mac=02:00:00:00:ee:01 spoofchk=off trust=on max_tx_rate=100 link_state=disable; do
		set=${kv%%=*}
		pid=$(new_netns)
		b=$W/b-virtio-$set
		mk_bundle "$b" - pf=$PF vf=0 mtu=1400 ip=10.61.0.2/24 "$kv"
		if hook createRuntime "vm-virtio-$set" "$b" "$pid"; then
			fail "createRuntime with $kv succeeded on virtio_net (the PF has no VF settings)"
		fi
		expect_refusal createRuntime "vm-virtio-$set" "$b" \
			"cannot set $set: the driver of $PF, virtio_net, has no PF-side VF settings"
		[ "$set" = vlan ] && echo "# virtio refusal: $(cat "$b/createRuntime.err")" >/dev/console
		[ -z "$(ns_links "$pid")" ] || fail "the container netns still has: $(ns_links "$pid")"
		expect_state 0 "after the refused createRuntime ($kv)"
		expect_no_claim "after the refused createRuntime ($kv)"
		hook_ok poststop "vm-virtio-$set" "$b"
		expect_state 0 "after poststop of a refused container ($kv)"
		kill "$pid"
	done
}

# list shows the PF with its VFs and no settings for them (the PF reports none: null in JSON, not
# a column of zeros); doctor runs to its end and has no finding about settings it cannot read.
test_sriovctl_virtio_list() {
	local out rc pid b pci n
	pid=$(new_netns)
	b=$W/b-virtio-list
	pci=$(vf_pci 4)
	mk_bundle "$b" - pf=$PF vf=4 ip=10.62.0.2/24
	hook_ok createRuntime vm-virtio-list "$b" "$pid"
	out=$("$CTL" --config "$CFG" list "$PF" 2>&1) || fail "list failed: $out"
	# On the console too: the matrix shows what an operator sees of a PF without VF settings.
	echo "$out" | sed 's/^/# virtio list: /' | tee /dev/console
	echo "$out" | grep -q "$PF" || fail "list does not name the PF $PF"
	n=$(echo "$out" | grep -c '0000:[0-9a-f:.]*')
	[ "$n" -ge $NVF ] || fail "list shows $n PCI addresses, not the PF's $NVF VFs"
	echo "$out" | grep -Eq 'vlan 0|00:00:00:00:00:00|max_tx_rate 0' && fail "list shows zero settings as if the PF reported them"
	[ "$(ctl_json_key "$pci" "" state)" = held ] || fail "list --json says VF 4 is '$(ctl_json_key "$pci" "" state)', not held"
	"$CTL" --config "$CFG" list --json "$PF" | grep -q '"settings": null' ||
		fail "list --json gives settings for virtio VFs: $("$CTL" --config "$CFG" list --json "$PF" | grep -A3 '"settings"' | head -n 8)"
	out=$("$CTL" --config "$CFG" doctor "$PF" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# virtio doctor: /' | tee /dev/console
	[ $rc -le 1 ] || fail "doctor exited $rc: $out"
	echo "$out" | grep -Eiq 'spoofchk|link.state|vf-link' && fail "doctor reports settings the PF does not have"
	hook_ok poststop vm-virtio-list "$b"
	expect_state 4 "after poststop"
	expect_no_claim "after poststop"
	kill "$pid"
}

# A pool of VFs 5 and 6 without PF-side settings, as a CDI device's hook: VF 5 goes in with its
# address and comes back; a pool that sets one is refused naming the driver, nothing taken.
test_virtio_cdi_pool() {
	local pid b
	sed 's/}[[:space:]]*$//' "$CFG" >"$CDI_CFG"
	echo ", \"pools\": {\"$CDI_POOL\": {\"vfs\": [\"$PF#5-6\"]}}}" >>"$CDI_CFG"
	pid=$(new_netns)
	b=$W/b-virtio-cdi
	cdi_bundle "$b" ip=10.63.0.2/24 mtu=1400
	cdi_hook createRuntime vm-virtio-cdi "$b" "$pid" || fail "createRuntime of the pool's device failed: $(cat "$b/createRuntime.err")"
	expect_vf_in 5 "$pid" eth0
	nsenter -t "$pid" -n /usr/sbin/ip -o addr show | grep -q '10\.63\.0\.2/24' || fail "no 10.63.0.2/24 in the container"
	expect_state 6 "VF 6 (in the pool, not taken)"
	cdi_hook poststop vm-virtio-cdi "$b" || fail "poststop failed: $(cat "$b/poststop.err")"
	expect_state 5 "after poststop"
	expect_no_claim "after poststop"
	kill "$pid"
	sed 's/}[[:space:]]*$//' "$CFG" >"$CDI_CFG"
	echo ", \"pools\": {\"$CDI_POOL\": {\"vfs\": [\"$PF#5-6\"], \"vlan\": 42}}}" >>"$CDI_CFG"
	pid=$(new_netns)
	b=$W/b-virtio-cdi2
	cdi_bundle "$b" ip=10.63.0.2/24
	if cdi_hook createRuntime vm-virtio-cdi2 "$b" "$pid"; then
		fail "a pool with vlan 42 was handed out on virtio_net"
	fi
	expect_refusal createRuntime vm-virtio-cdi2 "$b" "cannot set vlan: the driver of $PF, virtio_net, has no PF-side VF settings"
	expect_state 5 "after the refusal"
	expect_no_claim "after the refusal"
	kill "$pid"
}

ALL_TESTS_VIRTIO="virtio_refused_setting sriovctl_virtio_list virtio_cdi_pool"
