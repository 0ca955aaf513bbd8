"""The effective configuration: for one key defined in several places, which definition wins.

Pure functions over plain definitions (no index, no files), so the report and the editor's
hover answer the same way. Two rules, one per kind of configuration:

- **first** (Config Directory YAML/CSV, the contract's namespaces and mapping entries): the
  merged config tree keeps the first definition in path order (then position in the file);
  every later one is, for the checker, "defined again" — a `duplicate-key` when identical, a
  `conflict` when it differs (docs/architecture.md: "the first definition itself stays
  clean"). The winner here is the definition those findings point back to.
- **last** (Initializer entities): Initializer loads every definition and the one loaded last
  overwrites the others: files of a domain in `_order` order (a file without `_order` comes
  last), then by path; rows in file order (docs/initializer.md, `OrderedFile.compareTo`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Range = tuple[int, int, int, int]
Rule = Literal["first", "last"]

RULE_WORDS: dict[str, str] = {
    "first": "the first definition in path order is kept; later ones are defined again",
    "last": "Initializer loads every definition; the one loaded last (_order, then path, "
    "then row) overwrites the others",
}


@dataclass(frozen=True, slots=True)
class Definition:
    """One place that defines a key, with the content to compare."""

    path: str  # relative to the Config Directory, `/`-separated
    range: Range  # the key (or identifying cell), 0-based, UTF-16 columns
    value: object  # JSON-able: the object, the mapping entry's value, or a CSV row's cells
    # Initializer: the file's `_order:N` (None: no order, loaded after every ordered file)
    order: int | None = None
    compared: bool = True  # False when the content was not read (a JSON form): not compared


@dataclass(frozen=True, slots=True)
class OtherDefinition:
    """A definition that does not win, and how it differs from the winner."""

    definition: Definition
    identical: bool | None  # None: the content was not compared
    differs: tuple[str, ...]  # fields whose values differ (empty when identical or not a mapping)


@dataclass(frozen=True, slots=True)
class EffectiveValue:
    namespace: str
    key: str  # the key, a mapping entry's dotted path, or an Initializer entity's identifier
    winner: Definition
    others: tuple[OtherDefinition, ...]
    rule: Rule

    @property
    def conflicting(self) -> bool:
        return any(o.identical is False for o in self.others)

    @property
    def status(self) -> str:
        """'single', 'identical' (defined again the same way) or 'conflict'."""
        if not self.others:
            return "single"
        return "conflict" if self.conflicting else "identical"


def load_order(d: Definition) -> tuple:
    """Initializer's order of loading within one domain: `_order` (absent = last), path, row."""
    return (d.order if d.order is not None else math.inf, d.path, d.range[0], d.range[1])


def path_order(d: Definition) -> tuple:
    return (d.path, d.range)


def differing_fields(a: object, b: object) -> tuple[str, ...]:
    """The fields of two mappings whose values differ (a field absent from one counts)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))
    return ()


def resolve(
    namespace: str, key: str, definitions: Sequence[Definition], rule: Rule
) -> EffectiveValue:
    """Which of `definitions` (at least one) wins under `rule`, and how the others differ."""
    if not definitions:
        raise ValueError(f"{namespace} key {key!r}: no definition to resolve")
    if rule == "first":
        ordered = sorted(definitions, key=path_order)
        winner, rest = ordered[0], ordered[1:]
    else:
        ordered = sorted(definitions, key=load_order)
        winner, rest = ordered[-1], ordered[:-1]
    others = []
    for d in rest:
        if not (d.compared and winner.compared):
            others.append(OtherDefinition(d, None, ()))
        elif d.value == winner.value:
            others.append(OtherDefinition(d, True, ()))
        else:
            others.append(OtherDefinition(d, False, differing_fields(winner.value, d.value)))
    return EffectiveValue(namespace, key, winner, tuple(others), rule)
