"""Completion and hover in bundle-ls.yaml: settings at the top level, diagnostic codes under
`severity:`, severities after a code. Worked out from the line text, so it works while the
file is half typed."""

from __future__ import annotations

import re

from bundle_ls.dialects.base import EditorView
from bundle_ls.dialects.settings.schema import SEVERITY_CHOICES, Vocabulary
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import COLUMN, VALUE, Completion, HoverResult

_WORD = re.compile(r"[\w.-]*")


def _parent(lines: list[str], line: int) -> str | None:
    """The top-level setting an indented line belongs to."""
    for i in range(line - 1, -1, -1):
        text = lines[i]
        if text[:1] not in ("", " ", "\t", "#", "-") and ":" in text:
            return text.split(":", 1)[0].strip()
    return None


def _word_at(text: str, col: int) -> tuple[int, int]:
    start = col
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
        start -= 1
    end = _WORD.match(text, col).end()
    return start, end


def complete(view: EditorView, vocab: Vocabulary, rel: str, line: int, ch: int) -> list[Completion]:
    lines = view.lines(rel) or []
    if line >= len(lines):
        lines = [*lines, *([""] * (line - len(lines) + 1))]
    li = LineIndex.over(lines)
    text = lines[line]
    col = li.from_utf16(line, ch)
    start, end = _word_at(text, col)
    rng = li.range_on(line, start, end)
    indented = text[:1] in (" ", "\t")
    after_colon = ":" in text[:col]
    if not indented and not after_colon:
        present = {t.split(":", 1)[0].strip() for t in lines if t[:1] not in ("", " ", "#")}
        return [
            Completion(
                n, COLUMN, rng, n + ": ", documentation=_setting_doc(vocab, n), sort_text=f"{i:03}"
            )
            for i, n in enumerate(vocab.names())
            if n not in present or n == text[start:end]
        ]
    parent = _parent(lines, line)
    setting = vocab.setting(parent) if parent else None
    if setting is None or setting.shape != "severities" or not indented:
        return []
    if after_colon:
        return [
            Completion(s, VALUE, rng, s, sort_text=f"{i}") for i, s in enumerate(SEVERITY_CHOICES)
        ]
    return [
        Completion(c, COLUMN, rng, c + ": ", detail=summary, sort_text=c)
        for c, summary in sorted(vocab.codes.items())
    ]


def _setting_doc(vocab: Vocabulary, name: str) -> str | None:
    setting = vocab.setting(name)
    return setting.description if setting else None


def hover(view: EditorView, vocab: Vocabulary, rel: str, line: int, ch: int) -> HoverResult | None:
    lines = view.lines(rel) or []
    if line >= len(lines):
        return None
    li = LineIndex.over(lines)
    text = lines[line]
    start, end = _word_at(text, li.from_utf16(line, ch))
    word = text[start:end]
    if not word or ":" in text[:start]:
        return None
    rng = li.range_on(line, start, end)
    if text[:1] not in (" ", "\t"):
        doc = _setting_doc(vocab, word)
        return HoverResult(f"**{word}**\n\n{doc}", rng) if doc else None
    parent = _parent(lines, line)
    setting = vocab.setting(parent) if parent else None
    if setting is not None and setting.shape == "severities" and word in vocab.codes:
        return HoverResult(
            f"**{word}**: {vocab.codes[word]}\n\n`bundle-ls --explain {word}` says more.", rng
        )
    return None
