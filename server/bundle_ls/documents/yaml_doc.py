"""YAML text → located `Node` tree, built from libyaml's parser events.

Only events are used: no tag is ever resolved to a Python object, so nothing in a config
file can run code. Scalars are resolved with YAML 1.2's core schema (null, bool, int,
float, else string). Aliases point at the anchored node; `to_python` caps the expansion.

`parse_yaml` runs the compiled builder (yaml_native, bundle_ls._yamlfast) when it was
built, and this module's Python loop over ruamel.yaml's C parser otherwise, or when the
compiled one hands a text back: both make the same tree over the same libyaml.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bundle_ls.documents.codes import LIMIT, YAML_SYNTAX, YAML_TAG, Code
from bundle_ls.documents.gcpause import no_cyclic_gc
from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Diagnostic, Node, to_python
from bundle_ls.documents.positions import LineIndex, split_lines

MAX_DEPTH = 200  # deeper nesting is reported, never recursed into
# Aliases share nodes, so a small file can stand for a huge tree ("billion laughs"). Every
# walk of the tree is bounded by capping the values a document may expand to.
MAX_EXPANDED = 1_000_000

# Tags with a meaning in plain data; any other tag (`!!python/object`, `!include`) is
# reported and its value read as plain text: tags never construct anything.
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map")
)
# First characters of the plain scalars that may resolve to something other than a string.
_MAYBE_NOT_STR = frozenset("~nNtTfF0123456789+-.")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


def resolve_plain(text: str) -> object:
    """YAML 1.2 core schema resolution of a plain (unquoted) scalar."""
    if text in _NULL:
        return None
    c = text[0]
    if c in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if c in "0123456789+-.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
        if _INF.match(text):
            return float("-inf") if text[0] == "-" else float("inf")
        if _NAN.match(text):
            return float("nan")
    return text


@dataclass(slots=True)
class SyntaxProblem:
    line: int  # code-point position, converted by the caller
    column: int
    message: str
    code: Code = YAML_SYNTAX  # LIMIT when a size limit cut in, YAML_TAG for a tag

    @property
    def severity(self) -> str:
        return self.code.severity


@dataclass(slots=True)
class YamlParse:
    root: Node | None
    problems: list[SyntaxProblem] = field(default_factory=list)
    # Line of the first syntax error: content at or after it may be incomplete.
    broken_from: int | None = None

    def diagnostics(self, path: str, lines: LineIndex) -> list[Diagnostic]:
        """The parse's problems as findings (`yaml-syntax`, `yaml-tag`, `limit`), the same
        for every YAML file whichever dialect reads it."""
        out = []
        for p in self.problems:
            col = lines.to_utf16(p.line, p.column)
            out.append(p.code(path, (p.line, col, p.line, col), p.message))
        return out


def parse_yaml(text: str, lines: LineIndex) -> YamlParse:
    """Parse one YAML document into nodes; a syntax error keeps what was built before it.

    `lines` is the `LineIndex` of `text`. The cyclic collector is paused meanwhile: every
    object made here stays alive, so collecting during the parse only wastes time.
    """
    with no_cyclic_gc():
        native = _native_parser()
        if native is not None:
            parsed = native(text, lines, _astral_lines(text, lines))
            if parsed is not None:
                return parsed
        return parse_yaml_python(text, lines)


class PlainYamlError(ValueError):
    """A YAML text read as plain data has a syntax error (the message names its line)."""


def load_plain(text: str) -> Any:
    """The plain value of a YAML text the package ships (its data files): the document
    parser, several times faster than ruamel's constructor."""
    lines = LineIndex(text)
    parsed = parse_yaml(text, lines)
    for p in parsed.problems:
        if p.severity == "error":
            raise PlainYamlError(f"line {p.line + 1}: {p.message}")
    return to_python(parsed.root) if parsed.root is not None else None


NativeParser = Callable[[str, LineIndex, frozenset[int] | None], YamlParse | None]
# The compiled parser's entry point, None where it is not built; False: not looked up yet.
_native: NativeParser | None | bool = False


def _native_parser() -> NativeParser | None:
    global _native
    if _native is False:
        from bundle_ls.documents import yaml_native  # imports this module: on first use

        _native = yaml_native.parse_native if yaml_native.LIBYAML is not None else None
    return _native  # type: ignore[return-value]


def _astral_lines(text: str, lines: LineIndex) -> frozenset[int] | None:
    """Lines holding characters outside the BMP, the only ones whose UTF-16 columns differ
    from code-point columns; None when there are none (nearly always)."""
    if text.isascii() or _ASTRAL.search(text) is None:
        return None
    return frozenset(i for i, line in enumerate(lines.lines) if _ASTRAL.search(line))


