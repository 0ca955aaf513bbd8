"""The project's Initializer names as its cross-file checks ask about them, kept current.

The checks ask, for every reference: is the name defined by a row (compared as
Initializer's database compares names), is it created by a cell somewhere else (locations
`Tags`), and is it a near miss of a known name. Rebuilding the answers after every change
cost a pass over every key of the project per keystroke, and two of them were quadratic: a
set of places copied per reference to a created tag, and the near-miss candidates searched
again for every reference to the same missing name.

`Names` is told of each change of key definitions (`ProjectIndex.observe`) and keeps:
counts of row definitions per folded name, the places that create each folded name, the
near-miss candidates, and the near-miss answers, each kept until a candidate close to the
word comes or the suggested one goes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bundle_ls.dialects.initializer.ocl import OclConcepts, concepts_under

if TYPE_CHECKING:
    from bundle_ls.documents.facts import KeyDef
    from bundle_ls.index.project_index import ProjectIndex

PREFIX = "iniz:"
CREATED = "created"  # a definition made by a cell that creates what it names
NOT_NAMES = ("uuid", "mapping")  # identifier kinds that are not near-miss candidates
NEAR = 2  # the largest edit distance `near_miss` accepts


def id_kind(kd: KeyDef) -> str | None:
    return kd.value.get("id") if isinstance(kd.value, dict) else None


class Names:
    """Per namespace of the `iniz:` prefix; `fold` compares names as Initializer does."""

    def __init__(self, index: ProjectIndex, fold: Callable[[str], str]) -> None:
        self.index = index
        self.fold = fold
        self.defined: dict[str, Counter[str]] = {}  # ns → folded name → row definitions
        self.total: dict[str, Counter[str]] = {}  # ns → key as written → definitions
        self.created: dict[str, dict[str, Counter[tuple]]] = {}  # ns → folded → places
        self.candidates: dict[str, Counter[str]] = {}  # ns → name → definitions as a name
        # namespaces → name → folded name: the candidates of references into them
        self.choices: dict[tuple[str, ...], dict[str, str]] = {}
        self.extras: dict[tuple[str, ...], set[str]] = {}  # of `choices`: core's and modules'
        # namespaces → folded word → the candidate it is a near miss of (or None)
        self.misses: dict[tuple[str, ...], dict[str, str | None]] = {}
        self.ocl: dict[str, OclConcepts] = {}
        self.folded: dict[str, str] = {}  # name as written → `fold` of it (`fold_key`)
        for ns, keys in index.defs.items():
            if ns.startswith(PREFIX):
                for defs in keys.values():
                    self._add(((p, kd) for p, kd in defs), 1)
        index.observe(self)

    # ---- kept current --------------------------------------------------------------------

    def keys_changed(
        self, path: str, removed: Sequence[KeyDef], added: Sequence[KeyDef]
    ) -> set[str]:
        """Apply one change; returns the namespaces where what a reference's finding
        depends on changed: a name now defined by a row or no longer, created in none, one,
        or more places (a reference elsewhere than a single creating cell is "created
        elsewhere"), a key defined once or more, a near-miss candidate come or gone.
        Removals and additions are taken
        together, so that a row re-checked unchanged changes nothing."""
        mine = [kd for kd in (*removed, *added) if kd.namespace.startswith(PREFIX)]
        if not mine:
            return set()
        touched = {(kd.namespace, self.fold(kd.key)) for kd in mine}
        written = {(kd.namespace, kd.key) for kd in mine}
        named = {(kd.namespace, kd.key) for kd in mine if id_kind(kd) not in NOT_NAMES}
        before = {t: self._summary(*t) for t in touched}
        counts = {w: self._twice(*w) for w in written}
        was_named = {n: self.candidates.get(n[0], {}).get(n[1], 0) > 0 for n in named}
        self._add(((path, kd) for kd in removed if kd.namespace.startswith(PREFIX)), -1, False)
        self._add(((path, kd) for kd in added if kd.namespace.startswith(PREFIX)), 1, False)
        changed = {t[0] for t in touched if self._summary(*t) != before[t]}
        changed |= {w[0] for w in written if self._twice(*w) != counts[w]}
        for (ns, name), was in was_named.items():
            if (self.candidates.get(ns, {}).get(name, 0) > 0) != was:
                changed.add(ns)
                self._candidate_changed(ns, name, self.fold(name), came=not was)
        return changed

    def _twice(self, ns: str, key: str) -> int:
        """Definitions of a key as written, up to two (a retired row's entity defined by
        another row too: cross.py `_defined_twice`)."""
        return min(self.total.get(ns, {}).get(key, 0), 2)

    def _summary(self, ns: str, folded: str) -> tuple[bool, int]:
        """What references to a folded name are judged by (besides their own place)."""
        places = self.created.get(ns, {}).get(folded)
        return self.is_defined(ns, folded), min(len(places), 2) if places else 0

    def _add(self, defs, sign: int, candidates: bool = True) -> None:
        """Count definitions in (or out); `candidates`: tell the near-miss answers of each
        candidate come or gone at once (else the caller does, for the net change)."""
        for path, kd in defs:
            ns = kd.namespace
            kind = id_kind(kd)
            folded = self.fold(kd.key)
            _count(self.total.setdefault(ns, Counter()), kd.key, sign)
            if kind == CREATED:
                by_name = self.created.setdefault(ns, {})
                places = by_name.get(folded)
                if places is None:
                    places = by_name[folded] = Counter()
                _count(places, (path, kd.range), sign)
                if not places:
                    del by_name[folded]
            else:
                _count(self.defined.setdefault(ns, Counter()), folded, sign)
            if kind not in NOT_NAMES:
                names = self.candidates.setdefault(ns, Counter())
                before = names[kd.key]
                _count(names, kd.key, sign)
                if candidates and (before == 0) != (names[kd.key] == 0):
                    self._candidate_changed(ns, kd.key, folded, came=before == 0)

    def _candidate_changed(self, ns: str, name: str, folded: str, came: bool) -> None:
        """A name became a near-miss candidate of `ns`, or stopped being one: the answers
        it may change are dropped."""
        for nss, choices in self.choices.items():
            if ns not in nss:
                continue
            if came:
                choices[name] = folded
            elif name not in self.extras[nss] and not any(
                self.candidates.get(n, {}).get(name) for n in nss
            ):
                choices.pop(name, None)
        for nss, memo in self.misses.items():
            if ns not in nss or not memo:
                continue
            if came:  # it may now be the nearest name to words within reach
                close = process.extract(
                    folded, list(memo), scorer=OSA.distance, score_cutoff=NEAR, limit=None
                )
                for word, _dist, _i in close:
                    memo.pop(word, None)
            else:
                for word in [w for w, hit in memo.items() if hit == name]:
                    del memo[word]

    # ---- questions -----------------------------------------------------------------------

    FOLDED_LIMIT = 1_000_000  # an editing session writes new names forever

    def fold_key(self, key: str) -> str:
        """`fold(key)`, remembered: every reference to a name folds the same text."""
        got = self.folded.get(key)
        if got is None:
            if len(self.folded) >= self.FOLDED_LIMIT:
                self.folded.clear()
            got = self.folded[key] = self.fold(key)
        return got

    def is_defined(self, ns: str, folded: str) -> bool:
        """Whether a row (not a creating cell) defines this name."""
        return self.defined.get(ns, {}).get(folded, 0) > 0

    def created_elsewhere(self, ns: str, folded: str, at: tuple) -> bool:
        """Whether a creating cell creates this name somewhere else than at `at`."""
        places = self.created.get(ns, {}).get(folded)
        return bool(places) and (len(places) > 1 or at not in places)

    def near_miss(
        self,
        namespaces: tuple[str, ...],
        value: str,
        find: Callable[[str, dict[str, str]], str | None],
        extra: Callable[[str], Sequence[str]],
    ) -> str | None:
        """`find(value, candidates)` over the local names of `namespaces` and `extra(ns)`
        (names core and the modules define), remembered per folded value."""
        memo = self.misses.setdefault(namespaces, {})
        folded = self.fold(value)
        if folded in memo:
            return memo[folded]
        choices = self.choices.get(namespaces)
        if choices is None:
            extras = self.extras[namespaces] = {c for ns in namespaces for c in extra(ns)}
            choices = {c: self.fold(c) for c in extras}
            for ns in namespaces:
                for c in self.candidates.get(ns, {}):
                    choices[c] = self.fold(c)
            self.choices[namespaces] = choices
        hit = memo[folded] = find(value, choices)
        return hit

    def ocl_concepts(self, iniz_root: str) -> OclConcepts:
        """Concepts of the OCL zips of an Initializer folder (a change of a zip re-indexes
        the project: `InitializerDialect.reindex_on`)."""
        got = self.ocl.get(iniz_root)
        if got is None:
            real = self.index.real_root
            got = self.ocl[iniz_root] = concepts_under(
                os.path.join(real, iniz_root) if iniz_root else real
            )
        return got


def _count(counter: Counter, key, sign: int) -> None:
    n = counter[key] + sign
    if n > 0:
        counter[key] = n
    else:
        del counter[key]


def names_of(index: ProjectIndex, fold: Callable[[str], str]) -> Names:
    """The index's `Names`, made (and then kept current) on first use."""
    got = index.derived.get("initializer-names")
    if got is None:
        got = index.derived["initializer-names"] = Names(index, fold)
    return got
