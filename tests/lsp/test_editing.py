"""Edits in the editor and changes on disk keep every file's diagnostics current."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from .conftest import (
    BUNDLE_LS,
    capabilities,
    change,
    messages,
    open_file,
    pos_of,
    progress_ended,
    start,
    uri,
    wait_for,
)

COLD_IN_CSV = "no stockRooms key 'COLD_ROOM'"


async def test_an_edit_republishes_the_files_it_affects(client: LanguageClient, clinic: Path):
    rooms = clinic / "rooms.yaml"
    csv = clinic / "bundles" / "malaria" / "drugs.csv"
    extra = clinic / "bundles" / "malaria" / "extra.yaml"
    text = open_file(client, rooms)
    await wait_for(lambda: messages(client, rooms), what="rooms.yaml diagnostics")
    # the key COLD_ROOM becomes FRIDGE: its references in two unopened files break
    p = pos_of(text, "COLD_ROOM")
    change(client, rooms, 2, p.line, p.character, p.line, p.character + 9, "FRIDGE")
    await wait_for(
        lambda: (
            any(COLD_IN_CSV in m for m in messages(client, csv))
            and any(COLD_IN_CSV in m for m in messages(client, extra))
        ),
        what="references to COLD_ROOM to break",
    )
    # defining it again clears them
    p = pos_of(text, '  - key: "Ward A"')
    change(client, rooms, 3, p.line, 0, p.line, 0, "  - key: COLD_ROOM\n    label: Cold room\n")
    await wait_for(
        lambda: (
            not any(COLD_IN_CSV in m for m in messages(client, csv))
            and not any(COLD_IN_CSV in m for m in messages(client, extra))
        ),
        what="references to COLD_ROOM to resolve again",
    )
    # a typo in the edited file itself, published with the document's version
    p = pos_of(text, "label: Main store")
    change(client, rooms, 4, p.line, p.character, p.line, p.character + 5, "lable")
    await wait_for(
        lambda: any("unknown property 'lable'" in m for m in messages(client, rooms)),
        what="the typo to be reported",
    )
    # closing without saving: the disk content takes over again
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri(rooms)))
    )
    await wait_for(
        lambda: not any("lable" in m for m in messages(client, rooms)), what="the disk content"
    )
    assert messages(client, rooms) == ["no stockRooms key 'MAIN_STOR'; did you mean 'MAIN_STORE'?"]


async def test_changes_on_disk_are_followed(client: LanguageClient, clinic: Path):
    csv = clinic / "bundles" / "malaria" / "drugs.csv"
    rm = "no stockRooms key 'COLD_RM'; did you mean 'COLD_ROOM'?"
    await wait_for(lambda: rm in messages(client, csv), what="the initial diagnostics")
    more = clinic / "bundles" / "more.yaml"
    more.write_text("stockRooms:\n  - key: COLD_RM\n    label: Spare fridge\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(more), lsp.FileChangeType.Created)])
    )
    await wait_for(lambda: rm not in messages(client, csv), what="COLD_RM to be defined")
    more.write_text("stockRooms:\n  - key: COLD_RM\n    label: Spare fridge\n    lable: x\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(more), lsp.FileChangeType.Changed)])
    )
    await wait_for(
        lambda: any("lable" in m for m in messages(client, more)), what="more.yaml checked"
    )
    more.unlink()
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(more), lsp.FileChangeType.Deleted)])
    )
    await wait_for(lambda: rm in messages(client, csv), what="COLD_RM to be missing again")
    assert list(client.diagnostics[uri(more)]) == []
    # a file an x-file path names appears on disk
    quin = "bundles/malaria/drugs.csv"
    csv_text = csv.read_text().replace(
        "ACT_TAB,Artemether-lumefantrine,tablet,20,MAIN_STORE; COLD_RM,",
        "ACT_TAB,Artemether-lumefantrine,tablet,20,MAIN_STORE,forms/act.txt",
    )
    csv.write_text(csv_text)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(csv), lsp.FileChangeType.Changed)])
    )
    missing = "file 'forms/act.txt' does not exist in the Config Directory"
    await wait_for(lambda: missing in messages(client, csv), what=f"{quin} to miss its leaflet")
    (clinic / "forms" / "act.txt").write_text("leaflet")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(uri(clinic / "forms" / "act.txt"), lsp.FileChangeType.Created)]
        )
    )
    await wait_for(lambda: missing not in messages(client, csv), what="the leaflet to be found")


def counting_client() -> LanguageClient:
    """pytest-lsp's test client, also recording every publication (uri, version)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def on_publish(c: LanguageClient, params: lsp.PublishDiagnosticsParams):
        c.diagnostics[params.uri] = params.diagnostics
        c.published.append((params.uri, params.version))  # type: ignore[attr-defined]

    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish}
    )
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"], client_factory=counting_client)
)
async def long_delay_client(lsp_client: LanguageClient, clinic: Path):
    """A long `diagnosticsDelay`: it bounds only whole-file re-analyses; edits inside an
    item are re-checked at once whatever it says."""
    await start(lsp_client, clinic, options={"diagnosticsDelay": 10000})
    await wait_for(lambda: progress_ended(lsp_client), what="indexing")
    yield
    await lsp_client.shutdown_session()


