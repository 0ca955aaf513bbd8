"""Editor features inside an expression: completion, hover, names, rename, semantic tokens."""

from __future__ import annotations

import pytest

from bundle_ls.dialects.permissions.editor import (
    completion,
    hover,
    name_at,
    names,
    references,
    rename_edits,
    semantic_tokens,
)
from bundle_ls.dialects.permissions.expr import parse

from .test_source_map import apply, yaml_map


def labels(items) -> list[str]:
    return [i.label for i in items]


# ---- completion -----------------------------------------------------------------------------


def test_a_condition_starts_with_a_function_not_true_false_or_a_parenthesis(index) -> None:
    for text in ("", "not ", "role(Nurse) and ", "(role(A) or "):
        items = completion(index, text, len(text))
        assert labels(items) == ["role", "privilege", "tag", "location", "not", "true", "false"]
        assert items[0].insert == "role("


def test_after_a_condition_only_and_or_come(index) -> None:
    items = completion(index, "role(Nurse) a", 13)
    assert labels(items) == ["and", "or"]
    assert items[0].span == (12, 13)  # replaces the word being typed


def test_after_role_paren_the_roles_come_quoted_when_they_need_it(index) -> None:
    items = completion(index, "tag(X) and role(Nu) or true", 18)
    assert [(i.label, i.insert) for i in items] == [
        ("Nurse", "Nurse"),
        ("Senior Nurse", '"Senior Nurse"'),
        ("Student", "Student"),
        ("Pharmacist", "Pharmacist"),
        ("Infirmière chef", '"Infirmière chef"'),
        ("Clerk", "Clerk"),
    ]
    assert {i.span for i in items} == {(16, 18)}  # the whole name `Nu`
    assert {i.kind for i in items} == {"role"}


def test_each_function_completes_its_own_kind_of_name(index) -> None:
    assert labels(completion(index, "tag(", 4)) == [
        "Inpatient Ward",
        "Registration Desk",
        "Login Location",
        "Night Pharmacy",
    ]
    assert "Bed 4A" in labels(completion(index, "location(", 9))
    assert "Task: Dispense" in labels(completion(index, "PRIVILEGE( ", 11))
    details = {i.label: i.detail for i in completion(index, "location(", 9)}
    assert details["Bed 4A"] == "in Ward 4"


def test_inside_an_open_quote_names_keep_that_quote(index) -> None:
    items = completion(index, "tag('Inpa", 9)
    item = items[0]
    assert (item.label, item.insert, item.span) == ("Inpatient Ward", "'Inpatient Ward'", (4, 9))
    assert item.filter_text == "'Inpatient Ward'"
    # the closing quote already there is replaced too
    items = completion(index, 'tag("In") or x', 6)
    assert items[0].span == (4, 8) and items[0].insert == '"Inpatient Ward"'


def test_the_quote_asked_for_is_used_for_names_that_need_one(index) -> None:
    items = completion(index, "role(", 5, quote="'")
    assert {i.label: i.insert for i in items}["Senior Nurse"] == "'Senior Nurse'"


def test_completion_works_after_an_earlier_mistake(index) -> None:
    assert labels(completion(index, "rol(x) and tag(", 15))[0] == "Inpatient Ward"
    assert labels(completion(index, "rol(x) and ", 11))[0] == "role"


# ---- names, references, hover -------------------------------------------------------------------


TEXT = "role('Infirmière chef') and tag(Inpatient_Ward) or location(\"Bed 4A\") or role(NURSE)"


def test_names_resolve_to_their_entities(index) -> None:
    refs = names(index, parse(TEXT))
    assert [(r.func, r.name, r.entity) for r in refs] == [
        ("role", "Infirmière chef", 4),
        ("tag", "Inpatient_Ward", None),
        ("location", "Bed 4A", 3),
        ("role", "NURSE", 0),
    ]
    assert TEXT[slice(*refs[2].span)] == "Bed 4A"
    assert TEXT[slice(*refs[2].token_span)] == '"Bed 4A"'


def test_the_name_under_the_cursor(index) -> None:
    p = parse(TEXT)
    assert name_at(index, p, TEXT.index("Bed")).name == "Bed 4A"
    assert name_at(index, p, TEXT.index("NURSE") + 5).name == "NURSE"  # just after it
    assert name_at(index, p, 1) is None  # on the function


def test_references_find_every_spelling_of_an_entity(index) -> None:
    text = "role(Nurse) or role(nurse) and not role(' NURSE ') or role(Nursery)"
    spans = references(index, parse(text), "role", 0)
    assert [text[slice(*s)] for s in spans] == ["Nurse", "nurse", " NURSE "]


def test_hover_on_a_role_shows_what_it_includes_and_holds(index) -> None:
    p = parse(TEXT)
    h = hover(index, p, TEXT.index("Infirm") + 2)
    assert TEXT[slice(*h.span)] == "'Infirmière chef'"
    assert h.markdown == (
        "**role** Infirmière chef\n\n"
        "Includes roles: Senior Nurse\n\n"
        "Through them also: Nurse\n\n"
        "Privileges: none of its own\n\n"
        "Through included roles: Task: Admit Patient, Task: Take Vitals, View Patients"
    )


