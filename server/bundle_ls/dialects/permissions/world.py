"""The world a permission rule speaks about, as plain data: roles, privileges, location
tags, locations and the rules themselves, with names compared as Initializer compares them.

A `World` is built by the caller from whatever defines these things (YAML keys, Initializer
CSVs, tags a locations `Tags` cell creates, the metadata installed modules create); this
package never reads files. `WorldIndex` is what the checks and editor features use: folded
name lookups, role inheritance and privileges closed transitively, each location's
ancestors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from bundle_ls.dialects.permissions.expr import Func, ParsedExpr
from bundle_ls.dialects.permissions.names import fold
from bundle_ls.documents.suggest import KeyPool

Range = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a name is defined, for hover and go to definition. `what` says it in words:
    "roles key", "Initializer roles/roles.csv", "created by a locations Tags cell",
    "created by the installed module 'appointments'"."""

    what: str
    path: str | None = None
    range: Range | None = None


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    inherits: tuple[str, ...] = ()  # role names (or aliases)
    privileges: tuple[str, ...] = ()  # privilege names (or aliases)
    aliases: tuple[str, ...] = ()  # other identifiers: an Initializer uuid
    description: str | None = None
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class Privilege:
    name: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class LocationTag:
    name: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    parent: str | None = None  # a location name (or alias)
    tags: tuple[str, ...] = ()  # location tag names (or aliases)
    aliases: tuple[str, ...] = ()
    description: str | None = None
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One permission rule: who (`when`) gets which privileges (`grant`)."""

    key: str
    grant: tuple[str, ...]
    when: ParsedExpr
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class World:
    roles: tuple[Role, ...] = ()
    privileges: tuple[Privilege, ...] = ()
    tags: tuple[LocationTag, ...] = ()
    locations: tuple[Location, ...] = ()
    rules: tuple[Rule, ...] = ()


Entity = Role | Privilege | LocationTag | Location
KIND_WORDS: dict[Func, str] = {
    "role": "role",
    "privilege": "privilege",
    "tag": "location tag",
    "location": "location",
}


def _ids(e: Entity) -> Iterable[str]:
    yield e.name
    yield from e.aliases


@dataclass(slots=True)
class _Table:
    """One kind of name: the entities (several definitions of one folded name merge into
    one entity) and a lookup from every folded identifier."""

    entities: list[list[Entity]] = field(default_factory=list)  # each: its definitions
    by_fold: dict[str, int] = field(default_factory=dict)

    def add(self, e: Entity) -> None:
        ids = [fold(i) for i in _ids(e) if i and i.strip()]
        known = next((self.by_fold[i] for i in ids if i in self.by_fold), None)
        if known is None:
            known = len(self.entities)
            self.entities.append([])
        self.entities[known].append(e)
        for i in ids:
            self.by_fold.setdefault(i, known)

    def find(self, name: str) -> int | None:
        return self.by_fold.get(fold(name))

    def name(self, ident: int) -> str:
        return self.entities[ident][0].name


class WorldIndex:
    """Lookups and closures over a `World`; build once per world, share between checks."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.tables: dict[Func, _Table] = {k: _Table() for k in KIND_WORDS}
        for kind, items in (
            ("role", world.roles),
            ("privilege", world.privileges),
            ("tag", world.tags),
            ("location", world.locations),
        ):
            for e in items:
                self.tables[kind].add(e)  # type: ignore[index]
        self._role_closure: dict[int, frozenset[int]] = {}
        # (function, name) → the atom's identity, filled by `logic.atom_key`
        self.atom_keys: dict[tuple[str, str], tuple[str, object]] = {}
        # (location atoms, tag atoms) → the profiles they take, filled by `logic`
        self.profiles: dict[tuple, frozenset] = {}
        # id(condition) → (condition, its atom nodes with their identities), by `logic`
        self.expr_atoms: dict[int, tuple[object, tuple]] = {}
        # id(condition) → (condition, its verdict) and (condition, its compiled form)
        self.verdicts: dict[int, tuple[object, str]] = {}
        self.compiled: dict[int, tuple[object, object]] = {}
        # id(condition) → (condition, the space of its atoms and where it holds)
        self.spaces: dict[int, tuple[object, object]] = {}

    # ---- names ---------------------------------------------------------------------------

    def resolve(self, func: Func, name: str) -> int | None:
        """The entity a name refers to (case, accents and surrounding spaces aside)."""
        return self.tables[func].find(name)

    def name(self, func: Func, ident: int) -> str:
        return self.tables[func].name(ident)

    def names(self, func: Func) -> list[str]:
        """Every entity's primary name, in definition order."""
        return [d[0].name for d in self.tables[func].entities]

    def definitions(self, func: Func, ident: int) -> list[Entity]:
        return list(self.tables[func].entities[ident])

    @cached_property
    def _pools(self) -> dict[Func, KeyPool]:
        out: dict[Func, KeyPool] = {}
        for func, table in self.tables.items():
            out[func] = KeyPool([i for d in table.entities for e in d for i in _ids(e) if i])
        return out

    def did_you_mean(self, func: Func, name: str) -> list[str]:
        return self._pools[func].did_you_mean(name)

    # ---- roles ---------------------------------------------------------------------------

    def role_closure(self, role: int) -> frozenset[int]:
        """The role and every role it inherits, transitively (cycles are harmless)."""
        got = self._role_closure.get(role)
        if got is None:
            seen = {role}
            todo = [role]
            table = self.tables["role"]
            while todo:
                r = todo.pop()
                for d in table.entities[r]:
                    for parent in d.inherits:  # type: ignore[union-attr]
                        p = table.find(parent)
                        if p is not None and p not in seen:
                            seen.add(p)
                            todo.append(p)
            got = self._role_closure[role] = frozenset(seen)
        return got

    def roles_closure(self, roles: Iterable[int]) -> frozenset[int]:
        out: set[int] = set()
        for r in roles:
            out |= self.role_closure(r)
        return frozenset(out)

    @cached_property
    def _direct_privileges(self) -> list[frozenset[str]]:
        """Per role: the folded privilege identifiers its definitions list."""
        out = []
        for defs in self.tables["role"].entities:
            out.append(frozenset(self.privilege_id(p) for d in defs for p in d.privileges))  # type: ignore[union-attr]
        return out

    def privilege_id(self, name: str) -> str:
        """A privilege's identity: its entity when defined, else its folded name (a role
        may list a privilege defined elsewhere, such as OpenMRS core)."""
        p = self.tables["privilege"].find(name)
        return f"#{p}" if p is not None else fold(name)

    def privilege_name(self, identity: str) -> str:
        """The name to show for a privilege identity."""
        if identity.startswith("#"):
            return self.name("privilege", int(identity[1:]))
        for defs in self.tables["role"].entities:
            for d in defs:
                for p in d.privileges:  # type: ignore[union-attr]
                    if fold(p) == identity:
                        return p
        return identity

    def role_privileges(self, role: int) -> frozenset[str]:
        """Privilege identities a role holds, itself or through the roles it inherits."""
        out: set[str] = set()
        direct = self._direct_privileges
        for r in self.role_closure(role):
            out |= direct[r]
        return frozenset(out)

    def privilege_source(self, roles: Iterable[int], privilege: str) -> tuple[int, int] | None:
        """(role held, role that lists the privilege) for the first held role that gives
        `privilege` (an identity), or None."""
        direct = self._direct_privileges
        for r in roles:
            for via in sorted(self.role_closure(r), key=lambda x: (x != r, x)):
                if privilege in direct[via]:
                    return r, via
        return None

    # ---- locations -----------------------------------------------------------------------

    @cached_property
    def location_ancestors(self) -> list[frozenset[int]]:
        """Per location: itself and every location above it (a cycle stops the climb)."""
        table = self.tables["location"]
        out = []
        for i in range(len(table.entities)):
            seen = [i]
            cur = i
            while True:
                parent = next(
                    (d.parent for d in table.entities[cur] if d.parent),  # type: ignore[union-attr]
                    None,
                )
                p = table.find(parent) if parent else None
                if p is None or p in seen:
                    break
                seen.append(p)
                cur = p
            out.append(frozenset(seen))
        return out

    @cached_property
    def location_tags(self) -> list[frozenset[str]]:
        """Per location: the identities of the tags it carries (a defined tag's entity, or
        the folded name of one no definition knows)."""
        out = []
        for defs in self.tables["location"].entities:
            out.append(frozenset(self.tag_id(t) for d in defs for t in d.tags))  # type: ignore[union-attr]
        return out

    def tag_id(self, name: str) -> str:
        t = self.tables["tag"].find(name)
        return f"#{t}" if t is not None else fold(name)

    @cached_property
    def locations_with_tag(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for loc, tags in enumerate(self.location_tags):
            for t in tags:
                out.setdefault(t, []).append(loc)
        return out

    @cached_property
    def locations_under(self) -> dict[int, list[int]]:
        """Per location: the locations at or under it."""
        out: dict[int, list[int]] = {}
        for loc, ancestors in enumerate(self.location_ancestors):
            for a in ancestors:
                out.setdefault(a, []).append(loc)
        return out

    @cached_property
    def locations_under_set(self) -> dict[int, frozenset[int]]:
        return {k: frozenset(v) for k, v in self.locations_under.items()}

    @cached_property
    def locations_with_tag_set(self) -> dict[str, frozenset[int]]:
        return {k: frozenset(v) for k, v in self.locations_with_tag.items()}

    def location_count(self) -> int:
        return len(self.tables["location"].entities)
