"""Hover: asked of the embedded language when the cursor is inside one of its values, else
of the dialect that reads the file, then the effective value of the object under the
cursor (who set it, who else defines it) appended."""

from __future__ import annotations

from bundle_ls.documents.results import HoverResult
from bundle_ls.editor.features.effective import effective_hover
from bundle_ls.editor.view import ProjectView


def hover(view: ProjectView, rel: str, line: int, ch: int) -> HoverResult | None:
    embedded = view.language_at(rel, line, ch)
    if embedded is not None:
        language, fact = embedded
        found = language.hover(view, rel, fact, line, ch)
        if found is not None:
            return found
    dialect = view.dialect_of(rel)
    found = dialect.hover(view, rel, line, ch) if dialect is not None else None
    effective = effective_hover(view, rel, line, ch)
    if effective is None:
        return found
    if found is None:
        return HoverResult(effective)
    return HoverResult(f"{found.markdown}\n\n---\n\n{effective}", found.range)
