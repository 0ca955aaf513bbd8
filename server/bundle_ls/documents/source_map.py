"""From offsets in a scalar's value to positions in the document, and back.

A value written in a language of its own (an embedded expression) lives in a YAML scalar
(plain, single-quoted, double-quoted with escapes, literal `|` or folded `>` block) or in a
CSV cell (quoted with doubled quotes). Its value is not its source text: quotes, escapes,
folded line breaks and block indentation come between. `map_yaml_scalar` and `map_csv_cell` re-read the source of one located scalar and
record, for each character of the value, the source text it came from. The value they
rebuild is compared with the parser's; if they ever disagree the map is `exact=False` and
every span maps to the whole scalar, so a finding is never placed on the wrong text.

Positions are (line, character) with characters counted in UTF-16 code units, as in LSP.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bundle_ls.documents.yaml_doc import resolve_plain

Pos = tuple[int, int]
Range = tuple[int, int, int, int]
Style = Literal["plain", "single", "double", "literal", "folded", "csv", "csv-quoted"]


def _u16(text: str, col: int) -> int:
    """Code-point column → UTF-16 column in `text`."""
    if text.isascii():
        return col
    head = text[:col]
    return col + sum(1 for ch in head if ord(ch) > 0xFFFF)


def _cp(text: str, col16: int) -> int:
    """UTF-16 column → code-point column in `text` (clamped)."""
    if text.isascii():
        return min(col16, len(text))
    units = 0
    for i, ch in enumerate(text):
        if units >= col16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where each character of a scalar's value was written.

    `starts[i]`/`ends[i]` are the document positions of the source text of value
    character i (one character, an escape such as `\\u00e9`, a doubled quote, or the line
    break a folded space stands for). `whole` is the scalar's range.

    Most values are written as they are, on one line (a plain or quoted scalar without
    escapes, a CSV cell without doubled quotes): then `linear` is (line, UTF-16 column of
    the first character) and the per-character tables stay empty."""

    style: Style
    value: str
    starts: tuple[Pos, ...]
    ends: tuple[Pos, ...]
    whole: Range
    exact: bool
    # Where the scalar's own text starts (after an anchor or tag): a rewrite starts here.
    text_start: Pos | None = None
    linear: Pos | None = None

    def position(self, offset: int) -> Pos:
        """The document position of a value offset (a position between characters)."""
        if not self.exact:
            return (self.whole[0], self.whole[1])
        if self.linear is not None:
            return (self.linear[0], self.linear[1] + max(0, min(offset, len(self.value))))
        if offset < len(self.starts):
            return self.starts[offset]
        if self.ends:
            return self.ends[-1]
        return (self.whole[0], self.whole[1])

    def range(self, start: int, end: int) -> Range:
        """The document range of the value span [start, end)."""
        if not self.exact:
            return self.whole
        s = self.position(start)
        if end <= start:
            return (*s, *s)
        if self.linear is not None:
            return (*s, *self.position(end))
        e = self.ends[min(end, len(self.ends)) - 1]
        return (*s, *e)

    def line_ranges(self, start: int, end: int) -> list[Range]:
        """The range of [start, end) cut at line ends, for what must stay on one line
        (semantic tokens)."""
        if not self.exact or end <= start or self.linear is not None:
            return [self.range(start, end)]
        out: list[Range] = []
        a = start
        for i in range(start, end):
            if self.ends[i][0] != self.starts[a][0]:  # character i ends on a later line
                if i > a:
                    out.append((*self.starts[a], *self.ends[i - 1]))
                a = i + 1 if self.starts[i][0] != self.ends[i][0] else i
        if a < end:
            out.append((*self.starts[a], *self.ends[end - 1]))
        return out

    def offset_at(self, line: int, character: int) -> int | None:
        """The value offset at a document position (a cursor), or None when the position is
        outside the scalar's text. A cursor inside an escape counts as before it."""
        pos = (line, character)
        w = self.whole
        if pos < (w[0], w[1]) or pos > (w[2], w[3]) or not self.exact:
            return None
        if self.linear is not None:
            at = character - self.linear[1]
            return at if line == self.linear[0] and 0 <= at <= len(self.value) else None
        if not self.starts:
            return 0
        i = bisect_left(self.starts, pos)
        if i < len(self.starts) and self.starts[i] == pos:
            return i
        if i == len(self.starts):
            return i if pos <= self.ends[-1] else None
        # between starts[i-1] and starts[i]: inside the source of character i-1, or after it
        return i if pos >= self.ends[i - 1] else i - 1


