"""`${dotted.key}` placeholders, filled by openmrs-packager-maven-plugin from constants files.

`constants.yml` is nested YAML whose leaves are addressed by dotted paths (list items by
index: `a.b.0.c`); `constants.properties` is `key=value` lines. Placeholders can appear in
any cell or value. These functions are plain and pure so the language server can call
them: `find_placeholders`, `placeholder_at`, `complete_placeholders`, `hover_placeholder`,
`definition_of_placeholder`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node, Range, key_text
from bundle_ls.documents.positions import LineIndex

PLACEHOLDER = re.compile(r"\$\{([^${}\s]*)\}")
_OPEN = re.compile(r"\$\{([^${}\s]*)$")


@dataclass(slots=True)
class Constant:
    key: str
    value: object
    range: Range  # the key's range in the constants file


@dataclass(slots=True)
class Placeholder:
    key: str
    range: Range  # the whole `${…}`
    key_range: Range  # the dotted key inside it


_BREAK = re.compile(r"\r\n|\r|\n")


def offset_position(text: str, offset: int, lines: LineIndex) -> tuple[int, int]:
    """(line, UTF-16 column) of a character offset, with \r\n, \r and \n as line breaks
    (as LSP counts them)."""
    head = text[:offset]
    breaks = list(_BREAK.finditer(head))
    line = len(breaks)
    col = offset - (breaks[-1].end() if breaks else 0)
    if head.endswith("\r") and text[offset : offset + 1] == "\n":
        line -= 1  # between the \r and \n of one break: the end of the previous line
        col = len(lines.line(line))
    return line, lines.to_utf16(line, col)


def constants_from_yaml(root: Node | None) -> list[Constant]:
    """Every leaf of a constants.yml tree, with its dotted key (list items by index)."""
    out: list[Constant] = []

    def walk(node: Node, prefix: str, key_rng: Range | None, depth: int) -> None:
        if depth > 64:
            return
        if node.kind == MAPPING:
            for k, v in node.items:
                name = key_text(k)
                walk(v, f"{prefix}.{name}" if prefix else name, k.range, depth + 1)
        elif node.kind == SEQUENCE:
            for i, c in enumerate(node.items):
                walk(c, f"{prefix}.{i}" if prefix else str(i), c.range, depth + 1)
        elif prefix:
            out.append(Constant(prefix, node.value, key_rng or node.range))

    if root is not None and root.kind != SCALAR:
        walk(root, "", None, 0)
    return out


def constants_from_properties(text: str, lines: LineIndex) -> list[Constant]:
    out: list[Constant] = []
    for n, line in enumerate(lines.lines):
        s = line.strip()
        if not s or s[0] in "#!":
            continue
        m = re.match(r"\s*([^=:\s]+)\s*[=:]?\s*(.*)$", line)
        if not m:
            continue
        key = m.group(1)
        start = m.start(1)
        rng = (n, lines.to_utf16(n, start), n, lines.to_utf16(n, start + len(key)))
        out.append(Constant(key, m.group(2).strip(), rng))
    return out


def find_placeholders(text: str, line: int, col: int, lines: LineIndex) -> list[Placeholder]:
    """Placeholders in a piece of text that starts at (line, code-point col) on one line."""
    out = []
    conv = lines.to_utf16
    for m in PLACEHOLDER.finditer(text):
        s, e = col + m.start(), col + m.end()
        ks, ke = col + m.start(1), col + m.end(1)
        out.append(
            Placeholder(
                m.group(1),
                (line, conv(line, s), line, conv(line, e)),
                (line, conv(line, ks), line, conv(line, ke)),
            )
        )
    return out


def placeholder_at(line_text: str, character: int) -> tuple[str, int, int] | None:
    """The placeholder key under a UTF-16 `character` of one line: (key, start, end) where
    start/end are the UTF-16 columns of the key inside `${…}`; None if not on one."""
    li = LineIndex(line_text)
    col = li.from_utf16(0, character)
    for m in PLACEHOLDER.finditer(line_text):
        if m.start() <= col <= m.end():
            return m.group(1), li.to_utf16(0, m.start(1)), li.to_utf16(0, m.end(1))
    return None


def typing_placeholder(line_text: str, character: int) -> tuple[str, int] | None:
    """While typing `${enc…` (closed or not): the prefix typed so far and the UTF-16 column
    where the key starts; None when the cursor is not inside a placeholder."""
    li = LineIndex(line_text)
    col = li.from_utf16(0, character)
    head = line_text[:col]
    m = _OPEN.search(head)
    if m is None:
        return None
    return m.group(1), li.to_utf16(0, m.start(1))


def complete_placeholders(
    constants: dict[str, object], prefix: str, limit: int = 200
) -> list[tuple[str, str]]:
    """(key, value shown as text) of every constant whose dotted key starts with `prefix`
    (case-insensitively), the nearest levels first, then alphabetically."""
    low = prefix.lower()
    hits = [k for k in constants if k.lower().startswith(low)]
    hits.sort(key=lambda k: (k.count("."), k))
    return [(k, _show(constants[k])) for k in hits[:limit]]


def hover_placeholder(constants: dict[str, object], key: str) -> str | None:
    """Markdown for hovering a placeholder: its value, or None when it is not defined."""
    if key not in constants:
        return None
    return (
        f"`${{{key}}}` = `{_show(constants[key])}`  \n(from constants.yml / constants.properties)"
    )


def definition_of_placeholder(index, key: str) -> list[tuple[str, Range]]:
    """(path, range) of the constant `key` in the project index."""
    from bundle_ls.dialects.initializer.spec import CONSTANT_NS

    return [(p, kd.range) for p, kd in index.defs.get(CONSTANT_NS, {}).get(key, ())]


def constants_in(index) -> dict[str, object]:
    """Every constant the project index knows: dotted key → value."""
    from bundle_ls.dialects.initializer.spec import CONSTANT_NS

    out: dict[str, object] = {}
    for key, defs in index.defs.get(CONSTANT_NS, {}).items():
        out[key] = defs[0][1].value
    return out


def _show(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
