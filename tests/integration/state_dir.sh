#!/bin/bash
# state_dir is trusted only when it is root's and writable by nobody else (nor any directory above
# it, unless sticky): anything else is refused with one line naming it, by both stages. Inside it,
# every path is opened relative to its directory and without following symlinks: a symlink planted
# as a record, an owners directory or entry, a pin, a lock or a temporary record is refused or
# ignored, and what it points at is never read, written, emptied, mounted over or removed.
REPO=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$REPO/tests/lib/testlib.sh"
t_setup state_dir "$REPO" "a 3b 2"
. "$REPO/tests/lib/storelib.sh"
PF=$(standin_pf_name a)
PCI0=$(standin_vf_pci a 0)

# --- trust --------------------------------------------------------------------------------------

# untrusted NAME STATE-DIR PATTERN [SETUP]: with state_dir STATE-DIR (prepared by SETUP), both stages
# refuse with one line matching PATTERN, and nothing is touched.
untrusted() {
	local name=$1 dir=$2 pat=$3 cfg
	cfg=$SH_TMP/$name.config.json
	printf '{"state_dir": "%s", "sysfs_root": "%s", "log": "%s"}\n' "$dir" "$SH_SYSFS" "$SH_TMP/$name.log" >"$cfg"
	ct_prepare "$name" pf="$PF" vf=0
	ct_createrun "$name" "$cfg"
	t_check "$name/create_refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	if hook_err_one_line && hook_msg "$name" createRuntime | grep -qE "$pat"; then
		t_pass "$name/create_message"
	else
		t_fail "$name/create_message" "want /$pat/ after the prefix: $HOOK_ERR"
	fi
	t_empty "$name/vf_untouched" "stand-in" "$(standin_vf_problems a)"
	t_check "$name/nothing_created" "in it: $(find "$dir/" -mindepth 1 2>/dev/null)" -z "$(find "$dir/" -mindepth 1 2>/dev/null)"
	ct_kill "$name"
	ct_poststop "$name" "$cfg"
	t_check "$name/poststop_refused" "rc $HOOK_RC" "$HOOK_RC" != 0
	t_contains "$name/poststop_message" "$(hook_msg "$name" poststop)" "$dir" "poststop message"
}

mkdir -m 0777 "$SH_TMP/world"
chmod 0777 "$SH_TMP/world"
untrusted world_writable "$SH_TMP/world" "state directory $SH_TMP/world is writable by group or others \(mode 0777\): refusing it"
mkdir -m 0770 "$SH_TMP/group"
chmod 0770 "$SH_TMP/group"
untrusted group_writable "$SH_TMP/group" "state directory $SH_TMP/group is writable by group or others"
mkdir -m 0700 "$SH_TMP/nobody"
chown 65534:65534 "$SH_TMP/nobody"
untrusted other_owner "$SH_TMP/nobody" "state directory $SH_TMP/nobody belongs to uid 65534"
mkdir -m 0700 "$SH_TMP/real"
ln -s "$SH_TMP/real" "$SH_TMP/link"
untrusted symlink "$SH_TMP/link" "state directory $SH_TMP/link is not a directory \(a symbolic link\?\)"
mkdir -m 0777 "$SH_TMP/open"
chmod 0777 "$SH_TMP/open"
mkdir -m 0700 "$SH_TMP/open/state"
untrusted open_parent "$SH_TMP/open/state" "state directory $SH_TMP/open/state: the directory above it, $SH_TMP/open is writable"

# --- planted symlinks ---------------------------------------------------------------------------

CFG=$(standin_config planted)
STATE=$(standin_state_dir planted)
VICTIM=$SH_TMP/victim
VDIR=$SH_TMP/victimdir

