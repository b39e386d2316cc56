#!/bin/sh
# The layering check must catch what it is for: an upward include, a cycle within a layer, a file
# outside the layer folders; and pass a tree that keeps the rule. Each case is a small tree in a
# temporary directory, checked by scripts/layers.py as it checks src/.
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# mod TREE LAYER NAME [INCLUDE...]: src/LAYER/NAME.c and its header, including each INCLUDE header.
mod() {
	t=$1 l=$2 n=$3
	shift 3
	mkdir -p "$t/src/$l" "$t/include/sriov-hook/$l"
	echo "#include \"sriov-hook/$l/$n.h\"" >"$t/src/$l/$n.c"
	: >"$t/include/sriov-hook/$l/$n.h"
	for i in "$@"; do echo "#include \"sriov-hook/$i.h\"" >>"$t/src/$l/$n.c"; done
}

# expect NAME TREE STATUS PATTERN: layers.py exits STATUS and prints a line matching PATTERN.
expect() {
	out=$(python3 "$repo/scripts/layers.py" "$2" 2>&1)
	rc=$?
	if [ "$rc" -eq "$3" ] && printf '%s\n' "$out" | grep -q -- "$4"; then
		echo "PASS layers/$1"
	else
		echo "FAIL layers/$1: exit $rc, wanted $3 and '$4': $(printf '%s' "$out" | tr '\n' ' ')"
		fails=$((fails + 1))
	fi
}

t=$tmp/good
mod "$t" core error
mod "$t" sys nl core/error
mod "$t" store store core/error sys/nl
mod "$t" hook attach store/store
expect keeps_rule "$t" 0 '^PASS layers: 4 modules'

t=$tmp/up
mod "$t" core error
mod "$t" store store core/error
mod "$t" sys nl store/store
expect upward_include "$t" 1 '^FAIL layers: src/sys/nl.c: sys/nl includes store/store.h, but sys may use only core'

t=$tmp/peer
mod "$t" sys nl input/config
mod "$t" input config
expect sys_includes_input "$t" 1 'sys/nl includes input/config.h'

t=$tmp/cycle
mod "$t" hook stage hook/cmdline
mod "$t" hook cmdline hook/stage
expect cycle "$t" 1 '^FAIL layers: include cycle: hook/cmdline -> hook/stage -> hook/cmdline'

t=$tmp/stray
mod "$t" core error
mkdir -p "$t/src" && : >"$t/src/loose.c"
expect stray_file "$t" 1 'src/loose.c is in no layer'

t=$tmp/unknown
mod "$t" core error core/nothing
expect unknown_header "$t" 1 'includes sriov-hook/core/nothing.h, which is no module'

expect this_tree "$repo" 0 '^PASS layers:'
[ "$fails" -eq 0 ]
