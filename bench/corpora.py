"""The benchmark corpora, made reproducibly (fixed seeds) into a work folder.

Two families:

* **peer corpus** (issues #3 and #4): the items of `peer_gen.py` (a copy of
  ../shared/peer-bench/gen.py, seed 42) turned into Config Directories. The transformation
  is the only difference from the peer baseline, and **both tools always get the same
  bytes**:

  - schema: gen.py's array schema becomes the namespace `benchConcepts` of a module
    schema (`{"type": "object", "properties": {"benchConcepts": <gen.py schema>}}`,
    without its `$schema`/`$id`/`title`), with two additions only bundle-ls reads:
    `x-key: true` on `key` and `x-ref: benchConcepts` on the items of `answers`. JSON
    Schema ignores `x-` keywords, so every validator sees exactly gen.py's constraints.
  - each YAML file: the line `benchConcepts:` and then every line of gen.py's file
    indented by two spaces (so the item on gen.py line L is on line L+1).
  - yaml-language-server and check-jsonschema get these same files and this same schema
    file; bundle-ls finds the schema through the directory's `bundle-ls.yaml`.

* **workspace** (issue #8): 1,000 files holding 100,000 keyed objects, a third of them in
  CSV, references across files, 1 % mistakes of known kinds; see `make_workspace`.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peer_gen  # noqa: E402

NS = "benchConcepts"
SETTINGS = "schemas:\n  - schemas\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def peer_module_schema() -> dict:
    arr = copy.deepcopy(peer_gen.SCHEMA)
    for k in ("$schema", "$id", "title"):
        arr.pop(k, None)
    props = arr["items"]["properties"]
    props["key"]["x-key"] = True
    props["answers"]["items"]["x-ref"] = NS
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "x-module": "peerbench",
        "title": "Peer benchmark (gen.py's schema as one namespace)",
        "type": "object",
        "properties": {NS: arr},
    }


def wrap_yaml(text: str) -> str:
    """gen.py's top-level list → the `benchConcepts:` namespace holding it."""
    body = "".join("  " + line if line.strip() else line for line in text.splitlines(True))
    return f"{NS}:\n{body}"


def make_peer(work: Path) -> dict:
    """gen.py's corpus in `work/peerdata`, and its Config Directories `peer_batch`, `peer_10k`."""
    raw = work / "peerdata"
    if not (raw / "manifest.json").is_file():
        rnd_state = random.getstate()
        argv = sys.argv
        sys.argv = ["peer_gen.py", str(raw)]
        try:
            import contextlib
            import io

            with contextlib.redirect_stdout(io.StringIO()):
                peer_gen.main()
        finally:
            sys.argv = argv
            random.setstate(rnd_state)
    manifest = json.loads((raw / "manifest.json").read_text())
    schema = json.dumps(peer_module_schema(), indent=1)
    out = {"manifest": manifest}
    # peer_batch: a Config Directory of gen.py's 1,000 x 20 files; peer_single: a Config
    # Directory with only the schema, for the servers to open documents in; peer_wrapped:
    # gen.py's single files, wrapped, to open there.
    for name, files, settings in (
        ("peer_batch", sorted((raw / "batch").glob("*.yaml")), True),
        ("peer_single", [], True),
        ("peer_wrapped", [raw / f"items_{n}.yaml" for n in (100, 1000, 10000)], False),
    ):
        d = work / name
        stamp = d / ".complete"
        if not stamp.is_file():
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            if settings:
                _write(d / "bundle-ls.yaml", SETTINGS)
                _write(d / "schemas" / "peerbench.schema.json", schema)
            for f in files:
                _write(d / f.name, wrap_yaml(f.read_text()))
            stamp.write_text("ok\n")
        out[name] = d
    return out


# ---- the 100,000-key workspace (issue #8) ---------------------------------------------------

DATATYPES = peer_gen.DATATYPES
WORDS = peer_gen.WORDS
KEY_PATTERN = "^[a-z][a-z0-9_.-]*$"

