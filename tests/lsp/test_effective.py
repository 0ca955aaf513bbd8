"""The effective configuration through the real server over stdio: the hover on a key or a
CSV row says which definition wins and lists (with links) every other place defining it;
a code lens on an object defined in other files says "also in N files"; the
`bundle-ls/effectiveConfiguration` request answers the report page of one namespace."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import BUNDLE_LS, change, open_file, pos_of, progress_ended, start, uri, wait_for

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "config"
UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "aaaaaaaa-0000-4000-8000-000000000002"
FIRST = f"Uuid,Name,Description,_order:1\n{UUID_A},Ward A,Adult ward\n{UUID_B},Ward B,Children\n"
LATER = f"Uuid,Name,Description\n{UUID_A},Ward A,Adult medical ward\n"
PAGE_DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def make_repo(root: Path) -> None:
    folder = root / "configuration" / "locations"
    folder.mkdir(parents=True)
    (folder / "first.csv").write_text(FIRST)
    (folder / "later.csv").write_text(LATER)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def repo(lsp_client: LanguageClient, tmp_path: Path):
    make_repo(tmp_path)
    await start(lsp_client, tmp_path)
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BUNDLE_LS, "--stdio"]))
async def example(lsp_client: LanguageClient, tmp_path: Path):
    shutil.copytree(EXAMPLE, tmp_path / "config")
    await start(lsp_client, tmp_path / "config")
    await wait_for(lambda: progress_ended(lsp_client), what="indexing to end")
    lsp_client.root = tmp_path / "config"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def hover_text(client: LanguageClient, path: Path, pos: lsp.Position) -> str:
    got = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri(path)), pos)
    )
    assert got is not None
    return got.contents.value


async def lenses(client: LanguageClient, path: Path) -> list[lsp.CodeLens]:
    return await client.text_document_code_lens_async(
        lsp.CodeLensParams(lsp.TextDocumentIdentifier(uri(path)))
    )


async def test_hover_on_a_csv_row_names_the_row_loaded_last(repo: LanguageClient):
    root: Path = repo.root  # type: ignore[attr-defined]
    first = root / "configuration" / "locations" / "first.csv"
    later = root / "configuration" / "locations" / "later.csv"
    open_file(repo, first, FIRST)
    # on the row's Description cell, not on an identifier: the row is the object
    text = await hover_text(repo, first, pos_of(FIRST, "Adult ward", 2))
    assert f"Initializer locations `Ward A ({UUID_A})`" in text
    assert f"set by [configuration/locations/later.csv:2]({uri(later)}#L2,1)" in text
    assert "the one loaded last (_order, then path, then row)" in text
    assert "`Description: Adult medical ward`" in text
    assert (
        f"- [configuration/locations/first.csv:2]({uri(first)}#L2,1) (order 1) (here) — "
        "differs in Description" in text
    )
    # a row defined once says nothing past its key; on its key it says it is the only one
    assert "Effective value" not in await hover_text_or_empty(repo, first, pos_of(FIRST, "Child"))
    alone = await hover_text(repo, first, pos_of(FIRST, UUID_B, 3))
    assert "defined only here" in alone

    # the editor's text counts: make the rows identical, and the hover says so
    at = pos_of(FIRST, "Adult ward")
    end = at.character + len("Adult ward")
    change(repo, first, 2, at.line, at.character, at.line, end, "Adult medical ward")
    text = await hover_text(repo, first, pos_of(FIRST, "Ward A", 2))
    assert "(here) — identical" in text


async def hover_text_or_empty(client: LanguageClient, path: Path, pos: lsp.Position) -> str:
    got = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri(path)), pos)
    )
    return got.contents.value if got is not None else ""


async def test_code_lens_says_also_in_n_files(repo: LanguageClient):
    root: Path = repo.root  # type: ignore[attr-defined]
    first = root / "configuration" / "locations" / "first.csv"
    later = root / "configuration" / "locations" / "later.csv"
    open_file(repo, first, FIRST)
    (lens,) = await lenses(repo, first)  # Ward B is defined in this file alone: no lens
    assert lens.command.title == "also in 1 file"
    assert lens.range.start == lsp.Position(1, 0)
    assert lens.command.command == "bundleLs.showLocations"
    doc, start, places = lens.command.arguments
    assert doc == uri(first) and start["line"] == 1
    assert [(p["uri"], p["range"]["start"]["line"]) for p in places] == [(uri(later), 1)]


async def test_hover_and_lens_on_a_yaml_key_of_a_config_directory(example: LanguageClient):
    root: Path = example.root  # type: ignore[attr-defined]
    forms = root / "bundles" / "diabetes" / "forms.yaml"
    tags = root / "bundles" / "country" / "locations.yaml"
    text = open_file(example, forms)
    hover = await hover_text(example, forms, pos_of(text, "Login Location", 2))
    # the dialect's own hover comes first, the effective value after it
    assert hover.index("Key `Login Location` of `locationTags`") < hover.index("Effective value")
    assert f"set by [bundles/country/locations.yaml:3]({uri(tags)}#L3,10)" in hover
    assert "the merged configuration keeps the first definition in path order" in hover
    assert "(here) — differs in description" in hover
    titles = [(lens.range.start.line, lens.command.title) for lens in await lenses(example, forms)]
    assert titles == [(pos_of(text, "Login Location").line, "also in 1 file")]


async def test_effective_configuration_of_one_namespace(repo: LanguageClient):
    root: Path = repo.root  # type: ignore[attr-defined]
    first = root / "configuration" / "locations" / "first.csv"
    open_file(repo, first, FIRST)
    # no namespace and no position: the namespaces to choose from
    choices = await repo.protocol.send_request_async("bundle-ls/effectiveConfiguration", {})
    assert [(c.namespace, c.label, c.objects) for c in choices.namespaces] == [
        ("iniz:locations", "Initializer locations", 3)
    ]
    # the cursor's namespace: the report page, opened on its effective configuration
    got = await repo.protocol.send_request_async(
        "bundle-ls/effectiveConfiguration",
        {"uri": uri(first), "position": {"line": 1, "character": 2}},
    )
    assert got.namespace == "iniz:locations"
    assert got.title == "Effective configuration: Initializer locations"
    model = json.loads(PAGE_DATA.search(got.html).group(1))
    assert model["start"] == "effective?ns=iniz%3Alocations"
    rows = {r["key"]: r for r in model["effective"]}
    assert set(rows) == {UUID_A, UUID_B}
    assert rows[UUID_A]["status"] == "conflict"
    assert model["files"][rows[UUID_A]["winner"]["f"]] == "configuration/locations/later.csv"
