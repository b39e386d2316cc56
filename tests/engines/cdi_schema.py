#!/usr/bin/python3
"""Checks CDI spec files against the CDI JSON schema that Debian ships with the CDI Go module's
source, and against what the CDI library checks beyond the schema (version, kind, device names).
Usage: cdi_schema.py [--lowest] SPEC.json...   --lowest: cdiVersion must also be the lowest that
carries what the spec uses. One line per file: "ok FILE", or "FILE: why" per problem; exit 1 on any."""
import json
import os
import re
import sys

import jsonschema

SCHEMA_DIR = os.environ.get(
    "CDI_SCHEMA_DIR",
    "/usr/share/gocode/src/github.com/container-orchestrated-devices/container-device-interface/schema")
# The versions the CDI library knows (newest upstream list; podman 4.3's reads up to 0.5.0).
VERSIONS = ["0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0"]
# pkg/cdi/qualified-device.go: vendor "x.y", class, device name.
KIND = re.compile(r"^[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9])?/[A-Za-z]([A-Za-z0-9_-]*[A-Za-z0-9])?$")
NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?$")


def validator():
    with open(os.path.join(SCHEMA_DIR, "schema.json")) as f:
        schema = json.load(f)
    with open(os.path.join(SCHEMA_DIR, "defs.json")) as f:
        defs = json.load(f)
    base = "file://" + SCHEMA_DIR + "/"
    resolver = jsonschema.RefResolver(base + "schema.json", schema, store={base + "defs.json": defs})
    return jsonschema.Draft7Validator(schema, resolver=resolver)


def minimum_version(spec):
    """The lowest version that carries what the spec uses (specs-go/version.go upstream)."""
    devices = spec.get("devices", [])
    if any(d.get("containerEdits", {}).get("netDevices") for d in devices):
        return "1.1.0"
    if spec.get("annotations") or any(d.get("annotations") for d in devices):
        return "0.6.0"
    if any(d.get("name", "a")[:1].isdigit() for d in devices):
        return "0.5.0"
    edits = [d.get("containerEdits", {}) for d in devices] + [spec.get("containerEdits", {})]
    if any(n.get("hostPath") for e in edits for n in e.get("deviceNodes", [])):
        return "0.5.0"  # a device node's hostPath came with 0.5.0
    return "0.3.0"


def problems(v, path, lowest):
    try:
        with open(path) as f:
            spec = json.load(f)
    except (OSError, ValueError) as e:
        yield "not a JSON file: %s" % e
        return
    if not isinstance(spec, dict):
        yield "not a JSON object"
        return
    for e in sorted(v.iter_errors(spec), key=str):
        yield "schema: %s at %s" % (e.message, "/".join(str(p) for p in e.absolute_path) or "top")
    version = spec.get("cdiVersion")
    if version not in VERSIONS:
        yield "cdiVersion %r is not a CDI version" % version
    elif VERSIONS.index(version) < VERSIONS.index(minimum_version(spec)):
        yield "cdiVersion %s is below %s, which what it uses needs" % (version, minimum_version(spec))
    elif lowest and version != minimum_version(spec):
        yield "cdiVersion %s is not the lowest that carries it (%s)" % (version, minimum_version(spec))
    if not KIND.match(spec.get("kind", "")):
        yield "kind %r is not vendor/class" % spec.get("kind")
    names = [d.get("name", "") for d in spec.get("devices", [])]
    for n in names:
        if not NAME.match(n):
            yield "device name %r is not a CDI device name" % n
    for n in sorted(set(n for n in names if names.count(n) > 1)):
        yield "device name %r is used twice" % n
    for d in spec.get("devices", []):
        for h in d.get("containerEdits", {}).get("hooks", []):
            if not os.path.isabs(h.get("path", "")):
                yield "device %s: hook path %r is not absolute" % (d.get("name"), h.get("path"))


def main():
    args = sys.argv[1:]
    lowest = "--lowest" in args
    args = [a for a in args if a != "--lowest"]
    v = validator()
    bad = 0
    for path in args:
        found = list(problems(v, path, lowest))
        for p in found:
            print("%s: %s" % (path, p))
        if not found:
            print("ok %s" % path)
        bad += bool(found)
    return 1 if bad or not args else 0


if __name__ == "__main__":
    sys.exit(main())
