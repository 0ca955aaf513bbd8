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

from bundle_ls.dialects.permissions.expr import And, Atom, Const, Expr, Not, Or, atoms
from bundle_ls.dialects.permissions.names import fold
from bundle_ls.dialects.permissions.world import WorldIndex

MAX_ATOMS = 20
_CACHE_LIMIT = 100_000

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
        if not locs:
            # Without a location atom every combination of tags is possible: at a location
            # the configuration does not describe, any tags may be carried.
            return self.full
        tags = [k for k in self.keys if k[0] == "tag"]
        full = self.full
        # An undescribed session location: no location atom holds, tags are free.
        allowed = full
        for k in locs:
            allowed &= full ^ self.mask(k)
        for in_locs, with_tags in location_profiles(
            self.index,
            tuple(k[1] for k in locs),
            tuple(k[1] for k in tags),  # type: ignore[misc]
        ):
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


def location_profiles(
    index: WorldIndex, locs: tuple[int, ...], tags: tuple[str, ...]
) -> frozenset[tuple[tuple[bool, ...], tuple[bool, ...]]]:
    """The values the location and tag atoms take at the described locations under one of
    `locs` (at any other place no location atom holds, and the undescribed location
    already allows every tag combination with that)."""
    memo = index.profiles
    got = memo.get((locs, tags))
    if got is None:
        relevant: set[int] = set()
        for loc in locs:
            relevant.update(index.locations_under.get(loc, ()))
        ancestors = index.location_ancestors
        carried = index.location_tags
        got = frozenset(
            (tuple(k in ancestors[at] for k in locs), tuple(t in carried[at] for t in tags))
            for at in relevant
        )
        memo[(locs, tags)] = got
    return got


Verdict = Literal["never", "always", "sometimes", "limit"]


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    atoms: int  # distinct atoms of the condition


def _keys_of(index: WorldIndex, exprs: Iterable[Expr]) -> tuple[list[AtomKey], dict]:
    """The distinct atoms of some conditions, and each atom node's identity."""
    memo: dict[Atom, AtomKey] = {}
    order: dict[AtomKey, None] = {}
    cache = index.expr_atoms
    for e in exprs:
        got = cache.get(id(e))
        if got is None or got[0] is not e:
            if len(cache) >= _CACHE_LIMIT:  # an editing session makes new conditions forever
                cache.clear()
            got = cache[id(e)] = (e, [(a, atom_key(index, a)) for a in atoms(e)])
        for a, k in got[1]:
            memo[a] = k
            order.setdefault(k, None)
    return list(order), memo


def judge(index: WorldIndex, e: Expr) -> Judgement:
    """Whether a condition can hold, always holds, or neither, in the world's model."""
    return judge_all(index, (e,), "and")


def judge_all(index: WorldIndex, exprs: Sequence[Expr], combine: Literal["and", "or"]) -> Judgement:
    """`judge` of the conjunction or disjunction of several conditions."""
    keys, memo = _keys_of(index, exprs)
    if len(keys) > MAX_ATOMS:
        return Judgement("limit", len(keys))
    space = _Space(index, keys)
    get = memo.__getitem__
    if combine == "and":
        f = space.full
        for e in exprs:
            f &= space.formula(e, get)
    else:
        f = 0
        for e in exprs:
            f |= space.formula(e, get)
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


_WITNESS_TRIES = 8


def _uncovered_somewhere(
    index: WorldIndex, e: Expr, privilege: str, others: Sequence[Expr]
) -> tuple[bool, set[int]]:
    """A quick search for a user and place where `e` holds, `privilege` does not come
    from the roles, and none of `others` holds: built from assignments of `e`'s own atoms
    with nothing else assumed (no further role, no extra privilege, an undescribed place
    when no location atom holds). Returns whether one was found (that settles "not
    covered"), and which of `others` failed to hold in at least one of the places tried
    (each of those cannot cover `e` alone)."""
    key: AtomKey = ("privilege", privilege)
    keys, memo = _keys_of(index, [e])
    if key not in keys:
        keys.append(key)
    refuted: set[int] = set()
    if len(keys) > MAX_ATOMS:
        return False, refuted
    space = _Space(index, keys)
    m = space.formula(e, memo.__getitem__) & space.valid & (space.full ^ space.mask(key))
    for _ in range(_WITNESS_TRIES):
        if not m:
            break
        low = m & -m
        m ^= low
        s = _situation_of(index, keys, low.bit_length() - 1)
        if s is None:
            continue
        value = truth(index, s)
        holding = False
        for i, o in enumerate(others):
            if holds(o, value):
                holding = True
            else:
                refuted.add(i)
        if not holding:
            return True, refuted
    return False, refuted


