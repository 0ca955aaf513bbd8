"""Completion: asked of the embedded language when the cursor is inside one of its values,
else of the dialect that reads the file."""

from __future__ import annotations

from bundle_ls.documents.results import Completions
from bundle_ls.editor.view import ProjectView


def complete(view: ProjectView, rel: str, line: int, character: int) -> Completions:
    embedded = view.language_at(rel, line, character, typing=True)
    if embedded is not None:
        language, fact = embedded
        found = language.complete(view, rel, fact, line, character)
        if found is not None:
            return Completions(found)
    dialect = view.dialect_of(rel)
    items = dialect.complete(view, rel, line, character) if dialect is not None else None
    if items is None:
        return Completions()
    return items if isinstance(items, Completions) else Completions(items)
