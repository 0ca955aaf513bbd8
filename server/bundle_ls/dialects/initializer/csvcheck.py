"""One CSV file of an Initializer domain: header, cells, identifiers and references.

Follows Initializer's code: headers are matched after `trim().toLowerCase()`; cells are
trimmed, empty means absent; rows longer than the header are tolerated; metadata headers
(`_order:N`, `_version:N`, any `_…`) are never read as data. Findings are only what
Initializer silently gets wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bundle_ls.dialects.initializer.codes import (
    DUPLICATE_HEADER,
    EXTRA_CELLS,
    SHORT_ROW,
    UNKNOWN_HEADER,
)
from bundle_ls.dialects.initializer.identity import MAX_ORDER
from bundle_ls.dialects.initializer.layout import Location
from bundle_ls.dialects.initializer.placeholders import PLACEHOLDER, find_placeholders
from bundle_ls.dialects.initializer.spec import CONSTANT_NS, Column, Domain, pretty
from bundle_ls.documents.codes import CSV_SYNTAX, SCHEMA
from bundle_ls.documents.csv_doc import (
    Cell,
    parse_csv,
    row_to_node,
    sequence_of_rows,
    split_list,
    table_to_nodes,
)
from bundle_ls.documents.facts import Document, FileFacts, KeyDef, Reference, RowAnalyzer
from bundle_ls.documents.model import Diagnostic, Node, Range, Related
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.suggest import did_you_mean

# CsvLine.getUuid: 36 characters, or one of two legacy 32-character CIEL ids.
LEGACY_UUIDS = frozenset(("5089" + "A" * 28, "5090" + "A" * 28))
_TRUE = frozenset(("true", "yes", "on", "y", "t"))
_JAVA_INT = re.compile(r"^[+-]?\d+$")
_JAVA_DOUBLE = re.compile(r"^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$")


def is_true(text: str) -> bool:
    """commons-lang3 BooleanUtils.toBoolean: true/yes/on/y/t in any case."""
    return text.strip().lower() in _TRUE


def valid_uuid(text: str) -> bool:
    return len(text) == 36 or text in LEGACY_UUIDS


def analyze_domain_csv(
    path: str, text: str, lines: LineIndex, domain: Domain, loc: Location
) -> tuple[Document, FileFacts]:
    facts = FileFacts(path, "csv")
    table = parse_csv(text, lines, ",")
    diags = facts.diagnostics
    for rng, msg in table.problems:
        diags.append(CSV_SYNTAX(path, rng, msg))
    doc = Document(path, "csv", text, lines, None, table, None)
    if not table.header:
        return doc, facts
    facts.namespaces[domain.namespace] = table.header[0].range
    names = [c.text.strip().lower() for c in table.header]
    columns, close = _check_header(path, table, names, domain, facts, lines)
    rows = DomainRows(path, domain, table.header, names, columns, lines, list(diags))
    rows.misnamed = close
    rows.order = file_order(table.header)
    doc.root = sequence_of_rows(table, rows.analyze_rows(table, facts))
    doc.rows = rows
    return doc, facts


def _check_header(
    path: str, table, names: list[str], domain: Domain, facts: FileFacts, lines: LineIndex
) -> tuple[list[tuple[Column | None, str | None]], dict[int, Misnamed]]:
    """The header's findings and references; the column each header cell selects, and the
    headers that are a slip of a real column (their severity depends on the rows)."""
    diags = facts.diagnostics
    _repeated_headers(path, table.header, names, diags)
    columns: list[tuple[Column | None, str | None]] = []
    close: dict[int, Misnamed] = {}
    known = domain.known_headers()
    for i, (cell, name) in enumerate(zip(table.header, names, strict=False)):
        col, ref = domain.column_for(name) if name else (None, None)
        columns.append((col, ref))
        if not name:
            continue
        if col is None:
            hint = _header_hint(cell, name, domain, known)
            if hint:
                close[i] = Misnamed(path, cell, domain.name, hint)
                diags.append(close[i].finding(with_values=False))
            else:
                diags.append(_ignored_header(path, cell, domain))
        elif col.meta == "order":
            _check_order(path, cell, diags)
        if ref is not None and col is not None and col.header_ref:
            rng = _tail_range(cell, len(ref), lines)
            facts.refs.append(Reference((_ns(col.header_ref),), _orig_tail(cell, len(ref)), rng))
        if cell.start_col is not None:
            for ph in find_placeholders(cell.text, cell.range[0], cell.start_col, lines):
                facts.refs.append(Reference((CONSTANT_NS,), ph.key, ph.key_range))
    if table.rows:
        _missing_columns(path, table.header[0].range, names, domain, diags)
    return columns, close


def _repeated_headers(path: str, header: list[Cell], names: list[str], diags) -> None:
    """Headers Initializer's header index cannot hold twice: the same name (after
    normalisation), several empty ones, a second `_order:` or `_version:`."""
    seen: dict[str, Cell] = {}
    metadata: dict[str, Cell] = {}
    for i, (cell, name) in enumerate(zip(header, names, strict=False)):
        first = seen.get(name)
        if first is not None and not name and names.index("", names.index("") + 1) != i:
            pass  # several empty headers: reported once, on the second one
        elif first is not None:
            what = (
                f"column '{cell.text}' repeats '{first.text}'"
                if name
                else f"{names.count('')} columns, from column {names.index('') + 1}, have an empty header"
            )
            diags.append(
                DUPLICATE_HEADER(
                    path,
                    cell.range,
                    f"{what}; Initializer compares headers trimmed and in lower case and its "
                    "header index rejects a repeated name, so every column look-up fails and "
                    "the rows of this file do not load",
                    related=[Related(path, first.range, "first column of that name")],
                )
            )
        else:
            seen[name] = cell
        for lhs in ("_order:", "_version:"):
            if cell.text.startswith(lhs):
                if lhs in metadata:
                    diags.append(
                        DUPLICATE_HEADER(
                            path,
                            cell.range,
                            f"a second '{lhs}' header; Initializer reads one and rejects the file",
                            related=[Related(path, metadata[lhs].range, f"first '{lhs}' header")],
                        )
                    )
                metadata.setdefault(lhs, cell)


def _missing_columns(path: str, at: Range, names: list[str], domain: Domain, diags) -> None:
    present = set(names)
    for req in domain.required:
        if req not in present:
            diags.append(
                SCHEMA(
                    path,
                    at,
                    f"the header has no '{pretty(req)}' column, which Initializer's "
                    f"{domain.name} loader requires; every row fails",
                    data={"add": [pretty(req)]},
                )
            )
    for rx in domain.required_patterns:
        if not any(rx.match(n) for n in names):
            diags.append(
                SCHEMA(
                    path,
                    at,
                    f"the header has no '{pretty(rx.pattern.lstrip('^'))}<locale>' column; "
                    f"a {domain.name} row needs at least one",
                )
            )


class DomainRows(RowAnalyzer):
    """Checks the rows of one domain CSV one by one."""

    def __init__(self, path, domain: Domain, header, names, columns, lines, diags) -> None:
        super().__init__(diags)
        self.path = path
        self.domain = domain
        self.header = header
        self.names = names
        self.columns = columns
        self.lines = lines
        self.id_cols = _id_columns(domain, names)
        self.kinds = {
            name: ("array", "string")
            for name, (col, _r) in zip(names, columns, strict=False)
            if col is not None and col.list_sep
        }
        self.misnamed: dict[int, Misnamed] = {}
        self.order = MAX_ORDER  # the file's `_order:N` (OrderedFile)
        self.void_col = names.index("void/retire") if "void/retire" in names else None
        self.read_cols = _read_columns(names, columns)

    def nodes(self, table, lines: LineIndex) -> Node:
        return table_to_nodes(table, self.kinds, ";", lines, self.names)

    def diagnostics(self) -> list[Diagnostic]:
        """A misnamed header is reported once: as an error when some row has a value under
        it, else as a warning."""
        out = super().diagnostics()
        lost = {
            (d.range, d.code) for d in out if d.code == UNKNOWN_HEADER.id and d.severity == "error"
        }
        return [
            d
            for d in out
            if not (
                d.code == UNKNOWN_HEADER.id
                and d.severity == "warning"
                and (d.range, d.code) in lost
            )
        ]

    def analyze_row(self, line: int, cells: list[Cell]) -> tuple[FileFacts, Node]:
        path, lines, width = self.path, self.lines, len(self.names)
        facts = FileFacts(path, "csv")
        retired = self._retired(cells)
        context = self._context(cells, retired)
        for idx, cell in enumerate(cells):
            if not cell.text:
                continue
            _placeholder_refs(cell, facts, lines)
            if idx >= width:
                facts.diagnostics.append(
                    EXTRA_CELLS(
                        path,
                        cell.range,
                        f"this cell is beyond the header's {width} columns; Initializer ignores it",
                    )
                )
                break
            if idx in self.misnamed:
                facts.diagnostics.append(self.misnamed[idx].finding(with_values=True))
            col, _ref = self.columns[idx]
            if col is None or col.meta:
                continue
            _check_cell(path, cell, col, self.names[idx], facts, lines, context(col))
        short = _short_row(path, line, cells, self.names, self.read_cols, lines)
        if short is not None:
            facts.diagnostics.append(short)
        row = {"retired": retired, "order": self.order, "content": _content(self, cells)}
        _row_ids(path, self.domain, line, cells, self.id_cols, facts, row)
        node = row_to_node(self.header, self.names, self.kinds, ";", lines, line, cells)
        return facts, node

    def _retired(self, cells: list[Cell]) -> bool:
        i = self.void_col
        return i is not None and i < len(cells) and is_true(cells[i].text)

    def _context(self, cells: list[Cell], retired: bool):
        """What the checks need to judge a reference of this row (Reference.data): None for
        the common case (a miss fails an active row), else (on miss, retired entity). A
        retired row of an entity that exists already is only retired (`shouldFill`): its
        references are never read; the entity is named by the row's uuid, else its name."""
        entity = None
        if retired and not self.domain.fills_retired:
            entity = _row_identity(cells, self.id_cols) or ""

        def of(col: Column):
            if entity is None and col.on_miss == "fail":
                return None
            return (col.on_miss, entity)

        return of


