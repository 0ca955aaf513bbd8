"""Re-analysing only the part of a document an edit touched.

- YAML: when the document parsed cleanly and the dirty region lies inside one item of a
  namespace sequence, only that item's lines are parsed (as a one-item sequence at the
  same column) and checked by the dialect's `ItemAnalyzer`; its facts replace the old
  item's, the facts after it move by the change in line count, and the index is updated
  for that item alone.
- CSV: the edited rows are tokenised again and checked by the dialect's `RowAnalyzer`;
  the header's findings and every other row's facts are kept.
Each returns None when the edit needs a whole-file analysis instead. Both give exactly
the facts the dialect's whole-file analysis (and so `--check`) gives for the same text,
because the whole-file analysis is made of the same per-part calls.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from bundle_ls.documents.csv_doc import parse_csv
from bundle_ls.documents.facts import Document, FileFacts
from bundle_ls.documents.model import MAPPING, SEQUENCE, Node, key_text
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml
from bundle_ls.editor.documents import (
    DocState,
    Segments,
    dash_line,
    moved,
    moved_cell,
    parse_item,
    sorted_by_line,
    span,
    splice,
    splice_sorted,
)
from bundle_ls.index.project_index import ProjectIndex


def install_full(index: ProjectIndex, st: DocState, doc: Document, facts: FileFacts) -> set[str]:
    """Install a whole-file analysis of the document's current text."""
    st.tree_pending, st.base_text = False, None
    doc.lines = LineIndex.over(st.lines)
    st.doc, st.facts = doc, facts
    st.dirty, st.full = None, False
    st.tree_ok_until = None
    st.segments = segments(st) if st.kind == "yaml" else None
    return index.update(facts) | {st.path}


def segments(st: DocState, lines: list[str] | None = None) -> Segments | None:
    """Item spans of a cleanly parsed YAML document's analysed namespace sequences
    (`lines`: the text the tree was parsed from, when edits came since)."""
    doc, facts = st.doc, st.facts
    if doc is None or doc.root is None or doc.root.kind != MAPPING:
        return None
    if doc.items is None or not doc.items.namespaces:
        return None  # the dialect re-checks this document only as a whole
    if any(d.code in ("yaml-syntax", "limit") for d in facts.diagnostics):
        return None
    lines = st.lines if lines is None else lines
    bounds: list[int] = []
    starts: list[int] = []
    items: list[tuple[str, Node, int]] = []
    for k, v in doc.root.items:
        bounds.append(k.range[0])
        name = key_text(k)
        if name not in doc.items.namespaces or v.kind != SEQUENCE:
            continue
        for i, item in enumerate(v.items):
            line = dash_line(lines, item)
            if line is None:
                return None  # a flow sequence or an unusual layout: no partial parses
            starts.append(line)
            bounds.append(line)
            items.append((name, v, i))
    if not starts:
        return None
    if not (sorted_by_line(facts.keys) and sorted_by_line(facts.refs)):
        return None  # partial updates slice these lists by line
    bounds.append(len(lines))
    bounds.sort()
    ends = []
    for s in starts:
        j = bisect_right(bounds, s)
        ends.append(bounds[j] if j < len(bounds) else len(lines))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return Segments([starts[i] for i in order], [ends[i] for i in order], [items[i] for i in order])


