"""bundle-ls.yaml's `severity:` reaches the server as it reaches `--check`: a code turned
off is not published, and a misspelt code is a finding on bundle-ls.yaml itself."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, open_file, progress_ended, start, uri, wait_for

ROLES = "Uuid,Role name,Privilegs\n,Nurse,Task: Register patient\n"


def make_repo(root: Path, settings: str | None) -> Path:
    roles = root / "configuration" / "roles"
    roles.mkdir(parents=True)
    (roles / "r.csv").write_text(ROLES)
    if settings is not None:
        (root / "bundle-ls.yaml").write_text(settings)
    return roles / "r.csv"


async def _indexed(client: LanguageClient, root: Path) -> None:
    await start(client, root)
    await wait_for(lambda: progress_ended(client), what="indexing to end")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_a_code_turned_off_is_not_published(client: LanguageClient, tmp_path: Path):
    roles = make_repo(tmp_path, "severity:\n  unknown-header: off\n  duplicate-uuid: error\n")
    await _indexed(client, tmp_path)
    open_file(client, roles)  # publishes the file's diagnostics, even none
    await wait_for(lambda: uri(roles) in client.diagnostics, what="r.csv published")
    assert list(client.diagnostics[uri(roles)]) == []
    assert uri(tmp_path / "bundle-ls.yaml") not in client.diagnostics


async def test_without_the_setting_the_finding_is_there(client: LanguageClient, tmp_path: Path):
    roles = make_repo(tmp_path, None)
    await _indexed(client, tmp_path)
    found = await wait_for(lambda: client.diagnostics.get(uri(roles)), what="r.csv findings")
    assert [(d.code, d.severity) for d in found] == [
        ("unknown-header", lsp.DiagnosticSeverity.Error)
    ]


async def test_a_misspelt_code_is_shown_in_the_settings_file(
    client: LanguageClient, tmp_path: Path
):
    make_repo(tmp_path, "severity:\n  unknown-heder: off\n")
    await _indexed(client, tmp_path)
    settings = uri(tmp_path / "bundle-ls.yaml")
    (d,) = await wait_for(lambda: client.diagnostics.get(settings), what="settings finding")
    assert (d.code, d.range.start.line, d.range.start.character) == ("settings", 1, 2)
    assert "did you mean 'unknown-header'?" in d.message