def file_order(header: list[Cell]) -> int:
    """OrderedCsvFile / BaseLineProcessor.getOrder: the `_order:N` header, else last."""
    for cell in header:
        if cell.text.startswith("_order:"):
            value = cell.text[len("_order:") :]
            return int(value) if _JAVA_INT.match(value) else MAX_ORDER
    return MAX_ORDER


def _placeholder_refs(cell: Cell, facts: FileFacts, lines: LineIndex) -> None:
    if "${" not in cell.text:
        return
    if cell.start_col is not None:
        for ph in find_placeholders(cell.text, cell.range[0], cell.start_col, lines):
            facts.refs.append(Reference((CONSTANT_NS,), ph.key, ph.key_range))
    else:
        for m in PLACEHOLDER.finditer(cell.text):
            facts.refs.append(Reference((CONSTANT_NS,), m.group(1), cell.range))


def _read_columns(names: list[str], columns) -> list[int]:
    """Indexes of the columns a line processor reads (not metadata, not unknown)."""
    return [
        i for i, (col, _r) in enumerate(columns) if col is not None and not col.meta and names[i]
    ]


def _short_row(path, line: int, cells: list[Cell], names, read_cols, lines) -> Diagnostic | None:
    """CsvLine.get reads `line[column]`: a row with fewer cells than a column it reads
    throws ArrayIndexOutOfBoundsException (only IllegalArgumentException is caught), so the
    row fails. An empty line is no entity and says nothing."""
    missing = [i for i in read_cols if i >= len(cells)]
    if not missing or not any(c.text for c in cells):
        return None
    last = cells[-1].range
    return SHORT_ROW(
        path,
        (line, 0, last[2], last[3]),
        f"this row has {len(cells)} cells but the header has {len(names)}; Initializer reads "
        f"'{pretty(names[missing[0]])}' past its end and the row fails (add the missing commas)",
    )


