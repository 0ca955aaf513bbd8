"""The YAML parser as it was before it was made faster: the oracle of the equivalence tests.

A frozen copy of `bundle_ls.documents.yaml_doc` at the commit that introduced tests/parser (a plain
event loop over ruamel.yaml's C parser). `bundle_ls.documents.yaml_doc.parse_yaml` and any native
parser must build the very same located trees and problems as this one, on every input.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from _ruamel_yaml import CParser
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex, split_lines

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
    """Parse one YAML document into nodes; a syntax error keeps what was built before it."""
    parser = CParser(io.StringIO(text))
    problems: list[SyntaxProblem] = []
    anchors: dict[str, tuple[Node, int]] = {}  # anchor → (node, expanded size)
    # Each open container: [node, pending_key_or_None, expanded size so far]
    stack: list[list] = []
    expanded = 0
    over_limit = False
    root: Node | None = None
    documents = 0
    conv = lines.to_utf16

    def rng(start, end) -> tuple[int, int, int, int]:
        return (
            start.line,
            conv(start.line, start.column),
            end.line,
            conv(end.line, end.column),
        )

    def attach(node: Node, size: int = 1) -> None:
        nonlocal root
        if not stack:
            if root is None:
                root = node
            return
        top = stack[-1]
        top[2] += size
        parent = top[0]
        if parent.kind == SEQUENCE:
            parent.items.append(node)
        elif top[1] is None:
            top[1] = node
        else:
            parent.items.append((top[1], node))
            top[1] = None

    broken_from = None
    try:
        while True:
            ev = parser.get_event()
            t = type(ev)
            if t is ScalarEvent:
                value: object
                if ev.style:  # quoted or block scalar: always a string
                    value = ev.value
                elif ev.tag is None or ev.tag == "!":
                    value = resolve_plain(ev.value)
                else:
                    value = ev.value
                node = Node(
                    SCALAR,
                    rng(ev.start_mark, ev.end_mark),
                    value,
                    None,
                    ev.tag,
                    bool(ev.style),
                )
                if ev.tag is not None and ev.tag != "!" and ev.tag not in _PLAIN_TAGS:
                    problems.append(_tag_problem(ev))
                elif (
                    ev.tag is not None and not ev.style and ev.tag.startswith("tag:yaml.org,2002:")
                ):
                    node.value = _explicit(ev.tag, ev.value)
                if ev.anchor:
                    anchors[ev.anchor] = (node, 1)
                expanded += 1
                attach(node)
            elif t is MappingStartEvent or t is SequenceStartEvent:
                kind = MAPPING if t is MappingStartEvent else SEQUENCE
                node = Node(kind, rng(ev.start_mark, ev.end_mark), None, [], ev.tag)
                if ev.tag is not None and ev.tag != "!" and ev.tag not in _PLAIN_TAGS:
                    problems.append(_tag_problem(ev))
                expanded += 1
                attach(node, 0)  # its size is added when it ends
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        SyntaxProblem(
                            ev.start_mark.line,
                            ev.start_mark.column,
                            f"nesting deeper than {MAX_DEPTH} levels is not checked",
                            "limit",
                        )
                    )
                    broken_from = ev.start_mark.line
                    break
                stack.append([node, None, 1, ev.anchor])
            elif t is MappingEndEvent or t is SequenceEndEvent:
                node, _key, size, anchor = stack.pop()
                if stack:
                    stack[-1][2] += size
                if anchor:
                    anchors[anchor] = (node, size)
                s = node.range
                node.range = (
                    s[0],
                    s[1],
                    ev.end_mark.line,
                    conv(ev.end_mark.line, ev.end_mark.column),
                )
            elif t is AliasEvent:
                found = anchors.get(ev.anchor)
                size = found[1] if found else 1
                if found is None:
                    problems.append(
                        SyntaxProblem(
                            ev.start_mark.line,
                            ev.start_mark.column,
                            f"found undefined alias '*{ev.anchor}'",
                        )
                    )
                elif expanded + size > MAX_EXPANDED:
                    if not over_limit:
                        problems.append(
                            SyntaxProblem(
                                ev.start_mark.line,
                                ev.start_mark.column,
                                f"aliases expand this document past {MAX_EXPANDED:,} values; "
                                "this alias and any later over the limit are left empty",
                                "limit",
                            )
                        )
                    over_limit = True
                    found = None
                expanded += size
                if found is None:
                    attach(Node(SCALAR, rng(ev.start_mark, ev.end_mark), None))
                else:
                    attach(found[0], size)
            elif t is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        SyntaxProblem(
                            ev.start_mark.line,
                            ev.start_mark.column,
                            "a config file holds one YAML document; this second one is ignored",
                        )
                    )
                    break
            elif t is StreamEndEvent:
                break
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        column = mark.column if mark else 0
        msg = exc.problem or "invalid YAML"
        if exc.context:
            msg = f"{msg} ({exc.context})"
        problems.append(SyntaxProblem(line, column, msg))
        broken_from = line
    except ReaderError as exc:  # a character YAML does not allow, such as NUL
        # the C reader counts the position in UTF-8 bytes, not characters
        before = text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "ignore")
        head = split_lines(before)  # \r\n, \r and \n all end a line, as LSP counts
        line = len(head) - 1
        column = len(head[-1])
        problems.append(
            SyntaxProblem(
                line, column, f"character U+{_code_point(exc.character):04X} is not allowed in YAML"
            )
        )
        broken_from = line
    except Exception as exc:  # anything else the parser raises is still only a diagnostic
        problems.append(SyntaxProblem(0, 0, f"invalid YAML: {exc}"))
        broken_from = 0
    if stack:  # close what the error left open, so the part before it can still be used
        end = (len(lines.lines) - 1, 0)
        for frame in stack:
            n = frame[0]
            n.range = (n.range[0], n.range[1], max(end[0], n.range[0]), 0)
        root = stack[0][0]
    return YamlParse(root, problems, broken_from)


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


def _code_point(character: object) -> int:
    if isinstance(character, int):
        return character
    return ord(character) if isinstance(character, str) and len(character) == 1 else 0


def _tag_problem(ev) -> SyntaxProblem:
    tag = ev.tag
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return SyntaxProblem(
        ev.start_mark.line,
        ev.start_mark.column,
        f"the tag {tag} has no meaning in OpenMRS configuration; the value is read as plain data",
        "yaml-tag",
        "warning",
    )