def test_hover_on_a_role_shows_its_description_and_where_it_is_defined(index) -> None:
    h = hover(index, parse(TEXT), TEXT.index("NURSE"))
    assert h.markdown == (
        "**role** Nurse\n\nWard and clinic nurses\n\n"
        "Privileges: View Patients, Task: Take Vitals\n\nDefined by: roles key"
    )


def test_hover_on_a_tag_lists_its_locations_and_on_a_location_its_place(index) -> None:
    text = "tag('Inpatient Ward') or location('Bed 4A') or tag('Night Pharmacy')"
    p = parse(text)
    assert hover(index, p, 6).markdown == (
        "**location tag** Inpatient Ward\n\nWards with beds\n\nCarried by: Ward 3, Ward 4"
    )
    assert hover(index, p, text.index("Bed")).markdown == (
        "**location** Bed 4A\n\nInside: Main Hospital › Ward 4"
    )
    assert hover(index, p, text.index("Night")).markdown == (
        "**location tag** Night Pharmacy\n\nCarried by: Outpatient Clinic\n\n"
        "Defined by: created by a locations Tags cell"
    )


def test_hover_on_an_unknown_name_suggests_close_ones(index) -> None:
    h = hover(index, parse("role(Nures)"), 6)
    assert h.markdown == "no role 'Nures'; did you mean 'Nurse'?"


def test_hover_on_functions_and_keywords_explains_them(index) -> None:
    p = parse(TEXT)
    assert hover(index, p, 0).markdown.startswith("**role(…)** holds when the user has the role")
    assert hover(index, p, TEXT.index(" and ") + 2).markdown == "**and** both conditions hold"


# ---- rename -------------------------------------------------------------------------------------


def test_rename_rewrites_every_spelling_and_quotes_as_needed() -> None:
    text = "role(Nurse) or role('nurse') or role(Nursery) or tag(Nurse)"
    edits = rename_edits(parse(text), "role", "Nurse", "Senior Nurse")
    out = text
    for (s, e), new in sorted(edits, reverse=True):
        out = out[:s] + new + out[e:]
    assert out == ("role(\"Senior Nurse\") or role('Senior Nurse') or role(Nursery) or tag(Nurse)")


def test_rename_switches_quotes_when_the_new_name_holds_the_old_quote() -> None:
    edits = rename_edits(parse("role('Nurse')"), "role", "Nurse", "Chef's Nurse")
    assert edits == [((5, 12), '"Chef\'s Nurse"')]
    edits = rename_edits(parse('role("Senior Nurse")'), "role", "Senior Nurse", "Nurse")
    assert edits == [((5, 19), '"Nurse"')]  # quotes that still fit are kept


@pytest.mark.parametrize(
    ("doc", "after"),
    [
        ("r:\n  - when: role(Nurse) or tag(X)\n", 'role("Head Nurse") or tag(X)'),
        ('r:\n  - when: "role(Nurse) or tag(X)"\n', "role('Head Nurse') or tag(X)"),
        ("r:\n  - when: 'role(Nurse) or tag(X)'\n", 'role("Head Nurse") or tag(X)'),
    ],
)
def test_rename_inside_a_yaml_scalar_needs_no_escapes(doc: str, after: str) -> None:
    from bundle_ls.documents.source_map import preferred_quote, value_edits

    smap, _ = yaml_map(doc)
    edits = rename_edits(
        parse(smap.value), "role", "Nurse", "Head Nurse", preferred_quote(smap.style)
    )
    new_doc = apply(doc, value_edits(smap, edits))
    assert yaml_map(new_doc)[0].value == after
    assert "\\" not in new_doc and "''" not in new_doc


# ---- semantic tokens ---------------------------------------------------------------------------


def test_semantic_tokens_mark_functions_names_operators_and_literals() -> None:
    text = 'role(A) and not tag("B C") or TRUE'
    got = [(text[slice(*t.span)], t.kind, t.func) for t in semantic_tokens(parse(text))]
    assert got == [
        ("role", "function", None),
        ("(", "paren", None),
        ("A", "name", "role"),
        (")", "paren", None),
        ("and", "operator", None),
        ("not", "operator", None),
        ("tag", "function", None),
        ("(", "paren", None),
        ('"B C"', "name", "tag"),
        (")", "paren", None),
        ("or", "operator", None),
        ("TRUE", "literal", None),
    ]


def test_semantic_tokens_of_a_broken_expression_cover_what_can_be_read() -> None:
    text = "role(A) && tag(B)"
    got = [(text[slice(*t.span)], t.kind) for t in semantic_tokens(parse(text))]
    assert ("tag", "function") in got and ("B", "name") in got and ("A", "name") in got


def test_semantic_tokens_split_at_line_ends_in_a_folded_scalar() -> None:
    doc = 'r:\n  - when: >-\n      role(A) and tag("Long\n      Name")\n'
    smap, _ = yaml_map(doc)
    name = next(t for t in semantic_tokens(parse(smap.value)) if t.func == "tag")
    assert smap.line_ranges(*name.span) == [(2, 22, 2, 27), (3, 6, 3, 11)]
