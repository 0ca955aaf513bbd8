"""Hover in config files: what the schema says about a property, and what a key or reference is."""

from __future__ import annotations

import uuid

from bundle_ls.dialects.base import EditorView
from bundle_ls.dialects.editing import hit_at, symbolic_at
from bundle_ls.dialects.module_schemas import schema_nav as nav
from bundle_ls.dialects.module_schemas.schemas import SchemaSet
from bundle_ls.documents.paths import resolve_in_root
from bundle_ls.documents.results import HoverResult

# The contract derives a key's uuid from its namespace and name; the hover says so, since
# the file itself holds no uuid.
DERIVED = "derived UUID (from the namespace and key)"


def derived_uuid(namespace: str, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"openmrs-config:{namespace}/{key}"))


def hover(view: EditorView, schemas: SchemaSet, rel: str, line: int, ch: int) -> HoverResult | None:
    parts: list[str] = []
    rng = None
    hit = hit_at(view, rel, line, ch)
    if hit is not None and hit.path:
        if len(hit.path) == 1 and hit.on_key:
            ns = schemas.namespaces.get(hit.path[0])
            if ns is not None:
                text = nav.describe(ns.schema, ns.schema.get("title") or ns.name)
                parts.append(text)
                parts.append(f"Namespace of module `{ns.module.id}`")
        else:
            schema, _ns = nav.schema_at(schemas, hit.path)
            if schema is not None:
                name = next((p for p in reversed(hit.path) if isinstance(p, str)), None)
                text = nav.describe(schema, name)
                if text:
                    parts.append(text)
        if hit.on_key and hit.key is not None:
            rng = hit.key.range
        elif hit.node.kind == "scalar":
            rng = hit.node.range
    sym = symbolic_at(view, rel, line, ch)
    if sym is not None:
        rng = sym.range
        if sym.definition is not None:
            kd = sym.definition
            n = view.reference_count(kd.namespace, kd.key)
            where = "place references" if n == 1 else "places reference"
            parts.append(
                f"Key `{kd.key}` of `{kd.namespace}`\n\n"
                f"- {DERIVED}: `{derived_uuid(kd.namespace, kd.key)}`\n"
                f"- {n} {where} it"
            )
        elif sym.reference is not None:
            ref = sym.reference
            found = view.definitions(ref.namespaces, ref.key)
            if found:
                ns, path, where = found[0]
                text = (
                    f"Reference to `{ref.key}` of `{ns}`, defined in `{path}` line {where[0] + 1}"
                )
                text += f"\n\n- {DERIVED}: `{derived_uuid(ns, ref.key)}`"
                parts.append(text)
            else:
                where = " or ".join(ref.namespaces)
                parts.append(f"Reference to `{ref.key}`: no {where} key of that name is defined")
        elif sym.file_ref is not None:
            _real, why = resolve_in_root(view.index.real_root, sym.file_ref.target)
            parts.append(f"File `{sym.file_ref.target}`" + (f": {why}" if why else ""))
    if not parts:
        return None
    return HoverResult("\n\n---\n\n".join(parts), rng)
