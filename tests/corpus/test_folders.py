"""Checking one folder of a real repository gives that folder's findings of the whole
repository's check (the issue's KenyaEMR `configuration/locations` case)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def check_json(path: Path, cwd: Path) -> list[dict]:
    p = subprocess.run(
        [sys.executable, "-m", "bundle_ls", "--check", str(path), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)["diagnostics"]


@pytest.mark.parametrize(
    ("repo", "folder"),
    [
        ("palladiumkenya__openmrs-config-kenyaemr", "configuration/locations"),
        ("palladiumkenya__openmrs-config-kenyaemr", "configuration/roles"),
        (
            "openmrs__openmrs-content-referenceapplication-demo",
            "configuration/backend_configuration/personattributetypes",
        ),
    ],
)
def test_a_folder_has_its_findings_of_the_whole_check(corpus: Path, repo: str, folder: str):
    whole = check_json(corpus / repo, corpus / repo)
    part = check_json(corpus / repo / folder, corpus / repo)
    expected = [d for d in whole if d["path"].startswith(folder + "/")]
    assert part == expected
    assert expected, "the folder has real mistakes, so the comparison says something"
    assert {d["root"] for d in part} == {str(corpus / repo)}