def _content(rows: DomainRows, cells: list[Cell]) -> tuple[tuple[str, str], ...]:
    """What a row sets, for comparing two rows of one uuid: every read column but the
    identity, Void/Retire, metadata and `Display:<locale>` (display names are messages a
    later file adds to, never removes), empty cells left out."""
    out = []
    for i, (col, _ref) in enumerate(rows.columns):
        if i >= len(cells) or not cells[i].text or col is None or col.meta:
            continue
        name = rows.names[i]
        if name in ("uuid", "void/retire") or name.startswith("display:"):
            continue
        text = cells[i].text
        if col.list_sep:
            text = ";".join(p.strip() for p in text.split(col.list_sep) if p.strip())
        out.append((name, text))
    return tuple(out)


def _row_identity(cells: list[Cell], id_cols) -> str | None:
    for idx, kind in id_cols:
        if idx < len(cells) and cells[idx].text and (kind != "uuid" or valid_uuid(cells[idx].text)):
            return cells[idx].text
    return None


def _ns(domain: str) -> str:
    return "iniz:" + domain


def _orig_tail(cell: Cell, n: int) -> str:
    return cell.text.strip()[-n:] if n else ""


def _tail_range(cell: Cell, n: int, lines: LineIndex) -> Range:
    """The range of the last `n` characters of a header cell (the name after `Tag|`)."""
    if cell.start_col is None:
        return cell.range
    line = cell.range[0]
    end = cell.start_col + len(cell.text)
    start = end - n
    return (line, lines.to_utf16(line, start), line, lines.to_utf16(line, end))


