"""Document sync: the editor's buffers and the files on disk reach the Workspace here (the
only state changes besides settings); `rechecks` decides when edits are re-checked."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from bundle_ls.lsp.handlers import async_safe, safe
from bundle_ls.lsp.indexing import root_for, start_indexing
from bundle_ls.lsp.publishing import publish_affected
from bundle_ls.lsp.rechecks import settle

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")


@safe(None)
def did_open(ls: BundleServer, params: lsp.DidOpenTextDocumentParams):
    doc = params.text_document
    if ls.ws is None:
        if ls.root is None and doc.uri.startswith("file:"):
            ls.root = root_for(Path(to_fs_path(doc.uri)))
            asyncio.get_running_loop().create_task(start_indexing(ls))
        return  # indexing opens it from the editor's buffer
    rel = ls.tracked(doc.uri)
    if rel is None:
        return
    ls.rechecks.forget(rel)
    t0 = time.perf_counter()
    affected = ls.ws.open(rel, doc.text, doc.version)
    cost = time.perf_counter() - t0
    publish_affected(ls, affected | {rel}, edited=rel)
    settle(ls, rel, cost)
    build_tree_in_background(ls, rel)


@safe(None)
def did_change(ls: BundleServer, params: lsp.DidChangeTextDocumentParams):
    if not ls.holds(params.text_document.uri):
        return
    rel = ls.tracked(params.text_document.uri)
    changes = []
    for c in params.content_changes:
        if isinstance(c, lsp.TextDocumentContentChangePartial):
            r = c.range
            changes.append(((r.start.line, r.start.character, r.end.line, r.end.character), c.text))
        else:
            changes.append((None, c.text))
    ls.ws.change(rel, changes, params.text_document.version)
    ls.rechecks.changed(rel)


@safe(None)
def did_close(ls: BundleServer, params: lsp.DidCloseTextDocumentParams):
    if ls.ws is None:
        return
    rel = ls.rel_of(params.text_document.uri)
    if rel is None or rel not in ls.ws.docs:
        return
    ls.rechecks.forget(rel)
    affected = ls.ws.close(rel)
    publish_affected(ls, affected | {rel})


@async_safe
async def did_change_watched_files(ls: BundleServer, params: lsp.DidChangeWatchedFilesParams):
    ws = ls.ws
    if ws is None:
        return
    rebuild = False
    affected: set[str] = set()
    other_files = False
    for ev in params.changes:
        path = to_fs_path(ev.uri)
        rel = ws.rel(path) if path else None
        if rel is None:
            continue
        if ws.reindex_on(rel):
            rebuild = True
            continue
        if ws.is_config_file(rel):
            if ev.type == lsp.FileChangeType.Deleted:
                affected |= ws.disk_deleted(rel) | {rel}
            else:
                affected |= ws.disk_changed(rel)
        else:
            other_files = True
    if rebuild:
        await start_indexing(ls)
        return
    if other_files:  # a file another one names may have appeared or gone
        affected |= ws.files_with_paths()
    publish_affected(ls, affected)


def register(server: BundleServer) -> None:
    server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)


def build_tree_in_background(ls: BundleServer, rel: str) -> None:
    """A long document opened unchanged: its tree (for partial re-checks and features)
    is parsed in a worker thread, so that opening it does not hold up requests."""
    ws = ls.ws
    job = ws.tree_job(rel)
    if job is None:
        return
    seq, text = job
    t0 = time.perf_counter()
    future = asyncio.get_running_loop().run_in_executor(ls.thread_pool, ws.parse_tree, text)

    def done(fut: asyncio.Future) -> None:
        try:
            if ls.ws is ws:
                ws.install_tree(rel, seq, fut.result())
                settle(ls, rel, time.perf_counter() - t0)
                if ws.is_dirty(rel):
                    ls.rechecks.recheck(rel)
        except Exception:  # noqa: BLE001
            log.exception("parsing %s failed", rel)

    future.add_done_callback(done)


def flush_pending(ls: BundleServer, rel: str, force: bool = False) -> None:
    """Before answering from a document's analysis: see `Rechecks.answer_from_last_state`."""
    ls.rechecks.answer_from_last_state(rel, force)
