"""Hover, definition, references, rename, symbols and quick fixes as plain functions."""

from __future__ import annotations

import uuid

import pytest

from bundle_ls.documents.results import FeatureError
from bundle_ls.editor.features.code_actions import code_actions
from bundle_ls.editor.features.definition import definition
from bundle_ls.editor.features.hover import hover
from bundle_ls.editor.features.references import references
from bundle_ls.editor.features.rename import prepare_rename, rename
from bundle_ls.editor.features.symbols import document_symbols, workspace_symbols
from bundle_ls.editor.view import ProjectView

from .conftest import open_doc, pos_of

EXTRA = "bundles/malaria/extra.yaml"
CSV = "bundles/malaria/drugs.csv"


def read(ws, rel):
    return (ws.root / rel).read_text()


def test_hover_on_a_key_a_reference_and_a_property(ws):
    text = read(ws, "rooms.yaml")
    h = hover(ProjectView(ws), "rooms.yaml", *pos_of(text, "MAIN_STORE", 3))
    u = uuid.uuid5(uuid.NAMESPACE_URL, "openmrs-config:stockRooms/MAIN_STORE")
    assert (
        f"derived UUID (from the namespace and key): `{u}`" in h.markdown
        and "2 places reference it" in h.markdown
    )
    assert "The room's unique name." in h.markdown
    assert h.range == (1, 9, 1, 19)
    h = hover(ProjectView(ws), CSV, *pos_of(read(ws, CSV), "COLD_RM", 1))
    assert "no stockRooms key of that name is defined" in h.markdown
    h = hover(ProjectView(ws), "locations.yaml", *pos_of(read(ws, "locations.yaml"), "tags"))
    assert "**Tags**" in h.markdown and "Runtime-mutable" in h.markdown
    h = hover(ProjectView(ws), "rooms.yaml", *pos_of(text, "stockRooms"))
    assert h.markdown.startswith("**Stock rooms**\n\nRooms that hold stock.")


def test_hover_after_lines_moved_in_an_open_document(ws):
    text = open_doc(ws, EXTRA)
    ws.change(EXTRA, [((2, 0, 2, 0), "    strengthMg: 5\n")], 2)
    ws.flush(EXTRA)
    line, ch = pos_of(text, "QUIN")
    h = hover(ProjectView(ws), EXTRA, line + 1, ch)
    assert "Key `QUIN` of `drugs`" in h.markdown


def test_definition_and_references(ws):
    text = read(ws, EXTRA)
    locs = definition(ProjectView(ws), EXTRA, *pos_of(text, "MAIN_STORE"))
    assert [(loc.path, loc.range) for loc in locs] == [("rooms.yaml", (1, 9, 1, 19))]
    locs = definition(ProjectView(ws), CSV, *pos_of(read(ws, CSV), "forms/arte"))
    assert [loc.path for loc in locs] == ["forms/artesunate.txt"]
    refs = references(
        ProjectView(ws), "rooms.yaml", *pos_of(read(ws, "rooms.yaml"), "COLD_ROOM"), False
    )
    assert sorted(r.path for r in refs) == [CSV, EXTRA]
    assert definition(ProjectView(ws), EXTRA, *pos_of(text, "form: syrup")) == []


def test_rename_touches_only_the_key_text(ws):
    text = read(ws, "rooms.yaml")
    rng, name = prepare_rename(ProjectView(ws), "rooms.yaml", *pos_of(text, "Ward A"))
    inner = (*pos_of(text, "Ward A"), *pos_of(text, "Ward A", 6))  # inside the quotes
    assert name == "Ward A" and rng == inner
    edits = rename(ProjectView(ws), "rooms.yaml", *pos_of(text, "Ward A"), 'Ward "A"')
    extra = read(ws, EXTRA)
    assert sorted((e.path, e.range, e.new_text) for e in edits) == [
        (EXTRA, (*pos_of(extra, "Ward A"), *pos_of(extra, "Ward A", 6)), 'Ward \\"A\\"'),
        ("rooms.yaml", inner, 'Ward \\"A\\"'),
    ]
    edits = rename(ProjectView(ws), CSV, *pos_of(read(ws, CSV), "ACT_TAB"), "ACT")
    assert sorted((e.path, e.new_text) for e in edits) == [(CSV, "ACT"), (EXTRA, "ACT")]
    with pytest.raises(FeatureError, match="may not contain ';'"):
        rename(ProjectView(ws), "rooms.yaml", *pos_of(text, "COLD_ROOM"), "A;B")
    assert prepare_rename(ProjectView(ws), "rooms.yaml", *pos_of(text, "label")) is None


def test_symbols(ws):
    syms = document_symbols(ProjectView(ws), EXTRA)
    assert [(s.name, [c.name for c in s.children]) for s in syms] == [
        ("drugs", ["PARA", "QUIN", "ACT_TAB"])
    ]
    assert {
        (s.name, s.location.path, s.container) for s in workspace_symbols(ProjectView(ws), "ward")
    } == {
        ("Ward A", "rooms.yaml", "stockRooms"),
        ("Ward B", "locations.yaml", "locations"),
    }


def test_quick_fixes(ws):
    text = read(ws, "locations.yaml")
    line, ch = pos_of(text, "Main Hospitl")
    (fix,) = code_actions(ProjectView(ws), "locations.yaml", (line, ch, line, ch))
    assert fix.title == "Change to 'Main Hospital'" and fix.preferred
    assert [(e.range, e.new_text) for e in fix.edits] == [
        ((line, ch, line, ch + 12), "Main Hospital")
    ]
    text = read(ws, EXTRA)
    line, ch = pos_of(text, "key: QUIN")
    (add,) = code_actions(ProjectView(ws), EXTRA, (line, ch, line, ch))
    end = pos_of(text, "- COLD_ROOM", 11)
    assert [(e.range, e.new_text) for e in add.edits] == [((*end, *end), "\n    name: ")]
    # CSV: a missing column is added to the header
    csv = "bundles/new/drugs.csv"
    open_doc(ws, csv, "key,form\nX,tablet\n")
    (add,) = code_actions(ProjectView(ws), csv, (1, 0, 1, 0))  # on the row missing it
    assert add.title == "Add column 'name'"
    assert [(e.range, e.new_text) for e in add.edits] == [((0, 8, 0, 8), ",name")]
