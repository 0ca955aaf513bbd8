"""Each finding, at its exact document position in every YAML scalar style and in CSV."""

from __future__ import annotations

import pytest

from bundle_ls.dialects.permissions.expr import parse
from bundle_ls.dialects.permissions.findings import RuleChecker, check_expression
from bundle_ls.dialects.permissions.logic import MAX_ATOMS
from bundle_ls.dialects.permissions.world import Role, World, WorldIndex
from bundle_ls.documents.csv_doc import parse_csv
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.source_map import map_csv_cell, map_yaml_scalar
from bundle_ls.documents.yaml_doc import parse_yaml

from .conftest import make_world, rule
from .test_source_map import find


def yaml_findings(index: WorldIndex, doc: str):
    """(code, document range, message) of the findings of the `when` in a YAML document."""
    lines = LineIndex(doc)
    node = find(parse_yaml(doc, lines).root, "when")
    smap = map_yaml_scalar(lines.lines, node.range, node.value)
    assert smap.exact
    return [
        (f.code, smap.range(*f.span), f.message) for f in check_expression(index, parse(node.value))
    ]


def csv_findings(index: WorldIndex, text: str):
    lines = LineIndex(text)
    table = parse_csv(text, lines)
    cell = table.rows[0][1][2]
    smap = map_csv_cell(lines.lines, cell.range, cell.text)
    assert smap.exact
    return [
        (f.code, smap.range(*f.span), f.message) for f in check_expression(index, parse(cell.text))
    ]


HEAD = "permissionRules:\n  - key: k\n    grant: [App: Registration]\n"

# ---- rule-syntax --------------------------------------------------------------------------------

SYNTAX = "expected a name after 'role(', found ')'"


@pytest.mark.parametrize(
    ("when", "at"),
    [
        ("    when: tag(Ward) and role()\n", (3, 29, 3, 30)),
        ("    when: 'tag(''W'') and role()'\n", (3, 31, 3, 32)),
        ('    when: "tag(\\"W\\u00e9\\") and role()"\n', (3, 37, 3, 38)),
        ("    when: |\n      tag(W)\n      and role()\n", (5, 15, 5, 16)),
        ("    when: >\n      tag(W)\n      and\n      role()\n", (6, 11, 6, 12)),
    ],
    ids=["plain", "single", "double", "literal", "folded"],
)
def test_rule_syntax_is_reported_at_the_offending_token(index, when: str, at) -> None:
    assert yaml_findings(index, HEAD + when) == [("rule-syntax", at, SYNTAX)]


def test_rule_syntax_in_a_csv_cell(index) -> None:
    text = 'key,grant,when\nk,App: Registration,"tag(""Inpatient Ward"") and role()"\n'
    assert csv_findings(index, text) == [("rule-syntax", (1, 54, 1, 55), SYNTAX)]


def test_rule_syntax_for_an_unclosed_quote_runs_to_the_end(index) -> None:
    got = yaml_findings(index, HEAD + '    when: role(Nurse) or tag("Ward\n')
    assert got == [("rule-syntax", (3, 29, 3, 34), 'unclosed quote ": the name has no closing "')]


# ---- unresolved-reference -----------------------------------------------------------------------

NURES = "no role 'Nures'; did you mean 'Nurse'?"


@pytest.mark.parametrize(
    ("when", "at"),
    [
        ("    when: tag(Login Location) or role(Nures)\n", None),
        ("    when: 'tag(''Login Location'') or role(Nures)'\n", (3, 43, 3, 48)),
        ('    when: "tag(\\"Login Location\\") or \\\n      role(Nures)"\n', (4, 11, 4, 16)),
        ("    when: |-\n      tag('Login Location') or\n      role(Nures)\n", (5, 11, 5, 16)),
        ("    when: >2-\n        tag('Login Location')\n      or role(Nures)\n", (5, 14, 5, 19)),
    ],
    ids=["plain-syntax-first", "single", "double", "literal", "folded"],
)
def test_unresolved_names_are_reported_on_the_name_alone(index, when: str, at) -> None:
    got = yaml_findings(index, HEAD + when)
    if at is None:  # a name with a space needs quotes: that is what is said first
        assert [c for c, _r, _m in got] == ["rule-syntax"]
        return
    assert got == [("unresolved-reference", at, NURES)]


