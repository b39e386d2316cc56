#!/bin/bash
# The Debian package as a user gets it (root): dpkg-buildpackage builds it from a copy of the tree,
# lintian finds no error, apt installs it, an edited /etc/sriov-hook/config.json survives an upgrade
# to a higher version and a remove + reinstall, podman fires the installed hooks.d files from its
# default directory, the podman suite passes against the installed files, and a purge leaves nothing.
# Prints `PASS package/deb/<check>` or `FAIL package/deb/<check>: <why>`; the podman suite's own
# checks come as `package/podman-installed/<check>`.
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# The binaries under test are the installed ones.
HOOK=/usr/bin/sriov-hook
RUNC_WRAPPER=/usr/bin/sriov-runc
# shellcheck source=../engines/lib.sh
. "$REPO/tests/engines/lib.sh"
# shellcheck disable=SC2034 # testlib.sh's result lines name the group
T_GROUP=package
start=$(date +%s)
# t_setup's preamble without its check of the hook: the hook is there once the package is installed.
t_init deb "$REPO"
# shellcheck source=../lib/standin.sh
. "$REPO/tests/lib/standin.sh"
# shellcheck source=../lib/bundle.sh
. "$REPO/tests/lib/bundle.sh"
standin_init || exit 1
e_require_cmd dpkg-buildpackage dh lintian fakeroot apt-get podman runc

PKG=sriov-hook
CONFFILE=/etc/sriov-hook/config.json
STATE=/run/sriov-hook # the state directory of the installed configuration
APT=(apt-get -q -y -o DPkg::Lock::Timeout=120 --no-install-recommends)
export DEBIAN_FRONTEND=noninteractive

pkg_status() { dpkg-query -W -f '${Status} ${Version}' "$PKG" 2>/dev/null; }
# pkg_present: dpkg knows the package (installed, or removed with its conffiles kept).
pkg_present() { pkg_status | grep -q -v '^unknown ok not-installed'; }
# pkg_apt ARGS...: apt-get with no terminal (a conffile question would fail it, not hang).
pkg_apt() { "${APT[@]}" "$@" </dev/null 2>&1; }

# ---- preconditions: the suite owns the package, /etc/sriov-hook and /run/sriov-hook for its run ----
if pkg_present; then
	t_fail precondition "package $PKG is on this machine ($(pkg_status)): the suite installs and purges it; apt-get purge $PKG first"
	t_end
fi
if [ -n "$(standin_state_residue "$STATE")" ]; then
	t_fail precondition "$STATE holds state of a live installation: $(standin_state_residue "$STATE" | head -3)"
	t_end
fi
# A source install's configuration is put aside and comes back at exit. The state directory, when
# absent now, goes at exit (the hook makes it under the installed configuration).
STATE_BEFORE=$([ -e "$STATE" ] && echo yes)
if [ -e /etc/sriov-hook ]; then
	mv /etc/sriov-hook "$SH_TMP/etc-sriov-hook.saved" || exit 1
fi
_pkg_cleanup() {
	local m
	! pkg_present || SRIOV_HOOK_REMOVE_HELD=1 dpkg --purge "$PKG"
	if [ -z "$STATE_BEFORE" ]; then
		for m in $(awk -v d="$STATE" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r); do
			umount -l "$m"
		done
		rm -rf --one-file-system "$STATE"
	fi
	if [ -e "$SH_TMP/etc-sriov-hook.saved" ]; then
		rm -rf /etc/sriov-hook
		mv "$SH_TMP/etc-sriov-hook.saved" /etc/sriov-hook
	fi
}
standin_atexit _pkg_cleanup

# ---- build: twice, the second time with a higher version (the upgrade) ----------------------------
UPSTREAM=$(sed -n 's/^VERSION *:*= *//p' "$REPO/Makefile")
# pkg_copy DIR: the tree's files (tracked and new, not ignored: no build/) copied to DIR.
pkg_copy() {
	mkdir -p "$1"
	if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$REPO" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar --null -T - -cf -) | tar -x -C "$1"
	else
		tar -C "$REPO" --exclude=./build --exclude=./.git -cf - . | tar -x -C "$1"
	fi
}
# pkg_build NAME [DEB_BUILD_OPTIONS]: builds in $SH_TMP/NAME; prints the seconds it took.
pkg_build() {
	local d="$SH_TMP/$1/$PKG-$UPSTREAM" t0
	t0=$(date +%s)
	(cd "$d" && DEB_BUILD_OPTIONS="parallel=$(nproc) $2" dpkg-buildpackage -us -uc -b) >"$SH_TMP/$1/build.log" 2>&1 ||
		return 1
	echo $(($(date +%s) - t0))
}

