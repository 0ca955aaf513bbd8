"""A bug in bundle-ls is exit 2 with a one-line reason, never exit 1 (which means "errors
found") and never a bare traceback; a bug on one file leaves the other files checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bundle_ls import cli
from bundle_ls.project import analysis

TAGS = "locationTags:\n  - key: A\n    colour: red\n"


def test_a_failure_on_one_file_is_reported_there_and_the_rest_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tags.yaml").write_text(TAGS)
    (tmp_path / "broken.yaml").write_text("locationTags:\n  - key: B\n")
    real = analysis.analyze

    def failing(ctx, path, text):
        if path == "broken.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return real(ctx, path, text)

    monkeypatch.setattr(analysis, "analyze", failing)
    rc = cli.main(["--check", str(tmp_path), "--format", "json", "--no-cache", "--jobs", "1"])
    assert rc == 2
    diags = json.loads(capsys.readouterr().out)["diagnostics"]
    by_path = {d["path"]: (d["code"], d["message"]) for d in diags}
    assert by_path["broken.yaml"] == (
        "internal-error",
        "bundle-ls failed on this file (RecursionError: maximum recursion depth exceeded); "
        "please report it",
    )
    assert by_path["tags.yaml"][0] == "schema"  # the healthy file's real finding is there


def test_a_failure_outside_any_file_is_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tags.yaml").write_text(TAGS)

    def broken(*_args, **_kwargs):
        raise KeyError("namespaces")

    monkeypatch.setattr(cli, "check_directory", broken)
    monkeypatch.delenv("BUNDLE_LS_DEBUG", raising=False)
    assert cli.main(["--check", str(tmp_path), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("bundle-ls: internal error (KeyError: 'namespaces'); this is a bug")
