"""Core results → lsprotocol types."""

from __future__ import annotations

from lsprotocol import types as lsp

from bundle_ls.documents import results as ft
from bundle_ls.documents.model import Diagnostic

SOURCE = "bundle-ls"

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "information": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
}

_COMPLETION_KIND = {
    ft.PROPERTY: lsp.CompletionItemKind.Property,
    ft.NAMESPACE: lsp.CompletionItemKind.Module,
    ft.VALUE: lsp.CompletionItemKind.Value,
    ft.ENUM: lsp.CompletionItemKind.EnumMember,
    ft.KEY: lsp.CompletionItemKind.Reference,
    ft.FILE: lsp.CompletionItemKind.File,
    ft.COLUMN: lsp.CompletionItemKind.Field,
}

_SYMBOL_KIND = {
    ft.SYM_NAMESPACE: lsp.SymbolKind.Namespace,
    ft.SYM_KEY: lsp.SymbolKind.Key,
    ft.SYM_OBJECT: lsp.SymbolKind.Object,
    ft.SYM_PROPERTY: lsp.SymbolKind.Property,
}


def range_(r) -> lsp.Range:
    return lsp.Range(lsp.Position(r[0], r[1]), lsp.Position(r[2], r[3]))


def diagnostic(d: Diagnostic, uri_of) -> lsp.Diagnostic:
    related = None
    if d.related:
        related = [
            lsp.DiagnosticRelatedInformation(
                lsp.Location(uri_of(r.path), range_(r.range)), r.message
            )
            for r in d.related
        ]
    return lsp.Diagnostic(
        range=range_(d.range),
        message=d.message,
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        code=d.code,
        source=SOURCE,
        related_information=related,
        data=d.data,
    )


def completion(c: ft.Completion) -> lsp.CompletionItem:
    return lsp.CompletionItem(
        label=c.label,
        kind=_COMPLETION_KIND.get(c.kind),
        detail=c.detail,
        documentation=lsp.MarkupContent(lsp.MarkupKind.Markdown, c.documentation)
        if c.documentation
        else None,
        sort_text=c.sort_text,
        filter_text=c.filter_text or c.label,
        text_edit=lsp.TextEdit(range_(c.range), c.new_text),
    )


def location(loc: ft.Location, uri_of) -> lsp.Location:
    return lsp.Location(uri_of(loc.path), range_(loc.range))


def document_symbol(s: ft.Symbol) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=s.name,
        kind=_SYMBOL_KIND.get(s.kind, lsp.SymbolKind.Object),
        range=range_(s.range),
        selection_range=range_(s.selection_range),
        detail=s.detail,
        children=[document_symbol(c) for c in s.children] or None,
    )


def workspace_symbol(s: ft.WorkspaceSymbol, uri_of) -> lsp.SymbolInformation:
    return lsp.SymbolInformation(
        name=s.name,
        kind=_SYMBOL_KIND.get(s.kind, lsp.SymbolKind.Key),
        location=location(s.location, uri_of),
        container_name=s.container,
    )


def workspace_edit(edits: list[ft.TextEdit], uri_of) -> lsp.WorkspaceEdit:
    changes: dict[str, list[lsp.TextEdit]] = {}
    for e in edits:
        changes.setdefault(uri_of(e.path), []).append(lsp.TextEdit(range_(e.range), e.new_text))
    return lsp.WorkspaceEdit(changes=changes)


def code_action(a: ft.CodeAction, uri_of, diag: lsp.Diagnostic | None) -> lsp.CodeAction:
    return lsp.CodeAction(
        title=a.title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diag] if diag is not None else None,
        is_preferred=a.preferred or None,
        edit=workspace_edit(a.edits, uri_of),
    )
