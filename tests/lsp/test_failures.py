"""A handler that fails logs the error and answers an empty result (no server process:
the handlers are called as pygls calls them)."""

from __future__ import annotations

import logging

from lsprotocol import types as lsp

from bundle_ls.lsp.server import create_server


class Broken:
    """A workspace whose every use fails."""

    def __getattr__(self, name):
        raise RuntimeError(f"broken workspace: {name}")


def test_failing_handlers_answer_empty_results(caplog):
    server = create_server()
    server.ws = Broken()
    features = server.protocol.fm.features
    doc = lsp.TextDocumentIdentifier("file:///nowhere/rooms.yaml")
    pos = lsp.Position(0, 0)
    with caplog.at_level(logging.ERROR, logger="bundle_ls.server"):
        assert features[lsp.TEXT_DOCUMENT_HOVER](lsp.HoverParams(doc, pos)) is None
        assert features[lsp.TEXT_DOCUMENT_DEFINITION](lsp.DefinitionParams(doc, pos)) == []
        result = features[lsp.TEXT_DOCUMENT_COMPLETION](lsp.CompletionParams(doc, pos))
        assert result.items == []
        assert features[lsp.WORKSPACE_SYMBOL](lsp.WorkspaceSymbolParams(query="x")) == []
    failed = [r.getMessage() for r in caplog.records]
    assert failed == [
        "hover failed",
        "definition failed",
        "completion failed",
        "workspace_symbol failed",
    ]
    assert all(r.exc_info for r in caplog.records)  # with the traceback, on stderr
