"""What one file contributes to the project: its facts, and its parsed document.

A dialect's analysis turns a file into a `Document` (text, line table, located tree) and
its `FileFacts`: the diagnostics of the file alone and what it gives the config tree —
key definitions, references, file paths, entries of merged mappings, and the values
written in an embedded language (a condition inside a YAML scalar or a CSV cell). Facts are plain,
picklable data (they cross process boundaries and live in the on-disk cache).

A file made of independent parts (items of a YAML namespace list, rows of a CSV file) is
analysed part by part: the dialect's `ItemAnalyzer` / `RowAnalyzer` checks one part, and
its whole-file analysis is the same calls over every part, so that the editor, which
re-checks only the part an edit touched, always agrees with `--check`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bundle_ls.documents.model import Diagnostic, Node, Range

if TYPE_CHECKING:
    from bundle_ls.documents.csv_doc import Cell, CsvTable
    from bundle_ls.documents.positions import LineIndex


class Compact(bytes):
    """A config object's content kept as JSON (UTF-8), its fields in the order written: it
    takes a fraction of the memory of the object (an index of 100,000 keyed objects holds
    every one). `content_of` gives the object back; `same_content` compares two."""

    __slots__ = ()

    @classmethod
    def of(cls, value: object) -> Compact:
        return cls(_encode(value).encode("utf-8", "surrogatepass"))


def _json_encoder():
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"))` as one callable: the
    C encoder made once, not per object (`dumps` makes an encoder per call, twice the cost of
    encoding a config object). No cycle check: plain values are copies (`to_python`)."""
    from json import encoder

    make = encoder.c_make_encoder
    if make is None:  # no C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    default = json.JSONEncoder().default
    encode = make(None, default, encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_encode = _json_encoder()


def content_of(value: object) -> object:
    """What a `KeyDef.value` stands for: the object of a `Compact` text, else the value."""
    if isinstance(value, Compact):
        return json.loads(value.decode("utf-8", "surrogatepass"))
    return value


def same_content(a: object, b: object) -> bool:
    """Whether two `KeyDef.value`s stand for equal objects (fields in any order)."""
    return a == b or (
        (isinstance(a, Compact) or isinstance(b, Compact)) and content_of(a) == content_of(b)
    )


@dataclass(slots=True)
class KeyDef:
    namespace: str
    key: str
    range: Range
    value: object  # what the key names, for comparing definitions (dialect-defined)


@dataclass(slots=True)
class Reference:
    namespaces: tuple[str, ...]
    key: str
    range: Range
    quoted: bool = False
    data: object = None  # what the dialect's checks need to judge it (dialect-defined)
    # The embedded language whose checks resolve it (a name inside an expression), compared
    # as that language compares names; "" for the file's dialect.
    language: str = ""


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
class Embedded:
    """A value written in an embedded language (a permission rule's condition): where it
    is, its value as the host read it, and what the language needs to check it against the
    project without the document (`data`: the language's own plain, picklable, comparable
    data; document positions in it are relative to `range`'s first line, so moving the
    fact moves them too)."""

    language: str
    range: Range  # the whole YAML scalar or CSV cell
    text: str
    data: object = None


@dataclass(slots=True)
class FileFacts:
    path: str
    kind: str  # "yaml", "csv" or "other"
    dialect: str = ""  # the dialect that analysed the file (its cross-file checks apply)
    namespaces: dict[str, Range] = field(default_factory=dict)
    keys: list[KeyDef] = field(default_factory=list)
    refs: list[Reference] = field(default_factory=list)
    file_refs: list[FileRef] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    embedded: list[Embedded] = field(default_factory=list)

    def add_part(self, part: FileFacts) -> None:
        """Take in the facts of one part (item or row) of this file."""
        self.keys.extend(part.keys)
        self.refs.extend(part.refs)
        self.file_refs.extend(part.file_refs)
        self.entries.extend(part.entries)
        self.diagnostics.extend(part.diagnostics)
        self.embedded.extend(part.embedded)


class ItemAnalyzer(Protocol):
    """Checks one item of a namespace sequence of a YAML document on its own."""

    namespaces: frozenset[str]  # the namespaces whose sequence items are parts

    def analyze_item(self, namespace: str, item: Node, lines: Sequence[str]) -> FileFacts:
        """`lines`: the document's current lines, which the item's ranges refer to."""
        ...


class RowAnalyzer:
    """Checks the rows of one CSV document one by one; made by a dialect per document.

    `header_diagnostics` are the findings of the header (and of the file as a whole);
    `row_facts` the facts of each row by line, as last analysed; `lines` the document's
    line table, which the editor brings up to date before it re-checks edited rows."""

    lines: LineIndex

    def __init__(self, header_diagnostics: list[Diagnostic]) -> None:
        self.header_diagnostics = header_diagnostics
        self.row_facts: list[tuple[int, FileFacts]] = []

    def analyze_row(self, line: int, cells: list[Cell]) -> tuple[FileFacts, Node | None]:
        """One row's facts, and its node for the tree (None when the dialect has none)."""
        raise NotImplementedError

    def nodes(self, table: CsvTable, lines: LineIndex) -> Node | None:
        """The tree of a whole table (a sequence of one mapping per row)."""
        raise NotImplementedError

    def diagnostics(self) -> list[Diagnostic]:
        """The file's own findings: the header's and every row's, each once (a problem
        with a header cell is found on every row that has a value under it)."""
        return dedupe(
            [*self.header_diagnostics, *(d for _l, p in self.row_facts for d in p.diagnostics)]
        )

    def analyze_rows(self, table: CsvTable, facts: FileFacts) -> list[Node]:
        """The whole-file part of a CSV analysis: every row through `analyze_row`."""
        nodes: list[Node] = []
        self.row_facts = []
        for line, cells in table.rows:
            part, node = self.analyze_row(line, cells)
            self.row_facts.append((line, part))
            facts.add_part(part)
            if node is not None:
                nodes.append(node)
        facts.diagnostics = self.diagnostics()
        return nodes


def dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        k = (d.range, d.code, d.message)
        if k in seen:
            continue
        seen.add(k)
        out.append(d)
    return out


@dataclass(slots=True)
class Document:
    """A parsed file: its text, line table and node tree (None if it could not be parsed)."""

    path: str
    kind: str
    text: str | None
    lines: LineIndex
    root: Node | None
    table: CsvTable | None = None
    namespace: str | None = None  # the namespace a CSV file's rows belong to
    # How its parts are re-checked alone (None: only as a whole file).
    items: ItemAnalyzer | None = None
    rows: RowAnalyzer | None = None
