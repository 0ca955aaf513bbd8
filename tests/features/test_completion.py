"""Completion as a plain function over a Workspace, and the cursor context behind it."""

from __future__ import annotations

import pytest

from bundle_ls.documents.quoting import yaml_scalar
from bundle_ls.documents.text_context import KEY, VALUE, csv_context, yaml_context
from bundle_ls.editor.features.completion import complete
from bundle_ls.editor.view import ProjectView
from bundle_ls.index.key_search import MAX_KEYS, KeySearch

from .conftest import open_doc, pos_of


def at(ws, rel, text, needle, offset):
    open_doc(ws, rel, text)
    line, ch = pos_of(text, needle, offset)
    return complete(ProjectView(ws), rel, line, ch)


def labels(items):
    return [i.label for i in items]


@pytest.mark.parametrize(
    "text,needle,offset,mode,path,word",
    [
        ("dr", "dr", 2, KEY, [], "dr"),
        ("drugs:\n  - key: X\n    fo", "    fo", 6, KEY, ["drugs", None], "fo"),
        ("drugs:\n  - key: X\n    form: ta", "ta", 2, VALUE, ["drugs", None, "form"], "ta"),
        ("drugs:\n- key: X\n  form: ", "form: ", 6, VALUE, ["drugs", None, "form"], ""),
        ("a:\n  b:\n    - - c: [x, y", "y", 1, VALUE, ["a", "b", None, None, "c"], "y"),
        (
            "drugs:\n  - key: X\n    storedIn:\n      - CO",
            "CO",
            2,
            KEY,
            ["drugs", None, "storedIn", None],
            "CO",
        ),
        ("x:\n  y: 'ab", "ab", 1, VALUE, ["x", "y"], "a"),
        (
            "drugs:\n  - key: X\n    sub:\n      deep: 1\n    na",
            "    na",
            6,
            KEY,
            ["drugs", None],
            "na",
        ),
    ],
)
def test_yaml_context_from_text(text, needle, offset, mode, path, word):
    line, ch = pos_of(text, needle, offset)
    ctx = yaml_context(text.split("\n"), line, ch)
    assert (ctx.mode, ctx.path, ctx.word) == (mode, path, word)


def test_flow_sequence_context_knows_the_other_items():
    text = "d:\n  - s: [A, B, C\n    t: 1"
    line, ch = pos_of(text, "B", 1)
    ctx = yaml_context(text.split("\n"), line, ch)
    assert ctx.in_flow and ctx.word == "B" and ctx.flow_items == ["A", "C"]
    assert (ctx.start, ctx.end) == (pos_of(text, "B")[1], pos_of(text, "B", 1)[1])


class CountingLines(list):
    reads = 0

    def __getitem__(self, i):
        CountingLines.reads += 1
        return super().__getitem__(i)


@pytest.mark.parametrize("items", [1_000, 20_000])
def test_completion_context_reads_the_same_lines_whatever_the_file_size(items):
    lines = CountingLines(["drugs:"])
    for i in range(items):
        lines += [f"  - key: D{i}", f"    name: Drug {i}", "    form: tablet"]
    lines += ["  - key: NEW", "    fo"]
    CountingLines.reads = 0

    def item_at(i):  # what the Workspace's last analysis says (see test below)
        return (i, 2, "drugs") if list.__getitem__(lines, i).startswith("  - ") else None

    ctx = yaml_context(lines, len(lines) - 1, 6, lambda i: 0, item_at)
    assert ctx.path == ["drugs", None] and ctx.siblings == {"key"}
    assert CountingLines.reads < 20


def test_the_workspace_hints_follow_pending_edits(ws):
    rel = "bundles/malaria/extra.yaml"
    text = open_doc(ws, rel)
    line, _ = pos_of(text, "  - key: ACT_TAB")
    ws.change(rel, [((1, 0, 1, 0), "\n\n")], 2)  # two lines above, not yet analysed
    top, item = ProjectView(ws).context_hints(rel)
    assert item(line + 2) == (line + 2, 2, "drugs")
    assert item(line) is None
    assert top(line + 2) == 0


def test_namespaces_properties_and_values(ws):
    rel = "bundles/typing.yaml"
    items = at(ws, rel, "", "", 0)
    assert {"drugs", "stockRooms", "dispensing", "locations"} <= set(labels(items))
    items = at(ws, rel, "stockRooms:\n  - key: A\n    ", "    ", 4)
    assert labels(sorted(items, key=lambda i: i.sort_text)) == ["label", "kind", "refrigerated"]
    assert next(i for i in items if i.label == "label").documentation.startswith(
        "**Label**\n\nWhat staff see on screen."
    )
    items = at(ws, rel, "stockRooms:\n  - key: A\n    kind: ", "kind: ", 6)
    assert labels(items) == ["store", "ward", "fridge"]
    items = at(ws, rel, "stockRooms:\n  - key: A\n    kind:", "kind:", 5)
    assert [i.new_text for i in items] == [" store", " ward", " fridge"]  # a space after the colon


