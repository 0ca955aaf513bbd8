"""Reading a file: the size stat gives is a hint, never a promise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bundle_ls.documents.disk import FileTooLarge, read_file, walked_path

# A regular file whose stat says 0 bytes while it holds more: as a file that grows between
# the stat and the read.
GROWING = Path("/proc/self/status")


@pytest.mark.skipif(not GROWING.is_file(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stat_is_read_whole() -> None:
    assert GROWING.stat().st_size == 0
    data = read_file(GROWING)
    assert data.startswith(b"Name:") and b"\nPid:" in data


@pytest.mark.skipif(not GROWING.is_file(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stat_still_stops_at_the_limit() -> None:
    with pytest.raises(FileTooLarge):
        read_file(GROWING, limit=20)
    assert read_file(GROWING, limit=20, truncate=True).startswith(b"Name:")
    assert len(read_file(GROWING, limit=20, truncate=True)) == 20


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wards.yaml"
    path.write_bytes(b"x" * 64)
    assert read_file(path, limit=64) == b"x" * 64
    with pytest.raises(FileTooLarge):
        read_file(path, limit=63)


@pytest.mark.parametrize("top", ["tree", "tree/", "./tree", "tree/../tree"])
def test_walked_paths_are_what_relpath_says(tmp_path: Path, monkeypatch, top: str) -> None:
    """Paths of a walk, relative to where it started, however that was spelled."""
    (tmp_path / "tree" / "a" / "b").mkdir(parents=True)
    (tmp_path / "tree" / "top.yaml").write_text("")
    (tmp_path / "tree" / "a" / "b" / "deep.csv").write_text("")
    monkeypatch.chdir(tmp_path)
    seen = []
    for dirpath, _dirs, files in os.walk(top):
        want = os.path.relpath(dirpath, top).replace(os.sep, "/")
        assert walked_path(dirpath, top) == ("" if want == "." else want)
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), top).replace(os.sep, "/")
            assert walked_path(dirpath, top, name) == rel
            seen.append(rel)
    assert sorted(seen) == ["a/b/deep.csv", "top.yaml"]
