from __future__ import annotations

from pathlib import Path

import pytest

from bundle_ls.batch.runner import check_directory


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    def check(self, sub: str = ""):
        return check_directory(self.root / sub if sub else self.root, jobs=1)

    def diags(self, code: str | None = None, sub: str = ""):
        out = self.check(sub).diagnostics
        return [d for d in out if code is None or d.code == code]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    root.mkdir()
    return Repo(root)
