"""Completion in config files of the module-schema dialect, from the text at the cursor.

Namespaces at the top level; property names not yet present (required first, the
schema's description as documentation); enum and boolean values; the keys of the
referenced namespace for an `x-ref` value (from every file); file paths for `x-file`;
CSV header names and cell values by column. It reads the lines around the cursor, so it
works in half-typed YAML. Every item replaces the word at the cursor.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from bundle_ls.dialects.base import EditorView, EmbeddedLanguage
from bundle_ls.dialects.module_schemas import schema_nav as nav
from bundle_ls.dialects.module_schemas.schemas import SchemaSet
from bundle_ls.documents.model import plain
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.quoting import csv_cell, yaml_scalar
from bundle_ls.documents.results import (
    COLUMN,
    ENUM,
    FILE,
    NAMESPACE,
    PROPERTY,
    VALUE,
    Completion,
    Completions,
)
from bundle_ls.documents.results import KEY as KEY_KIND
from bundle_ls.documents.text_context import KEY, csv_context, yaml_context
from bundle_ls.index.key_search import matching_keys

MAX_FILES = 2000


def complete(
    view: EditorView,
    schemas: SchemaSet,
    rel: str,
    line: int,
    character: int,
    languages: Mapping[str, EmbeddedLanguage] | None = None,
) -> Completions:
    lines = view.lines(rel)
    if lines is None:
        return Completions()
    if line >= len(lines):
        lines = [*lines, *([""] * (line - len(lines) + 1))]
    li = LineIndex.over(lines)
    col = li.from_utf16(line, character)
    langs = languages or {}
    if rel.lower().endswith(".csv"):
        items = _complete_csv(view, schemas, rel, lines, line, col, li, langs)
    else:
        items = _complete_yaml(view, schemas, rel, lines, line, col, li, langs)
    return items if isinstance(items, Completions) else Completions(items)


# ---- YAML --------------------------------------------------------------------------------


def _complete_yaml(ws, schemas: SchemaSet, rel, lines, line, col, li, langs) -> list[Completion]:
    top, item = ws.context_hints(rel)
    ctx = yaml_context(lines, line, col, top, item)
    if ctx is None:
        return []
    rng = li.range_on(line, ctx.start, ctx.end)
    if ctx.mode == KEY and not ctx.path:
        if ctx.dash_item:
            return []
        return _namespaces(schemas, rng, ctx.has_colon)
    if ctx.mode == KEY:
        schema, ns = nav.schema_at(schemas, ctx.path)
        if schema is None:
            return []
        if nav.is_object(schema) or (
            not ctx.dash_item and nav.properties(schemas, schema, ns.module.uri)
        ):
            return _properties(schemas, schema, ns.module.uri, ctx, rng)
        if not ctx.dash_item and nav.is_array(schema):
            # a new line in a list of objects: start an item with its key property
            item = nav.scalar_schema(schemas, schema, ns.module.uri)
            if item is not None and nav.is_object(item):
                return _new_item(schemas, item, ns.module.uri, rng)
        # a bare scalar where a value belongs (an item of a list of scalars, or text under
        # a key whose value is on the next line)
        return _values(
            ws, schemas, schema, ns.module.uri, ctx.word, rng, ctx.quote, set(), False, langs=langs
        )
    schema, ns = nav.schema_at(schemas, ctx.path)
    if schema is None:
        return []
    base = ns.module.uri
    exclude: set[str] = set()
    # a list written after `key: ` with no `[` yet: offer each item as a one-item list
    bracket = not ctx.in_flow and not ctx.quote and nav.is_array(schema)
    if ctx.in_flow or (nav.is_array(schema) and not schema.get("x-ref")):
        exclude = set(ctx.flow_items)
        schema = nav.scalar_schema(schemas, schema, base)
        if schema is None:
            return []
    items = _values(
        ws, schemas, schema, base, ctx.word, rng, ctx.quote, exclude, ctx.in_flow, langs=langs
    )
    if bracket:
        for it in items:
            it.new_text = f"[{it.new_text}]"
    if ctx.after_colon:
        for it in items:
            it.new_text = " " + it.new_text
    return items


def _namespaces(schemas: SchemaSet, rng, has_colon) -> list[Completion]:
    out = []
    for name, ns in sorted(schemas.namespaces.items()):
        doc = nav.describe(ns.schema, ns.schema.get("title"))
        suffix = "" if has_colon else ":"
        out.append(
            Completion(
                name,
                NAMESPACE,
                rng,
                name + suffix,
                detail=f"module {ns.module.id}" + (" (list)" if ns.is_array else ""),
                documentation=doc or None,
            )
        )
    return out


def _properties(schemas, schema, base, ctx, rng) -> list[Completion]:
    props = nav.properties(schemas, schema, base)
    req = nav.required(schemas, schema, base)
    out = []
    for name, sub in props.items():
        if name in ctx.siblings:
            continue
        is_req = name in req
        if ctx.has_colon or ctx.quote:
            text = name
        else:
            text = f"{name}:" if (nav.is_object(sub) or nav.is_array(sub)) else f"{name}: "
        t = nav.type_names(sub)
        detail = " ".join(x for x in ((t or ""), "(required)" if is_req else "") if x)
        out.append(
            Completion(
                name,
                PROPERTY,
                rng,
                text,
                detail=detail or None,
                documentation=nav.describe(sub) or None,
                sort_text=("0" if is_req else "1") + name,
            )
        )
    return out


def _new_item(schemas, item: dict, base: str, rng) -> list[Completion]:
    """`- <first required property>: ` to start an item of a list of objects."""
    props = nav.properties(schemas, item, base)
    req = [r for r in nav.required(schemas, item, base) if r in props]
    key = next((n for n, sub in props.items() if sub.get("x-key")), None)
    first = key or (req[0] if req else next(iter(props), None))
    if first is None:
        return []
    return [
        Completion(
            f"- {first}",
            PROPERTY,
            rng,
            f"- {first}: ",
            detail="new item",
            documentation=nav.describe(props[first]) or None,
        )
    ]


def _values(
    ws, schemas, schema, base, word, rng, quote, exclude, in_flow, csv=False, langs=None
) -> list[Completion]:
    schema = schemas.resolve(schema, base)
    out = Completions()

    def add(label, kind, detail=None, doc=None, sort=None):
        if label in exclude:
            return
        text = label if quote or csv else yaml_scalar(label)
        out.append(Completion(label, kind, rng, text, detail, doc, sort))

    alts = [schema]
    for kw in ("oneOf", "anyOf"):
        if isinstance(schema.get(kw), list):
            alts += [schemas.resolve(a, base) for a in schema[kw] if isinstance(a, dict)]
    seen: set[str] = set()
    for alt in alts:
        for v in alt.get("enum") or ():
            label = plain(v)
            if label not in seen:
                seen.add(label)
                add(label, ENUM, "enum value", None, "0" + label)
        if "const" in alt:
            label = plain(alt["const"])
            if label not in seen:
                seen.add(label)
                add(label, ENUM)
        t = alt.get("type")
        types = t if isinstance(t, list) else [t]
        if "boolean" in types:
            for label in ("true", "false"):
                if label not in seen:
                    seen.add(label)
                    out.append(Completion(label, VALUE, rng, label, "boolean", None, "0" + label))
        if "default" in alt and plain(alt["default"]) not in seen and not alt.get("x-ref"):
            label = plain(alt["default"])
            seen.add(label)
            add(label, VALUE, "default", None, "1" + label)
    targets = nav.xref_targets(schema)
    if targets:
        for ns_name in targets:
            keys, more = matching_keys(ws.index, ns_name, word)
            out.incomplete = out.incomplete or more
            for key in keys:
                if key in seen:
                    continue
                seen.add(key)
                path, kd = ws.index.keys_of(ns_name)[key][0]
                add(key, KEY_KIND, f"{ns_name} · {path}:{kd.range[0] + 1}", None, "0" + key)
    language = (langs or {}).get(schema.get("x-expression"))
    if language is not None:  # a value of an embedded language, not written yet
        for text, detail in language.values(ws, word):
            if text not in seen:
                seen.add(text)
                add(text, VALUE, detail, None, "0" + text)
    if schema.get("x-file") is True:
        for path in _files(ws.root, word):
            if path not in seen:
                seen.add(path)
                add(path, FILE, "file", None, "0" + path)
    return out


def _files(root, word: str) -> list[str]:
    """Files under the Config Directory (hidden folders skipped), for `x-file` values."""
    out: list[str] = []
    root = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            out.append(prefix + name)
            if len(out) >= MAX_FILES:
                return out
    return out


# ---- CSV ---------------------------------------------------------------------------------


def _complete_csv(ws, schemas: SchemaSet, rel, lines, line, col, li, langs) -> list[Completion]:
    ns = schemas.namespace_for_csv(rel)
    if ns is None or ns.item_schema is None:
        return []
    ctx = csv_context(lines, line, col, ",", ns.separator)
    if ctx is None:
        return []
    base = ns.module.uri
    rng = li.range_on(line, ctx.start, ctx.end)
    props = nav.properties(schemas, ns.item_schema, base)
    if ctx.header:
        req = nav.required(schemas, ns.item_schema, base)
        present = {n for i, n in enumerate(ctx.header_names) if i != ctx.column}
        out = []
        for name, sub in props.items():
            if name in present:
                continue
            is_req = name in req
            out.append(
                Completion(
                    name,
                    COLUMN,
                    rng,
                    name,
                    detail=" ".join(
                        x for x in (nav.type_names(sub) or "", "(required)" if is_req else "") if x
                    )
                    or None,
                    documentation=nav.describe(sub) or None,
                    sort_text=("0" if is_req else "1") + name,
                )
            )
        return out
    if ctx.column_name is None:
        return []
    sub = props.get(ctx.column_name)
    if sub is None:
        return []
    exclude: set[str] = set()
    if nav.is_array(sub) and not sub.get("x-ref"):
        exclude = {p for p in ctx.cell_parts if p and p != ctx.word}
        sub = nav.scalar_schema(schemas, sub, base)
        if sub is None:
            return []
    items = _values(
        ws, schemas, sub, base, ctx.word, rng, ctx.quote, exclude, False, csv=True, langs=langs
    )
    if not ctx.quote:
        for it in items:
            it.new_text = csv_cell(it.new_text)
    return items
