"""Completion, hover, navigation, rename, symbols and quick fixes through the real server.

One server for the module: these requests read the workspace; documents opened here to
type into are new files that define no keys, and are closed again."""

from __future__ import annotations

import uuid as _uuid
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, CLINIC, open_file, pos_of, progress_ended, start, uri, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = None  # set by the fixture


@pytest.fixture(scope="module")
def workspace_root(tmp_path_factory) -> Path:
    import shutil

    dest = tmp_path_factory.mktemp("features") / "clinic"
    shutil.copytree(CLINIC, dest)
    return dest / "config"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]), scope="module"
)
async def server(lsp_client: LanguageClient, workspace_root: Path):
    await start(lsp_client, workspace_root)
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    yield
    await lsp_client.shutdown_session()


def ident(path: Path) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri(path))


async def complete(
    client, path: Path, text: str, needle: str, offset: int
) -> list[lsp.CompletionItem]:
    """Open `text` as `path`, ask for completion at `needle`+`offset`, close it again."""
    open_file(client, path, text)
    try:
        result = await client.text_document_completion_async(
            lsp.CompletionParams(ident(path), pos_of(text, needle, offset))
        )
    finally:
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(ident(path)))
    return result.items


def labels(items) -> list[str]:
    return [i.label for i in items]


# ---- completion ----------------------------------------------------------------------------


async def test_completion_of_namespaces_properties_and_values(
    server: LanguageClient, workspace_root: Path
):
    new = workspace_root / "bundles" / "typing.yaml"
    items = await complete(server, new, "dr", "dr", 2)
    assert {"drugs", "dispensing", "stockRooms", "locations", "locationTags"} <= set(labels(items))
    drugs = next(i for i in items if i.label == "drugs")
    assert drugs.text_edit.new_text == "drugs:"
    assert drugs.text_edit.range == lsp.Range(lsp.Position(0, 0), lsp.Position(0, 2))

    text = "drugs:\n  - key: X\n    fo\n"
    items = await complete(server, new, text, "    fo", 6)
    names = labels(items)
    assert "key" not in names  # already present
    assert names[:0] == [] and {"name", "form", "strengthMg", "storedIn", "leaflet"} == set(names)
    ordered = sorted(items, key=lambda i: i.sort_text)
    assert {i.label for i in ordered[:2]} == {"name", "form"}  # required first
    form = next(i for i in items if i.label == "form")
    assert form.documentation.value.startswith("Dosage form.")
    assert form.text_edit.range == lsp.Range(lsp.Position(2, 4), lsp.Position(2, 6))
    assert form.text_edit.new_text == "form: "

    text = "drugs:\n  - key: X\n    form: ta\n"
    items = await complete(server, new, text, "form: ta", 8)
    assert labels(items) == ["tablet", "syrup", "injection", "powder"]
    assert items[0].text_edit.range == lsp.Range(lsp.Position(2, 10), lsp.Position(2, 12))

    text = "stockRooms:\n  - key: X\n    label: x\n    refrigerated: \n"
    items = await complete(server, new, text, "refrigerated: ", 14)
    assert labels(items) == ["true", "false"]


async def test_completion_of_keys_from_yaml_and_csv_files(
    server: LanguageClient, workspace_root: Path
):
    new = workspace_root / "bundles" / "typing.yaml"
    text = "dispensing:\n  defaultRoom: \n"
    items = await complete(server, new, text, "defaultRoom: ", 13)
    assert set(labels(items)) == {"MAIN_STORE", "COLD_ROOM", "Ward A"}
    ward = next(i for i in items if i.label == "Ward A")
    assert ward.detail == "stockRooms · rooms.yaml:7"
    # a reference to drugs: keys defined in drugs.csv and in extra.yaml
    text = "dispensing:\n  firstLineDrug: A\n"
    items = await complete(server, new, text, "firstLineDrug: A", 16)
    assert set(labels(items)) == {"ARTE_INJ", "ACT_TAB", "PARA", "QUIN"}
    arte = next(i for i in items if i.label == "ARTE_INJ")
    assert arte.detail == "drugs · bundles/malaria/drugs.csv:2"
    # built-in schemas: a location's parent, including the one being typed
    text = "locations:\n  - key: L\n    name: L\n    parent: \n"
    items = await complete(server, new, text, "parent: ", 8)
    assert set(labels(items)) == {"Main Hospital", "Ward B", "L"}


