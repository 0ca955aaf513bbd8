"""Permission rules through `bundle-ls --check`: every finding at its exact document
position, in each YAML scalar style and in CSV cells; names resolved from YAML keys,
Initializer CSVs and what the installed modules create; `x-expression` in any module
schema."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bundle_ls.batch.runner import check_directory
from bundle_ls.cli import run_check
from bundle_ls.dialects.base import builtin_schema_dir
from bundle_ls.dialects.module_schemas.schemas import InvalidSchema, SchemaSet

LANGUAGES = ("permission-rule", "privilege-name")

DEFINITIONS = """\
privileges:
  - key: "App: Registration"
  - key: "Task: Dispense"
  - key: "Task: Admit Patient"
roles:
  - key: Clerk
    privileges: ["App: Registration"]
  - key: Nurse
  - key: Senior Nurse
    inheritedRoles: [Nurse]
    privileges: ["Task: Admit Patient"]
  - key: Student
locationTags:
  - key: Inpatient Ward
  - key: Registration Desk
locations:
  - key: Main Hospital
    name: Main Hospital
  - key: Ward 3
    name: Ward 3
    parent: Main Hospital
    tags: [Inpatient Ward]
  - key: Outpatient Clinic
    name: Outpatient Clinic
    tags: [Registration Desk]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def findings(root: Path, path: str | None = None) -> list[tuple[str, tuple, str, str, str]]:
    """(path, range, severity, code, message) of every finding, sorted."""
    result = check_directory(root, jobs=1)
    return sorted(
        (d.path, d.range, d.severity, d.code, d.message)
        for d in result.diagnostics
        if path is None or d.path == path
    )


def rules(*items: str) -> str:
    return "permissionRules:\n" + "".join(items)


def rule(key: str, when: str, grant: str = '["Task: Dispense"]') -> str:
    """A rule item; `when` is written as given after `    when:`."""
    return f"  - key: {key}\n    grant: {grant}\n    when:{when}\n"


def pos(text: str, line: int, needle: str, length: int | None = None) -> tuple[int, ...]:
    """The range of `needle` on `line` of `text` (ASCII lines: columns are characters)."""
    col = text.splitlines()[line].index(needle)
    return (line, col, line, col + (len(needle) if length is None else length))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write(tmp_path / "config", {"users.yaml": DEFINITIONS})


# ---- rule-syntax: at analysis time, the offending token ---------------------------------------

SYNTAX = "expected a name after 'role(', found ')'"


@pytest.mark.parametrize(
    ("when", "at"),
    [
        (" tag(Ward) and role()\n", (3, 29, 3, 30)),
        (" 'tag(''W'') and role()'\n", (3, 31, 3, 32)),
        (' "tag(\\"W\\u00e9\\") and role()"\n', (3, 37, 3, 38)),
        (" |\n      tag(W)\n      and role()\n", (5, 15, 5, 16)),
        (" >\n      tag(W)\n      and\n      role()\n", (6, 11, 6, 12)),
    ],
    ids=["plain", "single", "double", "literal", "folded"],
)
def test_rule_syntax_in_each_yaml_scalar_style(root: Path, when: str, at) -> None:
    write(root, {"rules.yaml": rules(rule("k", when))})
    assert findings(root, "rules.yaml") == [("rules.yaml", at, "error", "rule-syntax", SYNTAX)]


def test_rule_syntax_in_a_csv_cell_with_doubled_quotes(root: Path) -> None:
    text = 'key,grant,when\nk,Task: Dispense,"tag(""Inpatient Ward"") and role()"\n'
    write(root, {"permissionRules.csv": text})
    assert findings(root, "permissionRules.csv") == [
        ("permissionRules.csv", (1, 51, 1, 52), "error", "rule-syntax", SYNTAX)
    ]


def test_a_name_with_a_space_needs_quotes(root: Path) -> None:
    text = rules(rule("k", " role(Senior Nurse)"))
    write(root, {"rules.yaml": text})
    assert findings(root, "rules.yaml") == [
        (
            "rules.yaml",
            pos(text, 3, "Senior Nurse"),
            "error",
            "rule-syntax",
            'a name with spaces needs quotes: role("Senior Nurse")',
        )
    ]


# ---- unresolved-reference: the name alone -------------------------------------------------------

NURES = "no role 'Nures'; did you mean 'Nurse'?"


