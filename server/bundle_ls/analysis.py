"""One file → its located document, its facts for the project index, and its own diagnostics.

This is the per-file half of the pipeline: decode, parse (YAML or CSV), validate each
namespace item against its module schema, and collect what the file contributes to the
config tree (key definitions, references, file paths, mapping entries). It is a pure
function of the file's bytes, its path, the schema set and the installed modules, so its
result can be computed in a worker process or cached by content hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .checks.schema import schema_diagnostics
from .csv_doc import CsvTable, parse_csv, table_to_nodes
from .gcpause import no_cyclic_gc
from .model import (
    MAPPING,
    SCALAR,
    SEQUENCE,
    Diagnostic,
    ExpansionLimit,
    Node,
    Range,
    Related,
    key_text,
    to_python,
)
from .positions import LineIndex
from .schemas import Namespace, SchemaSet
from .suggest import did_you_mean
from .yaml_doc import parse_yaml

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_ITEM_NODES = 100_000  # alias expansion budget for one item


@dataclass(slots=True)
class KeyDef:
    namespace: str
    key: str
    range: Range
    value: object  # the whole object the key names, for comparing definitions


@dataclass(slots=True)
class Reference:
    namespaces: tuple[str, ...]
    key: str
    range: Range
    quoted: bool = False


@dataclass(slots=True)
class FileRef:
    target: str
    range: Range


@dataclass(slots=True)
class Entry:
    """A leaf of a mapping namespace, merged across files (`dispensing.maxDaysSupply`)."""

    namespace: str
    path: tuple[str, ...]
    value: object
    range: Range  # the key


@dataclass(slots=True)
class FileFacts:
    path: str
    kind: str  # "yaml" or "csv"
    namespaces: dict[str, Range] = field(default_factory=dict)
    keys: list[KeyDef] = field(default_factory=list)
    refs: list[Reference] = field(default_factory=list)
    file_refs: list[FileRef] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """A parsed file: its text, line table and node tree (None if it could not be parsed)."""

    path: str
    kind: str
    text: str
    lines: LineIndex
    root: Node | None
    table: CsvTable | None = None
    namespace: str | None = None  # a CSV file's namespace
    # A CSV file's facts split into the header's diagnostics and each row's facts, so that
    # the language server can re-check only edited rows (see `csv_row_facts`).
    header_diagnostics: list[Diagnostic] | None = None
    row_facts: list[tuple[int, FileFacts]] | None = None


def decode(path: str, data: bytes) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text (a BOM is dropped, as editors do), or an `encoding` diagnostic."""
    if len(data) > MAX_FILE_BYTES:
        return None, Diagnostic(
            path,
            (0, 0, 0, 0),
            "error",
            "limit",
            f"file is {len(data) // (1024 * 1024)} MB; files over "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB are not checked",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig", errors="replace")
        lines = good.split("\n")
        line = len(lines) - 1
        col = len(lines[-1].encode("utf-16-le")) // 2
        return None, Diagnostic(
            path,
            (line, col, line, col + 1),
            "error",
            "encoding",
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
        )
    return text, None


def analyze(
    path: str,
    text: str,
    schemas: SchemaSet,
    installed: frozenset[str] | None,
    kind: str | None = None,
) -> tuple[Document, FileFacts]:
    kind = kind or ("csv" if path.lower().endswith(".csv") else "yaml")
    # Everything built here lives on: the cyclic collector would only walk it for nothing.
    with no_cyclic_gc():
        lines = LineIndex(text)
        # Initializer's folders (configuration/<domain>/…) have their own rules; see
        # bundle_ls/initializer. None means the file is not Initializer's.
        from .initializer.files import analyze_file as _initializer_file

        handled = _initializer_file(path, text, lines, installed)
        if handled is not None:
            return handled
        if kind == "csv":
            return _analyze_csv(path, text, lines, schemas, installed)
        return _analyze_yaml(path, text, lines, schemas, installed)


# ---- YAML --------------------------------------------------------------------------------


def _analyze_yaml(path, text, lines, schemas, installed):
    facts = FileFacts(path, "yaml")
    parsed = parse_yaml(text, lines)
    doc = Document(path, "yaml", text, lines, parsed.root)
    diags = facts.diagnostics
    for p in parsed.problems:
        col = lines.to_utf16(p.line, p.column)
        diags.append(Diagnostic(path, (p.line, col, p.line, col), p.severity, p.code, p.message))
    root = parsed.root
    if root is None or (root.kind == SCALAR and root.value is None):
        return doc, facts
    if root.kind != MAPPING:
        diags.append(
            Diagnostic(
                path,
                root.range,
                "error",
                "schema",
                "a config file's top level must be a mapping from namespace to its configuration",
            )
        )
        return doc, facts
    broken = parsed.broken_from
    _repeated_keys(path, root, diags)
    for k, v in root.items:
        name = key_text(k)
        ns = _namespace_or_report(path, name, k.range, schemas, installed, diags)
        facts.namespaces.setdefault(name, k.range)
        if ns is None:
            continue
        _namespace_value(path, ns, v, schemas, facts, broken)
    return doc, facts


