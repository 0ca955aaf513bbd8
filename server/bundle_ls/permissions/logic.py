"""What a condition means: satisfiability over its atoms, and evaluation for one user.

The model (docs/permission-rules.md, "What the checks assume"):

- A user holds any set of roles; a role brings every role it inherits (transitively) and
  every privilege those roles list. The user may also hold roles the configuration does
  not describe (core, module or database roles, such as System Developer), so a
  privilege may hold without any described role — but a described role always brings its
  privileges.
- The session location is one described location, or one the configuration does not
  describe (or none). At a described location, `location(L)` holds exactly for L and the
  locations above it, and `tag(T)` exactly for the tags the location carries. At an
  undescribed location no `location(…)` holds and any tag may.

Satisfiability is decided over the distinct atoms of the formula: each assignment of
true/false to them is one bit position of a Python integer (2^k positions for k atoms),
so the formula and every constraint are evaluated for all assignments at once with
bitwise operations. That is exact and takes time proportional to 2^k / 64 word
operations per connective; `MAX_ATOMS` (20, a 128 KiB integer) bounds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..initializer.cross import fold
from .expr import And, Atom, Const, Expr, Not, Or, atoms
from .world import WorldIndex

MAX_ATOMS = 20

# An atom's identity: (function, entity) — roles and locations by entity number,
# privileges and tags by identity string (`WorldIndex.privilege_id` / `tag_id`). A name
# that resolves to nothing is ("role?", folded name) and constrained by nothing.
AtomKey = tuple[str, object]


def atom_key(index: WorldIndex, a: Atom) -> AtomKey:
    memo = index.atom_keys
    got = memo.get((a.func, a.name))
    if got is None:
        got = memo[(a.func, a.name)] = _atom_key(index, a)
    return got


def _atom_key(index: WorldIndex, a: Atom) -> AtomKey:
    if a.func == "privilege":
        return ("privilege", index.privilege_id(a.name))
    if a.func == "tag":
        return ("tag", index.tag_id(a.name))
    ident = index.resolve(a.func, a.name)
    if ident is None:
        return (a.func + "?", fold(a.name))
    return (a.func, ident)


@lru_cache(maxsize=MAX_ATOMS + 1)
def _masks(k: int) -> tuple[int, tuple[int, ...]]:
    """For k atoms: the all-assignments mask and, per atom, the assignments where it holds
    (assignment number `a` gives atom i the value of bit i of `a`)."""
    n = 1 << k
    full = (1 << n) - 1
    out = []
    for i in range(k):
        width = 1 << i
        block = ((1 << width) - 1) << width  # `width` zeros, then `width` ones
        period = width << 1
        m = block
        while period < n:
            m |= m << period
            period <<= 1
        out.append(m)
    return full, tuple(out)


class _Space:
    """The assignments of a set of atoms, and those the world allows."""

    def __init__(self, index: WorldIndex, keys: Sequence[AtomKey]) -> None:
        self.index = index
        self.keys = list(keys)
        self.pos = {k: i for i, k in enumerate(self.keys)}
        self.full, self.masks = _masks(len(self.keys))
        self.valid = self._roles() & self._locations()

    def mask(self, key: AtomKey) -> int:
        return self.masks[self.pos[key]]

    def _roles(self) -> int:
        valid = self.full
        full = self.full
        roles = [k for k in self.keys if k[0] == "role"]
        privileges = [k for k in self.keys if k[0] == "privilege"]
        for r in roles:
            m = self.mask(r)
            implied = self.index.role_closure(r[1])  # type: ignore[arg-type]
            for other in roles:
                if other != r and other[1] in implied:
                    valid &= (full ^ m) | self.mask(other)
            if privileges:
                held = self.index.role_privileges(r[1])  # type: ignore[arg-type]
                for p in privileges:
                    if p[1] in held:
                        valid &= (full ^ m) | self.mask(p)
        return valid

    def _locations(self) -> int:
        locs = [k for k in self.keys if k[0] == "location"]
        tags = [k for k in self.keys if k[0] == "tag"]
        if not locs and not tags:
            return self.full
        full = self.full
        index = self.index
        # An undescribed session location: no location atom holds, tags are free.
        nowhere = full
        for k in locs:
            nowhere &= full ^ self.mask(k)
        # Each described location that makes one of these atoms true gives one profile;
        # every other described location gives the all-false profile, which `nowhere`
        # already allows.
        relevant: set[int] = set()
        for k in locs:
            relevant.update(index.locations_under.get(k[1], ()))  # type: ignore[call-overload]
        for k in tags:
            relevant.update(index.locations_with_tag.get(k[1], ()))  # type: ignore[call-overload]
        profiles = set()
        ancestors = index.location_ancestors
        carried = index.location_tags
        for loc in relevant:
            profiles.add(
                (
                    tuple(k[1] in ancestors[loc] for k in locs),
                    tuple(k[1] in carried[loc] for k in tags),
                )
            )
        allowed = nowhere
        for in_locs, with_tags in profiles:
            m = full
            for k, v in zip(locs, in_locs, strict=True):
                m &= self.mask(k) if v else full ^ self.mask(k)
            for k, v in zip(tags, with_tags, strict=True):
                m &= self.mask(k) if v else full ^ self.mask(k)
            allowed |= m
        return allowed

    def formula(self, e: Expr, keys: Callable[[Atom], AtomKey]) -> int:
        if isinstance(e, Atom):
            return self.mask(keys(e))
        if isinstance(e, Const):
            return self.full if e.value else 0
        if isinstance(e, Not):
            return self.full ^ self.formula(e.operand, keys)
        if isinstance(e, And):
            m = self.full
            for o in e.operands:
                m &= self.formula(o, keys)
                if not m:
                    break
            return m
        m = 0
        for o in e.operands:  # Or
            m |= self.formula(o, keys)
        return m


Verdict = Literal["never", "always", "sometimes", "limit"]


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    atoms: int  # distinct atoms of the condition


def _keys_of(index: WorldIndex, exprs: Iterable[Expr]) -> tuple[list[AtomKey], dict]:
    memo: dict[Atom, AtomKey] = {}
    order: dict[AtomKey, None] = {}
    for e in exprs:
        for a in atoms(e):
            k = memo.get(a)
            if k is None:
                k = memo[a] = atom_key(index, a)
            order.setdefault(k, None)
    return list(order), memo


def judge(index: WorldIndex, e: Expr) -> Judgement:
    """Whether a condition can hold, always holds, or neither, in the world's model."""
    keys, memo = _keys_of(index, [e])
    if len(keys) > MAX_ATOMS:
        return Judgement("limit", len(keys))
    space = _Space(index, keys)
    f = space.formula(e, memo.__getitem__)
    valid = space.valid
    if not f & valid:
        return Judgement("never", len(keys))
    if f & valid == valid:
        return Judgement("always", len(keys))
    return Judgement("sometimes", len(keys))