def _header_hint(cell: Cell, name: str, domain: Domain, known: list[str]) -> list[str]:
    """Real columns an unknown header is a slip of (`Foreign` → `Foreign uuid`)."""
    extra = []
    if domain.name == "concepts":
        extra = ["Fully specified name:en", "Short name:en", "Description:en", "Same as mappings"]
    if domain.name == "locations":
        extra = ["Tag|<tag name>", "Attribute|<attribute type>"]
    hint = did_you_mean(cell.text, [*known, *extra])
    if not hint:
        hint = [
            h for h in known if h.lower().startswith(name + " ") or name.startswith(h.lower() + " ")
        ]
    if not hint and ":" in name:
        base = name.split(":", 1)[0]
        hint = [h for h in known if h.lower() == base]
    return hint


@dataclass(frozen=True, slots=True)
class Misnamed:
    """A header Initializer ignores that is a slip of a real column. Its effect decides its
    severity: values under it are silently lost (error); an empty column loses nothing yet
    (warning)."""

    path: str
    cell: Cell
    domain: str
    hint: list[str]

    def finding(self, with_values: bool) -> Diagnostic:
        lost = (
            "the values under it are never read"
            if with_values
            else "no row has a value under it yet"
        )
        return UNKNOWN_HEADER(
            self.path,
            self.cell.range,
            f"Initializer's {self.domain} loader has no column '{self.cell.text}' and silently "
            f"ignores it ({lost}); did you mean '{self.hint[0]}'?",
            severity="error" if with_values else "warning",
            data={"replace": self.hint},
        )


def _ignored_header(path, cell: Cell, domain: Domain) -> Diagnostic:
    # like no real column: a note for people (`Label`, `Comment`), information only
    return UNKNOWN_HEADER(
        path,
        cell.range,
        f"Initializer's {domain.name} loader has no column '{cell.text}'; its values are never read",
    )


def _check_order(path, cell: Cell, diags) -> None:
    text = cell.text.strip()
    if ":" not in text:
        return  # a bare `_order` is read as "no order"
    value = text.split(":", 1)[1].strip()
    if not _JAVA_INT.match(value):
        diags.append(
            SCHEMA(
                path,
                cell.range,
                f"'_order:{value}' is not a whole number; Initializer cannot order this file",
            )
        )