def _linear(
    style: Style,
    lines: Sequence[str],
    whole: Range,
    value: str,
    at: tuple[int, int, int],
    text_start: int,
) -> SourceMap | None:
    """The map of a value written as it is on one line: code points [c0, c1) of line `at`
    = (line, c0, c1), the scalar's own text starting at code point `text_start`. None when
    it is not (escapes, doubled quotes, a character of two UTF-16 units)."""
    line, c0, c1 = at
    text = lines[line]
    if text[c0:c1] != value or not (value.isascii() or all(ord(c) <= 0xFFFF for c in value)):
        return None
    first = (line, _u16(text, c0))
    return SourceMap(style, value, (), (), whole, True, (line, _u16(text, text_start)), first)


class _Builder:
    """Collects value characters with their code-point source spans, then converts."""

    __slots__ = ("chars", "spans")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.spans: list[tuple[int, int, int, int]] = []

    def add(self, ch: str, line: int, col: int, end_line: int, end_col: int) -> None:
        self.chars.append(ch)
        self.spans.append((line, col, end_line, end_col))

    def text(self) -> str:
        return "".join(self.chars)

    def strip(self) -> None:
        """Drop leading and trailing whitespace (CSV cells are trimmed)."""
        n = len(self.chars)
        a = 0
        while a < n and self.chars[a].isspace():
            a += 1
        b = n
        while b > a and self.chars[b - 1].isspace():
            b -= 1
        self.chars = self.chars[a:b]
        self.spans = self.spans[a:b]

    def build(
        self,
        style: Style,
        lines: Sequence[str],
        whole: Range,
        value: str,
        text_start: tuple[int, int] | None = None,
    ) -> SourceMap:
        start = (text_start[0], _u16(lines[text_start[0]], text_start[1])) if text_start else None
        if self.text() != value:
            return _coarse(style, value, whole, start)
        ascii_lines = {
            n for n in {s[0] for s in self.spans} | {s[2] for s in self.spans} if lines[n].isascii()
        }
        starts = []
        ends = []
        for sl, sc, el, ec in self.spans:
            starts.append((sl, sc if sl in ascii_lines else _u16(lines[sl], sc)))
            ends.append((el, ec if el in ascii_lines else _u16(lines[el], ec)))
        return SourceMap(style, value, tuple(starts), tuple(ends), whole, True, start)


def _coarse(style: Style, value: str, whole: Range, text_start: Pos | None = None) -> SourceMap:
    return SourceMap(style, value, (), (), whole, False, text_start)


# ---- YAML ---------------------------------------------------------------------------------

_PROPERTY = re.compile(r"(?:[&!][^\s]*\s+)*")
_BLOCK_HEADER = re.compile(r"([|>])([1-9]?)([+-]?)([1-9]?)[ \t]*(?:#.*)?$")


def yaml_style(first: str) -> Style:
    return {"'": "single", '"': "double", "|": "literal", ">": "folded"}.get(first, "plain")  # type: ignore[return-value]


