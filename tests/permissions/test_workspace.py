"""The editor inside conditions and grants (a `Workspace`, as the server drives it): the
language is asked first; completion, hover, definition, references, rename in each scalar
style, semantic tokens, the quick fix; and re-checking after edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundle_ls.dialects.permissions.terms import LANGUAGE
from bundle_ls.documents.positions import LineIndex
from bundle_ls.editor.features.code_actions import code_actions
from bundle_ls.editor.features.completion import complete
from bundle_ls.editor.features.definition import definition
from bundle_ls.editor.features.hover import hover
from bundle_ls.editor.features.references import references
from bundle_ls.editor.features.rename import prepare_rename, rename
from bundle_ls.editor.features.semantic_tokens import semantic_tokens
from bundle_ls.editor.view import ProjectView
from bundle_ls.editor.workspace import Workspace

from .test_check import DEFINITIONS, write

RULES = """\
permissionRules:
  - key: ward-admission
    grant: ["Task: Admit Patient"]
    when: role(Nurse) and tag("Inpatient Ward") and not role(Student)
  - key: desk
    grant: ['App: Registration']
    when: 'tag(''Registration Desk'') and role(nurse)'
  - key: escaped
    grant: ["Task: Dispense"]
    when: "role(\\"Nurse\\") or location(\\"Ward 3\\")"
  - key: folded
    grant: ["Task: Dispense"]
    when: >-
      role(Clerk) and
      not role(Nurse)
"""
CSV = 'key,grant,when\nnight,Task: Dispense,"role(Nurse) and tag(""Registration Desk"")"\n'


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = write(
        tmp_path / "config",
        {"users.yaml": DEFINITIONS, "rules.yaml": RULES, "permissionRules.csv": CSV},
    )
    w = Workspace.load(root)
    w.index_files(w.discover())
    return w


def at(text: str, needle: str, offset: int = 0, nth: int = 0) -> tuple[int, int]:
    """(line, character) of the nth `needle` in `text`, plus `offset` (ASCII text)."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += offset
    return text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1)


def typing(ws: Workspace, rel: str, text: str, needle: str, offset: int):
    """Open `rel` with `text` and complete at `needle` + `offset`."""
    ws.open(rel, text, 1)
    return complete(ProjectView(ws), rel, *at(text, needle, offset))


def apply(text: str, edits) -> str:
    """The text with the edits (of one file) applied."""
    lines = LineIndex(text)

    def offset(line: int, ch: int) -> int:
        return sum(len(x) + 1 for x in lines.lines[:line]) + lines.from_utf16(line, ch)

    for e in sorted(edits, key=lambda e: e.range, reverse=True):
        a, b = offset(*e.range[:2]), offset(*e.range[2:])
        text = text[:a] + e.new_text + text[b:]
    return text


# ---- completion --------------------------------------------------------------------------------


def test_names_after_role_are_quoted_when_they_need_it(ws: Workspace) -> None:
    text = RULES + "  - key: new\n    grant: ['Task: Dispense']\n    when: role(Nurse) or role(\n"
    items = typing(ws, "rules.yaml", text, "or role(", 8)
    by_label = {i.label: i for i in items}
    assert {"Clerk", "Nurse", "Senior Nurse", "Student"} <= set(by_label)
    senior = by_label["Senior Nurse"]
    assert senior.new_text == '"Senior Nurse"'
    assert senior.filter_text == '"Senior Nurse"'
    line, ch = at(text, "or role(", 8)
    assert senior.range == (line, ch, line, ch)
    assert by_label["Nurse"].new_text == "Nurse"
    # the configuration's roles first, then the dozens OpenMRS core and modules create
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_text)]
    assert ordered[:4] == ["Clerk", "Nurse", "Senior Nurse", "Student"]
    assert "Organizational: Doctor" in ordered[4:]


def test_a_quoted_name_keeps_its_quote_and_the_scalars_quote_is_avoided(ws: Workspace) -> None:
    # in a double-quoted scalar, a name is quoted with ' (no escape needed)
    text = RULES.replace('or location(\\"Ward 3\\")"', 'or role(Sen"')
    items = typing(ws, "rules.yaml", text, "or role(Sen", 11)
    [senior] = [i for i in items if i.label == "Senior Nurse"]
    line, ch = at(text, "or role(Sen", 8)
    assert (senior.range, senior.new_text) == ((line, ch, line, ch + 3), "'Senior Nurse'")
    # inside a quote already opened, the name keeps that quote
    text = RULES.replace("and role(nurse)'", "and role(''Sen'")
    items = typing(ws, "rules.yaml", text, "and role(''Sen", 14)
    [senior] = [i for i in items if i.label == "Senior Nurse"]
    assert senior.new_text == "''Senior Nurse''"  # a single quote is doubled in the scalar


def test_keywords_and_functions_where_a_condition_starts_or_continues(ws: Workspace) -> None:
    text = RULES + "  - key: new\n    grant: ['Task: Dispense']\n    when: role(Clerk) \n"
    after = {i.label for i in typing(ws, "rules.yaml", text, "when: role(Clerk) ", 18)}
    assert after == {"and", "or"}
    text = RULES + "  - key: new\n    grant: ['Task: Dispense']\n    when: not \n"
    start = {i.label for i in typing(ws, "rules.yaml", text, "when: not ", 10)}
    assert {"role", "privilege", "tag", "location", "not", "true", "false"} == start


