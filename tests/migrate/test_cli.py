"""`bundle-ls migrate`: exit codes, reasons on bad input, reruns, hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundle_ls.cli import main

from .conftest import dataset, mds_package
from .test_roundtrip import CONCEPTS, LOCATIONS, ROLES


def test_migrate_writes_checks_and_summarises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = dataset(tmp_path / "metadata", "Concept.xml", CONCEPTS)
    mds_package(tmp_path / "metadata", "Locations-1.zip", LOCATIONS)
    out = tmp_path / "out"
    assert main(["migrate", str(tmp_path / "metadata"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{out}: 6 CSV files" in printed
    assert "check: 6 files, 0 errors, 0 warnings" in printed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "MIGRATION.md",
        "conceptclasses/conceptclasses.csv",
        "concepts/concepts.csv",
        "conceptsources/conceptsources.csv",
        "encountertypes/encountertypes.csv",
        "locations/locations.csv",
        "locationtags/locationtags.csv",
    ]
    assert source.exists()


def test_the_same_input_gives_the_same_bytes_and_a_rerun_replaces_the_output(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "metadata"
    dataset(folder, "Concept.xml", CONCEPTS)
    dataset(folder, "Role_Privilege.xml", ROLES)
    mds_package(folder, "Locations-1.zip", LOCATIONS)
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["migrate", str(folder), "--out", str(first), "--no-check"]) == 0
    assert main(["migrate", str(folder), "--out", str(second), "--no-check"]) == 0

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert files(first) == files(second)
    (folder / "Role_Privilege.xml").unlink()
    assert main(["migrate", str(folder), "--out", str(first), "--no-check"]) == 0
    assert "roles/roles.csv" not in files(first)
    assert files(first)["concepts/concepts.csv"] == files(second)["concepts/concepts.csv"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["missing.xml", "--out", "OUT"], "missing.xml: no such file or folder"),
        (
            ["notes.txt", "--out", "OUT"],
            "notes.txt: not a DBUnit dataset (.xml) nor a Metadata Sharing package (.zip)",
        ),
        (["Concept.xml"], "the following arguments are required: --out"),
        (
            ["Concept.xml", "--out", "full"],
            "full: not empty and not the output of an earlier migrate run",
        ),
        (["Concept.xml", "--out", "Concept.xml"], "Concept.xml: not a folder"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    reason: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    dataset(tmp_path, "Concept.xml", CONCEPTS)
    (tmp_path / "notes.txt").write_text("not metadata\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("a file someone keeps here\n")
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(["migrate", *args]))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == f"bundle-ls migrate: {reason}\n"
    assert (tmp_path / "full" / "mine.txt").exists()


def test_xml_entities_are_refused_not_expanded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "metadata" / "bomb.xml"
    bomb.parent.mkdir()
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE dataset [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        '<dataset><visit_type visit_type_id="1" name="&c;" uuid="00000001-0000-4000-8000-000000000000"/></dataset>\n'
    )
    external = tmp_path / "metadata" / "external.xml"
    external.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE dataset [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<dataset><visit_type visit_type_id="2" name="&x;" uuid="00000002-0000-4000-8000-000000000000"/></dataset>\n'
    )
    out = tmp_path / "out"
    assert main(["migrate", str(tmp_path / "metadata"), "--out", str(out), "--no-check"]) == 0
    printed = capsys.readouterr().out
    assert (
        "warning: not migrated, unreadable: metadata/bomb.xml: declares XML entities; refused"
        in printed
    )
    assert "warning: not migrated, unreadable: metadata/external.xml: " in printed
    assert not (out / "visittypes").exists()
    report = (out / "MIGRATION.md").read_text(encoding="utf-8")
    assert (
        "- metadata/bomb.xml: declares XML entities; refused (entities are never expanded)"
        in report
    )
    assert "root:" not in report


def test_a_file_that_is_not_a_dataset_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "metadata"
    folder.mkdir()
    (folder / "pom.xml").write_text("<project><modelVersion>4.0.0</modelVersion></project>\n")
    (folder / "broken.xml").write_text("<dataset><concept concept_id='1'></dataset>\n")
    (folder / "readme.md").write_text("# notes\n")
    assert main(["migrate", str(folder), "--out", str(tmp_path / "out"), "--no-check"]) == 0
    report = (tmp_path / "out" / "MIGRATION.md").read_text(encoding="utf-8")
    assert "- metadata/pom.xml: not a DBUnit flat XML dataset (its root is not <dataset>)" in report
    assert "- metadata/broken.xml: not well-formed XML" in report
    assert "- metadata/readme.md" in report