def _namespace_or_report(path, name, rng, schemas, installed, diags) -> Namespace | None:
    ns = schemas.namespaces.get(name)
    if ns is None:
        hint = did_you_mean(name, schemas.namespaces.keys())
        msg = f"no installed module declares the namespace '{name}'"
        if hint:
            msg += f"; did you mean '{hint[0]}'?"
        diags.append(
            Diagnostic(
                path,
                rng,
                "warning",
                "unknown-namespace",
                msg,
                None,
                {"replace": hint} if hint else None,
            )
        )
        return None
    if installed is not None and ns.module.id not in installed:
        diags.append(
            Diagnostic(
                path,
                rng,
                "information",
                "module-not-installed",
                f"'{name}' is configuration for module '{ns.module.id}', which bundle-ls.yaml does "
                "not install; it will be ignored",
            )
        )
        return None
    return ns


def _repeated_keys(path: str, node: Node, diags: list[Diagnostic], depth: int = 0) -> None:
    """A key repeated inside one mapping is a conflict (YAML forbids it; loaders keep the last)."""
    if depth > 250:
        return
    if node.kind == MAPPING:
        seen: dict[str, Node] = {}
        for k, v in node.items:
            name = key_text(k)
            first = seen.get(name)
            if first is not None:
                diags.append(
                    Diagnostic(
                        path,
                        k.range,
                        "error",
                        "conflict",
                        f"'{name}' is repeated in this mapping; only one value can apply",
                        [Related(path, first.range, "first written here")],
                    )
                )
            else:
                seen[name] = k
            _repeated_keys(path, v, diags, depth + 1)
    elif node.kind == SEQUENCE:
        for c in node.items:
            _repeated_keys(path, c, diags, depth + 1)


def _namespace_value(
    path, ns: Namespace, value: Node, schemas: SchemaSet, facts: FileFacts, broken
):
    diags = facts.diagnostics
    if ns.is_array and value.kind == SEQUENCE:
        validator = schemas.validator(ns.name, item=True)
        for item in value.items:
            if broken is not None and item.range[2] >= broken:
                _walk(ns, item, ns.item_schema, schemas, facts, ns.module.uri)
                continue
            _validate(path, validator, item, diags)
            _walk(ns, item, ns.item_schema, schemas, facts, ns.module.uri)
        return
    if broken is None or value.range[2] < broken:
        _validate(path, schemas.validator(ns.name, item=False), value, diags)
    _walk(ns, value, ns.schema, schemas, facts, ns.module.uri)
    if not ns.is_array and value.kind == MAPPING:
        _entries(ns.name, (), value, facts.entries)


def _validate(path, validator, node: Node, diags: list[Diagnostic]) -> None:
    try:
        instance = to_python(node, [MAX_ITEM_NODES])
    except ExpansionLimit:
        diags.append(
            Diagnostic(
                path,
                node.range,
                "error",
                "limit",
                f"aliases expand this item past {MAX_ITEM_NODES} values; it is not checked",
            )
        )
        return
    diags.extend(schema_diagnostics(path, validator.iter_errors(instance), node))


def _entries(ns: str, prefix: tuple[str, ...], node: Node, out: list[Entry]) -> None:
    for k, v in node.items:
        p = (*prefix, key_text(k))
        if v.kind == MAPPING and v.items:
            _entries(ns, p, v, out)
        else:
            try:
                value = to_python(v, [MAX_ITEM_NODES])
            except ExpansionLimit:
                value = None
            out.append(Entry(ns, p, value, k.range))


def _walk(
    ns: Namespace,
    node: Node,
    schema: dict | None,
    schemas: SchemaSet,
    facts: FileFacts,
    base: str,
    depth: int = 0,
) -> None:
    """Collect key definitions, references and file paths by following the schema."""
    if not schema or depth > 100:
        return
    schema = schemas.resolve(schema, base)
    kind = node.kind
    if kind == SCALAR:
        if isinstance(node.value, str) or (node.value is not None and "x-ref" in schema):
            text = node.value if isinstance(node.value, str) else key_text(node)
            xref = schema.get("x-ref")
            if xref:
                targets = (xref,) if isinstance(xref, str) else tuple(xref)
                facts.refs.append(Reference(targets, text, node.range, node.quoted))
            if schema.get("x-file") is True:
                facts.file_refs.append(FileRef(text, node.range))
        return
    if kind == MAPPING:
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for k, v in node.items:
            name = key_text(k)
            sub = props.get(name)
            if sub is None and isinstance(extra, dict):
                sub = extra
            if not isinstance(sub, dict):
                continue
            sub_r = schemas.resolve(sub, base)
            xkey = sub_r.get("x-key")
            if xkey and v.kind == SCALAR and v.value is not None:
                target = ns.name if xkey is True else xkey
                try:
                    content = to_python(node, [MAX_ITEM_NODES])
                except ExpansionLimit:
                    content = None
                facts.keys.append(KeyDef(target, key_text(v), v.range, content))
            _walk(ns, v, sub_r, schemas, facts, base, depth + 1)
        return
    items = schema.get("items")
    xref = schema.get("x-ref")
    if not isinstance(items, dict) and xref:
        items = {"type": "string", "x-ref": xref}
    if isinstance(items, dict):
        for c in node.items:
            _walk(ns, c, items, schemas, facts, base, depth + 1)


