"""Close-match suggestions ("did you mean") over names and keys, with rapidfuzz."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

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


class KeyHints:
    """ "Did you mean" for unresolved references, asked again on every re-check of a file.

    An answer stands until the namespaces gain a key close to the word, or lose a key it
    suggests (the index's key log says which keys came and went), so typing in one item of
    a large file does not search 100,000 keys for each unresolved reference again."""

    MEMO_LIMIT = 100_000

    def __init__(self, index: KeyLog) -> None:
        self.index = index
        self.memo: dict[tuple[tuple[str, ...], str], tuple[int, list[str]]] = {}
        self.pools: dict[tuple[str, ...], tuple[int, KeyPool]] = {}

    def did_you_mean(
        self, namespaces: tuple[str, ...], word: str, keys: Callable[[], Collection[str]]
    ) -> list[str]:
        gen = self.index.generation
        got = self.memo.get((namespaces, word))
        if got is not None and self._stands(namespaces, word, got[0], got[1]):
            self.memo[(namespaces, word)] = (gen, got[1])
            return got[1]
        pool = self.pools.get(namespaces)
        if pool is None or not self._stands(namespaces, None, pool[0], ()):
            pool = self.pools[namespaces] = (gen, KeyPool(keys()))
        hint = pool[1].did_you_mean(word)
        if len(self.memo) >= self.MEMO_LIMIT:
            self.memo.clear()
        self.memo[(namespaces, word)] = (gen, hint)
        return hint

    def _stands(
        self, namespaces: tuple[str, ...], word: str | None, since: int, hint: Collection[str]
    ) -> bool:
        """Whether what was derived at generation `since` still holds; `word` None: only if
        the namespaces' keys did not change at all."""
        for ns in namespaces:
            changes = self.index.key_changes_since(ns, since)
            if changes is None:
                return False
            for added, removed in changes:
                if word is None or not removed.isdisjoint(hint):
                    return False
                if added and process.extractOne(
                    word,
                    added,
                    scorer=fuzz.ratio,
                    processor=utils.default_process,
                    score_cutoff=75,
                ):
                    return False
        return True


class KeyLog(Protocol):
    generation: int

    def key_changes_since(
        self, namespace: str, generation: int
    ) -> list[tuple[frozenset[str], frozenset[str]]] | None: ...
