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
    for e in exprs:
        keys, identities = _atoms_of(index, e)
        memo.update(identities)
        order.update(keys)
    return list(order), memo


def _atoms_of(index: WorldIndex, e: Expr) -> tuple[dict[AtomKey, None], dict[Atom, AtomKey]]:
    """A condition's distinct atoms (in order) and each atom node's identity, remembered
    per condition."""
    cache = index.expr_atoms
    got = cache.get(id(e))
    if got is None or got[0] is not e:
        if len(cache) >= _CACHE_LIMIT:  # an editing session makes new conditions forever
            cache.clear()
        identities = {a: atom_key(index, a) for a in atoms(e)}
        got = cache[id(e)] = (e, (dict.fromkeys(identities.values()), identities))
    return got[1]  # type: ignore[return-value]


def judge(index: WorldIndex, e: Expr) -> Judgement:
    """Whether a condition can hold, always holds, or neither, in the world's model."""
    own = _own(index, e)
    if own is None:
        return Judgement("limit", len(_keys_of(index, (e,))[0]))
    space, m = own
    n = len(space.keys)
    if not m:
        return Judgement("never", n)
    return Judgement("always" if m == space.valid else "sometimes", n)


def _own(index: WorldIndex, e: Expr) -> tuple[_Space, int] | None:
    """The space of a condition's own atoms and the valid assignments where it holds
    (None: too many atoms); remembered per condition, as the judgement, the coverage of
    each of its privileges and the places it holds all start from it."""
    memo = index.spaces
    got = memo.get(id(e))
    if got is None or got[0] is not e:
        keys, atoms_of = _keys_of(index, (e,))
        value = None
        if len(keys) <= MAX_ATOMS:
            space = _Space(index, keys)
            value = (space, space.formula(e, atoms_of.__getitem__) & space.valid)
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        got = memo[id(e)] = (e, value)
    return got[1]  # type: ignore[return-value]


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


def _uncovered_alone(
    index: WorldIndex, e: Expr, privilege: str, others: Sequence[Expr]
) -> tuple[bool | None, bool, set[int]]:
    """Over the atoms of `e` and the privilege alone: whether the roles alone give the
    privilege wherever `e` holds (None: too many atoms), and else a quick search for a user
    and place where `e` holds, the privilege does not come from the roles and none of
    `others` holds, built from assignments of `e`'s own atoms with nothing else assumed (no
    further role, no extra privilege, an undescribed place when no location atom holds).
    Returns (covered by the roles, such a place found, the indexes of `others` that failed
    to hold in at least one place tried: each of those cannot cover `e` alone)."""
    refuted: set[int] = set()
    own = _own(index, e)
    if own is None:
        return None, False, refuted
    space, m = own
    key: AtomKey = ("privilege", privilege)
    if key in space.pos:
        m &= space.full ^ space.mask(key)
    else:
        # Without the privilege among the atoms: it is off exactly where no role atom that
        # holds it is on (a described role always brings its privileges).
        for k in space.keys:
            if k[0] == "role" and privilege in index.role_privileges(k[1]):  # type: ignore[arg-type]
                m &= space.full ^ space.mask(k)
    keys = space.keys
    if not m:
        return True, False, refuted
    fns = [compiled(index, o) for o in others]
    for _ in range(_WITNESS_TRIES):
        if not m:
            break
        low = m & -m
        m ^= low
        s = _situation_of(index, keys, low.bit_length() - 1)
        if s is None:
            continue
        holding = False
        for i, fn in enumerate(fns):
            if fn(s):
                holding = True
            else:
                refuted.add(i)
        if not holding:
            return False, True, refuted
    return False, False, refuted


