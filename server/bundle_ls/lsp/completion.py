"""Completion: answered from the text around the cursor and the last analysis; it never
waits for a re-check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from bundle_ls.editor.features import completion as f_completion
from bundle_ls.editor.view import ProjectView
from bundle_ls.lsp import convert
from bundle_ls.lsp.handlers import safe

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

TRIGGERS = [":", " ", ",", "[", "-", ";"]


@safe(lambda: lsp.CompletionList(is_incomplete=False, items=[]))
def completion(ls: BundleServer, params: lsp.CompletionParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    pos = params.position
    items = f_completion.complete(ProjectView(ls.ws), rel, pos.line, pos.character)
    return lsp.CompletionList(
        is_incomplete=items.incomplete, items=[convert.completion(i) for i in items]
    )


def register(server: BundleServer) -> None:
    server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=TRIGGERS),
    )(completion)
