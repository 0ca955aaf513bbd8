"""What navigation names at a position: a name inside an embedded language's value (as
that language resolves it), else a key, reference or file path the index knows there."""

from __future__ import annotations

from bundle_ls.dialects.editing import Symbolic, symbolic_at
from bundle_ls.editor.view import ProjectView


def symbol_at(view: ProjectView, rel: str, line: int, ch: int) -> Symbolic | None:
    embedded = view.language_at(rel, line, ch)
    if embedded is not None:
        language, fact = embedded
        found = language.symbol(view, rel, fact, line, ch)
        if found is not None:
            namespaces, key, rng = found
            return Symbolic(namespaces, key, rng)
    return symbolic_at(view, rel, line, ch)