def reanalyze_item(index: ProjectIndex, st: DocState) -> set[str] | None:
    """Re-parse and re-check only the edited item; None when that is not possible."""
    segs = st.segments
    a, b, delta = st.dirty
    j = bisect_right(segs.starts, a) - 1
    if j < 0:
        return None
    start, end = segs.starts[j], segs.ends[j]
    if not (start <= a and b < end):
        return None
    if j > 0 and segs.ends[j - 1] > start:
        return None
    lines = st.lines
    new_end = end + delta
    if new_end <= start:
        return None
    ns_name, seq, idx = segs.items[j]
    new_item = parse_item(lines, start, new_end, seq.range[1])
    if new_item is None:
        return None
    seq.items[idx] = new_item
    # The tree is not shifted (that would cost a walk over every later node): positions
    # after the item are stale until `tree_at` re-parses them.
    ok = st.tree_ok_until
    if ok is not None and ok >= end:
        ok += delta
    if delta:  # containers around the item now end at stale lines, too
        ok = start if ok is None else min(ok, start)
    st.tree_ok_until = ok
    # Facts: drop the old item's, shift the rest, add the new item's.
    part = st.doc.items.analyze_item(ns_name, new_item, lines)
    facts = st.facts
    i0, i1 = span(facts.keys, start, end)
    old_keys = facts.keys[i0:i1]
    i0, i1 = span(facts.refs, start, end)
    old_refs = facts.refs[i0:i1]
    old_embedded = [e for e in facts.embedded if start <= e.range[0] < end]
    facts.keys = splice_sorted(facts.keys, start, end, delta, part.keys)
    facts.refs = splice_sorted(facts.refs, start, end, delta, part.refs)
    facts.file_refs = splice(facts.file_refs, start, end, delta, part.file_refs)
    facts.diagnostics = splice(facts.diagnostics, start, end, delta, part.diagnostics)
    facts.embedded = splice(facts.embedded, start, end, delta, part.embedded)
    if delta:
        for e in facts.entries:
            if e.range[0] >= end:
                e.range = moved(e.range, delta)
        facts.namespaces = {
            k: (moved(r, delta) if r[0] >= end else r) for k, r in facts.namespaces.items()
        }
        segs.starts = [s if s <= start else s + delta for s in segs.starts]
        segs.ends = [e if e < end else e + delta for e in segs.ends]
        segs.ends[j] = new_end
    st.doc.text = None  # the joined text is rebuilt on demand
    st.dirty, st.full = None, False
    affected = index.update_part(
        st.path,
        old_keys,
        old_refs,
        part.keys,
        part.refs,
        (start, end, delta),
        old_embedded,
        part.embedded,
    )
    affected.add(st.path)
    return affected


def reanalyze_rows(index: ProjectIndex, st: DocState) -> set[str] | None:
    """Re-check only the edited rows of a CSV file; None when that is not possible."""
    doc, facts = st.doc, st.facts
    table, analyzer = doc.table, doc.rows
    if analyzer is None or table is None or not table.header or table.problems:
        return None
    a, b, delta = st.dirty
    header_line = table.header[0].range[0]
    if a <= header_line:
        return None
    new_rows = _edited_rows(st.lines, table, a, b + delta)
    if new_rows is None:
        return None
    analyzer.lines = LineIndex.over(st.lines)  # the rows' ranges are on the current lines
    parts, items = [], []
    for line, cells in new_rows:
        part, node = analyzer.analyze_row(line, cells)
        parts.append((line, part))
        items.append(node)
    old = analyzer.row_facts
    r0 = bisect_left(old, a, key=lambda p: p[0])
    r1 = bisect_left(old, b + 1, key=lambda p: p[0])
    old_keys = [k for _l, p in old[r0:r1] for k in p.keys]
    old_refs = [r for _l, p in old[r0:r1] for r in p.refs]
    old_embedded = [e for _l, p in old[r0:r1] for e in p.embedded]
    # where the edited rows' facts sit in the file's lists (in row order), found before
    # the rows after them move
    spans = [
        span(seq, a, b + 1) for seq in (facts.keys, facts.refs, facts.file_refs, facts.embedded)
    ]
    tail = old[r1:]
    t0 = bisect_left(table.rows, a, key=lambda r: r[0])
    t1 = bisect_left(table.rows, b + 1, key=lambda r: r[0])
    rows_tail = table.rows[t1:]
    if delta:
        tail, rows_tail = _moved_rows(tail, rows_tail, b, delta)
        st.tree_ok_until = a if st.tree_ok_until is None else min(st.tree_ok_until, a)
    else:
        # the row nodes of the tree: put the new ones in place
        root = doc.root
        if root is not None and root.items is not None and len(root.items) == len(table.rows):
            root.items[t0:t1] = items
        else:
            st.tree_ok_until = a
    analyzer.row_facts = [*old[:r0], *parts, *tail]
    table.rows = [*table.rows[:t0], *new_rows, *rows_tail]
    if delta and doc.root is not None and doc.root.items is not None:
        doc.root.items[t0:t1] = items  # positions after them are stale (tree_ok_until)
    new_keys = [k for _l, p in parts for k in p.keys]
    new_refs = [r for _l, p in parts for r in p.refs]
    new_file_refs = [f for _l, p in parts for f in p.file_refs]
    new_embedded = [e for _l, p in parts for e in p.embedded]
    (k0, k1), (f0, f1), (x0, x1), (e0, e1) = spans
    facts.keys = [*facts.keys[:k0], *new_keys, *facts.keys[k1:]]
    facts.refs = [*facts.refs[:f0], *new_refs, *facts.refs[f1:]]
    facts.file_refs = [*facts.file_refs[:x0], *new_file_refs, *facts.file_refs[x1:]]
    facts.embedded = [*facts.embedded[:e0], *new_embedded, *facts.embedded[e1:]]
    facts.diagnostics = analyzer.diagnostics()
    st.dirty, st.full = None, False
    doc.text = None
    affected = index.update_part(
        st.path,
        old_keys,
        old_refs,
        new_keys,
        new_refs,
        (a, b + 1, delta),
        old_embedded,
        new_embedded,
    )
    affected.add(st.path)
    return affected


