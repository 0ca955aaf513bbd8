"""The language server: LSP messages in, calls on the core `Workspace` and features, LSP out.

Handlers only translate. State changes (open, change, close, files changed on disk,
settings) go to the `Workspace`, which returns the files whose diagnostics may have
changed; requests read it through the feature functions. Diagnostics are debounced per
file and published with the document's version. A failing handler logs the error and
answers an empty result; the server keeps running.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification
from pygls.uris import from_fs_path, to_fs_path

from bundle_ls import __version__
from bundle_ls.documents.results import FeatureError
from bundle_ls.editor.features import code_actions as f_actions
from bundle_ls.editor.features import completion as f_completion
from bundle_ls.editor.features import definition as f_definition
from bundle_ls.editor.features import hover as f_hover
from bundle_ls.editor.features import references as f_references
from bundle_ls.editor.features import rename as f_rename
from bundle_ls.editor.features import symbols as f_symbols
from bundle_ls.editor.view import ProjectView
from bundle_ls.editor.workspace import Workspace
from bundle_ls.lsp import convert
from bundle_ls.lsp.settings import SECTION, Settings, merge
from bundle_ls.project.config import SETTINGS_FILE, ProjectError

log = logging.getLogger("bundle_ls.server")
_ANSWERED = "$/bundle-ls/answered"  # stands for a request already answered with an error

INDEX_CHUNK = 25  # files indexed between two looks at incoming messages
PUBLISH_SLICE_S = 0.02  # other files' diagnostics are published in slices this long
PUBLISH_GAP_S = 0.005  # with this much time between slices for incoming messages
BACKGROUND_LINES = 5000  # longer documents are re-analysed whole in a worker thread


class _Protocol(LanguageServerProtocol):
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
            return JsonRPCNotification(method=_ANSWERED, jsonrpc="2.0", params=None)


class BundleServer(LanguageServer):
    def __init__(self, extra_schemas: list[Path] | None = None) -> None:
        super().__init__("bundle-ls", __version__, protocol_cls=_Protocol)
        self.extra_schemas = [Path(p) for p in extra_schemas or []]
        self.root: Path | None = None
        self.ws: Workspace | None = None
        self.init_options: Any = None
        self.configuration: Any = None
        self.settings = Settings()
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.published: dict[str, tuple] = {}  # uri → what was last published
        self.to_publish: dict[str, None] = {}  # other files to re-publish, in order
        self.indexing: asyncio.Task | None = None
        self.index_done = asyncio.Event()

    # ---- paths ---------------------------------------------------------------------------

    def uri_of(self, rel: str) -> str:
        return from_fs_path(str(self.ws.root / rel)) if self.ws else rel

    def rel_of(self, uri: str) -> str | None:
        if self.ws is None:
            return None
        path = to_fs_path(uri)
        return self.ws.rel(path) if path else None

    def tracked(self, uri: str) -> str | None:
        rel = self.rel_of(uri)
        if rel is None or not self.ws.is_config_file(rel):
            return None
        return rel

    # ---- start, settings, indexing -------------------------------------------------------

    def holds(self, uri: str) -> bool:
        """Whether the Workspace has this document open (and so holds its current text)."""
        rel = self.tracked(uri) if self.ws is not None else None
        st = self.ws.docs.get(rel) if rel is not None else None
        return st is not None and st.is_open

    def schema_folders(self) -> list[Path]:
        out = list(self.extra_schemas)
        for s in self.settings.schemas:
            p = Path(s).expanduser()
            if not p.is_absolute() and self.root is not None:
                p = self.root / p
            out.append(p)
        return out

    def build_workspace(self) -> Workspace | None:
        if self.root is None:
            return None
        folders = self.schema_folders()
        try:
            return Workspace.load(self.root, folders)
        except ProjectError as exc:
            self.show(lsp.MessageType.Error, f"bundle-ls: {exc}")
        except Exception as exc:  # noqa: BLE001 - the server must stay up
            log.exception("cannot load the workspace")
            self.show(lsp.MessageType.Error, f"bundle-ls: cannot load the workspace: {exc}")
        if folders:  # retry without the folders the settings added
            try:
                return Workspace.load(self.root, [])
            except Exception:  # noqa: BLE001
                log.exception("cannot load the workspace without extra schemas")
        return None

    def show(self, kind: lsp.MessageType, message: str) -> None:
        log.warning(message)
        try:
            self.window_show_message(lsp.ShowMessageParams(kind, message))
        except Exception:  # noqa: BLE001
            log.exception("cannot show a message")

    async def start_indexing(self) -> None:
        if self.indexing is not None and not self.indexing.done():
            self.indexing.cancel()
        self.index_done.clear()
        self.indexing = asyncio.create_task(self.index_workspace())

    async def index_workspace(self) -> None:
        # The index is millions of long-lived objects: the cyclic collector would walk them
        # all, again and again, while indexing and then on keystrokes. Index without it, then
        # collect once and freeze what is left, so later collections see only new objects.
        gc.unfreeze()
        gc.disable()
        try:
            old = self.ws
            for h in self.timers.values():
                h.cancel()
            self.timers.clear()
            self.ws = ws = self.build_workspace()
            if ws is None:
                return
            # Documents the editor already has open take their buffer's text: from the
            # previous Workspace if it held them, else from pygls's copy.
            for doc in list(self.workspace.text_documents.values()):
                rel = self.tracked(doc.uri)
                if rel is None:
                    continue
                st = old.docs.get(rel) if old is not None else None
                if st is not None and st.is_open and st.lines is not None:
                    ws.open(rel, st.text, st.version)
                else:
                    ws.open(rel, doc.source, doc.version)
            rels = ws.discover()
            token = await self.begin_progress("Indexing the Config Directory", len(rels))
            for i in range(0, len(rels), INDEX_CHUNK):
                ws.index_files(rels[i : i + INDEX_CHUNK])
                if token is not None:
                    done = min(len(rels), i + INDEX_CHUNK)
                    self.work_done_progress.report(
                        token,
                        lsp.WorkDoneProgressReport(
                            message=f"{done}/{len(rels)} files",
                            percentage=100 * done // max(1, len(rels)),
                        ),
                    )
                await asyncio.sleep(0)
            ws.indexed = True
            if token is not None:
                self.work_done_progress.end(
                    token, lsp.WorkDoneProgressEnd(message=f"{len(rels)} files indexed")
                )
            stale = set(self.published)
            for rel in list(ws.index.files):
                uri = self.uri_of(rel)
                stale.discard(uri)
                self.publish(rel, force=ws.docs.get(rel) is not None and ws.docs[rel].is_open)
            for uri in stale:
                if old is not None or self.published.get(uri):
                    self.published.pop(uri, None)
                    self.text_document_publish_diagnostics(
                        lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
                    )
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001
            log.exception("indexing failed")
        finally:
            gc.enable()
            gc.collect()
            gc.freeze()
            self.index_done.set()

    async def begin_progress(self, title: str, total: int) -> str | None:
        window = self.client_capabilities.window
        if not (window and window.work_done_progress):
            return None
        token = str(uuid.uuid4())
        try:
            await self.work_done_progress.create_async(token)
        except Exception:  # noqa: BLE001
            log.warning("the client refused a progress token")
            return None
        self.work_done_progress.begin(
            token,
            lsp.WorkDoneProgressBegin(title=title, message=f"0/{total} files", percentage=0),
        )
        return token

    async def fetch_configuration(self) -> None:
        ws_caps = self.client_capabilities.workspace
        if not (ws_caps and ws_caps.configuration):
            return
        try:
            result = await self.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=SECTION)])
            )
            self.configuration = result[0] if result else None
        except Exception:  # noqa: BLE001
            log.warning("the client did not answer workspace/configuration")

    def apply_settings(self) -> bool:
        """Parse the settings; True when the schema folders changed."""
        settings, problems = merge(self.init_options, self.configuration)
        for p in problems:
            self.show(lsp.MessageType.Warning, p)
        changed = settings.schemas != self.settings.schemas
        self.settings = settings
        return changed

    async def register_watchers(self) -> None:
        ws_caps = self.client_capabilities.workspace
        dyn = ws_caps and ws_caps.did_change_watched_files
        if not (dyn and dyn.dynamic_registration):
            return
        try:
            await self.client_register_capability_async(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(
                            id=str(uuid.uuid4()),
                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=lsp.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[lsp.FileSystemWatcher(glob_pattern="**/*")]
                            ),
                        )
                    ]
                )
            )
        except Exception:  # noqa: BLE001
            log.warning("the client refused to watch files; changes on disk are seen on open")

    # ---- diagnostics ---------------------------------------------------------------------

    def publish(self, rel: str, force: bool = False) -> None:
        ws = self.ws
        if ws is None:
            return
        uri = self.uri_of(rel)
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
        if not force and self.published.get(uri, ()) == signature:
            return
        self.published[uri] = signature
        st = ws.docs.get(rel)
        version = st.version if st is not None and st.is_open else None
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri,
                version=version,
                diagnostics=[convert.diagnostic(d, self.uri_of) for d in diags],
            )
        )

    def publish_affected(self, affected: set[str], edited: str | None = None) -> None:
        """Publish the edited file at once; the other affected files a few at a time between
        incoming messages, so that the next keystroke is not queued behind them."""
        if self.ws is None:
            return
        if edited is not None:
            self.publish_one(edited, force=True)
        pending = not self.to_publish
        for rel in sorted(affected):
            if rel != edited:
                self.to_publish[rel] = None
        if pending and self.to_publish:
            asyncio.get_running_loop().call_later(PUBLISH_GAP_S, self.publish_some)

    def publish_some(self) -> None:
        deadline = time.perf_counter() + PUBLISH_SLICE_S
        while self.to_publish and time.perf_counter() < deadline:
            rel = next(iter(self.to_publish))
            del self.to_publish[rel]
            try:
                self.publish_one(rel)
            except Exception:  # noqa: BLE001
                log.exception("publishing %s failed", rel)
        if self.to_publish:
            # A gap, not call_soon: a message takes several turns of the loop from the
            # reader to its handler, and each turn would otherwise run a whole slice first.
            asyncio.get_running_loop().call_later(PUBLISH_GAP_S, self.publish_some)

    def publish_one(self, rel: str, force: bool = False) -> None:
        if self.ws is None:
            return
        if rel in self.ws.index.files or force:
            self.publish(rel, force=force)
            return
        uri = self.uri_of(rel)
        if self.published.pop(uri, None):
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def schedule(self, rel: str) -> None:
        old = self.timers.pop(rel, None)
        if old is not None:
            old.cancel()
        delay = self.settings.diagnostics_delay_ms / 1000
        if delay <= 0:
            self.flush_and_publish(rel)
            return
        loop = asyncio.get_running_loop()
        self.timers[rel] = loop.call_later(delay, self.flush_and_publish, rel)

    def flush_and_publish(self, rel: str) -> None:
        self.timers.pop(rel, None)
        try:
            ws = self.ws
            if ws is None:
                return
            if ws.tree_job(rel) is not None:
                return  # its tree is being built; that flushes the edits when done
            st = ws.docs.get(rel)
            big = st is not None and st.lines is not None and len(st.lines) > BACKGROUND_LINES
            result = ws.flush(rel, allow_full=not big)
            if result is None:
                self.analyze_in_background(rel)
                return
            self.publish_affected(result.affected | {rel}, edited=rel)
        except Exception:  # noqa: BLE001
            log.exception("re-checking %s failed", rel)

    def settle(self, rel: str) -> None:
        """After a long document's whole-file work: move what it built out of the cyclic
        collector's way (as after indexing), so that no full collection over those objects
        lands on a later keystroke. The model holds almost no reference cycles, so this
        keeps next to no garbage."""
        st = self.ws.docs.get(rel) if self.ws is not None else None
        if st is not None and st.lines is not None and len(st.lines) > BACKGROUND_LINES:
            gc.freeze()

    def build_tree_in_background(self, rel: str) -> None:
        """A long document opened unchanged: its tree (for partial re-checks and features)
        is parsed in a worker thread, so that opening it does not hold up requests."""
        ws = self.ws
        job = ws.tree_job(rel)
        if job is None:
            return
        seq, text = job
        future = asyncio.get_running_loop().run_in_executor(self.thread_pool, ws.parse_tree, text)

        def done(fut: asyncio.Future) -> None:
            try:
                if self.ws is ws:
                    ws.install_tree(rel, seq, fut.result())
                    self.settle(rel)
                    if ws.is_dirty(rel):
                        self.flush_and_publish(rel)
            except Exception:  # noqa: BLE001
                log.exception("parsing %s failed", rel)

        future.add_done_callback(done)

    def analyze_in_background(self, rel: str) -> None:
        """A whole-file analysis of a big document runs in a worker thread, so that requests
        (completion while typing) are still answered meanwhile."""
        ws = self.ws
        snap = ws.snapshot(rel)
        if snap is None:
            return
        seq, text = snap
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.thread_pool, ws.analyze_text, rel, text)

        def done(fut: asyncio.Future) -> None:
            try:
                doc, facts = fut.result()
                if self.ws is not ws:
                    return
                affected = ws.apply_full(rel, seq, doc, facts)
                self.settle(rel)
                if affected is not None:
                    self.publish_affected(affected | {rel}, edited=rel)
            except Exception:  # noqa: BLE001
                log.exception("re-checking %s failed", rel)

        future.add_done_callback(done)

    def flush_pending(self, rel: str) -> None:
        """Before answering from a document's analysis, apply its pending edits."""
        if self.ws is not None and self.ws.is_dirty(rel):
            handle = self.timers.pop(rel, None)
            if handle is not None:
                handle.cancel()
            result = self.ws.flush(rel)
            self.publish_affected(result.affected | {rel}, edited=rel)


