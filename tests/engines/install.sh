#!/bin/bash
# `make install DESTDIR=... PREFIX=/usr/local`: the binaries, the hooks.d files naming the installed
# hook, the example config (never over an admin's), the man pages; `make uninstall` takes it all
# away again but an admin's configuration.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
e_init install

D=$SH_TMP/destdir
P=/usr/local
if ! out=$(make -s -C "$REPO" BUILD="$E_BUILD" install DESTDIR="$D" PREFIX="$P" 2>&1); then
	t_fail make-install "$out"
	t_end
fi
t_pass make-install

for f in bin/sriov-hook bin/sriov-runc; do
	t_check "file/$f" "$D$P/$f missing or not executable" -x "$D$P/$f"
done
for f in share/man/man8/sriov-hook.8 share/man/man8/sriov-runc.8; do
	t_check "file/$f" "$D$P/$f missing" -s "$D$P/$f"
	# groff's warnings (-ww) name any broken request or macro.
	w=$(groff -t -man -ww -z -Tutf8 "$D$P/$f" 2>&1)
	t_empty "man-renders/$(basename "$f")" "groff" "$w"
done

# hooks.d: one file per stage, the installed path, the anchored annotation pattern.
H=$D$P/share/containers/oci/hooks.d
check=$("$SH_PY" - "$H" "$P/bin/sriov-hook" <<'EOF'
import json, os, re, sys
d, hook = sys.argv[1:3]
problems, stages = [], {}
for name in sorted(os.listdir(d)):
    h = json.load(open(os.path.join(d, name)))
    if h.get("version") != "1.0.0":
        problems.append("%s: version %r" % (name, h.get("version")))
    if h["hook"]["path"] != hook:
        problems.append("%s: path %s" % (name, h["hook"]["path"]))
    if len(h["stages"]) != 1:
        problems.append("%s: stages %r" % (name, h["stages"]))
    stage = h["stages"][0]
    stages[stage] = name
    if h["hook"]["args"] != ["sriov-hook", stage]:
        problems.append("%s: args %r" % (name, h["hook"]["args"]))
    pats = h["when"]["annotations"]
    for key in ("io.sriov.vf", "io.sriov.1.pf"):
        if not any(re.search(k, key) and re.search(v, "x") for k, v in pats.items()):
            problems.append("%s: does not match %s" % (name, key))
    for key in ("xio.sriov.vf", "org.io.sriov.vf", "io.sriovx"):
        if any(re.search(k, key) for k in pats):
            problems.append("%s: matches %s (unanchored?)" % (name, key))
if sorted(stages) != ["createRuntime", "poststop"]:
    problems.append("stages %r" % sorted(stages))
print("; ".join(problems))
EOF
)
t_empty hooksd-files "hooks.d" "$check"
# The CRI-O variant: the same, fired for a pod's sandbox only.
check=$("$SH_PY" - "$D$P/share/sriov-hook/crio-hooks.d" "$P/bin/sriov-hook" <<'EOF'
import json, os, re, sys
d, hook = sys.argv[1:3]
problems, stages = [], []
for name in sorted(os.listdir(d)):
    h = json.load(open(os.path.join(d, name)))
    stages += h["stages"]
    if h["hook"]["path"] != hook or h["hook"]["args"] != ["sriov-hook"] + h["stages"]:
        problems.append("%s: hook %r" % (name, h["hook"]))
    def fires(ann):
        return all(any(re.search(k, a) and re.search(v, x) for a, x in ann.items())
                   for k, v in h["when"]["annotations"].items())
    sriov = {"io.sriov.vf": "auto"}
    if not fires(dict(sriov, **{"io.kubernetes.cri-o.ContainerType": "sandbox"})):
        problems.append("%s: does not fire for a sandbox" % name)
    for other in ({"io.kubernetes.cri-o.ContainerType": "container"}, {}):
        if fires(dict(sriov, **other)):
            problems.append("%s: fires for %r" % (name, other))
if sorted(stages) != ["createRuntime", "poststop"]:
    problems.append("stages %r" % sorted(stages))
print("; ".join(problems))
EOF
)
t_empty crio-hooksd-files "crio-hooks.d" "$check"
t_lacks hooksd-no-placeholder "$(cat "$H"/*.json "$D$P"/share/sriov-hook/crio-hooks.d/*.json)" "@BINDIR@" "hooks.d files"

C=$D/etc/sriov-hook/config.json
t_check config/installed "$C missing" -s "$C"
X=$D$P/share/doc/sriov-hook/examples/config.json.example
t_check config/example-named-so "$X missing" -s "$X"
t_check config/nothing-in-prefix-etc "$D$P/etc: $(find "$D$P/etc" 2>&1 | tr '\n' ' ')" ! -e "$D$P/etc"
# The example loads (the config parser is the hook's; the wrapper then just execs runc --version).
out=$(env -i "$D$P/bin/sriov-runc" --sriov-config "$C" --version 2>&1)
t_contains config/valid "$out" "runc version" "sriov-runc on the example config"

# A second install keeps an admin's config.
echo '{"env_fallback": true}' >"$C"
make -s -C "$REPO" BUILD="$E_BUILD" install DESTDIR="$D" PREFIX="$P" >/dev/null 2>&1
t_check config/kept-on-reinstall "config.json overwritten: $(cat "$C")" "$(cat "$C")" = '{"env_fallback": true}'

# make uninstall: into a tree where the usual directories existed already, install then uninstall
# leaves exactly that tree.
U=$SH_TMP/udest
mkdir -p "$U$P/bin" "$U$P/share/man/man8" "$U$P/share/doc" "$U$P/etc" "$U/etc"
tree() { (cd "$U" && find . | sort); }
before=$(tree)
make -s -C "$REPO" BUILD="$E_BUILD" install DESTDIR="$U" PREFIX="$P" >/dev/null 2>&1
n=$(cd "$U" && find . -type f | wc -l)
t_check uninstall/installed-first "files installed: $n" "$n" -ge 10
if ! out=$(make -s -C "$REPO" BUILD="$E_BUILD" uninstall DESTDIR="$U" PREFIX="$P" 2>&1); then
	t_fail uninstall/runs "$out"
else
	t_pass uninstall/runs
fi
t_check uninstall/leaves-tree-as-before "differs: $(diff <(echo "$before") <(tree) | grep '^[<>]' | tr '\n' ' ')" \
	"$(tree)" = "$before"
# An admin's configuration stays, and with it its directory; the rest goes all the same.
make -s -C "$REPO" BUILD="$E_BUILD" install DESTDIR="$U" PREFIX="$P" >/dev/null 2>&1
echo '{"env_fallback": true}' >"$U/etc/sriov-hook/config.json"
make -s -C "$REPO" BUILD="$E_BUILD" uninstall DESTDIR="$U" PREFIX="$P" >/dev/null 2>&1
t_check uninstall/keeps-admin-config "config: $(cat "$U/etc/sriov-hook/config.json" 2>&1)" \
	"$(cat "$U/etc/sriov-hook/config.json" 2>&1)" = '{"env_fallback": true}'
t_check uninstall/only-admin-config-left "left: $(cd "$U" && find . -type f | tr '\n' ' ')" \
	"$(cd "$U" && find . -type f)" = "./etc/sriov-hook/config.json"

t_end
