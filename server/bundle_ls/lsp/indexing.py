"""Indexing the Config Directory: at start, and again when its settings or schemas change.

The index is millions of long-lived objects: the cyclic collector would walk them all,
again and again, while indexing and then on keystrokes. The server indexes without it,
then collects once and freezes what is left, so later collections see only new objects.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from bundle_ls.documents.gcpause import no_cyclic_gc
from bundle_ls.editor.workspace import Workspace
from bundle_ls.lsp.publishing import publish
from bundle_ls.project.config import SETTINGS_FILE, ProjectError

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")

INDEX_CHUNK = 25  # files indexed between two looks at incoming messages


async def start_indexing(ls: BundleServer) -> None:
    if ls.indexing is not None and not ls.indexing.done():
        ls.indexing.cancel()
    ls.index_done.clear()
    ls.indexing = asyncio.create_task(index_workspace(ls))


async def index_workspace(ls: BundleServer) -> None:
    gc.unfreeze()
    try:
        with no_cyclic_gc():  # see the module's docstring
            await _index_workspace(ls)
    finally:
        gc.collect()
        gc.freeze()


async def _index_workspace(ls: BundleServer) -> None:
    try:
        old = ls.ws
        for h in ls.timers.values():
            h.cancel()
        ls.timers.clear()
        ls.ws = ws = build_workspace(ls)
        if ws is None:
            return
        _reopen(ls, old, ws)
        await _index_files(ls, ws, ws.discover())
        ws.indexed = True
        _publish_all(ls, ws, old)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001
        log.exception("indexing failed")
    finally:
        ls.index_done.set()


def _reopen(ls: BundleServer, old: Workspace | None, ws: Workspace) -> None:
    """Documents the editor already has open take their buffer's text: from the previous
    Workspace if it held them, else from pygls's copy."""
    for doc in list(ls.workspace.text_documents.values()):
        rel = ls.tracked(doc.uri)
        if rel is None:
            continue
        st = old.docs.get(rel) if old is not None else None
        if st is not None and st.is_open and st.lines is not None:
            ws.open(rel, st.text, st.version)
        else:
            ws.open(rel, doc.source, doc.version)


async def _index_files(ls: BundleServer, ws: Workspace, rels: list[str]) -> None:
    token = await begin_progress(ls, "Indexing the Config Directory", len(rels))
    for i in range(0, len(rels), INDEX_CHUNK):
        ws.index_files(rels[i : i + INDEX_CHUNK])
        if token is not None:
            done = min(len(rels), i + INDEX_CHUNK)
            ls.work_done_progress.report(
                token,
                lsp.WorkDoneProgressReport(
                    message=f"{done}/{len(rels)} files",
                    percentage=100 * done // max(1, len(rels)),
                ),
            )
        await asyncio.sleep(0)  # a look at incoming messages between chunks
    if token is not None:
        ls.work_done_progress.end(
            token, lsp.WorkDoneProgressEnd(message=f"{len(rels)} files indexed")
        )


def _publish_all(ls: BundleServer, ws: Workspace, old: Workspace | None) -> None:
    """Every file's diagnostics (bundle-ls.yaml's too), and an empty list for files that
    had some before and are no longer checked."""
    stale = set(ls.published)
    rels = list(ws.index.files)
    if ws.diagnostics(SETTINGS_FILE):
        rels.append(SETTINGS_FILE)
    for rel in rels:
        stale.discard(ls.uri_of(rel))
        publish(ls, rel, force=ws.docs.get(rel) is not None and ws.docs[rel].is_open)
    for uri in stale:
        if old is not None or ls.published.get(uri):
            ls.published.pop(uri, None)
            ls.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )


async def begin_progress(ls: BundleServer, title: str, total: int) -> str | None:
    window = ls.client_capabilities.window
    if not (window and window.work_done_progress):
        return None
    token = str(uuid.uuid4())
    try:
        await ls.work_done_progress.create_async(token)
    except Exception:  # noqa: BLE001
        log.warning("the client refused a progress token")
        return None
    ls.work_done_progress.begin(
        token,
        lsp.WorkDoneProgressBegin(title=title, message=f"0/{total} files", percentage=0),
    )
    return token


def build_workspace(ls: BundleServer) -> Workspace | None:
    if ls.root is None:
        return None
    folders = schema_folders(ls)
    try:
        return Workspace.load(ls.root, folders)
    except ProjectError as exc:
        ls.show(lsp.MessageType.Error, f"bundle-ls: {exc}")
    except Exception as exc:  # noqa: BLE001 - the server must stay up
        log.exception("cannot load the workspace")
        ls.show(lsp.MessageType.Error, f"bundle-ls: cannot load the workspace: {exc}")
    if folders:  # retry without the folders the settings added
        try:
            return Workspace.load(ls.root, [])
        except Exception:  # noqa: BLE001
            log.exception("cannot load the workspace without extra schemas")
    return None


def schema_folders(ls: BundleServer) -> list[Path]:
    out = list(ls.extra_schemas)
    for s in ls.settings.schemas:
        p = Path(s).expanduser()
        if not p.is_absolute() and ls.root is not None:
            p = ls.root / p
        out.append(p)
    return out


def root_for(path: Path) -> Path:
    """With no workspace folder: the nearest folder above the file with a bundle-ls.yaml,
    else the file's own folder."""
    start = path.parent
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return start
