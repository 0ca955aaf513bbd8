"""The editor's view of a Config Directory: documents, their analysis and the project index.

Editor-independent (no pygls): the language server translates LSP messages into calls on a
`Workspace` and its results back. It holds, per config file, the current text (the editor's
buffer for an open file, the disk content otherwise), the last analysis (`Document` and
`FileFacts`) and keeps the `ProjectIndex` current, returning from every update the set of
files whose diagnostics may have changed.

Incremental updates. Edits are recorded as a dirty line region; the re-analysis happens on
`flush` (debounced by the server, or forced by a request that needs the tree). When the
document parsed cleanly before and the region lies inside one item of a namespace sequence,
only that item's lines are re-parsed and re-validated: its nodes and facts are spliced in,
everything after it is shifted by the change in line count, and the index is updated for
that item alone. Any other edit re-analyses the whole file. Both paths give exactly the
facts a full analysis (and so `--check`) gives for the same text.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.batch.runner import read_facts
from bundle_ls.dialects.initializer import layout as initializer_layout
from bundle_ls.dialects.module_schemas.analysis import (
    Document,
    FileFacts,
    _dedupe,
    analyze,
    analyze_item,
    csv_row_facts,
    decode,
)
from bundle_ls.dialects.module_schemas.schemas import SchemaSet, glob_match
from bundle_ls.documents.csv_doc import Cell, CsvTable, parse_csv, table_to_nodes
from bundle_ls.documents.model import MAPPING, SEQUENCE, Diagnostic, Node, key_text
from bundle_ls.documents.positions import LineIndex, split_lines
from bundle_ls.documents.yaml_doc import parse_yaml
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.config import (
    ProjectConfig,
    discover,
    is_config_candidate,
    schema_folders_inside,
)

# (start_line, start_char, end_line, end_char) in UTF-16 units, or None for "whole text".
Change = tuple[tuple[int, int, int, int] | None, str]


INLINE_TREE_LINES = 5000  # a longer document opened unchanged gets its tree built later


def lines_index(lines: list[str]) -> LineIndex:
    """A LineIndex over existing lines, without joining and re-splitting the text."""
    li = LineIndex.__new__(LineIndex)
    li.lines = lines
    li._ascii = None  # per-line ASCII check: same results as the whole-text fast path
    return li


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


@dataclass(slots=True)
class FlushResult:
    affected: set[str] = field(default_factory=set)
    incremental: bool = False


class Workspace:
    def __init__(
        self, root: Path, extra_schemas: Iterable[Path] = (), schemas: SchemaSet | None = None
    ) -> None:
        self.root = Path(root)
        self.cfg = ProjectConfig.load(self.root, list(extra_schemas))
        # `schemas` lets a caller reuse a loaded set for the same folders (tests do).
        self.schemas: SchemaSet = schemas or self.cfg.load_schemas()
        self.index = ProjectIndex(self.root)
        self.docs: dict[str, DocState] = {}
        self.indexed = False
        self._discovered: set[str] = set()
        self.stats = {"incremental": 0, "full": 0}

    # ---- files ---------------------------------------------------------------------------

    def rel(self, path: str | os.PathLike) -> str | None:
        """`path` relative to the root with `/`, or None when it is outside the root."""
        try:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        except ValueError:
            return None
        if rel == os.curdir or rel.startswith(os.pardir):
            return None
        return rel.replace(os.sep, "/")

    def abspath(self, rel: str) -> Path:
        return self.root / rel

    def is_config_file(self, rel: str) -> bool:
        """Whether `--check` would check this file (found by the last discovery, or a file
        that the same rules take, e.g. one just created)."""
        if rel in self._discovered:
            return True
        parts = rel.split("/")
        if any(p.startswith(".") or p == "node_modules" for p in parts):
            return False
        if any(glob_match(g, rel) for g in self.cfg.exclude):
            return False
        if any(rel.startswith(d) for d in schema_folders_inside(self.cfg)):
            return False
        wants = initializer_layout.wants(rel)  # None: not an Initializer file
        if wants is not None:
            return bool(wants)
        if not is_config_candidate(rel):
            return False
        return not (rel.lower().endswith(".csv") and self.schemas.namespace_for_csv(rel) is None)

    def discover(self) -> list[str]:
        found = discover(self.cfg, self.schemas)
        self._discovered = set(found)
        return found

    def index_files(self, rels: Iterable[str]) -> set[str]:
        """Index files from disk (skipping open ones); returns the files to re-publish."""
        affected: set[str] = set()
        for rel in rels:
            affected |= self.load_from_disk(rel)
        return affected

    def load_from_disk(self, rel: str) -> set[str]:
        st = self.docs.get(rel)
        if st is not None and st.is_open:
            return set()
        full = self.abspath(rel)
        # A dangling link or a link loop stays: `--check` reports it as unreadable.
        if not full.is_file() and not full.is_symlink():
            return self.forget(rel)
        facts = read_facts(self.root, rel, self.schemas, self.cfg.modules)
        st = DocState(rel, facts.kind)
        st.facts = facts
        st.digest = _digest_file(self.abspath(rel))
        self.docs[rel] = st
        return self.index.update(facts)

    def forget(self, rel: str) -> set[str]:
        """A file is gone: drop it from the index; returns the other files it affected."""
        self.docs.pop(rel, None)
        return self.index.remove(rel)

    # ---- editor buffers ------------------------------------------------------------------

    def open(self, rel: str, text: str, version: int | None) -> set[str]:
        kind = "csv" if rel.lower().endswith(".csv") else "yaml"
        old = self.docs.get(rel)
        st = DocState(rel, kind, split_lines(text), version, True)
        self.docs[rel] = st
        if (
            old is not None
            and old.facts is not None
            and old.doc is None
            and old.digest is not None
            and old.digest == _digest_text(text)
            and kind == "yaml"
        ):
            # Same text as indexed from disk: the facts stand; build the tree for features.
            st.facts = old.facts
            st.doc = Document(rel, kind, text, lines_index(st.lines), None)
            st.tree_pending = True
            st.base_text = text
            if len(st.lines) <= INLINE_TREE_LINES:
                self._ensure_tree(st)
            return {rel}
        return self._analyze_full(st)

    def tree_job(self, rel: str) -> tuple[int, str] | None:
        """(edit count, text) of an opened document whose tree is still to be built; the
        server builds it with `parse_tree` in a worker thread and hands it to `install_tree`."""
        st = self.docs.get(rel)
        if st is None or not st.tree_pending or st.base_text is None:
            return None
        return st.seq, st.base_text

    @staticmethod
    def parse_tree(text: str):
        return parse_yaml(text, LineIndex(text))

    def install_tree(self, rel: str, seq: int, parsed) -> None:
        """Install the tree of the text the document was opened with. Edits made since are
        counted from that text, so they are re-checked item by item as usual."""
        st = self.docs.get(rel)
        if st is None or not st.tree_pending or st.doc is None or st.base_text is None:
            return  # a whole-file analysis came first
        st.doc.root = parsed.root
        st.tree_pending = False
        base = st.base_text
        st.base_text = None
        if parsed.problems:
            st.segments = None
        else:
            st.segments = self._segments(st, None if seq == st.seq else split_lines(base))

    def _ensure_tree(self, st: DocState) -> None:
        if st.tree_pending and st.base_text is not None:
            self.install_tree(st.path, -1, self.parse_tree(st.base_text))

    def change(self, rel: str, changes: list[Change], version: int | None) -> None:
        st = self.docs.get(rel)
        if st is None or st.lines is None:
            return
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
            li = lines_index(lines)
            el = min(el, len(lines) - 1)
            c0 = li.from_utf16(sl, sc)
            c1 = li.from_utf16(el, ec)
            head = lines[sl][:c0]
            tail = lines[el][c1:]
            repl = split_lines(head + new + tail)
            lines[sl : el + 1] = repl
            self._mark(st, sl, el, len(repl) - 1 - (el - sl))

    @staticmethod
    def _mark(st: DocState, sl: int, el: int, delta: int) -> None:
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

    def close(self, rel: str) -> set[str]:
        st = self.docs.get(rel)
        if st is None:
            return set()
        st.is_open = False
        if not self.is_config_file(rel):
            return self.forget(rel)
        return self.load_from_disk(rel) | {rel}

    def disk_changed(self, rel: str) -> set[str]:
        st = self.docs.get(rel)
        if st is not None and st.is_open:
            return set()  # the editor's buffer wins while the file is open
        if not self.is_config_file(rel):
            return set()
        return self.load_from_disk(rel) | {rel}

    def disk_deleted(self, rel: str) -> set[str]:
        st = self.docs.get(rel)
        if st is not None and st.is_open:
            return set()
        affected = self.forget(rel)
        # files pointing at it with x-file paths may now be missing it
        affected |= {p for p, f in self.index.files.items() if f.file_refs}
        return affected

    # ---- analysis ------------------------------------------------------------------------

    def is_dirty(self, rel: str) -> bool:
        st = self.docs.get(rel)
        return st is not None and (st.dirty is not None or st.full)

    def flush(self, rel: str, allow_full: bool = True) -> FlushResult | None:
        """Bring one edited document's analysis and index entry up to date. With
        `allow_full=False`, None when that takes a whole-file analysis (which the caller
        may then run elsewhere: `snapshot`, `analyze_text`, `apply_full`)."""
        st = self.docs.get(rel)
        if st is None or st.lines is None or (st.dirty is None and not st.full):
            return FlushResult()
        self._ensure_tree(st)
        if not st.full and st.segments is not None and st.kind == "yaml":
            affected = self._analyze_item(st)
            if affected is not None:
                self.stats["incremental"] += 1
                return FlushResult(affected, True)
        if not st.full and st.kind == "csv" and st.doc is not None and st.doc.row_facts is not None:
            affected = self._analyze_rows(st)
            if affected is not None:
                self.stats["incremental"] += 1
                return FlushResult(affected, True)
        if not allow_full:
            return None
        self.stats["full"] += 1
        return FlushResult(self._analyze_full(st))

    def snapshot(self, rel: str) -> tuple[int, str, str] | None:
        """(edit count, text, kind) of an open document, for analysing it elsewhere."""
        st = self.docs.get(rel)
        if st is None or st.lines is None:
            return None
        return st.seq, st.text, st.kind

    def analyze_text(self, rel: str, text: str, kind: str):
        """The whole-file analysis, a pure function safe to run in another thread."""
        return analyze(rel, text, self.schemas, self.cfg.modules, kind)

    def apply_full(self, rel: str, seq: int, doc: Document, facts: FileFacts) -> set[str] | None:
        """Install a whole-file analysis made from `snapshot`; None if the text has changed
        since (the edit that changed it brings its own flush) or was analysed meanwhile."""
        st = self.docs.get(rel)
        if st is None or st.lines is None or st.seq != seq:
            return None
        if st.dirty is None and not st.full:
            return None
        self.stats["full"] += 1
        return self._install_full(st, doc, facts)

    def tree_at(self, rel: str, line: int) -> tuple[Node | None, list]:
        """A tree with right positions around `line`, and the path of its root.

        Usually the document's whole tree; after partial re-parses that moved lines, the
        re-parsed item holding `line` (path `[namespace, index]`), or a fresh parse."""
        doc = self.document(rel)
        st = self.docs.get(rel)
        if doc is None or st is None:
            return None, []
        ok = st.tree_ok_until
        if ok is None or line < ok or st.lines is None:
            return doc.root, []
        segs = st.segments
        if segs is not None:
            j = bisect_right(segs.starts, line) - 1
            if j >= 0 and line < segs.ends[j]:
                ns_name, seq, idx = segs.items[j]
                item = _parse_item(st.lines, segs.starts[j], segs.ends[j], seq.range[1])
                if item is not None:
                    return item, [ns_name, idx]
        if st.kind == "csv":
            ns = self.schemas.namespaces.get(doc.namespace or "")
            table = parse_csv(st.text, lines_index(st.lines), ",")
            if ns is not None and table.header:
                doc.root = table_to_nodes(table, ns.columns, ns.separator, lines_index(st.lines))
                doc.table = table
            st.tree_ok_until = None
            return doc.root, []
        parsed = parse_yaml(st.text, lines_index(st.lines))
        doc.root = parsed.root
        st.tree_ok_until = None
        st.segments = self._segments(st) if not parsed.problems else None
        return doc.root, []

    def _analyze_rows(self, st: DocState) -> set[str] | None:
        """Re-check only the edited rows of a CSV file; None when that is not possible."""
        doc, facts = st.doc, st.facts
        table = doc.table
        ns = self.schemas.namespaces.get(doc.namespace or "")
        if ns is None or table is None or not table.header or table.problems:
            return None
        a, b, delta = st.dirty
        header_line = table.header[0].range[0]
        if a <= header_line:
            return None
        lines = st.lines
        header_text = lines[header_line]  # unchanged: the edits are below it
        region = lines[a : b + delta + 1]
        li = lines_index([header_text, *region])
        mini = parse_csv("\n".join([header_text, *region]), li, ",")
        if mini.problems or [c.text for c in mini.header] != [c.text for c in table.header]:
            return None
        if any(cell.range[0] != cell.range[2] for _l, cells in mini.rows for cell in cells):
            return None  # a quoted cell across lines: the whole file decides
        # the new rows, on document lines
        new_rows = []
        for line, cells in mini.rows:
            shifted = [
                Cell(
                    c.text,
                    (c.range[0] + a - 1, c.range[1], c.range[2] + a - 1, c.range[3]),
                    c.quoted,
                    c.start_col,
                )
                for c in cells
            ]
            new_rows.append((line + a - 1, shifted))
        row_table = CsvTable(table.header, new_rows)
        items = table_to_nodes(row_table, ns.columns, ns.separator, lines_index(lines)).items
        width = len(table.header)
        parts = [
            (line, csv_row_facts(st.path, ns, self.schemas, width, cells, item))
            for (line, cells), item in zip(new_rows, items, strict=True)
        ]
        old = doc.row_facts
        r0 = bisect_left(old, a, key=lambda p: p[0])
        r1 = bisect_left(old, b + 1, key=lambda p: p[0])
        old_keys = [k for _l, p in old[r0:r1] for k in p.keys]
        old_refs = [r for _l, p in old[r0:r1] for r in p.refs]
        # where the edited rows' facts sit in the file's lists (in row order), found before
        # the rows after them move
        spans = [_span(seq, a, b + 1) for seq in (facts.keys, facts.refs, facts.file_refs)]
        tail = old[r1:]
        t0 = bisect_left(table.rows, a, key=lambda r: r[0])
        t1 = bisect_left(table.rows, b + 1, key=lambda r: r[0])
        rows_tail = table.rows[t1:]
        if delta:
            moved = []
            for line, part in tail:
                for x in (*part.keys, *part.refs, *part.file_refs, *part.diagnostics):
                    if x.range[0] > b:  # not the header cells some diagnostics point at
                        x.range = _moved(x.range, delta)
                moved.append((line + delta, part))
            tail = moved
            rows_tail = [
                (line + delta, [_moved_cell(c, delta) for c in cells]) for line, cells in rows_tail
            ]
            st.tree_ok_until = a if st.tree_ok_until is None else min(st.tree_ok_until, a)
        else:
            # the row nodes of the tree: put the new ones in place
            root = doc.root
            if root is not None and root.items is not None and len(root.items) == len(table.rows):
                root.items[t0:t1] = items
            else:
                st.tree_ok_until = a
        doc.row_facts = [*old[:r0], *parts, *tail]
        table.rows = [*table.rows[:t0], *new_rows, *rows_tail]
        if delta and doc.root is not None and doc.root.items is not None:
            doc.root.items[t0:t1] = items  # positions after them are stale (tree_ok_until)
        new_keys = [k for _l, p in parts for k in p.keys]
        new_refs = [r for _l, p in parts for r in p.refs]
        new_file_refs = [f for _l, p in parts for f in p.file_refs]
        (k0, k1), (f0, f1), (x0, x1) = spans
        facts.keys = [*facts.keys[:k0], *new_keys, *facts.keys[k1:]]
        facts.refs = [*facts.refs[:f0], *new_refs, *facts.refs[f1:]]
        facts.file_refs = [*facts.file_refs[:x0], *new_file_refs, *facts.file_refs[x1:]]
        facts.diagnostics = _dedupe(
            [*doc.header_diagnostics, *(d for _l, p in doc.row_facts for d in p.diagnostics)]
        )
        st.dirty, st.full = None, False
        doc.text = None
        affected = self.index.update_part(
            st.path, old_keys, old_refs, new_keys, new_refs, (a, b + 1, delta)
        )
        affected.add(st.path)
        return affected

    def _analyze_full(self, st: DocState) -> set[str]:
        doc, facts = analyze(st.path, st.text, self.schemas, self.cfg.modules, st.kind)
        return self._install_full(st, doc, facts)

    def _install_full(self, st: DocState, doc: Document, facts: FileFacts) -> set[str]:
        st.tree_pending, st.base_text = False, None
        doc.lines = lines_index(st.lines)
        st.doc, st.facts = doc, facts
        st.dirty, st.full = None, False
        st.tree_ok_until = None
        st.segments = self._segments(st) if st.kind == "yaml" else None
        return self.index.update(facts) | {st.path}

    def _segments(self, st: DocState, lines: list[str] | None = None) -> Segments | None:
        """Item spans of a cleanly parsed YAML document's analysed namespace sequences
        (`lines`: the text the tree was parsed from, when edits came since)."""
        doc, facts = st.doc, st.facts
        if doc is None or doc.root is None or doc.root.kind != MAPPING:
            return None
        if not _generic_rules(st.path):
            return None
        if any(d.code in ("yaml-syntax", "limit") for d in facts.diagnostics):
            return None
        lines = st.lines if lines is None else lines
        bounds: list[int] = []
        starts: list[int] = []
        items: list[tuple[str, Node, int]] = []
        for k, v in doc.root.items:
            bounds.append(k.range[0])
            name = key_text(k)
            ns = self.schemas.namespaces.get(name)
            if ns is None or not ns.is_array or v.kind != SEQUENCE:
                continue
            if self.cfg.modules is not None and ns.module.id not in self.cfg.modules:
                continue
            for i, item in enumerate(v.items):
                line = _dash_line(lines, item)
                if line is None:
                    return None  # a flow sequence or an unusual layout: no partial parses
                starts.append(line)
                bounds.append(line)
                items.append((name, v, i))
        if not starts:
            return None
        if not (_sorted_by_line(facts.keys) and _sorted_by_line(facts.refs)):
            return None  # partial updates slice these lists by line
        bounds.append(len(lines))
        bounds.sort()
        ends = []
        for s in starts:
            j = bisect_right(bounds, s)
            ends.append(bounds[j] if j < len(bounds) else len(lines))
        order = sorted(range(len(starts)), key=starts.__getitem__)
        return Segments(
            [starts[i] for i in order], [ends[i] for i in order], [items[i] for i in order]
        )

    def _analyze_item(self, st: DocState) -> set[str] | None:
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
        new_item = _parse_item(lines, start, new_end, seq.range[1])
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
        ns = self.schemas.namespaces[ns_name]
        part = analyze_item(st.path, ns, new_item, self.schemas)
        facts = st.facts
        i0, i1 = _span(facts.keys, start, end)
        old_keys = facts.keys[i0:i1]
        i0, i1 = _span(facts.refs, start, end)
        old_refs = facts.refs[i0:i1]
        facts.keys = _splice_sorted(facts.keys, start, end, delta, part.keys)
        facts.refs = _splice_sorted(facts.refs, start, end, delta, part.refs)
        facts.file_refs = _splice(facts.file_refs, start, end, delta, part.file_refs)
        facts.diagnostics = _splice(facts.diagnostics, start, end, delta, part.diagnostics)
        if delta:
            for e in facts.entries:
                if e.range[0] >= end:
                    e.range = _moved(e.range, delta)
            facts.namespaces = {
                k: (_moved(r, delta) if r[0] >= end else r) for k, r in facts.namespaces.items()
            }
            segs.starts = [s if s <= start else s + delta for s in segs.starts]
            segs.ends = [e if e < end else e + delta for e in segs.ends]
            segs.ends[j] = new_end
        st.doc.text = None  # the joined text is rebuilt on demand
        st.dirty, st.full = None, False
        affected = self.index.update_part(
            st.path, old_keys, old_refs, part.keys, part.refs, (start, end, delta)
        )
        affected.add(st.path)
        return affected

    # ---- queries -------------------------------------------------------------------------

    def diagnostics(self, rel: str) -> list[Diagnostic]:
        """The file's diagnostics: the same function `--check` reports with."""
        return self.index.diagnostics(rel)

    def lines(self, rel: str) -> list[str] | None:
        """Current text lines of a file (the buffer if open, else the disk content)."""
        st = self.docs.get(rel)
        if st is not None and st.lines is not None:
            return st.lines
        try:
            text, _problem = decode(rel, self.abspath(rel).read_bytes())
        except OSError:
            return None
        return split_lines(text) if text is not None else None

    def document(self, rel: str) -> Document | None:
        """The up-to-date parsed document (flushing pending edits; parsing a closed file)."""
        st = self.docs.get(rel)
        if st is None:
            return None
        if st.dirty is not None or st.full:
            self.flush(rel)
        self._ensure_tree(st)
        if st.doc is not None:
            if st.doc.text is None:
                st.doc.text = st.text
            return st.doc
        lines = self.lines(rel)
        if lines is None:
            return None
        doc, _facts = analyze(rel, "\n".join(lines), self.schemas, self.cfg.modules, st.kind)
        return doc

    def context_hints(self, rel: str):
        """For completion: where the last analysis saw top-level keys and namespace items,
        mapped through pending edits and checked against the current text, so that the
        cursor's path is found without walking up a long sequence. (None, None) if unknown.
        """
        st = self.docs.get(rel)
        if st is None or st.facts is None or st.lines is None:
            return None, None
        dirty = st.dirty
        lines = st.lines

        def now(n: int) -> int | None:
            if dirty is None or n < dirty[0]:
                return n
            return n + dirty[2] if n > dirty[1] else None

        cur = sorted(n for n in (now(r[0]) for r in st.facts.namespaces.values()) if n is not None)

        def top(i: int) -> int | None:
            k = bisect_right(cur, i) - 1
            while k >= 0:
                n = cur[k]
                if n < len(lines) and lines[n][:1] not in ("", " ", "\t", "-", "#"):
                    return n
                k -= 1
            return None

        segs = st.segments
        if segs is None:
            return top, None

        def item(i: int) -> tuple[int, int, str] | None:
            old = i
            if dirty is not None and i >= dirty[0]:
                if i <= dirty[1] + dirty[2]:
                    return None  # inside the edited region: no hint
                old = i - dirty[2]
            k = bisect_right(segs.starts, old) - 1
            if k < 0 or segs.starts[k] != old:
                return None
            ns, seq, _idx = segs.items[k]
            col = seq.range[1]
            text = lines[i] if i < len(lines) else ""
            if text[col : col + 1] != "-" or text[:col].strip():
                return None
            return i, col, ns

        return top, item

    def facts(self, rel: str) -> FileFacts | None:
        return self.index.files.get(rel)

    def reference_count(self, namespace: str, key: str) -> int:
        n = 0
        for path in self.index.referrers.get(namespace, ()):
            f = self.index.files.get(path)
            if f is None:
                continue
            n += sum(1 for r in f.refs if r.key == key and namespace in r.namespaces)
        return n


