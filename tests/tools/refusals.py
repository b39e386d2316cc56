#!/usr/bin/env python3
"""The inventory of refusals that carry a fix, read from the source (tests/integration/refusals.sh).

A message is a string literal given to sh_err(), sh_err_errno() or snprintf() in src/ or hook/
(snprintf builds the "why" that some refusals quote). It carries a fix when, after a clause break
(": ", "; ", "(", " or ", " then "), an instruction follows: a command in backquotes or one of
FIX_WORDS. Its identity is its file and the first words of its text, e.g.
`hook/pick:pf-s-has-no-vfs-enabled`, with `#2` ... for repeats in one file.

  refusals.py list REPO              the refusals that carry a fix: ID, file:line, text
  refusals.py inputs REPO            every refusal site of the files that read user input (INPUT_FILES):
                                     ID, file:line, "fix", "NO FIX" or the rule that exempts it, text
  refusals.py check REPO ROWS        ROWS has lines "rendered ID", "excluded ID reason..."
                                     and "internal ID reason...": fails (exit 1) when a refusal of
                                     the inventory or an input site has no row, a rendered input
                                     refusal has no fix (FIX or ACCEPT), or a row names an ID that
                                     no message in the source has; prints the counts by class
"""
import collections
import glob
import os
import re
import sys

CALL = re.compile(r"\b(sh_err|sh_err_errno|snprintf)\s*\(")
# In the files that read user input, the refusals are also the accepted-value texts given to
# request.c's bad() and the usage lines sriovctl's main() prints itself.
INPUT_CALL = re.compile(r"\b(sh_err|sh_err_errno|bad|fprintf)\s*\(")
INPUT_FILES = ("src/input/*.c", "src/hook/cmdline.c", "hook/*.c", "src/runc/specedit.c", "src/runc/wrapper.c",
               "src/runc/vfioprep.c")
# What an input refusal ends with instead of a command: the accepted values, range or form
# ("must be", "is not a ...", "(known: ...)", "expected ..."), or how many are allowed.
ACCEPT = re.compile(r"(?:\bmust be |\bis not (?:a |an |one of |%s)|\((?:known|expected|pools:|accepted)|"
                    r": (?:known|expected) |\bat most |\bgive it once|\bone of )")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
FIX_WORDS = ("`", "run ", "give ", "set ", "add ", "use ", "remove ", "enable ", "create it", "modprobe ",
             "unbind ", "bind ", "attach ", "see ", "start ", "stop ", "install ", "load ", "reboot",
             "mount ", "name the ", "delete ")
FIX = re.compile(r"(?:: |; |\(| or | then )(" + "|".join(re.escape(w) for w in FIX_WORDS) + ")")


def words_of(text):
    """The words of a message, its printf conversions left out."""
    return re.findall(r"[a-z0-9]+", re.sub(r"%[-+ #0-9.*]*[a-z]+", " ", text.lower()))


def identity(base, words, seen):
    """A refusal's identity: its file and first six words, "#N" for the Nth of the same in the
    file (seen counts them); None for a message without words."""
    if not words:
        return None
    slug = base + ":" + "-".join(words[:6])
    seen[slug] += 1
    return slug if seen[slug] == 1 else "%s#%d" % (slug, seen[slug])


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
            ident = identity(base, words_of(text), seen)
            if ident:
                out.append((ident, "%s:%d" % (rel, s.count("\n", 0, m.start()) + 1), text, bool(FIX.search(text))))
    return out


