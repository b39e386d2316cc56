#!/usr/bin/env python3
"""A hook that ignores every claim, for the torture checker's own test: at createRuntime it takes
the asked-for VF (auto = VF 0) from wherever it is, the host or another container's netns, into
the container's; poststop does nothing. Run with it, the checker must count double holds.

Usage: thief-hook.py --config TORTURE.json createRuntime|poststop   (OCI state on stdin)
"""
import json
import os
import re
import subprocess
import sys

IP = "/usr/sbin/ip" if os.path.exists("/usr/sbin/ip") else "/sbin/ip"


def links(ns):
    cmd = ([] if ns is None else ["nsenter", "--net=" + ns]) + [IP, "-o", "link", "show"]
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def main():
    cfg = json.load(open(sys.argv[2]))
    if sys.argv[3] != "createRuntime":
        return 0
    state = json.load(sys.stdin)
    spec = json.load(open(os.path.join(state["bundle"], "config.json")))
    vf = spec["annotations"].get("io.sriov.vf", "auto")
    mac = cfg["vfs"][0 if vf == "auto" else int(vf)]["mac"].lower()
    # Candidates: the host, then every process's netns (the containers are `sleep`s).
    own = os.readlink("/proc/self/ns/net")
    spaces = [None]
    seen = {own}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            ns = os.readlink("/proc/%s/ns/net" % pid)
        except OSError:
            continue
        if ns not in seen and pid != str(state["pid"]):
            seen.add(ns)
            spaces.append("/proc/%s/ns/net" % pid)
    for ns in spaces:
        for line in links(ns).splitlines():
            if mac in line.lower():
                name = re.split(r"[:@]", line.split(": ")[1])[0]
                cmd = ([] if ns is None else ["nsenter", "--net=" + ns]) + [
                    IP, "link", "set", "dev", name, "netns", str(state["pid"])]
                return subprocess.run(cmd).returncode
    print("thief-hook: VF %s not found" % vf, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
