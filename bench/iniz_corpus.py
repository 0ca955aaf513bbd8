"""An Initializer-shaped configuration folder of any size (fixed seed), for benchmarks and for
the growth test of `make test` (tests/speed/).

    python bench/iniz_corpus.py DIR ROWS        # writes DIR/configuration/... with ROWS rows

What it writes, in the proportions of a real distribution grown large:

- `locations/`: half the rows. Each location has a `Parent` (an earlier location, by name)
  and `Tags` (two or three of 40 tag names; Initializer creates a tag it does not find, so
  these tags are defined only by the cells that name them). One file holds the first
  `big_locations` rows (the file an editor edits), the rest are files of 30 rows.
- `locationtags/locationtags.csv`: a quarter of the tags, defined explicitly.
- `concepts/`: 45 % of the rows, files of 500. Coded concepts have `Answers` (three earlier
  concepts, by name), ConvSets `Members`.
- `privileges/`, `roles/`: the rest. Roles inherit an earlier role and hold privileges,
  local ones and core ones.
- One row in 200 has a typical mistake: a reference with a one-letter typo of a local
  name (`unresolved-reference`), or a location uuid used twice (`duplicate-uuid`).

`make(root, rows)` returns what it planted, so a caller can check the findings.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

TAGS = [f"Tag{t:02d} {w}" for t, w in enumerate(["Login", "Visit", "Admission", "Ward"] * 10)]
CORE_PRIVILEGES = ["Get Patients", "Add Patients", "Edit Patients", "Get Encounters"]
LOCATION_FILE_ROWS = 30
CONCEPT_FILE_ROWS = 500
MISTAKE_EVERY = 200


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _typo(name: str) -> str:
    """One letter changed inside the name's longest word (a near miss, not another name)."""
    words = name.split(" ")
    i = max(range(len(words)), key=lambda j: len(words[j]))
    w = words[i]
    k = len(w) // 2
    words[i] = w[:k] + ("x" if w[k] != "x" else "y") + w[k + 1 :]
    return " ".join(words)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def make(
    root: Path, rows: int, big_locations: int = 10_000, seed: int = 15, tags: int = len(TAGS)
) -> dict:
    """Write the folder under `root/configuration`; returns its files and planted mistakes.
    `tags`: how many of the tag names the locations use (fewer: each is created by more
    locations)."""
    rng = random.Random(seed)
    tag_names = TAGS[: max(3, tags)]
    conf = Path(root) / "configuration"
    n_loc = rows // 2
    n_con = rows * 45 // 100
    n_priv = max(10, (rows - n_loc - n_con) // 2)
    n_role = max(10, rows - n_loc - n_con - n_priv)
    planted = {"unresolved-reference": 0, "duplicate-uuid": 0}

    loc_names = [f"Location {i:06d} Ward" for i in range(n_loc)]
    loc_uuids = [_uuid(rng) for _ in range(n_loc)]
    loc_rows = []
    for i in range(n_loc):
        parent = loc_names[rng.randrange(i)] if i else ""
        cell = "; ".join(rng.sample(tag_names, rng.choice((2, 3))))
        uid = loc_uuids[i]
        if i and i % MISTAKE_EVERY == 0:
            if (i // MISTAKE_EVERY) % 2:
                parent = _typo(loc_names[i - 1])
                planted["unresolved-reference"] += 1
            else:
                uid = loc_uuids[i - 1]
                planted["duplicate-uuid"] += 2  # reported at both places
        loc_rows.append([uid, loc_names[i], f"Description of {loc_names[i]}", parent, cell])
    header = ["Uuid", "Name", "Description", "Parent", "Tags"]
    big = min(big_locations, n_loc)
    files = {"big_locations": "configuration/locations/locations.csv"}
    _write(conf / "locations" / "locations.csv", header, loc_rows[:big])
    for f, start in enumerate(range(big, n_loc, LOCATION_FILE_ROWS)):
        chunk = loc_rows[start : start + LOCATION_FILE_ROWS]
        _write(conf / "locations" / f"district-{f:05d}.csv", header, chunk)
    _write(
        conf / "locationtags" / "locationtags.csv",
        ["Uuid", "Name", "Description"],
        [[_uuid(rng), t, "explicit tag"] for t in tag_names[: max(1, len(tag_names) // 4)]],
    )

    con_names = [f"Concept {i:06d} finding" for i in range(n_con)]
    con_rows = []
    for i in range(n_con):
        kind = i % 10
        answers = members = ""
        dtype, dclass = "Text", "Finding"
        if kind in (1, 2) and i >= 3:
            dtype, dclass = "Coded", "Question"
            answers = "; ".join(con_names[j] for j in rng.sample(range(i), 3))
        elif kind == 3 and i >= 3:
            dtype, dclass = "N/A", "ConvSet"
            members = "; ".join(con_names[j] for j in rng.sample(range(i), 3))
        if i and i % MISTAKE_EVERY == 1 and answers:
            answers = _typo(con_names[i - 1]) + "; " + answers
            planted["unresolved-reference"] += 1
        con_rows.append(
            [_uuid(rng), con_names[i], f"C{i}", dclass, dtype, answers, members, f"CIEL:{i}"]
        )
    header = [
        "Uuid",
        "Fully specified name:en",
        "Short name:en",
        "Data class",
        "Data type",
        "Answers",
        "Members",
        "Same as mappings",
    ]
    for f, start in enumerate(range(0, n_con, CONCEPT_FILE_ROWS)):
        _write(
            conf / "concepts" / f"concepts-{f:04d}.csv",
            header,
            con_rows[start : start + CONCEPT_FILE_ROWS],
        )

    priv_names = [f"App: bench.privilege{i:05d}" for i in range(n_priv)]
    _write(
        conf / "privileges" / "privileges.csv",
        ["Uuid", "Privilege name", "Description"],
        [[_uuid(rng), p, "a privilege"] for p in priv_names],
    )
    role_names = [f"Application Role: bench{i:05d}" for i in range(n_role)]
    role_rows = []
    for i in range(n_role):
        inherited = role_names[rng.randrange(i)] if i else ""
        privs = [*rng.sample(priv_names, min(4, n_priv)), rng.choice(CORE_PRIVILEGES)]
        role_rows.append([_uuid(rng), role_names[i], "a role", inherited, "; ".join(privs)])
    _write(
        conf / "roles" / "roles.csv",
        ["Uuid", "Role name", "Description", "Inherited roles", "Privileges"],
        role_rows,
    )
    files["rows"] = n_loc + n_con + n_priv + n_role + 10
    return {
        "dir": str(root),
        "files": files,
        "planted": planted,
        "big_location_names": loc_names[:big],
        "tags": TAGS,
    }


if __name__ == "__main__":
    out = make(Path(sys.argv[1]), int(sys.argv[2]))
    print({k: v for k, v in out.items() if k not in ("big_location_names", "tags")})