def covers(index: WorldIndex, e: Expr, privilege: str, others: Sequence[Expr]) -> bool | None:
    """Whether every situation where `e` holds also gives `privilege` (an identity) through
    the user's roles or through one of `others`. None when that is too large to decide."""
    key: AtomKey = ("privilege", privilege)
    keys, memo = _keys_of(index, [e, *others])
    if key not in keys:
        keys.append(key)
    if len(keys) > MAX_ATOMS:
        return None
    space = _Space(index, keys)
    get = memo.__getitem__
    uncovered = space.formula(e, get) & space.valid & (space.full ^ space.mask(key))
    for o in others:
        if not uncovered:
            break
        uncovered &= space.full ^ space.formula(o, get)
    return not uncovered


# ---- one user, one place ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Situation:
    """A user's roles (closed under inheritance), the privileges those roles hold, and the
    session location: a described one, or None (none, or one the configuration does not
    describe, carrying `tags`)."""

    roles: frozenset[int]
    privileges: frozenset[str]
    location: int | None
    tags: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        index: WorldIndex,
        roles: Iterable[int],
        location: int | None,
        tags: Iterable[str] = (),
    ) -> Situation:
        closure = index.roles_closure(roles)
        privileges: set[str] = set()
        for r in closure:
            privileges |= index.role_privileges(r)
        carried = index.location_tags[location] if location is not None else frozenset(tags)
        return cls(closure, frozenset(privileges), location, frozenset(carried))


def truth(index: WorldIndex, s: Situation) -> Callable[[Atom], bool]:
    """The value of each atom for one user at one place."""
    above = index.location_ancestors[s.location] if s.location is not None else frozenset()

    def value(a: Atom) -> bool:
        kind, ident = atom_key(index, a)
        if kind == "role":
            return ident in s.roles
        if kind == "privilege":
            return ident in s.privileges
        if kind == "location":
            return ident in above
        if kind == "tag":
            return ident in s.tags
        return False  # an unresolved name holds nowhere

    return value


def holds(e: Expr, value: Callable[[Atom], bool]) -> bool:
    if isinstance(e, Atom):
        return value(e)
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Not):
        return not holds(e.operand, value)
    if isinstance(e, And):
        return all(holds(o, value) for o in e.operands)
    return any(holds(o, value) for o in e.operands)


def because(e: Expr, value: Callable[[Atom], bool]) -> list[tuple[Atom, bool]]:
    """The atoms (with their values) that make `e` come out as it does: all of a true
    conjunction, the first true disjunct, the first false conjunct of a false one …"""
    want = holds(e, value)
    out: list[tuple[Atom, bool]] = []

    def walk(n: Expr, target: bool) -> None:
        if isinstance(n, Atom):
            out.append((n, target))
        elif isinstance(n, Not):
            walk(n.operand, not target)
        elif isinstance(n, (And, Or)):
            every = isinstance(n, And) == target  # true `and`, false `or`: all of them
            if every:
                for o in n.operands:
                    walk(o, target)
            else:
                o = next(o for o in n.operands if holds(o, value) == target)
                walk(o, target)

    walk(e, want)
    return out


def atom_text(a: Atom, value: bool = True) -> str:
    name = a.name if not a.quote else f"{a.quote}{a.name}{a.quote}"
    text = f"{a.func}({name})"
    return text if value else f"not {text}"
