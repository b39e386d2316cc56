#!/usr/bin/env python3
"""The layering rule of src/ and include/sriov-hook/, and its check (run by `make check-layers`).

A module is a concern: src/<layer>/<name>.c with include/sriov-hook/<layer>/<name>.h. A module
depends on another when its .c or .h includes the other's header. The check fails when a module
includes a header of a layer its own layer may not use, when a file sits outside the known layers,
or when modules include each other in a cycle (within a layer too). hook/*.c, the programs' mains,
may include anything. Prints one PASS line, or one FAIL line per finding.
"""
import os
import re
import sys

# Each layer and the layers it may include (itself always). Lowest first; this table is the rule.
LAYERS = {
    "core": [],                                      # errors, log, files, JSON, sandbox, value types
    "sys": ["core"],                                 # the kernel: sysfs, netlink, namespaces, vfio
    "input": ["core"],                               # what a run is asked: OCI state, config, request
    "store": ["core", "sys"],                        # claims, pins and records under state_dir
    "hook": ["core", "sys", "input", "store"],       # the stages: attach, detach, restore, gc
    "ctl": ["core", "sys", "input", "store", "hook"],   # sriovctl: list, doctor, cdi, vfs, metrics
    "runc": ["core", "sys", "input", "store", "hook"],  # sriov-runc: the docker runtime wrapper
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"sriov-hook/([^"]+)\.h"', re.M)


def modules(root):
    """{(layer, name): [paths]} for every .c under src/ and .h under include/sriov-hook/."""
    found, stray = {}, []
    for top, ext in (("src", ".c"), ("include/sriov-hook", ".h")):
        base = os.path.join(root, top)
        for dirpath, _, names in os.walk(base):
            for n in names:
                if not n.endswith(ext):
                    continue
                path = os.path.join(dirpath, n)
                rel = os.path.relpath(path, base).split(os.sep)
                if len(rel) != 2 or rel[0] not in LAYERS:
                    stray.append(os.path.relpath(path, root))
                    continue
                found.setdefault((rel[0], n[: -len(ext)]), []).append(path)
    return found, stray


def edges(found, root):
    """{module: {module it includes: first file that does}}, problems for unknown headers."""
    out, problems = {}, []
    for mod, paths in found.items():
        deps = out.setdefault(mod, {})
        for path in paths:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                parts = inc.split("/")
                target = tuple(parts) if len(parts) == 2 else None
                if target not in found:
                    problems.append(f"{os.path.relpath(path, root)} includes sriov-hook/{inc}.h, which is no module's header")
                    continue
                if target != mod:
                    deps.setdefault(target, os.path.relpath(path, root))
    return out, problems


def layer_violations(graph):
    bad = []
    for (layer, name), deps in sorted(graph.items()):
        for (tlayer, tname), path in sorted(deps.items()):
            if tlayer != layer and tlayer not in LAYERS[layer]:
                bad.append(f"{path}: {layer}/{name} includes {tlayer}/{tname}.h, but {layer} may use only "
                           f"{', '.join(LAYERS[layer]) or 'itself'}")
    return bad


def cycles(graph):
    """Each cycle once, as a list of modules, found by a depth-first walk."""
    found, seen, stack, on = [], set(), [], set()

    def walk(m):
        seen.add(m)
        stack.append(m)
        on.add(m)
        for d in sorted(graph.get(m, {})):
            if d in on:
                cyc = stack[stack.index(d):]
                found.append(cyc + [d])
            elif d not in seen:
                walk(d)
        stack.pop()
        on.discard(m)

    for m in sorted(graph):
        if m not in seen:
            walk(m)
    return found


def main():
    root = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    found, stray = modules(root)
    graph, problems = edges(found, root)
    problems += [f"{p} is in no layer (src/<layer>/, include/sriov-hook/<layer>/: "
                 f"{', '.join(LAYERS)})" for p in stray]
    problems += layer_violations(graph)
    problems += ["include cycle: " + " -> ".join(f"{l}/{n}" for l, n in c) for c in cycles(graph)]
    for p in problems:
        print(f"FAIL layers: {p}")
    if not problems:
        print(f"PASS layers: {len(found)} modules in {len(LAYERS)} layers, no upward include, no cycle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
