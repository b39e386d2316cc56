#!/usr/bin/env python3
"""Torture: WORKERS threads run container lifecycles against the real hook over the stand-in VFs,
with random SIGKILLs of the hook, and check that no VF is ever held by two live containers.

One lifecycle: a container (a live process in a new netns) asks for a VF by index or `auto`;
createRuntime runs, killed at a random system call in a share of the runs (tests/tools/killstep);
the runtime is runc-like (poststop runs whatever createRuntime did) or podman-like (poststop only
after a successful createRuntime; a failed one leaves the next claim of the VF to clean up); when
createRuntime succeeded the container holds the VF a moment, then its process exits, then poststop
runs, itself killed in a share of the runs and never retried (runc does not). Every hook run is one
operation.

Checked while running:
  double holds: createRuntime succeeded for a container while another live container held the VF,
                or a live holder lost its VF, or createRuntime exited 0 without moving a VF in;
  records:      two claim records (*.json under state_dir but baseline/, field vf_pci) naming one VF.
The end state (every VF home, state_dir holding only lock files) is checked by torture.sh after the
final recovery pass, which is also here (`final`): what a later container does, the next claim of
each VF by index, then its poststop.

Usage: torture.py run|final CONFIG.json   (written by torture.sh; prints a JSON summary on stdout)
"""
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

BUSY = re.compile(r"already held|no free VF|another sriov-hook is acting|in use", re.I)