def test_an_empty_condition_offers_how_to_start(ws: Workspace) -> None:
    text = RULES + "  - key: new\n    grant: ['Task: Dispense']\n    when: \n"
    items = typing(ws, "rules.yaml", text, "    when: ", 10)
    assert {"role(", "tag(", "not", "true"} <= {i.new_text.strip() for i in items}


def test_names_in_a_csv_cell(ws: Workspace) -> None:
    text = CSV + 'day,Task: Dispense,"role(Nurse) and tag("""\n'
    items = typing(ws, "permissionRules.csv", text, 'tag("""', 6)  # inside the name's quote
    assert [i.new_text for i in items if i.label == "Registration Desk"] == [
        '""Registration Desk""'
    ]


def test_grants_complete_privilege_names(ws: Workspace) -> None:
    text = RULES.replace("grant: ['App: Registration']", "grant: ['App: Reg']")
    items = typing(ws, "rules.yaml", text, "['App: Reg", 10)
    [reg] = [i for i in items if i.label == "App: Registration"]
    line, ch = at(text, "App: Reg")
    assert (reg.range, reg.new_text) == ((line, ch, line, ch + 8), "App: Registration")


# ---- hover, definition, references --------------------------------------------------------------


def test_hover_on_a_name_shows_its_definition(ws: Workspace) -> None:
    ws.open("rules.yaml", RULES, 1)
    text = RULES.replace("role(Nurse) and tag", "role('Senior Nurse') and tag")
    ws.open("rules.yaml", text, 2)
    h = hover(ProjectView(ws), "rules.yaml", *at(text, "Senior Nurse", 3))
    assert h.range == (3, 15, 3, 29)  # the name with its quotes
    assert h.markdown.split("\n\n") == [
        "**role** Senior Nurse",
        "Includes roles: Nurse",
        "Privileges: Task: Admit Patient",
        "Defined by: roles key in users.yaml",
    ]
    h = hover(ProjectView(ws), "rules.yaml", *at(text, "not role", 1))
    assert h.markdown == "**not** the condition does not hold"


def test_definition_of_a_name_in_a_condition(ws: Workspace) -> None:
    view = ProjectView(ws)
    [loc] = definition(view, "rules.yaml", *at(RULES, "role(nurse)", 6))
    assert (loc.path, loc.range) == ("users.yaml", (7, 9, 7, 14))
    [loc] = definition(view, "permissionRules.csv", *at(CSV, '""Registration Desk""', 3))
    assert (loc.path, loc.range) == ("users.yaml", (14, 9, 14, 26))


def test_references_find_names_in_conditions_compared_as_initializer_does(ws: Workspace) -> None:
    view = ProjectView(ws)
    locs = references(view, "users.yaml", *at(DEFINITIONS, "key: Nurse", 6), True)
    got = sorted((loc.path, loc.range) for loc in locs)
    assert got == [
        ("permissionRules.csv", (1, 27, 1, 32)),
        ("rules.yaml", (3, 15, 3, 20)),
        ("rules.yaml", (6, 47, 6, 52)),  # role(nurse)
        ("rules.yaml", (9, 18, 9, 23)),  # role(\"Nurse\")
        ("rules.yaml", (14, 15, 14, 20)),
        ("users.yaml", (7, 9, 7, 14)),  # the key
        ("users.yaml", (9, 21, 9, 26)),  # Senior Nurse's inheritedRoles
    ]
    # from a name inside a condition, the same
    again = references(view, "rules.yaml", *at(RULES, "role(Nurse)", 6), True)
    assert sorted((loc.path, loc.range) for loc in again) == got


# ---- rename ----------------------------------------------------------------------------------


def test_rename_rewrites_every_condition_in_its_own_scalar_style(ws: Workspace) -> None:
    view = ProjectView(ws)
    rng, name = prepare_rename(view, "rules.yaml", *at(RULES, "role(Nurse)", 7))
    assert (rng, name) == ((3, 15, 3, 20), "Nurse")
    edits = rename(view, "rules.yaml", *at(RULES, "role(Nurse)", 7), "Ward Nurse")
    by_file: dict[str, list] = {}
    for e in edits:
        by_file.setdefault(e.path, []).append(e)
    assert apply(RULES, by_file["rules.yaml"]) == (
        "permissionRules:\n"
        "  - key: ward-admission\n"
        '    grant: ["Task: Admit Patient"]\n'
        '    when: role("Ward Nurse") and tag("Inpatient Ward") and not role(Student)\n'
        "  - key: desk\n"
        "    grant: ['App: Registration']\n"
        "    when: 'tag(''Registration Desk'') and role(\"Ward Nurse\")'\n"
        "  - key: escaped\n"
        '    grant: ["Task: Dispense"]\n'
        '    when: "role(\\"Ward Nurse\\") or location(\\"Ward 3\\")"\n'
        "  - key: folded\n"
        '    grant: ["Task: Dispense"]\n'
        "    when: >-\n"
        "      role(Clerk) and\n"
        '      not role("Ward Nurse")\n'
    )
    assert apply(CSV, by_file["permissionRules.csv"]) == (
        'key,grant,when\nnight,Task: Dispense,"role(\'Ward Nurse\') and tag(""Registration Desk"")"\n'
    )
    assert "- key: Ward Nurse" in apply(DEFINITIONS, by_file["users.yaml"])
    assert "inheritedRoles: [Ward Nurse]" in apply(DEFINITIONS, by_file["users.yaml"])


