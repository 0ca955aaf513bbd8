"""Requests that read the analysis: hover, definition, references, rename, symbols, code
actions. Each answers from the document's last consistent state (`flush_pending`: a
pending partial re-check is applied, a whole-file one is not waited for), then asks the
core."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from bundle_ls.documents.results import FeatureError
from bundle_ls.editor.features import code_actions as f_actions
from bundle_ls.editor.features import definition as f_definition
from bundle_ls.editor.features import hover as f_hover
from bundle_ls.editor.features import references as f_references
from bundle_ls.editor.features import rename as f_rename
from bundle_ls.editor.features import symbols as f_symbols
from bundle_ls.editor.view import ProjectView
from bundle_ls.lsp import convert
from bundle_ls.lsp.handlers import safe
from bundle_ls.lsp.sync import flush_pending

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer


@safe(None)
def hover(ls: BundleServer, params: lsp.HoverParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return None
    flush_pending(ls, rel)
    pos = params.position
    h = f_hover.hover(ProjectView(ls.ws), rel, pos.line, pos.character)
    if h is None:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, h.markdown),
        range=convert.range_(h.range) if h.range else None,
    )


@safe(list)
def definition(ls: BundleServer, params: lsp.DefinitionParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    pos = params.position
    locs = f_definition.definition(ProjectView(ls.ws), rel, pos.line, pos.character)
    return [convert.location(loc, ls.uri_of) for loc in locs]


@safe(list)
def references(ls: BundleServer, params: lsp.ReferenceParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    pos = params.position
    include = bool(params.context and params.context.include_declaration)
    locs = f_references.references(ProjectView(ls.ws), rel, pos.line, pos.character, include)
    return [convert.location(loc, ls.uri_of) for loc in locs]


@safe(None)
def prepare_rename(ls: BundleServer, params: lsp.PrepareRenameParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return None
    flush_pending(ls, rel)
    found = f_rename.prepare_rename(
        ProjectView(ls.ws), rel, params.position.line, params.position.character
    )
    if found is None:
        return None
    rng, name = found
    return lsp.PrepareRenamePlaceholder(range=convert.range_(rng), placeholder=name)


@safe(None)
def rename(ls: BundleServer, params: lsp.RenameParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return None
    # A rename edits every file: it waits for every pending re-check, whole-file ones too.
    for other in {rel, *ls.rechecks.pending()}:
        flush_pending(ls, other, force=True)
    pos = params.position
    try:
        edits = f_rename.rename(ProjectView(ls.ws), rel, pos.line, pos.character, params.new_name)
    except FeatureError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None
    if not edits:
        return None
    return convert.workspace_edit(edits, ls.uri_of)


@safe(list)
def document_symbol(ls: BundleServer, params: lsp.DocumentSymbolParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    return [convert.document_symbol(s) for s in f_symbols.document_symbols(ProjectView(ls.ws), rel)]


@safe(list)
def workspace_symbol(ls: BundleServer, params: lsp.WorkspaceSymbolParams):
    if ls.ws is None:
        return []
    syms = f_symbols.workspace_symbols(ProjectView(ls.ws), params.query)
    return [convert.workspace_symbol(s, ls.uri_of) for s in syms]


@safe(list)
def code_action(ls: BundleServer, params: lsp.CodeActionParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    r = params.range
    rng = (r.start.line, r.start.character, r.end.line, r.end.character)
    actions = f_actions.code_actions(ProjectView(ls.ws), rel, rng)
    out = []
    for a in actions:
        diag = convert.diagnostic(a.diagnostic, ls.uri_of) if a.diagnostic else None
        out.append(convert.code_action(a, ls.uri_of, diag))
    return out


def register(server: BundleServer) -> None:
    server.feature(lsp.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(lsp.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(lsp.TEXT_DOCUMENT_REFERENCES)(references)
    server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))(rename)
    server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    server.feature(lsp.WORKSPACE_SYMBOL)(workspace_symbol)
    server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )(code_action)
