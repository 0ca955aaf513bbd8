"""Edits of an Initializer folder through the editor's Workspace: its cross-file findings
are kept by the index and re-checked row by row (dialects/initializer/names.py tells the
index when a name's standing changes), and after every edit they equal a fresh analysis
of the same texts, including when a name's standing changes without any key coming or
going (a tag created a second time, a created tag then defined by a row)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bundle_ls.editor.workspace import Workspace
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.analysis import analyze

LOCATIONS = "configuration/locations/locations.csv"
TAGS = "configuration/locationtags/locationtags.csv"
ROWS = [
    "Uuid,Name,Description,Parent,Tags",
    "a1000000-0000-4000-8000-000000000001,Hospital Central,main,,Login Location",
    "a1000000-0000-4000-8000-000000000002,Ward Medicine,a ward,Hospital Central,Logn Location",
    "a1000000-0000-4000-8000-000000000003,Ward Surgery,a ward,Hospital Centrl,Visit Location",
    "a1000000-0000-4000-8000-000000000004,Ward Maternity,a ward,Ward Surgery,",
]


def _sig(diags):
    return sorted(
        (
            d.path,
            d.range,
            d.severity,
            d.code,
            d.message,
            [(r.path, r.range) for r in d.related or ()],
        )
        for d in diags
    )


def assert_fresh(ws: Workspace) -> list:
    index = ProjectIndex(ws.root, ws.ctx.cross_checks)
    for path, st in ws.docs.items():
        facts = analyze(ws.ctx, path, st.text)[1] if st.lines is not None else ws.index.files[path]
        index.update(facts)
    for path in ws.docs:
        assert _sig(ws.diagnostics(path)) == _sig(index.diagnostics(path)), path
    return [d for p in ws.docs for d in ws.diagnostics(p)]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    (root / "configuration" / "locations").mkdir(parents=True)
    (root / "configuration" / "locationtags").mkdir(parents=True)
    (root / LOCATIONS).write_text("\n".join(ROWS) + "\n")
    (root / TAGS).write_text("Uuid,Name\nb1000000-0000-4000-8000-000000000001,Visit Location\n")
    w = Workspace.load(root)
    w.index_files(w.discover())
    for rel in (LOCATIONS, TAGS):
        w.open(rel, (root / rel).read_text(), 1)
    return w


def type_at(ws: Workspace, rel: str, line: int, col: int, text: str, end: int | None = None):
    st = ws.docs[rel]
    ws.change(rel, [((line, col, line, col if end is None else end), text)], (st.version or 1) + 1)
    ws.flush(rel)


def messages(found) -> list[str]:
    return [d.message for d in found if d.code == "unresolved-reference"]


def test_a_name_s_standing_changes_without_any_key_coming_or_going(ws: Workspace):
    found = assert_fresh(ws)
    # 'Logn Location' is created only by the row that names it: a slip of 'Login Location'
    assert any("locationtags 'Logn Location'" in m for m in messages(found))
    assert any("locations 'Hospital Centrl'" in m for m in messages(found))
    # another row creates 'Logn Location' too: created elsewhere, no longer a slip
    line = ROWS[4]
    type_at(ws, LOCATIONS, 4, len(line), "Logn Location")
    found = assert_fresh(ws)
    assert not any("locationtags 'Logn Location'" in m for m in messages(found))
    # and back: the second creation goes
    type_at(ws, LOCATIONS, 4, len(line), "", len(line) + len("Logn Location"))
    assert any("locationtags 'Logn Location'" in m for m in messages(assert_fresh(ws)))
    # a row of locationtags.csv defines it: resolved, although the key was there already
    tags = ws.docs[TAGS].lines
    type_at(ws, TAGS, len(tags) - 1, 0, "b1000000-0000-4000-8000-000000000002,Logn Location\n")
    assert not any("locationtags 'Logn Location'" in m for m in messages(assert_fresh(ws)))
    # the parent's name corrected: the slip goes; renamed: the references to it break
    row3 = ROWS[3]
    at = row3.index("Hospital Centrl") + len("Hospital Centr")
    type_at(ws, LOCATIONS, 3, at, "a")
    assert not any("locations 'Hospital" in m for m in messages(assert_fresh(ws)))
    type_at(ws, LOCATIONS, 1, ROWS[1].index(",main"), "e")
    assert any("locations 'Hospital Central'" in m for m in messages(assert_fresh(ws)))


@pytest.mark.parametrize("seed", range(6))
def test_random_typing_in_cells_equals_a_fresh_analysis(ws: Workspace, seed: int):
    rng = random.Random(seed)
    alphabet = "aeiouxLHWS ;,"
    for _ in range(25):
        rel = LOCATIONS if rng.random() < 0.8 else TAGS
        lines = ws.docs[rel].lines
        line = rng.randrange(1, max(2, len(lines) - 1))
        text = lines[line]
        col = rng.randrange(0, len(text) + 1)
        if rng.random() < 0.3 and col < len(text):
            type_at(ws, rel, line, col, "", col + 1)  # a deletion
        else:
            type_at(ws, rel, line, col, rng.choice(alphabet))
        assert_fresh(ws)
