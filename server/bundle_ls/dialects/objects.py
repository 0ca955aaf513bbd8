"""Configuration objects: what a namespace holds, as the report counts it and the effective
configuration compares it.

A file's facts hold key definitions and mapping entries; a dialect says which of them make
one *object* (an Initializer CSV row names one entity by several identifiers: one object),
which namespaces only list things (installed modules: not configuration), and how the
consumer of a namespace picks one of several definitions of the same object (its
`EffectiveRule`). The defaults here are the plainest reading: every key definition and
every mapping entry is one object, and the first definition in path order wins.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from bundle_ls.documents.facts import Entry, FileFacts, KeyDef
from bundle_ls.documents.model import Range

KEY = "key"  # a key definition of a namespace
ENTRY = "entry"  # a leaf of a merged mapping namespace
RECORD = "record"  # several identifiers of one record (a CSV row, a form): one object


@dataclass(frozen=True, slots=True)
class ConfigObject:
    """One object of a namespace, as counted, listed and compared."""

    namespace: str
    label: str  # what a person recognises it by: the key, or "name (uuid)"
    identity: str  # the key that names it across files (the effective configuration's key)
    path: str  # the file, relative to the checked directory
    range: Range  # its key, or its identifying cell
    kind: str = KEY  # KEY, ENTRY or RECORD
    value: object = None  # what is compared between definitions (JSON-able)
    compared: bool = True  # False until its content is read (a dialect's `object_values`)
    entry_path: tuple[str, ...] = ()  # a mapping entry's path (a dotted key may be one step)
    # The file's declared place in its consumer's load order (None: none declared).
    order: int | None = None
    # Where each key definition that names it is (a record has several; () for an entry).
    key_ranges: tuple[Range, ...] = ()
    # Its place in the order its consumer loads definitions, comparable within a namespace,
    # when the dialect knows it (None: declared order, then path, then place).
    load: tuple | None = None


@dataclass(frozen=True, slots=True)
class EffectiveRule:
    """How the consumer of a namespace picks one of several definitions of an object.

    `last_wins` False: the first in path order (then position) is kept and the others are
    defined again. True: every definition is loaded in order — the file's declared order
    (none declared: after every ordered file), then path, then position — and the last one
    loaded overwrites the others."""

    id: str  # a short name the report's page and its JSON use ("first", "last")
    last_wins: bool
    explanation: str  # for people: why the winner wins


FIRST_IN_PATH_ORDER = EffectiveRule(
    "first",
    False,
    "the first definition in path order is kept; the later ones are defined again",
)


def key_object(path: str, kd: KeyDef) -> ConfigObject:
    return ConfigObject(
        kd.namespace,
        kd.key,
        kd.key,
        path,
        kd.range,
        KEY,
        kd.value,  # a Compact text while only counted or compared; `content_of` reads it
        key_ranges=(kd.range,),
    )


def entry_object(path: str, e: Entry) -> ConfigObject:
    dotted = ".".join(e.path)
    return ConfigObject(e.namespace, dotted, dotted, path, e.range, ENTRY, e.value, True, e.path)


def plain_objects(facts: FileFacts, listing: Callable[[str], bool]) -> list[ConfigObject]:
    """Every key definition and every mapping entry of a file (listing namespaces aside),
    in file order."""
    out = [key_object(facts.path, kd) for kd in facts.keys if not listing(kd.namespace)]
    out.extend(entry_object(facts.path, e) for e in facts.entries)
    out.sort(key=lambda o: o.range)
    return out


def contains(r: Range, line: int, ch: int) -> bool:
    return (r[0], r[1]) <= (line, ch) <= (r[2], r[3])


def plain_object_at(
    facts: FileFacts, line: int, ch: int, listing: Callable[[str], bool]
) -> ConfigObject | None:
    """The key definition or mapping entry whose key holds the position."""
    keys = facts.keys
    # Key definitions are kept in file order: look only at those starting on the line.
    i = bisect_left(keys, line, key=lambda k: k.range[0])
    while i < len(keys) and keys[i].range[0] == line:
        kd = keys[i]
        if contains(kd.range, line, ch) and not listing(kd.namespace):
            return key_object(facts.path, kd)
        i += 1
    for e in facts.entries:
        if contains(e.range, line, ch):
            return entry_object(facts.path, e)
    return None
