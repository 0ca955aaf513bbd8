"""Names and uuids that exist on the server without being defined in the configuration:
what openmrs-core and the installed modules create (the module data pack,
schemas/modules, docs/module-data.md), and what `bundle-ls.yaml` `known:` lists.

A reference resolves against them as against a row of the repository. Near-miss
candidates ("did you mean") are the names of core, of the modules assumed installed and
of `known:`; a name that *any* module of the pack creates is never reported (the set of
installed modules may be incomplete, and a module's name is no typo).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bundle_ls.dialects.moduledata import module_data_dir

CORE = "openmrs-core"

# domain → folded name or uuid → (display name, module ids that create it)
PackIndex = dict[str, dict[str, tuple[str, frozenset[str]]]]


def fold(text: str) -> str:
    """As MySQL's `*_general_ci` collations compare: no case, no accents, trimmed."""
    text = text.strip().lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _entries(text: str) -> tuple[str | None, list[tuple[str, str, str]]]:
    """(module id, [(domain, "name" | "uuid", value)]) of one data pack file, read from the
    YAML parser's events: the pack is read on every check, and building its objects costs
    five times as much."""
    module = None
    out: list[tuple[str, str, str]] = []
    stack: list[list] = []  # open collections: [is mapping, current key, awaiting a key]
    under: list[str | None] = []  # the key each open collection is the value of
    from ruamel.yaml import YAML  # a data pack is rare: not imported at start-up
    from ruamel.yaml.events import (
        CollectionEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceStartEvent,
    )

    for ev in YAML(typ="safe").parse(text):
        if isinstance(ev, (MappingStartEvent, SequenceStartEvent)):
            under.append(stack[-1][1] if stack and stack[-1][0] else None)
            stack.append([isinstance(ev, MappingStartEvent), None, True])
        elif isinstance(ev, CollectionEndEvent):
            stack.pop()
            under.pop()
            if stack and stack[-1][0]:
                stack[-1][2] = True
        elif isinstance(ev, ScalarEvent) and stack:
            top = stack[-1]
            if top[0] and top[2]:
                top[1], top[2] = ev.value, False
                continue
            if len(stack) == 1 and top[1] == "module":
                module = ev.value
            elif len(stack) == 4 and under[1] == "domains" and top[1] in ("name", "uuid"):
                out.append((str(under[2]), top[1], ev.value))
            if top[0]:
                top[2] = True
    return module, out


@lru_cache(maxsize=4)
def pack_index(folder: Path | None = None) -> PackIndex:
    """Every name and uuid of the data pack, per domain, with the modules that create it."""
    folder = folder if folder is not None else module_data_dir()
    found: dict[str, dict[str, tuple[str, set[str]]]] = {}
    for path in sorted(folder.glob("*.yaml")):
        module, entries = _entries(path.read_text(encoding="utf-8"))
        module = module or path.stem
        for domain, _kind, value in entries:
            slot = found.setdefault(domain, {}).setdefault(fold(value), (value, set()))
            slot[1].add(module)
    return {
        d: {k: (name, frozenset(mods)) for k, (name, mods) in names.items()}
        for d, names in found.items()
    }


@dataclass(slots=True)
class KnownNames:
    """What exists on the server for one project: core's, the installed modules' and
    `known:` names, per Initializer domain."""

    modules: frozenset[str]  # data pack ids of the modules assumed installed
    extra: Mapping[str, Iterable[str]] = field(default_factory=dict)  # bundle-ls.yaml known:
    folder: Path | None = None  # the data pack (default: the built-in one)
    _extra: dict[str, dict[str, str]] | None = None
    _candidates: dict[str, list[str]] = field(default_factory=dict)

    def _extra_folded(self) -> dict[str, dict[str, str]]:
        if self._extra is None:
            self._extra = {d: {fold(n): n for n in names} for d, names in self.extra.items()}
        return self._extra

    def defines(self, domain: str, value: str) -> bool:
        """Whether a name or uuid of `domain` exists without the configuration: created by
        core or by any module of the pack (installed or not), or listed in `known:`."""
        key = fold(value)
        return key in pack_index(self.folder).get(domain, {}) or key in self._extra_folded().get(
            domain, {}
        )

    def creator(self, domain: str, value: str) -> str | None:
        """Who creates it: `openmrs-core`, a module id, or `bundle-ls.yaml known:`."""
        key = fold(value)
        hit = pack_index(self.folder).get(domain, {}).get(key)
        if hit is not None:
            mods = hit[1]
            return CORE if CORE in mods else ", ".join(sorted(mods))
        return "bundle-ls.yaml known:" if key in self._extra_folded().get(domain, {}) else None

    def candidates(self, domain: str) -> list[str]:
        """Names a typo is compared with: core's, the installed modules' and `known:`."""
        got = self._candidates.get(domain)
        if got is None:
            wanted = self.modules | {CORE}
            got = [
                name
                for key, (name, mods) in pack_index(self.folder).get(domain, {}).items()
                if mods & wanted and not _uuidish(key)
            ]
            got.extend(self._extra_folded().get(domain, {}).values())
            self._candidates[domain] = got = sorted(set(got))
        return got


def _uuidish(key: str) -> bool:
    return len(key) == 36 and key.count("-") == 4


def core_names(domain: str) -> list[str]:
    """openmrs-core's names of a domain (completion without a project)."""
    return KnownNames(frozenset()).candidates(domain)
