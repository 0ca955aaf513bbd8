"""The editor's view of a Config Directory: documents, their analysis and the project index.

Editor-independent (no pygls): the language server turns notifications into calls on a
`Workspace` — a file opened, edited, closed, changed or deleted on disk — and each call
returns the files whose diagnostics may have changed. It holds, per config file, the
current text (the editor's buffer for an open file, the disk content otherwise), the last
analysis (`Document` and `FileFacts`), and keeps the `ProjectIndex` current.

Edits are recorded as a dirty region; `flush` re-analyses, part by part when it can
(`incremental.py`). Requests read through the `ProjectView` façade (`view.py`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.documents.disk import read_file
from bundle_ls.documents.facts import Document, FileFacts
from bundle_ls.documents.ignores import drop_ignored
from bundle_ls.documents.model import Diagnostic
from bundle_ls.documents.positions import LineIndex, split_lines
from bundle_ls.documents.reading import decode
from bundle_ls.documents.yaml_doc import YamlParse, parse_yaml
from bundle_ls.editor import incremental
from bundle_ls.editor.documents import Change, DocState, apply_changes, digest_file, digest_text
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.analysis import analyze, file_kind, read_facts
from bundle_ls.project.config import SETTINGS_FILE
from bundle_ls.project.context import AnalysisContext, load_context
from bundle_ls.project.discovery import dialect_for, discover, is_checked

INLINE_TREE_LINES = 5000  # a longer document opened unchanged gets its tree built later


@dataclass(slots=True)
class FlushResult:
    affected: set[str] = field(default_factory=set)
    incremental: bool = False


class Workspace:
    def __init__(self, ctx: AnalysisContext) -> None:
        self.ctx = ctx
        self.root = ctx.root
        self.index = ProjectIndex(self.root, ctx.cross_checks, ctx.reads)
        self.docs: dict[str, DocState] = {}
        self.indexed = False
        self._discovered: set[str] = set()
        self.stats = {"incremental": 0, "full": 0}
        # Documents whose whole-file re-analysis runs elsewhere (the server's worker
        # thread): until it is installed, reads answer from their last analysis.
        self.deferred: set[str] = set()

    @classmethod
    def load(cls, root: Path, extra_schemas: Iterable[Path] = ()) -> Workspace:
        """The workspace of a Config Directory (raises ProjectError, InvalidSchema)."""
        return cls(load_context(Path(root), list(extra_schemas)))

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
        return rel in self._discovered or is_checked(self.ctx, rel)

    def reindex_on(self, rel: str) -> bool:
        """Whether a change of this file changes the project's configuration (settings, a
        module schema): everything is analysed again."""
        return rel == SETTINGS_FILE or any(d.reindex_on(rel) for d in self.ctx.dialects)

    def discover(self) -> list[str]:
        found = discover(self.ctx)
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
        # A dangling link, a link loop, a FIFO or a device stays: `--check` reports it.
        if not os.path.lexists(full) or full.is_dir():
            return self.forget(rel)
        facts = read_facts(self.ctx, rel)
        st = DocState(rel, facts.kind)
        st.facts = facts
        st.digest = digest_file(full)
        self.docs[rel] = st
        return self.index.update(facts)

    def forget(self, rel: str) -> set[str]:
        """A file is gone: drop it from the index; returns the other files it affected."""
        self.docs.pop(rel, None)
        return self.index.remove(rel)

    # ---- editor buffers ------------------------------------------------------------------

    def open(self, rel: str, text: str, version: int | None) -> set[str]:
        kind = file_kind(rel)
        old = self.docs.get(rel)
        st = DocState(rel, kind, split_lines(text), version, True)
        self.docs[rel] = st
        if (
            old is not None
            and old.facts is not None
            and old.doc is None
            and old.digest is not None
            and old.digest == digest_text(text)
            and kind == "yaml"
        ):
            # Same text as indexed from disk: the facts stand; build the tree for features.
            st.facts = old.facts
            st.doc = Document(rel, kind, text, LineIndex.over(st.lines), None)
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
    def parse_tree(text: str) -> YamlParse:
        return parse_yaml(text, LineIndex(text))

    def install_tree(self, rel: str, seq: int, parsed: YamlParse) -> None:
        """Install the tree of the text the document was opened with. Edits made since are
        counted from that text, so they are re-checked item by item as usual."""
        st = self.docs.get(rel)
        if st is None or not st.tree_pending or st.doc is None or st.base_text is None:
            return  # a whole-file analysis came first
        st.doc.root = parsed.root
        dialect = dialect_for(self.ctx, rel)
        if dialect is not None and parsed.root is not None:
            st.doc.items = dialect.yaml_items(rel, parsed.root)
        st.tree_pending = False
        base = st.base_text
        st.base_text = None
        if parsed.problems:
            st.segments = None
        else:
            st.segments = incremental.segments(st, None if seq == st.seq else split_lines(base))

    def _ensure_tree(self, st: DocState) -> None:
        if st.tree_pending and st.base_text is not None:
            self.install_tree(st.path, -1, self.parse_tree(st.base_text))

    def change(self, rel: str, changes: list[Change], version: int | None) -> None:
        st = self.docs.get(rel)
        if st is not None and st.lines is not None:
            apply_changes(st, changes, version)

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
        return self.forget(rel) | self.files_with_paths()

    def files_with_paths(self) -> set[str]:
        """Files that name other files (a file appearing or going may concern them)."""
        return {p for p, f in self.index.files.items() if f.file_refs}

    # ---- analysis ------------------------------------------------------------------------

    def is_dirty(self, rel: str) -> bool:
        st = self.docs.get(rel)
        return st is not None and st.is_dirty

    def flush(self, rel: str, allow_full: bool = True) -> FlushResult | None:
        """Bring one edited document's analysis and index entry up to date. With
        `allow_full=False`, or for a `deferred` document, None when that takes a whole-file
        analysis (which the caller runs elsewhere: `snapshot`, `analyze_text`, `apply_full`)."""
        st = self.docs.get(rel)
        if st is None or st.lines is None or not st.is_dirty:
            return FlushResult()
        self._ensure_tree(st)
        affected = None
        if not st.full and st.segments is not None and st.kind == "yaml":
            affected = incremental.reanalyze_item(self.index, st)
        elif not st.full and st.kind == "csv" and st.doc is not None and st.doc.rows is not None:
            affected = incremental.reanalyze_rows(self.index, st)
        if affected is not None:
            self.stats["incremental"] += 1
            return FlushResult(affected, True)
        if not allow_full or rel in self.deferred:
            return None
        self.stats["full"] += 1
        return FlushResult(self._analyze_full(st))

    def snapshot(self, rel: str) -> tuple[int, str] | None:
        """(edit count, text) of an open document, for analysing it elsewhere."""
        st = self.docs.get(rel)
        if st is None or st.lines is None:
            return None
        return st.seq, st.text

    def analyze_text(self, rel: str, text: str) -> tuple[Document, FileFacts]:
        """The whole-file analysis, a pure function safe to run in another thread."""
        return analyze(self.ctx, rel, text)

    def apply_full(self, rel: str, seq: int, doc: Document, facts: FileFacts) -> set[str] | None:
        """Install a whole-file analysis made from `snapshot`; None if the text has changed
        since (the edit that changed it brings its own flush) or was analysed meanwhile."""
        st = self.docs.get(rel)
        if st is None or st.lines is None or st.seq != seq or not st.is_dirty:
            return None
        self.stats["full"] += 1
        return incremental.install_full(self.index, st, doc, facts)

    def _analyze_full(self, st: DocState) -> set[str]:
        doc, facts = analyze(self.ctx, st.path, st.text)
        return incremental.install_full(self.index, st, doc, facts)

    # ---- what the analysis says ----------------------------------------------------------

    def diagnostics(self, rel: str) -> list[Diagnostic]:
        """The file's diagnostics: the same functions and policy `--check` reports with."""
        if rel == SETTINGS_FILE:
            st = self.docs.get(rel)
            if st is not None and st.is_open and st.facts is not None:  # the buffer, as typed
                return self.ctx.policy.apply(self.index.diagnostics(rel))
            return self.ctx.policy.apply(self.ctx.settings_diagnostics())
        return drop_ignored(self.ctx.policy.apply(self.index.diagnostics(rel)), self.lines)

    def lines(self, rel: str) -> list[str] | None:
        """Current text lines of a file (the buffer if open, else the disk content)."""
        st = self.docs.get(rel)
        if st is not None and st.lines is not None:
            return st.lines
        try:
            text, _problem = decode(rel, read_file(self.abspath(rel), inside=self.root))
        except OSError:
            return None
        return split_lines(text) if text is not None else None

    def document(self, rel: str) -> Document | None:
        """The up-to-date parsed document (flushing pending edits; parsing a closed file)."""
        st = self.docs.get(rel)
        if st is None:
            return None
        if st.is_dirty:
            self.flush(rel)
        self._ensure_tree(st)
        if st.doc is not None:
            if st.doc.text is None:
                st.doc.text = st.text
            return st.doc
        lines = self.lines(rel)
        if lines is None:
            return None
        return analyze(self.ctx, rel, "\n".join(lines))[0]

    def tree_at(self, rel: str, line: int):
        doc = self.document(rel)
        st = self.docs.get(rel)
        if doc is None or st is None:
            return None, []
        return incremental.tree_at(st, doc, line)