@pytest.mark.parametrize(
    ("when", "at"),
    [
        (" role(Nures) or tag('Inpatient Ward')\n", (3, 15, 3, 20)),
        (" 'tag(''Inpatient Ward'') or role(Nures)'\n", (3, 43, 3, 48)),
        (' "tag(\\"Inpatient Ward\\") or \\\n      role(Nures)"\n', (4, 11, 4, 16)),
        (" |-\n      tag('Inpatient Ward') or\n      role(Nures)\n", (5, 11, 5, 16)),
        (" >2-\n        tag('Inpatient Ward')\n      or role(Nures)\n", (5, 14, 5, 19)),
    ],
    ids=["plain", "single", "double", "literal", "folded"],
)
def test_unresolved_names_in_each_yaml_scalar_style(root: Path, when: str, at) -> None:
    write(root, {"rules.yaml": rules(rule("k", when))})
    got = findings(root, "rules.yaml")
    assert got == [("rules.yaml", at, "error", "unresolved-reference", NURES)]


def test_unresolved_names_in_a_csv_cell(root: Path) -> None:
    text = 'key,grant,when\nk,Task: Dispense,"tag(""Inpatiant Ward"") and location(""Ward 9"")"\n'
    write(root, {"permissionRules.csv": text})
    assert findings(root) == [
        (
            "permissionRules.csv",
            (1, 24, 1, 38),
            "error",
            "unresolved-reference",
            "no location tag 'Inpatiant Ward'; did you mean 'Inpatient Ward'?",
        ),
        (
            "permissionRules.csv",
            (1, 57, 1, 63),
            "error",
            "unresolved-reference",
            "no location 'Ward 9'; did you mean 'Ward 3'?",
        ),
    ]


def test_grants_are_privilege_references(root: Path) -> None:
    text = rules(rule("k", " role(Clerk)", "['App: Registraton']"))
    write(root, {"rules.yaml": text})
    assert findings(root) == [
        (
            "rules.yaml",
            pos(text, 2, "App: Registraton"),
            "error",
            "unresolved-reference",
            "no privilege 'App: Registraton'; did you mean 'App: Registration' or "
            "'app:registration'?",
        )
    ]


# ---- rule-never, rule-always, rule-redundant, limit: the whole condition ------------------------


def test_rule_never_names_the_facts(root: Path) -> None:
    text = rules(rule("k", " location('Ward 3') and not location('Main Hospital')"))
    write(root, {"rules.yaml": text})
    cond = "location('Ward 3') and not location('Main Hospital')"
    assert findings(root) == [
        (
            "rules.yaml",
            pos(text, 3, cond),
            "warning",
            "rule-never",
            "this condition can never hold (Ward 3 lies under Main Hospital); "
            "the rule never grants 'Task: Dispense'",
        )
    ]


def test_rule_never_across_lines_of_a_folded_scalar(root: Path) -> None:
    write(
        root, {"rules.yaml": rules(rule("k", " >-\n      role(Nurse) and\n      not role(Nurse)"))}
    )
    [(_p, at, _s, code, _m)] = findings(root)
    assert (code, at) == ("rule-never", (4, 6, 5, 21))


def test_rule_always_in_a_csv_cell(root: Path) -> None:
    text = 'key,grant,when\nk,Task: Dispense,"role(Nurse) or not role(""Senior Nurse"")"\n'
    write(root, {"permissionRules.csv": text})
    assert findings(root) == [
        (
            "permissionRules.csv",
            (1, 18, 1, 59),
            "warning",
            "rule-always",
            "this condition always holds; the rule grants 'Task: Dispense' to every user "
            "everywhere (write true if that is meant)",
        )
    ]


def test_true_says_what_it_means(root: Path) -> None:
    write(root, {"rules.yaml": rules(rule("k", " true"), rule("j", " 'true'"))})
    assert findings(root) == []


def test_rule_redundant_names_the_other_rule_and_points_at_it(root: Path) -> None:
    text = rules(
        rule("wide", " role(Nurse)", "['App: Registration']"),
        rule("narrow", " role('Senior Nurse') and tag('Inpatient Ward')", "['App: Registration']"),
    )
    write(root, {"rules.yaml": text})
    result = check_directory(root, jobs=1)
    [d] = result.diagnostics
    assert (d.path, d.range, d.severity, d.code) == (
        "rules.yaml",
        pos(text, 6, "role('Senior Nurse') and tag('Inpatient Ward')"),
        "information",
        "rule-redundant",
    )
    assert d.message == (
        "every user this rule grants to already gets 'App: Registration' from rule 'wide'"
    )
    [rel] = d.related
    assert (rel.path, rel.range, rel.message) == (
        "rules.yaml",
        pos(text, 3, "role(Nurse)"),
        "rule 'wide'",
    )


