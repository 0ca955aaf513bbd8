"""`--write-baseline` / `--baseline` (batch/baseline.py): CI fails only on new findings;
a finding is recognised by its file, code, message and line text, not its line number."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from bundle_ls.cli import main

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--check", "--no-cache", "--jobs", "1", *args])
    return code, out.getvalue(), err.getvalue()


def test_only_new_findings_fail(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    csv = root / "configuration/concepts/c.csv"
    csv.parent.mkdir(parents=True)
    head = "Uuid,Fully specified name:en,Data class,Data type\n"
    csv.write_text(f"{head}{U1},Weight,Findng,Numeric\n")  # a known error, kept for now
    baseline = tmp_path / "baseline.json"
    code, _out, err = run(str(root), "--write-baseline", str(baseline))
    assert code == 0 and "wrote 1 finding" in err
    record = json.loads(baseline.read_text())["findings"][0]
    assert record["path"] == "repo/configuration/concepts/c.csv"  # relative to the baseline
    assert record["code"] == "unresolved-reference"
    # lines added above the known finding do not make it new
    csv.write_text(f"{head}{U2},Height,Finding,Numeric\n{U1},Weight,Findng,Numeric\n")
    code, out, err = run(str(root), "--baseline", str(baseline), "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"] == []
    assert "1 finding of the baseline" in err
    # a second error of the same kind is new
    csv.write_text(f"{head}{U2},Height,Findnig,Numeric\n{U1},Weight,Findng,Numeric\n")
    code, out, _err = run(str(root), "--baseline", str(baseline), "--format", "json")
    new = json.loads(out)["diagnostics"]
    assert code == 1 and [d["range"]["start"]["line"] for d in new] == [1]
    # fixing the known one leaves the baseline with a record no finding matches
    csv.write_text(f"{head}{U1},Weight,Finding,Numeric\n")
    code, _out, err = run(str(root), "--baseline", str(baseline))
    assert code == 0 and "1 of its findings no longer found" in err


def test_a_baseline_that_is_not_one_stops_the_check(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": []}')
    code, _out, err = run(str(root), "--baseline", str(bad))
    assert code == 2 and "not a bundle-ls baseline" in err
