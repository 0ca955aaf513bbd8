"""Publishing diagnostics: the edited file at once, other affected files in short slices
between incoming messages, each only when what it would show has changed."""

from __future__ import annotations

import asyncio
import logging
import time
from functools import partial
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from bundle_ls.lsp import convert

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")

PUBLISH_SLICE_S = 0.02  # other files' diagnostics are published in slices this long
PUBLISH_GAP_S = 0.005  # with this much time between slices for incoming messages


def publish(ls: BundleServer, rel: str, force: bool = False) -> None:
    ws = ls.ws
    if ws is None:
        return
    uri = ls.uri_of(rel)
    diags = ws.diagnostics(rel)
    signature = tuple(
        (
            d.range,
            d.severity,
            d.code,
            d.message,
            tuple((r.path, r.range) for r in d.related or ()),
        )
        for d in diags
    )
    if not force and ls.published.get(uri, ()) == signature:
        return
    ls.published[uri] = signature
    st = ws.docs.get(rel)
    version = st.version if st is not None and st.is_open else None
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(
            uri=uri,
            version=version,
            diagnostics=[convert.diagnostic(d, ls.uri_of) for d in diags],
        )
    )


def publish_affected(ls: BundleServer, affected: set[str], edited: str | None = None) -> None:
    """Publish the edited file at once; the other affected files a few at a time between
    incoming messages, so that the next keystroke is not queued behind them."""
    if ls.ws is None:
        return
    if edited is not None:
        publish_one(ls, edited, force=True)
    pending = not ls.to_publish
    for rel in sorted(affected):
        if rel != edited:
            ls.to_publish[rel] = None
    if pending and ls.to_publish:
        asyncio.get_running_loop().call_later(PUBLISH_GAP_S, partial(publish_some, ls))


def publish_some(ls: BundleServer) -> None:
    deadline = time.perf_counter() + PUBLISH_SLICE_S
    while ls.to_publish and time.perf_counter() < deadline:
        rel = next(iter(ls.to_publish))
        del ls.to_publish[rel]
        try:
            publish_one(ls, rel)
        except Exception:  # noqa: BLE001
            log.exception("publishing %s failed", rel)
    if ls.to_publish:
        # A gap, not call_soon: a message takes several turns of the loop from the
        # reader to its handler, and each turn would otherwise run a whole slice first.
        asyncio.get_running_loop().call_later(PUBLISH_GAP_S, partial(publish_some, ls))


def publish_one(ls: BundleServer, rel: str, force: bool = False) -> None:
    if ls.ws is None:
        return
    if rel in ls.ws.index.files or force:
        publish(ls, rel, force=force)
        return
    uri = ls.uri_of(rel)
    if ls.published.pop(uri, None):
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