pkg_copy "$SH_TMP/v1/$PKG-$UPSTREAM"
V1=$(cd "$SH_TMP/v1/$PKG-$UPSTREAM" && dpkg-parsechangelog -S Version)
ARCH=$(dpkg --print-architecture)
if ! secs=$(pkg_build v1); then
	t_fail build "dpkg-buildpackage failed: $(tail -n 15 "$SH_TMP/v1/build.log")"
	t_end
fi
DEB1=$SH_TMP/v1/${PKG}_${V1}_$ARCH.deb
t_check build "no ${DEB1##*/} after the build" -f "$DEB1"
echo "  build $V1 (unit tests included): $secs s"
t_check version-upstream "package version $V1 is not Makefile VERSION $UPSTREAM plus a revision" \
	"${V1%-*}" = "$UPSTREAM"
t_check unit-tests-ran "the build ran no unit test" "$(grep -c '^PASS unit/' "$SH_TMP/v1/build.log")" -gt 0

# The same source, one changelog entry on top: what an upgrade brings.
V2=$V1+upgradetest
pkg_copy "$SH_TMP/v2/$PKG-$UPSTREAM"
log=$SH_TMP/v2/$PKG-$UPSTREAM/debian/changelog
{
	printf '%s (%s) unstable; urgency=medium\n\n  * Upgrade test: same source, higher version.\n\n' "$PKG" "$V2"
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$log" -S Maintainer)" "$(date -R)"
	cat "$log"
} >"$log.new" && mv "$log.new" "$log"
if ! secs=$(pkg_build v2 nocheck); then
	t_fail build-v2 "dpkg-buildpackage failed: $(tail -n 15 "$SH_TMP/v2/build.log")"
	t_end
fi
DEB2=$SH_TMP/v2/${PKG}_${V2}_$ARCH.deb
t_check build-v2 "no ${DEB2##*/} after the build" -f "$DEB2"
echo "  build $V2 (nocheck): $secs s"

# ---- lintian: no error (warnings and infos are listed) ------------------------------------------
lint=$(lintian --info --display-info --pedantic "$SH_TMP/v1/${PKG}_${V1}_$ARCH.changes" 2>&1 |
	grep -v 'running with root privileges')
echo "  lintian: $(printf '%s\n' "$lint" | grep -c '^E:') errors, $(printf '%s\n' "$lint" | grep -c '^W:') warnings, $(printf '%s\n' "$lint" | grep -c '^[IP]:') info/pedantic"
printf '%s\n' "$lint" | grep '^[EWIP]:' | sed 's/^/    /'
t_empty lintian-no-error "lintian" "$(printf '%s\n' "$lint" | grep '^E:')"

# ---- contents -----------------------------------------------------------------------------------
# pkg_paths DEB: the package's paths, one per line, "/usr/bin/x" (directories end with "/").
pkg_paths() { dpkg-deb --fsys-tarfile "$1" | tar -t | sed 's|^\./|/|; /^\/$/d'; }
PATHS=$(pkg_paths "$DEB1")
missing=""
for p in /usr/bin/sriov-hook /usr/bin/sriov-runc \
	/usr/share/containers/oci/hooks.d/sriov-hook-createruntime.json \
	/usr/share/containers/oci/hooks.d/sriov-hook-poststop.json \
	/usr/share/sriov-hook/crio-hooks.d/sriov-hook-createruntime.json \
	/usr/share/sriov-hook/crio-hooks.d/sriov-hook-poststop.json \
	/usr/share/man/man8/sriov-hook.8.gz /usr/share/man/man8/sriov-runc.8.gz \
	/usr/share/doc/$PKG/examples/config.json.example $CONFFILE /usr/share/doc/$PKG/copyright; do
	printf '%s\n' "$PATHS" | grep -qxF "$p" || missing="$missing $p"