def test_redundancy_spans_files_and_formats(root: Path) -> None:
    write(
        root,
        {
            "rules.yaml": rules(rule("a", " role(Clerk) or role(Nurse)")),
            "permissionRules.csv": "key,grant,when\nb,Task: Dispense,role(Clerk)\n",
        },
    )
    got = findings(root)
    # rules are taken in path order: the CSV's comes first, so the YAML rule is the later
    # one, and it is not covered (a Nurse gets nothing from rule b); rule b is
    assert [(p, c) for p, _r, _s, c, _m in got] == [("permissionRules.csv", "rule-redundant")]
    assert got[0][4] == "every user this rule grants to already gets 'Task: Dispense' from rule 'a'"


def test_too_many_names_is_a_limit_as_information(root: Path) -> None:
    when = " " + " or ".join(f"role(R{i})" for i in range(21))
    roles = "".join(f"  - key: R{i}\n" for i in range(21))
    write(root, {"more.yaml": "roles:\n" + roles, "rules.yaml": rules(rule("k", when))})
    [(path, at, severity, code, message)] = findings(root)
    assert (path, at[0], severity, code) == ("rules.yaml", 3, "information", "limit")
    assert message.startswith("this condition has 21 distinct names, more than 20")


# ---- where names come from -------------------------------------------------------------------

INITIALIZER = {
    "configuration/privileges/privileges.csv": (
        "Uuid,Privilege name,Description\n0b1f1a9e-4d5c-4b8e-9f6e-1a2b3c4d5e61,Task: Vitals,\n"
    ),
    "configuration/roles/roles.csv": (
        "Uuid,Role name,Description,Inherited roles,Privileges\n"
        "1e3f2a9e-4d5c-4b8e-9f6e-1a2b3c4d5e62,Ward Nurse,,,Task: Vitals\n"
        "2e3f2a9e-4d5c-4b8e-9f6e-1a2b3c4d5e63,Charge Nurse,,Ward Nurse,\n"
    ),
    "configuration/locations/locations.csv": (
        "Uuid,Name,Description,Parent,Tags\n"
        "3e3f2a9e-4d5c-4b8e-9f6e-1a2b3c4d5e64,Kijabe Hospital,,,Login Location\n"
        "4e3f2a9e-4d5c-4b8e-9f6e-1a2b3c4d5e65,Maternity,,Kijabe Hospital,Night Shift\n"
    ),
}


