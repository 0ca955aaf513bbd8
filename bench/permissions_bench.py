#!/usr/bin/env python3
"""Permission rules (issue #16): a file of 2,000 rules checked cold, then one rule edited.

    .venv/bin/python bench/permissions_bench.py [--rules 2000] [--runs 5] [--write]

It writes a Config Directory (fixed seed) of a mid-sized distribution — 60 roles with
inclusions, 300 privileges, 30 location tags, 400 locations in a three-level hierarchy,
in YAML — and `rules.yaml` with the rules: 2-6 atoms each, names bare and quoted, in
plain, quoted and folded scalars, with a few mistakes as real files have (names that
resolve to nothing, contradictions). Then:

1. cold: `bundle-ls --check DIR --no-cache` in a fresh process, wall time (Python start-up
   and every check of every file included), median of --runs;
2. the editor: a `Workspace` indexes the directory and opens `rules.yaml`; then one rule's
   condition is edited (`didChange`) and the file's diagnostics are asked for again. It
   reports the time of that re-check, how many conditions were judged anew (the checker
   remembers its judgements by condition text) and whether the re-check was incremental
   (only the edited item re-analysed).

`--write` puts the figures in BENCHMARKS.md, in its own section.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUNDLE_LS = Path(sys.executable).parent / "bundle-ls"
BEGIN = "<!-- bench/permissions_bench.py: begin -->"
END = "<!-- bench/permissions_bench.py: end -->"


def _q(name: str) -> str:
    return '"' + name + '"'


def make_directory(root: Path, n_rules: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    privileges = [f"Task: Action {i}" if i % 2 else f"App-{i}" for i in range(300)]
    tags = [f"Tag {i}" for i in range(30)]
    users = ["privileges:"] + [f"  - key: {_q(p)}" for p in privileges] + ["roles:"]
    for i in range(60):
        inherits = [f"Role {j}" for j in rnd.sample(range(i), min(i, rnd.randint(0, 2)))]
        users.append(f"  - key: Role {i}")
        users.append(
            "    privileges: [" + ", ".join(_q(p) for p in rnd.sample(privileges, 5)) + "]"
        )
        if inherits:
            users.append("    inheritedRoles: [" + ", ".join(inherits) + "]")
    places = ["locationTags:"] + [f"  - key: {t}" for t in tags] + ["locations:"]
    for i in range(400):
        places.append(f"  - key: Location {i}")
        places.append(f"    name: Location {i}")
        if i >= 5:
            places.append(f"    parent: Location {rnd.randrange(0, i if i < 50 else 50)}")
        places.append("    tags: [" + ", ".join(rnd.sample(tags, 2)) + "]")
    (root / "users.yaml").write_text("\n".join(users) + "\n")
    (root / "locations.yaml").write_text("\n".join(places) + "\n")
    (root / "rules.yaml").write_text(_rules(rnd, n_rules, privileges))


def _rules(rnd: random.Random, n_rules: int, privileges: list[str]) -> str:
    def atom() -> str:
        kind = rnd.choice(["role", "role", "tag", "location", "privilege"])
        name = {
            "role": lambda: f"Role {rnd.randrange(60)}",
            "tag": lambda: f"Tag {rnd.randrange(30)}",
            "location": lambda: f"Location {rnd.randrange(400)}",
            "privilege": lambda: rnd.choice(privileges),
        }[kind]()
        if rnd.random() < 0.01:
            name += "x"  # a mistake: resolves to nothing
        return f"{kind}('{name}')"

    def condition(depth: int = 0) -> str:
        if depth >= 2 or rnd.random() < 0.3:
            a = atom()
            return f"not {a}" if rnd.random() < 0.2 else a
        op = rnd.choice([" and ", " or "])
        return "(" + op.join(condition(depth + 1) for _ in range(rnd.randint(2, 3))) + ")"

    lines = ["permissionRules:"]
    for i in range(n_rules):
        when = condition()
        if i % 100 == 0:
            when = f"role('Role 1') and not role('Role 1') and {atom()}"  # never holds
        grant = ", ".join(_q(p) for p in rnd.sample(privileges, rnd.randint(1, 3)))
        lines.append(f"  - key: rule-{i}")
        lines.append(f"    grant: [{grant}]")
        style = i % 4
        if style == 0 and ": " in when:
            style = 3  # `: ` cannot stand in a plain scalar (YAML would read a mapping)
        if style == 0:
            lines.append(f"    when: {when}")
        elif style == 1:
            lines.append('    when: "' + when.replace('"', '\\"') + '"')
        elif style == 2:
            lines.append("    when: '" + when.replace("'", "''") + "'")
        else:
            lines += ["    when: >-", "      " + when]
    return "\n".join(lines) + "\n"


def cold_check(root: Path) -> tuple[float, float, dict]:
    """Wall time and CPU time (user + system) of one cold `--check`, and its findings."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(BUNDLE_LS), "--check", str(root), "--no-cache", "--format", "json"],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode > 1:
        raise SystemExit(f"--check failed: {out.stderr}")
    counts: dict[str, int] = {}
    for d in json.loads(out.stdout)["diagnostics"]:
        counts[d["code"]] = counts.get(d["code"], 0) + 1
    return elapsed, cpu, counts


