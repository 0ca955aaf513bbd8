"""Permission rules through the real server over stdio: diagnostics inside conditions,
completion, hover, definition, references, rename, semantic tokens and the quick fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, open_file, pos_of, progress_ended, start, uri, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

USERS = """\
privileges:
  - key: "App: Registration"
  - key: "Task: Dispense"
roles:
  - key: Clerk
    privileges: ["App: Registration"]
  - key: Nurse
  - key: Senior Nurse
    inheritedRoles: [Nurse]
locationTags:
  - key: Inpatient Ward
locations:
  - key: Ward 3
    name: Ward 3
    tags: [Inpatient Ward]
"""
RULES = """\
permissionRules:
  - key: ward
    grant: ["Task: Dispense"]
    when: "role(Nurse) and tag('Inpatient Ward')"
  - key: typo
    grant: ["Task: Dispense"]
    when: role(Nures) or role(Clerk)
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("permissions") / "config"
    root.mkdir()
    (root / "users.yaml").write_text(USERS)
    (root / "rules.yaml").write_text(RULES)
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]), scope="module"
)
async def server(lsp_client: LanguageClient, root: Path):
    result = await start(lsp_client, root)
    lsp_client.capabilities_result = result  # type: ignore[attr-defined]
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    yield
    await lsp_client.shutdown_session()


def ident(path: Path) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri(path))


async def test_diagnostics_inside_a_condition(server: LanguageClient, root: Path):
    rules = root / "rules.yaml"
    open_file(server, rules)
    diags = await wait_for(lambda: server.diagnostics.get(uri(rules)), what="diagnostics")
    [d] = diags
    assert (d.code, d.message, d.severity) == (
        "unresolved-reference",
        "no role 'Nures'; did you mean 'Nurse'?",
        lsp.DiagnosticSeverity.Error,
    )
    assert d.range == lsp.Range(pos_of(RULES, "Nures"), pos_of(RULES, "Nures", 5))
    actions = await server.text_document_code_action_async(
        lsp.CodeActionParams(ident(rules), d.range, lsp.CodeActionContext(diagnostics=[d]))
    )
    [fix] = actions
    assert fix.title == "Change to 'Nurse'"
    [edit] = fix.edit.changes[uri(rules)]
    assert (edit.range, edit.new_text) == (d.range, "Nurse")


async def test_completion_of_a_role_inside_a_condition(server: LanguageClient, root: Path):
    new = root / "typing.yaml"
    text = 'permissionRules:\n  - key: k\n    grant: ["Task: Dispense"]\n    when: "role(Sen"\n'
    open_file(server, new, text)
    try:
        result = await server.text_document_completion_async(
            lsp.CompletionParams(ident(new), pos_of(text, "role(Sen", 8))
        )
    finally:
        server.text_document_did_close(lsp.DidCloseTextDocumentParams(ident(new)))
    [senior] = [i for i in result.items if i.label == "Senior Nurse"]
    # in a double-quoted scalar, the name is quoted with ' (no escape)
    assert senior.text_edit.new_text == "'Senior Nurse'"
    assert senior.filter_text == "'Senior Nurse'"
    assert senior.text_edit.range == lsp.Range(pos_of(text, 'Sen"'), pos_of(text, 'Sen"', 3))


async def test_hover_definition_and_references(server: LanguageClient, root: Path):
    rules, users = root / "rules.yaml", root / "users.yaml"
    at = pos_of(RULES, "role(Nurse)", 6)
    h = await server.text_document_hover_async(lsp.HoverParams(ident(rules), at))
    assert h.contents.value.startswith("**role** Nurse")
    assert "Defined by: roles key in users.yaml" in h.contents.value
    [loc] = await server.text_document_definition_async(lsp.DefinitionParams(ident(rules), at))
    assert (loc.uri, loc.range.start) == (uri(users), pos_of(USERS, "key: Nurse", 5))
    refs = await server.text_document_references_async(
        lsp.ReferenceParams(
            text_document=ident(rules),
            position=at,
            context=lsp.ReferenceContext(include_declaration=False),
        )
    )
    assert sorted((r.uri, r.range.start.line) for r in refs) == [
        (uri(rules), 3),
        (uri(users), 8),  # Senior Nurse's inheritedRoles
    ]


async def test_rename_writes_the_name_as_the_condition_and_the_scalar_need(
    server: LanguageClient, root: Path
):
    rules = root / "rules.yaml"
    at = pos_of(RULES, "role(Nurse)", 6)
    prepared = await server.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(ident(rules), at)
    )
    assert prepared.placeholder == "Nurse"
    edit = await server.text_document_rename_async(lsp.RenameParams(ident(rules), at, "Ward Nurse"))
    [change] = edit.changes[uri(rules)]
    # inside a double-quoted scalar: the new name needs quotes, and ' needs no escape
    assert change.new_text == "'Ward Nurse'"
    assert change.range == lsp.Range(pos_of(RULES, "Nurse)"), pos_of(RULES, "Nurse)", 5))
    assert {e.new_text for e in edit.changes[uri(root / "users.yaml")]} == {"Ward Nurse"}


async def test_semantic_tokens(server: LanguageClient, root: Path):
    legend = server.capabilities_result.capabilities.semantic_tokens_provider.legend
    assert list(legend.token_types) == ["function", "variable", "keyword", "operator"]
    rules = root / "rules.yaml"
    tokens = await server.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(ident(rules))
    )
    data = tokens.data
    first = [list(data[i : i + 5]) for i in range(0, 15, 5)]
    # `role` on line 3 at column 11, `(` right after it, then the name `Nurse`
    assert first == [[3, 11, 4, 0, 0], [0, 4, 1, 3, 0], [0, 1, 5, 1, 0]]