def input_sites(repo):
    """Every refusal site of the files that read user input: (id, file:line, text, rule) where rule
    is the reason it needs no row ("ENOMEM") or None. Identities as messages() gives them; a call
    of bad() is named "bad-" and its accepted text's first words ("bad-netdev-or-vfio")."""
    out = []
    files = sorted({f for g in INPUT_FILES for f in glob.glob(os.path.join(repo, g))})
    for f in files:
        rel = os.path.relpath(f, repo)
        base = re.sub(r"^src/", "", rel)[:-2]
        s = open(f).read()
        seen = collections.Counter()
        for m in INPUT_CALL.finditer(s):
            kind = m.group(1)
            if s[max(0, m.start() - 11):m.start()].endswith("static int "):
                continue  # bad()'s own definition
            args = call_args(s, m.end())
            if kind == "fprintf" and not args.lstrip().startswith("stderr"):
                continue
            first = re.search(r'"(?:[^"\\]|\\.)*"(?:\s*(?:STR\(\w+\)\s*)?"(?:[^"\\]|\\.)*")*', args)
            if first:
                text = "".join(LITERAL.findall(first.group(0)))
            elif kind == "bad":
                text = "%s"  # the accepted text is built: a table's, a buffer
            else:
                continue
            if kind == "bad":
                named = text if first else re.findall(r"\w+", args.split(",")[-1])[0]
                words = ["bad"] + words_of(named)
                text = '%s: "%s" is not ' + text
            else:
                words = words_of(text)
            ident = identity(base, words, seen)
            if not ident:
                continue
            rule = "ENOMEM" if re.match(r"\s*err\s*,\s*ENOMEM\b", args) else None
            out.append((ident, "%s:%d" % (rel, s.count("\n", 0, m.start()) + 1), text, rule))
    return out


def has_input_fix(text):
    """bad() says '"VALUE" is not ACCEPTED': its accepted text is the fix by construction."""
    return bool(FIX.search(text) or ACCEPT.search(text) or text.startswith('%s: "%s" is not '))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("list", "inputs", "check"):
        sys.exit(__doc__)
    msgs = messages(sys.argv[2])
    fixes = [m for m in msgs if m[3]]
    inputs = input_sites(sys.argv[2])
    if sys.argv[1] == "list":
        for ident, where, text, _ in fixes:
            print("%s\t%s\t%s" % (ident, where, text))
        return 0
    if sys.argv[1] == "inputs":
        for ident, where, text, rule in inputs:
            print("%s\t%s\t%s\t%s" % (ident, where, rule or ("fix" if has_input_fix(text) else "NO FIX"), text))
        return 0
    rows = {}
    reasons = collections.Counter()
    for line in open(sys.argv[3]):
        kind, ident, *why = line.split()
        rows.setdefault(ident, set()).add("rendered" if kind == "rendered" else "not rendered")
        if kind in ("excluded", "internal"):
            reasons[" ".join(why).split(":")[0]] += 1  # counted by category
    known = {m[0] for m in msgs} | {m[0] for m in inputs}
    bad = 0
    for ident, where, text, _ in fixes:
        if ident not in rows:
            print("MISSING %s (%s): no row renders or excludes \"%s\"" % (ident, where, text))
            bad += 1
    by_rule = collections.Counter()
    n_input = 0
    for ident, where, text, rule in inputs:
        if rule:
            by_rule[rule] += 1
        elif ident not in rows:
            print("MISSING %s (%s): an input refusal that no row renders or calls internal: \"%s\"" %
                  (ident, where, text))
            bad += 1
        elif "rendered" in rows[ident]:
            n_input += 1
            if not has_input_fix(text):
                print("NO FIX %s (%s): an input refusal must end with what to give instead: \"%s\"" %
                      (ident, where, text))
                bad += 1
    for ident in sorted(rows):
        if ident not in known:
            print("UNKNOWN %s: a row names it, no message in src/ or hook/ has it" % ident)
            bad += 1
        if len(rows[ident]) > 1:
            print("TWICE %s: both rendered and excluded" % ident)
            bad += 1
    rendered = sum(1 for k in rows.values() if "rendered" in k)
    print("input sites: %d: %d input refusals rendered, %d internal by rule (%s), %d internal by row" %
          (len(inputs), n_input, sum(by_rule.values()), ", ".join("%d %s" % (n, r) for r, n in by_rule.items()),
           len([m for m in inputs if not m[3] and m[0] in rows and "rendered" not in rows[m[0]]])))
    print("refusals with a fix in the source: %d; rows rendered: %d (%d outside that set); not rendered: %d%s" %
          (len(fixes), rendered, len([i for i, k in rows.items() if "rendered" in k and
                                       i not in {m[0] for m in fixes}]), sum(reasons.values()),
           "".join("; %d %s" % (n, r) for r, n in sorted(reasons.items()))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
