"""Core functions the language server calls for Initializer files (no LSP types here).

- `domain_of(layout, path)`             the Domain of a file, or None
- `header_candidates(domain, present, index)`   CSV header names to offer, required first
- `header_info(domain, header)`                 what a header means (hover)
- `value_candidates(index, domain, header)`     values to offer in a column's cells

Placeholders: see `placeholders.placeholder_at`, `typing_placeholder`,
`complete_placeholders`, `hover_placeholder`, `definition_of_placeholder`, `constants_in`.
Initializer entities are in the project index under the namespace `iniz:<domain>`, keyed
by each identifier (uuid and name), so the generic definition/references features work
on them as on contract keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundle_ls.dialects.initializer.known import KnownNames, core_names
from bundle_ls.dialects.initializer.layout import Layout
from bundle_ls.dialects.initializer.spec import PREFIX, Domain, domains, known_display, pretty

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex


@dataclass(slots=True)
class Candidate:
    label: str
    detail: str = ""
    documentation: str = ""
    required: bool = False


def domain_of(layout: Layout, path: str) -> Domain | None:
    """The CSV domain of a file, or None when it is not a domain CSV."""
    loc = layout.locate(path)
    if loc is None or not loc.known:
        return None
    d = domains()[loc.domain]
    return d if d.format == "csv" and path.lower().endswith(".csv") else None


def header_candidates(
    d: Domain, present: list[str], index: ProjectIndex | None = None
) -> list[Candidate]:
    """Header names for a domain CSV that the header does not have yet (required first).
    Header patterns are offered with a placeholder (`Display:en`, `Tag|<tag>`), and, given
    the index, once per local entity they can name (`Tag|Login Location`)."""
    have = {h.strip().lower() for h in present}
    out: list[Candidate] = []
    for name, col in d.columns.items():
        if name in have:
            continue
        detail = (
            "required"
            if name in d.required
            else (f"→ {', '.join(col.ref)}" if col.ref else col.type)
        )
        out.append(Candidate(pretty(name), detail, col.description, name in d.required))
    templates = ["Display:en", "_order:1000"]
    if d.name == "concepts":
        templates = [
            "Fully specified name:en",
            "Short name:en",
            "Description:en",
            "Synonym 1:en",
            "Mappings|SAME-AS|CIEL",
            "Same as mappings",
            *templates,
        ]
    for rx, col in d.patterns:
        if col.header_ref and index is not None:
            stem = rx.pattern.lstrip("^").split("\\|")[0]
            for key in _names(index, PREFIX + col.header_ref)[:200]:
                label = f"{pretty(stem)}|{key}" if stem and stem != "(.+)$" else key
                if label.lower() not in have:
                    out.append(Candidate(label, f"→ {col.header_ref}", col.description))
    if d.additional is not None and index is not None:
        for key in _names(index, PREFIX + (d.additional.header_ref or "")):
            if key.lower() not in have:
                out.append(Candidate(key, f"→ {d.additional.header_ref}", d.additional.description))
    for t in templates:
        if t.lower() not in have:
            out.append(Candidate(t, "header pattern"))
    out.sort(key=lambda c: (not c.required,))
    return out


def _names(index: ProjectIndex, ns: str) -> list[str]:
    out = []
    for key, defs in index.defs.get(ns, {}).items():
        v = defs[0][1].value
        if isinstance(v, dict) and v.get("id") in ("uuid", "mapping"):
            continue
        out.append(key)
    return sorted(out)


def header_info(d: Domain, header: str) -> Candidate | None:
    """What a header cell means, for hover: the column's name, type or target, whether the
    loader requires it, its description; None for a header Initializer ignores."""
    name = header.strip().lower()
    col, ref = d.column_for(name)
    if col is None:
        return None
    if ref is not None and col.header_ref:
        detail = f"names {col.header_ref} '{ref}'; cells are {col.type}"
    elif col.ref:
        detail = f"→ {', '.join(col.ref)}" + (f" (a '{col.list_sep}' list)" if col.list_sep else "")
    elif col.enum:
        detail = "one of " + ", ".join(col.enum)
    elif col.meta:
        detail = "metadata header: its column is never read"
    else:
        detail = col.type
    return Candidate(header.strip(), detail, col.description, name in d.required)


def value_candidates(
    index: ProjectIndex, d: Domain, header: str, known: KnownNames | None = None
) -> list[Candidate]:
    """Values for a cell under `header`: local names of the referenced domain, the names
    core and the installed modules create (`known`: the dialect's; default core only),
    enum values, or booleans."""
    col, _ref = d.column_for(header.strip().lower())
    if col is None:
        return []
    if col.enum:
        return [Candidate(e, "enum") for e in col.enum]
    if col.type == "boolean":
        return [Candidate("TRUE", "boolean"), Candidate("FALSE", "boolean")]
    out: list[Candidate] = []
    for target in col.ref:
        for key in _names(index, PREFIX + target):
            out.append(Candidate(key, f"{target}, defined in {_defined_at(index, target, key)}"))
        for key in known_display(target):
            out.append(Candidate(key, f"{target}, always known"))
        names = known.candidates(target) if known is not None else core_names(target)
        for key in names:
            who = known.creator(target, key) if known is not None else "openmrs-core"
            out.append(Candidate(key, f"{target}, created by {who}"))
    return out


def _defined_at(index: ProjectIndex, target: str, key: str) -> str:
    """`locations.csv:3`: the file (its name) and line of an entity's first definition."""
    path, kd = index.defs[PREFIX + target][key][0]
    line = kd.value.get("line", kd.range[0]) if isinstance(kd.value, dict) else kd.range[0]
    return f"{path.rsplit('/', 1)[-1]}:{line + 1}"
