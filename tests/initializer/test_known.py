"""The data the Initializer dialect knows the server by: the module data pack read fast
(known.py), the distributions' module lists (schemas/initializer/distributions.yaml) and
the script that harvests them, run offline on recorded sources."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bundle_ls.dialects.initializer.distribution import distribution_data
from bundle_ls.dialects.initializer.known import KnownNames, fold, pack_index
from bundle_ls.dialects.moduledata import load_module_data, module_data_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL = REPO_ROOT / "tools" / "harvest_distributions.py"


def test_the_fast_reader_sees_every_entry_of_the_pack() -> None:
    """known.py reads the pack from parser events; it must find what the full loader
    (bundle_ls.dialects.moduledata) finds: every name and uuid, with its module."""
    want: dict[str, dict[str, set[str]]] = {}
    for module, domains in load_module_data().items():
        for domain, entries in domains.items():
            for e in entries:
                for value in (e.name, e.uuid):
                    if value:
                        want.setdefault(domain, {}).setdefault(fold(value), set()).add(module)
    got = {
        d: {k: set(mods) for k, (_n, mods) in names.items()} for d, names in pack_index().items()
    }
    assert got == want


def test_known_names_per_installed_modules() -> None:
    known = KnownNames(frozenset({"bahmnicore"}), {"privileges": ["Local Only"]})
    assert "LabTest" in known.candidates("conceptclasses")  # bahmnicore's
    assert "Lab Test" not in known.candidates("conceptclasses")  # no module's
    assert KnownNames(frozenset()).candidates("conceptclasses") == sorted(
        {
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
    )  # openmrs-core's own data: exactly 16 classes
    assert known.creator("conceptclasses", "labtest") == "bahmnicore"
    assert known.creator("privileges", "local only") == "bundle-ls.yaml known:"
    # a name of a module that is not known to be installed still exists somewhere
    assert known.defines("privileges", "App: coreapps.findPatient")


def test_distributions_have_provenance_and_pack_names() -> None:
    raw = YAML(typ="safe").load((REPO_ROOT / "schemas/initializer/distributions.yaml").read_text())
    for key, d in raw["distributions"].items():
        src = d["source"]
        assert re.fullmatch(r"[0-9a-f]{40}", src["commit"]) and src["repo"] and src["path"], key
        assert d["modules"], key
    data = distribution_data()
    for module_id, pack_id in data.pack_ids.items():
        assert (module_data_dir() / f"{pack_id}.yaml").is_file(), module_id
    assert "bahmnicore" in next(d for d in data.distributions if d.key == "bahmni").modules


def _git(cwd: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "s",
        "GIT_AUTHOR_EMAIL": "s@example.org",
        "GIT_COMMITTER_NAME": "s",
        "GIT_COMMITTER_EMAIL": "s@example.org",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(cwd),
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _mirror(mirrors: Path, repo: str, files: dict[str, str]) -> None:
    work = mirrors / "work" / repo.replace("/", "+")
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    _git(work, "init", "-q")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "sample")
    _git(
        mirrors, "clone", "-q", "--bare", str(work), str(mirrors / repo.replace("/", "+") / "repo")
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_the_harvest_script_offline(tmp_path: Path) -> None:
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    deps = "".join(
        f"<dependency><artifactId>{a}</artifactId></dependency>"
        for a in ("idgen-omod", "sample-x-omod")
    )
    _mirror(
        mirrors, "Bahmni/openmrs-distro-bahmni", {"distro/pom.xml": f"<project>{deps}</project>"}
    )
    _mirror(
        mirrors,
        "openmrs/openmrs-distro-referenceapplication",
        {"distro/distro.properties": "omod.fhir2=1\nomod.fhir2.groupId=x\nomod.queue=2\n"},
    )
    _mirror(mirrors, "PIH/openmrs-distro-pihemr", {"openmrs-distro.properties": "omod.pihcore=1\n"})
    _mirror(
        mirrors,
        "example/sample",
        {
            "omod/pom.xml": "<project><parent><artifactId>sample</artifactId></parent>"
            "<artifactId>sample-x-omod</artifactId><properties><MODULE_ID>samplex</MODULE_ID>"
            "</properties></project>",
            "omod/src/main/resources/config.xml": "<module><id>@MODULE_ID@</id></module>",
        },
    )
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("ipd", "referencedata", "openelis-atomfeed-client", "sample"):
        (pack / f"{name}.yaml").write_text(f"module: {name}\nsource:\n  repo: example/sample\n")
    out = tmp_path / "distributions.yaml"
    subprocess.run(
        [
            sys.executable,
            str(TOOL),
            "--mirrors",
            str(mirrors),
            "--pack",
            str(pack),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    data = YAML(typ="safe").load(out.read_text())
    assert data["distributions"]["bahmni"]["modules"] == ["idgen", "samplex"]
    assert data["distributions"]["referenceapplication"]["modules"] == ["fhir2", "queue"]
    assert data["artifact_modules"]["sample-x-omod"]["module"] == "samplex"
    assert data["pack_ids"]["bahmni-ipd"] == "ipd"
