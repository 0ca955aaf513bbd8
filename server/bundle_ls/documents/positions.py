"""Line tables and UTF-16 positions.

Parsers count columns in code points; editors count UTF-16 code units. A `LineIndex`
converts between them per line, with a fast path for ASCII lines (almost all of them).
"""

from __future__ import annotations

import re

_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; LSP counts \\n, \\r\\n and \\r as line breaks."""
    return _BREAK.split(text)


def utf16_len(s: str) -> int:
    if s.isascii():
        return len(s)
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


class LineIndex:
    __slots__ = ("lines", "_ascii")

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self._ascii: list[bool] | None = None if not text.isascii() else []

    @classmethod
    def over(cls, lines: list[str]) -> LineIndex:
        """A LineIndex over existing lines, without joining and re-splitting the text (the
        per-line ASCII check gives the same results as the whole-text fast path)."""
        li = cls.__new__(cls)
        li.lines = lines
        li._ascii = None
        return li

    @property
    def ascii(self) -> bool:
        """Whether the text is known to be ASCII: every UTF-16 column is its code-point column."""
        return self._ascii is not None

    def range_on(self, line: int, c0: int, c1: int) -> tuple[int, int, int, int]:
        """The UTF-16 range of code-point columns [c0, c1) on one line."""
        return (line, self.to_utf16(line, c0), line, self.to_utf16(line, c1))

    def line(self, n: int) -> str:
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def to_utf16(self, line: int, col: int) -> int:
        """Code-point column → UTF-16 column on `line`."""
        if self._ascii is not None or col <= 0:
            return col
        text = self.line(line)
        if text.isascii():
            return col
        head = text[:col]
        return col + sum(1 for ch in head if ord(ch) > 0xFFFF)

    def from_utf16(self, line: int, col16: int) -> int:
        """UTF-16 column → code-point column on `line` (clamped to the line)."""
        text = self.line(line)
        if self._ascii is not None or text.isascii():
            return min(col16, len(text))
        units = 0
        for i, ch in enumerate(text):
            if units >= col16:
                return i
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(text)
