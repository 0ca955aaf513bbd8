"""The cross-file check of permission-rule conditions: every name resolves, and each
condition can hold, does not always hold, and (for a rule) adds a privilege someone lacks.

Syntax is reported when the file is analysed (`language.py`); this check runs against
the project index, for every file holding conditions, whenever a definition the world
is built from or a condition anywhere changes (`EMBEDDED`)."""

from __future__ import annotations

from collections.abc import Sequence

from bundle_ls.dialects.permissions.codes import RULE_ALWAYS, RULE_NEVER, RULE_REDUNDANT
from bundle_ls.dialects.permissions.expr import parse
from bundle_ls.dialects.permissions.findings import RuleFinding
from bundle_ls.dialects.permissions.project import ProjectRules, absolute, project_rules
from bundle_ls.dialects.permissions.terms import FUNC_OF, LANGUAGE, PackEntity, RuleValue
from bundle_ls.dialects.permissions.world import KIND_WORDS
from bundle_ls.documents.codes import LIMIT, UNRESOLVED_REFERENCE, Code
from bundle_ls.documents.facts import Embedded, FileFacts
from bundle_ls.documents.model import Diagnostic, Related
from bundle_ls.index.project_index import ProjectIndex

# The judgements this check reports (syntax and names are reported elsewhere).
_CODES: dict[str, Code] = {
    "rule-never": RULE_NEVER,
    "rule-always": RULE_ALWAYS,
    "rule-redundant": RULE_REDUNDANT,
    "limit": LIMIT,
}


def check(pack: Sequence[PackEntity], index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    state = project_rules(index, pack)
    out = unresolved(state, facts)
    for fact in facts.embedded:
        if fact.language == LANGUAGE and isinstance(fact.data, RuleValue):
            out.extend(_judgements(state, facts.path, fact))
    return out


def unresolved(state: ProjectRules, facts: FileFacts) -> list[Diagnostic]:
    """`unresolved-reference` for each name in a condition that resolves to nothing."""
    out: list[Diagnostic] = []
    for ref in facts.refs:
        if ref.language != LANGUAGE or not ref.namespaces:
            continue
        func = FUNC_OF.get(ref.namespaces[0])
        hints = state.hints(func, ref.key) if func is not None else None
        if hints is None:
            continue
        message = f"no {KIND_WORDS[func]} '{ref.key}'"
        if hints:
            message += "; did you mean " + " or ".join(f"'{h}'" for h in hints) + "?"
        data = {"replace": hints} if hints else None
        out.append(UNRESOLVED_REFERENCE(facts.path, ref.range, message, data=data))
    return out


def _judgements(state: ProjectRules, path: str, fact: Embedded) -> list[Diagnostic]:
    data = fact.data
    assert isinstance(data, RuleValue)
    parsed = parse(fact.text)
    if parsed.error is not None:
        return []  # reported when the file was analysed
    if data.grant is not None:
        found = state.findings.get(id(fact), [])
    else:
        found = state.checker.expression(parsed)
    rng = absolute(fact, data.condition)
    out = []
    for f in found:
        code = _CODES.get(f.code)
        if code is not None:
            out.append(code(path, rng, f.message, severity=f.severity, related=_related(state, f)))
    return out


def _related(state: ProjectRules, f: RuleFinding) -> list[Related] | None:
    """The other rules a finding names, where they are."""
    if not f.related:
        return None
    out = []
    for key in f.related:
        for path, other in state.places.get(key, ())[:1]:
            data = other.data
            rng = absolute(other, data.condition) if isinstance(data, RuleValue) else other.range
            out.append(Related(path, rng, f"rule '{key}'"))
    return out or None