def test_rename_of_a_privilege_rewrites_grants(ws: Workspace) -> None:
    view = ProjectView(ws)
    edits = rename(view, "users.yaml", *at(DEFINITIONS, "Task: Dispense", 2), "Task: Give Drugs")
    rules = [e for e in edits if e.path == "rules.yaml"]
    assert apply(RULES, rules).count('grant: ["Task: Give Drugs"]') == 2
    csv = [e for e in edits if e.path == "permissionRules.csv"]
    assert apply(CSV, csv).startswith("key,grant,when\nnight,Task: Give Drugs,")


# ---- semantic tokens and quick fixes ---------------------------------------------------------------


def test_semantic_tokens_colour_the_parts_of_conditions(ws: Workspace) -> None:
    ws.open("rules.yaml", RULES, 1)
    tokens = semantic_tokens(ProjectView(ws), "rules.yaml")
    first = [(t.range, t.type) for t in tokens if t.range[0] == 3]
    assert first[:5] == [
        ((3, 10, 3, 14), "function"),
        ((3, 14, 3, 15), "operator"),
        ((3, 15, 3, 20), "variable"),
        ((3, 20, 3, 21), "operator"),
        ((3, 22, 3, 25), "keyword"),
    ]
    # a folded scalar's condition: tokens on the lines they are written on
    folded = [(t.range, t.type) for t in tokens if t.range[0] in (13, 14)]
    assert folded[:3] == [
        ((13, 6, 13, 10), "function"),
        ((13, 10, 13, 11), "operator"),
        ((13, 11, 13, 16), "variable"),
    ]
    assert ((14, 6, 14, 9), "keyword") in folded


def test_the_did_you_mean_fix_is_written_for_the_scalar(ws: Workspace) -> None:
    text = RULES.replace('role(\\"Nurse\\") or', 'role(\\"Nures\\") or')
    ws.open("rules.yaml", text, 1)
    view = ProjectView(ws)
    line, ch = at(text, "Nures")
    [d] = [d for d in view.diagnostics("rules.yaml") if d.code == "unresolved-reference"]
    assert d.range == (line, ch, line, ch + 5)
    [fix] = code_actions(view, "rules.yaml", d.range)
    assert fix.title == "Change to 'Nurse'"
    assert apply(text, fix.edits) == RULES


# ---- re-checking -----------------------------------------------------------------------------------


def test_an_edit_of_one_rule_is_re_checked_alone(ws: Workspace) -> None:
    ws.open("rules.yaml", RULES, 1)
    assert [d.code for d in ws.diagnostics("rules.yaml")] == []
    checker = ws.index.derived[LANGUAGE].checker
    judged = len(checker._memo)
    line, ch = at(RULES, "role(Clerk) and")
    ws.change("rules.yaml", [((line, ch, line, ch + 11), "role(Nurse)")], 2)
    result = ws.flush("rules.yaml")
    assert result.incremental
    [d] = ws.diagnostics("rules.yaml")
    assert (d.code, d.range) == ("rule-never", (13, 6, 14, 21))
    assert ws.index.derived[LANGUAGE].checker is checker  # the world stands
    assert len(checker._memo) == judged + 1  # one condition judged anew


def test_a_changed_role_definition_re_checks_the_rules(ws: Workspace) -> None:
    ws.open("rules.yaml", RULES, 1)
    ws.diagnostics("rules.yaml")
    ws.open("users.yaml", DEFINITIONS, 1)
    # Clerk now includes Nurse: `role(Clerk) and not role(Nurse)` can never hold
    line, ch = at(DEFINITIONS, '    privileges: ["App: Registration"]')
    ws.change("users.yaml", [((line, 0, line, 0), "    inheritedRoles: [Nurse]\n")], 2)
    affected = ws.flush("users.yaml").affected
    assert "rules.yaml" in affected
    [d] = ws.diagnostics("rules.yaml")
    assert (d.code, d.message) == (
        "rule-never",
        "this condition can never hold (role Clerk includes Nurse); "
        "the rule never grants 'Task: Dispense'",
    )


def test_a_grant_hovers_and_goes_to_its_privilege(ws: Workspace) -> None:
    view = ProjectView(ws)
    at_grant = at(RULES, "Task: Dispense", 2)
    h = hover(view, "rules.yaml", *at_grant)
    assert h.markdown.startswith("**privilege** Task: Dispense")
    [loc] = definition(view, "rules.yaml", *at_grant)
    assert (loc.path, loc.range[0]) == ("users.yaml", 2)
