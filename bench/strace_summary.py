#!/usr/bin/env python3
"""Summarises the strace -f -T -tt traces of bench/profile.sh into Markdown: per program and stage,
the wall time under strace, the time spent inside syscalls (the rest is user space plus strace's own
overhead), and which syscalls the time goes to (netlink requests named by their message type)."""
import glob
import os
import re
import sys
from collections import defaultdict

d = sys.argv[1]
LINE = re.compile(r"^(\d+)\s+(\d\d):(\d\d):(\d\d\.\d+) (.*?)(?: <(\d+\.\d+)>)?$")
NLTYPE = re.compile(r"nlmsg_type=(RTM_[A-Z]+)")


def label(call):
    name = call.split("(", 1)[0]
    if name in ("sendmsg", "sendto"):
        m = NLTYPE.search(call)
        if m:
            extra = ""
            if m.group(1) == "RTM_NEWLINK" and "IFLA_NET_NS_FD" in call:
                extra = " (move to netns)"
            return f"{name} {m.group(1)}{extra}"
    if name in ("openat", "open", "mkdir", "unlink", "rename", "readlink", "newfstatat", "statfs", "access",
                "umount2", "mount"):
        m = re.search(r'"([^"]*)"', call)
        if m:
            p = m.group(1)
            for key in ("/claims/", "/locks/", "/netns/", "/sys/", "/proc/", "config.json", "/lib", "/etc/",
                        "/usr/"):
                if key in p:
                    return f"{name} …{key}"
            return f"{name} {os.path.basename(p)[:24]}"
    return name


def parse(path):
    t0 = t1 = None
    in_sys = 0.0
    by = defaultdict(lambda: [0, 0.0])
    calls = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            ts = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
            t0 = ts if t0 is None else t0
            dur = float(m.group(6)) if m.group(6) else 0.0
            t1 = max(t1 or ts, ts + dur)
            call = m.group(5)
            if "resumed>" in call or call.startswith("+++") or call.startswith("---"):
                continue
            lab = label(call)
            by[lab][0] += 1
            by[lab][1] += dur
            in_sys += dur
            calls.append((dur, lab, call[:160]))
    return (t1 - t0) if t0 is not None else 0.0, in_sys, by, calls


groups = defaultdict(list)
for path in glob.glob(os.path.join(d, "strace.*.txt")):
    base = os.path.basename(path)[len("strace."):-len(".txt")]
    what, _, run = base.rpartition(".")
    groups[what].append(parse(path))

order = ["hook.create", "floor.in", "hook.poststop", "floor.out", "auto1024.create", "auto1024.poststop"]
names = {"hook.create": "sriov-hook createRuntime", "hook.poststop": "sriov-hook poststop",
         "floor.in": "floor in", "floor.out": "floor out",
         "auto1024.create": "sriov-hook createRuntime, vf=auto over 1024 VFs (last free)",
         "auto1024.poststop": "sriov-hook poststop after it"}
print("# Where the time goes (strace -f -T)\n")
print("Means per run under strace (which slows syscall-heavy code: compare programs with each other, "
      "not with the bench table). *in syscalls* is the sum of strace's per-call times; the rest is user "
      "space plus tracing overhead.\n")
summary = {}
for what in order + sorted(set(groups) - set(order)):
    runs = groups.get(what)
    if not runs:
        continue
    n = len(runs)
    wall = sum(r[0] for r in runs) / n * 1000
    insys = sum(r[1] for r in runs) / n * 1000
    agg = defaultdict(lambda: [0, 0.0])
    for r in runs:
        for k, (c, t) in r[2].items():
            agg[k][0] += c
            agg[k][1] += t
    ncalls = sum(c for c, _ in agg.values()) / n
    summary[what] = (wall, insys, agg, n)
    print(f"## {names.get(what, what)}\n")
    print(f"{n} runs: wall {wall:.2f} ms, in syscalls {insys:.2f} ms, {ncalls:.0f} syscalls per run.\n")
    print("| syscall | calls/run | ms/run |")
    print("|---|---:|---:|")
    for k, (c, t) in sorted(agg.items(), key=lambda kv: -kv[1][1])[:14]:
        print(f"| `{k}` | {c / n:.1f} | {t / n * 1000:.3f} |")
    slow = sorted((c for r in runs for c in r[3]), key=lambda c: -c[0])[:5]
    print("\nSlowest single calls:\n")
    for dur, lab, call in slow:
        print(f"- {dur * 1000:.2f} ms `{lab}`: `{call[:110]}`")
    print()

for a, b in (("hook.create", "floor.in"), ("hook.poststop", "floor.out")):
    if a in summary and b in summary:
        wa, sa, ga, na = summary[a]
        wb, sb, gb, nb = summary[b]
        print(f"## {names[a]} minus {names[b]}\n")
        print(f"wall +{wa - wb:.2f} ms, in syscalls +{sa - sb:.2f} ms. Largest differences (ms/run):\n")
        print("| syscall | hook calls/run | floor calls/run | Δ ms/run |")
        print("|---|---:|---:|---:|")
        keys = set(ga) | set(gb)
        diffs = sorted(((ga.get(k, [0, 0])[1] / na - gb.get(k, [0, 0])[1] / nb) * 1000, k) for k in keys)
        for dms, k in sorted(diffs, key=lambda x: -abs(x[0]))[:12]:
            print(f"| `{k}` | {ga.get(k, [0, 0])[0] / na:.1f} | {gb.get(k, [0, 0])[0] / nb:.1f} | {dms:+.3f} |")
        print()
