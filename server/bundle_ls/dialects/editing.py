"""Editor helpers the dialects share: the node at a position of a parsed document, with its
path in the config tree, and the key definition / reference / file path the project index
knows at that position."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from bundle_ls.dialects.base import EditorView
from bundle_ls.documents.facts import FileFacts, FileRef, KeyDef, Reference
from bundle_ls.documents.model import MAPPING, SEQUENCE, Node, Range, key_text


@dataclass(slots=True)
class Hit:
    path: list  # keys and indexes from the top of the config tree
    node: Node  # the value node (for a key: the value it names)
    key: Node | None  # the key node, when the position is on a key
    on_key: bool


def contains(r: Range, line: int, ch: int) -> bool:
    return (r[0], r[1]) <= (line, ch) <= (r[2], r[3])


def _inside(r: Range, line: int, ch: int) -> bool:
    return (r[0], r[1]) <= (line, ch) < (r[2], r[3])


def locate(root: Node | None, prefix: list, line: int, ch: int) -> Hit | None:
    if root is None:
        return None
    node, path = root, list(prefix)
    while True:
        if node.kind == MAPPING:
            nxt = None
            for k, v in node.items:
                if contains(k.range, line, ch):
                    return Hit([*path, key_text(k)], v, k, True)
                if (v.kind != MAPPING and v.kind != SEQUENCE and contains(v.range, line, ch)) or (
                    v.kind in (MAPPING, SEQUENCE) and _inside(v.range, line, ch)
                ):
                    nxt = (key_text(k), v)
            if nxt is None:
                return Hit(path, node, None, False) if path else None
            path.append(nxt[0])
            node = nxt[1]
            continue
        if node.kind == SEQUENCE:
            nxt = None
            for i, c in enumerate(node.items):
                if (c.kind in (MAPPING, SEQUENCE) and _inside(c.range, line, ch)) or (
                    c.kind not in (MAPPING, SEQUENCE) and contains(c.range, line, ch)
                ):
                    nxt = (i, c)
                    break
            if nxt is None:
                return Hit(path, node, None, False)
            path.append(nxt[0])
            node = nxt[1]
            continue
        return Hit(path, node, None, False)


def at(items, line: int, ch: int):
    """The first fact (KeyDef, Reference, FileRef) whose range holds the position."""
    for x in items:
        r = x.range
        if r[0] > line:
            continue
        if contains(r, line, ch):
            return x
    return None


@dataclass(slots=True)
class Symbolic:
    """What the position names for navigation: a key of a namespace, or a file path."""

    namespaces: tuple[str, ...]
    key: str | None
    range: Range
    definition: KeyDef | None = None
    reference: Reference | None = None
    file_ref: FileRef | None = None


def facts_of_line(view: EditorView, rel: str, line: int) -> FileFacts | None:
    """The facts that can be at `line`: in a CSV document, only its row's (the analysis
    keeps them per row), so that a position in a 10,000-row file is not searched for in
    every row's facts; else the whole file's."""
    facts = view.facts(rel)
    doc = view.document(rel) if facts is not None and facts.kind == "csv" else None
    rows = doc.rows.row_facts if doc is not None and doc.rows is not None else None
    if rows and line >= rows[0][0]:
        k = bisect_right(rows, line, key=_first) - 1  # a row's cell may span lines
        return rows[k][1]
    return facts


def _first(pair: tuple) -> int:
    return pair[0]


def symbolic_at(view: EditorView, rel: str, line: int, ch: int) -> Symbolic | None:
    facts = facts_of_line(view, rel, line)
    if facts is None:
        return None
    kd = at(facts.keys, line, ch)
    if kd is not None:
        return Symbolic((kd.namespace,), kd.key, kd.range, definition=kd)
    ref = at(facts.refs, line, ch)
    if ref is not None:
        return Symbolic(ref.namespaces, ref.key, ref.range, reference=ref)
    fr = at(facts.file_refs, line, ch)
    if fr is not None:
        return Symbolic((), None, fr.range, file_ref=fr)
    return None


def hit_at(view: EditorView, rel: str, line: int, ch: int) -> Hit | None:
    """Locate in the document's tree (the item's own parse after line-moving edits)."""
    root, prefix = view.tree_at(rel, line)
    doc = view.document(rel)
    if doc is not None and doc.kind == "csv":
        if not doc.namespace:
            return None
        if doc.table is not None:
            for cell in doc.table.header:
                if contains(cell.range, line, ch) and cell.text:
                    key = Node("scalar", cell.range, cell.text)
                    return Hit([doc.namespace, None, cell.text], key, key, True)
        prefix = [doc.namespace]
    return locate(root, prefix, line, ch)