def parse_yaml_python(text: str, lines: LineIndex) -> YamlParse:
    """The parser in Python, over ruamel.yaml's C parser events: the fallback of the compiled
    one (yaml_native), which must give the very same results."""
    # ruamel.yaml is imported here, not at start-up: the compiled builder does not need it
    from _ruamel_yaml import CParser
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )
    from ruamel.yaml.reader import ReaderError

    b = _Builder(text, lines)
    get_event = CParser(io.StringIO(text)).get_event
    try:
        while True:
            ev = get_event()
            t = type(ev)
            if t is ScalarEvent:
                b.scalar(ev)
            elif t is MappingStartEvent or t is SequenceStartEvent:
                if not b.start(ev, t is SequenceStartEvent):
                    break
            elif t is MappingEndEvent or t is SequenceEndEvent:
                b.end(ev)
            elif t is AliasEvent:
                b.alias(ev)
            elif t is DocumentStartEvent:
                b.documents += 1
                if b.documents > 1:
                    b.problems.append(document_problem(ev.start_mark.line, ev.start_mark.column))
                    break
            elif t is StreamEndEvent:
                break
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        column = mark.column if mark else 0
        b.problems.append(syntax_problem(line, column, exc.problem, exc.context))
        b.broken_from = line
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        b.problems.append(reader_problem(text, exc.position, exc.character))
        b.broken_from = b.problems[-1].line
    except Exception as exc:  # anything else the parser raises is still only a diagnostic
        b.problems.append(SyntaxProblem(0, 0, f"invalid YAML: {exc}"))
        b.broken_from = 0
    root = b.root
    if b.cur is not None:
        still_open = [frame[0] for frame in b.stack[1:]]
        still_open.append(b.cur)
        root = close_open(still_open, lines)
    return YamlParse(root, b.problems, b.broken_from)


class _Builder:
    """The tree being built from events: the open container (its node, items, kind, pending
    key, expanded size and anchor) and the enclosing ones on `stack`, whose bottom entry is
    the top level (node None)."""

    def __init__(self, text: str, lines: LineIndex) -> None:
        self.problems: list[SyntaxProblem] = []
        self.anchors: dict[str, tuple[Node, int]] = {}  # anchor → (node, expanded size)
        self.cur: Node | None = None
        self.items: list | None = None
        self.is_seq = False
        self.key: Node | None = None
        self.size = 0
        self.anchor: str | None = None
        self.stack: list[tuple] = []
        self.expanded = 0
        self.over_limit = False
        self.root: Node | None = None
        self.documents = 0
        self.broken_from: int | None = None
        self.astral = _astral_lines(text, lines)  # lines beyond the BMP need converting
        self.conv = lines.to_utf16

    def rng(self, start, end) -> tuple[int, int, int, int]:
        astral = self.astral
        if astral is None:
            return (start.line, start.column, end.line, end.column)
        sl, sc, el, ec = start.line, start.column, end.line, end.column
        conv = self.conv
        return (sl, conv(sl, sc) if sl in astral else sc, el, conv(el, ec) if el in astral else ec)

    def attach(self, node: Node, size: int) -> None:
        """Put a finished node into the open container (as a key, a value or an item)."""
        items = self.items
        if items is None:
            if self.root is None:
                self.root = node
        elif self.is_seq:
            items.append(node)
            self.size += size
        elif self.key is None:
            self.key = node
            self.size += size
        else:
            items.append((self.key, node))
            self.key = None
            self.size += size

    def scalar(self, ev) -> None:
        style = ev.style
        if ev.ctag is None:
            value = ev.value
            if not style and (not value or value[0] in _MAYBE_NOT_STR):
                value = resolve_plain(value)
            node = Node(
                SCALAR, self.rng(ev.start_mark, ev.end_mark), value, None, None, bool(style)
            )
        else:
            node = _tagged_scalar(ev, self.problems)
            node.range = self.rng(ev.start_mark, ev.end_mark)
        if ev.anchor:
            self.anchors[ev.anchor] = (node, 1)
        self.expanded += 1
        self.attach(node, 1)

    def start(self, ev, is_seq: bool) -> bool:
        """A mapping or sequence opens; False when nesting is too deep to go on."""
        sm, tag = ev.start_mark, ev.ctag
        node = Node(SEQUENCE if is_seq else MAPPING, self.rng(sm, ev.end_mark), None, [], tag)
        if tag is not None and tagged_value(tag, None, None)[1]:
            self.problems.append(tag_problem(sm.line, sm.column, tag))
        self.expanded += 1
        self.attach(node, 0)  # its size is added when it closes
        if len(self.stack) >= MAX_DEPTH:
            self.problems.append(depth_problem(sm.line, sm.column))
            self.broken_from = sm.line
            return False
        self.stack.append((self.cur, self.items, self.is_seq, self.key, self.size, self.anchor))
        self.cur, self.items, self.is_seq = node, node.items, is_seq
        self.key, self.size, self.anchor = None, 1, ev.anchor  # its own size, children added
        return True

    def end(self, ev) -> None:
        done, done_size, done_anchor = self.cur, self.size, self.anchor
        self.cur, self.items, self.is_seq, self.key, self.size, self.anchor = self.stack.pop()
        self.size += done_size
        if done_anchor:
            self.anchors[done_anchor] = (done, done_size)
        em, s, astral = ev.end_mark, done.range, self.astral
        end_col = (
            em.column if astral is None or em.line not in astral else self.conv(em.line, em.column)
        )
        done.range = (s[0], s[1], em.line, end_col)

    def alias(self, ev) -> None:
        sm = ev.start_mark
        found = self.anchors.get(ev.anchor)
        alias_size = found[1] if found else 1
        if found is None:
            self.problems.append(alias_problem(sm.line, sm.column, ev.anchor))
        elif self.expanded + alias_size > MAX_EXPANDED:
            if not self.over_limit:
                self.problems.append(expansion_problem(sm.line, sm.column))
            self.over_limit = True
            found = None
        self.expanded += alias_size
        if found is None:
            node, alias_size = Node(SCALAR, self.rng(sm, ev.end_mark), None), 1
        else:
            node = found[0]
        self.attach(node, alias_size)