done
t_empty layout "missing from the package" "$missing"
t_empty no-usr-etc "under /usr/etc" "$(printf '%s\n' "$PATHS" | grep '^/usr/etc/')"

# Everything `make install PREFIX=/usr` installs (man pages compressed), and nothing else but the
# Debian docs and the lintian overrides: a file added to the install rule is packaged without
# touching debian/.
D=$SH_TMP/make-install
if out=$(make -s -C "$SH_TMP/v1/$PKG-$UPSTREAM" BUILD=debian/build install DESTDIR="$D" PREFIX=/usr 2>&1); then
	# debian/rules moves systemd units to /lib/systemd/system (bookworm's debhelper looks there).
	want=$(cd "$D" && find . ! -type d | sed 's|^\.||; s|^\(/usr/share/man/.*\.[0-9]\)$|\1.gz|; s|^/usr/lib/systemd/system/|/lib/systemd/system/|' | sort)
	have=$(printf '%s\n' "$PATHS" | grep -v '/$' | sort)
	t_empty make-install/all-packaged "installed by make install, not packaged" "$(comm -23 <(echo "$want") <(echo "$have") | xargs)"
	t_empty make-install/nothing-else "packaged, not from make install" "$(comm -13 <(echo "$want") <(echo "$have") |
		grep -v -e "^/usr/share/doc/$PKG/" -e "^/usr/share/lintian/overrides/$PKG\$" | xargs)"
else
	t_fail make-install "make install: $out"
fi

ctl=$SH_TMP/v1/control
dpkg-deb -e "$DEB1" "$ctl"
etc_files=$(printf '%s\n' "$PATHS" | grep '^/etc/.*[^/]$')
t_check conffiles "conffiles: $(cat "$ctl/conffiles" 2>/dev/null), files in /etc: $etc_files" \
	"$(sort "$ctl/conffiles" 2>/dev/null)" = "$(echo "$etc_files" | sort)"
# Installing, upgrading or removing the hook restarts no engine: the maintainer scripts never name one.
engines=$(grep -HinE 'docker|containerd|podman|cri-?o\b|kubelet' "$ctl"/{preinst,postinst,prerm,postrm} 2>/dev/null)
t_empty no-engine-restart "maintainer scripts name an engine" "$engines"

# systemd units (when the install rule has any): where bookworm's debhelper enables them, and never
# started by an install or an upgrade (they change NICs: the admin starts them).
UNITS=$(printf '%s\n' "$PATHS" | sed -n 's|^/\(usr/\)\{0,1\}lib/systemd/system/\([^/][^/]*\)$|\2|p')
echo "  systemd units: $(echo "${UNITS:-none}" | xargs)"
if [ -n "$UNITS" ]; then
	t_empty units/in-lib "not under /lib/systemd/system" "$(printf '%s\n' "$PATHS" | grep '^/usr/lib/systemd/system/.')"
	t_empty units/not-started "postinst starts a unit" "$(grep -nE 'deb-systemd-invoke|invoke-rc\.d|systemctl .*(start|restart)' "$ctl/postinst" 2>/dev/null)"
fi
# unit_links: what the units left in systemd's configuration and deb-systemd-helper's state.
unit_links() {
	local u
	for u in $UNITS; do
		find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
			-name "$u*" 2>/dev/null
	done
}
[ -z "$UNITS" ] || t_empty units/none-before "unit links before the install" "$(unit_links)"

# ---- install with apt -----------------------------------------------------------------------------
# NEW_DIRS: the package's directories that do not exist now (to find them gone after purge).
NEW_DIRS=$(printf '%s\n' "$PATHS" | grep '/$' | while read -r d; do [ -e "$d" ] || echo "$d"; done)
out=$(pkg_apt install "$DEB1")
t_check install "apt-get install: $(echo "$out" | tail -n 5)" "$(pkg_status)" = "install ok installed $V1"
t_contains installed-version "$($HOOK --version 2>&1)" "sriov-hook $UPSTREAM" "sriov-hook --version"
t_empty install-verify "dpkg --verify" "$(dpkg --verify "$PKG" 2>&1)"
# Enabled: a link in each WantedBy= target's .wants directory (no running systemd needed).
for u in $UNITS; do
	for t in $(sed -n 's/^WantedBy=//p' "/lib/systemd/system/$u" 2>/dev/null); do
		t_check "units/enabled/$u/$t" "no /etc/systemd/system/$t.wants/$u" -L "/etc/systemd/system/$t.wants/$u"
	done
