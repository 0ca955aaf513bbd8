"""bundle-ls over the real repositories of the corpus: no crash, every error listed and
justified in expected_errors.txt, the known real mistakes found at their place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPOS

pytestmark = pytest.mark.corpus

EXPECTED = Path(__file__).with_name("expected_errors.txt")
EXPECTED_WARNINGS = Path(__file__).with_name("expected_warnings.txt")


def _expected(path: Path = EXPECTED) -> dict[str, str]:
    """`repo/path:line:col code` → justification, from expected_*.txt (1-based)."""
    out = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where, _, why = line.partition(" -- ")
        assert why.strip(), f"{path.name}: no justification on: {raw}"
        out[where.strip()] = why.strip()
    return out


def _key(repo: str, d) -> str:
    return f"{repo}/{d.path}:{d.range[0] + 1}:{d.range[1] + 1} {d.code}"


def test_every_repository_is_checked(corpus_results) -> None:
    for repo, (result, _secs) in corpus_results.items():
        assert result.files > 0, repo
        codes = {d.code for d in result.diagnostics}
        assert "unreadable" not in codes and "limit" not in codes, repo


def test_every_error_is_a_listed_real_problem(corpus_results) -> None:
    found = {
        _key(repo, d)
        for repo, (result, _s) in corpus_results.items()
        for d in result.diagnostics
        if d.severity == "error"
    }
    expected = _expected()
    assert sorted(found - set(expected)) == [], "errors not listed in expected_errors.txt"
    assert sorted(set(expected) - found) == [], "listed errors no longer reported"


def test_every_warning_is_a_listed_real_problem(corpus_results) -> None:
    found = {
        _key(repo, d)
        for repo, (result, _s) in corpus_results.items()
        for d in result.diagnostics
        if d.severity == "warning"
    }
    expected = _expected(EXPECTED_WARNINGS)
    assert sorted(found - set(expected)) == [], "warnings not listed in expected_warnings.txt"
    assert sorted(set(expected) - found) == [], "listed warnings no longer reported"


def test_known_mistakes_are_found_at_their_place(corpus_results) -> None:
    demo, _ = corpus_results["openmrs__openmrs-content-referenceapplication-demo"]
    foreign = [
        d
        for d in demo.diagnostics
        if d.path.endswith("personattributetypes/personattributetypes_core-demo.csv")
        and d.code == "unknown-header"
    ]
    # no row has a value under these headers yet: warnings (issue 13 rule 5), same places
    assert [(d.range, d.severity) for d in foreign] == [((0, 41, 0, 48), "warning")]
    assert "'Foreign uuid'" in foreign[0].message

    kenya, _ = corpus_results["palladiumkenya__openmrs-config-kenyaemr"]
    tag = [
        d
        for d in kenya.diagnostics
        if d.path == "configuration/locations/locations.csv" and d.code == "unknown-header"
    ]
    assert [(d.range, d.severity) for d in tag] == [((0, 46, 0, 49), "warning")]
    assert "'Tags'" in tag[0].message


def test_no_generic_namespace_claims_an_initializer_file(corpus_results) -> None:
    """configuration/locations/locations.csv is Initializer's, never the contract's
    `**/locations.csv` namespace file."""
    for repo, (result, _s) in corpus_results.items():
        codes = {d.code for d in result.diagnostics}
        assert "unknown-namespace" not in codes, repo
        assert "schema" not in {
            d.code for d in result.diagnostics if "unknown property" in d.message
        }


def test_references_outside_the_folder_are_not_errors(corpus_results) -> None:
    """Most references point at core metadata, CIEL or a parent config: no error for them."""
    for repo, (result, _s) in corpus_results.items():
        unresolved = [d for d in result.diagnostics if d.code == "unresolved-reference"]
        assert all("did you mean" in d.message for d in unresolved), repo


def test_placeholders_resolve_from_constants(corpus_results) -> None:
    zl, _ = corpus_results["PIH__openmrs-config-zl"]
    index = zl.index
    consts = index.defs.get("iniz:constant", {})
    assert "patientIdentifierType.zlEmrId.uuid" in consts
    # placeholders that constants.yml defines raise nothing; the others only hint, since
    # dependencies.yml declares a parent configuration that may define them
    found = [d for d in zl.diagnostics if d.code == "unresolved-placeholder"]
    assert found and all(d.severity == "hint" for d in found)
    refs = [r for f in index.files.values() for r in f.refs if r.namespaces == ("iniz:constant",)]
    resolved = [r for r in refs if r.key in consts]
    assert resolved, "some placeholders resolve locally"
    assert len(found) == len(refs) - len(resolved)


def test_checking_the_configuration_folder_itself(corpus: Path, corpus_results) -> None:
    """`--check repo/configuration` finds the same things as `--check repo`, paths relative."""
    repo = "palladiumkenya__openmrs-config-kenyaemr"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bundle_ls",
            "--check",
            str(corpus / repo / "configuration"),
            "--no-cache",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 1, out.stderr
    got = {
        (d["path"], d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
        for d in json.loads(out.stdout)["diagnostics"]
    }
    whole, _ = corpus_results[repo]
    want = {
        (d.path.removeprefix("configuration/"), d.code, d.range[0], d.range[1])
        for d in whole.diagnostics
    }
    assert got == want


def test_timing_is_recorded(corpus_results) -> None:
    for repo, (_result, secs) in corpus_results.items():
        assert secs < 60, f"{repo} took {secs:.1f}s"
    print()
    for repo, (result, secs) in corpus_results.items():
        sev = [d.severity for d in result.diagnostics]
        print(
            f"| {repo} | {result.files} | {sev.count('error')} | {sev.count('warning')} | "
            f"{sev.count('information')} | {sev.count('hint')} | {secs:.2f} |"
        )
    assert set(corpus_results) == set(REPOS)


def test_the_language_server_workspace_sees_what_check_sees(corpus: Path, corpus_results) -> None:
    """The server's first indexing of a repository publishes exactly --check's findings."""
    from bundle_ls.editor.workspace import Workspace

    repo = "palladiumkenya__openmrs-config-kenyaemr"
    ws = Workspace.load(corpus / repo)
    rels = ws.discover()
    ws.index_files(rels)
    got = sorted((d.path, d.range, d.code, d.message) for r in rels for d in ws.diagnostics(r))
    whole, _ = corpus_results[repo]
    assert got == sorted((d.path, d.range, d.code, d.message) for d in whole.diagnostics)
