"""Hover: asked of the dialect that reads the file."""

from __future__ import annotations

from bundle_ls.documents.results import HoverResult
from bundle_ls.editor.view import ProjectView


def hover(view: ProjectView, rel: str, line: int, ch: int) -> HoverResult | None:
    dialect = view.dialect_of(rel)
    return dialect.hover(view, rel, line, ch) if dialect is not None else None
