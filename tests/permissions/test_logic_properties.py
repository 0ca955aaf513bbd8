"""Satisfiability agrees with brute force over every situation, for random small worlds and
random rules.

The brute force is written from the model in docs/permission-rules.md, independently of
the solver: a situation is a set of described roles (and everything they include), any
extra privileges from roles the configuration does not describe, and a session location
that is a described one or an undescribed one carrying any tags."""

from __future__ import annotations

from itertools import chain, combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from bundle_ls.dialects.permissions.expr import parse
from bundle_ls.dialects.permissions.findings import redundant
from bundle_ls.dialects.permissions.logic import covered, covers, judge
from bundle_ls.dialects.permissions.world import (
    Location,
    LocationTag,
    Privilege,
    Role,
    Rule,
    World,
    WorldIndex,
)

N_ROLES, N_PRIVS, N_TAGS, N_LOCS = 4, 3, 3, 5
BUDGET = settings(max_examples=max(150, settings().max_examples))


def subsets(items):
    items = list(items)
    return chain.from_iterable(combinations(items, n) for n in range(len(items) + 1))


@st.composite
def worlds(draw) -> World:
    roles = []
    for i in range(N_ROLES):
        inherits = draw(st.sets(st.integers(0, N_ROLES - 1), max_size=2))  # cycles allowed
        privs = draw(st.sets(st.integers(0, N_PRIVS - 1), max_size=2))
        roles.append(Role(f"R{i}", tuple(f"R{j}" for j in inherits), tuple(f"P{p}" for p in privs)))
    locations = []
    for i in range(N_LOCS):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        tags = draw(st.sets(st.integers(0, N_TAGS - 1), max_size=2))
        locations.append(
            Location(
                f"L{i}",
                f"L{parent}" if parent is not None else None,
                tuple(f"T{t}" for t in tags),
            )
        )
    return World(
        tuple(roles),
        tuple(Privilege(f"P{i}") for i in range(N_PRIVS)),
        tuple(LocationTag(f"T{i}") for i in range(N_TAGS)),
        tuple(locations),
    )


_NAMES = {"role": N_ROLES, "privilege": N_PRIVS, "tag": N_TAGS, "location": N_LOCS}
_PREFIX = {"role": "R", "privilege": "P", "tag": "T", "location": "L"}


@st.composite
def atoms_text(draw) -> str:
    func = draw(st.sampled_from(sorted(_NAMES)))
    n = draw(st.integers(0, _NAMES[func] - 1))
    name = f"{_PREFIX[func]}{n}"
    # names compare as Initializer compares them: case and surrounding spaces aside
    written = draw(st.sampled_from([name, name.lower(), f'" {name} "']))
    return f"{draw(st.sampled_from([func, func.upper()]))}({written})"


def exprs(max_leaves: int = 8):
    leaves = st.one_of(atoms_text(), st.sampled_from(["true", "false"]))
    return st.recursive(
        leaves,
        lambda sub: st.one_of(
            sub.map(lambda e: f"not {e}"),
            st.tuples(sub, sub).map(lambda ab: f"({ab[0]} and {ab[1]})"),
            st.tuples(sub, sub).map(lambda ab: f"({ab[0]} or {ab[1]})"),
        ),
        max_leaves=max_leaves,
    )


# ---- the model, by brute force --------------------------------------------------------------


def situations(world: World):
    """Every (roles held, privileges held, locations the session is at or under, tags)."""
    inherits = {r.name: set(r.inherits) for r in world.roles}
    privs = {r.name: set(r.privileges) for r in world.roles}
    parent = {loc.name: loc.parent for loc in world.locations}
    tags = {loc.name: set(loc.tags) for loc in world.locations}
    all_privs = [p.name for p in world.privileges]
    all_tags = [t.name for t in world.tags]
    places = []
    for loc in world.locations:
        above, cur = set(), loc.name
        while cur is not None and cur not in above:
            above.add(cur)
            cur = parent[cur]
        places.append((above, tags[loc.name]))
    for extra in subsets(all_tags):  # an undescribed location: no location(…), any tags
        places.append((set(), set(extra)))
    for chosen in subsets(inherits):
        held = set(chosen)
        todo = list(chosen)
        while todo:
            for p in inherits[todo.pop()]:
                if p not in held:
                    held.add(p)
                    todo.append(p)
        from_roles = set().union(*(privs[r] for r in held)) if held else set()
        for extra in subsets(all_privs):  # roles the configuration does not describe
            for above, carried in places:
                yield held, from_roles | set(extra), above, carried


def evaluate(e, s) -> bool:
    from bundle_ls.dialects.permissions.expr import And, Atom, Const, Not

    held, privs, above, carried = s
    if isinstance(e, Atom):
        name = e.name.strip().upper()
        return name in {"role": held, "privilege": privs, "tag": carried, "location": above}[e.func]
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Not):
        return not evaluate(e.operand, s)
    if isinstance(e, And):
        return all(evaluate(o, s) for o in e.operands)
    return any(evaluate(o, s) for o in e.operands)


# ---- properties -------------------------------------------------------------------------------


@BUDGET
@given(world=worlds(), text=exprs())
def test_never_and_always_agree_with_every_situation(world: World, text: str) -> None:
    e = parse(text).expr
    assert e is not None, text
    values = [evaluate(e, s) for s in situations(world)]
    verdict = judge(WorldIndex(world), e).verdict
    expected = "never" if not any(values) else "always" if all(values) else "sometimes"
    assert verdict == expected, text


@BUDGET
@given(
    world=worlds(),
    text=exprs(6),
    others=st.lists(exprs(4), max_size=3),
    privilege=st.integers(0, N_PRIVS - 1),
)
def test_coverage_agrees_with_every_situation(
    world: World, text: str, others: list[str], privilege: int
) -> None:
    e = parse(text).expr
    rest = [parse(o).expr for o in others]
    p = f"P{privilege}"
    expected = all(
        p in s[1] or any(evaluate(o, s) for o in rest) for s in situations(world) if evaluate(e, s)
    )
    index = WorldIndex(world)
    assert covers(index, e, index.privilege_id(p), rest) is expected
    # and with the rules independent of `e` judged apart
    assert covered(index, e, index.privilege_id(p), rest) is expected


@BUDGET
@given(
    world=worlds(),
    rules=st.lists(
        st.tuples(exprs(4), st.sets(st.integers(0, N_PRIVS - 1), min_size=1, max_size=2)),
        min_size=1,
        max_size=5,
    ),
)
def test_removing_every_redundant_rule_takes_nothing_from_anyone(world: World, rules) -> None:
    made = tuple(
        Rule(f"r{i}", tuple(f"P{p}" for p in sorted(ps)), parse(t))
        for i, (t, ps) in enumerate(rules)
    )
    index = WorldIndex(world)
    found = redundant(index, made, list(range(len(made))))
    kept = [r for i, r in enumerate(made) if i not in found]

    def held(rs, s) -> set[str]:
        out = set(s[1])
        for r in rs:
            if evaluate(r.when.expr, s):
                out.update(r.grant)
        return out

    for s in situations(world):
        assert held(made, s) == held(kept, s)
    # and each reported rule really is covered by the others that stay
    for i in found:
        r = made[i]
        for s in situations(world):
            if evaluate(r.when.expr, s):
                assert set(r.grant) <= held([k for k in kept if k is not r], s)
