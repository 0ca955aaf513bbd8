"""The findings about permission-rule expressions, as pure functions of a `WorldIndex`.

Spans are offsets in the expression's value; the caller maps them to document ranges with
a `SourceMap`. Codes and severities:

| code | severity | when |
|---|---|---|
| `rule-syntax` | error | the expression does not parse |
| `unresolved-reference` | error | a name inside `role(…)` etc. that resolves to nothing |
| `rule-never` | warning | the condition can never hold |
| `rule-always` | warning | the condition always holds (the literal `true` excepted) |
| `rule-redundant` | information | every user the rule grants to already gets its privileges |
| `limit` | information | too many distinct atoms to judge never/always |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bundle_ls.dialects.permissions.expr import (
    Atom,
    Const,
    Expr,
    ParsedExpr,
    Span,
    atoms,
    write_name,
)
from bundle_ls.dialects.permissions.logic import (
    MAX_ATOMS,
    Links,
    atom_key,
    atom_keys,
    compiled,
    covered,
    judge,
    judge_all,
    judged,
    linked,
    links_of,
    situations,
)
from bundle_ls.dialects.permissions.world import KIND_WORDS, Rule, WorldIndex

SEVERITY = {
    "rule-syntax": "error",
    "unresolved-reference": "error",
    "rule-never": "warning",
    "rule-always": "warning",
    "rule-redundant": "information",
    "limit": "information",
}


@dataclass(frozen=True, slots=True)
class RuleFinding:
    code: str
    severity: str
    span: Span  # in the expression's value
    message: str
    # For quick fixes: {"replace": [text, …]} — value text to put in place of `span`.
    data: dict[str, Any] | None = None
    related: tuple[str, ...] = ()  # keys of the other rules a finding names

    @classmethod
    def of(cls, code: str, span: Span, message: str, **kw: Any) -> RuleFinding:
        return cls(code, SEVERITY[code], span, message, **kw)


def unresolved(index: WorldIndex, parsed: ParsedExpr) -> list[RuleFinding]:
    """A finding for every name that resolves to nothing, with close names suggested."""
    out = []
    if parsed.expr is None:
        return out
    for a in atoms(parsed.expr):
        if index.resolve(a.func, a.name) is not None:
            continue
        kind = KIND_WORDS[a.func]
        hints = index.did_you_mean(a.func, a.name)
        message = f"no {kind} '{a.name}'"
        if hints:
            message += "; did you mean " + " or ".join(f"'{h}'" for h in hints) + "?"
        replace = [_written_like(h, a.quote) for h in hints]
        data = {"replace": [r for r in replace if r is not None]} if hints else None
        out.append(RuleFinding.of("unresolved-reference", a.name_span, message, data=data))
    return out


def _written_like(name: str, quote: str) -> str | None:
    """`name` as text for the span of a name written bare or inside `quote`s."""
    if not quote:
        try:
            return write_name(name)
        except ValueError:
            return None
    return None if quote in name else name


def check_expression(index: WorldIndex, parsed: ParsedExpr, what: str = "") -> list[RuleFinding]:
    """Syntax, names, and whether the condition can hold or always holds.

    `what` names what the condition decides, for the messages ("grants 'App: Registration'")."""
    if parsed.error is not None:
        return [RuleFinding.of(parsed.error.code, parsed.error.span, parsed.error.message)]
    assert parsed.expr is not None
    found = unresolved(index, parsed)
    if found:
        return found  # the model knows nothing about an unknown name: judge nothing
    e = parsed.expr
    if isinstance(e, Const):
        return []  # `true` and `false` say what they mean
    j = judge(index, e)
    if j.verdict == "never":
        facts = _facts(index, e)
        reason = f" ({'; '.join(facts)})" if facts else " (it contradicts itself)"
        return [
            RuleFinding.of(
                "rule-never",
                e.span,
                f"this condition can never hold{reason}"
                + (f"; the rule never {what}" if what else ""),
            )
        ]
    if j.verdict == "always":
        to = f"; the rule {what} to every user everywhere" if what else ""
        return [
            RuleFinding.of(
                "rule-always",
                e.span,
                f"this condition always holds{to} (write true if that is meant)",
            )
        ]
    if j.verdict == "limit":
        return [
            RuleFinding.of(
                "limit",
                e.span,
                f"this condition has {j.atoms} distinct names, more than {MAX_ATOMS}: "
                "whether it can hold or always holds is not judged",
            )
        ]
    return []


def _facts(index: WorldIndex, e: Expr, limit: int = 4) -> list[str]:
    """The facts of the world that relate the condition's atoms, in words."""
    seen: dict[tuple, Atom] = {}
    for a in atoms(e):
        seen.setdefault(atom_key(index, a), a)
    keys = list(seen)
    out: list[str] = []
    roles = [k for k in keys if k[0] == "role"]
    privs = [k for k in keys if k[0] == "privilege"]
    locs = [k for k in keys if k[0] == "location"]
    tags = [k for k in keys if k[0] == "tag"]
    name = {k: seen[k].name for k in keys}
    for r in roles:
        closure = index.role_closure(r[1])  # type: ignore[arg-type]
        for o in roles:
            if o != r and o[1] in closure:
                out.append(f"role {name[r]} includes {name[o]}")
        held = index.role_privileges(r[1])  # type: ignore[arg-type]
        for p in privs:
            if p[1] in held:
                out.append(f"role {name[r]} holds {name[p]}")
    ancestors = index.location_ancestors
    for i, a in enumerate(locs):
        for b in locs[i + 1 :]:
            if b[1] in ancestors[a[1]]:  # type: ignore[index]
                out.append(f"{name[a]} lies under {name[b]}")
            elif a[1] in ancestors[b[1]]:  # type: ignore[index]
                out.append(f"{name[b]} lies under {name[a]}")
            else:
                out.append(f"{name[a]} and {name[b]} do not lie one under the other")
    for t in tags:
        carriers = index.locations_with_tag.get(t[1], [])  # type: ignore[call-overload]
        where = [index.name("location", c) for c in carriers]
        if locs:
            if not where:
                out.append(f"no location carries {name[t]}")
            else:
                shown = ", ".join(where[:3]) + (" …" if len(where) > 3 else "")
                out.append(f"{name[t]} is carried by {shown}")
    return out[:limit]