def test_names_resolve_from_initializer_csvs_with_their_relations(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", dict(INITIALIZER))
    write(
        root,
        {
            "rules.yaml": rules(
                # `Night Shift` is a tag the locations Tags cell creates; names compare as
                # Initializer compares them; a grant names an Initializer privilege
                rule("a", " role('charge nurse') and tag('NIGHT SHIFT')", "['task: vitals']"),
                # a Charge Nurse includes Ward Nurse, who holds Task: Vitals
                rule(
                    "b",
                    " \"role('Charge Nurse') and not privilege('Task: Vitals')\"",
                    "['Task: Vitals']",
                ),
                # Maternity lies under Kijabe Hospital and carries no Login Location
                rule("c", " location(Maternity) and tag('Login Location')", "['Task: Vitals']"),
                rule("d", " role(Ward Nurce)", "['Task: Vitls']"),
            )
        },
    )
    got = [(r[0], c, m) for _p, r, _s, c, m in findings(root, "rules.yaml")]
    assert got == [
        (
            3,
            "rule-redundant",
            "every user this rule grants to already gets 'task: vitals' from their roles",
        ),
        (
            6,
            "rule-never",
            "this condition can never hold (role Charge Nurse holds Task: Vitals); "
            "the rule never grants 'Task: Vitals'",
        ),
        (
            9,
            "rule-never",
            "this condition can never hold (Login Location is carried by Kijabe Hospital); "
            "the rule never grants 'Task: Vitals'",
        ),
        (11, "unresolved-reference", "no privilege 'Task: Vitls'; did you mean 'Task: Vitals'?"),
        (12, "rule-syntax", 'a name with spaces needs quotes: role("Ward Nurce")'),
    ]


def test_names_an_installed_module_creates_resolve(root: Path) -> None:
    # `Organizational: Doctor` is a role openmrs-core creates; `App: coreapps.findPatient` a
    # privilege coreapps' config.xml declares (the module data pack)
    when = " \"role('Organizational: Doctor') or privilege('App: coreapps.findPatient')\""
    write(root, {"rules.yaml": rules(rule("k", when, "['App: coreapps.findPatient']"))})
    assert findings(root) == []


def test_modules_not_installed_create_nothing(root: Path) -> None:
    write(
        root,
        {
            "bundle-ls.yaml": "modules: [openmrs-core, users, locations, permissions]\n",
            "rules.yaml": rules(rule("k", " \"privilege('App: coreapps.findPatient')\"")),
        },
    )
    [(_p, _r, _s, code, message)] = findings(root, "rules.yaml")
    assert (code, message) == ("unresolved-reference", "no privilege 'App: coreapps.findPatient'")


# ---- x-expression in any module schema --------------------------------------------------------

TRIAGE = """\
x-module: triage
properties:
  triageLevels:
    type: array
    items:
      type: object
      properties:
        key: {{type: string, x-key: true}}
        visibleWhen: {{type: {type}, x-expression: {language}}}
"""


def test_any_module_schema_may_hold_conditions(root: Path, tmp_path: Path) -> None:
    schemas = write(
        tmp_path / "schemas",
        {"triage.schema.yaml": TRIAGE.format(type="string", language="permission-rule")},
    )
    text = (
        "triageLevels:\n"
        "  - key: red\n"
        "    visibleWhen: role(Nurse) and not role(Nurse)\n"
        "  - key: amber\n"
        "    visibleWhen: role(Nurce)\n"
        "  - key: green\n"
        "    visibleWhen: role(Clerk)\n"
    )
    write(root, {"triage.yaml": text})
    got = check_directory(root, [schemas], jobs=1).diagnostics
    assert sorted((d.range, d.code, d.message) for d in got) == [
        (
            pos(text, 2, "role(Nurse) and not role(Nurse)"),
            "rule-never",
            "this condition can never hold (it contradicts itself)",
        ),
        (pos(text, 4, "Nurce"), "unresolved-reference", "no role 'Nurce'; did you mean 'Nurse'?"),
    ]


@pytest.mark.parametrize(("type_", "language"), [("string", "cel"), ("integer", "permission-rule")])
def test_a_wrong_x_expression_stops_the_check(
    root: Path, tmp_path: Path, type_: str, language: str
) -> None:
    schemas = write(
        tmp_path / "schemas", {"triage.schema.yaml": TRIAGE.format(type=type_, language=language)}
    )
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = run_check([str(root)], [schemas], "text", 1)
    assert code == 2
    assert err.getvalue() == (
        f"bundle-ls: {schemas / 'triage.schema.yaml'}: x-expression at "
        "/properties/triageLevels/items/properties/visibleWhen must be 'permission-rule', "
        "'privilege-name', on a property of type string\n"
    )


def test_rules_are_valid_configuration_in_yaml_and_csv(root: Path) -> None:
    write(
        root,
        {
            "rules.yaml": rules(
                "  - key: desk\n"
                "    description: Clerks at the desk dispense.\n"
                '    grant: ["Task: Dispense"]\n'
                '    when: role(Clerk) and tag("Registration Desk")\n',
                rule("ward", ' role(Nurse) and tag("Inpatient Ward")', "['Task: Admit Patient']"),
            ),
            "permissionRules.csv": (
                "key,grant,when\n"
                'night,App: Registration;Task: Dispense,"role(Nurse) and location(""Ward 3"")"\n'
            ),
        },
    )
    out = io.StringIO()
    with redirect_stdout(out):
        code = run_check([str(root)], [], "json", 1)
    assert (code, json.loads(out.getvalue())["diagnostics"]) == (0, [])


def test_the_built_in_pack_declares_rules_with_a_condition_and_privilege_names() -> None:
    schemas = SchemaSet.load([builtin_schema_dir()], frozenset(LANGUAGES))
    ns = schemas.namespaces["permissionRules"]
    assert ns.module.id == "permissions"
    assert ns.files == ["**/permissionRules.csv"]
    props = ns.item_schema["properties"]
    assert props["when"]["x-expression"] == "permission-rule"
    assert props["grant"]["items"]["x-expression"] == "privilege-name"


def test_x_expression_names_a_language_the_dialects_provide(tmp_path: Path) -> None:
    write(tmp_path, {"triage.schema.yaml": TRIAGE.format(type="string", language="cel")})
    with pytest.raises(InvalidSchema):
        SchemaSet.load([builtin_schema_dir(), tmp_path], frozenset(LANGUAGES))
    # without the list of languages (a schema tool), only the type is checked
    SchemaSet.load([builtin_schema_dir(), tmp_path])


def test_nesting_too_deep_is_a_limit_at_analysis(root: Path) -> None:
    when = " " + "(" * 101 + "role(Nurse)" + ")" * 101
    write(root, {"rules.yaml": rules(rule("k", when))})
    [(_p, at, severity, code, message)] = findings(root)
    assert (at, severity, code) == ((3, 10, 3, 10 + len(when) - 1), "information", "limit")
    assert message == "nesting deeper than 100 levels of parentheses or 'not' is not checked"
