"""Find references: every place in every file that names a key."""

from __future__ import annotations

from bundle_ls.documents.results import Location
from bundle_ls.editor.features.locate import symbolic_at


def key_references(ws, namespace: str, key: str) -> list[Location]:
    if namespace.startswith("iniz:"):  # Initializer compares names without case or accents
        try:
            from bundle_ls.dialects.initializer.features import references_to
        except ImportError:  # pragma: no cover
            pass
        else:
            return [Location(p, r) for p, r in references_to(ws.index, namespace, [key])]
    out = []
    for path in sorted(ws.index.referrers.get(namespace, ())):
        facts = ws.index.files.get(path)
        if facts is None:
            continue
        for ref in facts.refs:
            if ref.key == key and namespace in ref.namespaces:
                out.append(Location(path, ref.range))
    return out


def key_definitions(ws, namespace: str, key: str) -> list[Location]:
    return [Location(p, kd.range) for p, kd in ws.index.keys_of(namespace).get(key, ())]


def references(ws, rel: str, line: int, ch: int, include_declaration: bool) -> list[Location]:
    sym = symbolic_at(ws, rel, line, ch)
    if sym is None or sym.key is None:
        return []
    out: list[Location] = []
    for ns in sym.namespaces:
        if include_declaration:
            out.extend(key_definitions(ws, ns, sym.key))
        out.extend(key_references(ws, ns, sym.key))
    return out
