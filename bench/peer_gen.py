#!/usr/bin/env python3
# Copied unchanged (formatting aside) from ../shared/peer-bench/gen.py, the project's shared
# peer-baseline generator, so that bench/ reproduces the same corpus on its own.
"""Generate the peer-baseline corpus: a JSON Schema, YAML item files and a CSV.

Each YAML file is a top-level list of OpenMRS-style items with ~6 fields:
key, name, description, retired (bool), datatype (enum), answers (list of
references to other keys). About 1% of items carry exactly one schema
violation (5 kinds, rotating); the expected count is written to manifest.json.

usage: gen.py OUTDIR
"""

import csv
import json
import os
import random
import sys

DATATYPES = ["Text", "Numeric", "Coded", "Boolean", "Date", "Datetime", "N/A", "Complex"]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.invalid/concepts.schema.json",
    "title": "Concept list",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "name", "datatype"],
        "properties": {
            "key": {
                "type": "string",
                "pattern": "^[a-z][a-z0-9_.-]*$",
                "description": "Human-readable unique key",
            },
            "name": {"type": "string", "minLength": 1, "description": "Display name"},
            "description": {"type": "string"},
            "retired": {"type": "boolean"},
            "datatype": {"enum": DATATYPES, "description": "Concept datatype"},
            "answers": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[a-z][a-z0-9_.-]*$"},
                "description": "Keys of answer concepts",
            },
        },
    },
}

VIOLATIONS = ["enum", "type", "extra", "missing", "pattern"]
WORDS = (  # noqa: SIM905
    "blood pressure systolic diastolic weight height temperature pulse "
    "malaria hiv tb test result positive negative visit clinic date "
    "referral drug dose route frequency oral daily"
).split()


def item_lines(rng, i, n_total, violation=None):
    key = f"concept.{i:06d}"
    name = " ".join(rng.choice(WORDS) for _ in range(3)).title() + f" {i}"
    desc = " ".join(rng.choice(WORDS) for _ in range(8))
    dt = rng.choice(DATATYPES)
    retired = "true" if rng.random() < 0.1 else "false"
    answers = [f"concept.{rng.randrange(n_total):06d}" for _ in range(rng.randint(1, 3))]
    if violation == "enum":
        dt = "Textual"
    if violation == "type":
        retired = '"yes"'
    if violation == "pattern":
        key = f"Bad Key {i}"
    lines = [f"- key: {key}"]
    if violation != "missing":
        lines.append(f"  name: {name}")
    lines.append(f"  description: {desc}")
    lines.append(f"  retired: {retired}")
    lines.append(f"  datatype: {dt}")
    lines.append("  answers:")
    lines.extend(f"    - {a}" for a in answers)
    if violation == "extra":
        lines.append("  extra_field: 1")
    return lines, key, name, desc, retired, dt, answers


def gen_yaml(path, n, rng, start=0, total=None, rate=100):
    """rate: one violation per `rate` items (global index based)."""
    total = total or n
    out, nviol = [], 0
    for j in range(n):
        i = start + j
        v = None
        if i % rate == rate // 2:
            v = VIOLATIONS[(i // rate) % len(VIOLATIONS)]
            nviol += 1
        out.extend(item_lines(rng, i, total, v)[0])
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return nviol


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "data"
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(42)
    manifest = {}
    with open(os.path.join(outdir, "schema.json"), "w") as f:
        json.dump(SCHEMA, f, indent=1)
    for n in (100, 1000, 10000):
        p = os.path.join(outdir, f"items_{n}.yaml")
        nv = gen_yaml(p, n, rng)
        manifest[f"items_{n}.yaml"] = {"items": n, "violations": nv, "bytes": os.path.getsize(p)}
        pc = os.path.join(outdir, f"clean_{n}.yaml")
        gen_yaml(pc, n, rng, rate=10**9)
        manifest[f"clean_{n}.yaml"] = {"items": n, "violations": 0, "bytes": os.path.getsize(pc)}
    # batch dir: 1000 files x 20 items, global 1% violation rate
    bdir = os.path.join(outdir, "batch")
    os.makedirs(bdir, exist_ok=True)
    tot = 0
    for k in range(1000):
        tot += gen_yaml(os.path.join(bdir, f"f{k:04d}.yaml"), 20, rng, start=k * 20, total=20000)
    manifest["batch"] = {"files": 1000, "items_per_file": 20, "violations": tot}
    # CSV 100k rows
    cp = os.path.join(outdir, "rows_100k.csv")
    with open(cp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "name", "description", "retired", "datatype", "answers"])
        for i in range(100000):
            _, key, name, desc, retired, dt, answers = item_lines(rng, i, 100000)
            w.writerow([key, name, desc, retired, dt, ";".join(answers)])
    manifest["rows_100k.csv"] = {"rows": 100000, "bytes": os.path.getsize(cp)}
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
