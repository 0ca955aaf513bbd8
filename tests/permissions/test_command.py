"""`bundle-ls permissions DIR …`: what a user holds and why, the roles × tags matrix, and
the exits that say why not; and the pieces the dialect shares with Initializer's."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bundle_ls.cli import main
from bundle_ls.dialects.initializer.cross import fold as initializer_fold
from bundle_ls.dialects.moduledata import load_module_data, load_module_domains
from bundle_ls.dialects.permissions.names import fold
from bundle_ls.dialects.permissions.terms import PACK_DOMAINS

from .test_check import DEFINITIONS, write

RULES = """\
permissionRules:
  - key: ward-admission
    grant: ["Task: Admit Patient"]
    when: role(Nurse) and tag("Inpatient Ward") and not role(Student)
  - key: desk
    grant: ["App: Registration"]
    when: tag("Registration Desk") or location("Ward 3")
  - key: broken
    grant: ["Task: Dispense"]
    when: role(Nures)
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    ward4 = "locations:\n  - key: Ward 4\n    name: Ward 4\n    tags: [Inpatient Ward]\n"
    files = {"users.yaml": DEFINITIONS, "ward4.yaml": ward4, "rules.yaml": RULES}
    return write(tmp_path / "config", files)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["permissions", *argv])
    return code, out.getvalue(), err.getvalue()


def test_explain_says_which_role_or_rule_gives_each_privilege(root: Path) -> None:
    code, out, err = run(str(root), "--role", "Senior Nurse", "--location", "ward 3")
    assert (code, err) == (0, "")
    assert out == (
        "roles Senior Nurse at Main Hospital › Ward 3 (tags: Inpatient Ward)\n"
        "  App: Registration\n"
        '      rule desk: location("Ward 3")\n'
        "  Task: Admit Patient\n"
        "      role Senior Nurse\n"
        '      rule ward-admission: role(Nurse) and tag("Inpatient Ward") and not role(Student)\n'
        "rules not evaluated (they have errors):\n"
        "  broken: no role 'Nures'; did you mean 'Nurse'?\n"
    )


def test_explain_as_json_and_csv(root: Path) -> None:
    _code, out, _err = run(str(root), "--role", "Nurse", "--role", "Student", "--format", "json")
    x = json.loads(out)
    assert x["roles"] == ["Nurse", "Student"] and x["location"] is None
    assert x["privileges"] == []  # no location: no tag holds; Student stops ward-admission
    assert x["skippedRules"] == [
        {"rule": "broken", "reason": "no role 'Nures'; did you mean 'Nurse'?"}
    ]
    _code, out, _err = run(str(root), "--role", "Clerk", "--location", "Ward 3", "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [
        ["privilege", "source", "name", "because"],
        ["App: Registration", "role", "Clerk", ""],
        ["App: Registration", "rule", "desk", 'location("Ward 3")'],
    ]


def test_the_matrix_of_roles_and_location_tags(root: Path) -> None:
    code, out, _err = run(str(root), "--matrix")
    assert code == 0
    assert out.splitlines()[:6] == [
        "Clerk",
        "  Inpatient Ward     App: Registration (only at Ward 3)",
        "  Registration Desk  App: Registration",
        "Nurse",
        "  Inpatient Ward     Task: Admit Patient, App: Registration (only at Ward 3)",
        "  Registration Desk  App: Registration",
    ]
    _code, out, _err = run(str(root), "--matrix", "--format", "json")
    m = json.loads(out)
    assert m["roles"] == ["Clerk", "Nurse", "Senior Nurse", "Student"]
    assert m["tags"] == ["Inpatient Ward", "Registration Desk"]
    [cell] = [c for c in m["cells"] if (c["role"], c["tag"]) == ("Student", "Inpatient Ward")]
    assert cell == {
        "role": "Student",
        "tag": "Inpatient Ward",
        "privileges": [],
        "onlyAt": {"App: Registration": ["Ward 3"]},
    }
    _code, out, _err = run(str(root), "--matrix", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["role", "tag", "privilege", "where"]
    assert ["Senior Nurse", "Inpatient Ward", "Task: Admit Patient", ""] in rows


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "Nurze"], "no role 'Nurze' in the configuration; did you mean 'Nurse'?"),
        (
            ["--role", "Nurse", "--location", "Ward 9"],
            "no location 'Ward 9' in the configuration; did you mean 'Ward 3' or 'Ward 4'?",
        ),
        ([], "give at least one --role (or --matrix)"),
        (["--matrix", "--role", "Nurse"], "--matrix takes no --role or --location"),
    ],
)
def test_what_cannot_be_explained_exits_2_with_the_reason(
    root: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(str(root), *argv)
    assert (code, out, err) == (2, "", f"bundle-ls permissions: {message}\n")


def test_a_directory_that_cannot_be_checked_exits_2(tmp_path: Path) -> None:
    root = write(tmp_path / "config", {"bundle-ls.yaml": "schemas: [nowhere]\n"})
    code, out, err = run(str(root), "--matrix")
    assert (code, out) == (2, "")
    assert err.startswith("bundle-ls permissions: ") and "nowhere" in err
    code, _out, err = run(str(tmp_path / "missing"), "--matrix")
    assert code == 2 and "not a folder" in err


def test_names_fold_as_initializer_folds_them() -> None:
    for name in ["Nurse", " NURSE ", "Infirmière Chef", "infirmiere chef", "Ärztin", "病棟", ""]:
        assert fold(name) == initializer_fold(name)


def test_the_four_pack_domains_read_alone_are_what_the_whole_pack_holds() -> None:
    wanted = set(PACK_DOMAINS.values())
    whole = load_module_data()
    expected = {m: {d: e for d, e in doms.items() if d in wanted} for m, doms in whole.items()}
    assert load_module_domains(wanted) == expected
    assert any(e for doms in expected.values() for e in doms.values())