def situations(index: WorldIndex, e: Expr, limit: int = _WITNESS_TRIES) -> list[Situation]:
    """Up to `limit` concrete users and places where `e` holds (fewer when it rarely can)."""
    own = _own(index, e)
    if own is None:
        return []
    space, m = own
    keys = space.keys
    out: list[Situation] = []
    while m and len(out) < limit:
        low = m & -m
        m ^= low
        s = _situation_of(index, keys, low.bit_length() - 1)
        if s is not None:
            out.append(s)
    return out


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
    # A described location under every location atom that is on, under none that is off,
    # carrying exactly the tag atoms that are on.
    under = index.locations_under_set
    with_tag = index.locations_with_tag_set
    places: set[int] | None = None
    for k in locs:
        if k in on:
            got = under.get(k[1], frozenset())  # type: ignore[call-overload]
            places = set(got) if places is None else places & got
    assert places is not None
    for k in keys:
        if not places:
            return None
        if k[0] == "location" and k not in on:
            places -= under.get(k[1], frozenset())  # type: ignore[call-overload]
        elif k[0] == "tag":
            carriers = with_tag.get(k[1], frozenset())  # type: ignore[call-overload]
            places = places & carriers if k[1] in tags_on else places - carriers
    if not places:
        return None
    at = min(places)
    return Situation(closure, frozenset(privileges), at, index.location_tags[at])  # type: ignore[arg-type]


def atom_keys(index: WorldIndex, e: Expr) -> frozenset[AtomKey]:
    return frozenset(_keys_of(index, (e,))[0])


@dataclass(frozen=True, slots=True)
class Links:
    """What relates a set of atoms to others in the world, precomputed so that `linked`
    is a few set intersections: its atoms, its roles, the roles they include, the
    privileges they hold, its privilege atoms, and whether it has location or tag atoms."""

    keys: frozenset[AtomKey]
    roles: frozenset[int]
    included: frozenset[int]
    held: frozenset[str]
    privileges: frozenset[str]
    location: bool
    tag: bool

    def union(self, other: Links) -> Links:
        return Links(
            self.keys | other.keys,
            self.roles | other.roles,
            self.included | other.included,
            self.held | other.held,
            self.privileges | other.privileges,
            self.location or other.location,
            self.tag or other.tag,
        )


def links_of(index: WorldIndex, keys: Iterable[AtomKey]) -> Links:
    keys = frozenset(keys)
    roles = frozenset(k[1] for k in keys if k[0] == "role")  # type: ignore[misc]
    included: set[int] = set()
    held: set[str] = set()
    for r in roles:
        included |= index.role_closure(r)
        held |= index.role_privileges(r)
    return Links(
        keys,
        roles,
        frozenset(included),
        frozenset(held),
        frozenset(k[1] for k in keys if k[0] == "privilege"),  # type: ignore[misc]
        any(k[0] == "location" for k in keys),
        any(k[0] == "tag" for k in keys),
    )


def linked(a: Links, b: Links) -> bool:
    """Whether the world relates some atom of `a` to some atom of `b`: the same atom, a
    role and a role it includes or a privilege it holds, or a location atom on one side
    and a location or tag atom on the other (a tag alone is free: an undescribed location
    may carry any). Atoms not linked, directly or through others, are independent."""
    if not a.keys.isdisjoint(b.keys):
        return True
    if (a.location and (b.location or b.tag)) or (b.location and a.tag):
        return True
    if not a.roles.isdisjoint(b.included) or not b.roles.isdisjoint(a.included):
        return True
    return not a.privileges.isdisjoint(b.held) or not b.privileges.isdisjoint(a.held)


class _Near:
    """The atoms linked to a condition so far, growing as linked conditions are found
    (`linked` against a union kept in place, not rebuilt per condition)."""

    __slots__ = ("keys", "roles", "included", "held", "privileges", "location", "tag")

    def __init__(self, start: Links) -> None:
        self.keys = set(start.keys)
        self.roles = set(start.roles)
        self.included = set(start.included)
        self.held = set(start.held)
        self.privileges = set(start.privileges)
        self.location = start.location
        self.tag = start.tag

    def linked(self, b: Links) -> bool:
        if not self.keys.isdisjoint(b.keys):
            return True
        if (self.location and (b.location or b.tag)) or (b.location and self.tag):
            return True
        if not self.roles.isdisjoint(b.included) or not b.roles.isdisjoint(self.included):
            return True
        return not self.privileges.isdisjoint(b.held) or not b.privileges.isdisjoint(self.held)

    def add(self, b: Links) -> None:
        self.keys |= b.keys
        self.roles |= b.roles
        self.included |= b.included
        self.held |= b.held
        self.privileges |= b.privileges
        self.location = self.location or b.location
        self.tag = self.tag or b.tag


