"""Random edit sequences, as a person makes them, expressed as LSP content changes.

A strategy draws a sequence of edits against a starting text: typing (insertions of
YAML/CSV-ish fragments, non-ASCII and astral characters, CRLF), deletions, pastes of other
lines, and undo-like reverts to an earlier text. Each edit becomes an LSP range change
computed on the text as it is at that moment (UTF-16 columns), so applying the changes in
order to the starting text gives the final text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hypothesis import strategies as st

FRAGMENTS = [
    "\n",
    "\r\n",
    "  ",
    "- ",
    ": ",
    ":",
    "key: ",
    "[",
    "]",
    ", ",
    ",",
    '"',
    "'",
    "#",
    "&a ",
    "*a",
    "é",
    "😀",
    "Ward",
    "Login Location",
    "tags: [",
    "  - key: New\n",
    "\t",
    ";",
]

_BREAK = re.compile(r"\r\n|\r|\n")


def utf16_position(text: str, offset: int) -> tuple[int, int]:
    """(line, UTF-16 character) of a code-point offset, with LSP's line breaks."""
    line = 0
    line_start = 0
    for m in _BREAK.finditer(text, 0, offset):
        if m.end() > offset:  # inside a \r\n: treat as the end of the line
            break
        line += 1
        line_start = m.end()
    head = text[line_start:offset]
    return line, len(head.encode("utf-16-le")) // 2


def _snap(text: str, offset: int) -> int:
    """Never split a \\r\\n pair (an editor cannot place the cursor between them)."""
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        return offset - 1
    return offset


@dataclass(frozen=True)
class Change:
    range: tuple[int, int, int, int]
    text: str


def apply(text: str, start: int, end: int, new: str) -> tuple[str, Change]:
    start, end = _snap(text, start), _snap(text, end)
    sl, sc = utf16_position(text, start)
    el, ec = utf16_position(text, end)
    return text[:start] + new + text[end:], Change((sl, sc, el, ec), new)


class _Draw:
    """Choices drawn by hypothesis (shrinkable) ..."""

    def __init__(self, draw) -> None:
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def pick(self, options: list):
        return self.draw(st.sampled_from(options))


class SeededChoices:
    """... or by a seeded generator, for replays through a running server."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, options: list):
        return self.rng.choice(options)


def make_sequence(choose, start_text: str, max_edits: int = 25) -> tuple[list[Change], str]:
    text = start_text
    history = [text]
    changes: list[Change] = []
    for _ in range(choose.integer(1, max_edits)):
        kind = choose.pick(["type", "type", "delete", "paste", "revert"])
        n = len(text)
        if kind == "type" or n == 0:
            at = choose.integer(0, n)
            new = "".join(choose.pick(FRAGMENTS) for _ in range(choose.integer(1, 4)))
            text, ch = apply(text, at, at, new)
        elif kind == "delete":
            a = choose.integer(0, n)
            b = min(n, a + choose.integer(0, 40))
            text, ch = apply(text, a, b, "")
        elif kind == "paste":
            lines = text.splitlines(keepends=True) or [""]
            first = choose.integer(0, len(lines) - 1)
            chunk = "".join(lines[first : first + choose.integer(1, 4)])
            at = choose.integer(0, n)
            text, ch = apply(text, at, at, chunk)
        else:  # undo-like: the whole text back to an earlier state, as one change
            earlier = history[choose.integer(0, len(history) - 1)]
            text, ch = apply(text, 0, n, earlier)
        changes.append(ch)
        history.append(text)
    return changes, text


@st.composite
def edit_sequences(draw, start_text: str, max_edits: int = 25) -> tuple[list[Change], str]:
    return make_sequence(_Draw(draw), start_text, max_edits)
