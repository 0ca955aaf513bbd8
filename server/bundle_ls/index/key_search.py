"""Keys of a large namespace matching a word, kept up to date from the index's key log.

Completion of a namespace with 100,000 keys cannot send them all on every keystroke: it
sends the keys that start with the word typed, then those that contain it, ignoring case,
`MAX_KEYS` at most (clangd's default limit too), and the editor asks again as the word
grows. The sorted keys are kept on the index and patched from its key log.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

MAX_KEYS = 100


def matching_keys(index, namespace: str, word: str) -> tuple[list[str], bool]:
    """The keys of `namespace` to offer for `word`, and whether more would match. A small
    namespace gives every key (the editor filters); a large one the keys that start with
    the word, then those that contain it, ignoring case, in order, MAX_KEYS at most."""
    keys = index.keys_of(namespace)
    if len(keys) <= MAX_KEYS:
        return list(keys), False
    low = word.strip().strip("'\"").lower()
    found = KeySearch.of(index, namespace).find(low, MAX_KEYS + 1)
    return found[:MAX_KEYS], len(found) > MAX_KEYS


class KeySearch:
    """A namespace's keys sorted without case, for prefix (bisect) and substring (one
    search through all keys joined) look-ups; kept on the index and brought up to date
    from its key log when keys come and go."""

    def __init__(self, keys) -> None:
        pairs = sorted((k.lower(), k) for k in keys)
        self.lowered = [p[0] for p in pairs]
        self.keys = [p[1] for p in pairs]
        self._blob: tuple[str, list[int]] | None = None

    @classmethod
    def of(cls, index, namespace: str) -> KeySearch:
        cache = index.derived.setdefault("key-search", {})
        got = cache.get(namespace)
        changes = None if got is None else index.key_changes_since(namespace, got[0])
        if changes is None or sum(len(a) + len(r) for a, r in changes) > 1000:
            search = cls(index.keys_of(namespace))
        else:
            search = got[1]
            defined = index.keys_of(namespace)
            for added, removed in reversed(changes):  # oldest first
                for key in removed:
                    if key not in defined:
                        search._remove(key)
                for key in added:
                    if key in defined:
                        search._add(key)
        cache[namespace] = (index.generation, search)
        return search

    def _find_exact(self, key: str) -> int:
        i = bisect_left(self.lowered, key.lower())
        while i < len(self.keys) and self.lowered[i] == key.lower():
            if self.keys[i] == key:
                return i
            i += 1
        return -1

    def _add(self, key: str) -> None:
        if self._find_exact(key) < 0:
            low = key.lower()
            pos = bisect_left(self.lowered, low)
            while pos < len(self.keys) and self.lowered[pos] == low and self.keys[pos] < key:
                pos += 1  # the order of sorted((lower, key)) pairs
            self.lowered.insert(pos, low)
            self.keys.insert(pos, key)
            self._blob = None

    def _remove(self, key: str) -> None:
        i = self._find_exact(key)
        if i >= 0:
            del self.lowered[i], self.keys[i]
            self._blob = None

    def _joined(self) -> tuple[str, list[int]]:
        """All keys joined by newlines, and where each starts (built when first needed)."""
        if self._blob is None:
            starts = [0, *accumulate(len(lk) + 1 for lk in self.lowered)]
            self._blob = ("\n".join(self.lowered), starts[:-1])
        return self._blob

    def find(self, low: str, limit: int) -> list[str]:
        lowered, keys = self.lowered, self.keys
        out: list[str] = []
        i = bisect_left(lowered, low)
        while i < len(lowered) and lowered[i].startswith(low) and len(out) < limit:
            out.append(keys[i])
            i += 1
        if len(out) >= limit or not low:
            return out
        blob, starts = self._joined()
        pos = blob.find(low)
        while pos >= 0 and len(out) < limit:
            j = bisect_right(starts, pos) - 1
            if not lowered[j].startswith(low):  # those came first
                out.append(keys[j])
            nxt = starts[j + 1] if j + 1 < len(starts) else len(blob)
            pos = blob.find(low, nxt)
        return out