def _check_cell(
    path, cell: Cell, col: Column, name: str, facts: FileFacts, lines, context=None
) -> None:
    text = cell.text
    if "${" in text:
        return  # filled in at build time
    diags = facts.diagnostics
    if col.is_uuid:
        if not valid_uuid(text):
            diags.append(
                SCHEMA(
                    path,
                    cell.range,
                    f"'{text}' is {len(text)} characters long; Initializer takes a uuid of 36 "
                    "characters (or a legacy 5089AAAA…/5090AAAA… CIEL id) and rejects this row",
                )
            )
        return
    if col.type in ("integer", "number"):
        ok = _JAVA_INT.match(text) if col.type == "integer" else _JAVA_DOUBLE.match(text)
        if not ok:
            want = "a whole number" if col.type == "integer" else "a number"
            diags.append(SCHEMA(path, cell.range, f"'{pretty(name)}' must be {want}, got '{text}'"))
        return
    if col.enum is not None:
        options = col.enum
        ok = text.lower() in {o.lower() for o in options} if col.enum_ci else text in options
        if not ok:
            hint = did_you_mean(text, options)
            msg = f"'{text}' is not one of {', '.join(options)}"
            if hint:
                msg += f"; did you mean '{hint[0]}'?"
            diags.append(SCHEMA(path, cell.range, msg, data={"replace": hint} if hint else None))
        return
    if col.pattern is not None and not col.pattern.match(text):
        diags.append(
            SCHEMA(
                path, cell.range, f"'{text}' does not match the expected form {col.pattern.pattern}"
            )
        )
        return
    if col.ref:
        targets = tuple(_ns(t) for t in col.ref)
        parts = split_list(cell, col.list_sep, lines) if col.list_sep else [(text, cell.range)]
        for value, rng in parts:
            facts.refs.append(Reference(targets, value, rng, cell.quoted, context))
            if col.creates:  # Initializer creates a missing one (locations `Tags`)
                facts.keys.append(
                    KeyDef(targets[0], value, rng, {"id": "created", "line": cell.range[0]})
                )


def _id_columns(domain: Domain, names: list[str]) -> list[tuple[int, str]]:
    """(column index, identifier kind) of the columns that identify a row's entity."""
    out = []
    for i, n in enumerate(names):
        if n in domain.ids:
            out.append((i, n))
        elif "fsn" in domain.ids and n.startswith("fully specified name:") and n.count(":") == 1:
            out.append((i, "fsn"))
        elif "mapping" in domain.ids and (
            n == "same as mappings" or n.startswith(("mappings|", "mapping|"))
        ):
            out.append((i, n))
    return out


def _row_ids(
    path, domain: Domain, line: int, cells: list[Cell], id_cols, facts: FileFacts, extra=None
):
    if not id_cols:
        return
    ns = domain.namespace
    row: dict = {"line": line}
    for idx, kind in id_cols:
        # the row's name, kept beside its uuid (privilege and role names cannot change)
        if kind in ("name", "privilege name", "role name") and idx < len(cells) and cells[idx].text:
            row["name"] = cells[idx].text
    for idx, kind in id_cols:
        if idx >= len(cells):
            continue
        cell = cells[idx]
        text = cell.text
        if not text:
            continue
        if kind == "uuid":
            if "${" in text or not valid_uuid(text):
                continue
            facts.keys.append(KeyDef(ns, text, cell.range, {"id": "uuid", **row, **(extra or {})}))
        elif kind == "same as mappings" or kind.startswith(("mappings|", "mapping|")):
            parts = kind.split("|")
            source = parts[2] if len(parts) >= 3 else None
            for item in text.split(";"):
                item = item.strip()
                if not item:
                    continue
                code = f"{source}:{item}" if source and ":" not in item else item
                facts.keys.append(KeyDef(ns, code, cell.range, {"id": "mapping", **row}))
        else:
            facts.keys.append(KeyDef(ns, text, cell.range, {"id": kind, **row}))
