"""What `--check` prints for a person and for machines: the checked folder inside a repository,
one path convention, and the options that control the output (issue: a maintainer's first hour)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"

# What the Initializer dialect says it assumed, printed before the summary.
ASSUMED = (
    "assumed: no distribution, openmrs-core only; a module not listed may be installed; "
    "change it with `modules:` in bundle-ls.yaml"
)


def findings_and_summary(stdout: str) -> list[str]:
    """The text output's lines without the dialects' "assumed:" notes."""
    return [line for line in stdout.splitlines() if not line.startswith("assumed: ")]


def run(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bundle_ls", *args, "--no-cache"],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with an Initializer configuration folder and a few real mistakes."""
    root = tmp_path / "repo"
    rows = "".join(f"{i:08}-1ba9-4c9e-a4c2-0e1e8c4f5f0a,Ward {i},Hospitl\n" for i in range(6))
    write(
        root, "configuration/locations/locations.csv", f"Uuid,Name,Parent\n{U1},Hospital,\n" + rows
    )
    write(root, "configuration/encountertypes/a.csv", f"Uuid,Name\n{U2},Visit\n")
    write(root, "configuration/encountertypes/b.csv", f"Uuid,Name\n{U2},Visit note\n")
    write(root, "configuration/locations/README.md", "notes\n")
    (root / ".git").mkdir()
    return root


