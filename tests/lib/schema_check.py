#!/usr/bin/env python3
"""Validates a JSON document against a JSON Schema, for the subset the project's schemas use
(type, enum, required, properties, additionalProperties, items, pattern, minimum, maximum, oneOf,
$ref to #/$defs/...), so the tests need no package beyond python3.

Usage: schema_check.py SCHEMA [DOCUMENT]   (document on stdin when absent)
Prints one line per violation with its JSON path; exits 1 when there is any."""
import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "enum", "required", "properties",
         "additionalProperties", "items", "pattern", "minimum", "maximum", "oneOf", "$ref"}


def resolve(root, ref):
    if not ref.startswith("#/"):
        raise SystemExit(f"schema_check: unsupported $ref {ref}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def check(root, schema, value, path, errors):
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit(f"schema_check: unsupported keywords {sorted(unknown)} at {path}")
    if "$ref" in schema:
        check(root, resolve(root, schema["$ref"]), value, path, errors)
    if "oneOf" in schema:
        matches = 0
        for sub in schema["oneOf"]:
            e = []
            check(root, sub, value, path, e)
            matches += not e
        if matches != 1:
            errors.append(f"{path}: matches {matches} of oneOf, not exactly 1: {value!r}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            errors.append(f"{path}: {value!r} is not of type {'/'.join(types)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: lacks required key {key!r}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                check(root, props[key], v, f"{path}.{key}", errors)
            elif extra is False:
                errors.append(f"{path}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                check(root, extra, v, f"{path}.{key}", errors)
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(root, schema["items"], v, f"{path}[{i}]", errors)


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    doc = json.load(open(sys.argv[2]) if len(sys.argv) == 3 else sys.stdin)
    errors = []
    check(schema, schema, doc, "$", errors)
    for e in errors:
        print(e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
