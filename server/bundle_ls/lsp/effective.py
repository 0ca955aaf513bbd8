"""The effective configuration in the editor: code lenses ("also in N files") and the
`bundle-ls/effectiveConfiguration` request behind VS Code's "Show effective configuration".

The request answers `{namespace, label, title, html}`: the report page (`bundle-ls report`'s
own, self-contained) of the workspace as the editor has it, opened on the effective
configuration of one namespace — the one asked for (`namespace`), else the one under the
cursor (`uri`, `position`). When neither names one it answers `{namespaces: [{namespace,
label, objects}]}` for the client to choose from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from bundle_ls.batch.runner import CheckResult
from bundle_ls.editor.features import effective as f_effective
from bundle_ls.editor.view import ProjectView
from bundle_ls.lsp import convert
from bundle_ls.lsp.handlers import safe
from bundle_ls.lsp.sync import flush_pending

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

EFFECTIVE_REQUEST = "bundle-ls/effectiveConfiguration"
# The client command a lens runs: VS Code's extension shows the places as references.
SHOW_LOCATIONS = "bundleLs.showLocations"


@safe(list)
def code_lens(ls: BundleServer, params: lsp.CodeLensParams):
    rel = ls.tracked(params.text_document.uri)
    if rel is None:
        return []
    flush_pending(ls, rel)
    uri = params.text_document.uri
    out = []
    for lens in f_effective.also_defined_lenses(ProjectView(ls.ws), rel):
        # Plain JSON arguments: (document, position, locations), as the client's command
        # passes them on to its "show references" view.
        start = {"line": lens.range[0], "character": lens.range[1]}
        places = [{"uri": ls.uri_of(p.path), "range": _range(p.range)} for p in lens.places]
        command = lsp.Command(
            title=lens.title, command=SHOW_LOCATIONS, arguments=[uri, start, places]
        )
        out.append(lsp.CodeLens(range=convert.range_(lens.range), command=command))
    return out


def _range(r: tuple[int, int, int, int]) -> dict[str, Any]:
    return {
        "start": {"line": r[0], "character": r[1]},
        "end": {"line": r[2], "character": r[3]},
    }


def _param(params: Any, name: str) -> Any:
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


@safe(None)
def effective_configuration(ls: BundleServer, params: Any) -> dict[str, Any] | None:
    if ls.ws is None:
        return None
    view = ProjectView(ls.ws)
    namespace = _param(params, "namespace")
    uri, position = _param(params, "uri"), _param(params, "position")
    rel = ls.tracked(uri) if isinstance(uri, str) else None
    if namespace is None and rel is not None and position is not None:
        flush_pending(ls, rel)
        line, ch = _param(position, "line"), _param(position, "character")
        namespace = f_effective.namespace_at(view, rel, int(line or 0), int(ch or 0))
    choices = f_effective.namespaces_with_objects(view)
    chosen = next((c for c in choices if c.namespace == namespace), None)
    if chosen is None:
        return {
            "namespaces": [
                {"namespace": c.namespace, "label": c.label, "objects": c.objects} for c in choices
            ]
        }
    for other in ls.rechecks.pending():  # every file's state, whole-file re-checks too
        flush_pending(ls, other, force=True)
    return {
        "namespace": chosen.namespace,
        "label": chosen.label,
        "title": f"Effective configuration: {chosen.label}",
        "html": _page(ls, chosen),
    }


def _page(ls: BundleServer, chosen: f_effective.NamespaceChoice) -> str:
    """The report page of the workspace, opened on one namespace (the findings of the files
    that define it)."""
    ws = ls.ws
    diags = [d for rel in chosen.files for d in ws.diagnostics(rel)]
    result = CheckResult(ws.root, len(ws.index.files), diags, ws.index, ws.ctx)
    title = f"{ws.root.name}: {chosen.label}"
    from bundle_ls.batch.report.data import ReportScope, build_report  # the page's only
    from bundle_ls.batch.report.render import render_html

    scope = ReportScope(chosen.namespace, title)
    model = build_report(result, sources=f_effective.editor_sources(ProjectView(ws)), scope=scope)
    return render_html(model)


def register(server: BundleServer) -> None:
    server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))(
        code_lens
    )
    server.feature(EFFECTIVE_REQUEST)(effective_configuration)
