"""The harvest script, run offline on a recorded module source (tests/moduledata/sample)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bundle_ls.dialects.moduledata import Entry, load_module_data

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL = REPO_ROOT / "tools" / "harvest_modules.py"
SAMPLE = Path(__file__).resolve().parent / "sample"
LIQUIBASE = "omod/src/main/resources/liquibase.xml"
JAVA = "api/src/main/java/org/example/sample/"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "sample",
        "GIT_AUTHOR_EMAIL": "sample@example.org",
        "GIT_COMMITTER_NAME": "sample",
        "GIT_COMMITTER_EMAIL": "sample@example.org",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(cwd),
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[Entry]], str, str]:
    """The sample committed to a git mirror laid out as `fetch` lays them out, harvested by
    the script's command line: (entries per domain, commit, the script's summary line)."""
    base = tmp_path_factory.mktemp("harvest")
    work = base / "work"
    shutil.copytree(SAMPLE, work)
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "sample")
    commit = _git(work, "rev-parse", "HEAD").strip()
    mirrors = base / "mirrors"
    _git(base, "clone", "-q", "--bare", str(work), str(mirrors / "example+sample" / "repo"))
    out = base / "out"
    run = subprocess.run(
        [
            sys.executable,
            str(TOOL),
            "--mirrors",
            str(mirrors),
            "--out",
            str(out),
            "--module",
            "sample=example/sample",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    data = load_module_data(out)
    return data["sample"], commit, run.stdout.strip()


def _by_name(entries: list[Entry]) -> dict[str, str | None]:
    return {e.name: e.uuid for e in entries}


def test_harvest_finds_exactly_the_recorded_entities(harvested) -> None:
    domains, _, _ = harvested
    assert {d: _by_name(es) for d, es in domains.items()} == {
        # <insert> with a computed uuid; SQL with @variables, multi-row VALUES
        "conceptclasses": {
            "Concept Attribute": None,
            "Sample": None,
            "LabTest": "0e2c4ba3-0b57-4ad8-b0b0-b8cbd4b9d1f0",
            "Department": None,
        },
        # Bahmni's add_concept procedure call (the procedure's own body creates nothing)
        "concepts": {"Lab Departments": None},
        # new ConceptSource() + setters in Java
        "conceptsources": {"org.openmrs.module.emrapi": "edd52713-8887-47b7-ba9e-6e1148824ca4"},
        "encounterroles": {"Unknown": "a0b03050-c99b-11e0-9572-0800200c9a66"},
        # metadatadeploy encounterType(…) with a constant uuid; REG renamed by <update>
        "encountertypes": {
            "Check-in": "ca3aed11-1aa4-42a1-b85c-8332fc8001fc",
            "Registration": None,
        },
        # INSERT … SELECT name … WHERE name = 'LOINC'
        "fhirconceptsources": {"LOINC": "249b13c8-72fa-4b96-8d3d-b200efed985e"},
        # <sqlFile>, backquoted columns
        "ordertypes": {"Lab Order": None, "Radiology Order": None},
        "privileges": {
            "App: coreapps.findPatient": None,  # install(privilege(_Privilege.X, …))
            "App: sample.attachments.page": None,  # config.xml, ${project.parent.artifactId}
            "View Attachments": None,
            "app:clinical:treatmentTab": None,  # INSERT without a column list
            "app:implementer-interface": None,
            "Patient Dashboard - View Overview Section": None,  # @AddOnStartup
        },
        "roles": {
            "Application: Registers Patients": None,
            "Bahmni-App-User-Login": None,
            "Privilege Level: Full": "ab2160f6-0941-430c-9752-6714353fbd3c",  # prefix + "Full"
        },
        # DRUG_ORDER created then deleted (WHERE name IN …); IPD retired by UPDATE
        "visittypes": {"IPD": None},
    }


def test_harvest_keeps_changes_and_retirement(harvested) -> None:
    domains, _, _ = harvested
    (ipd,) = domains["visittypes"]
    assert ipd.retired is True
    (registration,) = [e for e in domains["encountertypes"] if e.name == "Registration"]
    assert registration.source.changeset == "sample-rename-and-retire"
    assert all(not e.retired for d, es in domains.items() if d != "visittypes" for e in es)


def test_every_harvested_entry_names_its_file_and_commit(harvested) -> None:
    domains, commit, _ = harvested
    where = {e.name: e.source for es in domains.values() for e in es}
    assert all(s.repo == "example/sample" and s.commit == commit for s in where.values())
    assert (
        where["Lab Order"].path == "omod/src/main/resources/V1_55__addLabAndRadiologyOrderTypes.sql"
    )
    assert where["Lab Order"].changeset == "sample-sql-files"
    assert where["Concept Attribute"].path == LIQUIBASE
    assert where["View Attachments"].path == "omod/src/main/resources/config.xml"
    assert where["Privilege Level: Full"].path == JAVA + "SampleActivator.java"
    assert where["Patient Dashboard - View Overview Section"].path == (
        JAVA + "SamplePrivilegeConstants.java"
    )


def test_what_cannot_be_read_is_counted_not_guessed(harvested) -> None:
    _, _, summary = harvested
    # concat(name, ' copy'); Edit ${unknown.property}; encounterType(getName…());
    # copy.setRole(role.getRole())
    assert summary.endswith("; skipped 4")
    out = (SAMPLE / LIQUIBASE).read_text(encoding="utf-8")
    assert "'Never'" in out  # the procedure body is in the sample, and was not harvested


def _tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("harvest_modules", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["harvest_modules"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def test_metadata_sharing_items_keep_name_and_uuid(tmp_path: Path) -> None:
    # The layout of referencemetadata's Reference_Application_Encounter_Types-2.zip:
    # XStream items with the uuid as an attribute.
    import zipfile

    tool = _tool()
    (tmp_path / "pkg").mkdir()
    with zipfile.ZipFile(tmp_path / "pkg" / "Encounter_Types.zip", "w") as z:
        z.writestr(
            "metadata.xml",
            '<list id="1"><org.openmrs.EncounterType id="2" '
            'uuid="ca3aed11-1aa4-42a1-b85c-8332fc8001fc"><name>Check In</name>'
            '</org.openmrs.EncounterType><org.openmrs.Location id="3" uuid="x">'
            "<name>Not a domain read here</name></org.openmrs.Location></list>",
        )
    tree = tool.DirectoryTree(tmp_path / "pkg", "example/pkg", "0" * 40)
    harvest = tool.Harvest("pkg", tree.repo, tree.commit)
    tool.read_mds_package(tree, "Encounter_Types.zip", harvest)
    assert {d: {e.name: e.uuid for e in es.values()} for d, es in harvest.domains.items()} == {
        "encountertypes": {"Check In": "ca3aed11-1aa4-42a1-b85c-8332fc8001fc"}
    }
