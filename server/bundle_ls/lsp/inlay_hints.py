"""textDocument/inlayHint: CSV column names before cells, when `csvColumnHints` is on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from bundle_ls.editor.features.inlay_hints import csv_column_hints
from bundle_ls.editor.view import ProjectView
from bundle_ls.lsp.handlers import safe
from bundle_ls.lsp.sync import flush_pending

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer


@safe(list)
def inlay_hint(ls: BundleServer, params: lsp.InlayHintParams):
    if not ls.settings.csv_column_hints:
        return []
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    r = params.range
    rng = (r.start.line, r.start.character, r.end.line, r.end.character)
    return [
        lsp.InlayHint(
            position=lsp.Position(h.line, h.character),
            label=f"{h.column}:",
            kind=lsp.InlayHintKind.Parameter,
            padding_right=True,
        )
        for h in csv_column_hints(ProjectView(ls.ws), rel, rng)
    ]


def register(server: BundleServer) -> None:
    server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)(inlay_hint)