async def test_completion_in_broken_documents(server: LanguageClient, workspace_root: Path):
    new = workspace_root / "bundles" / "typing.yaml"
    # an unclosed flow sequence: the other items are not offered again
    text = "drugs:\n  - key: X\n    storedIn: [MAIN_STORE, C\n    form: tablet\n"
    items = await complete(server, new, text, "MAIN_STORE, C", 13)
    assert set(labels(items)) == {"COLD_ROOM", "Ward A"}
    assert items[0].text_edit.range.start == pos_of(text, "MAIN_STORE, C", 12)
    # a key with no value yet, then a half-written line below it
    text = "stockRooms:\n  - key: A\n    label:\n    kind: st\n  - key: B\n    la\n"
    items = await complete(server, new, text, "kind: st", 8)
    assert labels(items) == ["store", "ward", "fridge"]
    items = await complete(server, new, text, "    la\n", 6)
    assert set(labels(items)) == {"label", "refrigerated", "kind"}
    # a new sequence item under a key with no value on its line
    text = "drugs:\n  - key: X\n    storedIn:\n      - \n"
    items = await complete(server, new, text, "      - ", 8)
    assert set(labels(items)) == {"MAIN_STORE", "COLD_ROOM", "Ward A"}
    ward = next(i for i in items if i.label == "Ward A")
    assert ward.text_edit.new_text == "Ward A"
    # x-file paths
    text = "drugs:\n  - key: X\n    leaflet: fo\n"
    items = await complete(server, new, text, "leaflet: fo", 11)
    assert "forms/artesunate.txt" in labels(items)


async def test_completion_in_csv(server: LanguageClient, workspace_root: Path):
    new = workspace_root / "bundles" / "new" / "drugs.csv"
    text = "key,name,fo\n"
    items = await complete(server, new, text, "fo", 2)
    assert set(labels(items)) == {"form", "strengthMg", "storedIn", "leaflet"}
    assert items[0].text_edit.range == lsp.Range(lsp.Position(0, 9), lsp.Position(0, 11))
    text = "key,name,form,storedIn\nX,X drug,,MAIN_STORE; \n"
    items = await complete(server, new, text, "X drug,", 7)
    assert labels(items) == ["tablet", "syrup", "injection", "powder"]
    items = await complete(server, new, text, "MAIN_STORE; ", 12)
    assert set(labels(items)) == {"COLD_ROOM", "Ward A"}


# ---- hover ---------------------------------------------------------------------------------


async def hover(client, path: Path, needle: str, offset: int = 0) -> str:
    text = path.read_text()
    h = await client.text_document_hover_async(
        lsp.HoverParams(ident(path), pos_of(text, needle, offset))
    )
    assert h is not None
    return h.contents.value


async def test_hover(server: LanguageClient, workspace_root: Path):
    rooms = workspace_root / "rooms.yaml"
    text = await hover(server, rooms, "maxDaysSupply")
    assert "Longest supply one dispense may cover." in text
    assert "Type: `integer`" in text and "Default: `30`" in text and "Runtime-mutable" in text
    # a key: its UUID and how many places reference it
    text = await hover(server, rooms, "COLD_ROOM", 2)
    expected = _uuid.uuid5(_uuid.NAMESPACE_URL, "openmrs-config:stockRooms/COLD_ROOM")
    assert f"derived UUID (from the namespace and key): `{expected}`" in text
    assert "2 places reference it" in text  # drugs.csv row 1 and extra.yaml
    # a reference: where it is defined
    extra = workspace_root / "bundles" / "malaria" / "extra.yaml"
    text = await hover(server, extra, "- COLD_ROOM", 3)
    assert "defined in `rooms.yaml` line 4" in text
    csv = workspace_root / "bundles" / "malaria" / "drugs.csv"
    text = await hover(server, csv, "storedIn")
    assert "Rooms that stock it." in text


# ---- navigation ----------------------------------------------------------------------------


async def test_definition_references_and_file_links(server: LanguageClient, workspace_root: Path):
    extra = workspace_root / "bundles" / "malaria" / "extra.yaml"
    rooms = workspace_root / "rooms.yaml"
    csv = workspace_root / "bundles" / "malaria" / "drugs.csv"
    text = extra.read_text()
    locs = await server.text_document_definition_async(
        lsp.DefinitionParams(ident(extra), pos_of(text, "Ward A", 1))
    )
    assert [(loc.uri, loc.range.start.line) for loc in locs] == [(uri(rooms), 6)]
    ctext = csv.read_text()
    locs = await server.text_document_definition_async(
        lsp.DefinitionParams(ident(csv), pos_of(ctext, "forms/artesunate.txt", 3))
    )
    assert [loc.uri for loc in locs] == [uri(workspace_root / "forms" / "artesunate.txt")]
    rtext = rooms.read_text()
    refs = await server.text_document_references_async(
        lsp.ReferenceParams(
            text_document=ident(rooms),
            position=pos_of(rtext, "MAIN_STORE"),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert sorted((r.uri, r.range.start.line) for r in refs) == sorted(
        [(uri(rooms), 1), (uri(csv), 2), (uri(extra), 4)]
    )


async def test_symbols(server: LanguageClient, workspace_root: Path):
    rooms = workspace_root / "rooms.yaml"
    syms = await server.text_document_document_symbol_async(lsp.DocumentSymbolParams(ident(rooms)))
    assert [s.name for s in syms] == ["stockRooms", "dispensing"]
    assert [c.name for c in syms[0].children] == ["MAIN_STORE", "COLD_ROOM", "Ward A"]
    assert [c.name for c in syms[1].children] == ["maxDaysSupply", "defaultRoom"]
    csv = workspace_root / "bundles" / "malaria" / "drugs.csv"
    syms = await server.text_document_document_symbol_async(lsp.DocumentSymbolParams(ident(csv)))
    assert [(s.name, [c.name for c in s.children]) for s in syms] == [
        ("drugs", ["ARTE_INJ", "ACT_TAB"])
    ]
    found = await server.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="act"))
    assert sorted((s.name, s.location.uri) for s in found) == sorted(
        [
            ("ACT_TAB", uri(csv)),
            ("ACT_TAB", uri(workspace_root / "bundles" / "malaria" / "extra.yaml")),
        ]
    )