# plant KIND: a fresh state dir with a symlink of KIND pointing at the victim file or directory.
plant() {
	rm -rf "$STATE"
	mkdir -p -m 0700 "$STATE"/{locks,claims,owners,netns}
	rm -rf "$VDIR"
	mkdir "$VDIR"
	echo precious >"$VDIR/keep"
	echo precious >"$VDIR/$PCI0"
	echo precious >"$VICTIM"
	case $1 in
	record) ln -s "$VICTIM" "$STATE/claims/$PCI0.json" ;;
	tmp) ln -s "$VICTIM" "$STATE/claims/$PCI0.json.tmp" ;;
	lock) ln -s "$VICTIM" "$STATE/locks/$PCI0.lock" ;;
	owners_dir) ln -s "$VDIR" "$STATE/owners/$2" ;;
	owners_entry) mkdir -m 0700 "$STATE/owners/$2" && ln -s "$VICTIM" "$STATE/owners/$2/$PCI0" ;;
	pin) ln -s "$VICTIM" "$STATE/netns/$2@$(ns_ident "$3" | tr ' ' -)" ;;
	pin_lock) ln -s "$VICTIM" "$STATE/locks/$2@$(ns_ident "$3" | tr ' ' -).lock" ;;
	esac
}

# intact CHECK: the victims are as planted, nothing is mounted over them.
intact() {
	t_check "$1/victim_file" "victim: $(cat "$VICTIM" 2>&1)" "$(cat "$VICTIM" 2>&1)" = precious
	t_check "$1/victim_dir" "victim dir: $(ls "$VDIR" 2>&1)" "$(cat "$VDIR/keep" "$VDIR/$PCI0" 2>&1 | tr '\n' ' ')" = "precious precious "
	t_check "$1/no_mount_on_victim" "mounts: $(grep "$SH_TMP/victim" /proc/self/mounts)" -z "$(grep "$SH_TMP/victim" /proc/self/mounts)"
	t_empty "$1/vf_home" "stand-in" "$(standin_vf_problems a)"
}

# stages NAME KIND: createRuntime (VF 0) and poststop for a container NAME, and gc, with KIND planted.
stages() {
	local name=$1 kind=$2
	ct_prepare "$name" pf="$PF" vf=0
	plant "$kind" "$name" "$CT_PID"
	ct_createrun "$name" "$CFG"
	CREATE_RC=$HOOK_RC
	CREATE_MSG=$(hook_msg "$name" createRuntime)
	ct_kill "$name"
	ct_poststop "$name" "$CFG"
	POSTSTOP_RC=$HOOK_RC
	store_tool gc "$CFG" >/dev/null 2>&1
	intact "$name"
}

# The issue's case: owners/<id> a symlink to a directory: poststop used to empty it.
stages owners_dir owners_dir
t_check owners_dir/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
t_contains owners_dir/create_names_it "$CREATE_MSG" "$STATE/owners/owners_dir" "message"
t_check owners_dir/poststop_refused "rc $POSTSTOP_RC" "$POSTSTOP_RC" != 0
stages owners_entry owners_entry
t_check owners_entry/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
stages record record
t_check record/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
t_contains record/create_says "$CREATE_MSG" "claim record $STATE/claims/$PCI0.json is a symbolic link: refusing it" "message"
stages lock lock
t_check lock/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
t_contains lock/create_says "$CREATE_MSG" "lock $STATE/locks/$PCI0.lock is a symbolic link: refusing it" "message"
stages pin pin
t_check pin/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
t_contains pin/create_says "$CREATE_MSG" "is a symbolic link: refusing it" "message"
stages pin_lock pin_lock
t_check pin_lock/create_refused "rc $CREATE_RC" "$CREATE_RC" != 0
# auto reports a state directory it cannot use as such, never as "no free VF"
ct_prepare auto_lock pf="$PF" vf=auto
plant lock
ct_createrun auto_lock "$CFG"
t_check auto_lock/refused "rc $HOOK_RC" "$HOOK_RC" != 0
t_contains auto_lock/says_why "$(hook_msg auto_lock createRuntime)" "lock $STATE/locks/$PCI0.lock is a symbolic link" "message"
t_check auto_lock/not_no_free_vf "message: $HOOK_ERR" -z "$(printf '%s' "$HOOK_ERR" | grep 'no free VF')"
intact auto_lock
ct_kill auto_lock
# a temporary record is a dead writer's leftover: the link itself goes, the claim goes on
stages tmp tmp
t_check tmp/create_ok "rc $CREATE_RC: $CREATE_MSG" "$CREATE_RC" = 0
t_check tmp/poststop_ok "rc $POSTSTOP_RC" "$POSTSTOP_RC" = 0

t_end
