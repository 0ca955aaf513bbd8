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

from _ruamel_yaml import CParser
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from .gcpause import no_cyclic_gc
from .model import MAPPING, SCALAR, SEQUENCE, Node
from .positions import LineIndex, split_lines

try:  # the event classes live in ruamel.yaml.events; the C parser builds these
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
except ImportError:  # pragma: no cover
    raise

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
    code: str = "yaml-syntax"  # or "limit" when a size limit cut in, "yaml-tag" for a tag
    severity: str = "error"


@dataclass(slots=True)
class YamlParse:
    root: Node | None
    problems: list[SyntaxProblem] = field(default_factory=list)
    # Line of the first syntax error: content at or after it may be incomplete.
    broken_from: int | None = None


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


NativeParser = Callable[[str, LineIndex, frozenset[int] | None], YamlParse | None]
# The compiled parser's entry point, None where it is not built; False: not looked up yet.
_native: NativeParser | None | bool = False


def _native_parser() -> NativeParser | None:
    global _native
    if _native is False:
        from . import yaml_native  # imports this module: looked up on first use

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
    one (bundle_ls.yaml_native), which must give the very same results."""
    # One loop over the C parser's events with the open container's state in local
    # variables: this is the hot path of opening a file, so no per-event helper calls.
    parser = CParser(io.StringIO(text))
    get_event = parser.get_event
    problems: list[SyntaxProblem] = []
    anchors: dict[str, tuple[Node, int]] = {}  # anchor → (node, expanded size)
    # The open container: its node, items, kind, pending key, expanded size, anchor.
    # `stack` keeps the enclosing ones; its bottom entry is the top level (node None).
    cur: Node | None = None
    items: list | None = None
    is_seq = False
    key: Node | None = None
    size = 0
    anchor: str | None = None
    stack: list[tuple] = []
    expanded = 0
    over_limit = False
    root: Node | None = None
    documents = 0
    astral = _astral_lines(text, lines)
    conv = lines.to_utf16

    def rng(start, end) -> tuple[int, int, int, int]:  # only for lines beyond the BMP
        sl, sc, el, ec = start.line, start.column, end.line, end.column
        return (
            sl,
            conv(sl, sc) if sl in astral else sc,
            el,
            conv(el, ec) if el in astral else ec,
        )

    broken_from = None
    try:
        while True:
            ev = get_event()
            t = type(ev)
            if t is ScalarEvent:
                sm = ev.start_mark
                em = ev.end_mark
                style = ev.style
                tag = ev.ctag
                if tag is None:
                    value = ev.value
                    if not style and (not value or value[0] in _MAYBE_NOT_STR):
                        value = resolve_plain(value)
                    node = Node(
                        SCALAR,
                        (sm.line, sm.column, em.line, em.column) if astral is None else rng(sm, em),
                        value,
                        None,
                        None,
                        bool(style),
                    )
                else:
                    node = _tagged_scalar(ev, problems)
                    node.range = (
                        (sm.line, sm.column, em.line, em.column) if astral is None else rng(sm, em)
                    )
                if ev.anchor:
                    anchors[ev.anchor] = (node, 1)
                expanded += 1
                if items is None:
                    if root is None:
                        root = node
                elif is_seq:
                    items.append(node)
                    size += 1
                elif key is None:
                    key = node
                    size += 1
                else:
                    items.append((key, node))
                    key = None
                    size += 1
            elif t is MappingStartEvent or t is SequenceStartEvent:
                sm = ev.start_mark
                em = ev.end_mark
                tag = ev.ctag
                node = Node(
                    MAPPING if t is MappingStartEvent else SEQUENCE,
                    (sm.line, sm.column, em.line, em.column) if astral is None else rng(sm, em),
                    None,
                    [],
                    tag,
                )
                if tag is not None and tagged_value(tag, None, None)[1]:
                    problems.append(tag_problem(sm.line, sm.column, tag))
                expanded += 1
                if items is None:
                    if root is None:
                        root = node
                elif is_seq:
                    items.append(node)
                elif key is None:
                    key = node
                else:
                    items.append((key, node))
                    key = None
                if len(stack) >= MAX_DEPTH:
                    problems.append(depth_problem(sm.line, sm.column))
                    broken_from = sm.line
                    break
                stack.append((cur, items, is_seq, key, size, anchor))
                cur = node
                items = node.items
                is_seq = t is SequenceStartEvent
                key = None
                size = 1  # its own size, its children's added as they come
                anchor = ev.anchor
            elif t is MappingEndEvent or t is SequenceEndEvent:
                done, done_size, done_anchor = cur, size, anchor
                cur, items, is_seq, key, size, anchor = stack.pop()
                size += done_size
                if done_anchor:
                    anchors[done_anchor] = (done, done_size)
                em = ev.end_mark
                s = done.range
                done.range = (
                    s[0],
                    s[1],
                    em.line,
                    em.column
                    if astral is None or em.line not in astral
                    else conv(em.line, em.column),
                )
            elif t is AliasEvent:
                sm = ev.start_mark
                found = anchors.get(ev.anchor)
                alias_size = found[1] if found else 1
                if found is None:
                    problems.append(alias_problem(sm.line, sm.column, ev.anchor))
                elif expanded + alias_size > MAX_EXPANDED:
                    if not over_limit:
                        problems.append(expansion_problem(sm.line, sm.column))
                    over_limit = True
                    found = None
                expanded += alias_size
                if found is None:
                    em = ev.end_mark
                    node = Node(
                        SCALAR,
                        (sm.line, sm.column, em.line, em.column) if astral is None else rng(sm, em),
                        None,
                    )
                    alias_size = 1
                else:
                    node = found[0]
                if items is None:
                    if root is None:
                        root = node
                elif is_seq:
                    items.append(node)
                    size += alias_size
                elif key is None:
                    key = node
                    size += alias_size
                else:
                    items.append((key, node))
                    key = None
                    size += alias_size
            elif t is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(document_problem(ev.start_mark.line, ev.start_mark.column))
                    break
            elif t is StreamEndEvent:
                break
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        column = mark.column if mark else 0
        problems.append(syntax_problem(line, column, exc.problem, exc.context))
        broken_from = line
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        problems.append(reader_problem(text, exc.position, exc.character))
        broken_from = problems[-1].line
    except Exception as exc:  # anything else the parser raises is still only a diagnostic
        problems.append(SyntaxProblem(0, 0, f"invalid YAML: {exc}"))
        broken_from = 0
    if cur is not None:
        still_open = [frame[0] for frame in stack[1:]]
        still_open.append(cur)
        root = close_open(still_open, lines)
    return YamlParse(root, problems, broken_from)


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
        line, column, f"nesting deeper than {MAX_DEPTH} levels is not checked", "limit"
    )


def alias_problem(line: int, column: int, anchor: str) -> SyntaxProblem:
    return SyntaxProblem(line, column, f"found undefined alias '*{anchor}'")


def expansion_problem(line: int, column: int) -> SyntaxProblem:
    return SyntaxProblem(
        line,
        column,
        f"aliases expand this document past {MAX_EXPANDED:,} values; "
        "this alias and any later over the limit are left empty",
        "limit",
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
        "yaml-tag",
        "warning",
    )
