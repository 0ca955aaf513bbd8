"""The permission rules of a project and the world they speak about, read from the project
index: roles, privileges, location tags and locations from the module schemas' YAML keys,
from Initializer's domain CSVs and from what the installed modules create.

The world is kept in the index's `derived` store until a definition it is built from
changes (`ProjectIndex.read_generation` of the language moves), and the findings of every
rule until the index changes at all; a `RuleChecker` remembers its judgements by
condition text, so after an edit of one rule only that rule is judged again (and, for
redundancy, the rules granting the same privileges).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bundle_ls.dialects.permissions.expr import Func, parse
from bundle_ls.dialects.permissions.findings import RuleChecker, RuleFinding
from bundle_ls.dialects.permissions.terms import (
    INIZ,
    LANGUAGE,
    NAMESPACES,
    PackEntity,
    RuleValue,
)
from bundle_ls.dialects.permissions.world import (
    Location,
    LocationTag,
    Origin,
    Privilege,
    Role,
    Rule,
    World,
    WorldIndex,
)
from bundle_ls.documents.facts import Embedded, FileFacts, KeyDef, content_of
from bundle_ls.documents.model import Range
from bundle_ls.index.project_index import ProjectIndex


def absolute(fact: Embedded, rng: Range) -> Range:
    base = fact.range[0]
    return (base + rng[0], rng[1], base + rng[2], rng[3])


# ---- the world ----------------------------------------------------------------------------


def world_of(index: ProjectIndex, pack: Sequence[PackEntity], rules: Sequence[Rule] = ()) -> World:
    """The world the project's definitions describe (and `rules`, for explanations)."""
    out: dict[Func, list] = {f: [] for f in NAMESPACES}
    for func, (yaml_ns, iniz_ns) in NAMESPACES.items():
        for key, defs in index.keys_of(yaml_ns).items():
            for path, kd in defs:
                out[func].append(_from_yaml(func, key, path, kd))
        out[func].extend(_from_initializer(index, func, iniz_ns))
    for e in pack:
        origin = Origin(f"created by the installed module '{e.module}'")
        aliases = (e.uuid,) if e.uuid else ()
        cls = {"role": Role, "privilege": Privilege, "tag": LocationTag, "location": Location}
        out[e.func].append(cls[e.func](e.name, aliases=aliases, origins=(origin,)))
    return World(
        tuple(out["role"]),
        tuple(out["privilege"]),
        tuple(out["tag"]),
        tuple(out["location"]),
        tuple(rules),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, (str, int, float)))
    return ()


def _from_yaml(func: Func, key: str, path: str, kd: KeyDef):
    content = content_of(kd.value)
    value: Mapping[str, Any] = content if isinstance(content, dict) else {}
    desc = value.get("description")
    desc = desc if isinstance(desc, str) else None
    origin = (Origin(f"{NAMESPACES[func][0]} key in {path}", path, kd.range),)
    if func == "role":
        return Role(
            key,
            _strings(value.get("inheritedRoles")),
            _strings(value.get("privileges")),
            description=desc,
            origins=origin,
        )
    if func == "location":
        parent = value.get("parent")
        return Location(
            key,
            parent if isinstance(parent, str) else None,
            _strings(value.get("tags")),
            description=desc,
            origins=origin,
        )
    cls = Privilege if func == "privilege" else LocationTag
    return cls(key, description=desc, origins=origin)


@dataclass(slots=True)
class _Row:
    """One row of an Initializer domain CSV: its identifiers and the references in it."""

    path: str
    range: Range
    name: str | None = None
    ids: list[str] = field(default_factory=list)
    refs: dict[str, list[str]] = field(default_factory=dict)  # namespace → names


def _from_initializer(index: ProjectIndex, func: Func, namespace: str) -> list:
    """The entities of an Initializer domain: one per row, named by its name column, with
    its uuid as an alias; a role's `Inherited roles` and `Privileges`, a location's
    `Parent` and `Tags` are the references in its row. A tag a locations `Tags` cell
    creates is a tag of its own."""
    bucket = index.keys_of(namespace)
    if not bucket:
        return []
    paths = sorted({p for defs in bucket.values() for p, _kd in defs})
    out: list = []
    for path in paths:
        facts = index.files.get(path)
        if facts is not None:
            out.extend(_rows_entities(func, namespace, facts))
    return out