# ---- shared with the compiled parser (yaml_native), so that both word things alike ----


def close_open(still_open: list[Node], lines: LineIndex) -> Node:
    """Close what an error left open (outermost first), so the part before it can still be
    used; the outermost is the root."""
    last = len(lines.lines) - 1
    for n in still_open:
        n.range = (n.range[0], n.range[1], max(last, n.range[0]), 0)
    return still_open[0]


def depth_problem(line: int, column: int) -> SyntaxProblem:
    return SyntaxProblem(
        line, column, f"nesting deeper than {MAX_DEPTH} levels is not checked", LIMIT
    )


def alias_problem(line: int, column: int, anchor: str) -> SyntaxProblem:
    return SyntaxProblem(line, column, f"found undefined alias '*{anchor}'")


def expansion_problem(line: int, column: int) -> SyntaxProblem:
    return SyntaxProblem(
        line,
        column,
        f"aliases expand this document past {MAX_EXPANDED:,} values; "
        "this alias and any later over the limit are left empty",
        LIMIT,
    )


def document_problem(line: int, column: int) -> SyntaxProblem:
    return SyntaxProblem(
        line, column, "a config file holds one YAML document; this second one is ignored"
    )


def syntax_problem(
    line: int, column: int, problem: str | None, context: str | None
) -> SyntaxProblem:
    msg = problem or "invalid YAML"
    if context:
        msg = f"{msg} ({context})"
    return SyntaxProblem(line, column, msg)


def reader_problem(text: str, position: int, character: object) -> SyntaxProblem:
    """A character YAML does not allow, such as NUL, at a position the C reader counts in
    UTF-8 bytes."""
    before = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore")
    head = split_lines(before)  # \r\n, \r and \n all end a line, as LSP counts
    return SyntaxProblem(
        len(head) - 1,
        len(head[-1]),
        f"character U+{_code_point(character):04X} is not allowed in YAML",
    )


def tagged_value(tag: str, plain: bool | None, text: str | None) -> tuple[object, bool]:
    """(value, whether to report the tag) of a tagged scalar (`plain` None: a collection).
    Standard `!!` tags on plain scalars resolve as they say; any other tag is reported and
    the value kept as text: tags never construct anything."""
    report = tag != "!" and tag not in _PLAIN_TAGS
    if plain is None:
        return None, report
    value: object = resolve_plain(text) if tag == "!" and plain else text
    if not report and plain and tag.startswith("tag:yaml.org,2002:"):
        value = _explicit(tag, text)
    return value, report


def _explicit(tag: str, text: str) -> object:
    """Standard `!!` tags on plain scalars; anything else stays the text (never constructed)."""
    name = tag[len("tag:yaml.org,2002:") :]
    try:
        if name == "int":
            return int(text, 0)
        if name == "float":
            return float(text)
        if name == "bool":
            return text.lower() == "true"
        if name == "null":
            return None
    except ValueError:
        return text
    return text


def _tagged_scalar(ev, problems: list[SyntaxProblem]) -> Node:
    """A scalar with a tag, its range left for the caller."""
    style = ev.style
    value, report = tagged_value(ev.ctag, not style, ev.value)
    if report:
        problems.append(tag_problem(ev.start_mark.line, ev.start_mark.column, ev.ctag))
    return Node(SCALAR, (0, 0, 0, 0), value, None, ev.ctag, bool(style))


def _code_point(character: object) -> int:
    if isinstance(character, int):
        return character
    return ord(character) if isinstance(character, str) and len(character) == 1 else 0


def tag_problem(line: int, column: int, tag: str) -> SyntaxProblem:
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return SyntaxProblem(
        line,
        column,
        f"the tag {tag} has no meaning in OpenMRS configuration; the value is read as plain data",
        YAML_TAG,
    )
