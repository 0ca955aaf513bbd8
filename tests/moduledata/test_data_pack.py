"""The built-in data pack schemas/modules: provenance, and facts checked against the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bundle_ls.dialects.moduledata import (
    ModuleDataError,
    entries_of,
    load_module_data,
    load_module_file,
    module_data_dir,
)

DATA = load_module_data()
CORE_DATA = (
    "api/src/main/resources/org/openmrs/liquibase/snapshots/core-data/liquibase-core-data-2.9.x.xml"
)


def test_the_data_pack_covers_core_and_the_modules_distributions_install() -> None:
    for module_id in (
        "openmrs-core",
        "bahmnicore",
        "idgen",
        "emrapi",
        "coreapps",
        "appointments",
        "queue",
        "billing",
        "stockmanagement",
        "referencemetadata",
        "metadatamapping",
        "fhir2",
        "attachments",
        "cohort",
    ):
        assert module_id in DATA, module_id


def test_every_entry_has_provenance() -> None:
    count = 0
    for module_id, domains in DATA.items():
        header = (module_data_dir() / f"{module_id}.yaml").read_text(encoding="utf-8")
        repo = re.search(r"^  repo: (\S+)$", header, re.M)
        assert repo, module_id
        for entries in domains.values():
            for e in entries:
                count += 1
                assert e.name.strip() == e.name and e.name
                assert e.source.repo == repo[1], (module_id, e.name)
                assert e.source.path and not e.source.path.startswith("/")
                assert re.fullmatch(r"[0-9a-f]{40}", e.source.commit)
    assert count > 1000


def test_openmrs_core_has_exactly_its_16_concept_classes() -> None:
    # openmrs/openmrs-core liquibase-core-data-2.9.x.xml (the newest core-data snapshot):
    # 16 <insert tableName="concept_class">; "Lab Test" is not one of them.
    classes = DATA["openmrs-core"]["conceptclasses"]
    assert {e.name for e in classes} == {
        "Test",
        "Procedure",
        "Drug",
        "Diagnosis",
        "Finding",
        "Anatomy",
        "Question",
        "LabSet",
        "MedSet",
        "ConvSet",
        "Misc",
        "Symptom",
        "Symptom/Finding",
        "Specimen",
        "Misc Order",
        "Frequency",
    }
    assert all(e.source.path == CORE_DATA and e.uuid for e in classes)
    by_name = {e.name: e.uuid for e in classes}
    assert by_name["Diagnosis"] == "8d4918b0-c2cc-11de-8d13-0010c6dffd0f"


def test_bahmni_core_creates_the_concept_classes_bahmni_configurations_use() -> None:
    # Bahmni/bahmni-core bahmnicore-omod/src/main/resources/liquibase.xml
    names = {e.name for e in DATA["bahmnicore"]["conceptclasses"]}
    assert {
        "LabTest",
        "Sample",
        "Department",
        "Radiology",
        "Radiology/Imaging Procedure",
        "Computed/Editable",
        "Concept Attribute",
        "Abnormal",
        "Duration",
        "Concept Details",
        "Image",
        "Computed",
        "URL",
        "Case Intake",
        "Unknown",
        "Video",
    } <= names


def test_module_privileges_come_from_config_xml() -> None:
    billing = {e.name for e in entries_of(DATA, ["billing"], "privileges")}
    assert "View Cashier Bills" in billing
    assert all(
        e.source.path == "omod/src/main/resources/config.xml" for e in DATA["billing"]["privileges"]
    )


def test_core_roles_and_their_uuids() -> None:
    roles = {e.name for e in DATA["openmrs-core"]["roles"]}
    assert roles == {"Anonymous", "Authenticated", "Provider", "System Developer"}


def test_a_file_without_provenance_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("module: broken\ndomains:\n  roles:\n    - name: Nurse\n", encoding="utf-8")
    with pytest.raises(ModuleDataError, match=r"roles\[0\].*source"):
        load_module_file(bad)


def test_a_file_named_after_another_module_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "idgen.yaml"
    bad.write_text("module: emrapi\ndomains: {}\n", encoding="utf-8")
    with pytest.raises(ModuleDataError, match="does not match"):
        load_module_file(bad)