def map_yaml_scalar(
    lines: Sequence[str], whole: Range, value: str, linear: bool = True
) -> SourceMap:
    """The source map of a YAML scalar whose node range is `whole` (UTF-16) in a document
    of `lines` (without line terminators), holding `value`. Anchors and tags before the
    scalar are skipped. `linear=False`: the per-character tables even for a value written
    as it is (the tests compare both)."""
    sl = whole[0]
    if not (0 <= sl < len(lines)) or not (0 <= whole[2] < len(lines)):
        return _coarse("plain", value, whole)
    sc = _cp(lines[sl], whole[1])
    el, ec = whole[2], _cp(lines[whole[2]], whole[3])
    m = _PROPERTY.match(lines[sl], sc)
    sc = m.end() if m else sc
    while sc >= len(lines[sl]) and sl < el:  # properties alone on their line
        sl, sc = sl + 1, 0
        m = _PROPERTY.match(lines[sl], len(lines[sl]) - len(lines[sl].lstrip()))
        sc = m.end() if m else sc
    first = lines[sl][sc : sc + 1]
    style = yaml_style(first)
    if linear and sl == el and style in ("plain", "single", "double"):
        q = 0 if style == "plain" else 1
        fast = _linear(style, lines, whole, value, (sl, sc + q, ec - q), sc)
        if fast is not None:
            return fast
    at = (sl, sc)
    b = _Builder()
    try:
        if style == "plain":
            _flow(b, lines, sl, sc, el, ec, None)
        elif style == "single":
            _flow(b, lines, sl, sc + 1, el, ec - 1, "'")
        elif style == "double":
            _flow(b, lines, sl, sc + 1, el, ec - 1, '"')
        else:
            return _block(lines, sl, sc, el, whole, value, style)
    except (IndexError, KeyError, ValueError):  # source the rebuild cannot read: coarse map
        return _coarse(style, value, whole, (sl, _u16(lines[sl], sc)))
    return b.build(style, lines, whole, value, at)


_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _flow(
    b: _Builder, lines: Sequence[str], sl: int, sc: int, el: int, ec: int, quote: str | None
) -> None:
    """Plain and quoted (flow) scalars: lines fold into spaces, empty lines into breaks.

    (sl, sc)-(el, ec) is the text between the quotes (code points)."""
    line = sl
    col = sc
    while True:
        text = lines[line]
        stop = ec if line == el else len(text)
        # Whitespace before a line break is not content, unless an escape wrote it.
        content_end = stop
        if line != el:
            while content_end > col and text[content_end - 1] in " \t":
                content_end -= 1
        escaped_break = False
        i = col
        while i < content_end:
            ch = text[i]
            if quote == "'" and ch == "'" and i + 1 < stop and text[i + 1] == "'":
                b.add("'", line, i, line, i + 2)
                i += 2
                continue
            if quote == '"' and ch == "\\":
                if i + 1 >= stop:  # `\` at the end of a line: an escaped (joined) break
                    escaped_break = True
                    # Whitespace before an escaped break is content.
                    break
                nxt = text[i + 1]
                if nxt in _HEX_ESCAPES:
                    n = _HEX_ESCAPES[nxt]
                    b.add(chr(int(text[i + 2 : i + 2 + n], 16)), line, i, line, i + 2 + n)
                    i += 2 + n
                    continue
                b.add(_ESCAPES[nxt], line, i, line, i + 2)
                i += 2
                continue
            b.add(ch, line, i, line, i + 1)
            i += 1
        if line >= el:
            return
        break_line, break_col = line, (stop - 1 if escaped_break else content_end)
        # Following lines: empty ones are breaks, the first non-empty one starts again.
        empties = 0
        line += 1
        while line < el and not lines[line].strip(" \t"):
            empties += 1
            line += 1
        text = lines[line]
        col = len(text) - len(text.lstrip(" \t"))
        if line == el:
            col = min(col, ec)
        if escaped_break or empties:
            # An escaped break joins the lines; otherwise the first break is folded away.
            # Either way each empty line between is one line feed.
            for _ in range(empties):
                b.add("\n", break_line, break_col, line, col)
        else:
            b.add(" ", break_line, break_col, line, col)


