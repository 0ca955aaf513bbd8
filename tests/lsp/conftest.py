"""End-to-end fixtures: the real `bundle-ls` executable over stdio, driven by pytest-lsp,
on a fresh copy of the `clinic` Config Directory."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient

CLINIC = Path(__file__).parent.parent / "features" / "clinic"
BUNDLE_LS = str(Path(sys.executable).parent / "bundle-ls")
FAST = {"diagnosticsDelay": 0}


def uri(path: Path) -> str:
    return from_fs_path(str(path))


def capabilities(watch: bool = True, progress: bool = True, configuration: bool = True):
    return lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            configuration=configuration,
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=watch
            ),
        ),
        window=lsp.WindowClientCapabilities(work_done_progress=progress),
        text_document=lsp.TextDocumentClientCapabilities(
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True
            ),
            document_symbol=lsp.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=True
            ),
            rename=lsp.RenameClientCapabilities(prepare_support=True),
            completion=lsp.CompletionClientCapabilities(
                completion_item=lsp.ClientCompletionItemOptions(
                    documentation_format=[lsp.MarkupKind.Markdown]
                )
            ),
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
        ),
    )


async def wait_for(predicate, timeout: float = 15.0, what: str = "condition"):
    """Poll until `predicate()` is true (the server works asynchronously)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def progress_ended(client: LanguageClient) -> bool:
    return any(
        reports and isinstance(reports[-1], lsp.WorkDoneProgressEnd)
        for reports in client.progress_reports.values()
    )


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    shutil.copytree(CLINIC, tmp_path / "clinic")
    return tmp_path / "clinic" / "config"


async def start(client: LanguageClient, root: Path, caps=None, options=FAST):
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: lsp.RegistrationParams):
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=caps or capabilities(),
            root_uri=uri(root),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri(root), name=root.name)],
            initialization_options=options,
        )
    )
    return result


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def client(lsp_client: LanguageClient, clinic: Path):
    """A client with every capability the server uses; the workspace indexed."""
    await start(lsp_client, clinic)
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    language = "csv" if path.suffix == ".csv" else "yaml"
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri(path), language_id=language, version=version, text=text)
        )
    )
    return text


def change(
    client: LanguageClient,
    path: Path,
    version: int,
    line: int,
    ch: int,
    end_line: int,
    end_ch: int,
    text: str,
):
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(line, ch), lsp.Position(end_line, end_ch)),
                    text=text,
                )
            ],
        )
    )


def pos_of(text: str, needle: str, offset: int = 0) -> lsp.Position:
    i = text.index(needle) + offset
    line = text.count("\n", 0, i)
    return lsp.Position(line, i - (text.rfind("\n", 0, i) + 1))


def messages(client: LanguageClient, path: Path) -> list[str]:
    return [d.message for d in client.diagnostics.get(uri(path), [])]
