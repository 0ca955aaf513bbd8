"""Where the cursor is in the config tree, read from the text around it.

Completion runs while a document is being typed, so it cannot rely on a parse: a key with
no value, an unclosed `[` or a half-written line are the normal case. This module rebuilds
the path to the cursor from the lines above it (walking back to lines with smaller
indentation, `- ` starting a sequence item), decides whether the cursor is on a key or a
value (a `:` before it on the line) and whether it is inside a flow sequence (a `[` not
closed before it). It reads only the lines of the enclosing items: its cost does not
depend on the size of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

KEY = "key"
VALUE = "value"

# A mapping key at the start of `rest`: plain, or quoted; then `:` and a space or the end.
_KEY_RE = re.compile(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"\[\]{},:][^#]*?))\s*:(?=\s|$)"""
)
_WORD_CHARS = re.compile(r"[^\s,\[\]{}:#'\"]*")

SCAN_LIMIT = 400  # lines walked back before asking the top-level key table


@dataclass(slots=True)
class Anchor:
    kind: str  # "dash" or "key"
    col: int
    key: str | None = None
    inline_value: bool = False  # a key with a value on its own line


@dataclass(slots=True)
class YamlContext:
    mode: str  # KEY or VALUE
    path: list  # KEY: the mapping's path; VALUE: the value's path
    word: str  # text of the token before the cursor
    start: int  # code-point columns of the token on the cursor line
    end: int
    line: int
    siblings: set[str] = field(default_factory=set)  # keys already in the mapping
    in_flow: bool = False  # inside `[ ... ]`
    flow_items: list[str] = field(default_factory=list)
    quote: str | None = None  # the token is inside this quote character
    after_colon: bool = False  # the cursor sits right after `key:` (no space yet)
    has_colon: bool = False  # KEY mode: the key already has its `:`
    dash_item: bool = False  # the token follows `- ` (a sequence item)


def line_anchors(line: str) -> list[Anchor]:
    """The dashes and the key that start a line (`  - - name: x` → dash, dash, key)."""
    out: list[Anchor] = []
    pos = len(line) - len(line.lstrip(" "))
    n = len(line)
    while pos < n and line[pos] == "-" and (pos + 1 == n or line[pos + 1] in " \t"):
        out.append(Anchor("dash", pos))
        pos += 1
        while pos < n and line[pos] in " \t":
            pos += 1
    rest = line[pos:]
    if rest.startswith("#"):
        return out
    m = _KEY_RE.match(rest)
    if m:
        key = m.group(1) if m.group(1) is not None else m.group(2)
        if key is None:
            key = m.group(3).strip()
        after = rest[m.end() :].strip()
        inline = bool(after) and not after.startswith("#")
        out.append(Anchor("key", pos, key, inline))
    return out


def _blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


# Hints from the last analysis of the document (see `Workspace.context_hints`):
# item_at(line) → (line of the item's `-`, its column, namespace) of the namespace item
# holding `line`; top_key_line(line) → the line of the top-level key above `line`.
ItemHint = Callable[[int], "tuple[int, int, str] | None"]