# ---- a set of rules -------------------------------------------------------------------------


@dataclass(slots=True)
class RuleChecker:
    """Checks rules against one world, remembering results by expression text, so that
    after an edit only the edited rule (and, for redundancy, the rules granting the same
    privileges) is judged again. A new world needs a new checker."""

    index: WorldIndex
    _memo: dict[tuple[str, str], list[RuleFinding]] = field(default_factory=dict)
    _cover_memo: dict[tuple, bool | None] = field(default_factory=dict)
    _key_memo: dict[int, tuple[Expr, Links]] = field(default_factory=dict)
    _finding_memo: dict[tuple, RuleFinding] = field(default_factory=dict)

    def expression(self, parsed: ParsedExpr, what: str = "") -> list[RuleFinding]:
        key = (parsed.text, what)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = check_expression(self.index, parsed, what)
        return got

    def rule(self, rule: Rule) -> list[RuleFinding]:
        return self.expression(rule.when, _grants(rule))

    MEMO_LIMIT = 100_000  # entries per memo; an editing session makes new texts forever

    def rules(self, rules: Sequence[Rule]) -> list[list[RuleFinding]]:
        """Every finding of every rule, redundancy included, in the order of `rules`."""
        for memo in (self._memo, self._cover_memo, self._key_memo, self._finding_memo):
            if len(memo) > self.MEMO_LIMIT:
                memo.clear()
        out = [list(self.rule(r)) for r in rules]
        usable = [i for i, f in enumerate(out) if not any(x.severity == "error" for x in f)]
        never = {i for i, f in enumerate(out) if any(x.code == "rule-never" for x in f)}
        for i, finding in redundant(
            self.index,
            rules,
            [i for i in usable if i not in never],
            self._covers,
            self._finding_memo,
            self._links,
        ).items():
            out[i].append(finding)
        return out

    def _covers(self, e: ParsedExpr, privilege: str, others: Sequence[ParsedExpr]) -> bool | None:
        key = (e.text, privilege, tuple(o.text for o in others))
        got = self._cover_memo.get(key, _MISSING)
        if got is _MISSING:
            got = self._cover_memo[key] = covered(
                self.index,
                e.expr,  # type: ignore[arg-type]
                privilege,
                [o.expr for o in others],  # type: ignore[misc]
                self._links,
            )
        return got  # type: ignore[return-value]

    def _links(self, e: Expr) -> Links:
        got = self._key_memo.get(id(e))
        if got is None or got[0] is not e:
            got = self._key_memo[id(e)] = (e, links_of(self.index, atom_keys(self.index, e)))
        return got[1]


