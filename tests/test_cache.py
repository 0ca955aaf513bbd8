"""The on-disk facts cache of `--check`: hits, invalidation, and damaged cache files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bundle_ls.batch.cache import FactsCache
from bundle_ls.batch.runner import check_directory

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "x-module": "cachetest",
    "type": "object",
    "properties": {
        "cacheThings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "x-key": True},
                    "size": {"type": "integer"},
                    "other": {"type": "string", "x-ref": "cacheThings"},
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
    (root / "schemas" / "cachetest.schema.json").write_text(json.dumps(SCHEMA))
    (root / "bundle-ls.yaml").write_text("schemas: [schemas]\n")
    (root / "a.yaml").write_text("cacheThings:\n  - key: A\n    size: 1\n")
    (root / "b.yaml").write_text("cacheThings:\n  - key: B\n    other: A\n")
    (root / "cacheThings.csv").write_text("key,size,other\nC,3,B\n")
    return root


def _codes(result) -> list[tuple[str, str]]:
    return sorted((d.path, d.code) for d in result.diagnostics)


def _cache_files(root: Path) -> list[Path]:
    return list((root.parent / "cache").glob("check-*.bin"))


def test_second_run_comes_from_the_cache(project: Path) -> None:
    first = check_directory(project, cache=True)
    assert first.cached == 0
    assert len(_cache_files(project)) == 1
    second = check_directory(project, cache=True)
    assert second.cached == 3
    assert _codes(second) == _codes(first) == []


def test_changed_file_is_analysed_again(project: Path) -> None:
    check_directory(project, cache=True)
    (project / "a.yaml").write_text("cacheThings:\n  - key: A\n    size: big\n")
    result = check_directory(project, cache=True)
    assert result.cached == 2
    assert _codes(result) == [("a.yaml", "schema")]
    # a renamed key is a cross-file change: the unchanged referrer now points at nothing
    (project / "a.yaml").write_text("cacheThings:\n  - key: Z\n")
    result = check_directory(project, cache=True)
    assert result.cached == 2
    assert _codes(result) == [("b.yaml", "unresolved-reference")]


def test_schema_change_invalidates_everything(project: Path) -> None:
    check_directory(project, cache=True)
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"]["cacheThings"]["items"]["properties"]["size"] = {"type": "string"}
    (project / "schemas" / "cachetest.schema.json").write_text(json.dumps(schema))
    result = check_directory(project, cache=True)
    assert result.cached == 0
    assert _codes(result) == [("a.yaml", "schema")]  # a CSV cell takes the column's type


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-10] + bytes(10),  # payload overwritten
        lambda b: b"garbage",
        lambda b: b"",
    ],
)
def test_damaged_cache_file_is_ignored_and_replaced(project: Path, damage) -> None:
    first = check_directory(project, cache=True)
    (cache_file,) = _cache_files(project)
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    for replay in (project.parent / "cache").glob("result-*.bin"):
        replay.unlink()  # else the unchanged directory's result is replayed (test_replay.py)
    result = check_directory(project, cache=True)
    assert result.cached == 0
    assert _codes(result) == _codes(first)
    assert check_directory(project, cache=True).cached == 3  # rewritten whole


def test_cache_off(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUNDLE_LS_NO_CACHE", "1")
    check_directory(project, cache=True)
    assert check_directory(project, cache=True).cached == 0
    assert _cache_files(project) == []
    monkeypatch.delenv("BUNDLE_LS_NO_CACHE")
    check_directory(project, cache=False)
    assert _cache_files(project) == []


def test_an_entry_for_another_path_is_not_used(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "x.bin", "ctx")
    assert cache.get("a.yaml", b"d") is None
    cache.put("a.yaml", b"d", b"not a pickle")
    assert cache.get("a.yaml", b"d") is None  # unreadable blob: a miss, and dropped
    assert "a.yaml" not in cache.entries


def test_facts_pickle_the_same_with_or_without_the_compiled_reducers() -> None:
    """The compiled reducers are only faster: a cache written with them reads without."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys;"
        "from bundle_ls.batch.cache import dumps;"
        "from bundle_ls.documents.facts import *;"
        "from bundle_ls.documents.model import Diagnostic, Related;"
        "f = FileFacts('a/b.yaml', 'yaml', 'module-schemas', {'ns': (0, 0, 0, 2)},"
        " [KeyDef('ns', 'k', (1, 2, 1, 3), Compact.of({'key': 'k', 'n': [1, 2.5, None]}))],"
        " [Reference(('ns', 'other'), 'x', (2, 0, 2, 1), True, None, '')],"
        " [FileRef('f.txt', (3, 0, 3, 5))], [Entry('ns', ('a', 'b'), 1, (4, 0, 4, 1))],"
        " [Diagnostic('a/b.yaml', (1, 2, 1, 3), 'error', 'schema', 'm',"
        " [Related('c.yaml', (0, 0, 0, 1), 'here')], {'replace': ['x']})],"
        " [Embedded('permission-rule', (5, 0, 5, 9), 'role(x)')]);"
        "sys.stdout.write(dumps(f).hex())"
    )
    out = {}
    for native in ("1", "0"):
        env = {**os.environ, "BUNDLE_LS_NATIVE_WALK": native}
        out[native] = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout
    assert out["1"] == out["0"] and len(out["1"]) > 200
