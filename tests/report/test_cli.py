"""`bundle-ls report` and the objects of `--check --format json`."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from bundle_ls.cli import main

DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def model_of(html: Path) -> dict:
    return json.loads(DATA.search(html.read_text(encoding="utf-8")).group(1))


def check_json(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        rc = main(["--check", *args, "--format", "json", "--no-cache"])
    return rc, json.loads(out.getvalue())


def test_report_exits_0_with_errors_and_writes_the_page(example: Path, tmp_path: Path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(example), "--out", str(out), "--no-cache"]) == 0
    model = model_of(out)
    assert model["summary"]["severity"]["error"] == 8  # 7, and a misspelt role in a rule
    assert "wrote" in capsys.readouterr().err
    assert out.stat().st_mode & 0o044  # readable by others, as any file the user writes


def test_report_with_a_baseline_shows_new_and_fixed(example: Path, tmp_path: Path):
    rc, before = check_json(str(example))
    assert rc == 1
    baseline = tmp_path / "before.json"
    baseline.write_text(json.dumps(before))
    # fix the misspelt encounter type, and move every line of two files down: the findings in
    # forms.yaml move, and the conflict's message quotes a moved line of locations.yaml
    forms = example / "bundles" / "diabetes" / "forms.yaml"
    forms.write_text(
        "# moved\n" + forms.read_text().replace("Diabetes Folow-up", "Diabetes Follow-up")
    )
    tags = example / "bundles" / "country" / "locations.yaml"
    tags.write_text("# moved\n" + tags.read_text())
    roles = example / "bundles" / "country" / "roles.yaml"
    roles.write_text(
        roles.read_text().replace("privileges: [View Encounters]", "privileges: [View Encounter]")
    )
    out = tmp_path / "report.html"
    assert main(["report", str(example), "--out", str(out), "--baseline", str(baseline)]) == 0
    model = model_of(out)
    assert model["baseline"]["new"] == 1
    (fixed,) = model["baseline"]["fixed"]
    assert fixed["code"] == "unresolved-reference" and "Folow-up" in fixed["message"]
    (new,) = [f for f in model["findings"] if f["new"]]
    assert "View Encounter'" in new["message"]
    # every other finding is the same finding, although its line or its message moved
    assert model["baseline"]["unchanged"] == len(model["findings"]) - 1
    moved = [
        f
        for f in model["findings"]
        if f["code"] == "conflict" and "locations.yaml:4" in f["message"]
    ]
    assert moved and not moved[0]["new"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["no/such/folder"], "not a folder"),
        (["{example}", "--baseline", "{tmp}/missing.json"], "--baseline"),
        (["{example}", "--baseline", "{tmp}/bad.json"], "not JSON"),
        (["{example}", "--schemas", "{tmp}/nowhere"], "--schemas"),
        (["{example}", "--out", "{tmp}/no/such/dir/r.html"], "--out"),
    ],
)
def test_report_exits_2_when_it_cannot_run(example, tmp_path, capsys, args, reason):
    (tmp_path / "bad.json").write_text("{")
    argv = [a.format(example=example, tmp=tmp_path) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "r.html")]
    assert main(["report", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bundle-ls report:") and reason in err
    assert not (tmp_path / "r.html").exists()


def test_report_needs_out(example: Path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(example)])
    assert exc.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_check_json_gains_object_counts_and_keeps_the_contract(example: Path):
    rc, doc = check_json(str(example))
    assert rc == 1
    assert set(doc) == {"diagnostics", "summary", "objects"}
    assert set(doc["summary"]) == {"files", "errors", "warnings", "information", "hints"}
    assert doc["objects"]["namespaces"]["locations"] == 5
    country = doc["objects"]["bundles"]["bundles/country"]
    assert country["files"] == 5 and country["namespaces"]["settings"] == 6
    assert sum(b["objects"] for b in doc["objects"]["bundles"].values()) == sum(
        doc["objects"]["namespaces"].values()
    )


def test_check_json_of_one_file_counts_that_file(example: Path):
    _rc, doc = check_json(str(example / "bundles" / "country" / "locations.csv"))
    assert doc["objects"] == {
        "namespaces": {"locations": 3},
        "bundles": {"bundles/country": {"files": 1, "objects": 3, "namespaces": {"locations": 3}}},
    }
