"""Start-up: both command lines serve, the workspace is indexed with progress, and every
file's diagnostics equal what `bundle-ls --check` reports for it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, capabilities, progress_ended, start, uri, wait_for

SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}


def check_json(root: Path) -> dict:
    out = subprocess.run(
        [BUNDLE_LS, "--check", str(root), "--format", "json"], capture_output=True, text=True
    )
    assert out.returncode == 1, out.stderr
    return json.loads(out.stdout)


async def test_diagnostics_equal_check_for_every_file(client: LanguageClient, clinic: Path):
    report = check_json(clinic)
    want: dict[str, list] = {}
    for d in report["diagnostics"]:
        want.setdefault(uri(clinic / d["path"]), []).append(
            (
                (d["range"]["start"]["line"], d["range"]["start"]["character"]),
                (d["range"]["end"]["line"], d["range"]["end"]["character"]),
                SEVERITY[d["severity"]],
                d["code"],
                d["message"],
                [
                    (uri(clinic / r["path"]), r["range"]["start"]["line"], r["message"])
                    for r in d.get("related") or []
                ],
            )
        )
    assert len(want) == 4  # files never opened in the editor, each with its own problems
    await wait_for(lambda: set(want) <= set(client.diagnostics), what="diagnostics of every file")
    got = {}
    for u, diags in client.diagnostics.items():
        if not diags:
            continue
        got[u] = [
            (
                (d.range.start.line, d.range.start.character),
                (d.range.end.line, d.range.end.character),
                d.severity.value,
                d.code,
                d.message,
                [
                    (r.location.uri, r.location.range.start.line, r.message)
                    for r in d.related_information or []
                ],
            )
            for d in diags
        ]
        assert all(d.source == "bundle-ls" for d in diags)
    assert got == want


async def test_capabilities_progress_and_watcher_registration(client: LanguageClient):
    reports = next(iter(client.progress_reports.values()))
    assert isinstance(reports[0], lsp.WorkDoneProgressBegin)
    assert isinstance(reports[-1], lsp.WorkDoneProgressEnd)
    assert reports[-1].message == "4 files indexed and checked"
    # the cross-file checks are part of the progress, after the indexing
    phases = [r.message.split(":")[0] for r in reports if isinstance(r, lsp.WorkDoneProgressReport)]
    assert phases.index("cross-file checks") > phases.index("indexing")
    methods = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert methods == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS]))
async def bare(lsp_client: LanguageClient, clinic: Path):
    """`bundle-ls` with no argument; a client with no progress, watcher or configuration."""
    lsp_client.init_result = await start(  # type: ignore[attr-defined]
        lsp_client, clinic, capabilities(watch=False, progress=False, configuration=False)
    )
    yield
    await lsp_client.shutdown_session()


async def test_plain_command_serves_and_advertises_features(bare: LanguageClient, clinic: Path):
    caps = bare.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.completion_provider is not None
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.rename_provider.prepare_provider
    assert caps.document_symbol_provider and caps.workspace_symbol_provider
    assert caps.code_action_provider
    assert caps.text_document_sync.change == lsp.TextDocumentSyncKind.Incremental
    # no progress support: diagnostics arrive all the same, and no progress was sent
    await wait_for(lambda: bare.diagnostics.get(uri(clinic / "rooms.yaml")), what="diagnostics")
    assert bare.progress_reports == {}
    assert not progress_ended(bare)
    assert bare.registrations == []  # type: ignore[attr-defined]