# ---- CSV ---------------------------------------------------------------------------------


def _analyze_csv(path, text, lines, schemas, installed):
    facts = FileFacts(path, "csv")
    ns = schemas.namespace_for_csv(path)
    sep = ","
    table = parse_csv(text, lines, sep)
    doc = Document(path, "csv", text, lines, None, table, ns.name if ns else None)
    diags = facts.diagnostics
    for rng, msg in table.problems:
        diags.append(Diagnostic(path, rng, "error", "csv-syntax", msg))
    if ns is None or not table.header:
        return doc, facts
    header_rng = table.header[0].range
    if _namespace_or_report(path, ns.name, header_rng, schemas, installed, diags) is None:
        return doc, facts
    facts.namespaces[ns.name] = header_rng
    width = len(table.header)
    seen: dict[str, object] = {}
    for cell in table.header:
        if not cell.text:
            continue
        if cell.text in seen:
            diags.append(
                Diagnostic(
                    path,
                    cell.range,
                    "error",
                    "csv-syntax",
                    f"column '{cell.text}' appears twice in the header; only one can apply",
                    [Related(path, seen[cell.text].range, "first column of that name")],
                )
            )
        else:
            seen[cell.text] = cell
    if not ns.is_array:
        for _line, cells in table.rows:
            diags.extend(_row_width(path, cells, width))
        diags.append(
            Diagnostic(
                path,
                header_rng,
                "error",
                "schema",
                f"'{ns.name}' is a single mapping, so it cannot take rows from a CSV file",
            )
        )
        return doc, facts
    root = table_to_nodes(table, ns.columns, ns.separator, lines)
    doc.root = root
    doc.header_diagnostics = list(diags)
    doc.row_facts = []
    for (line, cells), item in zip(table.rows, root.items, strict=True):
        part = csv_row_facts(path, ns, schemas, width, cells, item)
        doc.row_facts.append((line, part))
        diags.extend(part.diagnostics)
        facts.keys.extend(part.keys)
        facts.refs.extend(part.refs)
        facts.file_refs.extend(part.file_refs)
    facts.diagnostics = _dedupe(diags)
    return doc, facts


def _row_width(path: str, cells, width: int) -> list[Diagnostic]:
    if len(cells) <= width:
        return []
    return [
        Diagnostic(
            path,
            cells[width].range,
            "error",
            "csv-syntax",
            f"this row has {len(cells)} cells but the header names {width} columns",
        )
    ]


def csv_row_facts(
    path: str, ns: Namespace, schemas: SchemaSet, width: int, cells, item: Node
) -> FileFacts:
    """One CSV row's facts (too many cells, schema, keys, references, file paths); the
    file's diagnostics are the header's plus every row's, duplicates removed."""
    part = FileFacts(path, "csv")
    part.diagnostics.extend(_row_width(path, cells, width))
    _validate(path, schemas.validator(ns.name, item=True), item, part.diagnostics)
    _walk(ns, item, ns.item_schema, schemas, part, ns.module.uri)
    return part


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """A problem with a header (an unknown column) is found on every row: report it once."""
    seen = set()
    out = []
    for d in diags:
        k = (d.range, d.code, d.message)
        if k in seen:
            continue
        seen.add(k)
        out.append(d)
    return out


def analyze_item(path: str, ns: Namespace, item: Node, schemas: SchemaSet) -> FileFacts:
    """The facts of one item of an array namespace in a YAML file, exactly as `analyze`
    finds them for that item (repeated keys, schema, keys, references, file paths).

    The language server re-checks only the item an edit touched with this."""
    facts = FileFacts(path, "yaml")
    _repeated_keys(path, item, facts.diagnostics, 2)  # an item sits at depth 2 under the root
    _validate(path, schemas.validator(ns.name, item=True), item, facts.diagnostics)
    _walk(ns, item, ns.item_schema, schemas, facts, ns.module.uri)
    return facts
