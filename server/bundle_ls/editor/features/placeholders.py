"""`${dotted.key}` packager placeholders (Initializer files): completion of the constants
that `constants.yml` / `constants.properties` define, hover with the value, and go to the
constant's definition."""

from __future__ import annotations

import re

from bundle_ls.dialects.initializer import placeholders as ph
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import VALUE, Completion, HoverResult, Location

_KEY_REST = re.compile(r"[\w.\-]*")


def _line(ws, rel: str, line: int) -> str | None:
    lines = ws.lines(rel)
    return lines[line] if lines is not None and 0 <= line < len(lines) else None


def complete(ws, rel: str, line: int, ch: int) -> list[Completion] | None:
    """The constants for a `${…` being typed (an empty list when the project has none);
    None when the cursor is not in a placeholder."""
    text = _line(ws, rel, line)
    typing = ph.typing_placeholder(text, ch) if text is not None else None
    if typing is None:
        return None
    prefix, start = typing
    li = LineIndex(text)
    after = li.from_utf16(0, ch)
    rest = _KEY_REST.match(text, after).end()  # the rest of a key the cursor is inside
    closed = text[rest : rest + 1] == "}"
    rng = (line, start, line, li.to_utf16(0, rest))
    return [
        Completion(key, VALUE, rng, key if closed else key + "}", value or None, None, f"{i:05d}")
        for i, (key, value) in enumerate(
            ph.complete_placeholders(ph.constants_in(ws.index), prefix)
        )
    ]


def hover(ws, rel: str, line: int, ch: int) -> HoverResult | None:
    text = _line(ws, rel, line)
    at = ph.placeholder_at(text, ch) if text is not None else None
    if at is None:
        return None
    key, start, end = at
    markdown = ph.hover_placeholder(ph.constants_in(ws.index), key)
    return HoverResult(markdown, (line, start, line, end)) if markdown else None


def definition(ws, rel: str, line: int, ch: int) -> list[Location] | None:
    """Where the constant under the cursor is defined; None when not on a placeholder."""
    text = _line(ws, rel, line)
    at = ph.placeholder_at(text, ch) if text is not None else None
    if at is None:
        return None
    return [Location(p, r) for p, r in ph.definition_of_placeholder(ws.index, at[0])]
