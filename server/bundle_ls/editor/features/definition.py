"""Go to definition: a reference → its key's definitions; a file path → the file.

A name inside an embedded language's value resolves as that language says; elsewhere the
dialect is asked first (a placeholder → its constant, say)."""

from __future__ import annotations

from bundle_ls.documents.paths import resolve_in_root
from bundle_ls.documents.results import Location
from bundle_ls.editor.features.embedded import symbol_at
from bundle_ls.editor.view import ProjectView


def definition(view: ProjectView, rel: str, line: int, ch: int) -> list[Location]:
    if view.language_at(rel, line, ch) is None:
        dialect = view.dialect_of(rel)
        found = dialect.definition(view, rel, line, ch) if dialect is not None else None
        if found is not None:
            return found
    sym = symbol_at(view, rel, line, ch)
    if sym is None:
        return []
    if sym.file_ref is not None:
        real, why = resolve_in_root(view.index.real_root, sym.file_ref.target)
        if why or real is None:
            return []
        target = view.ws.rel(real)
        return [Location(target, (0, 0, 0, 0))] if target else []
    return [Location(p, r) for _ns, p, r in view.definitions(sym.namespaces, sym.key)]
