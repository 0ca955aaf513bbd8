"""Small directories for the report's tests: the example Config Directory and Initializer
folders written on the fly."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "config"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of examples/config, free to change."""
    dest = tmp_path / "config"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """write_tree({relative path: text}) → the folder holding those files."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "repo"
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return write
