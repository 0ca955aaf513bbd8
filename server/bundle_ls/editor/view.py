"""The read side of the editor: what features and dialect hooks may ask (`EditorView`).

A thin façade over a `Workspace`: current text, the parsed document and a tree with right
positions, a file's facts (pending edits applied first), and questions answered from the
project index with the names compared as the namespace's dialect compares them.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from bundle_ls.dialects.base import Dialect, EmbeddedLanguage
from bundle_ls.documents.facts import Document, Embedded, FileFacts
from bundle_ls.documents.model import Node, Range
from bundle_ls.editor.workspace import Workspace
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.config import SETTINGS_FILE
from bundle_ls.project.discovery import dialect_for, owner_of


class ProjectView:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    @property
    def root(self) -> Path:
        return self.ws.root

    @property
    def index(self) -> ProjectIndex:
        return self.ws.index

    def dialect_of(self, rel: str) -> Dialect | None:
        """The dialect whose editor hooks serve the file: the one that checks it, or for the
        settings file (which `--check` reads before checking), its own."""
        if rel == SETTINGS_FILE:
            return owner_of(self.ws.ctx, rel)[0]
        return dialect_for(self.ws.ctx, rel)

    def language(self, name: str) -> EmbeddedLanguage | None:
        return self.ws.ctx.language(name)

    def embedded_at(self, rel: str, line: int, ch: int, typing: bool = False) -> Embedded | None:
        """The value of an embedded language at a position (its pending edits applied),
        the end of the value included: a cursor typing at its end is inside it. `typing`:
        also a cursor after the end on the value's last line with only spaces between
        (a plain scalar does not hold the spaces just typed after it)."""
        facts = self.facts(rel)
        if facts is None or not facts.embedded:
            return None
        for e in facts.embedded:
            r = e.range
            if (r[0], r[1]) <= (line, ch) <= (r[2], r[3]):
                return e
        lines = self.lines(rel) if typing else None
        if lines is not None and line < len(lines):
            for e in facts.embedded:
                r = e.range
                if r[2] == line and r[3] < ch and not lines[line][r[3] : ch].strip(" \t"):
                    return e
        return None

    def language_at(
        self, rel: str, line: int, ch: int, typing: bool = False
    ) -> tuple[EmbeddedLanguage, Embedded] | None:
        """The embedded language, and its value, at a position (`typing`: see
        `embedded_at`)."""
        fact = self.embedded_at(rel, line, ch, typing)
        lang = self.language(fact.language) if fact is not None else None
        return (lang, fact) if lang is not None and fact is not None else None

    def fold(self, namespace: str):
        """How names of `namespace` compare (its dialect's `fold_key`)."""
        dialect = self.ws.ctx.dialect_of_namespace(namespace)
        return dialect.fold_key if dialect is not None else str

    def namespace_label(self, namespace: str) -> str:
        dialect = self.ws.ctx.dialect_of_namespace(namespace)
        return dialect.namespace_label(namespace) if dialect is not None else namespace

    # ---- one file ------------------------------------------------------------------------

    def lines(self, rel: str) -> list[str] | None:
        return self.ws.lines(rel)

    def document(self, rel: str) -> Document | None:
        return self.ws.document(rel)

    def tree_at(self, rel: str, line: int) -> tuple[Node | None, list]:
        return self.ws.tree_at(rel, line)

    def facts(self, rel: str) -> FileFacts | None:
        """The file's facts, its pending edits applied."""
        if self.ws.is_dirty(rel):
            self.ws.flush(rel)
        return self.ws.index.files.get(rel)

    def diagnostics(self, rel: str):
        if self.ws.is_dirty(rel):
            self.ws.flush(rel)
        return self.ws.diagnostics(rel)

    def context_hints(self, rel: str):
        """For completion: where the last analysis saw top-level keys and namespace items,
        mapped through pending edits and checked against the current text, so that the
        cursor's path is found without walking up a long sequence. (None, None) if unknown.
        """
        st = self.ws.docs.get(rel)
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

    # ---- across files --------------------------------------------------------------------

    def definitions(self, namespaces: tuple[str, ...], key: str) -> list[tuple[str, str, Range]]:
        """(namespace, path, range) of every definition of `key`: the exact name, else a
        name the namespace's dialect takes as the same (`fold_key`: no case, say)."""
        out = []
        for ns in namespaces:
            bucket = self.index.keys_of(ns)
            exact = bucket.get(key)
            if exact:
                out.extend((ns, p, kd.range) for p, kd in exact)
                continue
            fold = self.fold(ns)
            if fold is str:
                continue
            want = fold(key)
            for name, defs in bucket.items():
                if fold(name) == want:
                    out.extend((ns, p, kd.range) for p, kd in defs)
        return out

    def references_to(self, namespace: str, keys: list[str]) -> list[tuple[str, Range]]:
        """(path, range) of every reference, in any file, to one of `keys` of `namespace`."""
        fold = self.fold(namespace)
        want = {fold(k) for k in keys}
        # A name inside an embedded language's value compares as that language says.
        by_language: dict[str, tuple] = {}
        out = []
        for path in sorted(self.index.referrers.get(namespace, ())):
            facts = self.index.files.get(path)
            if facts is None:
                continue
            for ref in facts.refs:
                if namespace not in ref.namespaces:
                    continue
                if ref.language:
                    got = by_language.get(ref.language)
                    if got is None:
                        got = by_language[ref.language] = self._language_fold(ref.language, keys)
                    if got[0](ref.key) in got[1]:
                        out.append((path, ref.range))
                elif fold(ref.key) in want:
                    out.append((path, ref.range))
        return out

    def _language_fold(self, name: str, keys: list[str]) -> tuple:
        lang = self.language(name)
        fold = lang.fold if lang is not None else str
        return fold, {fold(k) for k in keys}

    def reference_count(self, namespace: str, key: str) -> int:
        return len(self.references_to(namespace, [key]))
