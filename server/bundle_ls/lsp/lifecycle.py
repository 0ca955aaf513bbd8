"""The session: initialize (the root), initialized (settings, file watching, indexing),
settings changes, shutdown."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from bundle_ls.lsp.handlers import async_safe, safe
from bundle_ls.lsp.indexing import start_indexing
from bundle_ls.lsp.settings import SECTION, merge

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")


@safe(None)
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


@async_safe
async def initialized(ls: BundleServer, params: lsp.InitializedParams):
    await fetch_configuration(ls)
    apply_settings(ls)
    await register_watchers(ls)
    if ls.root is not None:
        await start_indexing(ls)


@async_safe
async def did_change_configuration(ls: BundleServer, params):
    ws_caps = ls.client_capabilities.workspace
    if ws_caps and ws_caps.configuration:
        await fetch_configuration(ls)
    elif isinstance(params.settings, dict):
        ls.configuration = params.settings.get(SECTION)
    if apply_settings(ls) and ls.root is not None:
        await start_indexing(ls)


def shutdown(ls: BundleServer, params):
    ls.rechecks.cancel_all()
    if ls.indexing is not None and not ls.indexing.done():
        ls.indexing.cancel()


def register(server: BundleServer) -> None:
    server.feature(lsp.INITIALIZE)(initialize)
    server.feature(lsp.INITIALIZED)(initialized)
    server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(lsp.SHUTDOWN)(shutdown)


async def fetch_configuration(ls: BundleServer) -> None:
    ws_caps = ls.client_capabilities.workspace
    if not (ws_caps and ws_caps.configuration):
        return
    try:
        result = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=SECTION)])
        )
        ls.configuration = result[0] if result else None
    except Exception:  # noqa: BLE001
        log.warning("the client did not answer workspace/configuration")


def apply_settings(ls: BundleServer) -> bool:
    """Parse the settings; True when the schema folders changed."""
    settings, problems = merge(ls.init_options, ls.configuration)
    for p in problems:
        ls.show(lsp.MessageType.Warning, p)
    changed = settings.schemas != ls.settings.schemas
    ls.settings = settings
    return changed


async def register_watchers(ls: BundleServer) -> None:
    ws_caps = ls.client_capabilities.workspace
    dyn = ws_caps and ws_caps.did_change_watched_files
    if not (dyn and dyn.dynamic_registration):
        return
    try:
        await ls.client_register_capability_async(
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
