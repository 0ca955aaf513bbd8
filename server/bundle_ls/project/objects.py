"""The configuration of a checked directory as objects, per namespace and per bundle.

Read from the project index with each file's dialect (`Dialect.objects`, `bundle_of`,
`effective_rule`), so the batch's report and the editor's hover and code lens count and
compare alike. Words (see docs/report.md):

- **object**: what a namespace holds (a key definition, a mapping entry, a record that
  several identifiers name), as the file's dialect says (`dialects/objects.py`);
- **bundle**: the folder a file belongs to as a distribution is put together: the
  dialect's answer, else `bundles/<name>` or the top-level folder; "." for a file directly
  in the checked directory, ".." for a project file read from above it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bundle_ls.dialects.base import Dialect
from bundle_ls.dialects.objects import FIRST_IN_PATH_ORDER, ConfigObject, EffectiveRule
from bundle_ls.documents.disk import read_file
from bundle_ls.documents.facts import KeyDef
from bundle_ls.documents.model import Range
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.reading import decode
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.context import AnalysisContext
from bundle_ls.project.discovery import dialect_for

TOP_LEVEL = "."  # the bundle of files directly in the checked directory
OUTSIDE = ".."  # the bundle of project files above it (constants beside the checked folder)
# Sources of references that are no namespace: a folder no dialect knows, a project file.
FOLDER = "folder:"
FILE = "file:"

# Key definitions of one file asked about before all its objects are read at once.
WHOLE_FILE_AFTER = 16
# Files larger than this are not read again for their objects' content or source lines.
MAX_SOURCE_BYTES = 8 * 1024 * 1024


class ProjectObjects:
    """The objects of an index's files, each file's read once (per instance: make one per
    question, the index changes under an editor)."""

    def __init__(self, index: ProjectIndex, ctx: AnalysisContext) -> None:
        self.index = index
        self.ctx = ctx
        self._files: dict[str, list[ConfigObject]] = {}
        # path → (namespace, key range) → its object, for files asked about often
        self._by_key: dict[str, dict[tuple[str, Range], ConfigObject]] = {}
        self._asked: Counter[str] = Counter()

    def dialect_of_file(self, path: str) -> Dialect | None:
        """The dialect that analysed the file (one no longer checked: the one that would)."""
        facts = self.index.files.get(path)
        if facts is not None:
            return self.ctx.dialect(facts.dialect)
        return dialect_for(self.ctx, path)

    def of_file(self, path: str) -> list[ConfigObject]:
        got = self._files.get(path)
        if got is None:
            facts = self.index.files.get(path)
            dialect = self.dialect_of_file(path)
            got = dialect.objects(facts) if facts is not None and dialect is not None else []
            self._files[path] = got
        return got

    def by_file(self) -> dict[str, list[ConfigObject]]:
        return {path: self.of_file(path) for path in self.index.files}

    def object_of(self, path: str, kd: KeyDef) -> ConfigObject | None:
        """The object a key definition of `path` belongs to: asked of the dialect, or, for a
        file asked about many times (a code lens on every row), looked up among the file's
        objects, read once."""
        by_key = self._by_key.get(path)
        if by_key is None:
            self._asked[path] += 1
            if self._asked[path] > WHOLE_FILE_AFTER:
                by_key = self._by_key[path] = {
                    (o.namespace, r): o for o in self.of_file(path) for r in o.key_ranges
                }
        if by_key is not None:
            return by_key.get((kd.namespace, kd.range))
        facts = self.index.files.get(path)
        dialect = self.dialect_of_file(path)
        return dialect.object_of(facts, kd) if facts is not None and dialect is not None else None

    def object_at(self, path: str, line: int, ch: int) -> ConfigObject | None:
        facts = self.index.files.get(path)
        dialect = self.dialect_of_file(path)
        if facts is None or dialect is None:
            return None
        return dialect.object_at(facts, line, ch)

    def rule(self, namespace: str) -> EffectiveRule:
        dialect = self.ctx.dialect_of_namespace(namespace)
        return dialect.effective_rule(namespace) if dialect is not None else FIRST_IN_PATH_ORDER

    def is_listing(self, namespace: str) -> bool:
        dialect = self.ctx.dialect_of_namespace(namespace)
        return dialect is not None and dialect.is_listing(namespace)

    def bundle_of(self, path: str) -> str:
        """The bundle (a folder, relative to the checked directory) a file belongs to."""
        if path.startswith("../"):
            return OUTSIDE
        dialect = self.dialect_of_file(path)
        own = dialect.bundle_of(path) if dialect is not None else None
        if own is not None:
            return own
        parts = path.split("/")
        if len(parts) >= 3 and parts[0] == "bundles":
            return "/".join(parts[:2])
        return parts[0] if len(parts) >= 2 else TOP_LEVEL

    def namespace_label(self, namespace: str, short: bool = False) -> str:
        dialect = self.ctx.dialect_of_namespace(namespace)
        if dialect is not None:
            if short:
                return dialect.short_namespace_label(namespace)
            return dialect.namespace_label(namespace)
        for prefix, word in ((FOLDER, "folder "), (FILE, "")):
            if namespace.startswith(prefix):
                return word + namespace[len(prefix) :]
        return namespace


def bundle_label(bundle: str) -> str:
    if bundle == TOP_LEVEL:
        return "(top level)"
    if bundle == OUTSIDE:
        return "(beside the checked folder)"
    return bundle


def object_counts(objects: ProjectObjects, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Objects per namespace and per bundle (the `objects` of `--check --format json`);
    `only`: the objects of these files alone (`--check FILE`)."""
    keep = set(only) if only is not None else None
    namespaces: Counter[str] = Counter()
    bundles: dict[str, dict[str, Any]] = {}
    for path in sorted(objects.index.files):
        if keep is not None and path not in keep:
            continue
        b = bundles.setdefault(
            objects.bundle_of(path), {"files": 0, "objects": 0, "namespaces": Counter()}
        )
        b["files"] += 1
        for o in objects.of_file(path):
            namespaces[o.namespace] += 1
            b["objects"] += 1
            b["namespaces"][o.namespace] += 1
    for b in bundles.values():
        b["namespaces"] = dict(sorted(b["namespaces"].items()))
    return {
        "namespaces": dict(sorted(namespaces.items())),
        "bundles": dict(sorted(bundles.items())),
    }


