"""Hover: asked of the embedded language when the cursor is inside one of its values, else
of the dialect that reads the file."""

from __future__ import annotations

from bundle_ls.documents.results import HoverResult
from bundle_ls.editor.view import ProjectView


def hover(view: ProjectView, rel: str, line: int, ch: int) -> HoverResult | None:
    embedded = view.language_at(rel, line, ch)
    if embedded is not None:
        language, fact = embedded
        found = language.hover(view, rel, fact, line, ch)
        if found is not None:
            return found
    dialect = view.dialect_of(rel)
    return dialect.hover(view, rel, line, ch) if dialect is not None else None