def _safe(default):
    """A handler that fails logs the error and answers `default`."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(ls: BundleServer, params):
            try:
                return fn(ls, params)
            except JsonRpcException:
                raise  # an answer for the client (e.g. a refused rename), not a failure
            except Exception:  # noqa: BLE001
                log.exception("%s failed", fn.__name__)
                return default() if callable(default) else default

        return inner

    return wrap


def _async_safe(fn):
    @functools.wraps(fn)
    async def inner(ls: BundleServer, params):
        try:
            return await fn(ls, params)
        except Exception:  # noqa: BLE001
            log.exception("%s failed", fn.__name__)

    return inner


def create_server(extra_schemas: list[Path] | None = None) -> BundleServer:
    server = BundleServer(extra_schemas)

    @server.feature(lsp.INITIALIZE)
    @_safe(None)
    def initialize(ls: BundleServer, params: lsp.InitializeParams):
        ls.init_options = params.initialization_options
        root = None
        if params.workspace_folders:
            root = to_fs_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = to_fs_path(params.root_uri)
        elif params.root_path:
            root = params.root_path
        ls.root = Path(root) if root else None

    @server.feature(lsp.INITIALIZED)
    @_async_safe
    async def initialized(ls: BundleServer, params: lsp.InitializedParams):
        await ls.fetch_configuration()
        ls.apply_settings()
        await ls.register_watchers()
        if ls.root is not None:
            await ls.start_indexing()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_async_safe
    async def did_change_configuration(ls: BundleServer, params):
        ws_caps = ls.client_capabilities.workspace
        if ws_caps and ws_caps.configuration:
            await ls.fetch_configuration()
        elif isinstance(params.settings, dict):
            ls.configuration = params.settings.get(SECTION)
        if ls.apply_settings() and ls.root is not None:
            await ls.start_indexing()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_safe(None)
    def did_open(ls: BundleServer, params: lsp.DidOpenTextDocumentParams):
        doc = params.text_document
        if ls.ws is None:
            if ls.root is None and doc.uri.startswith("file:"):
                ls.root = _root_for(Path(to_fs_path(doc.uri)))
                asyncio.get_running_loop().create_task(ls.start_indexing())
            return  # indexing opens it from the editor's buffer
        rel = ls.tracked(doc.uri)
        if rel is None:
            return
        affected = ls.ws.open(rel, doc.text, doc.version)
        ls.publish_affected(affected | {rel}, edited=rel)
        ls.settle(rel)
        ls.build_tree_in_background(rel)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_safe(None)
    def did_change(ls: BundleServer, params: lsp.DidChangeTextDocumentParams):
        if not ls.holds(params.text_document.uri):
            return
        rel = ls.tracked(params.text_document.uri)
        changes = []
        for c in params.content_changes:
            if isinstance(c, lsp.TextDocumentContentChangePartial):
                r = c.range
                changes.append(
                    ((r.start.line, r.start.character, r.end.line, r.end.character), c.text)
                )
            else:
                changes.append((None, c.text))
        ls.ws.change(rel, changes, params.text_document.version)
        ls.schedule(rel)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_safe(None)
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
        ls.publish_affected(affected | {rel})

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_async_safe
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
            await ls.start_indexing()
            return
        if other_files:  # a file another one names may have appeared or gone
            affected |= ws.files_with_paths()
        ls.publish_affected(affected)

    # ---- requests ------------------------------------------------------------------------

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=[":", " ", ",", "[", "-", ";"]),
    )
    @_safe(lambda: lsp.CompletionList(is_incomplete=False, items=[]))
    def completion(ls: BundleServer, params: lsp.CompletionParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        pos = params.position
        items = f_completion.complete(ProjectView(ls.ws), rel, pos.line, pos.character)
        return lsp.CompletionList(
            is_incomplete=items.incomplete, items=[convert.completion(i) for i in items]
        )

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_safe(None)
    def hover(ls: BundleServer, params: lsp.HoverParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return None
        ls.flush_pending(rel)
        pos = params.position
        h = f_hover.hover(ProjectView(ls.ws), rel, pos.line, pos.character)
        if h is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, h.markdown),
            range=convert.range_(h.range) if h.range else None,
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_safe(list)
    def definition(ls: BundleServer, params: lsp.DefinitionParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return []
        ls.flush_pending(rel)
        pos = params.position
        locs = f_definition.definition(ProjectView(ls.ws), rel, pos.line, pos.character)
        return [convert.location(loc, ls.uri_of) for loc in locs]

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @_safe(list)
    def references(ls: BundleServer, params: lsp.ReferenceParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return []
        ls.flush_pending(rel)
        pos = params.position
        include = bool(params.context and params.context.include_declaration)
        locs = f_references.references(ProjectView(ls.ws), rel, pos.line, pos.character, include)
        return [convert.location(loc, ls.uri_of) for loc in locs]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @_safe(None)
    def prepare_rename(ls: BundleServer, params: lsp.PrepareRenameParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return None
        ls.flush_pending(rel)
        found = f_rename.prepare_rename(
            ProjectView(ls.ws), rel, params.position.line, params.position.character
        )
        if found is None:
            return None
        rng, name = found
        return lsp.PrepareRenamePlaceholder(range=convert.range_(rng), placeholder=name)

    @server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))
    @_safe(None)
    def rename(ls: BundleServer, params: lsp.RenameParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return None
        ls.flush_pending(rel)
        for other in list(ls.timers):
            ls.flush_pending(other)
        pos = params.position
        try:
            edits = f_rename.rename(
                ProjectView(ls.ws), rel, pos.line, pos.character, params.new_name
            )
        except FeatureError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None
        if not edits:
            return None
        return convert.workspace_edit(edits, ls.uri_of)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_safe(list)
    def document_symbol(ls: BundleServer, params: lsp.DocumentSymbolParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return []
        ls.flush_pending(rel)
        return [
            convert.document_symbol(s) for s in f_symbols.document_symbols(ProjectView(ls.ws), rel)
        ]

    @server.feature(lsp.WORKSPACE_SYMBOL)
    @_safe(list)
    def workspace_symbol(ls: BundleServer, params: lsp.WorkspaceSymbolParams):
        if ls.ws is None:
            return []
        syms = f_symbols.workspace_symbols(ProjectView(ls.ws), params.query)
        return [convert.workspace_symbol(s, ls.uri_of) for s in syms]

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    @_safe(list)
    def code_action(ls: BundleServer, params: lsp.CodeActionParams):
        rel = ls.tracked(params.text_document.uri)
        if rel is None:
            return []
        ls.flush_pending(rel)
        r = params.range
        rng = (r.start.line, r.start.character, r.end.line, r.end.character)
        actions = f_actions.code_actions(ProjectView(ls.ws), rel, rng)
        out = []
        for a in actions:
            diag = convert.diagnostic(a.diagnostic, ls.uri_of) if a.diagnostic else None
            out.append(convert.code_action(a, ls.uri_of, diag))
        return out

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: BundleServer, params):
        for h in ls.timers.values():
            h.cancel()
        ls.timers.clear()
        if ls.indexing is not None and not ls.indexing.done():
            ls.indexing.cancel()

    return server


def _root_for(path: Path) -> Path:
    """With no workspace folder: the nearest folder above the file with a bundle-ls.yaml,
    else the file's own folder."""
    start = path.parent
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return start


def serve(extra_schemas: list[Path] | None = None) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="bundle-ls %(levelname)s: %(message)s"
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # Whole-file analyses of big documents run in worker threads: hand the interpreter back
    # to the message loop more often than every 5 ms, so requests are answered meanwhile.
    sys.setswitchinterval(0.001)
    create_server(extra_schemas).start_io()