def _edited_rows(lines: list[str], table, a: int, last: int) -> list | None:
    """The rows on lines [a, last] tokenised again (on document lines), or None when they
    cannot be read alone: a syntax problem, a changed header, a cell across lines."""
    header_text = lines[table.header[0].range[0]]  # unchanged: the edits are below it
    region = lines[a : last + 1]
    li = LineIndex.over([header_text, *region])
    mini = parse_csv("\n".join([header_text, *region]), li, ",")
    if mini.problems or [c.text for c in mini.header] != [c.text for c in table.header]:
        return None
    if any(cell.range[0] != cell.range[2] for _l, cells in mini.rows for cell in cells):
        return None  # a quoted cell across lines: the whole file decides
    return [(line + a - 1, [moved_cell(c, a - 1) for c in cells]) for line, cells in mini.rows]


def _moved_rows(tail: list, rows_tail: list, b: int, delta: int) -> tuple[list, list]:
    """The facts and cells of the rows after an edit, moved by the change in line count."""
    shifted = []
    for line, part in tail:
        for x in (*part.keys, *part.refs, *part.file_refs, *part.diagnostics, *part.embedded):
            if x.range[0] > b:  # not the header cells some diagnostics point at
                x.range = moved(x.range, delta)
        shifted.append((line + delta, part))
    rows = [(line + delta, [moved_cell(c, delta) for c in cells]) for line, cells in rows_tail]
    return shifted, rows


def tree_at(st: DocState, doc: Document, line: int) -> tuple[Node | None, list]:
    """A tree with right positions around `line`, and the path of its root.

    Usually the document's whole tree; after partial re-parses that moved lines, the
    re-parsed item holding `line` (path `[namespace, index]`), or a fresh parse."""
    ok = st.tree_ok_until
    if ok is None or line < ok or st.lines is None:
        return doc.root, []
    segs = st.segments
    if segs is not None:
        j = bisect_right(segs.starts, line) - 1
        if j >= 0 and line < segs.ends[j]:
            ns_name, seq, idx = segs.items[j]
            item = parse_item(st.lines, segs.starts[j], segs.ends[j], seq.range[1])
            if item is not None:
                return item, [ns_name, idx]
    lines = LineIndex.over(st.lines)
    if st.kind == "csv":
        table = parse_csv(st.text, lines, ",")
        if doc.rows is not None and table.header:
            doc.root = doc.rows.nodes(table, lines)
            doc.table = table
        st.tree_ok_until = None
        return doc.root, []
    parsed = parse_yaml(st.text, lines)
    doc.root = parsed.root
    st.tree_ok_until = None
    st.segments = segments(st) if not parsed.problems else None
    return doc.root, []
