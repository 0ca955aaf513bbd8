"""Rename a key in every YAML and CSV file: its definitions and every reference to it.

Edits replace only the key's text: inside quotes, only what is between them. A new name
that a plain YAML scalar cannot hold is quoted; one that a CSV cell cannot hold without
changing the table (a comma, a quote, the list separator in a list cell) is refused. A
name inside an embedded language's value is rewritten by that language, in the value's
own scalar style.
"""

from __future__ import annotations

from bundle_ls.documents.facts import Embedded
from bundle_ls.documents.model import Range
from bundle_ls.documents.quoting import inside_quotes, yaml_text
from bundle_ls.documents.results import FeatureError, Location, TextEdit
from bundle_ls.editor.features.embedded import symbol_at
from bundle_ls.editor.features.references import key_definitions, key_references
from bundle_ls.editor.view import ProjectView


def prepare_rename(view: ProjectView, rel: str, line: int, ch: int):
    """(range, current name) of the key at the position, or None when nothing renames there."""
    sym = symbol_at(view, rel, line, ch)
    if sym is None or sym.key is None:
        return None
    return inside_quotes(view.lines(rel), sym.range)[0], sym.key


def rename(view: ProjectView, rel: str, line: int, ch: int, new_name: str) -> list[TextEdit]:
    sym = symbol_at(view, rel, line, ch)
    if sym is None or sym.key is None:
        return []
    if not new_name.strip() or new_name != new_name.strip() or "\n" in new_name:
        raise FeatureError(f"'{new_name}' cannot be a key: no surrounding spaces or line breaks")
    namespaces = sym.namespaces
    if sym.reference is not None:
        defined = [ns for ns in namespaces if sym.key in view.index.keys_of(ns)]
        namespaces = tuple(defined) or namespaces
    locations = []
    for ns in namespaces:
        locations += key_definitions(view, ns, sym.key)
        locations += key_references(view, ns, sym.key)
    return _edits(view, locations, new_name)


def _edits(view: ProjectView, locations: list[Location], new_name: str) -> list[TextEdit]:
    edits: list[TextEdit] = []
    cache: dict[str, list[str] | None] = {}
    seen = set()
    # Names inside an embedded language's value: rewritten by the language, value by value.
    values: dict[tuple[str, int], tuple[Embedded, list[Range]]] = {}
    for loc in locations:
        if (loc.path, loc.range) in seen:
            continue
        seen.add((loc.path, loc.range))
        fact = view.embedded_at(loc.path, loc.range[0], loc.range[1])
        if fact is not None:
            values.setdefault((loc.path, id(fact)), (fact, []))[1].append(loc.range)
            continue
        if loc.path not in cache:
            cache[loc.path] = view.lines(loc.path)
        lines = cache[loc.path]
        if lines is None:
            continue
        if loc.path.lower().endswith(".csv"):
            edits.append(TextEdit(loc.path, loc.range, _csv_text(view, loc.path, new_name)))
            continue
        rng, quote = inside_quotes(lines, loc.range)
        edits.append(TextEdit(loc.path, rng, yaml_text(quote, new_name)))
    for (path, _id), (fact, ranges) in values.items():
        language = view.language(fact.language)
        if language is not None:
            edits.extend(language.rename_edits(view, path, fact, ranges, new_name))
    return edits


def _csv_text(view: ProjectView, path: str, new_name: str) -> str:
    bad = [c for c in (",", '"') if c in new_name]
    dialect = view.dialect_of(path)
    if dialect is not None:
        bad.extend(c for c in dialect.forbidden_in_cell(path) if c in new_name)
    if bad:
        raise FeatureError(
            f"'{new_name}' cannot be written into {path}: a CSV cell key may not contain "
            + " or ".join(f"'{c}'" for c in bad)
        )
    return new_name