done

# The admin points the installed configuration at the stand-in's sysfs tree (state_dir stays the
# default): what the hooks fired by podman and the holder below read.
standin_pf_create a 5c 2
PF=$(standin_pf_name a)
cat >"$CONFFILE" <<EOF
{
  "state_dir": "$STATE",
  "sysfs_root": "$SH_SYSFS",
  "log": "$SH_TMP/hook.log",
  "poststop_timeout_ms": 500
}
EOF
EDITED=$(cat "$CONFFILE")

# ---- upgrade: the edited conffile stays, without a question -------------------------------------
out=$(pkg_apt install "$DEB2")
t_check upgrade "apt-get install (upgrade): $(echo "$out" | tail -n 5)" "$(pkg_status)" = "install ok installed $V2"
t_check upgrade/conffile-kept "$CONFFILE is now: $(cat "$CONFFILE" 2>&1)" "$(cat "$CONFFILE" 2>/dev/null)" = "$EDITED"
t_empty upgrade/no-dpkg-copies "left by dpkg" "$(find /etc/sriov-hook -mindepth 1 ! -path "$CONFFILE")"
t_empty upgrade/verify "dpkg --verify, conffiles aside" "$(dpkg --verify "$PKG" 2>&1 | grep -v " c $CONFFILE\$")"

# ---- podman finds the installed hooks.d files by itself ---------------------------------------------
e_podman_init
IMG=localhost/sriov-hook-pkg-busybox
if ! out=$(e_podman import -q "$(e_image_tar)" "$IMG" 2>&1); then
	t_fail podman-import "podman import: $out"
else
	out=$(e_podman run --rm --network none --annotation "io.sriov.pf=$PF" --annotation io.sriov.vf=auto \
		--annotation io.sriov.ip=10.99.3.2/24 "$IMG" ip addr 2>&1)
	rc=$?
	t_check default-hooks-dir/run "rc=$rc: $out" "$rc" = 0
	eth0=$(printf '%s\n' "$out" | awk '/^[0-9]+: /{show = ($2 ~ /^eth0(@|:)/)} show')
	t_contains default-hooks-dir/vf-is-eth0 "$eth0" "$(standin_vf_mac a 0)" "eth0 in the container"
	t_contains default-hooks-dir/address "$eth0" "inet 10.99.3.2/24" "eth0 in the container"
	e_after_exit a default-hooks-dir
fi

# ---- the podman suite against the installed binaries and hooks.d files ------------------------------
# It adds --config (a private state dir and sysfs tree) to the hooks.d files it is given; here those
# are the installed ones, and HOOK is the installed hook that they must name.
INST=$SH_TMP/installed
mkdir -p "$INST/hooks.d"
for f in $(dpkg -L "$PKG" | grep '^/usr/share/containers/oci/hooks.d/.*\.json$'); do ln -s "$f" "$INST/hooks.d/"; done
crio=$(dpkg -L "$PKG" | grep '/crio-hooks.d/.*\.json$' | head -n 1)
ln -s "$(dirname "$crio")" "$INST/hooks.d/crio"
E_BUILD=$INST HOOK=$HOOK RUNC_WRAPPER=$RUNC_WRAPPER bash "$REPO/tests/engines/podman.sh" 2>&1 |
	sed -u 's#^\(PASS\|FAIL\) engines/podman/#\1 package/podman-installed/#' | tee "$SH_TMP/podman.out"
status=${PIPESTATUS[0]}
grep -q '^FAIL ' "$SH_TMP/podman.out" && T_FAILS=$((T_FAILS + 1))
if [ "$status" != 0 ] && ! grep -q '^FAIL ' "$SH_TMP/podman.out"; then
	t_fail podman-installed "the podman suite exited with status $status"
