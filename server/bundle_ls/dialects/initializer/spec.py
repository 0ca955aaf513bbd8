"""The Initializer domains as bundle-ls knows them: loaded from `schemas/initializer/domains.yaml`.

Each CSV domain is a JSON-Schema-like description of one row whose property names are
header names after Initializer's normalisation (`trim().toLowerCase()`), plus the
vocabulary described in docs/schema-vocabulary.md (x-ids, x-ref, x-list, x-header-ref …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from bundle_ls.dialects.base import builtin_schema_dir
from bundle_ls.documents.yaml_doc import load_plain

PREFIX = "iniz:"  # namespace prefix of Initializer entities in the project index
CONSTANT_NS = "iniz:constant"  # `${dotted.key}` placeholders and their constants
MODULE_NS = "iniz:module"  # modules listed by content.properties / distro.properties
UUID_ID = "uuid"


@dataclass(slots=True)
class Column:
    name: str  # normalised header (or the pattern for a header pattern)
    type: str = "string"  # string | integer | number | boolean
    enum: list[str] | None = None
    enum_ci: bool = False
    pattern: re.Pattern | None = None
    ref: tuple[str, ...] = ()  # target domains of the values
    known: frozenset[str] = frozenset()  # lower-case core values that always resolve
    list_sep: str | None = None
    header_ref: str | None = None  # for a header pattern: the header names an entity of this domain
    meta: str | None = None  # _order / _version / other metadata header
    localised: bool = False
    is_uuid: bool = False
    description: str = ""
    creates: bool = False  # unresolved values are created by Initializer (locations Tags)
    on_miss: str = "fail"  # a value not found: "fail" (the row is not loaded) or "empty"


@dataclass(slots=True)
class Domain:
    name: str
    order: int
    format: str = "csv"
    module: str | None = None
    ids: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    required_patterns: tuple[re.Pattern, ...] = ()
    columns: dict[str, Column] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern, Column]] = field(default_factory=list)
    additional: Column | None = None  # every other header (locationtagmaps)
    fills_retired: bool = False  # shouldFill is true for retired rows of existing entities too

    @property
    def namespace(self) -> str:
        return PREFIX + self.name

    def column_for(self, header: str) -> tuple[Column | None, str | None]:
        """The column a normalised header selects, and the reference it carries in itself."""
        col = self.columns.get(header)
        if col is not None:
            return col, None
        for rx, pcol in self.patterns:
            m = rx.match(header)
            if m:
                ref = m.group(1) if pcol.header_ref and m.groups() else None
                return pcol, ref
        if self.additional is not None and header and not header.startswith("_"):
            return self.additional, header
        return None, None

    def known_headers(self) -> list[str]:
        """Header names to suggest, in a readable spelling."""
        return [pretty(h) for h in self.columns]


def pretty(header: str) -> str:
    """`void/retire` → `Void/Retire`, `fully specified name` → `Fully specified name`."""
    special = {"void/retire": "Void/Retire", "uuid": "Uuid"}
    if header in special:
        return special[header]
    if "/" in header:
        return "/".join(p[:1].upper() + p[1:] for p in header.split("/"))
    return header[:1].upper() + header[1:]


def _column(name: str, raw: dict) -> Column:
    t = raw.get("type", "string")
    enum = raw.get("enum")
    col = Column(
        name=name,
        type=t if isinstance(t, str) else "string",
        enum=[str(e) for e in enum] if enum else None,
        enum_ci=raw.get("x-enum-case") == "insensitive",
        pattern=re.compile(raw["pattern"]) if raw.get("pattern") else None,
        ref=(
            (raw["x-ref"],) if isinstance(raw.get("x-ref"), str) else tuple(raw.get("x-ref") or ())
        ),
        known=frozenset(str(k).lower() for k in raw.get("x-known") or ()),
        list_sep=raw.get("x-list"),
        header_ref=raw.get("x-header-ref"),
        meta=raw.get("x-meta"),
        localised=bool(raw.get("x-localised")),
        is_uuid=bool(raw.get("x-uuid")),
        description=raw.get("description", ""),
        creates=bool(raw.get("x-creates")),
        on_miss=str(raw.get("x-on-miss", "fail")),
    )
    return col


def spec_path() -> Path:
    return builtin_schema_dir() / "initializer" / "domains.yaml"


@lru_cache(maxsize=1)
def _raw() -> dict:
    return load_plain(spec_path().read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def domains() -> dict[str, Domain]:
    data = _raw()
    common = data.get("common") or {}
    common_props = {k: _column(k, v or {}) for k, v in (common.get("properties") or {}).items()}
    common_patterns = [
        (re.compile(p), _column(p, v or {}))
        for p, v in (common.get("patternProperties") or {}).items()
    ]
    common_required = tuple(common.get("required") or ())
    out: dict[str, Domain] = {}
    for name, raw in (data.get("domains") or {}).items():
        raw = raw or {}
        fmt = raw.get("x-format", "csv")
        d = Domain(name, int(raw.get("x-order", 0)), fmt, raw.get("x-module"))
        d.ids = tuple(raw.get("x-ids") or ())
        d.fills_retired = bool(raw.get("x-fills-retired"))
        if fmt == "csv":
            no_uuid = raw.get("x-no-uuid") or "uuid" not in (raw.get("x-ids") or ())
            cols = dict(common_props)
            if no_uuid and "uuid" not in (raw.get("required") or ()):
                # conceptsets, locationtagmaps, datafiltermappings never read a Uuid column
                cols.pop("uuid", None)
            for k, v in (raw.get("properties") or {}).items():
                cols[k] = _column(k, v or {})
            d.columns = cols
            d.patterns = [
                (re.compile(p), _column(p, v or {}))
                for p, v in (raw.get("patternProperties") or {}).items()
            ] + common_patterns
            add = raw.get("additionalProperties")
            if isinstance(add, dict):
                d.additional = _column("*", add)
            req = list(raw.get("required") or ())
            if not no_uuid:
                req = [*common_required, *[r for r in req if r not in common_required]]
            d.required = tuple(req)
            d.required_patterns = tuple(re.compile(p) for p in raw.get("x-required-patterns") or ())
        out[name] = d
    return out


def csv_domains() -> dict[str, Domain]:
    return {k: v for k, v in domains().items() if v.format == "csv"}


@cache
def known_values(domain: str) -> frozenset[str]:
    """Lower-case values of `domain` that OpenMRS core defines (x-known on referring columns)."""
    out: set[str] = set()
    for d in domains().values():
        for col in d.columns.values():
            if domain in col.ref:
                out |= col.known
    return frozenset(out)


@cache
def known_display(domain: str) -> list[str]:
    data = _raw()
    out: list[str] = []
    for raw in (data.get("domains") or {}).values():
        for col in ((raw or {}).get("properties") or {}).values():
            if isinstance(col, dict) and col.get("x-ref") == domain:
                out.extend(str(k) for k in col.get("x-known") or ())
    return out
