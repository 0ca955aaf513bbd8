"""A warm `--check` of an unchanged directory replays its last result (batch/replay.py),
and anything the result depends on changing makes it check again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bundle_ls.batch.runner import check_directory

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "x-module": "replaytest",
    "type": "object",
    "properties": {
        "leaflets": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "x-key": True},
                    "file": {"type": "string", "x-file": True},
                    "see": {"type": "string", "x-ref": "leaflets"},
                },
            },
        }
    },
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUNDLE_LS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUNDLE_LS_NO_CACHE", raising=False)
    root = tmp_path / "config"
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "replaytest.schema.json").write_text(json.dumps(SCHEMA))
    (root / "bundle-ls.yaml").write_text("schemas: [schemas]\n")
    (root / "docs").mkdir()
    (root / "docs" / "a.txt").write_text("leaflet A")
    (root / "a.yaml").write_text("leaflets:\n  - key: A\n    file: docs/a.txt\n    see: B\n")
    return root


def _found(result) -> list[tuple[str, str, str, str]]:
    return sorted((d.path, d.code, d.severity, d.message) for d in result.diagnostics)


def test_an_unchanged_directory_replays_its_result(project: Path) -> None:
    first = check_directory(project, cache=True)
    assert not first.replayed and [c for _p, c, _s, _m in _found(first)] == ["unresolved-reference"]
    again = check_directory(project, cache=True)
    assert again.replayed and _found(again) == _found(first) and again.files == first.files


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "docs" / "a.txt").unlink(),  # a file a config names
        lambda root: (root / "b.yaml").write_text("leaflets:\n  - key: B\n"),  # a new file
        lambda root: (root / "bundle-ls.yaml").write_text(  # the settings
            "schemas: [schemas]\nseverity:\n  unresolved-reference: warning\n"
        ),
    ],
)
def test_a_change_the_result_depends_on_checks_again(project: Path, change) -> None:
    first = check_directory(project, cache=True)
    change(project)
    again = check_directory(project, cache=True)
    assert not again.replayed and _found(again) != _found(first)
    assert _found(check_directory(project, cache=True, jobs=1)) == _found(again)


def test_same_size_and_time_but_new_content_is_seen(project: Path) -> None:
    check_directory(project, cache=True)
    a = project / "a.yaml"
    st = a.stat()
    a.write_text(a.read_text().replace("see: B", "see: A"))  # same length
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = check_directory(project, cache=True)
    assert not again.replayed and _found(again) == []
