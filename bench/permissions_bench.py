#!/usr/bin/env python3
"""Permission rules: check a file of 2,000 rules cold, then re-check after editing one rule.

    .venv/bin/python bench/permissions_bench.py [--rules 2000] [--runs 5]

Each run is a fresh interpreter (cold: nothing parsed or cached; the lark grammar is built
in the run). A run reads a YAML file of rules as the checker will (yaml_doc), maps every
`when` scalar (source_map), parses it, builds the world index and takes every finding of
every rule, redundancy included. Then it edits one rule and checks again with the same
`RuleChecker`, counting the conditions judged anew. The world is a mid-sized distribution:
60 roles, 300 privileges, 30 location tags, 400 locations in a three-level hierarchy; each
rule has 2-6 atoms, names written bare and quoted, in plain, quoted and block scalars, with
a few mistakes (unknown names, contradictions) as real files have.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))


def make_world_and_file(n_rules: int, seed: int = 7):
    from bundle_ls.permissions import Location, LocationTag, Privilege, Role

    rnd = random.Random(seed)
    privileges = [f"Task: Action {i}" if i % 2 else f"App-{i}" for i in range(300)]
    roles = []
    for i in range(60):
        inherits = tuple(f"Role {j}" for j in rnd.sample(range(i), min(i, rnd.randint(0, 2))))
        roles.append(Role(f"Role {i}", inherits, tuple(rnd.sample(privileges, 5))))
    tags = [f"Tag {i}" for i in range(30)]
    locations = []
    for i in range(400):
        parent = None if i < 5 else f"Location {rnd.randrange(0, i if i < 50 else 50)}"
        locations.append(Location(f"Location {i}", parent, tuple(rnd.sample(tags, 2))))
    world = (
        tuple(roles),
        tuple(Privilege(p) for p in privileges),
        tuple(LocationTag(t) for t in tags),
        tuple(locations),
    )

    def atom() -> str:
        kind = rnd.choice(["role", "role", "tag", "location", "privilege"])
        if kind == "role":
            name = f"Role {rnd.randrange(60)}"
        elif kind == "tag":
            name = f"Tag {rnd.randrange(30)}"
        elif kind == "location":
            name = f"Location {rnd.randrange(400)}"
        else:
            name = rnd.choice(privileges)
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
        grant = ", ".join(f"'{p}'" for p in rnd.sample(privileges, rnd.randint(1, 3)))
        lines.append(f"  - key: rule-{i}")
        lines.append(f"    grant: [{grant}]")
        style = i % 4
        if style == 0 and ": " in when:
            style = 3  # `: ` cannot stand in a plain scalar (YAML reads a mapping)
        if style == 0:
            lines.append(f"    when: {when}")
        elif style == 1:
            lines.append('    when: "' + when.replace('"', '\\"') + '"')
        elif style == 2:
            lines.append("    when: '" + when.replace("'", "''") + "'")
        else:
            lines.append("    when: >-")
            lines.append("      " + when)
    return world, "\n".join(lines) + "\n"


def one_run(n_rules: int) -> dict:
    t_start = time.perf_counter()
    world_parts, text = make_world_and_file(n_rules)
    t0 = time.perf_counter()
    from bundle_ls.model import MAPPING, SEQUENCE
    from bundle_ls.permissions import (
        Rule,
        RuleChecker,
        World,
        WorldIndex,
        map_yaml_scalar,
        parse,
    )
    from bundle_ls.positions import LineIndex
    from bundle_ls.yaml_doc import parse_yaml

    lines = LineIndex(text)
    root = parse_yaml(text, lines).root
    assert root is not None and root.kind == MAPPING
    items = root.items[0][1]
    assert items.kind == SEQUENCE
    rules = []
    maps = []
    for item in items.items:
        key = item.get("key").value
        grant = tuple(n.value for n in item.get("grant").items)
        node = item.get("when")
        maps.append(map_yaml_scalar(lines.lines, node.range, node.value))
        rules.append(Rule(key, grant, parse(node.value)))
    world = World(*world_parts, tuple(rules))
    index = WorldIndex(world)
    checker = RuleChecker(index)
    findings = checker.rules(world.rules)
    ranges = [[m.range(*f.span) for f in fs] for m, fs in zip(maps, findings, strict=True)]
    t1 = time.perf_counter()

    # edit one rule and check again with the same checker
    edited = list(rules)
    victim = n_rules // 2
    edited[victim] = Rule(
        rules[victim].key, rules[victim].grant, parse("role('Role 3') and tag('Tag 4')")
    )
    before = len(checker._memo)
    t2 = time.perf_counter()
    again = checker.rules(edited)
    t3 = time.perf_counter()
    judged = len(checker._memo) - before
    counts: dict[str, int] = {}
    for fs in findings:
        for f in fs:
            counts[f.code] = counts.get(f.code, 0) + 1
    return {
        "rules": n_rules,
        "cold_check_s": t1 - t0,
        "generate_s": t0 - t_start,
        "edit_recheck_s": t3 - t2,
        "conditions_judged_after_edit": judged,
        "findings": counts,
        "mapped_ranges": sum(len(r) for r in ranges),
        "edited_rule_findings": [f.code for f in again[victim]],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.rules)))
        return
    results = []
    for _ in range(args.runs):  # each run in a fresh interpreter: cold
        out = subprocess.run(
            [sys.executable, __file__, "--one", "--rules", str(args.rules)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout))
    cold = statistics.median(r["cold_check_s"] for r in results)
    edit = statistics.median(r["edit_recheck_s"] for r in results)
    last = results[-1]
    print(f"rules: {args.rules}, runs: {args.runs} (fresh interpreter each)")
    print(f"cold check (read YAML, map, parse, index, every finding): median {cold * 1000:.0f} ms")
    print(
        f"re-check after editing one rule: median {edit * 1000:.1f} ms, "
        f"{last['conditions_judged_after_edit']} condition(s) judged anew"
    )
    print(f"findings: {last['findings']}")


if __name__ == "__main__":
    main()