def _block(
    lines: Sequence[str], sl: int, sc: int, el: int, whole: Range, value: str, style: Style
) -> SourceMap:
    m = _BLOCK_HEADER.match(lines[sl], sc)
    if m is None:
        return _coarse(style, value, whole, (sl, _u16(lines[sl], sc)))
    explicit = int(m.group(2) or m.group(4) or 0)
    chomp = m.group(3)
    # The scalar ends where its end mark is: at the start of line `el` (then that line is
    # not part of it) or inside it.
    last = el if whole[3] > 0 else el - 1
    body = list(range(sl + 1, min(last, len(lines) - 1) + 1))
    if explicit:
        # The indentation indicator counts from the parent node's indentation, which the
        # scalar alone does not tell: try each and keep the one that rebuilds the value.
        candidates = list(range(explicit, explicit + 1 + max(0, sc)))
    else:
        candidates = [_auto_indent(lines, body)]
    for indent in candidates:
        b = _Builder()
        _block_body(b, lines, body, indent, style == "folded", chomp)
        if b.text() == value:
            return b.build(style, lines, whole, value, (sl, sc))
    return _coarse(style, value, whole, (sl, _u16(lines[sl], sc)))


def _auto_indent(lines: Sequence[str], body: list[int]) -> int:
    widest_empty = 0
    for n in body:
        text = lines[n]
        if text.strip(" "):
            return max(len(text) - len(text.lstrip(" ")), widest_empty, 1)
        widest_empty = max(widest_empty, len(text))
    return max(widest_empty, 1)


def _block_body(
    b: _Builder,
    lines: Sequence[str],
    body: list[int],
    indent: int,
    folded: bool,
    chomp: str,
) -> None:
    """Literal and folded block content, then chomping of the final breaks."""
    content: list[int] = []  # the lines of the scalar (up to the last non-empty one)
    for n in body:
        text = lines[n]
        lead = len(text) - len(text.lstrip(" "))
        if text.strip(" ") and lead < indent:
            break
        content.append(n)
    last_text = max(
        (i for i, n in enumerate(content) if lines[n].strip(" ") or len(lines[n]) > indent),
        default=-1,
    )
    kept = content[: last_text + 1]
    trailing = content[last_text + 1 :]
    prev_kind = None  # "normal", "spaced" (more indented) or None (nothing yet)
    pending: list[int] = []  # empty lines since the last text line
    prev_end: tuple[int, int] | None = None
    for n in kept:
        text = lines[n]
        if not text.strip(" ") and len(text) <= indent:
            pending.append(n)
            continue
        body_text = text[indent:]
        kind = "spaced" if body_text[:1] in (" ", "\t") else "normal"
        if prev_end is not None:
            pl, pc = prev_end
            if folded and prev_kind == "normal" and kind == "normal":
                if pending:
                    for e in pending:
                        b.add("\n", pl, pc, e, min(indent, len(lines[e])))
                else:
                    b.add(" ", pl, pc, n, indent)
            else:
                b.add("\n", pl, pc, n, indent)
                for e in pending:
                    b.add("\n", e, min(indent, len(lines[e])), e, len(lines[e]))
        elif pending:  # empty lines before the first text line are breaks
            for e in pending:
                b.add("\n", e, min(indent, len(lines[e])), e, len(lines[e]))
        pending = []
        for i in range(indent, len(text)):
            b.add(text[i], n, i, n, i + 1)
        prev_end = (n, len(text))
        prev_kind = kind
    if prev_end is None:
        if chomp == "+":
            for e in pending + trailing:
                b.add("\n", e, 0, e, len(lines[e]))
        return
    pl, pc = prev_end
    if chomp == "-":
        return
    b.add("\n", pl, pc, pl, pc)
    if chomp == "+":
        for e in pending + trailing:
            b.add("\n", e, 0, e, len(lines[e]))


# ---- CSV ----------------------------------------------------------------------------------


