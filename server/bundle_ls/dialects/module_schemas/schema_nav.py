"""What the module schemas allow at a path of the config tree.

A path is the list of keys and indexes from the top of the config tree:
`["drugs", 3, "storedIn", 0]`. Sequence indexes only select `items`, so `None` can stand
for "some item" when the index is not known (text being typed).
"""

from __future__ import annotations

from typing import Any

from bundle_ls.dialects.module_schemas.schemas import Namespace, SchemaSet
from bundle_ls.documents.model import plain


def schema_at(schemas: SchemaSet, path: list) -> tuple[dict | None, Namespace | None]:
    """The resolved schema at `path` (None when the schemas say nothing there)."""
    if not path or not isinstance(path[0], str):
        return None, None
    ns = schemas.namespaces.get(path[0])
    if ns is None:
        return None, None
    base = ns.module.uri
    schema: dict | None = ns.schema
    for part in path[1:]:
        if schema is None:
            return None, ns
        schema = child_schema(schemas, schema, part, base)
    return (schemas.resolve(schema, base) if schema is not None else None), ns


def _alternatives(schemas: SchemaSet, schema: dict, base: str) -> list[dict]:
    out = [schema]
    for kw in ("oneOf", "anyOf"):
        alts = schema.get(kw)
        if isinstance(alts, list):
            out.extend(schemas.resolve(a, base) for a in alts if isinstance(a, dict))
    return out


def child_schema(schemas: SchemaSet, schema: dict, part: Any, base: str) -> dict | None:
    schema = schemas.resolve(schema, base)
    for alt in _alternatives(schemas, schema, base):
        if isinstance(part, str):
            props = alt.get("properties") or {}
            sub = props.get(part)
            if sub is None and isinstance(alt.get("additionalProperties"), dict):
                sub = alt["additionalProperties"]
            if isinstance(sub, dict):
                return schemas.resolve(sub, base)
        else:
            items = alt.get("items")
            if isinstance(items, dict):
                return schemas.resolve(items, base)
            if alt.get("x-ref"):
                return {"type": "string", "x-ref": alt["x-ref"]}
    return None


def properties(schemas: SchemaSet, schema: dict, base: str) -> dict[str, dict]:
    """Declared properties of an object schema (all alternatives of oneOf/anyOf merged)."""
    out: dict[str, dict] = {}
    for alt in _alternatives(schemas, schemas.resolve(schema, base), base):
        for name, sub in (alt.get("properties") or {}).items():
            if isinstance(sub, dict) and name not in out:
                out[name] = schemas.resolve(sub, base)
    return out


def required(schemas: SchemaSet, schema: dict, base: str) -> list[str]:
    out: list[str] = []
    for alt in _alternatives(schemas, schemas.resolve(schema, base), base):
        for r in alt.get("required") or ():
            if isinstance(r, str) and r not in out:
                out.append(r)
    return out


def is_array(schema: dict | None) -> bool:
    if not schema:
        return False
    t = schema.get("type")
    return t == "array" or (isinstance(t, list) and "array" in t) or "items" in schema


def is_object(schema: dict | None) -> bool:
    if not schema:
        return False
    t = schema.get("type")
    return t == "object" or (isinstance(t, list) and "object" in t) or "properties" in schema


def scalar_schema(schemas: SchemaSet, schema: dict | None, base: str) -> dict | None:
    """For a value position: the schema itself, or its items' for an array of scalars."""
    if schema is None:
        return None
    if is_array(schema) and not schema.get("x-ref"):
        items = schema.get("items")
        return schemas.resolve(items, base) if isinstance(items, dict) else None
    return schema


def xref_targets(schema: dict | None) -> tuple[str, ...]:
    if not schema:
        return ()
    x = schema.get("x-ref")
    if not x and isinstance(schema.get("items"), dict):
        x = schema["items"].get("x-ref")
    if isinstance(x, str):
        return (x,)
    if isinstance(x, list):
        return tuple(t for t in x if isinstance(t, str))
    return ()


def key_property(schemas: SchemaSet, ns: Namespace) -> str | None:
    """The property holding an item's human-readable key (`x-key`) in an array namespace."""
    if ns.item_schema is None:
        return None
    for name, sub in properties(schemas, ns.item_schema, ns.module.uri).items():
        if sub.get("x-key"):
            return name
    return None


def type_names(schema: dict) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        return " | ".join(str(x) for x in t)
    if isinstance(t, str):
        if t == "array" and isinstance(schema.get("items"), dict):
            it = schema["items"].get("type")
            if isinstance(it, str):
                return f"array of {it}"
        return t
    if "enum" in schema:
        return "enum"
    return None


def describe(schema: dict, title_fallback: str | None = None) -> str:
    """Markdown for a property: title, description, type, allowed values, default, mutability."""
    parts: list[str] = []
    title = schema.get("title") or title_fallback
    if title:
        parts.append(f"**{title}**")
    if schema.get("description"):
        parts.append(str(schema["description"]))
    facts: list[str] = []
    t = type_names(schema)
    if t:
        facts.append(f"Type: `{t}`")
    if isinstance(schema.get("enum"), list):
        facts.append("Allowed: " + ", ".join(f"`{plain(v)}`" for v in schema["enum"]))
    if "default" in schema:
        facts.append(f"Default: `{plain(schema['default'])}`")
    targets = xref_targets(schema)
    if targets:
        facts.append("References a key of " + " or ".join(f"`{t}`" for t in targets))
    if schema.get("x-file") is True:
        facts.append("A path to a file in the Config Directory")
    if schema.get("x-runtime-mutable") is True:
        facts.append("Runtime-mutable: can be changed from an admin screen while running")
    if facts:
        parts.append("\n".join(f"- {f}" for f in facts))
    return "\n\n".join(parts)