class Torture:
    def __init__(self, cfg):
        self.c = cfg
        self.rng = random.Random(cfg["seed"])
        self.lock = threading.Lock()
        self.holds = {}  # vf index -> container id
        self.n = {k: 0 for k in ("ops", "kills", "creates", "created", "refused", "errors",
                                 "poststops", "double_holds", "records_twice")}
        self.errors = {}  # message (ids stripped) -> count
        self.problems = []
        self.seq = 0
        self.stop = threading.Event()
        self.macs = {v["mac"].lower(): v["index"] for v in cfg["vfs"]}

    # --- helpers ---------------------------------------------------------------------------------
    def count(self, key, n=1):
        with self.lock:
            self.n[key] += n

    def problem(self, what):
        with self.lock:
            self.problems.append(what)

    def take_op(self):
        """Whether to start another lifecycle: the budget counts hook runs (a started lifecycle
        finishes, so the total may pass it by a few)."""
        with self.lock:
            return self.n["ops"] < self.c["ops"]

    def new_id(self, wid):
        with self.lock:
            self.seq += 1
            return "t%02d-%06d" % (wid, self.seq)

    def netns_proc(self):
        p = subprocess.Popen(["unshare", "--net", "sleep", "600"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        own = os.readlink("/proc/self/ns/net")
        # Generous: 16 workers on 2 CPUs, beside whatever else runs, can take a second to exec.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if (os.readlink("/proc/%d/ns/net" % p.pid) != own
                        and os.path.basename(os.readlink("/proc/%d/exe" % p.pid)) != "unshare"):
                    return p
            except OSError:
                pass
            time.sleep(0.002)
        p.kill()
        p.wait()
        raise RuntimeError("netns process %d did not start in 15 s" % p.pid)

    @staticmethod
    def end_proc(p):
        p.kill()
        p.wait()

    def vfs_in(self, pid):
        """The stand-in VFs in pid's netns (by MAC: the hook does not change a stand-in's)."""
        out = subprocess.run(["nsenter", "-t", str(pid), "-n", "ip", "-o", "link", "show"],
                             capture_output=True, text=True).stdout.lower()
        return sorted({self.macs[m] for m in re.findall(r"link/ether ([0-9a-f:]{17})", out) if m in self.macs})

    def state(self, cid, pid, bundle, stage):
        s = {"ociVersion": "1.0.2", "id": cid, "bundle": bundle}
        if stage == "createRuntime":
            s.update(status="creating", pid=pid)
        else:
            s.update(status="stopped")
        return json.dumps(s)

    def hook(self, stage, cid, pid, bundle, kill):
        """Runs the hook; kill: None or the system call (step) to SIGKILL it at. Returns (rc, err)."""
        cmd = [self.c["hook"], "--config", self.c["config"], stage]
        if kill:
            cmd = [self.c["killstep"], "-k", str(kill), "-o", os.devnull, "--"] + cmd
        r = subprocess.run(cmd, input=self.state(cid, pid, bundle, stage), env={}, capture_output=True,
                           text=True, timeout=60)
        self.count("ops")
        if kill and r.returncode == 137:
            self.count("kills")
        return r.returncode, r.stderr.strip().split("\n")[-1] if r.stderr.strip() else ""

    def note_error(self, err, cid):
        key = err.replace(cid, "<id>")
        key = re.sub(r"\bt\d\d-\d{6}\b", "<other>", key)
        with self.lock:
            self.errors[key] = self.errors.get(key, 0) + 1

    def kill_step(self, stage):
        """A random system call to kill the hook at, or None (most runs are not killed)."""
        with self.lock:
            if self.rng.random() >= self.c["kill_rate"]:
                return None
            return self.rng.randint(1, self.c["steps"][stage])

    # --- one container ---------------------------------------------------------------------------
    def lifecycle(self, wid):
        with self.lock:
            sel = self.rng.choice(["auto"] + ["fixed%d" % v["index"] for v in self.c["vfs"]])
            runc_like = self.rng.random() < 0.5
            hold_s = self.rng.random() * self.c["hold_ms"] / 1000.0
        bundle = os.path.join(self.c["bundles"], sel)
        cid = self.new_id(wid)
        p = self.netns_proc()
        held = None
        try:
            kill = self.kill_step("createRuntime")
            rc, err = self.hook("createRuntime", cid, p.pid, bundle, kill)
            self.count("creates")
            if rc == 0:
                self.count("created")
                have = self.vfs_in(p.pid)
                with self.lock:
                    if len(have) != 1:
                        self.n["double_holds"] += 1
                        self.problems.append("%s (%s): createRuntime exited 0, its netns has VFs %s" % (cid, sel, have))
                    for vf in have:
                        if vf in self.holds:
                            self.n["double_holds"] += 1
                            self.problems.append("%s got VF %d while %s (alive) holds it" % (cid, vf, self.holds[vf]))
                        else:
                            self.holds[vf] = cid
                            held = vf
                time.sleep(hold_s)
                if held is not None and held not in self.vfs_in(p.pid):
                    self.count("double_holds")
                    self.problem("%s lost VF %d while alive" % (cid, held))
            elif rc == 137 and kill:
                pass
            elif BUSY.search(err):
                self.count("refused")
            else:
                self.count("errors")
                self.note_error(err, cid)
        finally:
            with self.lock:
                if held is not None and self.holds.get(held) == cid:
                    del self.holds[held]
            # The container's process ends (runc destroys a failed one; a good one exits).
            self.end_proc(p)
        if rc != 0 and not runc_like:
            return  # podman: no poststop after a failed createRuntime
        kill = self.kill_step("poststop")
        rc, err = self.hook("poststop", cid, 0, bundle, kill)
        self.count("poststops")
        if rc != 0 and not (rc == 137 and kill):
            self.count("errors")
            self.note_error("poststop: " + err, cid)

    def worker(self, wid):
        while not self.stop.is_set() and self.take_op():
            try:
                self.lifecycle(wid)
            except Exception as e:  # a broken worker must show, not hang the run
                self.problem("worker %d: %r" % (wid, e))
                self.stop.set()

    def monitor(self):
        """Two claim records naming one VF, at any moment."""
        while not self.stop.wait(0.05):
            seen = {}
            for root, dirs, files in os.walk(self.c["state_dir"]):
                # A VF's baseline (its state before its first claim) names the VF too; no claim.
                dirs[:] = [d for d in dirs if d != "baseline"]
                for f in files:
                    if not f.endswith(".json"):
                        continue
                    try:
                        with open(os.path.join(root, f)) as fh:
                            r = json.load(fh)
                    except (OSError, ValueError):
                        continue
                    pci = r.get("vf_pci") if isinstance(r, dict) else None
                    if not pci:
                        continue
                    if pci in seen:
                        self.count("records_twice")
                        self.problem("records %s and %s both name VF %s" % (seen[pci], f, pci))
                    seen[pci] = f

    def run(self):
        threads = [threading.Thread(target=self.worker, args=(i,)) for i in range(self.c["workers"])]
        mon = threading.Thread(target=self.monitor)
        mon.start()
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.stop.set()
        mon.join()
        return dict(self.n, seconds=round(time.time() - t0, 1), errors_seen=self.errors, problems=self.problems[:50])

    def final(self):
        """The next claim of each VF by index, then its poststop: what later containers do."""
        out = []
        for v in self.c["vfs"]:
            cid = "final-%d" % v["index"]
            bundle = os.path.join(self.c["bundles"], "fixed%d" % v["index"])
            p = self.netns_proc()
            rc, err = self.hook("createRuntime", cid, p.pid, bundle, None)
            if rc != 0:
                out.append("VF %d: the next claim failed: %s" % (v["index"], err))
            elif self.vfs_in(p.pid) != [v["index"]]:
                out.append("VF %d: the next claim exited 0, its netns has VFs %s" % (v["index"], self.vfs_in(p.pid)))
            self.end_proc(p)
            rc, err = self.hook("poststop", cid, 0, bundle, None)
            if rc != 0:
                out.append("VF %d: the next claim's poststop failed: %s" % (v["index"], err))
        return {"ops": self.n["ops"], "problems": out}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("run", "final"):
        sys.exit(__doc__)
    with open(sys.argv[2]) as f:
        t = Torture(json.load(f))
    res = t.run() if sys.argv[1] == "run" else t.final()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
