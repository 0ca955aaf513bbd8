"""Hostile input and long editing sessions through the real server over stdio.

- every bad input of `tests/hostile/inputs.py` gives the same clear diagnostics as `--check`
  and the server goes on (a healthy file beside it is still checked);
- seeded random edit sequences replayed through didChange end with the server publishing,
  for every file, exactly what a from-scratch `--check` says;
- a malformed request, a request for an unknown file, invalid JSON on the wire and a client
  that exits without `shutdown` are all survived; the server never writes a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from bundle_ls.batch.reporters.json_report import diagnostic_json
from bundle_ls.batch.runner import check_directory
from hostile.edits import SeededChoices, make_sequence
from hostile.inputs import CASES, MARKER, Case

from .conftest import BUNDLE_LS, open_file, progress_ended, start, uri, wait_for

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "config"
SEVERITY = {1: "error", 2: "warning", 3: "information", 4: "hint"}
SENTINEL = "locationTags:\n  - key: Sentinel\n    colour: red\n"
# Sequences replayed through one server session (make test-long replays many more).
SEQUENCES = 200 if os.environ.get("BUNDLE_LS_HYPOTHESIS") == "long" else 12


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping the version of each publication."""
    client = LanguageClient(converter_factory=default_converter)
    client.versions = {}  # type: ignore[attr-defined]

    def on_publish(c: LanguageClient, params: lsp.PublishDiagnosticsParams):
        c.diagnostics[params.uri] = params.diagnostics
        c.versions[params.uri] = params.version  # type: ignore[attr-defined]

    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish}
    )
    return client


# The server runs under a 2 GB address-space limit, as the hostile inputs are promised.
UNDER_MEMORY_LIMIT = ["sh", "-c", 'ulimit -v 2097152 && exec "$0" --stdio', BUNDLE_LS]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=UNDER_MEMORY_LIMIT, client_factory=recording_client)
)
async def bare(lsp_client: LanguageClient):
    """A client not yet initialised: each test starts it on its own folder."""
    yield
    await lsp_client.shutdown_session()


def as_contract(d: lsp.Diagnostic, path: str) -> dict:
    r = d.range
    out = {
        "path": path,
        "range": {
            "start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character},
        },
        "severity": SEVERITY[d.severity],
        "code": d.code,
        "message": d.message,
    }
    return out


def from_scratch(root: Path) -> dict[str, list[dict]]:
    result = check_directory(root, jobs=1)
    out: dict[str, list[dict]] = {rel: [] for rel in result.index.files}
    for d in result.diagnostics:
        j = diagnostic_json(d)
        j.pop("related", None)
        out.setdefault(d.path, []).append(j)
    return out


def published(client: LanguageClient, root: Path, rel: str) -> list[dict]:
    return [as_contract(d, rel) for d in client.diagnostics.get(uri(root / rel), [])]


# ---- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_bad_input_through_the_server(bare: LanguageClient, tmp_path: Path, case: Case):
    root = tmp_path / "config"
    root.mkdir()
    case.make(root)
    (root / "zz-sentinel.yaml").write_text(SENTINEL)
    await start(bare, root)
    await wait_for(lambda: progress_ended(bare), what="indexing to end", timeout=60)
    await wait_for(
        lambda: published(bare, root, "zz-sentinel.yaml"), what="the healthy file's diagnostics"
    )
    got = published(bare, root, case.path)
    for code, severity, line, says in case.expect:
        assert any(
            d["code"] == code
            and d["severity"] == severity
            and (line is None or d["range"]["start"]["line"] == line)
            and says in d["message"]
            for d in got
        ), (code, line, says, got)
    assert {d["code"] for d in got} <= {e[0] for e in case.expect}, got
    # opening the file in the editor gives the same answer where it has text to open
    full = root / case.path
    if full.is_file() and not full.is_symlink() and full.stat().st_size < 1_000_000:
        try:
            text = full.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            before = got
            open_file(bare, full, text.removeprefix("\ufeff"))
            await wait_for(
                lambda: bare.versions.get(uri(full)) == 1, what="the opened file's diagnostics"
            )
            assert published(bare, root, case.path) == before
    # still serving
    hover = await bare.text_document_hover_async(
        lsp.HoverParams(
            lsp.TextDocumentIdentifier(uri(root / "zz-sentinel.yaml")), lsp.Position(1, 6)
        )
    )
    assert hover is not None
    assert not (tmp_path / MARKER).exists(), "a tag in a config file ran code"


# ---- long editing sessions ------------------------------------------------------------------


async def test_replayed_edit_sequences_end_equal_to_check(bare: LanguageClient, tmp_path: Path):
    root = tmp_path / "config"
    shutil.copytree(EXAMPLE, root)
    await start(bare, root)
    await wait_for(lambda: progress_ended(bare), what="indexing to end")
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".csv") and p.name != "bundle-ls.yaml"
    )
    version = 0
    for seed in range(SEQUENCES):
        choose = SeededChoices(seed)
        rel = choose.pick(files)
        path = root / rel
        text = path.read_text(encoding="utf-8")
        version += 1
        open_file(bare, path, text, version)
        changes, final = make_sequence(choose, text)
        for ch in changes:
            version += 1
            bare.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    lsp.VersionedTextDocumentIdentifier(version=version, uri=uri(path)),
                    [
                        lsp.TextDocumentContentChangePartial(
                            range=lsp.Range(
                                lsp.Position(*ch.range[:2]), lsp.Position(*ch.range[2:])
                            ),
                            text=ch.text,
                        )
                    ],
                )
            )
        last, doc_uri = version, uri(path)
        await wait_for(
            lambda u=doc_uri, v=last: bare.versions.get(u) == v,
            what=f"diagnostics of version {last} (sequence {seed})",
        )
        # the buffer's content, as a from-scratch check would see it on disk
        path.write_bytes(final.encode("utf-8"))
        expected = from_scratch(root)
        path.write_bytes(text.encode("utf-8"))  # the disk stays as it was for the next round

        def settled(expected=expected) -> bool:
            return all(published(bare, root, p) == d for p, d in expected.items())

        try:
            await wait_for(settled, what=f"every file to match --check after sequence {seed}")
        except AssertionError:
            wrong = {
                p: (published(bare, root, p), d)
                for p, d in expected.items()
                if published(bare, root, p) != d
            }
            raise AssertionError(f"sequence {seed} on {rel}: {wrong}") from None
        # and the server still answers requests
        symbols = await bare.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri(path)))
        )
        assert symbols is not None
        # closed without saving: the disk content takes over again
        bare.text_document_did_close(
            lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri(path)))
        )


