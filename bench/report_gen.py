"""A large Config Directory for the report page: N keyed objects in bundles, made reproducibly.

    python bench/report_gen.py OUT_DIR [--objects 20000] [--bundles 20]

Each bundle `bundles/b<NN>/` holds location tags and privileges (YAML), locations (CSV)
referring to tags and parent locations, roles referring to privileges, and encounter types
referring to privileges, in the proportions of a real distribution. Besides, a few known
mistakes: every 10th bundle redefines a location tag of bundle 0 with another description
(a conflict), every 4th bundle repeats one privilege of bundle 0 unchanged (a duplicate),
and each bundle has one misspelt privilege in a role (an unresolved reference). The
built-in module schemas describe every namespace used; nothing else is needed.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

# Objects per bundle, per 100: locations 50, privileges 20, roles 10, encounter types 15, tags 5.
SHARE = {"locations": 50, "privileges": 20, "roles": 10, "encounterTypes": 15, "locationTags": 5}


def _yaml_list(namespace: str, items: list[dict]) -> str:
    out = [f"{namespace}:"]
    for item in items:
        first = True
        for k, v in item.items():
            lead = "  - " if first else "    "
            first = False
            if isinstance(v, list):
                out.append(f"{lead}{k}: [{', '.join(v)}]")
            else:
                out.append(f"{lead}{k}: {v}")
    return "\n".join(out) + "\n"


def make_config(root: Path, objects: int = 20_000, bundles: int = 20) -> dict[str, int]:
    """Write the directory; returns the number of objects per namespace."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bundle-ls.yaml").write_text(
        "modules: [locations, users, encounters]\n", encoding="utf-8"
    )
    per_bundle = objects // bundles
    counts = dict.fromkeys(SHARE, 0)
    for b in range(bundles):
        folder = root / "bundles" / f"b{b:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        n = {ns: per_bundle * share // 100 for ns, share in SHARE.items()}
        n["locations"] += per_bundle - sum(n.values())  # the rest, so totals are exact
        tags = [
            {"key": f"Tag {b}-{i}", "description": f"Location tag {i} of bundle {b}"}
            for i in range(n["locationTags"])
        ]
        privileges = [
            {"key": f"Privilege {b}-{i}", "description": f"Does task {i} of bundle {b}"}
            for i in range(n["privileges"])
        ]
        extra = ""
        if b and b % 10 == 0:  # a conflict: another description for a tag of bundle 0
            extra += _yaml_list(
                "locationTags", [{"key": "Tag 0-0", "description": f"Redefined by bundle {b}"}]
            )
        if b and b % 4 == 0:  # a duplicate: the same privilege as bundle 0, unchanged
            extra += _yaml_list(
                "privileges", [{"key": "Privilege 0-0", "description": "Does task 0 of bundle 0"}]
            )
        (folder / "tags.yaml").write_text(
            _yaml_list("locationTags", tags) + _yaml_list("privileges", privileges) + extra,
            encoding="utf-8",
        )
        roles = []
        for i in range(n["roles"]):
            granted = [f"Privilege {b}-{(i * 3 + k) % n['privileges']}" for k in range(3)]
            if i == 0:
                granted[0] = f"Privilege {b}-1x"  # misspelt: unresolved
            roles.append({"key": f"Role {b}-{i}", "privileges": granted})
        encounter_types = [
            {
                "key": f"Encounter {b}-{i}",
                "name": f"Encounter type {i}",
                "editPrivilege": f"Privilege {b}-{i % n['privileges']}",
            }
            for i in range(n["encounterTypes"])
        ]
        (folder / "clinical.yaml").write_text(
            _yaml_list("roles", roles) + _yaml_list("encounterTypes", encounter_types),
            encoding="utf-8",
        )
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["key", "name", "description", "tags", "parent"])
        for i in range(n["locations"]):
            parent = f"Location {b}-{i // 10}" if i >= 10 else ""
            w.writerow(
                [
                    f"Location {b}-{i}",
                    f"Location {i}",
                    f"Ward {i} of bundle {b}",
                    f"Tag {b}-{i % n['locationTags']}",
                    parent,
                ]
            )
        (folder / "locations.csv").write_text(buf.getvalue(), encoding="utf-8")
        for ns in counts:
            counts[ns] += n[ns]
    counts["locationTags"] += sum(1 for b in range(1, bundles) if b % 10 == 0)
    counts["privileges"] += sum(1 for b in range(1, bundles) if b % 4 == 0)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--objects", type=int, default=20_000)
    ap.add_argument("--bundles", type=int, default=20)
    args = ap.parse_args()
    counts = make_config(args.out, args.objects, args.bundles)
    print(f"{args.out}: {sum(counts.values())} objects {counts}")


if __name__ == "__main__":
    main()
