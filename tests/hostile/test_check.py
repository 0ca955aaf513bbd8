"""Every hostile input gives its clear diagnostic through `--check`, and the run goes on,
under a 2 GB address-space limit (a file read whole, or a list compared pairwise, would
not fit in it or would not end)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .inputs import CASES, MARKER, Case

SENTINEL = "locationTags:\n  - key: Sentinel\n    colour: red\n"
MEMORY_LIMIT = 2 * 1024**3


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_through_check(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "config"
    root.mkdir()
    case.make(root)
    # a healthy file beside it must still be checked: the run goes on
    (root / "zz-sentinel.yaml").write_text(SENTINEL)
    p = subprocess.run(
        [sys.executable, "-m", "bundle_ls", "--check", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here (docs/reliability.md has the times measured)
        preexec_fn=limit_memory,
    )
    assert p.returncode in (0, 1), p.stderr
    diags = json.loads(p.stdout)["diagnostics"]
    sentinel = [d for d in diags if d["path"] == "zz-sentinel.yaml"]
    assert [d["message"].split(" (")[0] for d in sentinel] == ["unknown property 'colour'"]
    got = [d for d in diags if d["path"] == case.path]
    for code, severity, line, says in case.expect:
        assert any(
            d["code"] == code
            and d["severity"] == severity
            and (line is None or d["range"]["start"]["line"] == line)
            and says in d["message"]
            for d in got
        ), (code, line, says, got)
    assert {d["code"] for d in got} <= {e[0] for e in case.expect}, got
    assert not (tmp_path / MARKER).exists(), "a tag in a config file ran code"
