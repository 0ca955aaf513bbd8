"""Document symbols (namespaces, and the keys or settings under them) and workspace
symbols (every key of every namespace), from the index's facts: no re-parse.

Names are as people say them: a namespace by its dialect's label (`Dialect.namespace_label`),
a CSV row by its key (its name, with its uuid beside it), so breadcrumbs read
`<namespace label> › Wellbody Clinic`."""

from __future__ import annotations

from bundle_ls.documents.results import (
    SYM_KEY,
    SYM_NAMESPACE,
    SYM_PROPERTY,
    Location,
    Symbol,
    WorkspaceSymbol,
)
from bundle_ls.editor.view import ProjectView

MAX_WORKSPACE_SYMBOLS = 1000


def document_symbols(view: ProjectView, rel: str) -> list[Symbol]:
    facts = view.facts(rel)
    if facts is None:
        return []
    lines = view.lines(rel) or [""]
    last = len(lines) - 1
    end_of_file = (last, len(lines[last].encode("utf-16-le")) // 2)
    tops = sorted(facts.namespaces.items(), key=lambda kv: kv[1])
    out: list[Symbol] = []
    for i, (name, krange) in enumerate(tops):
        if facts.kind == "csv":
            span_end = end_of_file
        elif i + 1 < len(tops):
            nxt = tops[i + 1][1][0] - 1
            span_end = (nxt, len(lines[nxt].encode("utf-16-le")) // 2) if nxt >= 0 else end_of_file
        else:
            span_end = end_of_file
        start = (krange[0], 0) if facts.kind == "yaml" else (0, 0)
        span = (start[0], start[1], span_end[0], span_end[1])
        if (span[2], span[3]) < (krange[2], krange[3]):
            span = (span[0], span[1], krange[2], krange[3])
        sym = Symbol(view.namespace_label(name), SYM_NAMESPACE, span, krange)
        keys = [kd for kd in facts.keys if kd.namespace == name and _within(kd.range, span)]
        sym.children.extend(_key_symbols(keys, lines, sym.name))
        for e in facts.entries:
            if e.namespace == name and _within(e.range, span):
                sym.children.append(
                    Symbol(".".join(e.path), SYM_PROPERTY, e.range, e.range, _show(e.value))
                )
        out.append(sym)
    if facts.kind == "csv" and not tops:
        return []
    return out


def _key_symbols(keys: list, lines: list[str], label: str) -> list[Symbol]:
    """One symbol per keyed item: a row defining several identifiers (uuid, name) is one
    symbol named by its first identifier that is not a uuid, spanning the row."""
    rows: dict[int, list] = {}
    out: list[Symbol] = []
    for kd in keys:
        row = kd.value.get("line") if isinstance(kd.value, dict) else None
        if row is None:  # a key of its own (not one of a row's identifiers)
            out.append(Symbol(kd.key, SYM_KEY, kd.range, kd.range, label))
        else:
            rows.setdefault(row, []).append(kd)
    for row, defs in rows.items():
        named = next((kd for kd in defs if kd.value.get("id") != "uuid"), defs[0])
        uuid = next((kd.key for kd in defs if kd.value.get("id") == "uuid"), None)
        end = len(lines[row].encode("utf-16-le")) // 2 if row < len(lines) else named.range[3]
        span = (row, 0, row, max(end, named.range[3]))
        detail = f"uuid {uuid}" if uuid and named.key != uuid else label
        out.append(Symbol(named.key, SYM_KEY, span, named.range, detail))
    return out


def _within(r, span) -> bool:
    return (span[0], span[1]) <= (r[0], r[1]) and (r[2], r[3]) <= (span[2], span[3])


def _show(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _matches(query: str, name: str) -> bool:
    """Case-insensitive subsequence match, as editors filter symbols."""
    if not query:
        return True
    q = query.lower()
    n = name.lower()
    if q in n:
        return True
    pos = 0
    for ch in q:
        pos = n.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def workspace_symbols(view: ProjectView, query: str) -> list[WorkspaceSymbol]:
    out: list[WorkspaceSymbol] = []
    for ns in sorted(view.index.defs):
        for key, defs in view.index.defs[ns].items():
            if not _matches(query, key):
                continue
            for path, kd in defs:
                out.append(
                    WorkspaceSymbol(
                        key, SYM_KEY, Location(path, kd.range), view.namespace_label(ns)
                    )
                )
                if len(out) >= MAX_WORKSPACE_SYMBOLS:
                    return out
    return out
