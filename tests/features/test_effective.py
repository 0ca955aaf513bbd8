"""The effective configuration in the editor's core (no server): the hover's words for an
object defined in many files, a value holding backticks, code lenses, and the namespaces
"Show effective configuration" offers."""

from __future__ import annotations

from pathlib import Path

from bundle_ls.editor.features.effective import (
    also_defined_lenses,
    effective_hover,
    namespace_at,
    namespaces_with_objects,
)
from bundle_ls.editor.features.hover import hover
from bundle_ls.editor.view import ProjectView
from bundle_ls.editor.workspace import Workspace

UUID = "aaaaaaaa-0000-4000-8000-000000000001"


def workspace(root: Path, files: dict[str, str]) -> Workspace:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    ws = Workspace.load(root)
    ws.index_files(ws.discover())
    return ws


def test_a_row_defined_in_twelve_files(tmp_path: Path):
    files = {
        f"configuration/locations/l{i:02}.csv": f"Uuid,Name,Description\n{UUID},Ward A,take {i}\n"
        for i in range(12)
    }
    ws = workspace(tmp_path, files)
    view = ProjectView(ws)
    text = effective_hover(view, "configuration/locations/l00.csv", 1, 40)
    assert text is not None
    # no _order anywhere: by path, and l11.csv is loaded last
    assert "set by [configuration/locations/l11.csv:2]" in text
    assert "- `Description: take 11`" in text
    assert "Also defined in 11 other places:" in text
    listed = [line for line in text.splitlines() if line.startswith("- [")]
    assert len(listed) == 10 and text.rstrip().endswith("- … 1 more")
    assert "[configuration/locations/l00.csv:2]" in listed[0] and "(here)" in listed[0]
    (lens,) = also_defined_lenses(view, "configuration/locations/l00.csv")
    assert lens.title == "also in 11 files" and len(lens.places) == 11
    assert lens.range[0] == 1


def test_values_with_backticks_stay_in_their_code_span(tmp_path: Path):
    ws = workspace(
        tmp_path,
        {
            "configuration/locations/a.csv": f"Uuid,Name,Description\n{UUID},Ward A,uses `x`\n",
            "configuration/locations/b.csv": f"Uuid,Name,Description\n{UUID},Ward A,plain\n",
        },
    )
    text = effective_hover(ProjectView(ws), "configuration/locations/b.csv", 1, 2)
    assert text is not None
    assert "`` Description: plain ``" not in text  # no backtick: one-backtick span
    assert "- `Description: plain`" in text
    other = effective_hover(ProjectView(ws), "configuration/locations/a.csv", 1, 2)
    assert other is not None and "- `Description: plain`" in other
    ws.open("configuration/locations/b.csv", f"Uuid,Name,Description\n{UUID},Ward A,a `b` c\n", 2)
    edited = effective_hover(ProjectView(ws), "configuration/locations/a.csv", 1, 2)
    assert edited is not None and "- `` Description: a `b` c ``" in edited


def test_the_hover_keeps_the_dialects_words_first(tmp_path: Path):
    ws = workspace(
        tmp_path,
        {
            "configuration/locations/a.csv": f"Uuid,Name\n{UUID},Ward A\n",
            "configuration/locations/b.csv": f"Uuid,Name\n{UUID},Ward A\n",
        },
    )
    got = hover(ProjectView(ws), "configuration/locations/a.csv", 1, 2)
    assert got is not None
    own, _, effective = got.markdown.partition("\n\n---\n\n**Effective value**")
    assert own and UUID in own  # Initializer's hover on the uuid cell
    assert "(here) — identical" in effective


def test_namespaces_to_choose_from(tmp_path: Path):
    ws = workspace(
        tmp_path,
        {
            "configuration/locations/a.csv": f"Uuid,Name\n{UUID},Ward A\n",
            "configuration/roles/r.csv": "Role name,Description\nClerk,Front desk\n",
        },
    )
    view = ProjectView(ws)
    choices = [(c.namespace, c.label, c.objects, c.files) for c in namespaces_with_objects(view)]
    assert choices == [
        ("iniz:locations", "Initializer locations", 1, ["configuration/locations/a.csv"]),
        ("iniz:roles", "Initializer roles", 1, ["configuration/roles/r.csv"]),
    ]
    assert namespace_at(view, "configuration/roles/r.csv", 1, 3) == "iniz:roles"
    # the header is no object: the file's first object says which namespace
    assert namespace_at(view, "configuration/roles/r.csv", 0, 0) == "iniz:roles"
