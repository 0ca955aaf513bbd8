"""One file → its document and facts, by the dialect that claims it.

A pure function of the file's path and bytes and the analysis context, so `--check` runs
it in worker processes and caches its result by content hash, and the editor runs it on
buffers.
"""

from __future__ import annotations

from pathlib import Path

from bundle_ls.documents.codes import INTERNAL, LIMIT, UNREADABLE
from bundle_ls.documents.disk import FileTooLarge, read_file
from bundle_ls.documents.facts import Document, FileFacts
from bundle_ls.documents.gcpause import no_cyclic_gc
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.reading import decode
from bundle_ls.project.context import AnalysisContext
from bundle_ls.project.discovery import owner_of


def file_kind(rel: str) -> str:
    low = rel.lower()
    if low.endswith(".csv"):
        return "csv"
    if low.endswith((".yaml", ".yml")):
        return "yaml"
    return "other"


def analyze(ctx: AnalysisContext, path: str, text: str) -> tuple[Document, FileFacts]:
    lines = LineIndex(text)
    dialect, _checked = owner_of(ctx, path)
    if dialect is None:  # no dialect's file (the editor may still hold it open)
        kind = file_kind(path)
        return Document(path, kind, text, lines, None), FileFacts(path, kind)
    with no_cyclic_gc():  # every object made here stays alive until the analysis ends
        doc, facts = dialect.analyze(path, text, lines)
    facts.dialect = dialect.name
    return doc, facts


def facts_from_bytes(ctx: AnalysisContext, rel: str, data: bytes) -> FileFacts:
    """One file's facts from its bytes; a file that is not UTF-8 becomes a finding."""
    text, problem = decode(rel, data)
    if text is None:
        facts = FileFacts(rel, file_kind(rel))
        facts.diagnostics.append(problem)
        return facts
    try:
        return analyze(ctx, rel, text)[1]
    except Exception as exc:  # a bug: reported at the file, the other files still checked
        facts = FileFacts(rel, file_kind(rel))
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        message = f"bundle-ls failed on this file ({reason}); please report it"
        facts.diagnostics.append(INTERNAL(rel, (0, 0, 0, 0), message))
        return facts


def read_bytes(root: Path, rel: str) -> bytes:
    """A file's bytes: a regular file only, links followed only inside `root`, at most the
    file size limit (see documents/disk.py)."""
    return read_file(root / rel, inside=root)


def unreadable(rel: str, exc: OSError) -> FileFacts:
    facts = FileFacts(rel, file_kind(rel))
    if isinstance(exc, FileTooLarge):
        facts.diagnostics.append(LIMIT(rel, (0, 0, 0, 0), exc.strerror))
        return facts
    reason = exc.strerror or str(exc)
    facts.diagnostics.append(UNREADABLE(rel, (0, 0, 0, 0), f"cannot read this file: {reason}"))
    return facts


def read_facts(ctx: AnalysisContext, rel: str) -> FileFacts:
    """One file's facts from disk; an unreadable file becomes a finding, never an exception."""
    try:
        data = read_bytes(ctx.root, rel)
    except OSError as exc:
        return unreadable(rel, exc)
    return facts_from_bytes(ctx, rel, data)