# ---- rename (no edit is applied: the server only answers with edits) -------------------------


async def test_rename_edits_every_file_and_only_the_key_text(
    server: LanguageClient, workspace_root: Path
):
    rooms = workspace_root / "rooms.yaml"
    text = rooms.read_text()
    prep = await server.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(ident(rooms), pos_of(text, "Ward A", 2))
    )
    assert prep.placeholder == "Ward A"
    assert prep.range == lsp.Range(pos_of(text, "Ward A"), pos_of(text, "Ward A", 6))
    edit = await server.text_document_rename_async(
        lsp.RenameParams(
            text_document=ident(rooms), position=pos_of(text, "Ward A", 2), new_name="Ward A: shelf"
        )
    )
    extra = workspace_root / "bundles" / "malaria" / "extra.yaml"
    changes = {u: [(e.range, e.new_text) for e in es] for u, es in edit.changes.items()}
    assert set(changes) == {uri(rooms), uri(extra)}
    # inside quotes: only the text between them, escaped for the quote style
    assert changes[uri(rooms)] == [
        (lsp.Range(pos_of(text, "Ward A"), pos_of(text, "Ward A", 6)), "Ward A: shelf")
    ]
    etext = extra.read_text()
    assert changes[uri(extra)] == [
        (lsp.Range(pos_of(etext, "Ward A"), pos_of(etext, "Ward A", 6)), "Ward A: shelf")
    ]
    # a plain key that a plain scalar cannot hold is quoted; CSV cells are edited too
    edit = await server.text_document_rename_async(
        lsp.RenameParams(
            text_document=ident(rooms), position=pos_of(text, "COLD_ROOM", 1), new_name="Cold: room"
        )
    )
    by_uri = {u: [e.new_text for e in es] for u, es in edit.changes.items()}
    assert by_uri[uri(rooms)] == ['"Cold: room"']
    assert by_uri[uri(workspace_root / "bundles" / "malaria" / "drugs.csv")] == ["Cold: room"]
    # a name a CSV cell cannot hold is refused with a reason
    with pytest.raises(Exception, match="may not contain"):
        await server.text_document_rename_async(
            lsp.RenameParams(
                text_document=ident(rooms),
                position=pos_of(text, "COLD_ROOM", 1),
                new_name="Cold, room",
            )
        )


# ---- code actions --------------------------------------------------------------------------


async def actions(client, path: Path, needle: str) -> list[lsp.CodeAction]:
    text = path.read_text()
    p = pos_of(text, needle)
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=ident(path),
            range=lsp.Range(p, p),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )


async def test_quick_fixes(server: LanguageClient, workspace_root: Path):
    rooms = workspace_root / "rooms.yaml"
    found = await actions(server, rooms, "MAIN_STOR\n")
    assert [a.title for a in found] == ["Change to 'MAIN_STORE'"]
    edit = found[0].edit.changes[uri(rooms)][0]
    assert edit.new_text == "MAIN_STORE" and found[0].is_preferred
    assert found[0].diagnostics[0].code == "unresolved-reference"
    extra = workspace_root / "bundles" / "malaria" / "extra.yaml"
    found = await actions(server, extra, "key: QUIN")
    assert [a.title for a in found] == ["Add 'name'"]
    add = found[0].edit.changes[uri(extra)][0]
    etext = extra.read_text()
    assert add.new_text == "\n    name: "
    assert add.range.start == pos_of(etext, "- COLD_ROOM", 11)  # after the item's last line
    csv = workspace_root / "bundles" / "malaria" / "drugs.csv"
    found = await actions(server, csv, "COLD_RM")
    assert [a.title for a in found] == ["Change to 'COLD_ROOM'"]
