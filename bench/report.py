#!/usr/bin/env python3
"""Turns the raw samples of bench/run.sh into bench/results/bench.md and bench/results/bench.csv.

Input (a directory): s/<key> lines "REP MICROSECONDS" (several per REP for parallel runs),
f/<key> one line per failed run, meta (TAB-separated key, value). Medians are the middle value
(mean of the two middle ones); p95 is the nearest-rank 95th percentile. Targets are reported as
met or missed, never asserted.
"""
import csv
import math
import os
import sys
from collections import defaultdict

raw, out = sys.argv[1], sys.argv[2]


def load(key):
    by_rep = defaultdict(list)
    path = os.path.join(raw, "s", key)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    by_rep[int(parts[0])].append(int(parts[1]) / 1000.0)
    return by_rep


def fails(key):
    path = os.path.join(raw, "f", key)
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return sum(1 for line in f if line.strip())


meta = {}
with open(os.path.join(raw, "meta")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("\t")
        meta[k] = v


def median(v):
    v = sorted(v)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def p95(v):
    v = sorted(v)
    return v[max(0, math.ceil(0.95 * len(v)) - 1)] if v else None


class Stat:
    def __init__(self, values, failures=0):
        self.v = list(values)
        self.failures = failures

    n = property(lambda s: len(s.v))
    med = property(lambda s: median(s.v))
    p95 = property(lambda s: p95(s.v))
    min = property(lambda s: min(s.v) if s.v else None)
    max = property(lambda s: max(s.v) if s.v else None)


def flat(key):
    return Stat([x for vs in load(key).values() for x in vs], fails(key))


def paired(op, *keys):
    """Per repetition, op over the keys' values (only repetitions where every key has one)."""
    series = [load(k) for k in keys]
    reps = set.intersection(*(set(s) for s in series)) if series else set()
    return Stat([op(*(s[r][0] for s in series)) for r in sorted(reps)], max(fails(k) for k in keys))


total = lambda *keys: paired(lambda *x: sum(x), *keys)

rows = []  # (section, metric, unit, Stat|None, value|None)
md = []


def ms(x):
    return "–" if x is None else f"{x:.2f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}"


def stat_table(section, title, items):
    md.append(f"\n### {title}\n")
    md.append("| | n | median ms | p95 ms | min ms | max ms | failed |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, st in items:
        md.append(f"| {name} | {st.n} | {ms(st.med)} | {ms(st.p95)} | {ms(st.min)} | {ms(st.max)} | {st.failures} |")
        rows.append((section, name, "ms", st, None))


def ratio_table(section, title, items):
    md.append(f"\n### {title}\n")
    md.append("| ratio | of medians | of p95s |")
    md.append("|---|---:|---:|")
    for name, a, b in items:
        rm, rp = ratio(a.med, b.med), ratio(a.p95, b.p95)
        md.append(f"| {name} | {fmt_ratio(rm)} | {fmt_ratio(rp)} |")
        rows.append((section, name, "ratio", None, (rm, rp)))


# --- side by side
fl_in, fl_out, fl_t = flat("floor.add"), flat("floor.del"), total("floor.add", "floor.del")
hk_in, hk_out, hk_t = flat("hook.add"), flat("hook.del"), total("hook.add", "hook.del")
cn_in, cn_out, cn_t = flat("cni.add"), flat("cni.del"), total("cni.add", "cni.del")
ip_in, ip_out, ip_t = flat("ip.add"), flat("ip.del"), total("ip.add", "ip.del")
ex_in, ex_out, ex_t = flat("hookext4.add"), flat("hookext4.del"), total("hookext4.add", "hookext4.del")
rc_none, rc_hook = flat("runc.none"), flat("runc.hook")
rc_delta = paired(lambda h, n: h - n, "runc.hook", "runc.none")

reps = meta.get("run.reps", "?")
md.append("# sriov-hook bench\n")
md.append(f"Run {meta.get('run.date', '?')}: every row below measured in the same run, interleaved "
          f"(each repetition runs every method once, in a shuffled order, after an idle gap of "
          f"{meta.get('run.gap', '?')} s before each timed run), {reps} repetitions, "
          "veth stand-ins behind a fake sysfs tree. Times are wall clock from fork() to reaping, "
          "taken by `build/bench/runx` (so shell overhead is not in them).\n")
md.append("Machine: " + ", ".join(f"{k.split('.', 1)[1]} {meta[k]}" for k in
                                   ("machine.nproc", "machine.cpu", "machine.mem", "machine.kernel", "machine.os",
                                    "machine.runc", "machine.cni", "machine.libnl", "machine.load",
                                    "machine.run_fs") if k in meta) + ".")
md.append(f"Hook: `{meta.get('hook.version', '?')}`.")
if meta.get("run.note"):
    md.append(f"\nNote: {meta['run.note']}")

md.append("\n## 1. Side by side: one VF into a container netns (rename, address, up) and back\n")
md.append("- **floor**: `bench/floor.c`, only the kernel work via libnl-route-3 (one RTM_NEWLINK for "
          "move+rename, RTM_NEWADDR, RTM_NEWLINK up; back: one RTM_NEWLINK), one process per stage.\n"
          "- **sriov-hook**: `build/sriov-hook --config CFG createRuntime|poststop`, state JSON on stdin, "
          "empty environment, as runc runs it; state_dir on a tmpfs (as /run on stock Debian).\n"
          "- **CNI host-device**: `/usr/lib/cni/host-device` ADD/DEL, static IPAM, CNI_* env, netconf on stdin.\n"
          "- **ip**: `ip link set dev VF netns NS`, `ip -n NS link set … name eth0`, `ip -n NS addr add`, "
          "`ip -n NS link set eth0 up` (back: down, rename, `netns 1`), run by /bin/sh.\n"
          "- **runc run**: busybox `true` with and without the hook's createRuntime+poststop.")
stat_table("side-by-side", "Per stage", [
    ("floor in", fl_in), ("floor out", fl_out), ("floor in+out", fl_t),
    ("sriov-hook createRuntime", hk_in), ("sriov-hook poststop", hk_out), ("sriov-hook both", hk_t),
    ("host-device ADD", cn_in), ("host-device DEL", cn_out), ("host-device ADD+DEL", cn_t),
    ("ip commands in", ip_in), ("ip commands out", ip_out), ("ip commands in+out", ip_t),
    ("sriov-hook createRuntime, state_dir on ext4", ex_in), ("sriov-hook poststop, state_dir on ext4", ex_out),
    ("runc run, no hook", rc_none), ("runc run, with sriov-hook", rc_hook),
    ("runc run: with − without (per repetition)", rc_delta),
])
ratio_table("side-by-side", "Ratios", [
    ("hook/floor createRuntime", hk_in, fl_in), ("hook/floor poststop", hk_out, fl_out),
    ("hook/floor both stages", hk_t, fl_t),
    ("host-device/hook ADD vs createRuntime", cn_in, hk_in), ("host-device/hook DEL vs poststop", cn_out, hk_out),
    ("host-device/hook ADD+DEL", cn_t, hk_t), ("host-device/floor ADD+DEL (the most any hook could gain)", cn_t, fl_t),
    ("ip/hook in+out", ip_t, hk_t),
    ("hook (ext4 state)/hook (tmpfs state) both", ex_t, hk_t),
    ("runc run with/without hook", rc_hook, rc_none),
])

# --- auto
sizes = [8, 128, 1024]
auto = {n: flat(f"auto{n}.add") for n in sizes}
autod = {n: flat(f"auto{n}.del") for n in sizes}
autoc = {n: flat(f"autoc{n}.add") for n in sizes}
autocd = {n: flat(f"autoc{n}.del") for n in sizes}
topo = {n: flat(f"topo{n}.add") for n in sizes}
walk = {n: flat(f"walk{n}.add") for n in sizes}
md.append("\n## 2. `vf=auto` over 8, 128 and 1024 VFs\n")
md.append("Fake PF trees (same layout as tests/lib/standin.sh) where only the last VF is free, a real veth: "
          "`auto` must walk the whole PF. **in use**: the other VFs' netdevs are elsewhere (`net/` empty, as "
          "while a VF sits in a container). **claimed**: the other VFs are held through sriov-hook by a live "
          "container (one claim record each, copied from a real one; a state_dir per size). **walk only**: "
          "in use, the last VF too: the hook looks at every VF and fails (no kernel work in the number). "
          "poststop is timed as well: it finds the container's VFs among the claims.")
if meta.get("walk.message"):
    md.append(f"\nThe walk-only failure reads: `{meta['walk.message']}`")
stat_table("auto", "vf=auto", [(f"createRuntime, {n} VFs in use", auto[n]) for n in sizes] +
           [(f"createRuntime, {n} VFs claimed", autoc[n]) for n in sizes] +
           [(f"createRuntime, {n} VFs in use, with topology (cpuset, 4 nodes)", topo[n]) for n in sizes] +
           [(f"walk only (no free VF), {n} VFs", walk[n]) for n in sizes] +
           [(f"poststop, {n} VFs in use", autod[n]) for n in sizes] +
           [(f"poststop, {n - 1} other claims", autocd[n]) for n in sizes])
ratio_table("auto", "Scaling", [("createRuntime, in use, 1024/8", auto[1024], auto[8]),
                                ("createRuntime, claimed, 1024/8", autoc[1024], autoc[8]),
                                ("createRuntime, with topology, 1024/8", topo[1024], topo[8]),
                                ("walk only 1024/8", walk[1024], walk[8]),
                                ("poststop, 1023 vs 7 other claims", autocd[1024], autocd[8])])

# --- parallel
md.append("\n## 3. N at once (distinct VFs of one PF, one container each)\n")
md.append(f"{meta.get('run.par_reps', '?')} batches per N and program, batches shuffled. Latency is per process; "
          "throughput is N divided by the batch's wall time (median batch). The floor rows run `floor in`/`floor out` "
          "on the same VFs and containers: what the kernel allows.")
md.append("\n| N | program | runs | failed | latency median ms | latency p95 ms | batch wall median ms | "
          "batch wall p95 ms | per second | back: batch wall median ms |")
md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in [1, 4, 16, 32]:
    for prog, key in (("sriov-hook createRuntime", f"par{n}"), ("floor in", f"pfloor{n}")):
        lat, wall, pw = flat(f"{key}.lat"), flat(f"{key}.wall"), flat(f"{key}.post.wall")
        thr = n / (wall.med / 1000.0) if wall.med else None
        md.append(f"| {n} | {prog} | {lat.n} | {lat.failures} | {ms(lat.med)} | {ms(lat.p95)} | {ms(wall.med)} | "
                  f"{ms(wall.p95)} | {'–' if thr is None else f'{thr:.1f}'} | {ms(pw.med)} |")
        rows.append(("parallel", f"N={n} {prog} latency", "ms", lat, None))
        rows.append(("parallel", f"N={n} {prog} batch wall", "ms", wall, None))
        rows.append(("parallel", f"N={n} {prog} throughput", "per second", None, (thr, None)))
        rows.append(("parallel", f"N={n} {prog}: way back, batch wall", "ms", pw, None))
md.append("\n| N | hook/floor batch wall (medians) | hook/floor latency p95 |")
md.append("|---:|---:|---:|")
for n in [1, 4, 16, 32]:
    hw, fw, hl, fl = flat(f"par{n}.wall"), flat(f"pfloor{n}.wall"), flat(f"par{n}.lat"), flat(f"pfloor{n}.lat")
    md.append(f"| {n} | {fmt_ratio(ratio(hw.med, fw.med))} | {fmt_ratio(ratio(hl.p95, fl.p95))} |")
    rows.append(("parallel", f"N={n} hook/floor batch wall", "ratio", None, (ratio(hw.med, fw.med), ratio(hw.p95, fw.p95))))

# --- reclaim
claim, rdel = flat("recl.claimable"), flat("recl.del")
claimc, rdelc = flat("reclc.claimable"), flat("reclc.del")
md.append("\n## 4. VF claimable again after poststop starts\n")
md.append("Polled every 100 µs by runx from the moment it forks poststop: the claim record "
          "`<state_dir>/claims/<vfpci>.json` is gone and the VF netdev is back in the host namespace "
          "under its own name. Alone in its state_dir, and among the 1023 claims of live containers of "
          "section 2 (the 1024-VF tree).")
stat_table("reclaim", "Reclaim", [("poststop start → VF claimable", claim), ("poststop (whole process)", rdel),
                                  ("poststop start → VF claimable, 1023 other claims", claimc),
                                  ("poststop (whole process), 1023 other claims", rdelc)])

# --- RSS, size
def kib(k):
    v = meta.get(k)
    return int(v) if v not in (None, "") else None


md.append("\n## 5. Peak RSS (`/usr/bin/time -v`, worst of 5) and size\n")
md.append("| | value |")
md.append("|---|---:|")
for k, name in [("rss.hook.create", "sriov-hook createRuntime"), ("rss.hook.poststop", "sriov-hook poststop"),
                ("rss.auto1024.create", "sriov-hook createRuntime, vf=auto over 1024 VFs"),
                ("rss.auto1024.poststop", "sriov-hook poststop after it"),
                ("rss.floor.in", "floor in (reference)"), ("rss.cni.add", "host-device ADD (reference)")]:
    v = kib(k)
    md.append(f"| peak RSS, {name} | {'–' if v is None else f'{v} KiB ({v / 1024:.2f} MiB)'} |")
    rows.append(("rss", name, "KiB", None, (v, None)))
for k, name in [("size.hook", "build/sriov-hook (with debug info)"), ("size.hook.stripped", "build/sriov-hook stripped"),
                ("size.hook.text", "build/sriov-hook text segment"), ("size.floor", "floor"),
                ("size.cni", "host-device (reference)")]:
    v = kib(k)
    md.append(f"| size, {name} | {'–' if v is None else f'{v} bytes ({v / 1024:.0f} KiB)'} |")
    rows.append(("size", name, "bytes", None, (v, None)))
md.append(f"| dynamic libraries of the hook | {meta.get('size.hook.libs', '?')} |")

# --- release modes, in the VM
md.append("\n## 6. release: restore vs rebind on igbvf (VM, TCG)\n")
if meta.get("vm.release.why"):
    md.append(f"Not measured: {meta['vm.release.why']}.")
else:
    md.append(f"In the VM suite's guest ({meta.get('vm.release.guest', '?')}): poststop of the same claim "
              "(ifname, MTU 1400, an address) with `\"release\": \"restore\"` and with `\"rebind\"`, "
              "alternating which goes first (`release-timing` in tests/vm/guest/tests.d/residue.sh). Under "
              "TCG every guest instruction is emulated: the absolute times are the emulator's, not a real "
              "host's; the ratio is the comparison.")
    rel = {m: flat(f"vm.release.{m}") for m in ("restore", "rebind", "probe")}
    stat_table("vm-release", "poststop by release mode",
               [("poststop, release restore", rel["restore"]), ("poststop, release rebind", rel["rebind"]),
                ("of which unbind + igbvf probe + netdev back (hook's log, whole ms)", rel["probe"])])
    ratio_table("vm-release", "Cost of rebind", [("rebind/restore", rel["rebind"], rel["restore"])])

# --- targets
md.append("\n## Targets\n")
md.append("| target | measured | met |")
md.append("|---|---|---|")


def target(name, measured, ok):
    md.append(f"| {name} | {measured} | {'–' if ok is None else ('yes' if ok else '**no**')} |")
    rows.append(("target", name, "met", None, ("" if ok is None else ("yes" if ok else "no"), measured)))


for name, a, b in [("hook/floor ≤ 1.05, createRuntime", hk_in, fl_in), ("hook/floor ≤ 1.05, poststop", hk_out, fl_out)]:
    r = ratio(a.med, b.med)
    target(name, f"{fmt_ratio(r)} (medians {ms(a.med)} / {ms(b.med)} ms; p95 ratio {fmt_ratio(ratio(a.p95, b.p95))})",
           None if r is None else r <= 1.05)
# Never behind host-device, per stage: the hook does what host-device does and more (claims, records).
for name, a, b in [("createRuntime vs ADD", hk_in, cn_in), ("poststop vs DEL", hk_out, cn_out)]:
    r = ratio(a.med, b.med)
    target(f"hook never behind host-device, {name}",
           f"hook/host-device {fmt_ratio(r)} (medians {ms(a.med)} / {ms(b.med)} ms)", None if r is None else r <= 1.0)
for label, d in (("VFs in use", auto), ("VFs claimed", autoc), ("walk only", walk),
                 ("with topology, 4 nodes", topo)):
    r = ratio(d[1024].med, d[8].med)
    target(f"auto at 1024 VFs ≤ 1.5× at 8 ({label})",
           f"{fmt_ratio(r)} (medians {ms(d[1024].med)} / {ms(d[8].med)} ms)", None if r is None else r <= 1.5)
target("VF claimable again ≤ 50 ms after poststop starts (judged on p95)",
       f"median {ms(claim.med)} ms, p95 {ms(claim.p95)} ms", None if claim.p95 is None else claim.p95 <= 50)
target("… the same among 1023 other claims",
       f"median {ms(claimc.med)} ms, p95 {ms(claimc.p95)} ms", None if claimc.p95 is None else claimc.p95 <= 50)
worst = max([v for v in (kib("rss.hook.create"), kib("rss.hook.poststop"), kib("rss.auto1024.create"),
                         kib("rss.auto1024.poststop")) if v is not None] or [0]) or None
target("peak RSS ≤ 4 MiB", "–" if worst is None else f"{worst} KiB ({worst / 1024:.2f} MiB)",
       None if worst is None else worst <= 4096)

md.append("\n## Checks after the run\n")
md.append(f"- failed runs logged: {meta.get('check.errors', '?')}")
md.append(f"- stand-in VFs not as created: {meta.get('check.vf_problems') or 'none'}")
md.append(f"- left under the hook's state_dir: {meta.get('check.state_residue') or 'nothing'}")

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "bench.md"), "w") as f:
    f.write("\n".join(md) + "\n")
with open(os.path.join(out, "bench.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["section", "metric", "unit", "n", "failures", "median", "p95", "min", "max"])
    for section, name, unit, st, val in rows:
        if st is not None:
            r = lambda x: "" if x is None else f"{x:.3f}"
            w.writerow([section, name, unit, st.n, st.failures, r(st.med), r(st.p95), r(st.min), r(st.max)])
        else:
            a, b = val
            fmt = lambda x: "" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))
            w.writerow([section, name, unit, "", "", fmt(a), fmt(b), "", ""])
