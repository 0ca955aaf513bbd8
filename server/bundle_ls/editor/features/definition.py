"""Go to definition: a reference → its key's definitions; an `x-file` path → the file."""

from __future__ import annotations

from bundle_ls.dialects.module_schemas.files import resolve
from bundle_ls.documents.results import Location
from bundle_ls.editor.features import placeholders
from bundle_ls.editor.features.locate import definitions_of, symbolic_at


def definition(ws, rel: str, line: int, ch: int) -> list[Location]:
    constant = placeholders.definition(ws, rel, line, ch)
    if constant is not None:
        return constant
    sym = symbolic_at(ws, rel, line, ch)
    if sym is None:
        return []
    if sym.file_ref is not None:
        real, why = resolve(ws.index, sym.file_ref.target)
        if why or real is None:
            return []
        target = ws.rel(real)
        return [Location(target, (0, 0, 0, 0))] if target else []
    return [Location(p, r) for _ns, p, r in definitions_of(ws, sym.namespaces, sym.key)]
