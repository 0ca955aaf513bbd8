"""The VS Code extension's own unit tests (how it finds the server), run with node's test runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[2] / "vscode-extension"


def test_extension_unit_tests():
    assert (EXTENSION / "node_modules").is_dir(), "run make vsix first (it installs node_modules)"
    proc = subprocess.run(
        ["npm", "test", "--silent"],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "# fail 0" in out and "# pass 0" not in out, out[-2000:]