def _situation_of(index: WorldIndex, keys: Sequence[AtomKey], assignment: int) -> Situation | None:
    """The least situation giving these atoms these values (bit i of `assignment` for
    atom i), or None when no described location has the location and tag values."""
    on = [k for i, k in enumerate(keys) if assignment >> i & 1]
    roles = [k[1] for k in on if k[0] == "role"]
    closure = index.roles_closure(roles)  # type: ignore[arg-type]
    privileges: set[str] = {k[1] for k in on if k[0] == "privilege"}  # type: ignore[misc]
    for r in closure:
        privileges |= index.role_privileges(r)
    locs = [k for k in keys if k[0] == "location"]
    tags_on = frozenset(k[1] for k in on if k[0] == "tag")  # type: ignore[misc]
    if not any(k in on for k in locs):
        return Situation(closure, frozenset(privileges), None, tags_on)  # type: ignore[arg-type]
    want = {k[1] for k in locs if k in on}
    tag_keys = [k for k in keys if k[0] == "tag"]
    for at in index.locations_under.get(next(iter(want)), ()):  # type: ignore[call-overload]
        above = index.location_ancestors[at]
        carried = index.location_tags[at]
        if all((k[1] in above) == (k[1] in want) for k in locs) and all(
            (k[1] in carried) == (k[1] in tags_on) for k in tag_keys
        ):
            return Situation(closure, frozenset(privileges), at, carried)  # type: ignore[arg-type]
    return None


def atom_keys(index: WorldIndex, e: Expr) -> frozenset[AtomKey]:
    return frozenset(_keys_of(index, (e,))[0])


def linked(index: WorldIndex, a: frozenset[AtomKey], b: frozenset[AtomKey]) -> bool:
    """Whether the world relates some atom of `a` to some atom of `b`: the same atom, a
    role and a role it includes or a privilege it holds, or a location atom on one side
    and a location or tag atom on the other (a tag alone is free: an undescribed location
    may carry any). Atoms not linked, directly or through others, are independent."""
    if not a.isdisjoint(b):
        return True
    a_loc = any(k[0] == "location" for k in a)
    b_loc = any(k[0] == "location" for k in b)
    if (a_loc and any(k[0] in ("location", "tag") for k in b)) or (
        b_loc and any(k[0] == "tag" for k in a)
    ):
        return True
    for x, y in ((a, b), (b, a)):
        for k in x:
            if k[0] != "role":
                continue
            closure = index.role_closure(k[1])  # type: ignore[arg-type]
            held = None
            for o in y:
                if o[0] == "role" and (
                    o[1] in closure or k[1] in index.role_closure(o[1])  # type: ignore[arg-type]
                ):
                    return True
                if o[0] == "privilege":
                    held = held if held is not None else index.role_privileges(k[1])  # type: ignore[arg-type]
                    if o[1] in held:
                        return True
    return False


def covered(
    index: WorldIndex,
    e: Expr,
    privilege: str,
    others: Sequence[Expr],
    keys: Callable[[Expr], frozenset[AtomKey]] | None = None,
) -> bool | None:
    """`covers`, made to scale: the other rules independent of `e` (no atom linked to its
    atoms, directly or through other rules) matter only if together they always hold, so
    they are judged apart. When what remains is still over `MAX_ATOMS`, the roles alone
    or one other rule alone are tried (sound: never says yes wrongly); else None."""
    keys = keys or (lambda x: atom_keys(index, x))
    alone = covers(index, e, privilege, ())
    if alone or not others:
        return alone
    found, refuted = _uncovered_somewhere(index, e, privilege, others)
    if found:
        return False
    could_alone = [o for i, o in enumerate(others) if i not in refuted]
    near = set(keys(e)) | {("privilege", privilege)}
    kept: list[Expr] = []
    rest = list(others)
    grew = True
    while grew and rest:
        grew = False
        frozen = frozenset(near)
        still = []
        for o in rest:
            ks = keys(o)
            if linked(index, frozen, ks):
                kept.append(o)
                near |= ks
                grew = True
            else:
                still.append(o)
        rest = still
    got = covers(index, e, privilege, kept)
    if got is None:
        # Too many atoms together: try each rule alone. One independent of `e` could cover
        # it alone only by always holding, which `rest` below covers.
        mine = frozenset(keys(e)) | {("privilege", privilege)}
        alone = [o for o in kept if any(o is c for c in could_alone)]
        if any(
            linked(index, mine, keys(o)) and covers(index, e, privilege, (o,)) for o in alone
        ) or any(judge(index, o).verdict == "always" for o in alone):
            return True
    if got:
        return True
    if not rest:
        return got
    together = judge_all(index, rest, "or").verdict
    if together == "always":
        return True
    if together == "limit" and any(judge(index, o).verdict == "always" for o in rest):
        return True
    return got if together != "limit" else None


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
