"""Initializer's configuration as objects: one per entity a file defines.

A CSV row names one entity by several identifiers (its uuid, its name, a concept's FSN
and mappings), each a key definition of `iniz:<domain>`: together they are one object,
named across files by its uuid (else by its name). An AMPATH form file is one object
whatever line its identifiers are on; a global property is one object with its value.
Initializer loads every definition of an entity and the one loaded last wins: the files
of a domain in `_order` order (a file without `_order` after every ordered one), then by
path, then rows in file order (`OrderedFile.compareTo`, docs/initializer.md).
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bundle_ls.dialects.initializer.identity import MAX_ORDER, row_def
from bundle_ls.dialects.initializer.layout import Layout, special_file
from bundle_ls.dialects.initializer.spec import CONSTANT_NS, MODULE_NS, PREFIX, pretty
from bundle_ls.dialects.objects import (
    RECORD,
    ConfigObject,
    EffectiveRule,
    contains,
    key_object,
)
from bundle_ls.documents.facts import FileFacts, KeyDef
from bundle_ls.documents.positions import split_lines

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex

DEPENDENCY_NS = "iniz:dependency"  # dependencies.yml's parent configurations
# Listings, not configuration: not counted as objects.
LISTING_NAMESPACES = frozenset((MODULE_NS, DEPENDENCY_NS))
CONSTANT = "constant"  # the kind of a constant of constants.yml
CREATED = "created"  # a location tag a Tags cell creates: a reference, not a row
# Identifier kinds that name an entity, most telling first (a uuid is the entity).
NAME_KINDS = ("name", "privilege name", "role name", "fsn")

LAST_LOADED = EffectiveRule(
    "last",
    True,
    "Initializer loads every definition; the one loaded last (_order, then path, then row) "
    "overwrites the others",
)


def namespace_label(namespace: str) -> str:
    if namespace == CONSTANT_NS:
        return "Initializer constants"
    if namespace == MODULE_NS:
        return "Installed modules"
    if namespace == DEPENDENCY_NS:
        return "Parent configurations"
    return f"Initializer {namespace[len(PREFIX) :]}"


def short_label(namespace: str) -> str:
    if namespace in (CONSTANT_NS, MODULE_NS, DEPENDENCY_NS):
        return namespace_label(namespace)
    return namespace[len(PREFIX) :]


def effective_rule(namespace: str) -> EffectiveRule | None:
    """Constants: the first definition, as the placeholder hover shows it (None: the
    default); entities: the last loaded."""
    return None if namespace == CONSTANT_NS else LAST_LOADED


# ---- rows as objects --------------------------------------------------------------------------


def _row_line(path: str, kd: KeyDef) -> int | None:
    """The row of an entity identifier (0 for every identifier of a JSON file, which is
    one object); None for a key that is not an entity identifier."""
    v = kd.value
    if not (isinstance(v, dict) and "line" in v and "id" in v) or v["id"] == CREATED:
        return None
    return 0 if path.lower().endswith(".json") else int(v["line"])


def _plain(path: str, kd: KeyDef) -> ConfigObject:
    if kd.namespace == CONSTANT_NS:
        return ConfigObject(
            kd.namespace, kd.key, kd.key, path, kd.range, CONSTANT, kd.value, key_ranges=(kd.range,)
        )
    return key_object(path, kd)


def file_objects(layout: Layout, facts: FileFacts) -> list[ConfigObject]:
    out: list[ConfigObject] = []
    rows: dict[tuple[str, int], list[KeyDef]] = {}
    for kd in facts.keys:
        if kd.namespace in LISTING_NAMESPACES:
            continue
        line = _row_line(facts.path, kd) if kd.namespace.startswith(PREFIX) else None
        if line is not None:
            rows.setdefault((kd.namespace, line), []).append(kd)
        elif not (isinstance(kd.value, dict) and kd.value.get("id") == CREATED):
            out.append(_plain(facts.path, kd))
    out.extend(row_object(layout, facts.path, ns, kds) for (ns, _line), kds in rows.items())
    out.sort(key=lambda o: o.range)
    return out


def row_object(layout: Layout, path: str, ns: str, kds: list[KeyDef]) -> ConfigObject:
    """A row (or a form, or a global property) from its identifier keys. What it sets is
    in the facts when the row has a uuid (csvcheck's row record: `content`, `order`);
    else it is read from the file (`object_values`)."""
    by_kind: dict[str, KeyDef] = {}
    for kd in kds:
        by_kind.setdefault(kd.value["id"], kd)  # type: ignore[index]
    ident = by_kind.get("uuid") or next((by_kind[k] for k in NAME_KINDS if k in by_kind), None)
    if ident is None:
        ident = min(kds, key=lambda k: k.range)
    name = kds[0].value.get("name")  # type: ignore[union-attr]
    if name is None:
        name = next((by_kind[k].key for k in NAME_KINDS if k in by_kind), None)
    label = ident.key if name is None or name == ident.key else f"{name} ({ident.key})"
    held: dict[str, Any] = ident.value  # type: ignore[assignment]
    load = row_def(layout, path, ident.range, held).load
    found = ConfigObject(
        ns,
        label,
        ident.key,
        path,
        ident.range,
        RECORD,
        None,
        False,
        (),
        _shown_order(load[0]),
        tuple(kd.range for kd in kds),
        load,
    )
    if "value" in held:  # a global property: its value is in the facts
        return replace(found, value=held["value"], compared=True)
    if "content" in held:
        return replace(found, value=_content(held["content"]), compared=True)
    return found


def _content(content: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """A row's record as people read it: {Header: cell}; a JSON file's, its digest."""
    if len(content) == 1 and content[0][0] == "json":
        return {"file content (digest)": content[0][1]}
    return {pretty(name): text for name, text in content}


def _shown_order(order: int) -> int | None:
    return None if order == MAX_ORDER else order


def object_of(layout: Layout, facts: FileFacts, kd: KeyDef) -> ConfigObject | None:
    if kd.namespace in LISTING_NAMESPACES:
        return None
    line = _row_line(facts.path, kd) if kd.namespace.startswith(PREFIX) else None
    if line is None:
        created = isinstance(kd.value, dict) and kd.value.get("id") == CREATED
        return None if created else _plain(facts.path, kd)
    kds = _row_keys(facts, kd.namespace, line)
    return row_object(layout, facts.path, kd.namespace, kds) if kds else None


def _row_keys(facts: FileFacts, ns: str, line: int) -> list[KeyDef]:
    """The identifiers of the row on `line` (of the whole file for a JSON file)."""
    if facts.path.lower().endswith(".json"):
        return [k for k in facts.keys if k.namespace == ns and _row_line(facts.path, k) == 0]
    keys = facts.keys
    # Keys are in file order and a row's identifiers start on or after its first line.
    i = bisect_left(keys, line, key=lambda k: k.range[0])
    out = []
    while i < len(keys) and _same_row(keys[i], line):
        if keys[i].namespace == ns and _row_line(facts.path, keys[i]) == line:
            out.append(keys[i])
        i += 1
    return out


def _same_row(kd: KeyDef, line: int) -> bool:
    v = kd.value
    return isinstance(v, dict) and (v.get("line") == line or v.get("id") == CREATED)


def object_at(layout: Layout, facts: FileFacts, line: int, ch: int) -> ConfigObject | None:
    """The object of the identifier at a position, else of the row whose first line it is
    on (a CSV row, a global property)."""
    keys = facts.keys
    whole_file = facts.path.lower().endswith(".json")
    i = bisect_left(keys, line, key=lambda k: k.range[0])
    row: KeyDef | None = None
    while i < len(keys) and keys[i].range[0] == line:
        kd = keys[i]
        if contains(kd.range, line, ch) and (found := object_of(layout, facts, kd)) is not None:
            return found
        if row is None and not whole_file and _row_line(facts.path, kd) is not None:
            row = kd
        i += 1
    return object_of(layout, facts, row) if row is not None else None


def object_values(text: str, objects: list[ConfigObject]) -> list[ConfigObject]:
    """Rows without a uuid, whose cells the facts do not keep, read from a CSV file's
    text: {Header: cell}, headers spelt alike across files, metadata headers and empty
    cells left out."""
    wanted = {o.range[0] for o in objects if o.kind == RECORD and not o.compared}
    rows, order = _rows(text, frozenset(wanted))
    out = []
    for o in objects:
        if o.kind == RECORD and not o.compared and o.range[0] in rows:
            o = replace(o, value=rows[o.range[0]], compared=True)
            if order is not None and o.load is not None:  # the file's _order: the header's
                o = replace(o, order=order, load=(order, *o.load[1:]))
        out.append(o)
    return out


def _rows(text: str, wanted: frozenset[int]) -> tuple[dict[int, dict[str, str]], int | None]:
    rows, order = _all_rows(text)
    return {n: rows[n] for n in wanted if n in rows}, order


@lru_cache(maxsize=4)
def _all_rows(text: str) -> tuple[dict[int, dict[str, str]], int | None]:
    """Every row of a CSV text by its first line (kept for the next hover over the same
    text). The standard library's C reader: only the cells are needed here, not their
    places, and it reads 10,000 rows in a few milliseconds."""
    lines = split_lines(text)  # the editor's lines: a row's first line is its range's
    reader = csv.reader(line + "\n" for line in lines)
    names: list[str] | None = None
    order: int | None = None
    rows: dict[int, dict[str, str]] = {}
    start = 0
    for record in _records(reader):
        line, start = start, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if names is None:
            names = [pretty(cell.strip().lower()) for cell in record]
            order = _order(record)
            continue
        row: dict[str, str] = {}
        for name, cell in zip(names, record, strict=False):
            cell = cell.strip()
            if cell and name and not name.startswith("_") and name not in row:
                row[name] = cell
        rows[line] = row
    return rows, order


def _records(reader) -> Iterator[list[str]]:
    """The reader's records up to one it cannot read (a cell over its size limit): the rows
    before it keep their cells, the rest are not compared."""
    try:
        yield from reader
    except csv.Error:
        return


def _order(header: list[str]) -> int | None:
    """`_order:N` of a header (a bare or unreadable one: no order, as Initializer reads it)."""
    for h in header:
        low = h.strip().lower()
        if low.startswith("_order:"):
            try:
                return int(low[len("_order:") :].strip())
            except ValueError:
                return None
    return None


# ---- the distribution -------------------------------------------------------------------------


def bundle_of(layout: Layout, rel: str) -> str | None:
    """A domain file belongs to its domain folder (`configuration/locations`)."""
    loc = layout.locate(rel)
    return loc.domain_path if loc is not None else None


def referring_namespaces(layout: Layout, facts: FileFacts) -> list[str] | None:
    """A domain file's references are its domain's (an unknown folder's: the folder's);
    those of constants.yml and the like, the file's."""
    loc = layout.locate(facts.path)
    if loc is not None:
        src = PREFIX + loc.domain if loc.known else "folder:" + loc.domain_path
        return [src] * len(facts.refs)
    name = special_file(facts.path)
    return ["file:" + name] * len(facts.refs) if name is not None else None


def describe(layout: Layout, index: ProjectIndex) -> list[tuple[str, str, str]]:
    roots = sorted(
        {
            loc.root or "."
            for p in index.files
            if (loc := layout.locate(p)) is not None and loc.known
        }
    )
    out: list[tuple[str, str, str]] = []
    if roots:
        out.append(("Initializer folders", ", ".join(roots), ""))
    listed = index.defs.get(MODULE_NS, {})
    if listed:
        files = sorted({p for defs in listed.values() for p, _ in defs})
        out.append(
            (
                "Modules the distribution lists",
                ", ".join(sorted(listed)),
                f"{', '.join(files)}: Initializer's domains are checked against them",
            )
        )
    parents = sorted(index.defs.get(DEPENDENCY_NS, {}))
    if parents:
        out.append(("Parent configurations", ", ".join(parents), "dependencies.yml; not here"))
    return out
