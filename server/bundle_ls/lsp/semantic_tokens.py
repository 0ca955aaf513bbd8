"""`textDocument/semanticTokens/full`: the parts of embedded expressions (a permission
rule's functions, names, keywords), in LSP's relative encoding with one legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from bundle_ls.documents.results import TOKEN_TYPES, SemanticToken
from bundle_ls.editor.features import semantic_tokens as f_tokens
from bundle_ls.editor.view import ProjectView
from bundle_ls.lsp.handlers import safe
from bundle_ls.lsp.sync import flush_pending

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

# The core's token types are LSP's standard ones, so every theme colours them.
LEGEND = lsp.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=[])
_INDEX = {t: i for i, t in enumerate(TOKEN_TYPES)}


def encode(tokens: list[SemanticToken]) -> list[int]:
    """Five integers per token: line and start relative to the previous token, length,
    type, modifiers. Tokens must be on one line each and in document order."""
    data: list[int] = []
    prev_line = prev_start = 0
    for t in tokens:
        line, start, end_line, end = t.range
        if end_line != line or end <= start:
            continue
        delta = line - prev_line
        data += [delta, start - prev_start if delta == 0 else start, end - start, _INDEX[t.type], 0]
        prev_line, prev_start = line, start
    return data


@safe(lambda: lsp.SemanticTokens(data=[]))
def full(ls: BundleServer, params: lsp.SemanticTokensParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return lsp.SemanticTokens(data=[])
    flush_pending(ls, rel)
    return lsp.SemanticTokens(data=encode(f_tokens.semantic_tokens(ProjectView(ls.ws), rel)))


def register(server: BundleServer) -> None:
    server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)(full)
