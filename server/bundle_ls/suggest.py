"""Close-match suggestions ("did you mean") over names and keys, with rapidfuzz."""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import fuzz, process, utils


def did_you_mean(word: str, choices: Collection[str], limit: int = 3) -> list[str]:
    """The closest choices to `word`, best first; empty when nothing is close."""
    if not word or not choices:
        return []
    found = process.extract(
        word,
        choices,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=75,
    )
    return [c for c, _score, _i in found if c != word]
