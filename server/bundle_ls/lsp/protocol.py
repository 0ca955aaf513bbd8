"""Where bundle-ls overrides pygls internals: in this module only.

pygls 2.x does not offer hooks for these; each override is pinned by
tests/lsp/test_protocol.py against the pygls version in pyproject.toml:
- `lsp_initialize`: the core counts UTF-16 code units, so that is the position encoding
  offered whatever the client prefers;
- `lsp_text_document__did_change`: pygls keeps its own copy of each open document and
  re-splits the whole text on every change (tens of ms per keystroke in a 50,000-line
  file); the Workspace holds the documents it has open, so pygls's copy is kept only for
  the others;
- `structure_message`: a request whose params do not fit its method is answered with the
  error, as JSON-RPC requires, instead of leaving the client waiting for ever.
"""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification

ANSWERED = "$/bundle-ls/answered"  # stands for a request already answered with an error


class BundleProtocol(LanguageServerProtocol):
    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        # Positions are UTF-16 throughout the core (as the contract's JSON output is).
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            general.position_encodings = [lsp.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        # pygls keeps its own copy of each open document and re-splits the whole text on
        # every change (tens of ms per keystroke in a 50,000-line file). The Workspace holds
        # the text of the documents it has open; pygls's copy is kept only for the others
        # (e.g. a document edited before indexing has started).
        if not self._server.holds(params.text_document.uri):
            for change in params.content_changes:
                self.workspace.update_text_document(params.text_document, change)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" not in data or "method" not in data:
                raise
            # A request whose params do not fit its method: answer it with the error, as
            # JSON-RPC requires, instead of leaving the client waiting for ever.
            self._send_response(
                data["id"],
                error=lsp.ResponseError(
                    exc.code, f"{exc.message}: the params do not fit {data['method']}"
                ),
            )
            return JsonRPCNotification(method=ANSWERED, jsonrpc="2.0", params=None)