_MISSING = object()


def _grants(rule: Rule) -> str:
    if not rule.grant:
        return "grants nothing"
    shown = ", ".join(f"'{g}'" for g in rule.grant[:3]) + (" …" if len(rule.grant) > 3 else "")
    return f"grants {shown}"


def redundant(
    index: WorldIndex,
    rules: Sequence[Rule],
    candidates: Sequence[int],
    cover: Callable[[ParsedExpr, str, Sequence[ParsedExpr]], bool | None] | None = None,
    memo: dict[tuple, RuleFinding] | None = None,
    links: Callable[[Expr], Links] | None = None,
) -> dict[int, RuleFinding]:
    """The rules among `candidates` (indexes into `rules`, each parsed without errors)
    whose every grant already reaches every user they grant to.

    Rules are taken last to first, and a rule found redundant no longer counts as a source
    for the rules before it: of two rules that say the same, the later one is reported, and
    removing every reported rule together takes nothing away from anyone."""
    if cover is None:

        def cover(e: ParsedExpr, p: str, o: Sequence[ParsedExpr]) -> bool | None:
            return covered(index, e.expr, p, [x.expr for x in o])  # type: ignore[arg-type,misc]

    if links is None:

        def links(e: Expr) -> Links:
            return links_of(index, atom_keys(index, e))

    grants: dict[int, list[str]] = {}
    by_privilege: dict[str, list[int]] = {}
    for i in candidates:
        ids = list(dict.fromkeys(index.privilege_id(g) for g in rules[i].grant))
        grants[i] = ids
        for p in ids:
            by_privilege.setdefault(p, []).append(i)
    dropped: set[int] = set()
    out: dict[int, RuleFinding] = {}
    for i in sorted(candidates, reverse=True):
        e = rules[i].when
        if e.expr is None or not grants[i] or isinstance(e.expr, Const) and not e.expr.value:
            continue
        others_of = {
            p: [j for j in by_privilege[p] if j != i and j not in dropped] for p in grants[i]
        }
        if all(cover(e, p, [rules[j].when for j in others_of[p]]) for p in grants[i]):
            dropped.add(i)
            key = (
                rules[i].key,
                e.text,
                rules[i].grant,
                tuple(
                    (p, tuple((rules[j].key, rules[j].when.text) for j in js))
                    for p, js in others_of.items()
                ),
            )
            got = memo.get(key) if memo is not None else None
            if got is None:
                got = _redundant_finding(index, rules, i, others_of, cover, links)
                if memo is not None:
                    memo[key] = got
            out[i] = got
    return out


def _redundant_finding(
    index: WorldIndex,
    rules: Sequence[Rule],
    i: int,
    others_of: dict[str, list[int]],
    cover: Callable[[ParsedExpr, str, Sequence[ParsedExpr]], bool | None],
    links: Callable[[Expr], Links],
) -> RuleFinding:
    """The finding, naming the sources: the roles when they cover a privilege alone, and
    the other rules whose condition can hold together with this one's."""
    r = rules[i]
    e = r.when.expr
    assert e is not None
    by_roles = False
    sources: list[int] = []
    mine = links(e)
    places = situations(index, e)  # where this rule holds: most sources hold in one of them
    for p, others in others_of.items():
        if cover(r.when, p, ()):
            by_roles = True
            continue
        for j in others:
            o = rules[j].when.expr
            assert o is not None
            if j in sources:
                continue
            if not linked(mine, links(o)):
                # independent conditions that can each hold can hold together
                can = judged(index, o) != "never"
            else:
                fn = compiled(index, o)
                can = any(fn(s) for s in places) or (
                    judge_all(index, (e, o), "and").verdict != "never"
                )
            if can:
                sources.append(j)
    sources.sort()
    names = [f"rule '{rules[j].key}'" for j in sources]
    if by_roles:
        names.insert(0, "their roles")
    what = ", ".join(f"'{g}'" for g in r.grant)
    frm = " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]
    return RuleFinding.of(
        "rule-redundant",
        e.span,
        f"every user this rule grants to already gets {what} from {frm}",
        related=tuple(rules[j].key for j in sources),
    )