class _Walker:
    def __init__(
        self,
        lines: list[str],
        top_key_line: Callable[[int], int | None] | None,
        item_at: ItemHint | None = None,
    ):
        self.lines = lines
        self.top_key_line = top_key_line
        self.item_at = item_at
        self._anchors: dict[int, list[Anchor]] = {}

    def anchors(self, i: int) -> list[Anchor]:
        a = self._anchors.get(i)
        if a is None:
            a = line_anchors(self.lines[i])
            self._anchors[i] = a
        return a

    def parent(self, i: int, col: int, is_dash: bool) -> tuple[int, Anchor] | None:
        """The anchor that holds an element starting at (`i`, `col`): the nearest one above
        it (or before it on its line) with a smaller column. A `- ` may also sit at the
        column of the key whose value it is."""
        for a in reversed(self.anchors(i)):
            if a.col < col:
                return i, a
        scanned = 0
        j = i - 1
        while j >= 0:
            scanned += 1
            if scanned > SCAN_LIMIT and col > 0 and self.top_key_line is not None:
                # Deep inside a long namespace sequence: its top-level key holds this item.
                top = self.top_key_line(i)
                if top is not None and top < j:
                    j = top
                    scanned = -(10**9)  # do not jump twice
                    continue
            line = self.lines[j]
            if _blank(line):
                j -= 1
                continue
            anchors = self.anchors(j)
            if not anchors:  # text of a multi-line scalar or flow collection
                j -= 1
                continue
            if is_dash:
                last = anchors[-1]
                if last.kind == "key" and last.col == col and not last.inline_value:
                    return j, last
            for a in reversed(anchors):
                if a.col < col:
                    return j, a
            j -= 1
        return None

    def mapping_path(self, i: int, col: int) -> list | None:
        """Path of the mapping holding a key at (`i`, `col`); [] for the top level."""
        found = self.parent(i, col, False)
        return [] if found is None else self._path_to(*found)

    def sequence_path(self, i: int, col: int) -> list | None:
        """Path of the sequence holding the item whose `-` is at (`i`, `col`)."""
        if self.item_at is not None:
            hint = self.item_at(i)
            if hint is not None and hint[0] == i and hint[1] == col:
                return [hint[2]]  # a namespace's item: no need to walk up its siblings
        found = self.parent(i, col, True)
        return None if found is None else self._path_to(*found)

    def _path_to(self, j: int, a) -> list | None:
        """Path of the value that the anchor `a` on line `j` (a `-` or a key) opens."""
        if a.kind == "dash":
            seq = self.sequence_path(j, a.col)
            return None if seq is None else [*seq, None]
        outer = self.mapping_path(j, a.col)
        return None if outer is None else [*outer, a.key]

    def siblings(self, i: int, col: int, start: int) -> set[str]:
        """Keys at `col` of the mapping that starts at line `start`, except on line `i`."""
        out: set[str] = set()
        lines = self.lines
        for j in range(start, min(len(lines), start + 4 * SCAN_LIMIT)):
            if j == i or _blank(lines[j]):
                continue
            anchors = self.anchors(j)
            if not anchors:
                continue
            if j > start and anchors[0].col < col:
                break
            for a in anchors:
                if a.kind == "key" and a.col == col:
                    out.add(a.key)
        return out


def yaml_context(
    lines: list[str],
    line: int,
    col: int,
    top_key_line: Callable[[int], int | None] | None = None,
    item_at: ItemHint | None = None,
) -> YamlContext | None:
    """The cursor's place in a YAML document; `col` counts code points."""
    if line >= len(lines):
        lines = [*lines, *([""] * (line - len(lines) + 1))]
    text = lines[line]
    col = min(col, len(text))
    before = text[:col]
    if before.lstrip().startswith("#"):
        return None
    w = _Walker(lines, top_key_line, item_at)
    # What starts the line, up to the cursor.
    pos = len(before) - len(before.lstrip(" "))
    dashes: list[int] = []
    n = len(before)
    while pos < n and before[pos] == "-" and (pos + 1 < n and before[pos + 1] in " \t"):
        dashes.append(pos)
        pos += 1
        while pos < n and before[pos] in " \t":
            pos += 1
    rest = before[pos:]
    m = _KEY_RE.match(rest + " ") if ":" in rest else None
    if m is not None and pos + m.end() <= col:
        # VALUE: after `key:`
        key = m.group(1) if m.group(1) is not None else m.group(2)
        if key is None:
            key = m.group(3).strip()
        container = _container(w, line, pos, dashes)
        if container is None:
            return None
        vstart = pos + m.end()
        value_text = before[vstart:]
        ctx = YamlContext(VALUE, [*container, key], "", col, col, line)
        ctx.after_colon = value_text == "" and before.endswith(":")
        _value_token(ctx, text, vstart, col)
        return ctx
    # KEY (or a bare scalar item after `- `)
    word_start = pos
    quote = None
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        word_start += 1
    end = col
    m2 = _WORD_CHARS.match(text, col)
    if m2 and quote is None:
        end = m2.end()
    has_colon = text[end:].lstrip().startswith(":")
    if dashes:
        seq = _seq_of_dash(w, line, dashes)
        if seq is None:
            return None
        ctx = YamlContext(KEY, [*seq, None], text[word_start:col], word_start, end, line)
        ctx.dash_item = True
    else:
        container = _container(w, line, pos, dashes)
        if container is None:
            return None
        ctx = YamlContext(KEY, container, text[word_start:col], word_start, end, line)
    ctx.quote = quote
    ctx.has_colon = has_colon
    # Keys already in this mapping (not the one being typed).
    if ctx.path:
        start = None
        if dashes:
            start = line
        else:
            found = w.parent(line, pos, False)
            if found is not None:
                start = found[0]
        if start is not None:
            ctx.siblings = w.siblings(line, pos, start)
    return ctx


def _container(w: _Walker, line: int, pos: int, dashes: list[int]) -> list | None:
    if dashes:
        seq = _seq_of_dash(w, line, dashes)
        return None if seq is None else [*seq, None]
    return w.mapping_path(line, pos)


def _seq_of_dash(w: _Walker, line: int, dashes: list[int]) -> list | None:
    seq = w.sequence_path(line, dashes[0])
    if seq is None:
        return None
    for _ in dashes[1:]:
        seq = [*seq, None]
    return seq


