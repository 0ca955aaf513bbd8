"""`bundle-ls permissions`: what a user holds and why, and the roles × location tags matrix.

`explain` and `matrix` are pure functions of a `World`; the renderers turn their results
into text, JSON-ready data or CSV. A rule whose condition has an error (syntax, a name that
resolves to nothing) is never evaluated: it is listed as skipped with the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bundle_ls.dialects.permissions.findings import RuleChecker
from bundle_ls.dialects.permissions.logic import (
    Situation,
    atom_text,
    because,
    compiled,
    holds,
    truth,
)
from bundle_ls.dialects.permissions.world import Rule, WorldIndex


class UnknownName(Exception):
    """A role or location given on the command line that the configuration does not
    define; the message says which, with close names."""


@dataclass(frozen=True, slots=True)
class SkippedRule:
    key: str
    reason: str


@dataclass(frozen=True, slots=True)
class RoleReason:
    role: str  # the role the user was given
    via: str  # the role that lists the privilege (the same, or one it includes)


@dataclass(frozen=True, slots=True)
class RuleReason:
    key: str
    atoms: tuple[str, ...]  # `role(Nurse)`, `not role(Student)` …: what made `when` hold


@dataclass(frozen=True, slots=True)
class HeldPrivilege:
    name: str
    reasons: tuple[RoleReason | RuleReason, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    roles: tuple[str, ...]
    location: str | None
    location_path: tuple[str, ...]  # from the top-level location down to it
    location_tags: tuple[str, ...]
    privileges: tuple[HeldPrivilege, ...]
    skipped: tuple[SkippedRule, ...]


def usable_rules(index: WorldIndex) -> tuple[list[Rule], list[SkippedRule]]:
    """The rules that can be evaluated, and the others with their first error."""
    checker = RuleChecker(index)
    ok: list[Rule] = []
    skipped: list[SkippedRule] = []
    for r in index.world.rules:
        errors = [f for f in checker.rule(r) if f.severity == "error"]
        if errors or r.when.expr is None:
            reason = errors[0].message if errors else r.when.error.message if r.when.error else ""
            skipped.append(SkippedRule(r.key, reason))
        else:
            ok.append(r)
    return ok, skipped


def _resolve(index: WorldIndex, func: str, name: str) -> int:
    ident = index.resolve(func, name)  # type: ignore[arg-type]
    if ident is None:
        kind = "role" if func == "role" else "location"
        hints = index.did_you_mean(func, name)  # type: ignore[arg-type]
        tail = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        raise UnknownName(f"no {kind} '{name}' in the configuration{tail}")
    return ident


def _privilege_names(index: WorldIndex) -> dict[str, str]:
    """Privilege identity → the name to show."""
    out: dict[str, str] = {}
    for i in range(len(index.tables["privilege"].entities)):
        out[f"#{i}"] = index.name("privilege", i)
    for r in index.world.roles:
        for p in r.privileges:
            out.setdefault(index.privilege_id(p), p)
    for rule in index.world.rules:
        for p in rule.grant:
            out.setdefault(index.privilege_id(p), p)
    return out


def explain(index: WorldIndex, roles: Sequence[str], location: str | None = None) -> Explanation:
    """Each privilege a user with `roles` holds at `location` (None: no session location),
    and why: the role that holds it, or the rules whose condition holds and the atoms
    that made it hold. Raises `UnknownName` for a role or location no one defines."""
    role_ids = [_resolve(index, "role", r) for r in roles]
    loc = _resolve(index, "location", location) if location is not None else None
    situation = Situation.of(index, role_ids, loc)
    value = truth(index, situation)
    display = _privilege_names(index)
    reasons: dict[str, list[RoleReason | RuleReason]] = {}
    for p in sorted(situation.privileges):
        src = index.privilege_source(role_ids, p)
        if src is not None:
            held, via = src
            reasons.setdefault(p, []).append(
                RoleReason(index.name("role", held), index.name("role", via))
            )
    rules, skipped = usable_rules(index)
    for rule in rules:
        e = rule.when.expr
        assert e is not None
        if not holds(e, value):
            continue
        why = tuple(atom_text(a, v) for a, v in because(e, value)) or ("true",)
        for g in rule.grant:
            reasons.setdefault(index.privilege_id(g), []).append(RuleReason(rule.key, why))
    held = [
        HeldPrivilege(display.get(p, p), tuple(rs))
        for p, rs in sorted(reasons.items(), key=lambda kv: display.get(kv[0], kv[0]).lower())
    ]
    path: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    if loc is not None:
        chain = sorted(
            index.location_ancestors[loc], key=lambda a: len(index.location_ancestors[a])
        )
        path = tuple(index.name("location", a) for a in chain)
        tags = tuple(sorted((_tag_name(index, t) for t in index.location_tags[loc]), key=str.lower))
    return Explanation(
        tuple(index.name("role", r) for r in role_ids),
        index.name("location", loc) if loc is not None else None,
        path,
        tags,
        tuple(held),
        tuple(skipped),
    )


def _tag_name(index: WorldIndex, tag_id: str) -> str:
    if tag_id.startswith("#"):
        return index.name("tag", int(tag_id[1:]))
    for loc in index.world.locations:
        for t in loc.tags:
            if index.tag_id(t) == tag_id:
                return t
    return tag_id


# ---- the matrix -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatrixCell:
    role: str
    tag: str
    everywhere: tuple[str, ...]  # privileges rules grant at every location carrying the tag
    somewhere: tuple[tuple[str, tuple[str, ...]], ...]  # (privilege, the locations) for others


@dataclass(frozen=True, slots=True)
class Matrix:
    roles: tuple[str, ...]
    tags: tuple[str, ...]
    cells: tuple[MatrixCell, ...]  # role by role, tag by tag
    skipped: tuple[SkippedRule, ...] = field(default=())


def matrix(
    index: WorldIndex, roles: Sequence[int] | None = None, tags: Sequence[int] | None = None
) -> Matrix:
    """For each role (held alone, with the roles it includes) and each location tag: the
    privileges rules grant at the locations that carry the tag — at every one of them, or
    only at some (named). A tag no described location carries is judged at a location
    that carries only that tag and lies in no described location. `roles`, `tags`: the
    entities to show (default: all)."""
    rules, skipped = usable_rules(index)
    compiled_rules = [(compiled(index, r.when.expr), r) for r in rules]  # type: ignore[arg-type]
    display = _privilege_names(index)
    if tags is None:
        tags = range(len(index.tables["tag"].entities))
    if roles is None:
        roles = range(len(index.tables["role"].entities))
    cells = []
    for role in roles:
        for tag in tags:
            tid = f"#{tag}"
            places: list[int | None] = list(index.locations_with_tag.get(tid, [])) or [None]
            granted: dict[str, list[int | None]] = {}
            for place in places:
                s = Situation.of(index, [role], place, [tid])
                for fn, r in compiled_rules:
                    if fn(s):
                        for g in r.grant:
                            granted.setdefault(index.privilege_id(g), []).append(place)
            every = []
            some = []
            for p, where in granted.items():
                name = display.get(p, p)
                unique = list(dict.fromkeys(where))
                if len(unique) == len(places):
                    every.append(name)
                else:
                    some.append(
                        (name, tuple(index.name("location", w) for w in unique if w is not None))
                    )
            cells.append(
                MatrixCell(
                    index.name("role", role),
                    index.name("tag", tag),
                    tuple(sorted(every, key=str.lower)),
                    tuple(sorted(some, key=lambda x: x[0].lower())),
                )
            )
    return Matrix(
        tuple(index.name("role", r) for r in roles),
        tuple(index.name("tag", t) for t in tags),
        tuple(cells),
        tuple(skipped),
    )


# ---- rendering ------------------------------------------------------------------------------


def explanation_text(x: Explanation) -> str:
    where = "no session location"
    if x.location is not None:
        where = " › ".join(x.location_path)
        where += f" (tags: {', '.join(x.location_tags)})" if x.location_tags else " (no tags)"
    out = [f"roles {', '.join(x.roles)} at {where}"]
    if not x.privileges:
        out.append("  holds no privilege")
    for p in x.privileges:
        out.append(f"  {p.name}")
        for r in p.reasons:
            if isinstance(r, RoleReason):
                via = f" (through {r.via})" if r.via != r.role else ""
                out.append(f"      role {r.role}{via}")
            else:
                out.append(f"      rule {r.key}: {' and '.join(r.atoms)}")
    out.extend(_skipped_text(x.skipped))
    return "\n".join(out) + "\n"


def _skipped_text(skipped: Iterable[SkippedRule]) -> list[str]:
    skipped = list(skipped)
    if not skipped:
        return []
    return ["rules not evaluated (they have errors):"] + [f"  {s.key}: {s.reason}" for s in skipped]


def explanation_json(x: Explanation) -> dict[str, Any]:
    return {
        "roles": list(x.roles),
        "location": x.location,
        "locationPath": list(x.location_path),
        "locationTags": list(x.location_tags),
        "privileges": [
            {
                "privilege": p.name,
                "because": [
                    {"role": r.role, "via": r.via}
                    if isinstance(r, RoleReason)
                    else {"rule": r.key, "atoms": list(r.atoms)}
                    for r in p.reasons
                ],
            }
            for p in x.privileges
        ],
        "skippedRules": [{"rule": s.key, "reason": s.reason} for s in x.skipped],
    }


def matrix_text(m: Matrix) -> str:
    out = []
    by_role: dict[str, list[MatrixCell]] = {}
    for c in m.cells:
        by_role.setdefault(c.role, []).append(c)
    width = max((len(t) for t in m.tags), default=0)
    for role in m.roles:
        out.append(role)
        for c in by_role.get(role, []):
            parts = list(c.everywhere)
            parts += [f"{p} (only at {', '.join(w)})" for p, w in c.somewhere]
            out.append(f"  {c.tag.ljust(width)}  {', '.join(parts) if parts else '-'}")
    if not m.tags:
        out.append("(no location tags are defined)")
    out.extend(_skipped_text(m.skipped))
    return "\n".join(out) + "\n"


def matrix_json(m: Matrix) -> dict[str, Any]:
    return {
        "roles": list(m.roles),
        "tags": list(m.tags),
        "cells": [
            {
                "role": c.role,
                "tag": c.tag,
                "privileges": list(c.everywhere),
                "onlyAt": {p: list(w) for p, w in c.somewhere},
            }
            for c in m.cells
        ],
        "skippedRules": [{"rule": s.key, "reason": s.reason} for s in m.skipped],
    }


def matrix_csv(m: Matrix) -> str:
    """One row per (role, tag, privilege); `where` is empty for every location carrying
    the tag, else the locations separated by ';'."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["role", "tag", "privilege", "where"])
    for c in m.cells:
        for p in c.everywhere:
            w.writerow([c.role, c.tag, p, ""])
        for p, where in c.somewhere:
            w.writerow([c.role, c.tag, p, ";".join(where)])
    return buf.getvalue()
