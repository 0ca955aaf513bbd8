"""The effective configuration: for an object defined in several places, which definition
wins, and how the others differ from it.

`resolve` is pure (plain definitions and a rule), so the batch's report and the editor's
hover answer alike; the rule is the namespace's dialect's (`Dialect.effective_rule`):
either the first definition in path order is kept (the others are *defined again*), or
every definition is loaded and the last one loaded overwrites the others. The functions
below gather the definitions of one object, of one file's objects or of every object from
the project index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bundle_ls.dialects.objects import ENTRY, ConfigObject, EffectiveRule
from bundle_ls.documents.facts import content_of, same_content
from bundle_ls.documents.model import Range
from bundle_ls.project.objects import ProjectObjects, Sources


@dataclass(frozen=True, slots=True)
class Definition:
    """One place that defines an object, with the content to compare."""

    path: str  # relative to the checked directory, `/`-separated
    range: Range  # the key (or identifying cell), 0-based, UTF-16 columns
    value: object  # JSON-able: the object, the entry's value, or a row's cells
    order: int | None = None  # the file's declared load order (None: none declared)
    compared: bool = True  # False when the content was not read: not compared
    label: str = ""  # how the object is shown ("name (uuid)"); "" for its key
    load: tuple | None = None  # its place in the load order, when the dialect knows it


@dataclass(frozen=True, slots=True)
class OtherDefinition:
    """A definition that does not win, and how it differs from the winner."""

    definition: Definition
    identical: bool | None  # None: the content was not compared
    differs: tuple[str, ...]  # fields whose values differ (empty when identical or not a mapping)


@dataclass(frozen=True, slots=True)
class EffectiveValue:
    namespace: str
    key: str  # the key, a mapping entry's dotted path, or a record's identifier
    winner: Definition
    others: tuple[OtherDefinition, ...]
    rule: EffectiveRule

    @property
    def conflicting(self) -> bool:
        return any(o.identical is False for o in self.others)

    @property
    def status(self) -> str:
        """'single', 'identical' (defined again the same way) or 'conflict'."""
        if not self.others:
            return "single"
        return "conflict" if self.conflicting else "identical"

    def places(self) -> list[Definition]:
        return [self.winner, *(o.definition for o in self.others)]


def load_order(d: Definition) -> tuple:
    """The order of loading: the dialect's, else the declared order (none: after every
    ordered file), then path, then place."""
    if d.load is not None:
        return d.load
    return (d.order if d.order is not None else math.inf, d.path, d.range[0], d.range[1])


def path_order(d: Definition) -> tuple:
    return (d.path, d.range)


def differing_fields(a: object, b: object) -> tuple[str, ...]:
    """The fields of two mappings whose values differ (a field absent from one counts)."""
    a, b = content_of(a), content_of(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))
    return ()


def resolve(
    namespace: str, key: str, definitions: Sequence[Definition], rule: EffectiveRule
) -> EffectiveValue:
    """Which of `definitions` (at least one) wins under `rule`, and how the others differ."""
    if not definitions:
        raise ValueError(f"{namespace} key {key!r}: no definition to resolve")
    if rule.last_wins:
        ordered = sorted(definitions, key=load_order)
        winner, rest = ordered[-1], ordered[:-1]
    else:
        ordered = sorted(definitions, key=path_order)
        winner, rest = ordered[0], ordered[1:]
    others = []
    for d in rest:
        if not (d.compared and winner.compared):
            others.append(OtherDefinition(d, None, ()))
        elif same_content(d.value, winner.value):
            others.append(OtherDefinition(d, True, ()))
        else:
            others.append(OtherDefinition(d, False, differing_fields(winner.value, d.value)))
    return EffectiveValue(namespace, key, winner, tuple(others), rule)


def definition(o: ConfigObject) -> Definition:
    label = o.label if o.label != o.identity else ""
    return Definition(o.path, o.range, o.value, o.order, o.compared, label, o.load)


# ---- from the project index -----------------------------------------------------------------


def effective_values(
    objects: ProjectObjects,
    sources: Sources | None = None,
    keep: Callable[[str], bool] | None = None,
) -> list[EffectiveValue]:
    """Every object's effective value, by namespace and key (`keep(namespace)`: only
    those). `sources` reads what the facts do not keep (CSV rows), to compare them and to
    show the winner; without it such objects are not compared."""
    groups: dict[tuple[str, str], list[ConfigObject]] = defaultdict(list)
    for objs in objects.by_file().values():
        if keep is not None:
            objs = [o for o in objs if keep(o.namespace)]
        if sources is not None:
            objs = sources.with_values(objects, objs)
        for o in objs:
            groups[(o.namespace, o.identity)].append(o)
    return [
        resolve(ns, key, [definition(o) for o in objs], objects.rule(ns))
        for (ns, key), objs in sorted(groups.items())
    ]


def same_object(objects: ProjectObjects, o: ConfigObject) -> list[ConfigObject]:
    """Every definition of the object `o` is one of, in any file (`o` itself included)."""
    if o.kind == ENTRY:
        places = objects.index.entries.get((o.namespace, o.entry_path), ())
        return [
            ConfigObject(o.namespace, o.label, o.identity, p, e.range, ENTRY, e.value, True, e.path)
            for p, e in places
        ]
    found: dict[tuple[str, Range], ConfigObject] = {}
    for p, kd in objects.index.keys_of(o.namespace).get(o.identity, ()):
        if p == o.path and kd.range == o.range:
            continue  # `o`'s own key: no need to ask what it belongs to
        other = objects.object_of(p, kd)
        if other is not None and other.identity == o.identity:
            found[(other.path, other.range)] = other
    found.setdefault((o.path, o.range), o)
    return list(found.values())


def effective_of(
    objects: ProjectObjects, o: ConfigObject, sources: Sources | None = None
) -> EffectiveValue:
    """The effective value of the object `o` (from one of its definitions)."""
    defs = same_object(objects, o)
    if sources is not None:
        defs = sources.with_values(objects, defs)
    return resolve(
        o.namespace, o.identity, [definition(d) for d in defs], objects.rule(o.namespace)
    )


def effective_at(
    objects: ProjectObjects, namespace: str, key: str, sources: Sources | None = None
) -> list[EffectiveValue]:
    """The effective value of the object(s) a key of `namespace` names (any identifier of
    a record: its uuid or its name); one answer per object (usually one)."""
    named: dict[str, ConfigObject] = {}
    for p, kd in objects.index.keys_of(namespace).get(key, ()):
        o = objects.object_of(p, kd)
        if o is not None:
            named.setdefault(o.identity, o)
    return [effective_of(objects, named[ident], sources) for ident in sorted(named)]


def also_defined_in(
    objects: ProjectObjects, path: str
) -> list[tuple[ConfigObject, list[ConfigObject]]]:
    """Each object of `path` that other files define too, with those definitions (by path
    and place): the editor's code lens ("also in N files")."""
    out = []
    for o in objects.of_file(path):
        others = [d for d in same_object(objects, o) if d.path != path]
        if others:
            out.append((o, sorted(others, key=lambda d: (d.path, d.range))))
    return out
