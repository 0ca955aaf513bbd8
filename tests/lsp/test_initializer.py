"""Initializer folders through the real server: diagnostics of a domain CSV, header and
reference completion, hover and definition across files, placeholders from constants.yml."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import (
    BUNDLE_LS,
    change,
    messages,
    open_file,
    pos_of,
    progress_ended,
    start,
    uri,
    wait_for,
)

U1 = "4f4d5c1a-62d3-4c57-8a5e-6f0f4a8f2b11"
U2 = "8c0d0e67-0d2b-4f4a-9a43-2b7d2f1c6e22"
U3 = "0a4e2a57-1f5c-4c4b-9e8d-5c2b7a9d3f33"
ROLES = f"Uuid,Role name,Privileges\n{U2},Clerk,Task: Register patient\n"
ENCOUNTERS = "Uuid,Name,Description\n${encounterType.checkIn.uuid},Check-in,${enc\n"


def make_repo(root: Path) -> None:
    cfg = root / "configuration"
    (cfg / "privileges").mkdir(parents=True)
    (cfg / "roles").mkdir()
    (cfg / "encountertypes").mkdir()
    (cfg / "privileges" / "p.csv").write_text(
        f"Uuid,Privilege name\n{U1},Task: Register patients\n"
    )
    (cfg / "roles" / "r.csv").write_text(ROLES)
    (cfg / "encountertypes" / "e.csv").write_text(ENCOUNTERS)
    (root / "constants.yml").write_text(f'encounterType:\n  checkIn:\n    uuid: "{U3}"\n')


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def repo(lsp_client: LanguageClient, tmp_path: Path):
    make_repo(tmp_path)
    await start(lsp_client, tmp_path)
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def complete(client: LanguageClient, path: Path, pos: lsp.Position) -> list[str]:
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri(path)), pos)
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    return [i.label for i in items]


async def test_initializer_folders_in_the_editor(repo: LanguageClient):
    root: Path = repo.root  # type: ignore[attr-defined]
    roles = root / "configuration" / "roles" / "r.csv"
    await wait_for(lambda: messages(repo, roles), what="the roles file's diagnostics")
    (msg,) = messages(repo, roles)
    assert "Task: Register patient" in msg and "Task: Register patients" in msg
    open_file(repo, roles, ROLES)
    # header completion: the domain's columns
    header = await complete(repo, roles, lsp.Position(0, len("Uuid,Role name,Privileges")))
    assert "Privileges" in header and "Inherited roles" in header
    # a reference column: the local names defined in another folder, then core's privileges
    labels = await complete(repo, roles, pos_of(ROLES, "Task"))
    assert labels[0] == "Task: Register patients" and "Add Allergies" in labels
    hover = await repo.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri(roles)), lsp.Position(0, 18))
    )
    assert "privileges" in hover.contents.value
    # typing the missing "s" resolves the reference; definition leads to the privilege row
    end = pos_of(ROLES, "patient\n", 7)
    change(repo, roles, 2, end.line, end.character, end.line, end.character, "s")
    await wait_for(lambda: not messages(repo, roles), what="the fix to clear the error")
    found = await repo.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri(roles)), end)
    )
    (loc,) = found
    assert loc.uri == uri(root / "configuration" / "privileges" / "p.csv")
    assert loc.range.start.line == 1


async def test_placeholders_from_constants_in_the_editor(repo: LanguageClient):
    root: Path = repo.root  # type: ignore[attr-defined]
    enc = root / "configuration" / "encountertypes" / "e.csv"
    open_file(repo, enc, ENCOUNTERS)
    line2 = ENCOUNTERS.split("\n")[1]
    labels = await complete(repo, enc, lsp.Position(1, len(line2)))
    assert labels == ["encounterType.checkIn.uuid"]
    pos = lsp.Position(1, 10)
    hover = await repo.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri(enc)), pos)
    )
    assert U3 in hover.contents.value
    (loc,) = await repo.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri(enc)), pos)
    )
    assert loc.uri == uri(root / "constants.yml") and loc.range.start.line == 2
