"""Shared set-up of the real-editor tests (Neovim, and VS Code through code-server).

These tests need editors and a browser installed by tests/editors/setup.sh, so they run from
`make test-editors` (which installs them and sets BUNDLE_LS_EDITOR_TESTS=1), not from the
plain `make test`. Run by hand:

    make test-editors
    # or, once installed:
    BUNDLE_LS_EDITOR_TESTS=1 .venv/bin/python -m pytest tests/editors
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixture"
ARTIFACTS = REPO / "test-artifacts"

if os.environ.get("BUNDLE_LS_EDITOR_TESTS") != "1":
    # Not collected by the plain test run; `make test-editors` runs them.
    collect_ignore_glob = ["test_*.py"]


def _e2e_env() -> dict[str, str]:
    """Paths written by setup.sh: BUNDLE_LS_E2E_{NVIM,NODE,CODE_SERVER,CHROMIUM}."""
    env = {k: v for k, v in os.environ.items() if k.startswith("BUNDLE_LS_E2E_")}
    cache = Path(os.environ.get("BUNDLE_LS_E2E_CACHE", Path.home() / ".cache" / "bundle-ls-e2e"))
    env_file = cache / "env.sh"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.startswith("BUNDLE_LS_E2E_"):
                env.setdefault(key, value)
    return env


@pytest.fixture(scope="session")
def e2e_env() -> dict[str, str]:
    env = _e2e_env()
    missing = [
        k
        for k in ("BUNDLE_LS_E2E_NVIM", "BUNDLE_LS_E2E_NODE", "BUNDLE_LS_E2E_CODE_SERVER")
        if not env.get(k) or not Path(env[k]).exists()
    ]
    if missing:
        pytest.fail(
            f"editor tools not installed ({', '.join(missing)}): run tests/editors/setup.sh "
            "or make test-editors"
        )
    return env


@pytest.fixture(scope="session")
def server_bin() -> Path:
    """The bundle-ls program from the project's virtual environment (made by `make`)."""
    path = Path(os.environ.get("BUNDLE_LS_SERVER", REPO / ".venv" / "bin" / "bundle-ls"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run make (it installs the server into .venv)")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the fixture Config Directory, so that editors may change it freely."""
    ws = tmp_path / "config"
    shutil.copytree(FIXTURE, ws)
    return ws


@pytest.fixture
def workspace_with_extra_schema(workspace: Path) -> Path:
    """The fixture plus rounds.yaml, whose namespace comes from an extra module-schema folder
    placed beside it, at ../module-schemas relative to the workspace."""
    shutil.copytree(HERE / "extra" / "module-schemas", workspace.parent / "module-schemas")
    shutil.copy(HERE / "extra" / "rounds.yaml", workspace / "rounds.yaml")
    return workspace


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _position_of(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    for i, line in enumerate(text.splitlines()):
        col = line.find(needle)
        if col >= 0:
            return i, col + offset
    raise AssertionError(f"{needle!r} not in the fixture")


@pytest.fixture(scope="session")
def position_of():
    """position_of(text, needle, offset=0): 0-based (line, character) of needle's first
    occurrence, plus offset characters."""
    return _position_of