WS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "x-module": "benchws",
    "title": "Benchmark workspace",
    "type": "object",
    "properties": {
        "benchConcepts": {
            "type": "array",
            "x-files": ["**/concepts/*.csv"],
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name", "datatype"],
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN, "x-key": True},
                    "name": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "retired": {"type": "boolean"},
                    "datatype": {"enum": DATATYPES},
                    "answers": {
                        "type": "array",
                        "items": {"type": "string", "x-ref": "benchConcepts"},
                    },
                },
            },
        },
        "benchLocations": {
            "type": "array",
            "x-files": ["**/locations/*.csv"],
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name"],
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN, "x-key": True},
                    "name": {"type": "string", "minLength": 1},
                    "retired": {"type": "boolean"},
                    "beds": {"type": "integer", "minimum": 0},
                    "kind": {"enum": ["ward", "clinic", "pharmacy", "lab", "store"]},
                    "parent": {"type": "string", "x-ref": "benchLocations"},
                },
            },
        },
        "benchForms": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name", "location"],
                "properties": {
                    "key": {"type": "string", "pattern": KEY_PATTERN, "x-key": True},
                    "name": {"type": "string", "minLength": 1},
                    "retired": {"type": "boolean"},
                    "location": {"type": "string", "x-ref": "benchLocations"},
                    "questions": {
                        "type": "array",
                        "items": {"type": "string", "x-ref": "benchConcepts"},
                    },
                },
            },
        },
    },
}

