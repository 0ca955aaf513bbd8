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


class KeyPool:
    """Many choices (a namespace's 100,000 keys) asked many times: each choice is
    normalised once, not once per question. Answers exactly as `did_you_mean` does."""

    __slots__ = ("choices", "processed")

    def __init__(self, choices: Collection[str]) -> None:
        self.choices = list(choices)
        self.processed = [utils.default_process(c) for c in self.choices]

    def did_you_mean(self, word: str, limit: int = 3) -> list[str]:
        if not word or not self.choices:
            return []
        found = process.extract(
            utils.default_process(word),
            self.processed,
            scorer=fuzz.ratio,
            processor=None,
            limit=limit,
            score_cutoff=75,
        )
        return [c for c in (self.choices[i] for _p, _score, i in found) if c != word]