def map_csv_cell(
    lines: Sequence[str], cell_range: Range, text: str, linear: bool = True
) -> SourceMap:
    """The source map of a CSV cell holding `text` (trimmed, quotes removed) whose range is
    `cell_range`: the text itself for an unquoted cell or a one-line quoted cell without
    doubled quotes, else the whole quoted cell from its opening to its closing quote."""
    sl, el = cell_range[0], cell_range[2]
    if not (0 <= sl < len(lines)) or not (0 <= el < len(lines)):
        return _coarse("csv", text, cell_range)
    sc = _cp(lines[sl], cell_range[1])
    ec = _cp(lines[el], cell_range[3])
    quoted = lines[sl][sc : sc + 1] == '"'
    # A one-line quoted cell's range is the text inside its quotes: look behind it.
    inside_quotes = not quoted and lines[sl][:sc].rstrip(" \t").endswith('"')
    if linear and sl == el and not quoted:
        fast = _linear(
            "csv-quoted" if inside_quotes else "csv", lines, cell_range, text, (sl, sc, ec), sc
        )
        if fast is not None:
            return fast
    b = _Builder()
    line, col = sl, sc + (1 if quoted else 0)
    while True:
        row = lines[line]
        stop = ec if line == el else len(row)
        if quoted and line == el:
            stop = ec - 1  # the closing quote
        i = col
        while i < stop:
            if row[i] == '"' and i + 1 < len(row) and row[i + 1] == '"':
                b.add('"', line, i, line, i + 2)
                i += 2
                continue
            b.add(row[i], line, i, line, i + 1)
            i += 1
        if line >= el:
            break
        b.add("\n", line, len(row), line + 1, 0)
        line, col = line + 1, 0
    b.strip()
    style: Style = "csv-quoted" if quoted or inside_quotes else "csv"
    return b.build(style, lines, cell_range, text, (sl, sc))


# ---- edits inside a scalar -----------------------------------------------------------------

_PLAIN_UNSAFE = re.compile(r": |:$| #|[\[\]{},\n\t]|^[-?:,\[\]{}#&*!|>'\"%@`]|^\s|\s$")


def preferred_quote(style: Style) -> str:
    """The quote to write a name with inside an expression held in `style`: the one the
    host does not need escaped."""
    return "'" if style in ("double", "csv", "csv-quoted") else '"'


def value_edits(
    smap: SourceMap, edits: Sequence[tuple[tuple[int, int], str]]
) -> list[tuple[Range, str]]:
    """Document edits that replace value spans with new value text, written for the
    scalar's style (escaped, quotes doubled). When the new value cannot be written in the
    scalar's style (a plain scalar that would hold `: `), one edit rewrites the whole
    scalar quoted."""
    value = smap.value
    new_value = value
    for (s, e), text in sorted(edits, reverse=True):
        new_value = new_value[:s] + text + new_value[e:]
    style = smap.style
    in_place = smap.exact and all("\n" not in t for _span, t in edits)
    if in_place and style == "plain":
        in_place = not _PLAIN_UNSAFE.search(new_value) and _stays_text(new_value)
    if in_place and style == "csv":
        in_place = not any(c in new_value for c in '",\n') and new_value == new_value.strip()
    if in_place:
        return [(smap.range(s, e), _escape(style, t)) for (s, e), t in edits]
    start = smap.text_start or (smap.whole[0], smap.whole[1])
    rng = (*start, smap.whole[2], smap.whole[3])
    if style in ("csv", "csv-quoted"):
        return [(rng, '"' + new_value.replace('"', '""') + '"')]
    return [(rng, quote_yaml(new_value))]


def _stays_text(value: str) -> bool:
    """A plain scalar is read with YAML 1.2's core schema: `true` or `12` is no string."""
    return bool(value) and isinstance(resolve_plain(value), str)


def _escape(style: Style, text: str) -> str:
    if style == "single":
        return text.replace("'", "''")
    if style == "double":
        return _escape_double(text)
    if style == "csv-quoted":
        return text.replace('"', '""')
    return text


def _escape_double(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\" or ch == '"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def quote_yaml(value: str) -> str:
    """A one-line YAML scalar holding `value`: single-quoted when nothing needs escaping,
    else double-quoted."""
    if all(ch >= " " and ch != "\x7f" for ch in value):
        return "'" + value.replace("'", "''") + "'"
    return '"' + _escape_double(value) + '"'


def map_value(kind: str, lines: Sequence[str], whole: Range, value: str) -> SourceMap:
    """The source map of a value of a YAML (`kind` "yaml") or CSV ("csv") document."""
    if kind == "csv":
        return map_csv_cell(lines, whole, value)
    return map_yaml_scalar(lines, whole, value)