def judged(index: WorldIndex, e: Expr) -> Verdict:
    """`judge(e).verdict`, remembered per condition."""
    memo = index.verdicts
    got = memo.get(id(e))
    if got is None or got[0] is not e:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        got = memo[id(e)] = (e, judge(index, e).verdict)
    return got[1]  # type: ignore[return-value]


def covered(
    index: WorldIndex,
    e: Expr,
    privilege: str,
    others: Sequence[Expr],
    links: Callable[[Expr], Links] | None = None,
) -> bool | None:
    """`covers`, made to scale: the other rules independent of `e` (no atom linked to its
    atoms, directly or through other rules) matter only if together they always hold, so
    they are judged apart. When what remains is still over `MAX_ATOMS`, the roles alone
    or one other rule alone are tried (sound: never says yes wrongly); else None."""
    links = links or (lambda x: links_of(index, atom_keys(index, x)))
    alone, found, refuted = _uncovered_alone(index, e, privilege, others)
    if alone is None:
        alone = covers(index, e, privilege, ())
    if alone or not others:
        return alone
    if found:
        return False
    mine = links(e).union(links_of(index, (("privilege", privilege),)))
    near = _Near(mine)
    kept: list[Expr] = []
    kept_at: list[int] = []
    rest = list(enumerate(others))
    grew = True
    while grew and rest:
        grew = False
        still = []
        for i, o in rest:
            lo = links(o)
            if near.linked(lo):
                kept.append(o)
                kept_at.append(i)
                near.add(lo)
                grew = True
            else:
                still.append((i, o))
        rest = still
    got = covers(index, e, privilege, kept)
    if got is None:
        # Too many atoms together: try each rule alone. One independent of `e` could cover
        # it alone only by always holding, which `rest` below covers.
        alone_ones = [o for i, o in zip(kept_at, kept, strict=True) if i not in refuted]
        if any(
            linked(mine, links(o)) and covers(index, e, privilege, (o,)) for o in alone_ones
        ) or any(judged(index, o) == "always" for o in alone_ones):
            return True
    if got:
        return True
    if not rest:
        return got
    independent = [o for _i, o in rest]
    together = judge_all(index, independent, "or").verdict
    if together == "always":
        return True
    if together == "limit" and any(judged(index, o) == "always" for o in independent):
        return True
    return got if together != "limit" else None


def compiled(index: WorldIndex, e: Expr) -> Callable[[Situation], bool]:
    """The condition as a function of a situation, every name resolved once (remembered
    per condition)."""
    memo = index.compiled
    got = memo.get(id(e))
    if got is None or got[0] is not e:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
        got = memo[id(e)] = (e, _compile(index, e))
    return got[1]


def _compile(index: WorldIndex, n: Expr) -> Callable[[Situation], bool]:
    if isinstance(n, Atom):
        kind, ident = atom_key(index, n)
        if kind == "role":
            return lambda s: ident in s.roles
        if kind == "privilege":
            return lambda s: ident in s.privileges
        if kind == "tag":
            return lambda s: ident in s.tags
        if kind == "location":
            anc = index.location_ancestors
            return lambda s: s.location is not None and ident in anc[s.location]
        return lambda s: False  # an unresolved name holds nowhere
    if isinstance(n, Const):
        v = n.value
        return lambda s: v
    if isinstance(n, Not):
        inner = _compile(index, n.operand)
        return lambda s: not inner(s)
    parts = [_compile(index, o) for o in n.operands]  # type: ignore[union-attr]
    # Folded into two-operand `and`/`or` closures: a generator per call (all/any) costs
    # more than the operands do
    join = _both if isinstance(n, And) else _either
    fn = parts[-1]
    for part in reversed(parts[:-1]):
        fn = join(part, fn)
    return fn


def _both(a: Callable[[Situation], bool], b: Callable[[Situation], bool]) -> Callable:
    return lambda s: a(s) and b(s)


def _either(a: Callable[[Situation], bool], b: Callable[[Situation], bool]) -> Callable:
    return lambda s: a(s) or b(s)


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
