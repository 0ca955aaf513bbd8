"""A copy of the `clinic` Config Directory (its own module schema plus the built-in
locations one) and a `Workspace` over it, indexed as the server indexes at start."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bundle_ls.editor.workspace import Workspace
from bundle_ls.project.context import AnalysisContext, load_context

CLINIC = Path(__file__).parent / "clinic"


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    shutil.copytree(CLINIC, tmp_path / "clinic")
    return tmp_path / "clinic" / "config"


@pytest.fixture(scope="session")
def clinic_context() -> AnalysisContext:
    """The clinic's analysis context, configured once (it is only read)."""
    return load_context(CLINIC / "config")


def context_at(ctx: AnalysisContext, root: Path) -> AnalysisContext:
    """The same dialects over a copy of the directory at `root`."""
    return replace(ctx, config=replace(ctx.config, root=root))


@pytest.fixture
def ws(clinic: Path, clinic_context) -> Workspace:
    w = Workspace(context_at(clinic_context, clinic))
    w.index_files(w.discover())
    return w


def open_doc(ws: Workspace, rel: str, text: str | None = None) -> str:
    """Open a file in the workspace as an editor would (its disk text unless given)."""
    if text is None:
        text = (ws.root / rel).read_text(encoding="utf-8")
    ws.open(rel, text, 1)
    return text


def pos_of(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """(line, character) of `needle` in `text` (plus `offset` characters); ASCII text."""
    i = text.index(needle) + offset
    line = text.count("\n", 0, i)
    return line, i - (text.rfind("\n", 0, i) + 1)
