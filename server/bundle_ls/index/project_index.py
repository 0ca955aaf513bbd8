"""The project index: one config tree built from every file's facts, updated per file.

It holds, across files: the definitions of every key per namespace, which files reference
which namespaces, and every entry of the merged mapping namespaces. Replacing one file's
facts touches only that file's part and returns the other files whose cross-file
diagnostics may have changed, so an editor re-publishes exactly those.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bundle_ls.documents.facts import Embedded, Entry, FileFacts, KeyDef
from bundle_ls.documents.model import Diagnostic
from bundle_ls.index.hints import KeyHints

if TYPE_CHECKING:
    from bundle_ls.index.checks import CrossCheck

# How many key-set changes per namespace the index remembers (for KeyHints).
KEY_LOG_LIMIT = 256


_namespaces_of = attrgetter("namespaces")


class ProjectIndex:
    """`checks(facts)`: the cross-file checks of a file (its dialect's, and those of the
    embedded languages it holds values of); `reads`: per embedded language, the namespaces
    whose definitions its checks read."""

    def __init__(
        self,
        root: Path,
        checks: Callable[[FileFacts], Sequence[CrossCheck]],
        reads: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.root = root
        self.checks = checks
        self.reads = dict(reads or {})
        # embedded language → files holding values of it
        self.embedders: dict[str, set[str]] = defaultdict(set)
        # embedded language → moves whenever a definition it reads changes (by value, not
        # only the set of keys), so its checks may keep what they derive until it moves
        self.read_generation: dict[str, int] = defaultdict(int)
        self.real_root = os.path.realpath(root)
        self.files: dict[str, FileFacts] = {}
        # namespace → key → [(path, definition)]
        self.defs: dict[str, dict[str, list[tuple[str, KeyDef]]]] = defaultdict(dict)
        # namespace → files holding a reference into it
        self.referrers: dict[str, set[str]] = defaultdict(set)
        # (namespace, entry path) → [(path, entry)]
        self.entries: dict[tuple[str, tuple[str, ...]], list[tuple[str, Entry]]] = defaultdict(list)
        # Moves on every change, so checks can cache what they derive from the index.
        self.generation = 0
        # namespace → (generation, keys added, keys removed) of its latest key-set changes
        self.key_log: dict[str, deque[tuple[int, frozenset[str], frozenset[str]]]] = {}
        self.hints = KeyHints(self)
        # path → its keys and references checks, until a change affects it (see `_affected_by`)
        self._cross: dict[str, list[Diagnostic]] = {}
        # path → the other files whose kept findings point into it (related information)
        self._related_into: dict[str, set[str]] = defaultdict(set)
        # What features derive from the index (each checks the key log before reuse).
        self.derived: dict[str, dict] = {}
        # Kept up to date definition by definition (see `observe`).
        self.observers: list[KeyObserver] = []
        self._pending: set[str] = set()  # namespaces observers reported during `update`
        self._comparers: dict[tuple, Callable[[KeyDef], bool]] = {}

    # ---- updates -------------------------------------------------------------------------

    def update(self, facts: FileFacts) -> set[str]:
        """Replace one file's facts; return every file whose diagnostics may have changed."""
        old = self.files.get(facts.path)
        affected = {facts.path}
        self.generation += 1
        if old is None:
            self.add(facts)
            self._log_keys((), facts.keys)
            affected |= self._affected_by(facts)
            affected |= self._readers(
                {k.namespace for k in facts.keys}, {e.language for e in facts.embedded}
            )
        else:
            # Only definitions that changed (value or place) concern the files holding the
            # same keys; only a namespace that gained or lost keys concerns its referrers.
            keys = _changed(old.keys, facts.keys, _ident) & self._compared(
                facts, (*old.keys, *facts.keys)
            )
            entries = _changed(old.entries, facts.entries, lambda e: (e.namespace, e.path))
            affected |= self._holders(keys, entries)
            self._pending = set()
            self._remove(old)
            self.add(facts)
            for ns in self._log_keys(old.keys, facts.keys) | self._pending:
                affected |= self.referrers.get(ns, set())
            affected |= self._holders(keys, entries)
            affected |= self._readers(*_read_changes(self.reads, old, facts, keys))
        affected |= self._related_into.pop(facts.path, set())  # what they point at may move
        self._forget_cross(affected)
        return affected

    def update_part(
        self,
        path: str,
        old_keys,
        old_refs,
        new_keys,
        new_refs,
        span: tuple[int, int, int] | None = None,
        old_embedded: Sequence[Embedded] = (),
        new_embedded: Sequence[Embedded] = (),
    ) -> set[str]:
        """Replace one part of a file's facts (an edited item): its key definitions,
        references and embedded values. The file's FileFacts object has already been
        updated by the caller. `span` (start, end, delta): the part was on lines [start,
        end) and later lines moved by delta. Returns every file whose diagnostics may have
        changed."""
        affected = {path}
        self.generation += 1
        for e in new_embedded:
            self.embedders[e.language].add(path)
        languages = (
            {e.language for e in (*old_embedded, *new_embedded)}
            if list(old_embedded) != list(new_embedded)
            else set()
        )
        # The part was edited: its definitions count as changed, whatever their values.
        affected |= self._readers({k.namespace for k in (*old_keys, *new_keys)}, languages)
        keys_changed = self._log_keys(old_keys, new_keys)
        # namespaces whose referrers' findings may change although no key came or went
        keys_changed |= self._notify(path, old_keys, new_keys)
        compares = self._compares(self.files[path])
        defs = self.defs
        for kd in old_keys:
            bucket = defs[kd.namespace]
            lst = bucket.get(kd.key)
            if lst:
                lst[:] = [d for d in lst if d[1] is not kd]
                if not lst:
                    del bucket[kd.key]
        for kd in new_keys:
            defs[kd.namespace].setdefault(kd.key, []).append((path, kd))
        # files defining a key whose definition here changed, if their checks compare them
        changed = _changed(old_keys, new_keys, _ident)
        compared = self._compared(self.files[path], (*old_keys, *new_keys))
        affected |= self._holders(changed & compared, set())
        for ns in keys_changed:
            affected |= self.referrers.get(ns, set())
        # A namespace this file no longer references stays listed: that only costs a re-check.
        for ref in new_refs:
            for ns in ref.namespaces:
                self.referrers[ns].add(path)
        if span is not None and span[2]:
            # Other files' messages name this file's lines ("first in a.yaml:12").
            keys = self.files[path].keys
            for kd in keys[bisect_left(keys, span[1] + span[2], key=_line) :]:
                lst = defs[kd.namespace].get(kd.key)
                if lst and len(lst) > 1 and compares(kd):
                    affected.update(p for p, _ in lst)
        affected |= self._related_into.pop(path, set())  # what they point at may have moved
        self._forget_cross(affected - {path})
        patched = span is not None and not keys_changed
        if not (patched and self._patch_cross(path, new_keys, new_refs, span, changed)):
            self._cross.pop(path, None)
        return affected

    def remove(self, path: str) -> set[str]:
        old = self.files.get(path)
        if old is None:
            return set()
        self.generation += 1
        affected = self._affected_by(old) | self._related_into.pop(path, set())
        affected |= self._readers(
            {k.namespace for k in old.keys}, {e.language for e in old.embedded}
        )
        self._remove(old)
        self._log_keys(old.keys, ())
        affected.discard(path)
        self._forget_cross(affected | {path})
        return affected

    def add(self, facts: FileFacts) -> None:
        """Add a new file's facts without working out what they affect (a batch build)."""
        path = facts.path
        self.files[path] = facts
        if self.observers:
            self._pending |= self._notify(path, (), facts.keys)
        defs = self.defs
        for kd in facts.keys:
            defs[kd.namespace].setdefault(kd.key, []).append((path, kd))
        referrers = self.referrers
        for nss in set(map(_namespaces_of, facts.refs)):  # tuples shared by many references
            for ns in nss:
                referrers[ns].add(path)
        for e in facts.entries:
            self.entries[(e.namespace, e.path)].append((path, e))
        for x in facts.embedded:
            self.embedders[x.language].add(path)

    def _remove(self, facts: FileFacts) -> None:
        path = facts.path
        del self.files[path]
        if self.observers:
            self._pending |= self._notify(path, facts.keys, ())
        for kd in facts.keys:
            bucket = self.defs[kd.namespace]
            lst = bucket.get(kd.key)
            if lst:
                lst[:] = [d for d in lst if d[0] != path]
                if not lst:
                    del bucket[kd.key]
        for ref in facts.refs:
            for ns in ref.namespaces:
                self.referrers[ns].discard(path)
        for e in facts.entries:
            k = (e.namespace, e.path)
            lst = self.entries.get(k)
            if lst:
                lst[:] = [d for d in lst if d[0] != path]
                if not lst:
                    del self.entries[k]
        for x in facts.embedded:
            self.embedders[x.language].discard(path)

    def _readers(self, namespaces: set[str], languages: set[str]) -> set[str]:
        """The files holding values of an embedded language whose checks a change concerns:
        a definition it reads changed (its read generation moves), or values of it did."""
        languages = set(languages)
        if namespaces:
            for language, reads in self.reads.items():
                if not reads.isdisjoint(namespaces):
                    self.read_generation[language] += 1
                    languages.add(language)
        out: set[str] = set()
        for language in languages:
            out |= self.embedders.get(language, set())
        return out

    def _affected_by(self, facts: FileFacts) -> set[str]:
        """Files whose cross-file diagnostics depend on what `facts` defines (a file that is
        added or removed): those holding its keys or entries, and those referring into the
        namespaces of its keys."""
        keys = {(k.namespace, k.key) for k in facts.keys}
        compared = self._compared(facts, facts.keys)
        out = self._holders(keys & compared, {(e.namespace, e.path) for e in facts.entries})
        for ns in {ns for ns, _ in keys}:
            out |= self.referrers.get(ns, set())
        return out

    def _compares(self, facts: FileFacts) -> Callable[[KeyDef], bool]:
        """Whether a check of the file's compares a definition with the key's others."""
        checks = self.checks(facts)
        key = tuple(map(id, checks))
        got = self._comparers.get(key)
        if got is None:
            preds = [c.compares for c in checks]
            if not preds or any(p is None for p in preds):
                got = _always
            else:
                got = lambda kd, preds=preds: any(p(kd) for p in preds)  # noqa: E731
            self._comparers[key] = got
        return got

    def _compared(self, facts: FileFacts, kds) -> set[tuple[str, str]]:
        """The identities of the definitions among `kds` that a check of the file's compares."""
        compares = self._compares(facts)
        if compares is _always:
            return {(k.namespace, k.key) for k in kds}
        return {(k.namespace, k.key) for k in kds if compares(k)}

    # ---- observers -----------------------------------------------------------------------

    def observe(self, observer: KeyObserver) -> None:
        """Tell `observer` of every change of key definitions from now on (it reads the
        definitions so far from `defs` itself)."""
        self.observers.append(observer)

    def _notify(self, path: str, removed, added) -> set[str]:
        out: set[str] = set()
        for o in self.observers:
            out |= o.keys_changed(path, removed, added)
        return out

    def _holders(self, keys: set[tuple[str, str]], entries: set[tuple[str, tuple]]) -> set[str]:
        """Files that define one of these keys or set one of these entries."""
        out: set[str] = set()
        for ns, key in keys:
            out.update(p for p, _ in self.defs.get(ns, {}).get(key, ()))
        for k in entries:
            out.update(p for p, _ in self.entries.get(k, ()))
        return out

    def _log_keys(self, old_keys, new_keys) -> set[str]:
        """Record which keys one change added and removed, per namespace; returns the
        namespaces whose keys changed. A key still defined in another file counts as removed
        too: the log only has to over-report."""
        old: dict[str, set[str]] = defaultdict(set)
        new: dict[str, set[str]] = defaultdict(set)
        for kd in old_keys:
            old[kd.namespace].add(kd.key)
        for kd in new_keys:
            new[kd.namespace].add(kd.key)
        changed: set[str] = set()
        for ns in old.keys() | new.keys():
            o, n = old.get(ns, set()), new.get(ns, set())
            if o != n:
                log = self.key_log.get(ns)
                if log is None:
                    log = self.key_log[ns] = deque(maxlen=KEY_LOG_LIMIT)
                log.append((self.generation, frozenset(n - o), frozenset(o - n)))
                changed.add(ns)
        return changed

    def key_changes_since(
        self, namespace: str, generation: int
    ) -> list[tuple[frozenset[str], frozenset[str]]] | None:
        """(added, removed) keys of each change to `namespace` after `generation`; None when
        the log no longer reaches back that far."""
        log = self.key_log.get(namespace)
        if not log:
            return []
        if len(log) == log.maxlen and log[0][0] > generation:
            return None
        changes = []
        for g, added, removed in reversed(log):
            if g <= generation:
                break
            changes.append((added, removed))
        return changes

    def _noting_related(self, path: str, found: list[Diagnostic]) -> list[Diagnostic]:
        """Kept findings: note the other files they point into."""
        for d in found:
            for r in d.related or ():
                if r.path != path:
                    self._related_into[r.path].add(path)
        return found

    def _forget_cross(self, paths: set[str]) -> None:
        for p in paths:
            self._cross.pop(p, None)

    def _patch_cross(
        self, path: str, new_keys, new_refs, span: tuple[int, int, int], changed: set
    ) -> bool:
        """Bring `path`'s kept checks up to date after an edit of one part that added or
        removed no key: drop the part's old results, move later ones, check the new part.
        False when other parts of the file depend on this one (a key whose definition
        changed here, that a check compares, defined in both)."""
        cached = self._cross.get(path)
        if cached is None:
            return False
        start, end, delta = span
        compares = self._compares(self.files[path])
        for kd in new_keys:
            if (kd.namespace, kd.key) not in changed or not compares(kd):
                continue
            for p, other in self.defs[kd.namespace].get(kd.key, ()):
                if p == path and not any(other is k for k in new_keys):
                    return False
        kept = []
        for d in cached:
            line = d.range[0]
            if d.related and any(
                r.path == path and start <= r.range[0] and (delta or r.range[0] < end)
                for r in d.related
            ):
                return False  # it points into the edited part (or past it, moved)
            if line < start:
                kept.append(d)
            elif line >= end:
                if delta:
                    if d.related:
                        return False  # its message may name a line of this file
                    d = replace(d, range=(line + delta, d.range[1], d.range[2] + delta, d.range[3]))
                kept.append(d)
        facts = self.files[path]
        part = _Part(path, new_keys, new_refs, facts.kind, facts.namespaces)
        for check in self.checks(facts):
            if check.kept:
                kept.extend(self._noting_related(path, check.run(self, part)))
        self._cross[path] = kept
        return True

    # ---- queries -------------------------------------------------------------------------

    def keys_of(self, namespace: str) -> dict[str, list[tuple[str, KeyDef]]]:
        return self.defs.get(namespace, {})

    def is_defined(self, namespaces: tuple[str, ...], key: str) -> bool:
        return any(key in self.defs.get(ns, ()) for ns in namespaces)

    def cross_diagnostics(self, path: str) -> list[Diagnostic]:
        facts = self.files.get(path)
        if facts is None:
            return []
        checks = self.checks(facts)
        cached = self._cross.get(path)
        if cached is None:
            found = [d for c in checks if c.kept for d in c.run(self, facts)]
            cached = self._cross[path] = self._noting_related(path, found)
        out = list(cached)
        for c in checks:  # not kept: they read more than key definitions (disk, all files)
            if not c.kept:
                out.extend(c.run(self, facts))
        return out

    def diagnostics(self, path: str) -> list[Diagnostic]:
        facts = self.files.get(path)
        if facts is None:
            return []
        out = [*facts.diagnostics, *self.cross_diagnostics(path)]
        out.sort(key=Diagnostic.sort_key)
        return out


