"""A maintainer's first hour in the editor, through the real server over stdio: right answers
(a row's own uuid, no quick fix that breaks the file), the whole repository's problems before
any file is opened, and the editor in the maintainer's words."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, open_file, pos_of, progress_ended, start, uri, wait_for

# Rows as PIH's Sierra Leone configuration has them: the uuid is the row's own, not derived.
CLINIC_UUID = "b6733150-7426-11e5-a837-0800200c9a66"
LOCATIONS = (
    "UUID,Void/Retire,Name,Description,Parent,Tags,Tag\n"
    "0561303b-9868-4a1d-933d-fe52ce1b8c9f,,Wellbody,Wellbody,,,\n"
    f"{CLINIC_UUID},,Wellbody Clinic,Wellbody Clinic,Wellbody,,\n"
    ",,Wellbody Annex,No uuid in this row,Wellbody Clinc,,\n"
)
ROLES = (
    "Uuid,Role name,Privileges\n8c0d0e67-0d2b-4f4a-9a43-2b7d2f1c6e22,Clerk,Task: Register patient\n"
)
PRIVILEGES = "Uuid,Privilege name\n4f4d5c1a-62d3-4c57-8a5e-6f0f4a8f2b11,Task: Register patients\n"


def make_repo(root: Path) -> None:
    for rel, text in {
        "configuration/locations/locations.csv": LOCATIONS,
        "configuration/roles/roles.csv": ROLES,
        "configuration/privileges/privileges.csv": PRIVILEGES,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def repo(lsp_client: LanguageClient, tmp_path: Path):
    make_repo(tmp_path)
    await start(lsp_client, tmp_path, options={"diagnosticsDelay": 0, "csvColumnHints": True})
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def locations(client: LanguageClient) -> Path:
    return client.root / "configuration/locations/locations.csv"  # type: ignore[attr-defined]


async def hover_text(client: LanguageClient, path: Path, pos: lsp.Position) -> str:
    h = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri(path)), pos)
    )
    assert h is not None
    return h.contents.value


async def test_the_whole_repository_is_checked_before_any_file_is_opened(repo: LanguageClient):
    roles = repo.root / "configuration/roles/roles.csv"  # type: ignore[attr-defined]
    await wait_for(lambda: repo.diagnostics.get(uri(roles)), what="the roles file's problems")
    (d,) = repo.diagnostics[uri(roles)]
    assert "did you mean 'Task: Register patients'?" in d.message
    assert {uri(locations(repo)), uri(roles)} <= set(repo.diagnostics)


async def test_hover_shows_the_rows_own_uuid_and_begins_with_the_column(repo: LanguageClient):
    path = locations(repo)
    open_file(repo, path, LOCATIONS)
    text = await hover_text(repo, path, pos_of(LOCATIONS, "Wellbody Clinic,", 2))
    assert text.startswith("**Name** column")
    assert f"uuid: `{CLINIC_UUID}`" in text and "derived" not in text
    assert "Initializer locations" in text and "iniz:" not in text
    annex = await hover_text(repo, path, pos_of(LOCATIONS, "Wellbody Annex", 2))
    assert "no uuid in its row" in annex
    header = await hover_text(repo, path, lsp.Position(0, 1))
    assert header.startswith("**UUID**")


async def test_no_quick_fix_that_would_repeat_a_header(repo: LanguageClient):
    path = locations(repo)
    open_file(repo, path, LOCATIONS)
    await wait_for(
        lambda: any("'Tag'" in d.message for d in repo.diagnostics.get(uri(path), [])),
        what="the bare Tag header's finding",
    )
    tag = next(d for d in repo.diagnostics[uri(path)] if "'Tag'" in d.message)
    assert "did you mean 'Tags'?" in tag.message  # the finding suggests it, the fix is withheld
    actions = await repo.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri(path)),
            tag.range,
            lsp.CodeActionContext(diagnostics=[tag]),
        )
    )
    assert not actions
    typo = next(d for d in repo.diagnostics[uri(path)] if "Wellbody Clinc" in d.message)
    fixes = await repo.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri(path)),
            typo.range,
            lsp.CodeActionContext(diagnostics=[typo]),
        )
    )
    assert [a.title for a in fixes] == ["Change to 'Wellbody Clinic'"]


async def test_completion_says_where_a_value_is_defined(repo: LanguageClient):
    path = locations(repo)
    open_file(repo, path, LOCATIONS)
    result = await repo.text_document_completion_async(
        lsp.CompletionParams(
            lsp.TextDocumentIdentifier(uri(path)), pos_of(LOCATIONS, "Wellbody Clinc", 2)
        )
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result
    clinic = next(i for i in items if i.label == "Wellbody Clinic")
    assert clinic.detail == "locations, defined in locations.csv:3"


async def test_symbols_name_rows_by_their_key_under_the_namespace_label(repo: LanguageClient):
    path = locations(repo)
    open_file(repo, path, LOCATIONS)
    symbols = await repo.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri(path)))
    )
    (namespace,) = symbols
    assert namespace.name == "Initializer locations"
    rows = [(c.name, c.detail, c.range.start.line) for c in namespace.children]
    assert rows[:2] == [
        ("Wellbody", "uuid 0561303b-9868-4a1d-933d-fe52ce1b8c9f", 1),
        ("Wellbody Clinic", f"uuid {CLINIC_UUID}", 2),
    ]


async def test_inlay_hints_name_the_column_of_each_cell(repo: LanguageClient):
    path = locations(repo)
    open_file(repo, path, LOCATIONS)
    hints = await repo.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            lsp.TextDocumentIdentifier(uri(path)), lsp.Range(lsp.Position(2, 0), lsp.Position(2, 0))
        )
    )
    assert [(h.label, h.position.character) for h in hints] == [
        ("UUID:", 0),
        ("Name:", 38),
        ("Description:", 54),
        ("Parent:", 70),
    ]


async def test_bundle_ls_yaml_is_completed_and_checked_as_it_is_typed(repo: LanguageClient):
    settings = repo.root / "bundle-ls.yaml"  # type: ignore[attr-defined]
    text = "exclud: [drafts/**]\nseverity:\n  unknown-heder: off\n  duplicate-uuid: \n"
    settings.write_text(text)
    open_file(repo, settings, text)
    found = await wait_for(
        lambda: (
            len(repo.diagnostics.get(uri(settings), [])) == 3 and repo.diagnostics[uri(settings)]
        ),
        what="the settings findings of the buffer",
    )
    messages = sorted(d.message for d in found)
    assert any("no setting 'exclud'; did you mean 'exclude'?" in m for m in messages)
    assert any("did you mean 'unknown-header'?" in m for m in messages)
    assert any("the severity of 'duplicate-uuid' must be one of" in m for m in messages)

    async def labels(line: int, ch: int) -> list[str]:
        result = await repo.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(uri(settings)), lsp.Position(line, ch))
        )
        items = result.items if isinstance(result, lsp.CompletionList) else result
        return [i.label for i in items]

    assert {"schemas", "modules", "exclude"} <= set(await labels(0, 0))
    assert "severity" not in await labels(0, 0)  # already there
    assert "unknown-header" in await labels(2, 2)
    assert await labels(3, len("  duplicate-uuid: ")) == [
        "error",
        "warning",
        "information",
        "hint",
        "off",
    ]
    h = await hover_text(repo, settings, lsp.Position(1, 2))
    assert h.startswith("**severity**")