def edit_one_rule(root: Path, n_rules: int) -> dict:
    """In this process: index, open rules.yaml, edit one condition, re-check."""
    sys.path.insert(0, str(REPO / "server"))
    from bundle_ls.dialects.permissions.terms import LANGUAGE
    from bundle_ls.editor.workspace import Workspace

    ws = Workspace.load(root)
    ws.index_files(ws.discover())
    text = (root / "rules.yaml").read_text()
    t0 = time.perf_counter()
    ws.open("rules.yaml", text, 1)
    ws.diagnostics("rules.yaml")
    t_open = time.perf_counter() - t0
    lines = text.splitlines()
    victim = n_rules // 2
    line = lines.index(f"  - key: rule-{victim}") + 2  # its `when:` line
    old = lines[line]
    new = "    when: role('Role 3') and tag('Tag 4')"
    state = ws.index.derived[LANGUAGE]
    judged_before = len(state.checker._memo)
    t1 = time.perf_counter()
    c1 = time.process_time()
    ws.change("rules.yaml", [((line, 0, line, len(old)), new)], 2)
    result = ws.flush("rules.yaml")
    diags = ws.diagnostics("rules.yaml")
    t_edit = time.perf_counter() - t1
    c_edit = time.process_time() - c1
    state = ws.index.derived[LANGUAGE]
    return {
        "open_s": t_open,
        "edit_s": t_edit,
        "edit_cpu_s": c_edit,
        "incremental": bool(result and result.incremental),
        "judged_anew": len(state.checker._memo) - judged_before,
        "edited_rule_codes": sorted(d.code for d in diags if d.range[0] == line),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="put the figures in BENCHMARKS.md")
    ap.add_argument("--edit-only", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.edit_only:
        print(json.dumps(edit_one_rule(Path(args.edit_only), args.rules)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "config"
        root.mkdir()
        make_directory(root, args.rules)
        colds: list[float] = []
        cpus: list[float] = []
        counts: dict = {}
        for _ in range(args.runs):
            elapsed, cpu, counts = cold_check(root)
            colds.append(elapsed)
            cpus.append(cpu)
        edits = []
        for _ in range(args.runs):  # each in a fresh interpreter
            out = subprocess.run(
                [sys.executable, __file__, "--edit-only", str(root), "--rules", str(args.rules)],
                capture_output=True,
                text=True,
                check=True,
            )
            edits.append(json.loads(out.stdout))
    report = _report(args, colds, cpus, counts, edits)
    print(report)
    if args.write:
        _write(report)


def _report(args, colds: list[float], cpus: list[float], counts: dict, edits: list[dict]) -> str:
    load = os.getloadavg()[0]
    edit = statistics.median(e["edit_s"] for e in edits)
    opened = statistics.median(e["open_s"] for e in edits)
    last = edits[-1]
    rows = [
        "| measure | median | min – max |",
        "|---|---|---|",
        f"| `bundle-ls --check` cold (fresh process, no cache): wall | "
        f"{statistics.median(colds):.2f} s | {min(colds):.2f} – {max(colds):.2f} s |",
        f"| the same: CPU time (user + system) | {statistics.median(cpus):.2f} s "
        f"| {min(cpus):.2f} – {max(cpus):.2f} s |",
        f"| editor: open `rules.yaml` → its diagnostics | {opened * 1000:.0f} ms "
        f"| {min(e['open_s'] for e in edits) * 1000:.0f} – "
        f"{max(e['open_s'] for e in edits) * 1000:.0f} ms |",
        f"| editor: edit one rule → the file's diagnostics | {edit * 1000:.0f} ms "
        f"| {min(e['edit_s'] for e in edits) * 1000:.0f} – "
        f"{max(e['edit_s'] for e in edits) * 1000:.0f} ms |",
        f"| the same: CPU time | {statistics.median(e['edit_cpu_s'] for e in edits) * 1000:.0f} ms "
        f"| {min(e['edit_cpu_s'] for e in edits) * 1000:.0f} – "
        f"{max(e['edit_cpu_s'] for e in edits) * 1000:.0f} ms |",
    ]
    return "\n".join(
        [
            f"## Permission rules: {args.rules:,} rules in one file (issue #16)",
            "",
            "`bench/permissions_bench.py` (`--write` updates this section): a Config Directory "
            "of 60 roles, 300 privileges, 30 location tags and 400 locations in YAML, and "
            f"`rules.yaml` with {args.rules:,} rules (2-6 atoms each, every YAML scalar "
            f"style, a few mistakes). {args.runs} runs; load average when it ended: {load:.2f} "
            "(2 cores shared with other work: wall times grow with the load, CPU times much "
            "less; on an idle machine the wall time is about the CPU time).",
            "",
            *rows,
            "",
            f"Target (issue #16): a cold check of {args.rules:,} rules under 2 s: "
            f"{'met' if statistics.median(colds) < 2 else '**not met**'} (median wall time).",
            "",
            f"Findings of the cold check: {json.dumps(counts, sort_keys=True)}. After the edit: "
            f"{last['judged_anew']} condition(s) judged anew (the others' judgements are "
            f"remembered by condition text); the re-analysis was "
            f"{'incremental (the edited item only)' if last['incremental'] else 'of the whole file'}; "
            f"the edited rule's findings: {last['edited_rule_codes'] or 'none'}.",
        ]
    )


def _write(report: str) -> None:
    path = REPO / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{report}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
