"""The `permissionRules` namespace of the built-in schema pack, and `x-expression`, through
`bundle-ls --check` as it is today (the expression checks are wired in later)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from bundle_ls.cli import run_check
from bundle_ls.dialects.base import builtin_schema_dir
from bundle_ls.dialects.module_schemas.schemas import InvalidSchema, SchemaSet

DEFINITIONS = """\
privileges:
  - key: "App: Registration"
  - key: "Task: Dispense"
roles:
  - key: Clerk
    privileges: ["App: Registration"]
"""


def check(root: Path) -> tuple[int, list[dict]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = run_check([str(root)], [], "json", 1)
    return code, json.loads(out.getvalue())["diagnostics"]


def where(d: dict) -> tuple[str, int, int, str]:
    s = d["range"]["start"]
    return Path(d["path"]).name, s["line"], s["character"], d["code"]


def test_rules_in_yaml_and_csv_are_valid_configuration(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text(DEFINITIONS)
    (tmp_path / "rules.yaml").write_text(
        "permissionRules:\n"
        "  - key: desk\n"
        "    description: Clerks at the desk register patients.\n"
        '    grant: ["App: Registration"]\n'
        '    when: role(Clerk) and tag("Registration Desk")\n'
        "  - key: everyone\n"
        "    grant: ['Task: Dispense']\n"
        "    when: true\n"
    )
    (tmp_path / "permissionRules.csv").write_text(
        "key,grant,when\n"
        'night,App: Registration;Task: Dispense,"role(Clerk) and tag(""Night Pharmacy"")"\n'
    )
    assert check(tmp_path) == (0, [])


def test_grants_are_references_to_privileges(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text(DEFINITIONS)
    (tmp_path / "rules.yaml").write_text(
        "permissionRules:\n  - key: a\n    grant: ['App: Registraton']\n    when: role(Clerk)\n"
    )
    (tmp_path / "permissionRules.csv").write_text(
        "key,grant,when\nb,Task: Dispense; Task: Dispens,role(Clerk)\n"
    )
    code, diags = check(tmp_path)
    assert code == 1
    assert sorted(where(d) for d in diags) == [
        ("permissionRules.csv", 1, 18, "unresolved-reference"),
        ("rules.yaml", 2, 12, "unresolved-reference"),
    ]
    assert {d["message"] for d in diags} == {
        "no privileges key 'App: Registraton'; did you mean 'App: Registration'?",
        "no privileges key 'Task: Dispens'; did you mean 'Task: Dispense'?",
    }


def test_a_rule_needs_a_grant_and_a_condition(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text(DEFINITIONS)
    (tmp_path / "rules.yaml").write_text(
        "permissionRules:\n  - key: a\n    grant: []\n    when: 3\n  - key: b\n    grant: ['Task: Dispense']\n"
    )
    code, diags = check(tmp_path)
    assert code == 1
    assert sorted((where(d)[1:], d["message"]) for d in diags) == [
        ((2, 11, "schema"), "[] should be non-empty"),
        ((3, 10, "schema"), "expected a string or true or false, got 3"),
        ((4, 4, "schema"), "missing required property 'when'"),
    ]


def test_the_built_in_pack_declares_the_expression_property() -> None:
    schemas = SchemaSet.load([builtin_schema_dir()])
    ns = schemas.namespaces["permissionRules"]
    assert ns.module.id == "permissions"
    assert ns.files == ["**/permissionRules.csv"]
    assert ns.item_schema["properties"]["when"]["x-expression"] == "permission-rule"
    assert ns.item_schema["properties"]["grant"]["items"]["x-ref"] == "privileges"


MODULE = """\
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


def test_any_module_schema_may_declare_an_expression_property(tmp_path: Path) -> None:
    (tmp_path / "triage.schema.yaml").write_text(
        MODULE.format(type="string", language="permission-rule")
    )
    schemas = SchemaSet.load([builtin_schema_dir(), tmp_path])
    props = schemas.namespaces["triageLevels"].item_schema["properties"]
    assert props["visibleWhen"]["x-expression"] == "permission-rule"


@pytest.mark.parametrize(("type_", "language"), [("string", "cel"), ("integer", "permission-rule")])
def test_a_wrong_x_expression_makes_the_schema_invalid(
    tmp_path: Path, type_: str, language: str
) -> None:
    (tmp_path / "triage.schema.yaml").write_text(MODULE.format(type=type_, language=language))
    with pytest.raises(InvalidSchema) as err:
        SchemaSet.load([builtin_schema_dir(), tmp_path])
    assert str(err.value) == (
        f"{tmp_path / 'triage.schema.yaml'}: x-expression at "
        "/properties/triageLevels/items/properties/visibleWhen must be 'permission-rule', "
        "on a property of type string"
    )
