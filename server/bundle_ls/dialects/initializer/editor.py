"""The editor in Initializer folders: domain CSV headers and cells, `${…}` placeholders.

Completion offers a domain's header names and each column's values (names defined in
other files, OpenMRS core values, enums); hover explains a header, a placeholder's value
and an entity; go to definition follows a placeholder to its constant. References and
definitions of entities compare names as Initializer's database does (no case, no
accents): `InitializerDialect.fold_key`.
"""

from __future__ import annotations

import re

from bundle_ls.dialects.base import EditorView
from bundle_ls.dialects.editing import symbolic_at
from bundle_ls.dialects.initializer import features as iniz
from bundle_ls.dialects.initializer import placeholders as ph
from bundle_ls.dialects.initializer.spec import Domain
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.quoting import csv_cell
from bundle_ls.documents.results import (
    COLUMN,
    VALUE,
    Completion,
    Completions,
    HoverResult,
    Location,
)
from bundle_ls.documents.text_context import csv_context
from bundle_ls.index.key_search import MAX_KEYS

_KEY_REST = re.compile(r"[\w.\-]*")


def _line(view: EditorView, rel: str, line: int) -> str | None:
    lines = view.lines(rel)
    return lines[line] if lines is not None and 0 <= line < len(lines) else None


# ---- placeholders ------------------------------------------------------------------------


def complete_placeholder(view: EditorView, rel: str, line: int, ch: int) -> list[Completion] | None:
    """The constants for a `${…` being typed (an empty list when the project has none);
    None when the cursor is not in a placeholder."""
    text = _line(view, rel, line)
    typing = ph.typing_placeholder(text, ch) if text is not None else None
    if typing is None:
        return None
    prefix, start = typing
    li = LineIndex(text)
    after = li.from_utf16(0, ch)
    rest = _KEY_REST.match(text, after).end()  # the rest of a key the cursor is inside
    closed = text[rest : rest + 1] == "}"
    rng = (line, start, line, li.to_utf16(0, rest))
    return [
        Completion(key, VALUE, rng, key if closed else key + "}", value or None, None, f"{i:05d}")
        for i, (key, value) in enumerate(
            ph.complete_placeholders(ph.constants_in(view.index), prefix)
        )
    ]


def hover_placeholder(view: EditorView, rel: str, line: int, ch: int) -> HoverResult | None:
    text = _line(view, rel, line)
    at = ph.placeholder_at(text, ch) if text is not None else None
    if at is None:
        return None
    key, start, end = at
    markdown = ph.hover_placeholder(ph.constants_in(view.index), key)
    return HoverResult(markdown, (line, start, line, end)) if markdown else None


def definition(view: EditorView, rel: str, line: int, ch: int) -> list[Location] | None:
    """Where the constant under the cursor is defined; None when not on a placeholder."""
    text = _line(view, rel, line)
    at = ph.placeholder_at(text, ch) if text is not None else None
    if at is None:
        return None
    return [Location(p, r) for p, r in ph.definition_of_placeholder(view.index, at[0])]


# ---- domain CSV --------------------------------------------------------------------------


def complete_csv(view: EditorView, domain: Domain, rel: str, line: int, ch: int) -> Completions:
    lines = view.lines(rel)
    if lines is None:
        return Completions()
    if line >= len(lines):
        lines = [*lines, *([""] * (line - len(lines) + 1))]
    li = LineIndex.over(lines)
    col = li.from_utf16(line, ch)
    ctx = csv_context(lines, line, col, ",", ";")
    if ctx is None:
        return []
    rng = li.range_on(line, ctx.start, ctx.end)
    if ctx.header:
        present = [n for i, n in enumerate(ctx.header_names) if i != ctx.column]
        found = iniz.header_candidates(domain, present, view.index)
        kind = COLUMN
    else:
        if ctx.column_name is None:
            return []
        found = iniz.value_candidates(view.index, domain, ctx.column_name)
        kind = VALUE
    out = Completions()
    if len(found) > MAX_KEYS:  # a large domain (concepts): what matches the word typed
        low = ctx.word.strip().lower()
        starts = [c for c in found if c.label.lower().startswith(low)]
        found = starts + [
            c for c in found if low in c.label.lower() and not c.label.lower().startswith(low)
        ]
        out.incomplete = len(found) > MAX_KEYS
        found = found[:MAX_KEYS]
    for i, c in enumerate(found):
        if c.label in ctx.cell_parts and c.label != ctx.word:
            continue
        text = c.label if ctx.quote else csv_cell(c.label)
        out.append(
            Completion(
                c.label,
                kind,
                rng,
                text,
                detail=("required · " if c.required else "") + c.detail
                if c.detail or c.required
                else None,
                documentation=c.documentation or None,
                sort_text=f"{i:05d}",
            )
        )
    return out


