"""`bundle-ls permissions`: explain what a user holds and why; the roles × tags matrix."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bundle_ls.dialects.permissions.report import (
    UnknownName,
    explain,
    explanation_json,
    explanation_text,
    matrix,
    matrix_csv,
    matrix_json,
    matrix_text,
)
from bundle_ls.dialects.permissions.world import LocationTag, World, WorldIndex

from .conftest import make_world, rule


def test_explain_names_the_role_or_the_rule_and_the_atoms_that_held(index) -> None:
    x = explain(index, ["Senior Nurse"], "Ward 4")
    assert explanation_text(x) == (
        "roles Senior Nurse at Main Hospital › Ward 4 (tags: Inpatient Ward)\n"
        "  App: Inpatient Ward\n"
        '      rule ward-admission: role(Nurse) and tag("Inpatient Ward") and not role(Student)\n'
        "  App: Registration\n"
        '      rule registration-desk: location("Main Hospital")\n'
        "  Task: Admit Patient\n"
        "      role Senior Nurse\n"
        '      rule ward-admission: role(Nurse) and tag("Inpatient Ward") and not role(Student)\n'
        "  Task: Take Vitals\n"
        "      role Senior Nurse (through Nurse)\n"
        "  View Patients\n"
        "      role Senior Nurse (through Nurse)\n"
        "rules not evaluated (they have errors):\n"
        "  broken: no role 'Nures'; did you mean 'Nurse'?\n"
    )


def test_a_role_that_denies_nothing_still_stops_a_rule_that_says_not(index) -> None:
    x = explain(index, ["nurse", "STUDENT"], "ward 3")  # names compare without case
    held = {p.name for p in x.privileges}
    assert "App: Inpatient Ward" not in held
    assert x.roles == ("Nurse", "Student") and x.location == "Ward 3"


def test_without_a_location_no_tag_or_location_holds(index) -> None:
    x = explain(index, ["Clerk"])
    assert explanation_text(x).splitlines()[:2] == [
        "roles Clerk at no session location",
        "  holds no privilege",
    ]


def test_explain_as_json(index) -> None:
    data = explanation_json(explain(index, ["Clerk"], "Outpatient Clinic"))
    assert json.loads(json.dumps(data)) == {
        "roles": ["Clerk"],
        "location": "Outpatient Clinic",
        "locationPath": ["Outpatient Clinic"],
        "locationTags": ["Night Pharmacy", "Registration Desk"],
        "privileges": [
            {
                "privilege": "App: Registration",
                "because": [{"rule": "registration-desk", "atoms": ['tag("Registration Desk")']}],
            },
            {
                "privilege": "Task: Dispense",
                "because": [
                    {
                        "rule": "night-pharmacy",
                        "atoms": ["role(Clerk)", 'tag("Night Pharmacy")'],
                    }
                ],
            },
        ],
        "skippedRules": [{"rule": "broken", "reason": "no role 'Nures'; did you mean 'Nurse'?"}],
    }


def test_a_negated_atom_is_part_of_the_reason() -> None:
    world = make_world((rule("no-students", "App: Registration", "not role(Student)"),))
    x = explain(WorldIndex(world), ["Clerk"])
    assert x.privileges[0].reasons[0].atoms == ("not role(Student)",)


@pytest.mark.parametrize(
    ("roles", "location", "message"),
    [
        (["Nures"], None, "no role 'Nures' in the configuration; did you mean 'Nurse'?"),
        (
            ["Nurse"],
            "Ward 9",
            "no location 'Ward 9' in the configuration; did you mean 'Ward 3' or 'Ward 4'?",
        ),
        (["Xyz"], None, "no role 'Xyz' in the configuration"),
    ],
)
def test_an_unknown_role_or_location_is_a_clear_error(index, roles, location, message) -> None:
    with pytest.raises(UnknownName) as err:
        explain(index, roles, location)
    assert str(err.value) == message


# ---- matrix -------------------------------------------------------------------------------


def test_the_matrix_gives_what_rules_grant_per_role_and_tag(index) -> None:
    cells = {(c.role, c.tag): (c.everywhere, c.somewhere) for c in matrix(index).cells}
    assert cells[("Nurse", "Inpatient Ward")] == (
        ("App: Inpatient Ward", "App: Registration", "Task: Admit Patient"),
        (),
    )
    # Login Location: Main Hospital and Ward 3; only Ward 3 is an inpatient ward
    assert cells[("Nurse", "Login Location")] == (
        ("App: Registration",),
        (("App: Inpatient Ward", ("Ward 3",)), ("Task: Admit Patient", ("Ward 3",))),
    )
    assert cells[("Student", "Inpatient Ward")] == (("App: Registration",), ())
    assert cells[("Infirmière chef", "Inpatient Ward")] == cells[("Nurse", "Inpatient Ward")]


def test_matrix_every_location_or_only_some() -> None:
    world = make_world(
        (
            rule("ward-3-only", "App: Registration", "role(Clerk) and location('Ward 3')"),
            rule("wards", "Task: Dispense", "role(Clerk) and tag('Inpatient Ward')"),
        )
    )
    m = matrix(WorldIndex(world))
    cell = next(c for c in m.cells if (c.role, c.tag) == ("Clerk", "Inpatient Ward"))
    assert cell.everywhere == ("Task: Dispense",)
    assert cell.somewhere == (("App: Registration", ("Ward 3",)),)
    assert "  Inpatient Ward     Task: Dispense, App: Registration (only at Ward 3)" in (
        matrix_text(m).splitlines()
    )


def test_a_tag_no_location_carries_is_judged_at_a_place_of_its_own() -> None:
    base = make_world()
    world = World(
        base.roles,
        base.privileges,
        (*base.tags, LocationTag("Spare")),
        base.locations,
        (rule("odd", "App: Registration", "tag(Spare) and not location('Main Hospital')"),),
    )
    m = matrix(WorldIndex(world))
    cell = next(c for c in m.cells if (c.role, c.tag) == ("Student", "Spare"))
    assert cell.everywhere == ("App: Registration",)


def test_matrix_as_json_and_csv(index) -> None:
    m = matrix(index)
    data = json.loads(json.dumps(matrix_json(m)))
    assert data["roles"] == [
        "Nurse",
        "Senior Nurse",
        "Student",
        "Pharmacist",
        "Infirmière chef",
        "Clerk",
    ]
    assert data["tags"] == [
        "Inpatient Ward",
        "Registration Desk",
        "Login Location",
        "Night Pharmacy",
    ]
    clerk_night = next(
        c for c in data["cells"] if (c["role"], c["tag"]) == ("Clerk", "Night Pharmacy")
    )
    assert clerk_night == {
        "role": "Clerk",
        "tag": "Night Pharmacy",
        "privileges": ["App: Registration", "Task: Dispense"],
        "onlyAt": {},
    }
    assert data["skippedRules"] == [
        {"rule": "broken", "reason": "no role 'Nures'; did you mean 'Nurse'?"}
    ]
    rows = list(csv.reader(io.StringIO(matrix_csv(m))))
    assert rows[0] == ["role", "tag", "privilege", "where"]
    assert ["Clerk", "Night Pharmacy", "Task: Dispense", ""] in rows
    assert ["Student", "Night Pharmacy", "Task: Dispense", ""] not in rows
