"""The language server: LSP messages in, calls on the core's `Workspace` and features out.

One module per concern, each registering its handlers: `lifecycle` (initialize, settings,
shutdown), `sync` (documents and files: the only state changes), `requests`,
`completion` and `semantic_tokens` (reads), with `indexing` and `publishing` behind them. Overrides of pygls
internals live in `protocol` alone. Handlers only translate; a failing one logs the error
and answers an empty result, and the server keeps running.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from bundle_ls import __version__
from bundle_ls.editor.workspace import Workspace
from bundle_ls.lsp import (
    completion,
    effective,
    inlay_hints,
    lifecycle,
    requests,
    semantic_tokens,
    sync,
)
from bundle_ls.lsp.protocol import BundleProtocol
from bundle_ls.lsp.rechecks import Rechecks
from bundle_ls.lsp.settings import Settings
from bundle_ls.project.config import SETTINGS_FILE

log = logging.getLogger("bundle_ls.server")


class BundleServer(LanguageServer):
    """The server's state: the workspace, the settings, what was published, pending work."""

    def __init__(self, extra_schemas: list[Path] | None = None) -> None:
        super().__init__("bundle-ls", __version__, protocol_cls=BundleProtocol)
        self.extra_schemas = [Path(p) for p in extra_schemas or []]
        self.root: Path | None = None
        self.ws: Workspace | None = None
        self.init_options: Any = None
        self.configuration: Any = None
        self.settings = Settings()
        self.rechecks = Rechecks(self)
        self.published: dict[str, tuple] = {}  # uri → what was last published
        self.to_publish: dict[str, None] = {}  # other files to re-publish, in order
        self._uris: dict[str, str] = {}  # rel → URI under `_uri_root`
        self._uri_root: Path | None = None
        self.indexing: asyncio.Task | None = None
        self.index_done = asyncio.Event()

    # ---- paths ---------------------------------------------------------------------------

    def uri_of(self, rel: str) -> str:
        ws = self.ws
        if ws is None:
            return rel
        # Remembered per root: every diagnostic published names its related files' URIs,
        # and quoting a path costs more than the rest of the diagnostic's conversion.
        if ws.root is not self._uri_root:
            self._uris, self._uri_root = {}, ws.root
        got = self._uris.get(rel)
        if got is None:
            got = self._uris[rel] = from_fs_path(str(ws.root / rel))
        return got

    def rel_of(self, uri: str) -> str | None:
        if self.ws is None:
            return None
        path = to_fs_path(uri)
        return self.ws.rel(path) if path else None

    def tracked(self, uri: str) -> str | None:
        """The file of a URI when it is one the workspace checks, or its settings file."""
        rel = self.rel_of(uri)
        if rel is None or not (self.ws.is_config_file(rel) or rel == SETTINGS_FILE):
            return None
        return rel

    def holds(self, uri: str) -> bool:
        """Whether the Workspace has this document open (and so holds its current text)."""
        rel = self.tracked(uri) if self.ws is not None else None
        st = self.ws.docs.get(rel) if rel is not None else None
        return st is not None and st.is_open

    def show(self, kind: lsp.MessageType, message: str) -> None:
        log.warning(message)
        try:
            self.window_show_message(lsp.ShowMessageParams(kind, message))
        except Exception:  # noqa: BLE001
            log.exception("cannot show a message")


def create_server(extra_schemas: list[Path] | None = None) -> BundleServer:
    server = BundleServer(extra_schemas)
    for concern in (lifecycle, sync, completion, requests, inlay_hints, effective, semantic_tokens):
        concern.register(server)
    return server


def serve(extra_schemas: list[Path] | None = None) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="bundle-ls %(levelname)s: %(message)s"
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # Whole-file analyses of big documents run in worker threads: hand the interpreter back
    # to the message loop more often than every 5 ms, so requests are answered meanwhile.
    sys.setswitchinterval(0.001)
    create_server(extra_schemas).start_io()
