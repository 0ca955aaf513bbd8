"""Writing a name back into a document: as a YAML scalar or a CSV cell, in quotes or not."""

from __future__ import annotations

import json
import re

from bundle_ls.documents.model import Range
from bundle_ls.documents.positions import LineIndex

_PLAIN_OK = re.compile(r"^[A-Za-z0-9_./()][^:#]*$")
_RESERVED = frozenset(
    ("true", "false", "null", "~", "yes", "no", "on", "off", "True", "False", "Null", "NULL")
)


def yaml_scalar(text: str) -> str:
    """`text` as a YAML plain scalar when that reads back as the same string, else quoted."""
    if (
        text
        and _PLAIN_OK.match(text)
        and text == text.strip()
        and text not in _RESERVED
        and not re.match(r"^[-+]?(\d|\.\d)", text)
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def inside_quotes(lines: list[str] | None, rng: Range) -> tuple[Range, str | None]:
    """The range without its quotes, and the quote character (None for a plain scalar)."""
    if lines is None or rng[0] != rng[2] or rng[0] >= len(lines):
        return rng, None
    li = LineIndex.over(lines)
    c0 = li.from_utf16(rng[0], rng[1])
    c1 = li.from_utf16(rng[2], rng[3])
    seg = lines[rng[0]][c0:c1]
    if len(seg) >= 2 and seg[0] in "'\"" and seg[-1] == seg[0]:
        return (rng[0], rng[1] + 1, rng[2], rng[3] - 1), seg[0]
    return rng, None


def yaml_text(quote: str | None, name: str) -> str:
    """`name` as it must be written between `quote` (or as a plain scalar when None)."""
    if quote == '"':
        return json.dumps(name, ensure_ascii=False)[1:-1]
    if quote == "'":
        return name.replace("'", "''")
    return yaml_scalar(name)


def csv_cell(text: str) -> str:
    """`text` as a CSV cell: quoted (quotes doubled) when it holds a comma or a quote."""
    if any(c in text for c in (",", '"', "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text
