"""Typical mistakes injected into copies of real files (never the corpus itself): each is
found at its exact position, and the untouched copy raises no error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bundle_ls.batch.runner import check_directory

pytestmark = pytest.mark.corpus

ZL = "PIH__openmrs-config-zl"
DEMO = "openmrs__openmrs-content-referenceapplication-demo"
KENYA = "palladiumkenya__openmrs-config-kenyaemr"


def copy(corpus: Path, tmp: Path, repo: str, *rels: str) -> Path:
    root = tmp / repo
    for rel in rels:
        src = corpus / repo / rel
        dst = root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)
    return root


def inject(path: Path, line: int, old: str, new: str) -> tuple[int, int, int]:
    """Replace the first `old` on 0-based `line`; return (line, start, end) of `new` in
    UTF-16 code units, as diagnostics count."""
    lines = path.read_text(encoding="utf-8").split("\n")
    col = lines[line].index(old)
    lines[line] = lines[line][:col] + new + lines[line][col + len(old) :]
    path.write_text("\n".join(lines), encoding="utf-8")
    start = len(lines[line][:col].encode("utf-16-le")) // 2
    return line, start, start + len(new.encode("utf-16-le")) // 2


def errors(root: Path) -> list:
    return [d for d in check_directory(root, jobs=1).diagnostics if d.severity == "error"]


def at(diags, path: str, pos: tuple[int, int, int], code: str):
    line, start, end = pos
    hits = [
        d
        for d in diags
        if d.path == path and d.code == code and d.range == (line, start, line, end)
    ]
    assert len(hits) == 1, [(d.path, d.range, d.code, d.message) for d in diags]
    return hits[0]


def test_misspelt_header(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/locations/locations.csv"
    root = copy(corpus, tmp_path, KENYA, rel)
    # the real one, a bare `Tag` with no value under it: a warning (nothing is lost yet)
    found = check_directory(root, jobs=1).diagnostics
    assert [(d.code, d.severity) for d in found if "'Tag'" in d.message] == [
        ("unknown-header", "warning")
    ]
    assert errors(root) == []
    pos = inject(root / rel, 0, "Description", "Descripton")
    d = at(errors(root), rel, pos, "unknown-header")
    assert "did you mean 'Description'?" in d.message


def test_misspelt_local_reference(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/locations/locations.csv"
    root = copy(corpus, tmp_path, ZL, rel, "constants.yml")
    assert errors(root) == []
    # row 23: CDI Klinik Ekstèn Jeneral, parent Mirebalais (defined on row 22)
    line = 22
    text = (root / rel).read_text(encoding="utf-8").split("\n")[line]
    parent_at = text.index(",Mirebalais,") + 1
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    lines[line] = text[:parent_at] + "Mirebalias" + text[parent_at + len("Mirebalais") :]
    (root / rel).write_text("\n".join(lines), encoding="utf-8")
    start = len(text[:parent_at].encode("utf-16-le")) // 2
    d = at(errors(root), rel, (line, start, start + 10), "unresolved-reference")
    assert "did you mean 'Mirebalais'?" in d.message
    assert d.related and d.related[0].range[0] == 21


def test_misspelt_privilege_in_a_role(corpus: Path, tmp_path: Path) -> None:
    roles = "configuration/roles/facility_wide.csv"
    root = copy(corpus, tmp_path, KENYA, roles, "configuration/privileges")
    real = errors(root)  # a real misspelling in this file (see expected_errors.txt)
    assert {d.message.split(";")[0] for d in real} == {
        "no privileges 'o3 : Generate Mortuary Reports' here, in OpenMRS core or in the "
        "installed modules"
    }
    pos = inject(
        root / roles, 1, "o3: View Appointments Dashboard", "o3: View Appointment Dashboard"
    )
    d = at(errors(root), roles, pos, "unresolved-reference")
    assert "'o3: View Appointments Dashboard'" in d.message


def test_repeated_header(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/backend_configuration/concepts/tests_core-demo.csv"
    root = copy(corpus, tmp_path, DEMO, rel)
    assert errors(root) == []
    pos = inject(root / rel, 0, "Short name:fr", " SHORT NAME:EN")
    pos = (pos[0], pos[1] + 1, pos[2])  # the header is reported trimmed
    d = at(errors(root), rel, pos, "duplicate-header")
    assert "'Short name:en'" in d.message


def test_wrong_data_type(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/backend_configuration/concepts/tests_core-demo.csv"
    root = copy(corpus, tmp_path, DEMO, rel)
    pos = inject(root / rel, 1, ",Numeric,", ",Numerik,")
    pos = (pos[0], pos[1] + 1, pos[2] - 1)
    d = at(errors(root), rel, pos, "schema")
    assert "did you mean 'Numeric'?" in d.message
    # and a number that is not one
    pos = inject(root / rel, 1, ",6.6,", ",6.6.,")
    pos = (pos[0], pos[1] + 1, pos[2] - 1)
    d = at(errors(root), rel, pos, "schema")
    assert "must be a number" in d.message


def test_bad_uuid_but_ciel_ids_are_fine(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/backend_configuration/concepts/tests_core-demo.csv"
    root = copy(corpus, tmp_path, DEMO, rel)
    assert errors(root) == []  # 1133AAAA… (36 characters) is a valid id
    pos = inject(
        root / rel, 1, "1133AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1133AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
    d = at(errors(root), rel, pos, "schema")
    assert "35 characters" in d.message


def test_missing_required_column(corpus: Path, tmp_path: Path) -> None:
    rel = "configuration/backend_configuration/concepts/tests_core-demo.csv"
    root = copy(corpus, tmp_path, DEMO, rel)
    inject(root / rel, 0, "Data type", "Datatype")
    found = [d for d in errors(root) if d.code == "schema" and "'Data type'" in d.message]
    assert [d.range for d in found] == [(0, 0, 0, 4)]
