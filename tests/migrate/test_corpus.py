"""UgandaEMR's in-code metadata (the module's api/src/main/resources/metadata, read in place)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects.initializer.migrate import run
from bundle_ls.dialects.initializer.migrate.run import UNSETTLED

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def migrated(ugandaemr_metadata: Path, tmp_path_factory: pytest.TempPathFactory):
    return run(
        [ugandaemr_metadata], tmp_path_factory.mktemp("ugandaemr") / "out", check=check_output
    )


def check_output(root):
    return check_directory(root, jobs=1)


def _uuids_held(folder: Path) -> set[str]:
    """Every uuid attribute of every dataset and package in the folder."""
    held: set[str] = set()
    for path in folder.rglob("*"):
        if path.suffix == ".xml":
            roots = [etree.parse(str(path)).getroot()]
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                roots = [etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")]
        else:
            continue
        for root in roots:
            # Initializer trims cells: a uuid with surrounding spaces is written trimmed (and noted)
            held.update(
                v.strip()
                for el in root.iter()
                if isinstance(el.tag, str)
                for k, v in el.attrib.items()
                if k == "uuid"
            )
    return held


def test_the_output_checks_without_error(migrated) -> None:
    errors = [d for d in migrated.check.diagnostics if d.severity == "error"]
    assert errors == []
    assert migrated.check.files == len(migrated.files)


def test_per_table_rows_written_and_not_migrated_add_up_to_rows_read(migrated) -> None:
    tables = {table for _source, table in migrated.counts}
    assert {
        "concept",
        "concept_name",
        "concept_answer",
        "concept_set",
        "drug",
        "role_privilege",
        "location",
    } <= tables
    for (source, table), c in migrated.counts.items():
        assert c.written + c.not_migrated == c.read, (source, table)
    assert all(o.reason != UNSETTLED for o in migrated.ledger.outcomes.values())
    report = (migrated.out / "MIGRATION.md").read_text(encoding="utf-8")
    concept_names = sum(c.read for (_s, t), c in migrated.counts.items() if t == "concept_name")
    assert concept_names == 6643 + 47 + 937  # Concept_Name, Concept_Modifications, tools-2024
    assert (
        "| ugandaemr-metadata/concepts_and_drugs/Concept_Name.xml | concept_name | 6643 |" in report
    )


def test_every_written_uuid_is_one_the_datasets_hold(migrated, ugandaemr_metadata: Path) -> None:
    held = _uuids_held(ugandaemr_metadata)
    written = 0
    for rel in migrated.files:
        with (migrated.out / rel).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, escapechar="\\"):
                for header, value in row.items():
                    if value and (header == "Uuid" or header.endswith(":uuid")):
                        assert value in held, (rel, header, value)
                        written += 1
    assert written > 6000


def test_what_is_written(migrated) -> None:
    """Figures a reviewer can hold against the sources: what the datasets define and the
    reasons the rest cannot be loaded (the ICD-11 names are among the files the corpus lacks)."""
    files = migrated.files
    assert files["roles/roles.csv"] == 38
    assert files["locations/locations.csv"] == 6 and files["locationtags/locationtags.csv"] == 4
    assert (
        files["encountertypes/encountertypes.csv"] == 18
    )  # 17 from the package, 1 from VisitTypes.xml
    assert files["concepts/concepts.csv"] > 5000
    icd = migrated.counts[
        ("ugandaemr-metadata/concepts_and_drugs/icd_11/icd_11_import_concept.xml", "concept")
    ]
    assert icd.written == 0 and icd.not_migrated == 17009
    reasons = {
        o.reason
        for seq, o in migrated.ledger.outcomes.items()
        if migrated.ledger.rows[seq].table == "order_frequency"
    }
    assert "its uuid fails Initializer's uuid check (36 characters)" in reasons


def test_the_same_input_gives_byte_identical_output(
    migrated, ugandaemr_metadata: Path, tmp_path: Path
) -> None:
    again = run(
        [ugandaemr_metadata],
        tmp_path / "again",
    )
    for rel in [*migrated.files, "MIGRATION.md"]:
        assert (migrated.out / rel).read_bytes() == (again.out / rel).read_bytes(), rel
    assert sorted(again.files) == sorted(migrated.files)