# Mistakes, one object in 100, rotating. Each gives exactly one diagnostic of the code shown.
MISTAKES = ["enum", "type", "extra", "missing", "pattern", "unresolved", "conflict"]
MISTAKE_CODE = {
    "enum": "schema",
    "type": "schema",
    "extra": "schema",
    "missing": "schema",
    "pattern": "schema",
    "unresolved": "unresolved-reference",
    "conflict": "conflict",
}
CSV_MISTAKES = ["enum", "type", "missing", "pattern", "unresolved", "conflict"]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_workspace(
    work: Path, total: int = 100_000, files: int = 1000, big: int = 10_000, seed: int = 7
) -> dict:
    """A Config Directory of `files` files with `total` keyed objects (about a third in CSV).

    Layout: `big/concepts.yaml` (the largest file, `big` concepts), `big/concepts/big.csv`
    (`big` concept rows), and bundles `bundles/bNNN/` holding concept, location and form
    YAML files and concept/location CSV files. Concept answers and form questions
    reference concepts anywhere in the directory; locations reference a parent location.
    """
    name = f"ws_{total}_{files}"
    d = work / name
    manifest_path = d / "manifest.json"
    if manifest_path.is_file():
        m = json.loads(manifest_path.read_text())
        m["dir"] = str(d)
        return m
    shutil.rmtree(d, ignore_errors=True)
    rng = random.Random(seed)
    n_csv_obj = total // 3
    n_yaml_obj = total - n_csv_obj
    big = min(big, n_csv_obj // 2, n_yaml_obj // 2)
    n_forms = n_yaml_obj // 10
    n_locs = total // 20
    n_concepts = total - n_forms - n_locs
    loc_csv = n_locs // 2
    # Which objects live where: (kind, index). CSV holds concepts and half the locations.
    concept_ids = list(range(n_concepts))
    loc_ids = list(range(n_locs))
    yaml_loc = loc_ids[loc_csv:]
    csv_loc = loc_ids[:loc_csv]
    csv_concepts = concept_ids[: n_csv_obj - loc_csv]
    yaml_concepts = concept_ids[n_csv_obj - loc_csv :]
    ckey = [f"c.{i:06d}" for i in concept_ids]
    lkey = [f"loc.{i:05d}" for i in loc_ids]
    good_c = list(concept_ids)  # reference targets: never an object whose key we break
    counts = {code: 0 for code in set(MISTAKE_CODE.values())}
    seq = [0]  # global object counter: every 100th object (offset 50) has one mistake
    conflicts: list[tuple[str, str]] = []

    def mistake(csv_file: bool) -> str | None:
        i = seq[0]
        seq[0] += 1
        if i % 100 != 50:
            return None
        kinds = CSV_MISTAKES if csv_file else MISTAKES
        return kinds[(i // 100) % len(kinds)]

    broken_keys: set[str] = set()

    def pick_refs(k: int) -> list[str]:
        out = []
        while len(out) < k:
            c = ckey[rng.choice(good_c)]
            if c not in broken_keys:
                out.append(c)
        return out

    def pick_loc(below: int) -> str:
        while True:
            k = lkey[rng.randrange(0, below)]
            if k not in broken_keys:
                return k

    # Decide the keys that a "pattern" mistake breaks before any reference is drawn: the
    # objects are laid out deterministically, so run the layout twice (plan, then write).
    def concept_obj(i: int, csv_file: bool) -> tuple[dict, str | None]:
        m = mistake(csv_file)
        obj = {
            "key": ckey[i],
            "name": _words(rng, 3).title() + f" {i}",
            "description": _words(rng, 8),
            "retired": rng.random() < 0.1,
            "datatype": rng.choice(DATATYPES),
            "answers": pick_refs(rng.randint(1, 3)),
        }
        if m:
            counts[MISTAKE_CODE[m]] += 1
        if m == "enum":
            obj["datatype"] = "Textual"
        elif m == "type":
            obj["retired"] = "yes"
        elif m == "extra":
            obj["extra_field"] = 1
        elif m == "missing":
            del obj["name"]
        elif m == "pattern":
            obj["key"] = f"Bad Key {i}"
        elif m == "unresolved":
            obj["answers"][0] = obj["answers"][0] + "x"
        elif m == "conflict":
            # the same key as an earlier concept, with different content
            obj["key"] = ckey[(i * 7919) % max(1, i)] if i else ckey[1]
            conflicts.append((obj["key"], ckey[i]))
        return obj, m

    def loc_obj(i: int, csv_file: bool) -> tuple[dict, str | None]:
        m = mistake(csv_file)
        obj = {
            "key": lkey[i],
            "name": _words(rng, 2).title() + f" {i}",
            "kind": rng.choice(["ward", "clinic", "pharmacy", "lab", "store"]),
            "beds": rng.randrange(0, 40),
        }
        if i:
            obj["parent"] = pick_loc(i)
        if m:
            counts[MISTAKE_CODE[m]] += 1
        if m == "enum":
            obj["kind"] = "hospital"
        elif m == "type":
            obj["beds"] = "many"
        elif m == "extra":
            obj["extra_field"] = 1
        elif m == "missing":
            del obj["name"]
        elif m == "pattern":
            obj["key"] = f"Bad Loc {i}"
        elif m == "unresolved":
            obj["parent"] = "loc.nowhere"
        elif m == "conflict":
            obj["key"] = lkey[i - 1] if i else lkey[1]
        return obj, m

    def form_obj(i: int) -> tuple[dict, str | None]:
        m = mistake(False)
        obj = {
            "key": f"form.{i:05d}",
            "name": _words(rng, 2).title() + f" form {i}",
            "location": pick_loc(n_locs),
            "questions": pick_refs(rng.randint(3, 8)),
        }
        if m:
            counts[MISTAKE_CODE[m]] += 1
        if m == "enum":  # forms have no enum: break a type instead, same code
            obj["retired"] = "no"
        elif m == "type":
            obj["name"] = 12
        elif m == "extra":
            obj["extra_field"] = 1
        elif m == "missing":
            del obj["location"]
        elif m == "pattern":
            obj["key"] = f"Bad Form {i}"
        elif m == "unresolved":
            obj["questions"][0] = "c.missing"
        elif m == "conflict":
            obj["key"] = f"form.{max(0, i - 1):05d}" if i else "form.00001"
        return obj, m

    # File plan. The big files first, then bundles.
    n_bundle_yaml = (files * 2) // 3 - 1
    n_bundle_csv = files - 2 - n_bundle_yaml
    yaml_concepts_big = yaml_concepts[:big]
    yaml_concepts_rest = yaml_concepts[big:]
    csv_concepts_big = csv_concepts[:big]
    csv_concepts_rest = csv_concepts[big:]

    def chunks(seq_: list, n: int) -> list[list]:
        n = max(1, n)
        k, r = divmod(len(seq_), n)
        out, s = [], 0
        for j in range(n):
            e = s + k + (1 if j < r else 0)
            out.append(seq_[s:e])
            s = e
        return out

    # YAML bundle files: each holds a slice of concepts, locations and forms.
    yc = chunks(yaml_concepts_rest, n_bundle_yaml)
    yl = chunks(yaml_loc, n_bundle_yaml)
    yf = chunks(list(range(n_forms)), n_bundle_yaml)
    # CSV bundle files: concept files and location files.
    n_loc_files = max(1, n_bundle_csv // 6)
    cc = chunks(csv_concepts_rest, n_bundle_csv - n_loc_files)
    cl = chunks(csv_loc, n_loc_files)

    # The "pattern" mistakes break keys; references must avoid them. Precompute which
    # global positions get a pattern mistake: simplest is to exclude, from reference
    # targets, every concept whose own position might be a mistake (i % 100 == 50 in the
    # concept numbering is not the same as the object sequence, so exclude by a dry run).
    plan: list[tuple[str, str, list]] = []
    plan.append(("yaml", "big/concepts.yaml", [("c", i) for i in yaml_concepts_big]))
    plan.append(("csv", "big/concepts/big.csv", [("c", i) for i in csv_concepts_big]))
    for j in range(n_bundle_yaml):
        items = [("c", i) for i in yc[j]] + [("l", i) for i in yl[j]] + [("f", i) for i in yf[j]]
        plan.append(("yaml", f"bundles/b{j // 10:03d}/config_{j:04d}.yaml", items))
    for j, part in enumerate(cc):
        plan.append(
            ("csv", f"bundles/b{j % 67:03d}/concepts/c_{j:04d}.csv", [("c", i) for i in part])
        )
    for j, part in enumerate(cl):
        plan.append(
            ("csv", f"bundles/b{j % 67:03d}/locations/l_{j:04d}.csv", [("l", i) for i in part])
        )
    # Dry run of the mistake sequence to learn which concept keys a pattern mistake breaks.
    pos = 0
    for kind, _rel, items in plan:
        kinds = CSV_MISTAKES if kind == "csv" else MISTAKES
        for t, i in items:
            if pos % 100 == 50 and kinds[(pos // 100) % len(kinds)] in ("pattern", "conflict"):
                if t == "c":
                    broken_keys.add(ckey[i])
                elif t == "l":
                    broken_keys.add(lkey[i])
            pos += 1

    written = {"yaml": 0, "csv": 0}
    objects = {"yaml": 0, "csv": 0}
    for kind, rel, items in plan:
        path = d / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "yaml":
            groups: dict[str, list[dict]] = {
                "benchConcepts": [],
                "benchLocations": [],
                "benchForms": [],
            }
            for t, i in items:
                if t == "c":
                    groups["benchConcepts"].append(concept_obj(i, False)[0])
                elif t == "l":
                    groups["benchLocations"].append(loc_obj(i, False)[0])
                else:
                    groups["benchForms"].append(form_obj(i)[0])
            path.write_text(_yaml_file(groups), encoding="utf-8")
        else:
            is_loc = items and items[0][0] == "l"
            rows = [(loc_obj(i, True) if is_loc else concept_obj(i, True))[0] for _t, i in items]
            _write_csv(path, rows, is_loc)
        written[kind] += 1
        objects[kind] += len(items)
    _write(d / "bundle-ls.yaml", SETTINGS)
    _write(d / "schemas" / "benchws.schema.json", json.dumps(WS_SCHEMA, indent=1))
    manifest = {
        "files": written,
        "objects": objects,
        "total_objects": objects["yaml"] + objects["csv"],
        "expected": counts,
        "big_yaml": "big/concepts.yaml",
        "big_csv": "big/concepts/big.csv",
        "seed": seed,
    }
    manifest_path.write_text(json.dumps(manifest, indent=1))
    manifest["dir"] = str(d)
    return manifest


def _scalar(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if s in ("yes", "no") or not s or s[0] in "&*!|>'\"%@`{[#-?:," or ": " in s:
        return json.dumps(s)
    return s


def _yaml_file(groups: dict[str, list[dict]]) -> str:
    out: list[str] = []
    for ns, objs in groups.items():
        if not objs:
            continue
        out.append(f"{ns}:")
        for obj in objs:
            first = True
            for k, v in obj.items():
                lead = "  - " if first else "    "
                first = False
                if isinstance(v, list):
                    out.append(f"{lead}{k}:")
                    out.extend(f"      - {_scalar(x)}" for x in v)
                else:
                    out.append(f"{lead}{k}: {_scalar(v)}")
    return "\n".join(out) + "\n"


def _write_csv(path: Path, rows: list[dict], is_loc: bool) -> None:
    cols = (
        ["key", "name", "kind", "beds", "parent"]
        if is_loc
        else ["key", "name", "description", "retired", "datatype", "answers"]
    )
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            cells = []
            for c in cols:
                v = r.get(c)
                if v is None:
                    cells.append("")
                elif isinstance(v, list):
                    cells.append(";".join(v))
                elif isinstance(v, bool):
                    cells.append("true" if v else "false")
                else:
                    cells.append(str(v))
            w.writerow(cells)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--total", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--big", type=int, default=10_000)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(json.dumps({k: str(v) for k, v in make_peer(args.work).items() if k != "manifest"}))
    print(json.dumps(make_workspace(args.work, args.total, args.files, args.big), indent=1))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