# ---- protocol misuse --------------------------------------------------------------------------


async def test_requests_for_unknown_files_and_positions_are_answered(
    bare: LanguageClient, tmp_path: Path
):
    root = tmp_path / "config"
    shutil.copytree(EXAMPLE, root)
    await start(bare, root)
    await wait_for(lambda: progress_ended(bare), what="indexing to end")
    # a file the server does not know, and a position past the end of a known one
    elsewhere = lsp.TextDocumentIdentifier("file:///nowhere/at/all.yaml")
    far = lsp.Position(10_000, 500)
    assert (
        await bare.text_document_hover_async(lsp.HoverParams(elsewhere, lsp.Position(0, 0))) is None
    )
    assert not await bare.text_document_definition_async(lsp.DefinitionParams(elsewhere, far))
    done = await bare.text_document_completion_async(lsp.CompletionParams(elsewhere, far))
    assert done is None or not (done.items if hasattr(done, "items") else done)
    known = lsp.TextDocumentIdentifier(uri(root / "bundles" / "country" / "locations.yaml"))
    assert await bare.text_document_hover_async(lsp.HoverParams(known, far)) is None
    # still serving real answers
    symbols = await bare.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Login"))
    assert any(s.name == "Login Location" for s in symbols)


def _frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def _read_message(proc: subprocess.Popen, deadline: float) -> dict:
    headers = b""
    while not headers.endswith(b"\r\n\r\n"):
        if time.monotonic() > deadline:
            raise AssertionError("no answer from the server")
        byte = proc.stdout.read(1)
        if not byte:
            raise AssertionError("the server closed its output")
        headers += byte
    length = int(headers.split(b"Content-Length:")[1].split(b"\r\n")[0])
    return json.loads(proc.stdout.read(length))


def _initialize(root: Path) -> bytes:
    return _frame(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": uri(root), "capabilities": {}},
            }
        ).encode()
    )


def test_invalid_json_malformed_params_and_a_client_that_leaves_without_shutdown(
    tmp_path: Path,
) -> None:
    root = tmp_path / "config"
    shutil.copytree(EXAMPLE, root)
    proc = subprocess.Popen(
        [BUNDLE_LS, "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        proc.stdin.write(_frame(b"{this is not json"))
        proc.stdin.write(_initialize(root))
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while True:  # skip anything the server says about the garbage
            msg = _read_message(proc, deadline)
            if msg.get("id") == 1:
                break
        assert "capabilities" in msg["result"]
        proc.stdin.write(_frame(b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}'))
        # params that do not fit the method: an error answer for that request, not silence
        bad = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": 5}, "position": "here"},
        }
        proc.stdin.write(_frame(json.dumps(bad).encode()))
        query = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "workspace/symbol",
            "params": {"query": "Login"},
        }
        proc.stdin.write(_frame(json.dumps(query).encode()))
        proc.stdin.flush()
        answers = {}
        while 3 not in answers:
            msg = _read_message(proc, deadline)
            if msg.get("id") in (2, 3):
                answers[msg["id"]] = msg
        assert answers[2]["error"]["code"] == -32602  # Invalid Params
        names = {s["name"] for s in answers[3]["result"]}
        assert "Login Location" in names  # still serving real answers
        proc.stdin.close()  # the editor is gone: no shutdown, no exit
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            raise AssertionError("the server kept running after its client left")
    assert proc.returncode is not None


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = (
                hashlib.sha256(p.read_bytes()).hexdigest(),
                p.stat().st_mtime_ns,
            )
    return out


async def test_the_server_never_writes_a_file(bare: LanguageClient, tmp_path: Path):
    root = tmp_path / "config"
    shutil.copytree(EXAMPLE, root)
    before = _snapshot(root)
    await start(bare, root)
    await wait_for(lambda: progress_ended(bare), what="indexing to end")
    locations = root / "bundles" / "country" / "locations.yaml"
    text = open_file(bare, locations)
    line = next(i for i, t in enumerate(text.splitlines()) if "key: Login Location" in t)
    col = text.splitlines()[line].index("Login Location")
    edit = await bare.text_document_rename_async(
        lsp.RenameParams(
            lsp.TextDocumentIdentifier(uri(locations)),
            lsp.Position(line, col + 1),
            "Sign-in Location",
        )
    )
    assert edit is not None and (edit.changes or edit.document_changes)
    forms = root / "bundles" / "diabetes" / "forms.yaml"
    open_file(bare, forms)
    await wait_for(lambda: bare.diagnostics.get(uri(forms)), what="forms.yaml diagnostics")
    for d in bare.diagnostics[uri(forms)]:
        await bare.text_document_code_action_async(
            lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(uri(forms)),
                d.range,
                lsp.CodeActionContext(diagnostics=[d]),
            )
        )
    bare.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri(forms)))
    )
    # a request after the notifications: everything before it has been handled
    await bare.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="x"))
    assert _snapshot(root) == before