async def test_each_keystroke_is_published_without_a_delay(
    long_delay_client: LanguageClient, clinic: Path
):
    client = long_delay_client
    extra = clinic / "bundles" / "malaria" / "extra.yaml"
    text = open_file(client, extra)
    await wait_for(lambda: (uri(extra), 1) in client.published, what="the open document")
    p = pos_of(text, "Paracetamol", 11)
    for v, ch in enumerate(" XL", start=2):  # three quick keystrokes
        change(client, extra, v, p.line, p.character + v - 2, p.line, p.character + v - 2, ch)
    # well within the 10 s the setting says: no timer (the scheduling itself is pinned,
    # without any timing, by test_rechecks.py)
    await wait_for(lambda: (uri(extra), 4) in client.published, 5.0, what="the last version")
    versions = [v for u, v in client.published if u == uri(extra)]
    # indexed, opened, then each keystroke (or a burst of them, once): never an old version
    assert versions[:2] == [None, 1] and versions[-1] == 4
    assert versions[2:] == sorted(set(versions[2:]))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def refusing(lsp_client: LanguageClient, clinic: Path):
    """A client that says it registers capabilities dynamically, then refuses."""

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: lsp.RegistrationParams):
        raise RuntimeError("no dynamic registration here")

    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities(),
            root_uri=uri(clinic),
            initialization_options={"diagnosticsDelay": 0},
        )
    )
    await wait_for(lambda: progress_ended(lsp_client), what="indexing")
    yield
    await lsp_client.shutdown_session()


async def test_a_client_refusing_dynamic_registration_still_works(
    refusing: LanguageClient, clinic: Path
):
    rooms = clinic / "rooms.yaml"
    await wait_for(lambda: messages(refusing, rooms), what="diagnostics")
    text = open_file(refusing, rooms)
    p = pos_of(text, "MAIN_STOR\n")
    change(refusing, rooms, 2, p.line, p.character, p.line, p.character + 9, "MAIN_STORE")
    await wait_for(lambda: messages(refusing, rooms) == [], what="the fix to be seen")
    items = await refusing.text_document_completion_async(
        lsp.CompletionParams(
            lsp.TextDocumentIdentifier(uri(rooms)), lsp.Position(p.line, p.character + 10)
        )
    )
    assert {i.label for i in items.items} == {"MAIN_STORE", "COLD_ROOM", "Ward A"}


async def test_csv_edits_and_settings_file_changes(client: LanguageClient, clinic: Path):
    csv = clinic / "bundles" / "malaria" / "drugs.csv"
    text = open_file(client, csv)
    rm = "no stockRooms key 'COLD_RM'; did you mean 'COLD_ROOM'?"
    await wait_for(lambda: rm in messages(client, csv), what="the CSV's diagnostics")
    p = pos_of(text, "COLD_RM")
    change(client, csv, 2, p.line, p.character, p.line, p.character + 7, "COLD_ROOM")
    await wait_for(lambda: messages(client, csv) == [], what="the CSV fix to be seen")
    # a new row (Enter, then a row with a bad form)
    end = len(text.split("\n")[2])
    change(client, csv, 3, 2, end, 2, end, "\nQUIN,Quinine,capsule,300,MAIN_STORE,")
    await wait_for(
        lambda: any("'capsule' is not one of" in m for m in messages(client, csv)),
        what="the new row to be checked",
    )
    # bundle-ls.yaml now installs only the locations module
    settings = clinic / "bundle-ls.yaml"
    settings.write_text("schemas: [../schemas]\nmodules: [locations]\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(settings), lsp.FileChangeType.Changed)])
    )
    rooms = clinic / "rooms.yaml"
    await wait_for(
        lambda: any("which bundle-ls.yaml does not install" in m for m in messages(client, rooms)),
        what="the clinic module to be uninstalled",
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def rootless(lsp_client: LanguageClient):
    """A client that opens a file without any workspace folder."""
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities(watch=False), initialization_options={"diagnosticsDelay": 0}
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_without_a_workspace_folder_the_config_directory_is_found(
    rootless: LanguageClient, clinic: Path
):
    extra = clinic / "bundles" / "malaria" / "extra.yaml"
    open_file(rootless, extra)
    await wait_for(
        lambda: "missing required property 'name'" in messages(rootless, extra),
        what="the opened file's diagnostics",
    )
    # the rest of the directory (found by its bundle-ls.yaml) is indexed too
    await wait_for(lambda: messages(rootless, clinic / "rooms.yaml"), what="rooms.yaml")


async def test_re_indexing_keeps_the_edited_buffers(client: LanguageClient, clinic: Path):
    def indexings() -> int:
        return sum(
            1
            for reports in client.progress_reports.values()
            if reports and isinstance(reports[-1], lsp.WorkDoneProgressEnd)
        )

    rooms = clinic / "rooms.yaml"
    text = open_file(client, rooms)
    p = pos_of(text, "refrigerated: true", len("refrigerated: "))
    change(client, rooms, 2, p.line, p.character, p.line, p.character + 4, "maybe")
    wrong = "expected true or false, got 'maybe'"
    await wait_for(lambda: any(wrong in m for m in messages(client, rooms)), what="the edit")
    # bundle-ls.yaml changes: the whole directory is indexed again, from the edited buffer
    done = indexings()
    settings = clinic / "bundle-ls.yaml"
    settings.write_text("schemas: [../schemas]\nexclude: [forms/**]\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri(settings), lsp.FileChangeType.Changed)])
    )
    await wait_for(lambda: indexings() > done, what="indexing again")
    assert any(wrong in m for m in messages(client, rooms))
    # and later edits apply to that buffer
    change(client, rooms, 3, p.line, p.character, p.line, p.character + 5, "false")
    await wait_for(
        lambda: not messages(client, rooms) or not any(wrong in m for m in messages(client, rooms)),
        what="the fix",
    )
    assert not any("boolean" in m for m in messages(client, rooms))