def test_unresolved_names_in_a_csv_cell_with_doubled_quotes(index) -> None:
    text = 'key,grant,when\nk,X,"tag(""Inpatiant Ward"") and location(""Ward 9"")"\n'
    assert csv_findings(index, text) == [
        (
            "unresolved-reference",
            (1, 11, 1, 25),
            "no location tag 'Inpatiant Ward'; did you mean 'Inpatient Ward'?",
        ),
        (
            "unresolved-reference",
            (1, 44, 1, 50),
            "no location 'Ward 9'; did you mean 'Ward 3' or 'Ward 4'?",
        ),
    ]


def test_names_resolve_as_initializer_compares_them(index) -> None:
    text = (
        "role(' INFIRMIERE CHEF ') and privilege(\"task: admit patient\") and "
        "role(5F1B-PHARMACIST-UUID) and tag('night pharmacy') and location(\"ward 3\")"
    )
    assert [f.code for f in check_expression(index, parse(text))] == ["rule-never"]


def test_a_did_you_mean_quick_fix_is_written_as_the_name_must_be(index) -> None:
    [f] = check_expression(index, parse("role(SeniorNurse)"))
    assert f.data == {"replace": ['"Senior Nurse"']}
    [f] = check_expression(index, parse("role('SeniorNurse')"))
    assert f.data == {"replace": ["Senior Nurse"]}


def test_no_judgement_is_made_on_a_condition_with_an_unknown_name(index) -> None:
    found = check_expression(index, parse("role(Nures) and not role(Nures)"))
    assert [f.code for f in found] == ["unresolved-reference", "unresolved-reference"]


# ---- rule-never ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "because"),
    [
        ("role(Nurse) and not role(Nurse)", "it contradicts itself"),
        ('location("Ward 3") and not location("Main Hospital")', "Ward 3 lies under Main Hospital"),
        (
            'location("Ward 3") and location("Outpatient Clinic")',
            "Ward 3 and Outpatient Clinic do not lie one under the other",
        ),
        ('role("Infirmière chef") and not role(Nurse)', "role Infirmière chef includes Nurse"),
        (
            'role("Senior Nurse") and not privilege("View Patients")',
            "role Senior Nurse holds View Patients",
        ),
        (
            'tag("Registration Desk") and location("Main Hospital")',
            "Registration Desk is carried by Outpatient Clinic",
        ),
    ],
)
def test_rule_never(index, when: str, because: str) -> None:
    [f] = check_expression(index, parse(when), "grants 'X'")
    assert f.code == "rule-never" and f.severity == "warning"
    assert f.span == (0, len(when))
    assert f.message == f"this condition can never hold ({because}); the rule never grants 'X'"


@pytest.mark.parametrize(
    "when",
    [
        "role(Nurse) and not role(Student)",
        'privilege("View Patients") and not role(Nurse)',  # a role no one describes may hold it
        'tag("Inpatient Ward") and not location("Main Hospital")',  # an undescribed place
    ],
)
def test_conditions_that_can_hold_are_not_reported(index, when: str) -> None:
    assert check_expression(index, parse(when)) == []


def test_a_location_below_a_tagged_one_does_not_inherit_its_tags(index) -> None:
    [f] = check_expression(index, parse('location("Bed 4A") and tag("Inpatient Ward")'))
    assert f.code == "rule-never"


def test_rule_never_position_in_yaml(index) -> None:
    doc = HEAD + "    when: >-\n      role(Nurse) and\n      not role(Nurse)\n"
    [(code, at, _m)] = yaml_findings(index, doc)
    assert (code, at) == ("rule-never", (4, 6, 5, 21))


# ---- rule-always --------------------------------------------------------------------------------


def test_rule_always(index) -> None:
    when = 'role(Nurse) or not role("Senior Nurse")'
    [f] = check_expression(index, parse(when), "grants 'X'")
    assert (f.code, f.severity, f.span) == ("rule-always", "warning", (0, len(when)))
    assert f.message == (
        "this condition always holds; the rule grants 'X' to every user everywhere "
        "(write true if that is meant)"
    )


def test_rule_always_position_in_csv(index) -> None:
    text = "key,grant,when\nk,X, tag(Login Location) or not tag(Login Location)\n"
    assert csv_findings(index, text)[0][0] == "rule-syntax"  # unquoted names with spaces
    text = "key,grant,when\nk,X,\"tag('Login Location') or not tag('Login Location')\"\n"
    [(code, at, _m)] = csv_findings(index, text)
    assert (code, at) == ("rule-always", (1, 5, 1, 55))


def test_true_and_false_say_what_they_mean(index) -> None:
    assert check_expression(index, parse("true")) == []
    assert check_expression(index, parse("(false)")) == []
    assert [f.code for f in check_expression(index, parse("true or role(Nurse)"))] == [
        "rule-always"
    ]