def hover_header(
    view: EditorView, domain: Domain, rel: str, line: int, ch: int
) -> HoverResult | None:
    """A header cell of a domain CSV: what the column means."""
    lines = view.lines(rel) or []
    first = next((i for i, t in enumerate(lines) if t.strip()), None)
    if first != line:
        return None
    text = lines[line]
    start = text.rfind(",", 0, ch) + 1
    end = text.find(",", ch)
    end = len(text) if end < 0 else end
    cell = text[start:end]
    info = iniz.header_info(domain, cell.strip().strip('"'))
    if info is None:
        return None
    md = f"**{info.label}**" + (" (required)" if info.required else "") + f"\n\n{info.detail}"
    if info.documentation:
        md += f"\n\n{info.documentation}"
    lead = len(cell) - len(cell.lstrip())
    return HoverResult(md, (line, start + lead, line, start + len(cell.rstrip())))


def hover_cell_column(
    view: EditorView, domain: Domain, rel: str, line: int, ch: int
) -> HoverResult | None:
    """A data cell of a domain CSV: the column it is in and what the column holds, so a
    cell far along a long row says what it is."""
    lines = view.lines(rel)
    if lines is None or not 0 <= line < len(lines):
        return None
    li = LineIndex.over(lines)
    ctx = csv_context(lines, line, li.from_utf16(line, ch), ",", None)
    if ctx is None or ctx.header or ctx.column_name is None:
        return None
    name = ctx.column_name.strip()
    info = iniz.header_info(domain, name)
    md = f"**{name}** column (column {ctx.column + 1})"
    md += f": {info.detail}" if info is not None else ": Initializer does not read this column"
    if info is not None and info.documentation:
        md += f"\n\n{info.documentation}"
    return HoverResult(md, li.range_on(line, ctx.start, ctx.end))


# ---- entities ------------------------------------------------------------------------------


def hover_entity(view: EditorView, label, rel: str, line: int, ch: int) -> HoverResult | None:
    """An entity a row defines, or a reference to one: where it is defined, the row's own
    uuid (Initializer uses the `Uuid` cell; a row without one is found by name), and how
    many places refer to it."""
    sym = symbolic_at(view, rel, line, ch)
    if sym is None or sym.key is None:
        return None
    if sym.definition is not None:
        kd = sym.definition
        where, row_line = rel, _row_line(kd)
    else:
        found = view.definitions(sym.namespaces, sym.key)
        if not found:
            what = " or ".join(label(n) for n in sym.namespaces)
            return HoverResult(f"`{sym.key}`: not defined in these files ({what})", sym.range)
        _ns, where, rng = found[0]
        row_line = rng[0]
    ns = sym.namespaces[0]
    parts = [f"**{sym.key}** · {label(ns)}, defined in `{where}:{row_line + 1}`"]
    uuid = _row_uuid(view, where, row_line)
    parts.append(f"- uuid: `{uuid}`" if uuid else "- no uuid in its row (found by its name)")
    n = view.reference_count(ns, sym.key)
    parts.append(f"- {n} {'place refers' if n == 1 else 'places refer'} to it")
    return HoverResult("\n".join(parts), sym.range)


def _row_line(kd) -> int:
    return kd.value.get("line", kd.range[0]) if isinstance(kd.value, dict) else kd.range[0]


def _row_uuid(view: EditorView, path: str, line: int) -> str | None:
    facts = view.facts(path)
    for kd in facts.keys if facts is not None else ():
        if (
            isinstance(kd.value, dict)
            and kd.value.get("id") == "uuid"
            and kd.value.get("line") == line
        ):
            return kd.key
    return None