def counts_of_check(
    index: ProjectIndex, ctx: AnalysisContext, only: Iterable[str] | None = None
) -> dict[str, Any]:
    """`object_counts` of a checked project (`only`: of these files, the checked paths')."""
    return object_counts(ProjectObjects(index, ctx), only)


def add_object_counts(total: dict[str, Any], counts: dict[str, Any]) -> None:
    """Add the counts of one checked directory to those of several (`--check A B`)."""
    spaces = total.setdefault("namespaces", {})
    for ns, n in counts["namespaces"].items():
        spaces[ns] = spaces.get(ns, 0) + n
    for bundle, c in counts["bundles"].items():
        b = total.setdefault("bundles", {}).setdefault(
            bundle, {"files": 0, "objects": 0, "namespaces": {}}
        )
        b["files"] += c["files"]
        b["objects"] += c["objects"]
        for ns, n in c["namespaces"].items():
            b["namespaces"][ns] = b["namespaces"].get(ns, 0) + n


class Sources:
    """The text of checked files, read again when needed (size-limited, cached): for the
    content of objects the facts do not keep, and for source lines around findings.

    `text_of(path)` may stand for the disk (the editor passes its open documents)."""

    def __init__(self, root: Path, text_of: Callable[[str], str | None] | None = None) -> None:
        self.root = root
        self._text_of = text_of
        self._text: dict[str, str | None] = {}
        self._lines: dict[str, list[str] | None] = {}

    def text(self, path: str) -> str | None:
        if path in self._text:
            return self._text[path]
        text: str | None = None
        if self._text_of is not None:
            text = self._text_of(path)
        else:
            full = self.root / path
            try:
                data = read_file(full, limit=MAX_SOURCE_BYTES, inside=self.root)
                text, _problem = decode(path, data)
            except OSError:  # unreadable, or over the limit
                text = None
        if text is not None and len(text) > MAX_SOURCE_BYTES:
            text = None
        self._text[path] = text
        return text

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = LineIndex(text).lines if text is not None else None
        return self._lines[path]

    def with_values(
        self, objects: ProjectObjects, found: Iterable[ConfigObject]
    ) -> list[ConfigObject]:
        """`found` with the content the facts do not keep read from the files (each file
        read once per call, by its dialect); in the same order."""
        found = list(found)
        by_path: dict[str, list[int]] = {}
        for i, o in enumerate(found):
            if not o.compared:
                by_path.setdefault(o.path, []).append(i)
        for path, where in by_path.items():
            dialect = objects.dialect_of_file(path)
            text = self.text(path)
            if dialect is None or text is None:
                continue
            filled = dialect.object_values(path, text, [found[i] for i in where])
            for i, o in zip(where, filled, strict=True):
                found[i] = o
        return found
