#!/usr/bin/env python3
"""The inventory of refusals that carry a fix, read from the source (tests/integration/refusals.sh).

A message is a string literal given to sh_err(), sh_err_errno() or snprintf() in src/ or hook/
(snprintf builds the "why" that some refusals quote). It carries a fix when, after a clause break
(": ", "; ", "(", " or ", " then "), an instruction follows: a command in backquotes or one of
FIX_WORDS. Its identity is its file and the first words of its text, e.g.
`hook/pick:pf-s-has-no-vfs-enabled`, with `#2` ... for repeats in one file.

  refusals.py list REPO              the refusals that carry a fix: ID, file:line, text
  refusals.py check REPO ROWS        ROWS has lines "rendered ID" and "excluded ID reason...":
                                     fails (exit 1) when a refusal of the inventory has no row, or a
                                     row names an ID that no message in the source has; prints the
                                     summary (rows rendered, rows excluded by reason)
"""
import collections
import glob
import os
import re
import sys

CALL = re.compile(r"\b(sh_err|sh_err_errno|snprintf)\s*\(")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
FIX_WORDS = ("`", "run ", "give ", "set ", "add ", "use ", "remove ", "enable ", "create it", "modprobe ",
             "unbind ", "bind ", "attach ", "see ", "start ", "stop ", "install ", "load ", "reboot",
             "mount ", "name the ", "delete ")
FIX = re.compile(r"(?:: |; |\(| or | then )(" + "|".join(re.escape(w) for w in FIX_WORDS) + ")")


def call_args(s, i):
    """The text of a call's arguments, s[i] being just after its "(" (strings and chars skipped)."""
    depth, j = 1, i
    while depth:
        c = s[j]
        if c in "\"'":
            j += 1
            while s[j] != c:
                j += 2 if s[j] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        j += 1
    return s[i:j - 1]


def messages(repo):
    """Every message: (id, file:line, text, carries_fix)."""
    out = []
    files = sorted(glob.glob(os.path.join(repo, "src/**/*.c"), recursive=True) +
                   glob.glob(os.path.join(repo, "hook/*.c")))
    for f in files:
        rel = os.path.relpath(f, repo)
        base = re.sub(r"^src/", "", rel)[:-2]
        s = open(f).read()
        seen = collections.Counter()
        for m in CALL.finditer(s):
            args = call_args(s, m.end())
            first = re.search(r'"(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*', args)
            if not first:
                continue
            text = "".join(LITERAL.findall(first.group(0)))
            words = re.findall(r"[a-z0-9]+", re.sub(r"%[-+ #0-9.*]*[a-z]+", " ", text.lower()))
            if not words:
                continue
            slug = base + ":" + "-".join(words[:6])
            seen[slug] += 1
            ident = slug if seen[slug] == 1 else "%s#%d" % (slug, seen[slug])
            line = s.count("\n", 0, m.start()) + 1
            out.append((ident, "%s:%d" % (rel, line), text, bool(FIX.search(text))))
    return out


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "check"):
        sys.exit(__doc__)
    msgs = messages(sys.argv[2])
    fixes = [m for m in msgs if m[3]]
    if sys.argv[1] == "list":
        for ident, where, text, _ in fixes:
            print("%s\t%s\t%s" % (ident, where, text))
        return 0
    rows = {}
    reasons = collections.Counter()
    for line in open(sys.argv[3]):
        kind, ident, *why = line.split()
        rows.setdefault(ident, set()).add(kind)
        if kind == "excluded":
            reasons[" ".join(why).split(":")[0]] += 1  # counted by category
    known = {m[0] for m in msgs}
    bad = 0
    for ident, where, text, _ in fixes:
        if ident not in rows:
            print("MISSING %s (%s): no row renders or excludes \"%s\"" % (ident, where, text))
            bad += 1
    for ident in sorted(rows):
        if ident not in known:
            print("UNKNOWN %s: a row names it, no message in src/ or hook/ has it" % ident)
            bad += 1
        if len(rows[ident]) > 1:
            print("TWICE %s: both rendered and excluded" % ident)
            bad += 1
    rendered = sum(1 for k in rows.values() if "rendered" in k)
    print("refusals with a fix in the source: %d; rows rendered: %d (%d outside that set); excluded: %d%s" %
          (len(fixes), rendered, len([i for i, k in rows.items() if "rendered" in k and
                                       i not in {m[0] for m in fixes}]), sum(reasons.values()),
           "".join("; %d %s" % (n, r) for r, n in sorted(reasons.items()))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
