"""A small hand-made hospital: roles, privileges, location tags, locations and rules."""

from __future__ import annotations

import pytest

from bundle_ls.dialects.permissions.expr import parse
from bundle_ls.dialects.permissions.world import (
    Location,
    LocationTag,
    Origin,
    Privilege,
    Role,
    Rule,
    World,
    WorldIndex,
)

ROLES = (
    Role(
        "Nurse",
        privileges=("View Patients", "Task: Take Vitals"),
        description="Ward and clinic nurses",
        origins=(Origin("roles key", "roles.yaml", (1, 10, 1, 15)),),
    ),
    Role("Senior Nurse", inherits=("Nurse",), privileges=("Task: Admit Patient",)),
    Role("Student"),
    Role("Pharmacist", privileges=("Task: Dispense",), aliases=("5f1b-pharmacist-uuid",)),
    Role("Infirmière chef", inherits=("Senior Nurse",)),
    Role("Clerk"),
)
PRIVILEGES = tuple(
    Privilege(p)
    for p in (
        "View Patients",
        "Task: Take Vitals",
        "Task: Admit Patient",
        "Task: Dispense",
        "App: Inpatient Ward",
        "App: Registration",
    )
)
TAGS = (
    LocationTag("Inpatient Ward", description="Wards with beds"),
    LocationTag("Registration Desk"),
    LocationTag("Login Location"),
    LocationTag("Night Pharmacy", origins=(Origin("created by a locations Tags cell"),)),
)
LOCATIONS = (
    Location("Main Hospital", tags=("Login Location",)),
    Location("Ward 3", parent="Main Hospital", tags=("Inpatient Ward", "Login Location")),
    Location("Ward 4", parent="Main Hospital", tags=("Inpatient Ward",)),
    Location("Bed 4A", parent="Ward 4"),
    Location("Outpatient Clinic", tags=("Registration Desk", "Night Pharmacy")),
)


def rule(key: str, grant: str | tuple[str, ...], when: str) -> Rule:
    return Rule(key, (grant,) if isinstance(grant, str) else grant, parse(when))


RULES = (
    rule(
        "ward-admission",
        ("Task: Admit Patient", "App: Inpatient Ward"),
        'role(Nurse) and tag("Inpatient Ward") and not role(Student)',
    ),
    rule(
        "registration-desk",
        "App: Registration",
        'tag("Registration Desk") or location("Main Hospital")',
    ),
    rule("night-pharmacy", "Task: Dispense", 'role(Clerk) and tag("Night Pharmacy")'),
    rule("broken", "App: Registration", "role(Nures) and tag(Ward)"),
)


def make_world(rules: tuple[Rule, ...] = RULES) -> World:
    return World(ROLES, PRIVILEGES, TAGS, LOCATIONS, rules)


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def index(world: World) -> WorldIndex:
    return WorldIndex(world)
