"""One config file of the contract → its document and facts, item by item and row by row.

A YAML config file maps namespaces to their configuration; each item of an array
namespace is validated against its module schema and walked for what it contributes (key
definitions, references, file paths). A CSV file claimed by a namespace's `x-files` adds
one object per row. Both are analysed per part (`_Items`, `_Rows`), and the whole-file
analysis is the same per-part calls, so the editor's re-check of one edited item or row
gives exactly what `--check` gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from sys import intern
from time import perf_counter
from typing import TYPE_CHECKING, Any

from bundle_ls.dialects.base import EmbeddedLanguage, EmbeddingHost
from bundle_ls.dialects.module_schemas.bounded import OverBudget, deadline
from bundle_ls.dialects.module_schemas.codes import UNKNOWN_NAMESPACE
from bundle_ls.dialects.module_schemas.schema_errors import schema_diagnostics
from bundle_ls.dialects.module_schemas.walk_native import Fallback
from bundle_ls.dialects.module_schemas.walk_native import bind as bind_native
from bundle_ls.documents.codes import CONFLICT, CSV_SYNTAX, LIMIT, MODULE_NOT_INSTALLED, SCHEMA
from bundle_ls.documents.csv_doc import (
    Cell,
    CsvTable,
    parse_csv,
    row_to_node,
    sequence_of_rows,
    table_to_nodes,
)
from bundle_ls.documents.facts import (
    Compact,
    Document,
    Entry,
    FileFacts,
    FileRef,
    KeyDef,
    Reference,
    RowAnalyzer,
)
from bundle_ls.documents.model import (
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
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.source_map import map_value
from bundle_ls.documents.suggest import did_you_mean
from bundle_ls.documents.yaml_doc import parse_yaml

if TYPE_CHECKING:
    from bundle_ls.dialects.module_schemas.fastvalid import PrefilteredValidator
    from bundle_ls.dialects.module_schemas.schemas import Namespace, SchemaSet, WalkPlan

MAX_ITEM_NODES = 100_000  # alias expansion budget for one item
# Schema validation time for one file (a real file takes milliseconds): past it, a `limit`
# finding and the rest of the file is not validated (bounded.py says what can take long).
VALIDATION_BUDGET_SECONDS = 5.0


# A value of an embedded language found by the walk: (its node, its schema, the property).
Embed = Callable[[Node, dict, str], None]


class FileAnalysis:
    """The analysis of one file against a schema set and the installed modules; values of
    an embedded language (`x-expression`) go to that language with their source map over
    `lines`, the document's current lines."""

    def __init__(
        self,
        path: str,
        schemas: SchemaSet,
        installed: frozenset[str] | None,
        languages: Mapping[str, EmbeddedLanguage] | None = None,
        lines: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.schemas = schemas
        self.installed = installed
        self.languages = languages or {}
        self.lines = lines
        self.validation_left = VALIDATION_BUDGET_SECONDS
        self.over_budget = False  # reported once, at the first item not validated
        self._steps: dict[str, tuple[PrefilteredValidator, WalkPlan | None, bool]] = {}

    def namespace(self, name: str, rng: Range, diags: list[Diagnostic]) -> Namespace | None:
        """The namespace a top-level key (or a CSV file) names, or None after reporting why
        it is not checked (no module declares it, or its module is not installed)."""
        ns = self.schemas.namespaces.get(name)
        if ns is None:
            hint = did_you_mean(name, self.schemas.namespaces.keys())
            msg = f"no installed module declares the namespace '{name}'"
            if hint:
                msg += f"; did you mean '{hint[0]}'?"
            diags.append(
                UNKNOWN_NAMESPACE(self.path, rng, msg, data={"replace": hint} if hint else None)
            )
            return None
        if self.installed is not None and ns.module.id not in self.installed:
            diags.append(
                MODULE_NOT_INSTALLED(
                    self.path,
                    rng,
                    f"'{name}' is configuration for module '{ns.module.id}', which bundle-ls.yaml "
                    "does not install; it will be ignored",
                )
            )
            return None
        return ns

    def validate(self, ns_name: str, item: bool, node: Node, diags: list[Diagnostic]) -> Any:
        """Validate a node; returns its plain value (None past the expansion limit)."""
        try:
            instance = to_python(node, [MAX_ITEM_NODES])
        except ExpansionLimit:
            diags.append(self.over_limit(node))
            return None
        diags.extend(self.schema_findings(self.schemas.validator(ns_name, item), instance, node))
        return instance

    def schema_findings(
        self, validator: Any, instance: Any, node: Node, comparable: bool | None = None
    ) -> list[Diagnostic]:
        """The schema findings of one value, within what is left of the file's budget."""
        if self.over_budget:
            return []
        start = perf_counter()
        try:
            if self.validation_left <= 0:
                raise OverBudget
            # The native pre-check answers almost every item (its time counts too); the
            # deadline the Python validator's keywords read is set only when it does not.
            if validator.passes(instance, comparable):
                return []
            left = self.validation_left - (perf_counter() - start)
            if left <= 0:
                raise OverBudget
            with deadline(left):
                errors = validator.full.iter_errors(instance)
                return list(schema_diagnostics(self.path, errors, node))
        except OverBudget:
            self.over_budget = True
            message = (
                f"schema validation of this file took over {VALIDATION_BUDGET_SECONDS:g} s; "
                "this item and those after it are not validated"
            )
            return [LIMIT(self.path, node.range, message)]
        finally:
            self.validation_left -= perf_counter() - start

    def over_limit(self, node: Node) -> Diagnostic:
        return LIMIT(
            self.path,
            node.range,
            f"aliases expand this item past {MAX_ITEM_NODES} values; it is not checked",
        )

    def item_value(self, item: Node, kind: str, diags: list[Diagnostic]) -> tuple[Any, bool]:
        """An item's plain value (`_OVER_LIMIT` past the alias-expansion limit), made in one
        pass that also reports keys repeated inside one mapping (YAML), and whether the
        validator's pre-check may judge it (`fastvalid.comparable`)."""
        if _native is not None:
            try:
                plain, comparable, repeated = _native.item_value(
                    item, 2, MAX_ITEM_NODES, kind == "yaml"
                )
            except Fallback:
                pass
            else:
                for mapping, key, name in repeated:
                    diags.append(repeated_key(self.path, mapping, key, name))
                return plain, comparable
        value = _ItemValue(self.path, diags if kind == "yaml" else None)
        try:
            return value.of(item, 2), value.plain  # items sit at depth 2 under the root
        except ExpansionLimit:
            if kind == "yaml":  # the repeated keys past where the conversion stopped
                del diags[value.reported :]
                repeated_keys(self.path, item, diags, 2)
            return _OVER_LIMIT, False

    def item_facts(
        self,
        ns: Namespace,
        item: Node,
        kind: str,
        validate: bool = True,
        into: FileFacts | None = None,
    ) -> FileFacts:
        """One item of an array namespace: repeated keys, schema, keys, references, files;
        added to `into` (the file's facts, when nothing keeps the item's apart), else to new
        facts of their own."""
        facts = into if into is not None else FileFacts(self.path, kind)
        validator, plan, embeds = self._item_steps(ns)
        plain, comparable = self.item_value(item, kind, facts.diagnostics)
        if validate and plain is not _OVER_LIMIT:
            facts.diagnostics.extend(self.schema_findings(validator, plain, item, comparable))
        elif validate:
            facts.diagnostics.append(self.over_limit(item))
        if plan is not None:
            plain = None if plain is _OVER_LIMIT else plain
            embed = self.embedder(ns.name, item, kind, facts) if embeds else None
            walk_planned(ns.name, item, plan, facts, 0, embed, "", plain)
        return facts

    def _item_steps(self, ns: Namespace) -> tuple[PrefilteredValidator, WalkPlan | None, bool]:
        """What every item of a namespace goes through: its validator, its walk plan, and
        whether that plan reaches a value of an embedded language (made once per file)."""
        steps = self._steps.get(ns.name)
        if steps is None:
            schema = ns.item_schema
            plan = self.schemas.walk_plan(schema, ns.module.uri) if schema else None
            embeds = plan is not None and bool(self.languages) and plan.reaches_expression()
            steps = (self.schemas.validator(ns.name, item=True), plan, embeds)
            self._steps[ns.name] = steps
        return steps

    def embedder(self, namespace: str, owner: Node, kind: str, facts: FileFacts) -> Embed | None:
        """What the walk calls on a value of an embedded language: the language analyses
        it, with its source map and the object holding it, into `facts`."""
        if not self.languages:
            return None
        plain: list[Mapping | None] = []

        def embed(node: Node, schema: dict, prop: str) -> None:
            language = self.languages.get(schema.get("x-expression"))  # type: ignore[arg-type]
            if language is None or not isinstance(node.value, str):
                return
            if not plain:
                try:
                    value = to_python(owner, [MAX_ITEM_NODES])
                except ExpansionLimit:
                    value = None
                plain.append(value if isinstance(value, dict) else None)
            source = map_value(kind, self.lines, node.range, node.value)
            host = EmbeddingHost(self.path, kind, namespace, prop, plain[0])
            facts.add_part(language.analyze(node.value, source, host))

        return embed


_OVER_LIMIT = object()  # an item whose aliases expand past MAX_ITEM_NODES
_INT_LIMIT = 2**63


class _ItemValue:
    """`to_python`, `repeated_keys` and the validator pre-check's `plain` test in one walk
    of an item (each would otherwise walk every node of every config object once more)."""

    __slots__ = ("path", "diags", "budget", "plain", "reported")

    def __init__(self, path: str, diags: list[Diagnostic] | None) -> None:
        self.path = path
        self.diags = diags  # None: no repeated-key findings (CSV rows cannot repeat a key)
        self.budget = MAX_ITEM_NODES
        self.plain = True  # no value the two validators see differently
        self.reported = len(diags) if diags is not None else 0

    def of(self, node: Node, depth: int) -> Any:
        if node.kind == SCALAR:
            self.budget -= 1
            return self.scalar(node.value)
        return self.collection(node, depth)

    def scalar(self, v: Any) -> Any:
        t = type(v)
        if t is not str and (
            (t is int and not -_INT_LIMIT < v < _INT_LIMIT) or (t is float and not math.isfinite(v))
        ):
            self.plain = False
        return v

    def collection(self, node: Node, depth: int) -> Any:
        """A mapping or a list; its scalar children inline (most of an object's values)."""
        self.budget -= 1 + len(node.items)
        if self.budget < 0:
            raise ExpansionLimit
        if depth > 66:  # the pre-check stands aside past 64 levels inside the object
            self.plain = False
        if node.kind == MAPPING:
            out: dict[str, Any] = {}
            for k, v in node.items:
                name = k.value if k.kind == SCALAR and type(k.value) is str else key_text(k)
                if name in out and self.diags is not None and depth <= 250:
                    self._repeated(node, k, name)
                if v.kind == SCALAR:
                    out[name] = self.scalar(v.value)
                else:
                    self.budget += 1  # counted again by the collection itself
                    out[name] = self.collection(v, depth + 1)
            return out
        values = []
        for c in node.items:
            if c.kind == SCALAR:
                values.append(self.scalar(c.value))
            else:
                self.budget += 1
                values.append(self.collection(c, depth + 1))
        return values

    def _repeated(self, mapping: Node, key: Node, name: str) -> None:
        self.diags.append(repeated_key(self.path, mapping, key, name))


def repeated_key(path: str, mapping: Node, key: Node, name: str) -> Diagnostic:
    """`key` (text `name`) repeats an earlier key of `mapping`."""
    first = next(k for k, _v in mapping.items if key_text(k) == name)
    return CONFLICT(
        path,
        key.range,
        f"'{name}' is repeated in this mapping; only one value can apply",
        related=[Related(path, first.range, "first written here")],
    )


# ---- YAML --------------------------------------------------------------------------------


class Items(FileAnalysis):
    """Re-checks one item of a namespace sequence (`ItemAnalyzer`)."""

    def __init__(self, path, schemas, installed, root: Node, languages=None, lines=()) -> None:
        super().__init__(path, schemas, installed, languages, lines)
        self.namespaces = (
            frozenset(key_text(k) for k, v in root.items if self.is_part(key_text(k), v))
            if root.kind == MAPPING
            else frozenset()
        )

    def is_part(self, name: str, value: Node) -> bool:
        """Whether the items of this namespace's value are checked one by one."""
        ns = self.schemas.namespaces.get(name)
        if ns is None or not ns.is_array or value.kind != SEQUENCE:
            return False
        return self.installed is None or ns.module.id in self.installed

    def analyze_item(self, namespace: str, item: Node, lines: Sequence[str]) -> FileFacts:
        self.lines = lines
        return self.item_facts(self.schemas.namespaces[namespace], item, "yaml")


def analyze_yaml(
    path: str,
    text: str,
    lines: LineIndex,
    schemas: SchemaSet,
    installed: frozenset[str] | None,
    languages: Mapping[str, EmbeddedLanguage] | None = None,
) -> tuple[Document, FileFacts]:
    facts = FileFacts(path, "yaml")
    parsed = parse_yaml(text, lines)
    doc = Document(path, "yaml", text, lines, parsed.root)
    diags = facts.diagnostics
    diags.extend(parsed.diagnostics(path, lines))
    root = parsed.root
    if root is None or (root.kind == SCALAR and root.value is None):
        return doc, facts
    if root.kind != MAPPING:
        diags.append(
            SCHEMA(
                path,
                root.range,
                "a config file's top level must be a mapping from namespace to its configuration",
            )
        )
        return doc, facts
    broken = parsed.broken_from
    repeated_keys(path, root, diags, recurse=False)  # below it: per namespace or item
    items = doc.items = Items(path, schemas, installed, root, languages, lines.lines)
    for k, v in root.items:
        name = key_text(k)
        ns = items.namespace(name, k.range, diags)
        facts.namespaces.setdefault(name, k.range)
        if ns is None:
            repeated_keys(path, v, diags, 1)
            continue
        if items.is_part(name, v):
            for item in v.items:
                whole = broken is None or item.range[2] < broken
                items.item_facts(ns, item, "yaml", validate=whole, into=facts)
            continue
        repeated_keys(path, v, diags, 1)
        if broken is None or v.range[2] < broken:
            items.validate(ns.name, False, v, diags)
        embed = items.embedder(ns.name, v, "yaml", facts)
        walk(ns, v, ns.schema, schemas, facts, ns.module.uri, embed=embed)
        if not ns.is_array and v.kind == MAPPING:
            _entries(ns.name, (), v, facts.entries)
    return doc, facts


def repeated_keys(
    path: str, node: Node, diags: list[Diagnostic], depth: int = 0, recurse: bool = True
) -> None:
    """A key repeated inside one mapping is a conflict (YAML forbids it; loaders keep the
    last). `recurse=False` checks only `node`'s own keys."""
    if depth > 250:
        return
    if node.kind == MAPPING:
        seen: dict[str, Node] = {}
        for k, v in node.items:
            name = key_text(k)
            first = seen.get(name)
            if first is not None:
                diags.append(
                    CONFLICT(
                        path,
                        k.range,
                        f"'{name}' is repeated in this mapping; only one value can apply",
                        related=[Related(path, first.range, "first written here")],
                    )
                )
            else:
                seen[name] = k
            if recurse:
                repeated_keys(path, v, diags, depth + 1)
    elif node.kind == SEQUENCE and recurse:
        for c in node.items:
            repeated_keys(path, c, diags, depth + 1)


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


def walk(
    ns: Namespace,
    node: Node,
    schema: dict | None,
    schemas: SchemaSet,
    facts: FileFacts,
    base: str,
    depth: int = 0,
    embed: Embed | None = None,
    prop: str = "",
    plain: Any = None,
) -> None:
    """Collect key definitions, references and file paths by following the schema; hand
    the values of an embedded language to `embed`. `plain`: `to_python(node)` when the
    caller has it already."""
    if not schema or depth > 100:
        return
    plan = schemas.walk_plan(schema, base)
    if plan is not None:
        walk_planned(ns.name, node, plan, facts, depth, embed, prop, plain)


def walk_planned(
    namespace: str,
    node: Node,
    plan: WalkPlan,
    facts: FileFacts,
    depth: int,
    embed: Embed | None,
    prop: str,
    plain: Any,
) -> None:
    """`walk` once the plan is known: in C when built, else (or when it steps aside) in
    Python."""
    if _native is not None:
        keys, refs, files = len(facts.keys), len(facts.refs), len(facts.file_refs)
        try:
            _native.walk(
                node,
                plan,
                namespace,
                plain,
                facts.keys,
                facts.refs,
                facts.file_refs,
                embed,
                prop,
                depth,
            )
            return
        except Fallback:  # the Python path decides, from scratch
            del facts.keys[keys:], facts.refs[refs:], facts.file_refs[files:]
    _walk(namespace, node, plan, facts, depth, embed, prop, plain)


def _walk(
    namespace: str,
    node: Node,
    plan: WalkPlan,
    facts: FileFacts,
    depth: int,
    embed: Embed | None,
    prop: str,
    plain: Any,
) -> None:
    if depth > 100:
        return
    kind = node.kind
    if kind == SCALAR:
        _scalar(node, plan, facts)
        if embed is not None and plan.expression:
            embed(node, plan.schema, prop)
        return
    if kind == MAPPING:
        for k, v in node.items:
            name = key_text(k)
            step = plan.property(name)
            if step is None:
                continue
            xkey, sub = step
            if xkey and v.kind == SCALAR and v.value is not None:
                content = plain if plain is not None else _content(node)
                target = namespace if xkey is True else xkey
                compact = Compact.of(content) if content is not None else None
                facts.keys.append(KeyDef(target, intern(key_text(v)), v.range, compact))
            if sub is not None:
                _walk(namespace, v, sub, facts, depth + 1, embed, name, None)
        return
    items = plan.items
    if items is not None:
        for c in node.items:
            _walk(namespace, c, items, facts, depth + 1, embed, prop, None)


def _content(node: Node) -> Any:
    """The plain value of a mapping holding a key, for comparing definitions."""
    try:
        return to_python(node, [MAX_ITEM_NODES])
    except ExpansionLimit:
        return None


# The per-item work in C when built (walk_native.py), tried before the Python path.
_native = bind_native(_content)


def _scalar(node: Node, plan: WalkPlan, facts: FileFacts) -> None:
    value = node.value
    if not (isinstance(value, str) or (value is not None and plan.targets)):
        return
    text = value if isinstance(value, str) else key_text(node)
    if plan.targets:
        # interned: the references to one key share its text (an index holds them all)
        facts.refs.append(Reference(plan.targets, intern(text), node.range, node.quoted))
    if plan.file:
        facts.file_refs.append(FileRef(text, node.range))


# ---- CSV ---------------------------------------------------------------------------------


class _Rows(RowAnalyzer):
    """Checks the rows of a namespace's CSV file one by one."""

    def __init__(self, file: FileAnalysis, ns: Namespace, header: list[Cell], lines, diags):
        super().__init__(diags)
        self.file = file
        self.ns = ns
        self.header = header
        self.names = [c.text for c in header]
        self.lines = lines

    def analyze_row(self, line: int, cells: list[Cell]) -> tuple[FileFacts, Node | None]:
        node = None
        if _native is not None:
            conv = None if self.lines.ascii else self.lines.to_utf16
            with suppress(Fallback):  # the Python path decides
                node = _native.row_node(
                    self.header, self.names, self.ns.columns, self.ns.separator, conv, line, cells
                )
        if node is None:
            node = row_to_node(
                self.header, self.names, self.ns.columns, self.ns.separator, self.lines, line, cells
            )
        self.file.lines = self.lines.lines
        part = self.file.item_facts(self.ns, node, "csv")
        part.diagnostics[:0] = row_width(self.file.path, cells, len(self.header))
        return part, node

    def nodes(self, table: CsvTable, lines: LineIndex) -> Node | None:
        return table_to_nodes(table, self.ns.columns, self.ns.separator, lines)


def analyze_csv(
    path: str,
    text: str,
    lines: LineIndex,
    schemas: SchemaSet,
    installed: frozenset[str] | None,
    languages: Mapping[str, EmbeddedLanguage] | None = None,
) -> tuple[Document, FileFacts]:
    facts = FileFacts(path, "csv")
    ns = schemas.namespace_for_csv(path)
    table = parse_csv(text, lines, ",")
    doc = Document(path, "csv", text, lines, None, table, ns.name if ns else None)
    diags = facts.diagnostics
    for rng, msg in table.problems:
        diags.append(CSV_SYNTAX(path, rng, msg))
    if ns is None or not table.header:
        return doc, facts
    header_rng = table.header[0].range
    file = FileAnalysis(path, schemas, installed, languages, lines.lines)
    if file.namespace(ns.name, header_rng, diags) is None:
        return doc, facts
    facts.namespaces[ns.name] = header_rng
    _header(path, table, diags)
    if not ns.is_array:
        for _line, cells in table.rows:
            diags.extend(row_width(path, cells, len(table.header)))
        diags.append(
            SCHEMA(
                path,
                header_rng,
                f"'{ns.name}' is a single mapping, so it cannot take rows from a CSV file",
            )
        )
        return doc, facts
    rows = _Rows(file, ns, table.header, lines, list(diags))
    doc.root = sequence_of_rows(table, rows.analyze_rows(table, facts))
    doc.rows = rows
    return doc, facts


def _header(path: str, table: CsvTable, diags: list[Diagnostic]) -> None:
    seen: dict[str, Cell] = {}
    for cell in table.header:
        if not cell.text:
            continue
        if cell.text in seen:
            diags.append(
                CSV_SYNTAX(
                    path,
                    cell.range,
                    f"column '{cell.text}' appears twice in the header; only one can apply",
                    related=[Related(path, seen[cell.text].range, "first column of that name")],
                )
            )
        else:
            seen[cell.text] = cell


def row_width(path: str, cells: list[Cell], width: int) -> list[Diagnostic]:
    if len(cells) <= width:
        return []
    return [
        CSV_SYNTAX(
            path,
            cells[width].range,
            f"this row has {len(cells)} cells but the header names {width} columns",
        )
    ]