def json_diags(p: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(p.stdout)["diagnostics"]


# ---- a folder inside a repository -----------------------------------------------------------


def test_a_domain_folder_gives_the_findings_of_the_whole_repository_check(repo: Path) -> None:
    whole = json_diags(run("--check", ".", "--format", "json", cwd=repo))
    folder = run("--check", "configuration/locations", "--format", "json", cwd=repo)
    assert folder.returncode == 1, folder.stderr
    expected = [d for d in whole if d["path"].startswith("configuration/locations/")]
    assert expected and json_diags(folder) == expected
    assert {d["code"] for d in expected} == {"unresolved-reference"}  # not the YAML schema's
    assert json.loads(folder.stdout)["summary"]["files"] == 1


def test_any_folder_below_a_bundle_ls_yaml_checks_that_project(tmp_path: Path) -> None:
    root = tmp_path / "config"
    write(root, "bundle-ls.yaml", "modules: [locations]\n")
    write(root, "bundles/a/tags.yaml", "locationTags:\n  - key: Surgical\n")
    write(
        root,
        "bundles/b/locations.yaml",
        "locations:\n  - key: W\n    name: W\n    tags: [Surgical]\n",
    )
    p = run("--check", "bundles/b", cwd=root)
    assert p.returncode == 0, p.stdout
    assert p.stdout == "0 errors, 0 warnings in 1 file\n"  # Surgical resolves from bundles/a


# ---- one path convention ----------------------------------------------------------------------


def test_text_paths_and_the_places_messages_name_are_relative_to_the_current_folder(
    repo: Path,
) -> None:
    p = run("--check", "repo/configuration/encountertypes", cwd=repo.parent)
    (line, summary) = findings_and_summary(p.stdout)
    assert line.startswith("repo/configuration/encountertypes/a.csv:2:1: warning: ")
    assert "(repo/configuration/encountertypes/b.csv:2)" in line
    assert summary == "0 errors, 2 warnings in 2 files"


def test_several_checked_paths_keep_their_prefixes_and_json_says_the_root(
    repo: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    write(other, "configuration/encountertypes/a.csv", f"Uuid,Name\n{U2},Visit\n")
    write(other, "configuration/encountertypes/b.csv", f"Uuid,Name\n{U2},Visit note\n")
    p = run("--check", "repo", "other", cwd=tmp_path)
    places = {line.split(":")[0] for line in findings_and_summary(p.stdout)[:-1] if line[0] != " "}
    assert places == {
        "repo/configuration/locations/locations.csv",
        "repo/configuration/encountertypes/a.csv",
        "other/configuration/encountertypes/a.csv",
    }
    doc = json.loads(run("--check", "repo", "other", "--format", "json", cwd=tmp_path).stdout)
    roots = {(d["root"], d["path"]) for d in doc["diagnostics"] if d["code"] == "duplicate-uuid"}
    assert ("other", "configuration/encountertypes/b.csv") in roots
    assert ("repo", "configuration/encountertypes/a.csv") in roots
    for d in doc["diagnostics"]:  # root + path is a file, from the current folder
        assert (tmp_path / d["root"] / d["path"]).is_file()


def test_sarif_results_resolve_from_the_repository_root(repo: Path) -> None:
    p = run("--check", str(repo / "configuration"), "--format", "sarif", cwd=repo.parent)
    run_ = json.loads(p.stdout)["runs"][0]
    bases = run_["originalUriBaseIds"]
    assert bases == {"SRCROOT": {"uri": repo.resolve().as_uri() + "/"}}
    uris = set()
    for result in run_["results"]:
        for loc in result["locations"] + result.get("relatedLocations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            base = unquote(urlparse(bases[art["uriBaseId"]]["uri"]).path)
            assert (Path(base) / unquote(art["uri"])).is_file()
            uris.add(art["uri"])
    assert "configuration/locations/locations.csv" in uris  # relative to the repository


# ---- output the maintainer controls -----------------------------------------------------------


def test_identical_messages_in_one_file_are_grouped_in_text(repo: Path) -> None:
    p = run("--check", "configuration/locations", cwd=repo)
    lines = findings_and_summary(p.stdout)
    assert lines[0].startswith("configuration/locations/locations.csv:3:")
    assert "no locations 'Hospitl'" in lines[0]
    assert lines[1] == "    … and 5 more like this, on lines 4, 5, 6, 7, 8"
    assert lines[2] == "6 errors, 0 warnings in 1 file"
    assert (
        len(json_diags(run("--check", "configuration/locations", "--format", "json", cwd=repo)))
        == 6
    )


def test_a_duplicate_pair_is_one_line(repo: Path) -> None:
    p = run("--check", "configuration/encountertypes", cwd=repo)
    lines = findings_and_summary(p.stdout)
    assert len(lines) == 2 and "[duplicate-uuid]" in lines[0]


def test_min_severity_and_the_formats_defaults(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "configuration/encountertypes/e.csv", "Uuid,Name\n${et.visit},Visit\n")
    write(root, "dependencies.yml", '- groupId: "org.pih.openmrs"\n  artifactId: "parent-config"\n')
    hint = [d for d in json_diags(run("--check", ".", "--format", "json", cwd=root))]
    assert [d["severity"] for d in hint] == ["hint"]  # json: every finding
    text = run("--check", ".", cwd=root)
    assert text.stdout == (
        f"{ASSUMED}\n0 errors, 0 warnings in 2 files (1 hint not shown: --min-severity hint)\n"
    )
    shown = run("--check", ".", "--min-severity", "hint", cwd=root)
    assert "[unresolved-placeholder]" in shown.stdout and "not shown" not in shown.stdout
    none = run("--check", ".", "--format", "json", "--min-severity", "warning", cwd=root)
    assert json_diags(none) == []


def test_strict_fails_on_warnings(repo: Path) -> None:
    assert run("--check", "configuration/encountertypes", cwd=repo).returncode == 0
    assert run("--check", "configuration/encountertypes", "--strict", cwd=repo).returncode == 1


def test_statistics_count_findings_per_code(repo: Path) -> None:
    p = run("--check", ".", "--statistics", cwd=repo)
    rows = [line.split() for line in p.stdout.splitlines()]
    assert rows[0][:3] == ["6", "unresolved-reference", "error"]
    assert rows[1][:3] == ["2", "duplicate-uuid", "warning"]
    assert p.stdout.splitlines()[-1] == "6 errors, 2 warnings in 3 files"
    doc = json.loads(run("--check", ".", "--statistics", "--format", "json", cwd=repo).stdout)
    assert doc["statistics"][:2] == [
        {"code": "unresolved-reference", "severity": "error", "count": 6},
        {"code": "duplicate-uuid", "severity": "warning", "count": 2},
    ]
    bad = run("--check", ".", "--statistics", "--format", "sarif", cwd=repo)
    assert bad.returncode == 2 and "--statistics" in bad.stderr


def test_list_files_says_what_is_checked_and_why_the_rest_is_not(repo: Path) -> None:
    write(repo, "bundle-ls.yaml", "exclude: ['configuration/encountertypes/b.csv']\n")
    p = run("--check", ".", "--list-files", cwd=repo)
    assert p.returncode == 0
    rows = {line.split()[1]: line for line in p.stdout.splitlines()[:-1]}
    assert rows["configuration/locations/locations.csv"].startswith("checked")
    assert rows["configuration/locations/README.md"].startswith("skipped")
    assert "only the .csv files of locations/" in rows["configuration/locations/README.md"]
    assert (
        "excluded by 'configuration/encountertypes/b.csv'"
        in rows["configuration/encountertypes/b.csv"]
    )
    assert "hidden folder" in rows[".git/"]
    assert p.stdout.splitlines()[-1] == "2 files checked, 4 skipped"
    doc = json.loads(
        run(
            "--check", "configuration/locations", "--list-files", "--format", "json", cwd=repo
        ).stdout
    )
    assert [(f["path"], f["checked"]) for f in doc["files"]] == [
        ("configuration/locations/README.md", False),
        ("configuration/locations/locations.csv", True),
    ]


def test_github_prints_a_summary_line_and_fills_the_job_summary(repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    p = run(
        "--check", ".", "--format", "github", cwd=repo, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    lines = p.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 6
    assert lines[-1] == "bundle-ls: 6 errors, 2 warnings in 3 files"
    text = summary.read_text()
    assert "6 errors, 2 warnings in 3 files" in text
    assert "| `unresolved-reference` | error | 6 |" in text


# ---- bundle-ls.yaml ----------------------------------------------------------------------------


def test_settings_of_the_wrong_shape_stop_the_check_with_their_place(tmp_path: Path) -> None:
    write(tmp_path, "bundle-ls.yaml", "exclude: [a]\nmodules: locations\n")
    p = run("--check", str(tmp_path))
    assert p.returncode == 2
    assert (
        p.stderr == f"bundle-ls: {tmp_path / 'bundle-ls.yaml'}:2:10: must be a list of module ids\n"
    )


def test_unknown_settings_are_warnings_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "bundle-ls.yaml", "exclud: [a]\nseverity:\n  unknown-heder: off\n")
    p = run("--check", ".", cwd=tmp_path)
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[0].startswith(
        "bundle-ls.yaml:1:1: warning: no setting 'exclud'; did you mean 'exclude'?"
    )
    assert lines[1].startswith("bundle-ls.yaml:3:3: warning: no diagnostic code 'unknown-heder'")