def test_a_new_item_in_a_list_of_objects(ws):
    rel = "bundles/typing.yaml"
    items = at(ws, rel, "stockRooms:\n  - key: A\n    label: a\n  ", "a\n  ", 4)
    assert [(i.label, i.new_text, i.range) for i in items] == [("- key", "- key: ", (3, 2, 3, 2))]


def test_reference_values_come_from_every_file(ws):
    rel = "bundles/typing.yaml"
    items = at(ws, rel, "dispensing:\n  firstLineDrug: ", "Drug: ", 6)
    assert set(labels(items)) == {"ARTE_INJ", "ACT_TAB", "PARA", "QUIN"}
    items = at(ws, rel, "drugs:\n  - key: X\n    storedIn: [Ward A, ", "Ward A, ", 8)
    assert set(labels(items)) == {"MAIN_STORE", "COLD_ROOM"}
    # a list property with no `[` yet: the item comes as a one-item list
    items = at(ws, rel, "drugs:\n  - key: X\n    storedIn: M", "storedIn: M", 11)
    assert {i.label: i.new_text for i in items}["MAIN_STORE"] == "[MAIN_STORE]"


def test_values_are_written_as_yaml_reads_them():
    assert yaml_scalar("MAIN_STORE") == "MAIN_STORE"
    assert yaml_scalar("Ward A") == "Ward A"
    assert yaml_scalar("Ward: A") == '"Ward: A"'
    assert yaml_scalar("true") == '"true"'
    assert yaml_scalar("007") == '"007"'
    assert yaml_scalar("- x") == '"- x"'


def test_csv_context_and_completion(ws):
    line = 'X,X drug,"tab",MAIN_STORE; CO'
    ctx = csv_context(["key,name,form,storedIn", line], 1, len(line), ",", ";")
    assert (ctx.column, ctx.column_name, ctx.word) == (3, "storedIn", "CO")
    assert ctx.cell_parts == ["MAIN_STORE", "CO"]
    ctx = csv_context(["key,name,form", line], 1, line.index("tab") + 2, ",", ";")
    assert (ctx.column_name, ctx.word, ctx.quote) == ("form", "ta", True)
    rel = "bundles/new/drugs.csv"
    items = at(ws, rel, 'key,name,form,storedIn\nX,X drug,"ta"\n', "ta", 2)
    assert labels(items) == ["tablet", "syrup", "injection", "powder"]
    items = at(ws, rel, "key,name,form,storedIn\nX,Y,tablet,", "tablet,", 7)
    assert set(labels(items)) == {"MAIN_STORE", "COLD_ROOM", "Ward A"}
    items = at(ws, rel, "key,name,", "name,", 5)
    assert labels(sorted(items, key=lambda i: i.sort_text)) == [
        "form",
        "leaflet",
        "storedIn",
        "strengthMg",
    ]


def test_a_large_namespace_offers_the_keys_matching_the_word_and_says_there_are_more(ws):
    rooms = "".join(f"  - key: ROOM_{i:04d}\n    label: Room {i}\n" for i in range(2000))
    (ws.root / "many_rooms.yaml").write_text("stockRooms:\n" + rooms)
    ws.index_files(["many_rooms.yaml"])
    text = "dispensing:\n  defaultRoom: room_015"
    items = at(ws, "settings.yaml", text, "room_015", 8)
    # the keys starting with the word, whatever their place among 2,000 keys; all of them
    assert labels(items) == [f"ROOM_{i:04d}" for i in range(150, 160)]
    assert not items.incomplete
    items = at(ws, "settings.yaml", "dispensing:\n  defaultRoom: 1", "1", 1)
    # too many contain "1": the first MAX_KEYS of them, and the editor is told to ask again
    assert len(items) == MAX_KEYS and items.incomplete
    assert all("1" in i.label for i in items)
    # a key added in another file is offered at once
    (ws.root / "more_rooms.yaml").write_text("stockRooms:\n  - key: ROOM_01599X\n    label: X\n")
    ws.index_files(["more_rooms.yaml"])
    items = at(ws, "settings.yaml", "dispensing:\n  defaultRoom: ROOM_01599", "ROOM_01599", 10)
    assert labels(items) == ["ROOM_01599X"]
    # a key renamed goes from the offers too; the kept search, brought up to date from the
    # index's key log, equals one made from scratch
    (ws.root / "more_rooms.yaml").write_text("stockRooms:\n  - key: Room_0150\n    label: X\n")
    ws.index_files(["more_rooms.yaml"])
    items = at(ws, "settings.yaml", "dispensing:\n  defaultRoom: ROOM_015", "ROOM_015", 8)
    assert "ROOM_01599X" not in labels(items) and labels(items)[:2] == ["ROOM_0150", "Room_0150"]
    kept = KeySearch.of(ws.index, "stockRooms")
    fresh = KeySearch(ws.index.keys_of("stockRooms"))
    assert (kept.keys, kept.lowered) == (fresh.keys, fresh.lowered)