def _rows_entities(func: Func, namespace: str, facts: FileFacts) -> list:
    rows: dict[int, _Row] = {}
    out: list = []
    for kd in facts.keys:
        content = content_of(kd.value)
        value = content if isinstance(content, dict) else {}
        if kd.namespace != namespace:
            continue
        if value.get("id") == "created":
            origin = Origin("created by a locations Tags cell", facts.path, kd.range)
            out.append(LocationTag(kd.key, origins=(origin,)))
            continue
        line = value.get("line", kd.range[0])
        row = rows.get(line)
        if row is None:
            row = rows[line] = _Row(facts.path, kd.range)
        row.ids.append(kd.key)
        if isinstance(value.get("name"), str):
            row.name = value["name"]
    if rows:
        starts = sorted(rows)
        for ref in facts.refs:
            i = bisect_right(starts, ref.range[0]) - 1
            if i >= 0 and ref.namespaces and not ref.language:
                rows[starts[i]].refs.setdefault(ref.namespaces[0], []).append(ref.key)
    for row in rows.values():
        out.append(_row_entity(func, row))
    return out


def _row_entity(func: Func, row: _Row):
    name = row.name or row.ids[0]
    aliases = tuple(i for i in row.ids if i != name)
    domain = FUNC_OF_DOMAIN[func]
    origin = (Origin(f"Initializer {domain} in {row.path}", row.path, row.range),)
    refs = row.refs
    if func == "role":
        inherits = tuple(refs.get("iniz:roles", ()))
        privileges = tuple(refs.get("iniz:privileges", ()))
        return Role(name, inherits, privileges, aliases, origins=origin)
    if func == "location":
        parent = next(iter(refs.get("iniz:locations", ())), None)
        tags = tuple(refs.get("iniz:locationtags", ()))
        return Location(name, parent, tags, aliases, origins=origin)
    cls = Privilege if func == "privilege" else LocationTag
    return cls(name, aliases, origins=origin)


FUNC_OF_DOMAIN: dict[Func, str] = {f: nss[1][len(INIZ) :] for f, nss in NAMESPACES.items()}


# ---- the rules and their findings ---------------------------------------------------------


@dataclass(slots=True)
class ProjectRules:
    """The world of one state of the index, its checker, and every rule's findings."""

    read_generation: int
    world: WorldIndex
    checker: RuleChecker
    generation: int = -1
    rules: list[tuple[str, Embedded, Rule]] = field(default_factory=list)
    findings: dict[int, list[RuleFinding]] = field(default_factory=dict)  # id(value) →
    places: dict[str, list[tuple[str, Embedded]]] = field(default_factory=dict)  # key →
    # (function, name) → None when it resolves, else the close names (in this world)
    unresolved: dict[tuple[str, str], list[str] | None] = field(default_factory=dict)

    def hints(self, func: Func, name: str) -> list[str] | None:
        """None when `name` resolves in the world, else the names close to it."""
        key = (func, name)
        if key not in self.unresolved:
            found = self.world.resolve(func, name) is not None
            self.unresolved[key] = None if found else self.world.did_you_mean(func, name)
        return self.unresolved[key]


def project_world(index: ProjectIndex, pack: Sequence[PackEntity]) -> ProjectRules:
    """The project's world and checker, kept in `index.derived` until a definition it is
    built from changes; the rules' findings in it may be out of date (`project_rules`)."""
    state = index.derived.get(LANGUAGE)
    read_generation = index.read_generation[LANGUAGE]
    if not isinstance(state, ProjectRules) or state.read_generation != read_generation:
        world = WorldIndex(world_of(index, pack))
        state = ProjectRules(read_generation, world, RuleChecker(world))
        index.derived[LANGUAGE] = state  # type: ignore[assignment]
    return state


def project_rules(index: ProjectIndex, pack: Sequence[PackEntity]) -> ProjectRules:
    """The rules of the project, judged against its world (kept in `index.derived`)."""
    state = project_world(index, pack)
    if state.generation != index.generation:
        state.rules = list(rules_of(index))
        state.places = {}
        for path, fact, rule in state.rules:
            state.places.setdefault(rule.key, []).append((path, fact))
        judged = state.checker.rules([r for _p, _f, r in state.rules])
        state.findings = {id(f): fs for (_p, f, _r), fs in zip(state.rules, judged, strict=True)}
        state.generation = index.generation
    return state


def rules_of(index: ProjectIndex) -> Iterable[tuple[str, Embedded, Rule]]:
    """Every `permissionRules` rule of the project, in path and document order."""
    for path in sorted(index.embedders.get(LANGUAGE, ())):
        facts = index.files.get(path)
        if facts is None:
            continue
        for fact in facts.embedded:
            data = fact.data
            if fact.language == LANGUAGE and isinstance(data, RuleValue) and data.grant is not None:
                yield path, fact, Rule(data.key or "", data.grant, parse(fact.text))
