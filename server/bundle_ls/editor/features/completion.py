"""Completion: asked of the dialect that reads the file."""

from __future__ import annotations

from bundle_ls.documents.results import Completions
from bundle_ls.editor.view import ProjectView


def complete(view: ProjectView, rel: str, line: int, character: int) -> Completions:
    dialect = view.dialect_of(rel)
    items = dialect.complete(view, rel, line, character) if dialect is not None else None
    if items is None:
        return Completions()
    return items if isinstance(items, Completions) else Completions(items)