@dataclass(slots=True)
class _Part:
    """The facts of one edited part of a file, as the checks read them."""

    path: str
    keys: list[KeyDef]
    refs: list
    kind: str = ""
    namespaces: dict = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    file_refs: list = field(default_factory=list)


def _read_changes(
    reads: Mapping[str, frozenset[str]], old: FileFacts, new: FileFacts, keys: set
) -> tuple[set[str], set[str]]:
    """What a whole-file update changed for the embedded languages: the namespaces whose
    definitions changed (a row's references, such as a role's privileges, count as part of
    its definition) and the languages whose values changed."""
    namespaces = {ns for ns, _key in keys}
    if reads:
        watched = frozenset().union(*reads.values())
        defined = {k.namespace for k in (*old.keys, *new.keys)} & watched
        if defined and old.refs != new.refs:
            namespaces |= defined
    languages: set[str] = set()
    if old.embedded != new.embedded:
        languages = {e.language for e in (*old.embedded, *new.embedded)}
    return namespaces, languages


def _line(x) -> int:
    return x.range[0]


def _ident(k: KeyDef) -> tuple[str, str]:
    return (k.namespace, k.key)


def _always(_kd: KeyDef) -> bool:
    return True


class KeyObserver(Protocol):
    """Something derived from the key definitions and kept current one change at a time."""

    def keys_changed(
        self, path: str, removed: Sequence[KeyDef], added: Sequence[KeyDef]
    ) -> set[str]:
        """`removed` left the index and `added` came in, for file `path`. Returns the
        namespaces whose referrers' findings may have changed although no key came or went
        (a name that only a creating cell gave is now defined by a row, say)."""


def _changed(old: list, new: list, ident) -> set:
    """The identities (namespace and key, or entry path) whose definitions differ between
    two lists: added, removed, moved or with another value."""
    before: dict = defaultdict(list)
    after: dict = defaultdict(list)
    for x in old:
        before[ident(x)].append((x.range, x.value))
    for x in new:
        after[ident(x)].append((x.range, x.value))
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
