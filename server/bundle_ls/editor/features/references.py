"""Find references: every place in every file that names a key (compared as its
namespace's dialect compares names)."""

from __future__ import annotations

from bundle_ls.documents.results import Location
from bundle_ls.editor.features.embedded import symbol_at
from bundle_ls.editor.view import ProjectView


def key_references(view: ProjectView, namespace: str, key: str) -> list[Location]:
    return [Location(p, r) for p, r in view.references_to(namespace, [key])]


def key_definitions(view: ProjectView, namespace: str, key: str) -> list[Location]:
    return [Location(p, kd.range) for p, kd in view.index.keys_of(namespace).get(key, ())]


def references(
    view: ProjectView, rel: str, line: int, ch: int, include_declaration: bool
) -> list[Location]:
    sym = symbol_at(view, rel, line, ch)
    if sym is None or sym.key is None:
        return []
    out: list[Location] = []
    for ns in sym.namespaces:
        if include_declaration:
            out.extend(key_definitions(view, ns, sym.key))
        out.extend(key_references(view, ns, sym.key))
    return out
