"""The Workspace: diagnostics equal to --check, and incremental updates equal to a fresh
analysis of the same text."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects.editing import locate
from bundle_ls.documents.model import MAPPING, SEQUENCE, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml
from bundle_ls.editor.features.completion import complete
from bundle_ls.editor.features.definition import definition
from bundle_ls.editor.features.hover import hover
from bundle_ls.editor.view import ProjectView
from bundle_ls.editor.workspace import Workspace
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.analysis import analyze

from .conftest import context_at, open_doc, pos_of


def _sig(diags):
    return [
        (
            d.path,
            d.range,
            d.severity,
            d.code,
            d.message,
            [(r.path, r.range, r.message) for r in d.related or ()],
            d.data,
        )
        for d in diags
    ]


def fresh_diagnostics(ws: Workspace, rel: str) -> list:
    """What a from-scratch analysis of every current text says about `rel`."""
    index = ProjectIndex(ws.root, ws.ctx.cross_checks, ws.ctx.reads)
    for path, st in ws.docs.items():
        if st.lines is not None:
            _doc, facts = analyze(ws.ctx, path, st.text)
        else:
            facts = ws.index.files[path]
        index.update(facts)
    return _sig(index.diagnostics(rel))


def test_diagnostics_are_those_of_check(clinic: Path, ws: Workspace):
    result = check_directory(clinic)
    by_file: dict[str, list] = {}
    for d in result.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    assert len(by_file) == 4  # several files, each with its own problems
    for rel in ws.discover():
        assert _sig(ws.diagnostics(rel)) == _sig(by_file.get(rel, []))
    # opening every file in the editor changes nothing
    for rel in ws.discover():
        open_doc(ws, rel)
    for rel in ws.discover():
        assert _sig(ws.diagnostics(rel)) == _sig(by_file.get(rel, []))


def _scalars(node: Node, path: list):
    """(path, node) of every key and scalar value, as `locate` reports them."""
    if node.kind == MAPPING:
        for k, v in node.items:
            yield [*path, k.value], k
            yield from _scalars(v, [*path, k.value])
    elif node.kind == SEQUENCE:
        for i, c in enumerate(node.items):
            yield from _scalars(c, [*path, i])
    elif node.value is not None:
        yield path, node


def edit(ws, rel, text, needle, new, offset=0, length=0):
    line, ch = pos_of(text, needle, offset)
    ws.change(rel, [((line, ch, line, ch + length), new)], 2)
    return ws.flush(rel)


EXTRA = "bundles/malaria/extra.yaml"


@pytest.mark.parametrize(
    "needle,offset,length,new",
    [
        ("Paracetamol", 4, 0, "X"),  # typing inside a value
        ("form: syrup", 11, 0, "\n    strengthMg: 5"),  # a new line in an item
        ("    storedIn:\n      - COLD_ROOM", 0, 14, ""),  # a line removed
        ("key: QUIN", 5, 4, "PARA"),  # the key now repeats another item's
        ("form: tablet\n    storedIn", 6, 6, "capsule"),  # an enum error
        ("form: syrup", 0, 0, "nam: Quinine\n    "),  # an unknown property
    ],
)
def test_item_edits_are_incremental_and_exact(ws, needle, offset, length, new):
    text = open_doc(ws, EXTRA)
    result = edit(ws, EXTRA, text, needle, new, offset, length)
    assert result.incremental
    assert _sig(ws.diagnostics(EXTRA)) == fresh_diagnostics(ws, EXTRA)
    st = ws.docs[EXTRA]
    fresh = parse_yaml(st.text, LineIndex(st.text)).root
    # every value is found where a fresh parse puts it, with the same path
    for path, node in _scalars(fresh, []):
        line, ch = node.range[0], node.range[1]
        root, prefix = ws.tree_at(EXTRA, line)
        hit = locate(root, prefix, line, ch)
        assert hit is not None and hit.path == path
        assert (hit.key if hit.on_key else hit.node).range == node.range


def test_several_edits_before_one_flush(ws):
    text = open_doc(ws, EXTRA)
    l1, c1 = pos_of(text, "Paracetamol")
    ws.change(EXTRA, [((l1, c1, l1, c1), "Baby ")], 2)
    ws.change(EXTRA, [((l1 + 1, 0, l1 + 1, 0), "    strengthMg: 500\n")], 3)
    ws.change(EXTRA, [((l1 + 1, 16, l1 + 1, 19), "-1")], 4)
    assert ws.flush(EXTRA).incremental
    assert _sig(ws.diagnostics(EXTRA)) == fresh_diagnostics(ws, EXTRA)
    assert any("-1 must be more than 0" in d.message for d in ws.diagnostics(EXTRA))


def test_broken_yaml_falls_back_to_a_full_analysis(ws):
    text = open_doc(ws, EXTRA)
    result = edit(ws, EXTRA, text, "[MAIN_STORE", "", 11, 15)  # drops the closing bracket
    assert not result.incremental
    diags = ws.diagnostics(EXTRA)
    assert any(d.code == "yaml-syntax" for d in diags)
    assert _sig(diags) == fresh_diagnostics(ws, EXTRA)


def test_renaming_a_key_affects_the_files_that_reference_it(ws):
    text = open_doc(ws, "rooms.yaml")
    result = edit(ws, "rooms.yaml", text, "key: COLD_ROOM", "FRIDGE", 5, 9)
    assert result.incremental
    assert {"bundles/malaria/drugs.csv", EXTRA} <= result.affected
    msgs = [d.message for d in ws.diagnostics("bundles/malaria/drugs.csv")]
    assert "no stockRooms key 'COLD_ROOM'; did you mean 'COLD_RM'?" in msgs or any(
        "'COLD_ROOM'" in m for m in msgs
    )
    assert any("'COLD_ROOM'" in d.message for d in ws.diagnostics(EXTRA))
    # defining it again clears them
    text2 = ws.docs["rooms.yaml"].text
    edit(ws, "rooms.yaml", text2, "key: FRIDGE", "COLD_ROOM", 5, 6)
    assert not any("'COLD_ROOM'" in d.message for d in ws.diagnostics(EXTRA))


def test_line_moves_update_messages_in_other_files(ws):
    # extra.yaml's conflict message names drugs.csv:3; drugs.csv is first, so move extra.yaml
    text = open_doc(ws, EXTRA)
    before = [d for d in ws.diagnostics(EXTRA) if d.code == "conflict"][0]
    result = edit(ws, EXTRA, text, "form: syrup", "\n", 11)  # Enter at the end of a line
    assert result.incremental
    after = [d for d in ws.diagnostics(EXTRA) if d.code == "conflict"][0]
    assert after.range[0] == before.range[0] + 1
    assert _sig(ws.diagnostics(EXTRA)) == fresh_diagnostics(ws, EXTRA)


def test_csv_edit_and_close_restores_the_disk_content(ws):
    rel = "bundles/malaria/drugs.csv"
    text = open_doc(ws, rel)
    line, ch = pos_of(text, "COLD_RM")
    ws.change(rel, [((line, ch, line, ch + 7), "COLD_ROOM")], 2)
    ws.flush(rel)
    assert not any(d.code == "unresolved-reference" for d in ws.diagnostics(rel))
    ws.close(rel)
    assert any(d.code == "unresolved-reference" for d in ws.diagnostics(rel))


def test_files_on_disk_come_and_go(ws, clinic):
    (clinic / "more.yaml").write_text("stockRooms:\n  - key: COLD_RM\n    label: Spare fridge\n")
    affected = ws.disk_changed("more.yaml")
    assert "bundles/malaria/drugs.csv" in affected
    assert not any(
        d.code == "unresolved-reference" for d in ws.diagnostics("bundles/malaria/drugs.csv")
    )
    (clinic / "more.yaml").unlink()
    affected = ws.disk_deleted("more.yaml")
    assert "bundles/malaria/drugs.csv" in affected
    assert any(
        d.code == "unresolved-reference" for d in ws.diagnostics("bundles/malaria/drugs.csv")
    )


CSV_TEXT = (
    "key,name,form,colour,storedIn\n"
    "A,a,tablet,red,MAIN_STORE;X\n"
    "B,b,capsule,,\n"
    "\n"
    "C,c,tablet,,COLD_ROOM,extra\n"
    "A,a2,tablet\n"
)


@pytest.mark.parametrize(
    "needle,offset,length,new",
    [
        ("capsule", 3, 0, "x"),  # typing in a cell
        (",red,", 1, 3, ""),  # the only value of an unknown column is cleared
        ("B,b,capsule,,\n", 14, 0, "D,d,syrup,,Ward A\n"),  # a new row
        ("B,b,capsule,,\n", 0, 14, ""),  # a row deleted
        ("COLD_ROOM,extra", 9, 6, ""),  # no more cells than columns
        ("A,a2", 0, 1, "C"),  # now a conflict with another row
        ("\n\nC,c", 1, 0, "E,e,powder,,COLD_ROOM"),  # the blank line gets a row
    ],
)
def test_csv_row_edits_are_incremental_and_exact(ws, needle, offset, length, new):
    rel = "bundles/new/drugs.csv"
    open_doc(ws, rel, CSV_TEXT)
    result = edit(ws, rel, CSV_TEXT, needle, new, offset, length)
    assert result.incremental
    assert _sig(ws.diagnostics(rel)) == fresh_diagnostics(ws, rel)
    st = ws.docs[rel]
    doc, _facts = analyze(ws.ctx, rel, st.text)
    # hover and friends find the cells where a fresh parse puts them
    for row in doc.root.items:
        for key, value in row.items:
            node = value if value.kind != "sequence" else value.items[0]
            root, prefix = ws.tree_at(rel, node.range[0])
            hit = locate(root, ["drugs"], node.range[0], node.range[1])
            assert hit is not None and hit.path[-1] in (key.value, 0)
            assert hit.node.range == node.range


def test_csv_edit_in_the_header_is_a_full_analysis(ws):
    rel = "bundles/new/drugs.csv"
    open_doc(ws, rel, CSV_TEXT)
    result = edit(ws, rel, CSV_TEXT, "colour", "strengthMg", 0, 6)
    assert not result.incremental
    assert _sig(ws.diagnostics(rel)) == fresh_diagnostics(ws, rel)


U1, U2 = "8d6c993e-c2cc-11de-8d13-0010c6dffd0f", "1a2b3c4d-0000-4000-8000-000000000002"


def test_initializer_files_are_followed_like_check(clinic: Path, clinic_context):
    (clinic / "configuration" / "privileges").mkdir(parents=True)
    (clinic / "configuration" / "roles").mkdir()
    (clinic / "configuration/privileges/p.csv").write_text(
        f"Uuid,Privilege name\n{U1},Task: Register patients\n"
    )
    roles = f"Uuid,Role name,Privileges\n{U2},Clerk,Task: Register patient\n"
    (clinic / "configuration/roles/r.csv").write_text(roles)
    ws = Workspace(context_at(clinic_context, clinic))
    ws.index_files(ws.discover())
    rel = "configuration/roles/r.csv"
    assert ws.is_config_file(rel) and ws.is_config_file("configuration/roles/new.csv")
    result = check_directory(clinic)
    assert _sig(ws.diagnostics(rel)) == _sig([d for d in result.diagnostics if d.path == rel])
    assert [d.code for d in ws.diagnostics(rel)] == ["unresolved-reference"]
    # the editor features know the domain's columns and its references
    open_doc(ws, rel, roles)
    header = [c.label for c in complete(ProjectView(ws), rel, 0, len("Uuid,Role name,Privileges"))]
    assert "Inherited roles" in header and "Privileges" in header
    line, ch = pos_of(roles, "Task")
    labels = [c.label for c in complete(ProjectView(ws), rel, line, ch)]
    # the local privilege first, then those openmrs-core creates (the module data pack)
    assert labels[0] == "Task: Register patients" and "Add Allergies" in labels
    assert "→ privileges" in hover(ProjectView(ws), rel, 0, len("Uuid,Role name,Priv")).markdown
    assert definition(ProjectView(ws), rel, line, ch) == []  # a near miss defines nothing
    # typing the missing "s" in the editor resolves it
    line, ch = pos_of(roles, "patient\n", 7)
    ws.change(rel, [((line, ch, line, ch), "s")], 2)
    ws.flush(rel)
    assert ws.diagnostics(rel) == []
    (found,) = definition(ProjectView(ws), rel, line, ch)
    assert (found.path, found.range[0]) == ("configuration/privileges/p.csv", 1)


def test_a_long_document_opened_unchanged_gets_its_tree_later(ws, monkeypatch):
    monkeypatch.setattr("bundle_ls.editor.workspace.INLINE_TREE_LINES", 0)
    text = open_doc(ws, EXTRA)
    seq, job_text = ws.tree_job(EXTRA)
    assert job_text == text
    ws.install_tree(EXTRA, seq, ws.parse_tree(job_text))
    assert ws.tree_job(EXTRA) is None
    assert edit(ws, EXTRA, text, "Paracetamol", "X", 4).incremental
    assert _sig(ws.diagnostics(EXTRA)) == fresh_diagnostics(ws, EXTRA)


def test_edits_before_the_tree_is_built_are_counted_from_the_opened_text(ws, monkeypatch):
    monkeypatch.setattr("bundle_ls.editor.workspace.INLINE_TREE_LINES", 0)
    text = open_doc(ws, EXTRA)
    seq, job_text = ws.tree_job(EXTRA)
    line, _ = pos_of(text, "Paracetamol")
    ws.change(EXTRA, [((line, 4, line, 4), "strengthMg: 5\n    ")], 2)  # moves later lines
    ws.install_tree(EXTRA, seq, ws.parse_tree(job_text))  # the tree arrives afterwards
    assert ws.flush(EXTRA).incremental
    assert _sig(ws.diagnostics(EXTRA)) == fresh_diagnostics(ws, EXTRA)
    qline, ch = pos_of(text, "QUIN")
    assert "Key `QUIN` of `drugs`" in hover(ProjectView(ws), EXTRA, qline + 1, ch).markdown
    # a request before the tree arrives builds it at once
    open_doc(ws, "rooms.yaml")
    rtext = (ws.root / "rooms.yaml").read_text()
    assert (
        "Stock rooms" in hover(ProjectView(ws), "rooms.yaml", *pos_of(rtext, "stockRooms")).markdown
    )
    assert ws.tree_job("rooms.yaml") is None


def test_did_you_mean_follows_the_keys_as_they_change(ws):
    """Suggestions are kept between re-checks; a key added close to the word, or the
    suggested key removed, changes them, exactly as a fresh analysis says."""
    text = open_doc(ws, "rooms.yaml")
    edit(ws, "rooms.yaml", text, "key: COLD_ROOM", "FRIDGE", 5, 9)
    drugs = "bundles/malaria/drugs.csv"
    before = [d.message for d in ws.diagnostics(drugs) if "'COLD_ROOM'" in d.message]
    assert before and all("did you mean" not in m or "FRIDGE" not in m for m in before)
    # a key one letter away from the unresolved word appears in another file
    text = ws.docs["rooms.yaml"].text
    edit(ws, "rooms.yaml", text, "key: FRIDGE", "COLD_ROOMS", 5, 6)
    msgs = [d.message for d in ws.diagnostics(drugs) if "'COLD_ROOM'" in d.message]
    assert msgs and all("did you mean 'COLD_ROOMS'?" in m for m in msgs)
    assert _sig(ws.diagnostics(drugs)) == fresh_diagnostics(ws, drugs)
    # the suggested key goes away again
    text = ws.docs["rooms.yaml"].text
    edit(ws, "rooms.yaml", text, "key: COLD_ROOMS", "QQQQQQQQQQ", 5, 10)
    assert not any("COLD_ROOMS" in d.message for d in ws.diagnostics(drugs))
    assert _sig(ws.diagnostics(drugs)) == fresh_diagnostics(ws, drugs)


def test_placeholders_complete_hover_and_lead_to_their_constant(tmp_path: Path):
    (tmp_path / "constants.yml").write_text(
        f'encounterType:\n  checkIn:\n    uuid: "{U1}"\n  visitNote:\n    uuid: "{U2}"\n'
    )
    (tmp_path / "configuration" / "encountertypes").mkdir(parents=True)
    rel = "configuration/encountertypes/e.csv"
    text = "Uuid,Name\n${encounterType.checkIn.uuid},Check-in\n${enc\n"
    (tmp_path / rel).write_text(text)
    ws = Workspace.load(tmp_path)
    ws.index_files(ws.discover())
    open_doc(ws, rel, text)
    # typing `${enc`: every constant under it, completed with the closing brace
    items = complete(ProjectView(ws), rel, 2, len("${enc"))
    assert [(i.label, i.new_text, i.detail) for i in items] == [
        ("encounterType.checkIn.uuid", "encounterType.checkIn.uuid}", U1),
        ("encounterType.visitNote.uuid", "encounterType.visitNote.uuid}", U2),
    ]
    assert items[0].range == (2, 2, 2, 5)
    # inside a closed one, the key is replaced and the brace kept
    items = complete(ProjectView(ws), rel, 1, len("${encounterType.ch"))
    assert items[0].new_text == "encounterType.checkIn.uuid" and items[0].range == (1, 2, 1, 28)
    h = hover(ProjectView(ws), rel, 1, 10)
    assert U1 in h.markdown and h.range == (1, 2, 1, 28)
    (found,) = definition(ProjectView(ws), rel, 1, 10)
    assert (found.path, found.range) == ("constants.yml", (2, 4, 2, 8))


def test_a_large_initializer_domain_offers_the_names_matching_the_word(
    clinic: Path, clinic_context
):
    (clinic / "configuration" / "privileges").mkdir(parents=True)
    (clinic / "configuration" / "roles").mkdir()
    rows = "".join(f"{uuid.UUID(int=i)},Task: Privilege {i:04d}\n" for i in range(1, 1001))
    (clinic / "configuration/privileges/p.csv").write_text("Uuid,Privilege name\n" + rows)
    roles = f"Uuid,Role name,Privileges\n{U2},Clerk,privilege 012\n"
    (clinic / "configuration/roles/r.csv").write_text(roles)
    ws = Workspace(context_at(clinic_context, clinic))
    ws.index_files(ws.discover())
    rel = "configuration/roles/r.csv"
    open_doc(ws, rel, roles)
    line, ch = pos_of(roles, "privilege 012", len("privilege 012"))
    items = complete(ProjectView(ws), rel, line, ch)
    # the ten names holding the word, out of a thousand; none left out
    assert [i.label for i in items] == [f"Task: Privilege {i:04d}" for i in range(120, 130)]
    assert not items.incomplete
    line, ch = pos_of(roles, "privilege 012")
    items = complete(
        ProjectView(ws), rel, line, ch
    )  # nothing typed yet: the first hundred, more to come
    assert len(items) == 100 and items.incomplete
