#!/usr/bin/env python3
"""Off-CPU time of the hook, from `perf record -a -e sched:sched_switch -g` + `perf script`: every
time a hook process leaves the CPU, the kernel stack says why, and the next switch back to it says
for how long. Prints Markdown: per stage, mean off-CPU ms per run by blocking site.

usage: offcpu.py PERF-SCRIPT-OUTPUT PIDS-FILE   (PIDS-FILE lines: "<pid> <stage>")
"""
import re
import sys
from collections import defaultdict

script, pidfile = sys.argv[1], sys.argv[2]
stage_of = {}
with open(pidfile) as f:
    for line in f:
        p = line.split()
        if len(p) == 2:
            stage_of[int(p[0])] = p[1]

HDR = re.compile(r"^\s*(.+?)\s+(\d+)\s+([\d.]+):\s+sched:sched_switch:\s+(.*)$")
SYSCALL = re.compile(r"^_*(x64_sys|do_sys|sys|ksys)_(\w+)$")
FIELD = re.compile(r"(\w+)=(\S+)")
SKIP = re.compile(r"^(__schedule|schedule|schedule_\w+|io_schedule\w*|preempt_schedule\w*|\w*wait_for_common\w*|"
                  r"wait_for_completion\w*|exit_to_user_mode\w*|irqentry_exit\w*|asm_\w+|do_syscall_64|"
                  r"entry_SYSCALL\w*|\[unknown\]|rwsem_down\w*|__mutex_lock\w*|mutex_lock\w*|down_\w+|"
                  r"__rt_mutex\w*|__wait_rcu_gp|__synchronize_srcu|sysvec_\w+)$")


def key_of(state, frames):
    if state.startswith("R"):
        return "preempted (runnable)"
    syms = [s for s in frames if not SKIP.match(s)]
    sysc = next((m.group(2) for m in map(SYSCALL.match, frames) if m), "?")
    if "__dev_change_net_namespace" in frames:
        why = "netns move"
    elif "rtnl_lock" in frames or "__rtnl_lock" in frames:
        why = "rtnl_lock"
    else:
        why = syms[1] if len(syms) > 1 else ""
    return f"`{syms[0] if syms else '?'}` ← {why} ({sysc})"


events = []  # (time, prev_pid, prev_state, next_pid, frames)
cur = None
with open(script, errors="replace") as f:
    for line in f:
        m = HDR.match(line)
        if m:
            kv = dict(FIELD.findall(m.group(4)))
            cur = [float(m.group(3)), int(kv.get("prev_pid", -1)), kv.get("prev_state", "?"),
                   int(kv.get("next_pid", -1)), []]
            events.append(cur)
        elif cur is not None and line.strip():
            parts = line.split()
            if len(parts) >= 2:
                cur[4].append(parts[1].split("+")[0])
events.sort(key=lambda e: e[0])

open_ = {}
agg = defaultdict(lambda: defaultdict(float))
runs = defaultdict(set)
for t, prev, state, nxt, frames in events:
    if nxt in open_:
        t0, k = open_.pop(nxt)
        agg[stage_of[nxt]][k] += t - t0
    if prev in stage_of:
        open_[prev] = (t, key_of(state, frames))
        runs[stage_of[prev]].add(prev)

n_runs = defaultdict(int)
for pid, st in stage_of.items():
    n_runs[st] += 1
for st in sorted(agg):
    n = max(1, n_runs[st])
    total = sum(agg[st].values()) / n * 1000
    print(f"### {st}: off CPU {total:.2f} ms per run (mean of {n})\n")
    print("| where the hook slept (kernel) | ms/run |")
    print("|---|---:|")
    for k, v in sorted(agg[st].items(), key=lambda kv: -kv[1])[:10]:
        if v / n * 1000 >= 0.01:
            print(f"| {k} | {v / n * 1000:.2f} |")
    print()