fi

# ---- remove while a container holds a VF: refused with the holder; with the override it goes, the
# ---- conffile stays; reinstall; release ------------------------------------------------------------
holder_pid=""
standin_netns_proc holder_pid
bundle_bare "$SH_TMP/holder" "pf=$PF" vf=1
hook_run "" createRuntime "$(hook_state pkg-holder "$holder_pid" "$SH_TMP/holder")"
t_check holder/claims "createRuntime with the installed configuration, rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
out=$(pkg_apt remove "$PKG")
t_check remove-held/refused "apt-get remove went on: $(echo "$out" | tail -n 5)" "$(pkg_status)" = "install ok installed $V2"
t_contains remove-held/names-holder "$out" "VF 1 of $PF ($(standin_vf_pci a 1)): attached, container pkg-holder" "apt-get remove"
t_contains remove-held/counts-vfs "$out" "sriov-hook: 1 VF(s) are still given to containers" "apt-get remove"
t_contains remove-held/says-how "$out" "SRIOV_HOOK_REMOVE_HELD=1 apt-get remove sriov-hook" "apt-get remove"
out=$(SRIOV_HOOK_REMOVE_HELD=1 pkg_apt remove "$PKG")
t_check remove "SRIOV_HOOK_REMOVE_HELD=1 apt-get remove: $(echo "$out" | tail -n 5)" "$(pkg_status)" = "deinstall ok config-files $V2"
t_contains remove/warns-held-vf "$out" "removing anyway (SRIOV_HOOK_REMOVE_HELD=1)" "apt-get remove"
t_check remove/conffile-kept "$CONFFILE is now: $(cat "$CONFFILE" 2>&1)" "$(cat "$CONFFILE" 2>/dev/null)" = "$EDITED"
t_check remove/binary-gone "$HOOK is still there" ! -e "$HOOK"
out=$(pkg_apt install "$DEB2")
t_check reinstall "apt-get install: $(echo "$out" | tail -n 5)" "$(pkg_status)" = "install ok installed $V2"
t_check reinstall/conffile-kept "$CONFFILE is now: $(cat "$CONFFILE" 2>&1)" "$(cat "$CONFFILE" 2>/dev/null)" = "$EDITED"
hook_run "" poststop "$(hook_state pkg-holder 0 "$SH_TMP/holder")"
t_check holder/releases "poststop rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty holder/vf-back "VF" "$(standin_vf_problems a 1)"

# ---- the installed pages and programs name the installed paths ---------------------------------------
t_empty paths/man "installed man pages naming /usr/local" "$(zgrep -l '/usr/local/bin/sriov' /usr/share/man/man8/sriov*.8.gz 2>&1)"
t_contains paths/man-runc "$(zcat /usr/share/man/man8/sriov-runc.8.gz)" '"path": "/usr/bin/sriov-runc"' "sriov-runc(8)"

# ---- CDI specs sriovctl wrote: purge removes them, and nothing else in the engines' directories ------
CDI_RUN=/var/run/cdi/sriov-hook.json
CDI_ETC=/etc/cdi/sriov-hook-pkgtest-$$.json
CDI_OTHER=/etc/cdi/sriov-hook-pkgtest-$$-other.json
[ -e "$CDI_RUN" ] && mv "$CDI_RUN" "$SH_TMP/cdi-run.saved"
# The CDI directories this test makes (sriovctl creates them) go with it; a host's own stay.
CDI_DIRS_MADE=""
for d in /var/run/cdi /etc/cdi; do [ -d "$d" ] || CDI_DIRS_MADE="$CDI_DIRS_MADE $d"; done
_pkg_cdi_cleanup() {
	rm -f "$CDI_RUN" "$CDI_ETC" "$CDI_OTHER"
	if [ -e "$SH_TMP/cdi-run.saved" ]; then mv "$SH_TMP/cdi-run.saved" "$CDI_RUN"; fi
	for d in $CDI_DIRS_MADE; do rmdir "$d" 2>/dev/null; done
}
standin_atexit _pkg_cdi_cleanup
out=$(/usr/bin/sriovctl cdi generate 2>&1)
t_check cdi/generated "sriovctl cdi generate: $out" -s "$CDI_RUN"
out=$(/usr/bin/sriovctl cdi generate --output "$CDI_ETC" 2>&1)
t_check cdi/generated-etc "sriovctl cdi generate --output $CDI_ETC: $out" -s "$CDI_ETC"
# Another spec of the engines' directory (not sriov-hook's kind) stays.
printf '{"cdiVersion": "0.5.0", "kind": "example.com/dev", "devices": [{"name": "x", "containerEdits": {"env": ["X=1"]}}]}\n' >"$CDI_OTHER"