# ---- limit ----------------------------------------------------------------------------------------


def test_more_atoms_than_the_limit_are_not_judged() -> None:
    roles = tuple(Role(f"R{i}") for i in range(25))
    index = WorldIndex(World(roles=roles))
    text = " or ".join(f"role(R{i})" for i in range(MAX_ATOMS + 1))
    [f] = check_expression(index, parse(text))
    assert (f.code, f.severity) == ("limit", "information")
    assert f.message.startswith(f"this condition has {MAX_ATOMS + 1} distinct names")
    text = " or ".join(f"role(R{i})" for i in range(MAX_ATOMS)) + " or not role(R0)"
    assert [f.code for f in check_expression(index, parse(text))] == ["rule-always"]


# ---- rule-redundant ------------------------------------------------------------------------------


def findings_of(rules):
    world = make_world(tuple(rules))
    got = RuleChecker(WorldIndex(world)).rules(world.rules)
    return {
        r.key: [(f.code, f.message) for f in fs] for r, fs in zip(world.rules, got, strict=True)
    }


def test_a_rule_whose_users_hold_the_privilege_through_their_roles_is_redundant() -> None:
    got = findings_of(
        [rule("vitals", "Task: Take Vitals", "role('Senior Nurse') and tag('Login Location')")]
    )
    assert got == {
        "vitals": [
            (
                "rule-redundant",
                "every user this rule grants to already gets 'Task: Take Vitals' from their roles",
            )
        ]
    }


def test_a_narrower_rule_is_redundant_beside_a_broader_one() -> None:
    got = findings_of(
        [
            rule("narrow", "App: Inpatient Ward", "role('Senior Nurse') and tag('Inpatient Ward')"),
            rule("broad", ("App: Inpatient Ward", "App: Registration"), "role(Nurse)"),
        ]
    )
    assert got == {
        "narrow": [
            (
                "rule-redundant",
                "every user this rule grants to already gets 'App: Inpatient Ward' from rule 'broad'",
            )
        ],
        "broad": [],
    }


def test_of_two_rules_that_say_the_same_the_later_is_reported() -> None:
    got = findings_of(
        [
            rule("first", "App: Registration", "role(Clerk)"),
            rule("second", "App: Registration", "ROLE(clerk)"),
        ]
    )
    assert got["first"] == []
    assert [c for c, _m in got["second"]] == ["rule-redundant"]


def test_rules_covering_a_rule_together_make_it_redundant() -> None:
    got = findings_of(
        [
            rule("a", "App: Registration", "role(Clerk) and tag('Login Location')"),
            rule("b", "App: Registration", "role(Clerk) and not tag('Login Location')"),
            rule("all", "App: Registration", "role(Clerk)"),
        ]
    )
    assert got["a"] == [] and got["b"] == []
    assert got["all"] == [
        (
            "rule-redundant",
            "every user this rule grants to already gets 'App: Registration' "
            "from rule 'a' and rule 'b'",
        )
    ]


def test_a_rule_granting_something_more_is_not_redundant() -> None:
    got = findings_of(
        [
            rule("one", "App: Registration", "role(Clerk)"),
            rule("two", ("App: Registration", "Task: Dispense"), "role(Clerk)"),
        ]
    )
    assert got == {
        "one": [
            (
                "rule-redundant",
                "every user this rule grants to already gets 'App: Registration' from rule 'two'",
            )
        ],
        "two": [],
    }


def test_rules_with_errors_are_not_counted_as_sources() -> None:
    got = findings_of(
        [
            rule("typo", "App: Registration", "role(Clerc)"),
            rule("good", "App: Registration", "role(Clerk)"),
        ]
    )
    assert [c for c, _m in got["typo"]] == ["unresolved-reference"]
    assert got["good"] == []


def test_the_checker_answers_the_same_after_an_edit() -> None:
    rules = [
        rule("a", "App: Registration", "role(Clerk)"),
        rule("b", "App: Registration", "role(Clerk) and tag('Login Location')"),
    ]
    world = make_world(tuple(rules))
    checker = RuleChecker(WorldIndex(world))
    before = checker.rules(world.rules)
    assert [f.code for f in before[1]] == ["rule-redundant"]
    edited = (rules[0], rule("b", "App: Registration", "role(Nurse) and tag('Login Location')"))
    after = checker.rules(edited)
    fresh = RuleChecker(WorldIndex(make_world(edited))).rules(edited)
    assert after == fresh and after[1] == []
