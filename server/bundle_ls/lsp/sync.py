"""Document sync: the editor's buffers and the files on disk reach the Workspace here (the
only state changes besides settings), and re-checks are scheduled and published."""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from bundle_ls.lsp.handlers import async_safe, safe
from bundle_ls.lsp.indexing import root_for, start_indexing
from bundle_ls.lsp.publishing import publish_affected

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")

BACKGROUND_LINES = 5000  # longer documents are re-analysed whole in a worker thread


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
    affected = ls.ws.open(rel, doc.text, doc.version)
    publish_affected(ls, affected | {rel}, edited=rel)
    settle(ls, rel)
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
    schedule(ls, rel)


@safe(None)
def did_close(ls: BundleServer, params: lsp.DidCloseTextDocumentParams):
    if ls.ws is None:
        return
    rel = ls.rel_of(params.text_document.uri)
    if rel is None or rel not in ls.ws.docs:
        return
    handle = ls.timers.pop(rel, None)
    if handle is not None:
        handle.cancel()
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


def schedule(ls: BundleServer, rel: str) -> None:
    old = ls.timers.pop(rel, None)
    if old is not None:
        old.cancel()
    delay = ls.settings.diagnostics_delay_ms / 1000
    if delay <= 0:
        flush_and_publish(ls, rel)
        return
    loop = asyncio.get_running_loop()
    ls.timers[rel] = loop.call_later(delay, flush_and_publish, ls, rel)


def flush_and_publish(ls: BundleServer, rel: str) -> None:
    ls.timers.pop(rel, None)
    try:
        ws = ls.ws
        if ws is None:
            return
        if ws.tree_job(rel) is not None:
            return  # its tree is being built; that flushes the edits when done
        st = ws.docs.get(rel)
        big = st is not None and st.lines is not None and len(st.lines) > BACKGROUND_LINES
        result = ws.flush(rel, allow_full=not big)
        if result is None:
            analyze_in_background(ls, rel)
            return
        publish_affected(ls, result.affected | {rel}, edited=rel)
    except Exception:  # noqa: BLE001
        log.exception("re-checking %s failed", rel)


def settle(ls: BundleServer, rel: str) -> None:
    """After a long document's whole-file work: move what it built out of the cyclic
    collector's way (as after indexing), so that no full collection over those objects
    lands on a later keystroke. The model holds almost no reference cycles, so this
    keeps next to no garbage."""
    st = ls.ws.docs.get(rel) if ls.ws is not None else None
    if st is not None and st.lines is not None and len(st.lines) > BACKGROUND_LINES:
        gc.freeze()


def build_tree_in_background(ls: BundleServer, rel: str) -> None:
    """A long document opened unchanged: its tree (for partial re-checks and features)
    is parsed in a worker thread, so that opening it does not hold up requests."""
    ws = ls.ws
    job = ws.tree_job(rel)
    if job is None:
        return
    seq, text = job
    future = asyncio.get_running_loop().run_in_executor(ls.thread_pool, ws.parse_tree, text)

    def done(fut: asyncio.Future) -> None:
        try:
            if ls.ws is ws:
                ws.install_tree(rel, seq, fut.result())
                settle(ls, rel)
                if ws.is_dirty(rel):
                    flush_and_publish(ls, rel)
        except Exception:  # noqa: BLE001
            log.exception("parsing %s failed", rel)

    future.add_done_callback(done)


def analyze_in_background(ls: BundleServer, rel: str) -> None:
    """A whole-file analysis of a big document runs in a worker thread, so that requests
    (completion while typing) are still answered meanwhile."""
    ws = ls.ws
    snap = ws.snapshot(rel)
    if snap is None:
        return
    seq, text = snap
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(ls.thread_pool, ws.analyze_text, rel, text)

    def done(fut: asyncio.Future) -> None:
        try:
            doc, facts = fut.result()
            if ls.ws is not ws:
                return
            affected = ws.apply_full(rel, seq, doc, facts)
            settle(ls, rel)
            if affected is not None:
                publish_affected(ls, affected | {rel}, edited=rel)
        except Exception:  # noqa: BLE001
            log.exception("re-checking %s failed", rel)

    future.add_done_callback(done)


def flush_pending(ls: BundleServer, rel: str) -> None:
    """Before answering from a document's analysis, apply its pending edits."""
    if ls.ws is not None and ls.ws.is_dirty(rel):
        handle = ls.timers.pop(rel, None)
        if handle is not None:
            handle.cancel()
        result = ls.ws.flush(rel)
        publish_affected(ls, result.affected | {rel}, edited=rel)
