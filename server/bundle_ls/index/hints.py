"""Kept "did you mean" answers for unresolved references (see `KeyHints`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Protocol

from rapidfuzz import fuzz, process, utils

from bundle_ls.documents.suggest import KeyPool


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
        hint = self._pool(namespaces, keys).did_you_mean(word)
        self._remember(namespaces, word, hint)
        return hint

    def prefetch(
        self,
        questions: Iterable[tuple[tuple[str, ...], str]],
        keys: Callable[[tuple[str, ...]], Callable[[], Collection[str]]],
    ) -> None:
        """Answer many (namespaces, word) questions at once, scored in one batch per set of
        namespaces, so that `did_you_mean` then finds them answered. `keys(namespaces)`:
        what `did_you_mean` is given as `keys` for those namespaces."""
        by_namespaces: dict[tuple[str, ...], list[str]] = {}
        for namespaces, word in dict.fromkeys(questions):
            got = self.memo.get((namespaces, word))
            if got is None or not self._stands(namespaces, word, got[0], got[1]):
                by_namespaces.setdefault(namespaces, []).append(word)
        for namespaces, words in by_namespaces.items():
            hints = self._pool(namespaces, keys(namespaces)).did_you_mean_many(words)
            for word, hint in zip(words, hints, strict=True):
                self._remember(namespaces, word, hint)

    def _pool(self, namespaces: tuple[str, ...], keys: Callable[[], Collection[str]]) -> KeyPool:
        pool = self.pools.get(namespaces)
        if pool is None or not self._stands(namespaces, None, pool[0], ()):
            pool = self.pools[namespaces] = (self.index.generation, KeyPool(keys()))
        return pool[1]

    def _remember(self, namespaces: tuple[str, ...], word: str, hint: list[str]) -> None:
        if len(self.memo) >= self.MEMO_LIMIT:
            self.memo.clear()
        self.memo[(namespaces, word)] = (self.index.generation, hint)

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
