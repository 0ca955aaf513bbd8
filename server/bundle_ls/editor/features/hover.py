"""Hover: what the schema says about a property, and what a key or reference is."""

from __future__ import annotations

import uuid

from bundle_ls.dialects.module_schemas import schema_nav as nav
from bundle_ls.documents.results import HoverResult
from bundle_ls.editor.features import placeholders
from bundle_ls.editor.features.locate import INITIALIZER_PREFIX, definitions_of, hit_at, symbolic_at


def derived_uuid(namespace: str, key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"openmrs-config:{namespace}/{key}"))


def hover(ws, rel: str, line: int, ch: int) -> HoverResult | None:
    constant = placeholders.hover(ws, rel, line, ch)
    if constant is not None:
        return constant
    parts: list[str] = []
    rng = None
    header = _initializer_header(ws, rel, line, ch)
    if header is not None:
        return header
    hit = hit_at(ws, rel, line, ch)
    if hit is not None and hit.path:
        if len(hit.path) == 1 and hit.on_key:
            ns = ws.schemas.namespaces.get(hit.path[0])
            if ns is not None:
                text = nav.describe(ns.schema, ns.schema.get("title") or ns.name)
                parts.append(text)
                parts.append(f"Namespace of module `{ns.module.id}`")
        else:
            schema, _ns = nav.schema_at(ws.schemas, hit.path)
            if schema is not None:
                name = next((p for p in reversed(hit.path) if isinstance(p, str)), None)
                text = nav.describe(schema, name)
                if text:
                    parts.append(text)
        if hit.on_key and hit.key is not None:
            rng = hit.key.range
        elif hit.node.kind == "scalar":
            rng = hit.node.range
    sym = symbolic_at(ws, rel, line, ch)
    if sym is not None:
        rng = sym.range
        if sym.definition is not None:
            kd = sym.definition
            n = ws.reference_count(kd.namespace, kd.key)
            where = "place references" if n == 1 else "places reference"
            parts.append(
                f"Key `{kd.key}` of `{kd.namespace}`\n\n"
                f"- UUID: `{derived_uuid(kd.namespace, kd.key)}`\n"
                f"- {n} {where} it"
            )
        elif sym.reference is not None:
            ref = sym.reference
            found = definitions_of(ws, ref.namespaces, ref.key)
            if found:
                ns, path, rng = found[0]
                text = f"Reference to `{ref.key}` of `{ns}`, defined in `{path}` line {rng[0] + 1}"
                if not ns.startswith(INITIALIZER_PREFIX):
                    text += f"\n\n- UUID: `{derived_uuid(ns, ref.key)}`"
                parts.append(text)
            else:
                where = " or ".join(ref.namespaces)
                parts.append(f"Reference to `{ref.key}`: no {where} key of that name is defined")
        elif sym.file_ref is not None:
            from bundle_ls.dialects.module_schemas.files import resolve

            _real, why = resolve(ws.index, sym.file_ref.target)
            parts.append(f"File `{sym.file_ref.target}`" + (f": {why}" if why else ""))
    if not parts:
        return None
    return HoverResult("\n\n---\n\n".join(parts), rng)


def _initializer_header(ws, rel: str, line: int, ch: int) -> HoverResult | None:
    """A header cell of an Initializer domain CSV: what the column means."""
    if not rel.lower().endswith(".csv"):
        return None
    try:
        from bundle_ls.dialects.initializer.features import domain_of, header_info
    except ImportError:  # pragma: no cover
        return None
    if domain_of(rel) is None:
        return None
    lines = ws.lines(rel) or []
    first = next((i for i, t in enumerate(lines) if t.strip()), None)
    if first != line:
        return None
    text = lines[line]
    start = text.rfind(",", 0, ch) + 1
    end = text.find(",", ch)
    end = len(text) if end < 0 else end
    cell = text[start:end]
    info = header_info(rel, cell.strip().strip('"'))
    if info is None:
        return None
    md = f"**{info.label}**" + (" (required)" if info.required else "") + f"\n\n{info.detail}"
    if info.documentation:
        md += f"\n\n{info.documentation}"
    lead = len(cell) - len(cell.lstrip())
    return HoverResult(md, (line, start + lead, line, start + len(cell.rstrip())))