def _value_token(ctx: YamlContext, text: str, vstart: int, col: int) -> None:
    """The token being typed in a value: plain, quoted, or an item of a flow sequence."""
    seg = text[vstart:col]
    stripped = seg.lstrip()
    base = vstart + (len(seg) - len(stripped))
    if stripped.startswith("["):
        depth = 0
        last_open = -1
        for k, ch in enumerate(stripped):
            if ch == "[":
                depth += 1
                last_open = k
            elif ch == "]":
                depth -= 1
        if depth > 0:
            ctx.in_flow = True
            inner = stripped[last_open + 1 :]
            parts = inner.split(",")
            ctx.flow_items = [p.strip().strip("'\"") for p in parts[:-1] if p.strip()]
            # items after the cursor, up to the closing bracket
            after = text[col:]
            close = after.find("]")
            tail = after[: close if close >= 0 else len(after)]
            tail_parts = tail.split(",")
            ctx.flow_items += [p.strip().strip("'\"") for p in tail_parts[1:] if p.strip()]
            cur = parts[-1]
            lead = len(cur) - len(cur.lstrip())
            tok_start = base + last_open + 1 + (len(inner) - len(cur)) + lead
            _set_token(ctx, text, tok_start, col, flow=True)
            return
    _set_token(ctx, text, base, col, flow=False)


def _set_token(ctx: YamlContext, text: str, start: int, col: int, flow: bool) -> None:
    if start < col and text[start] in "'\"":
        ctx.quote = text[start]
        start += 1
        close = text.find(ctx.quote, col)
        end = close if close >= 0 else col
    else:
        stop = ",]" if flow else "#"
        end = col
        while end < len(text) and text[end] not in stop:
            end += 1
        end = max(col, len(text[:end].rstrip()))
    ctx.start = start
    ctx.end = end
    ctx.word = text[start:col]


# ---- CSV ---------------------------------------------------------------------------------


@dataclass(slots=True)
class CsvContext:
    header: bool  # the cursor is on the header line
    column: int
    column_name: str | None
    word: str
    start: int  # code points on the line
    end: int
    line: int
    header_names: list[str]
    quote: bool = False
    cell_parts: list[str] = field(default_factory=list)  # other parts of a list cell


def csv_context(
    lines: list[str], line: int, col: int, sep: str = ",", list_sep: str | None = None
) -> CsvContext | None:
    if line >= len(lines):
        return None
    header_line = next((i for i, t in enumerate(lines) if t.strip()), None)
    text = lines[line]
    col = min(col, len(text))
    header_names: list[str] = []
    if header_line is not None and header_line != line:
        header_names = [c.strip().strip('"').strip() for c in lines[header_line].split(sep)]
    # cells before the cursor, outside quotes
    column = 0
    cell_start = 0
    in_quote = False
    for k, ch in enumerate(text[:col]):
        if ch == '"':
            in_quote = not in_quote
        elif ch == sep and not in_quote:
            column += 1
            cell_start = k + 1
    cell_end = cell_start
    q = in_quote
    while cell_end < len(text) and (text[cell_end] != sep or q):
        if text[cell_end] == '"':
            q = not q
        cell_end += 1
    raw = text[cell_start:cell_end]
    lead = len(raw) - len(raw.lstrip())
    start = cell_start + lead
    quote = text[start : start + 1] == '"'
    if quote:
        start += 1
    end = len(text[:cell_end].rstrip())
    if quote and end > start and text[end - 1] == '"':
        end -= 1
    end = max(end, col)
    ctx = CsvContext(
        header=header_line is None or header_line == line,
        column=column,
        column_name=header_names[column] if column < len(header_names) else None,
        word=text[start:col],
        start=start,
        end=end,
        line=line,
        header_names=header_names if header_line != line else [c.strip() for c in text.split(sep)],
        quote=quote,
    )
    if list_sep and not ctx.header:
        cell = text[start:end]
        upto = text[start:col]
        k = upto.rfind(list_sep)
        if k >= 0:
            part_start = start + k + 1
            while part_start < col and text[part_start] == " ":
                part_start += 1
            ctx.cell_parts = [p.strip() for p in cell.split(list_sep)]
            ctx.start = part_start
        nxt = text.find(list_sep, col, end)
        if nxt >= 0:
            ctx.end = len(text[:nxt].rstrip())
        if k >= 0 or nxt >= 0:
            ctx.end = max(ctx.end, col)
            ctx.word = text[ctx.start : col]
            ctx.cell_parts = [p.strip() for p in cell.split(list_sep)]
    return ctx
