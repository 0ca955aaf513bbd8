"""When edits are re-checked and published (lsp/rechecks.py), driven on a server object in
this process: the scheduling is observed exactly, with no timing involved."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from bundle_ls.editor.workspace import Workspace
from bundle_ls.lsp import requests, sync
from bundle_ls.lsp.publishing import PUBLISH_GAP_S
from bundle_ls.lsp.server import BundleServer, create_server
from bundle_ls.lsp.settings import Settings


@pytest.fixture
def server(clinic: Path) -> BundleServer:
    ls = create_server()
    ls.root = clinic
    ls.ws = Workspace.load(clinic)
    ls.ws.index_files(ls.ws.discover())
    ls.published = {}
    ls.sent = []  # type: ignore[attr-defined]
    ls.text_document_publish_diagnostics = lambda p: ls.sent.append(  # type: ignore[method-assign]
        (p.uri, p.version, [d.message for d in p.diagnostics])
    )
    return ls


def edit(ls: BundleServer, path: Path, version: int, line: int, ch: int, text: str) -> None:
    pos = lsp.Position(line, ch)
    sync.did_change(
        ls,
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=from_fs_path(str(path)), version=version),
            [lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text=text)],
        ),
    )


async def turns(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def test_a_burst_of_edits_is_rechecked_once_and_published_at_once(
    server: BundleServer, clinic: Path
):
    extra = clinic / "bundles" / "malaria" / "extra.yaml"
    server.ws.open("bundles/malaria/extra.yaml", extra.read_text(), 1)
    line = extra.read_text().split("\n").index("    name: Paracetamol")
    for v, ch in enumerate("XYZ", start=2):  # handled before the loop turns
        edit(server, extra, v, line, len("    name: Paracetamol") + v - 2, ch)
    assert server.ws.stats["incremental"] == 0
    await turns(1)  # the next turn: no timer
    assert server.ws.stats["incremental"] == 1
    # published after one gap for requests already sent, not a debounce
    await asyncio.sleep(2 * PUBLISH_GAP_S)
    mine = [(v, m) for u, v, m in server.sent if u.endswith("extra.yaml")]
    assert [v for v, _m in mine] == [4]


async def test_a_request_right_after_a_keystroke_does_not_wait_for_its_publication(
    server: BundleServer, clinic: Path
):
    extra = clinic / "bundles" / "malaria" / "extra.yaml"
    server.ws.open("bundles/malaria/extra.yaml", extra.read_text(), 1)
    line = extra.read_text().split("\n").index("    name: Paracetamol")
    edit(server, extra, 2, line, len("    name: Paracetamol"), "X")
    await turns(1)
    assert server.ws.stats["incremental"] == 1  # re-checked at once
    assert not [v for u, v, _m in server.sent if u.endswith("extra.yaml")]  # not yet published
    published = server.ws.index.diagnostics
    server.ws.index.diagnostics = None  # computing diagnostics now would fail the hover
    hover = requests.hover(
        server,
        lsp.HoverParams(
            lsp.TextDocumentIdentifier(from_fs_path(str(extra))), lsp.Position(line, 6)
        ),
    )
    assert hover is not None and "name" in hover.contents.value
    server.ws.index.diagnostics = published
    await asyncio.sleep(2 * PUBLISH_GAP_S)
    assert [v for u, v, _m in server.sent if u.endswith("extra.yaml")] == [2]


async def test_an_edit_during_a_whole_file_analysis_supersedes_it(
    server: BundleServer, clinic: Path
):
    rel = "bundles/malaria/extra.yaml"
    extra = clinic / rel
    server.ws.open(rel, extra.read_text(), 1)
    server.settings = Settings(diagnostics_delay_ms=0)
    server.rechecks.cost[rel] = 1.0  # as if it took a second: analysed in a worker thread
    release = threading.Event()
    analysed: list[str] = []
    plain = server.ws.analyze_text

    def slow_analysis(path: str, text: str):
        analysed.append(text)
        release.wait(10)
        return plain(path, text)

    server.ws.analyze_text = slow_analysis  # type: ignore[method-assign]
    edit(server, extra, 2, 0, 0, "[")  # breaks the YAML: a whole-file analysis
    for _ in range(100):
        await asyncio.sleep(0.01)
        if analysed:
            break
    assert len(analysed) == 1 and rel in server.rechecks.running
    # a hover meanwhile is answered from the last analysis, without waiting
    text_now = server.ws.docs[rel].text
    hover = requests.hover(
        server,
        lsp.HoverParams(lsp.TextDocumentIdentifier(from_fs_path(str(extra))), lsp.Position(2, 6)),
    )
    assert hover is not None and "name" in hover.contents.value
    edit(server, extra, 3, 0, 1, "]")  # while it runs
    release.set()
    for _ in range(300):
        await asyncio.sleep(0.01)
        if any(u.endswith("extra.yaml") for u, _v, _m in server.sent):
            break
    assert analysed == [text_now, server.ws.docs[rel].text]  # one more, of the latest text
    versions = [v for u, v, _m in server.sent if u.endswith("extra.yaml")]
    assert versions == [3]  # the superseded analysis was never published
    assert not server.ws.is_dirty(rel) and rel not in server.ws.deferred