# ---- helpers -----------------------------------------------------------------------------


def _generic_rules(path: str) -> bool:
    """True when the contract's generic rules analyse the file (not Initializer's folders,
    which have their own), so that an item can be re-checked on its own."""
    try:
        from bundle_ls.dialects.initializer.layout import locate, special_file
    except ImportError:
        return True
    return special_file(path) is None and locate(path) is None


def _digest_text(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _digest_file(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _digest_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None


def _dash_col(line: str) -> int:
    s = line.lstrip()
    return len(line) - len(s) if s.startswith("-") else -1


def _dash_line(lines: list[str], item: Node) -> int | None:
    """The line of an item's `- `: the item's first line, or the line just before it."""
    line, col = item.range[0], item.range[1]
    text = lines[line] if line < len(lines) else ""
    head = text[:col].rstrip()
    if head.endswith("-") and head.lstrip() == "-":
        return line
    if not head.strip() and line > 0 and lines[line - 1].strip() == "-":
        return line - 1
    return None


def _moved_cell(c: Cell, delta: int) -> Cell:
    return Cell(c.text, _moved(c.range, delta), c.quoted, c.start_col)


def _moved(r, delta):
    return (r[0] + delta, r[1], r[2] + delta, r[3])


def _line(x) -> int:
    return x.range[0]


def _span(seq: list, start: int, end: int) -> tuple[int, int]:
    """Indexes of the facts on lines [start, end) of a list sorted by line."""
    return bisect_left(seq, start, key=_line), bisect_left(seq, end, key=_line)


def _splice_sorted(seq: list, start: int, end: int, delta: int, new: list) -> list:
    """`_splice` for a list in document order (keys, references): slices, no scan."""
    i0, i1 = _span(seq, start, end)
    tail = seq[i1:]
    if delta:
        for x in tail:
            x.range = _moved(x.range, delta)
    return [*seq[:i0], *new, *tail]


def _sorted_by_line(seq: list) -> bool:
    return all(seq[i].range[0] <= seq[i + 1].range[0] for i in range(len(seq) - 1))


def _splice(seq: list, start: int, end: int, delta: int, new: list) -> list:
    """Facts outside [start, end) kept (shifted after it), the new item's in between."""
    before = []
    after = []
    for x in seq:
        line = x.range[0]
        if line < start:
            before.append(x)
        elif line >= end:
            if delta:
                x.range = _moved(x.range, delta)
                rel = getattr(x, "related", None)
                if rel:
                    for r in rel:
                        if r.range[0] >= end:
                            r.range = _moved(r.range, delta)
            after.append(x)
    return [*before, *new, *after]


def _parse_item(lines: list[str], start: int, end: int, seq_col: int) -> Node | None:
    """Parse lines [start, end) as one item of a block sequence whose `-` is at `seq_col`;
    None when they are not exactly one well-formed item there."""
    at_eof = end >= len(lines)
    frag_lines = lines[start:end]
    frag = "\n".join(frag_lines)
    if not at_eof:
        frag += "\n"
    parsed = parse_yaml(frag, lines_index(frag_lines))
    root = parsed.root
    if (
        parsed.problems
        or root is None
        or root.kind != SEQUENCE
        or len(root.items) != 1
        or root.range[1] != seq_col
        or _dash_col(lines[start]) != seq_col
    ):
        return None
    item = root.items[0]
    # Ranges: fragment lines → document lines; a container that ran to the fragment's end
    # ends, in the whole document, where the next token starts.
    next_pos = None
    if not at_eof:
        nxt = lines[end]
        next_pos = (end, len(nxt) - len(nxt.lstrip()))
    _relocate(item, start, len(frag_lines), next_pos)
    return item


def _relocate(node: Node, offset: int, frag_eof_line: int, next_pos) -> None:
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


ProgressFn = Callable[[int, int], None]
