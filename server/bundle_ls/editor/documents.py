"""The editor's documents: text held per file, edits, and the parts of a document.

An open document's text is kept as a list of lines; an edit replaces the lines it
touches and widens the document's *dirty region* (first and last old line, and the change
in line count) until the next re-analysis. The helpers below let that re-analysis work on
one part of a document: parse one item of a YAML namespace sequence on its own, and move
the facts after it by the change in line count.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from bundle_ls.documents.csv_doc import Cell
from bundle_ls.documents.disk import read_file
from bundle_ls.documents.facts import Document, FileFacts
from bundle_ls.documents.model import MAPPING, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex, split_lines
from bundle_ls.documents.yaml_doc import parse_yaml

# (start_line, start_char, end_line, end_char) in UTF-16 units, or None for "whole text".
Change = tuple[tuple[int, int, int, int] | None, str]


@dataclass(slots=True)
class Segments:
    """Where the items of a YAML document's namespace sequences are, for partial re-parses."""

    starts: list[int]  # first line of each item (its `- ` line), sorted
    ends: list[int]  # line after each item's span (next item, next top-level key, or EOF)
    items: list[tuple[str, Node, int]]  # (namespace, sequence node, index in it)


@dataclass(slots=True)
class DocState:
    path: str
    kind: str
    lines: list[str] | None = None  # None: not loaded (a closed file, known by its facts)
    version: int | None = None
    is_open: bool = False
    doc: Document | None = None
    facts: FileFacts | None = None
    segments: Segments | None = None
    # Pending edits since the last analysis: (first, last) old lines and the line delta;
    # `full` when the whole text was replaced.
    dirty: tuple[int, int, int] | None = None
    full: bool = False
    digest: str | None = None  # of the disk text the facts were computed from
    # After partial re-parses that changed the line count, tree nodes at or after this line
    # have stale positions (None: the whole tree is right); see `Workspace.tree_at`.
    tree_ok_until: int | None = None
    seq: int = 0  # counts edits, so that a background analysis of an old text is dropped
    tree_pending: bool = False  # opened with its indexed text: the tree is built later
    base_text: str | None = None  # that text, which pending edits are counted from

    @property
    def text(self) -> str:
        return "\n".join(self.lines or [])

    @property
    def is_dirty(self) -> bool:
        return self.dirty is not None or self.full


def apply_changes(st: DocState, changes: list[Change], version: int | None) -> None:
    """Apply an editor's changes to the document's lines and widen its dirty region."""
    st.version = version
    st.seq += 1
    for rng, new in changes:
        if rng is None:
            st.lines = split_lines(new)
            st.full = True
            continue
        sl, sc, el, ec = rng
        lines = st.lines
        if sl >= len(lines):
            sl, sc = len(lines) - 1, len(lines[-1])
            el, ec = sl, sc
        li = LineIndex.over(lines)
        el = min(el, len(lines) - 1)
        c0 = li.from_utf16(sl, sc)
        c1 = li.from_utf16(el, ec)
        head = lines[sl][:c0]
        tail = lines[el][c1:]
        repl = split_lines(head + new + tail)
        lines[sl : el + 1] = repl
        mark_dirty(st, sl, el, len(repl) - 1 - (el - sl))


def mark_dirty(st: DocState, sl: int, el: int, delta: int) -> None:
    if st.dirty is None:
        st.dirty = (sl, el, delta)
        return
    a, b, d = st.dirty

    def to_old(n: int, low: bool) -> int:
        if n < a:
            return n
        if n > b + d:
            return n - d
        return a if low else b

    st.dirty = (min(a, to_old(sl, True)), max(b, to_old(el, False)), d + delta)


def digest_text(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def digest_file(path: Path) -> str | None:
    try:
        data = read_file(path)
    except OSError:
        return None
    try:
        return digest_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def dash_col(line: str) -> int:
    s = line.lstrip()
    return len(line) - len(s) if s.startswith("-") else -1


def dash_line(lines: list[str], item: Node) -> int | None:
    """The line of an item's `- `: the item's first line, or the line just before it."""
    line, col = item.range[0], item.range[1]
    text = lines[line] if line < len(lines) else ""
    head = text[:col].rstrip()
    if head.endswith("-") and head.lstrip() == "-":
        return line
    if not head.strip() and line > 0 and lines[line - 1].strip() == "-":
        return line - 1
    return None


def moved_cell(c: Cell, delta: int) -> Cell:
    return Cell(c.text, moved(c.range, delta), c.quoted, c.start_col)


def moved(r, delta):
    return (r[0] + delta, r[1], r[2] + delta, r[3])


def _line(x) -> int:
    return x.range[0]


def span(seq: list, start: int, end: int) -> tuple[int, int]:
    """Indexes of the facts on lines [start, end) of a list sorted by line."""
    return bisect_left(seq, start, key=_line), bisect_left(seq, end, key=_line)


def splice_sorted(seq: list, start: int, end: int, delta: int, new: list) -> list:
    """`_splice` for a list in document order (keys, references): slices, no scan."""
    i0, i1 = span(seq, start, end)
    tail = seq[i1:]
    if delta:
        for x in tail:
            x.range = moved(x.range, delta)
    return [*seq[:i0], *new, *tail]


def sorted_by_line(seq: list) -> bool:
    return all(seq[i].range[0] <= seq[i + 1].range[0] for i in range(len(seq) - 1))


def splice(seq: list, start: int, end: int, delta: int, new: list) -> list:
    """Facts outside [start, end) kept (shifted after it), the new item's in between."""
    before = []
    after = []
    for x in seq:
        line = x.range[0]
        if line < start:
            before.append(x)
        elif line >= end:
            if delta:
                x.range = moved(x.range, delta)
                rel = getattr(x, "related", None)
                if rel:
                    for r in rel:
                        if r.range[0] >= end:
                            r.range = moved(r.range, delta)
            after.append(x)
    return [*before, *new, *after]


def parse_item(lines: list[str], start: int, end: int, seq_col: int) -> Node | None:
    """Parse lines [start, end) as one item of a block sequence whose `-` is at `seq_col`;
    None when they are not exactly one well-formed item there."""
    at_eof = end >= len(lines)
    frag_lines = lines[start:end]
    frag = "\n".join(frag_lines)
    if not at_eof:
        frag += "\n"
    parsed = parse_yaml(frag, LineIndex.over(frag_lines))
    root = parsed.root
    if (
        parsed.problems
        or root is None
        or root.kind != SEQUENCE
        or len(root.items) != 1
        or root.range[1] != seq_col
        or dash_col(lines[start]) != seq_col
    ):
        return None
    item = root.items[0]
    # Ranges: fragment lines → document lines; a container that ran to the fragment's end
    # ends, in the whole document, where the next token starts.
    next_pos = None
    if not at_eof:
        nxt = lines[end]
        next_pos = (end, len(nxt) - len(nxt.lstrip()))
    relocate(item, start, len(frag_lines), next_pos)
    return item


def relocate(node: Node, offset: int, frag_eof_line: int, next_pos) -> None:
    """Move a fragment's nodes to document lines; fix ends that ran to the fragment's end."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        r = n.range
        if next_pos is not None and r[2] == frag_eof_line and r[3] == 0 and n.kind != "scalar":
            n.range = (r[0] + offset, r[1], next_pos[0], next_pos[1])
        else:
            n.range = (r[0] + offset, r[1], r[2] + offset, r[3])
        if n.items:
            if n.kind == MAPPING:
                for k, v in n.items:
                    stack.append(k)
                    stack.append(v)
            else:
                stack.extend(n.items)