# ---- purge while a VF is held (override): the CDI specs go, the claim and its state dir stay -----------
bundle_bare "$SH_TMP/holder2" "pf=$PF" vf=0
hook_run "" createRuntime "$(hook_state pkg-holder2 "$holder_pid" "$SH_TMP/holder2")"
t_check holder2/claims "createRuntime, rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
out=$(SRIOV_HOOK_REMOVE_HELD=1 pkg_apt purge "$PKG")
t_check purge-held "SRIOV_HOOK_REMOVE_HELD=1 apt-get purge: $(echo "$out" | tail -n 5)" -z "$(pkg_present && echo present)"
t_contains purge-held/keeps-state "$out" "kept $STATE: it records 1 VF(s) still given to containers" "apt-get purge"
t_check purge-held/claim-kept "the claim of VF 0 is gone from $STATE/claims" -f "$STATE/claims/$(standin_vf_pci a 0).json"
t_check purge-held/cdi-run-removed "$CDI_RUN is left" ! -e "$CDI_RUN"
t_check purge-held/cdi-etc-removed "$CDI_ETC is left" ! -e "$CDI_ETC"
t_check purge-held/cdi-other-kept "$CDI_OTHER (another kind) was removed" -e "$CDI_OTHER"
t_contains purge-held/says-cdi "$out" "removed the CDI spec $CDI_ETC" "apt-get purge"
# Back: install again with the admin's configuration, and the VF returns at poststop.
out=$(pkg_apt install "$DEB2")
t_check reinstall2 "apt-get install: $(echo "$out" | tail -n 5)" "$(pkg_status)" = "install ok installed $V2"
printf '%s\n' "$EDITED" >"$CONFFILE"
hook_run "" poststop "$(hook_state pkg-holder2 0 "$SH_TMP/holder2")"
t_check holder2/releases "poststop rc=$HOOK_RC: $HOOK_ERR" "$HOOK_RC" = 0
t_empty holder2/vf-back "VF" "$(standin_vf_problems a 0)"

# ---- purge: nothing of the package is left ----------------------------------------------------------
t_check purge/state-dir-used "the hook made no $STATE" -d "$STATE"
t_empty purge/state-dir-empty "left in $STATE before purge" "$(standin_state_residue "$STATE")"
out=$(pkg_apt purge "$PKG")
t_check purge "apt-get purge: $(echo "$out" | tail -n 5)" -z "$(pkg_present && echo present)"
left=$(printf '%s\n' "$PATHS" | grep -v '/$' | while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done)
t_empty purge/no-file "files left" "$left"
left=$(printf '%s\n' "$NEW_DIRS" | while read -r d; do [ -n "$d" ] && [ -e "$d" ] && echo "$d"; done)
t_empty purge/no-directory "directories the package made, left" "$left"
t_check purge/no-etc "/etc/sriov-hook is left: $(ls -A /etc/sriov-hook 2>&1)" ! -e /etc/sriov-hook
if [ -z "$STATE_BEFORE" ]; then
	t_check purge/no-state-dir "$STATE is left: $(find "$STATE" 2>&1 | head -5)" ! -e "$STATE"
fi
[ -z "$UNITS" ] || t_empty purge/no-unit-links "left by the units" "$(unit_links)"
t_empty purge/no-dpkg-record "left in /var/lib/dpkg/info" "$(ls /var/lib/dpkg/info/"$PKG".* /var/lib/dpkg/info/"$PKG":* 2>/dev/null)"

echo "package: $(($(date +%s) - start)) s"
t_end
