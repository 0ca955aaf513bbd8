"""Rename a key in every YAML and CSV file: its definitions and every reference to it.

Edits replace only the key's text: inside quotes, only what is between them. A new name
that a plain YAML scalar cannot hold is quoted; one that a CSV cell cannot hold without
changing the table (a comma, a quote, the list separator in a list cell) is refused.
"""

from __future__ import annotations

import json

from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import FeatureError, TextEdit
from bundle_ls.editor.features.completion import yaml_scalar
from bundle_ls.editor.features.locate import symbolic_at
from bundle_ls.editor.features.references import key_definitions, key_references


def prepare_rename(ws, rel: str, line: int, ch: int):
    """(range, current name) of the key at the position, or None when nothing renames there."""
    sym = symbolic_at(ws, rel, line, ch)
    if sym is None or sym.key is None:
        return None
    lines = ws.lines(rel)
    return _inner(lines, sym.range)[0], sym.key


def rename(ws, rel: str, line: int, ch: int, new_name: str) -> list[TextEdit]:
    sym = symbolic_at(ws, rel, line, ch)
    if sym is None or sym.key is None:
        return []
    if not new_name.strip() or new_name != new_name.strip() or "\n" in new_name:
        raise FeatureError(f"'{new_name}' cannot be a key: no surrounding spaces or line breaks")
    namespaces = sym.namespaces
    if sym.reference is not None:
        defined = [ns for ns in namespaces if sym.key in ws.index.keys_of(ns)]
        namespaces = tuple(defined) or namespaces
    locations = []
    for ns in namespaces:
        locations += key_definitions(ws, ns, sym.key)
        locations += key_references(ws, ns, sym.key)
    edits: list[TextEdit] = []
    cache: dict[str, list[str] | None] = {}
    seen = set()
    for loc in locations:
        if (loc.path, loc.range) in seen:
            continue
        seen.add((loc.path, loc.range))
        if loc.path not in cache:
            cache[loc.path] = ws.lines(loc.path)
        lines = cache[loc.path]
        if lines is None:
            continue
        if loc.path.lower().endswith(".csv"):
            edits.append(TextEdit(loc.path, loc.range, _csv_text(ws, loc.path, new_name)))
            continue
        rng, quote = _inner(lines, loc.range)
        if quote == '"':
            text = json.dumps(new_name, ensure_ascii=False)[1:-1]
        elif quote == "'":
            text = new_name.replace("'", "''")
        else:
            text = yaml_scalar(new_name)
        edits.append(TextEdit(loc.path, rng, text))
    return edits


def _csv_text(ws, path: str, new_name: str) -> str:
    bad = [c for c in (",", '"') if c in new_name]
    ns = ws.schemas.namespace_for_csv(path)
    if ns is not None and ns.separator in new_name:
        bad.append(ns.separator)
    if bad:
        raise FeatureError(
            f"'{new_name}' cannot be written into {path}: a CSV cell key may not contain "
            + " or ".join(f"'{c}'" for c in bad)
        )
    return new_name


def _inner(lines: list[str] | None, rng):
    """The range without its quotes, and the quote character (None for a plain scalar)."""
    if lines is None or rng[0] != rng[2] or rng[0] >= len(lines):
        return rng, None
    li = LineIndex.__new__(LineIndex)
    li.lines = lines
    li._ascii = None
    c0 = li.from_utf16(rng[0], rng[1])
    c1 = li.from_utf16(rng[2], rng[3])
    seg = lines[rng[0]][c0:c1]
    if len(seg) >= 2 and seg[0] in "'\"" and seg[-1] == seg[0]:
        return (rng[0], rng[1] + 1, rng[2], rng[3] - 1), seg[0]
    return rng, None
