"""Which distribution and modules a check assumes (issue 13, point 4 and "what to build" 2),
read from the files a distribution keeps: distro.properties (openmrs-sdk / packager format),
a distribution pom, content.properties (a content package's needs), PIH's
dependencies.yml, Bahmni's layout; and bundle-ls.yaml `modules:` over all of them."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from bundle_ls.cli import run_check
from bundle_ls.dialects.initializer import InitializerDialect
from bundle_ls.dialects.initializer.distribution import survey
from bundle_ls.project.context import load_context

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"


def assumed(root: Path):
    return survey(root, None, False, (root / "bundle-ls.yaml").is_file()).installation


def test_settings_modules_are_an_explicit_list(repo) -> None:
    repo.write("bundle-ls.yaml", "modules: [idgen]\n")
    repo.write("configuration/appointmentspecialities/a.csv", f"Uuid,Name\n{U1},Cardiology\n")
    (d,) = repo.diags("module-not-installed")
    assert "bundle-ls.yaml modules:" in d.message
    dialect = load_context(repo.root).dialect("initializer")
    assert isinstance(dialect, InitializerDialect)
    inst = dialect.assumptions()
    assert inst.complete and inst.modules == {"idgen"}


def test_distro_properties_follow_a_parent_of_the_repository(repo) -> None:
    """RwandaEMR's layout: a site distribution names its base distribution as parent."""
    repo.write("base-distro/pom.xml", "<project><artifactId>base-distro</artifactId></project>")
    repo.write("base-distro/openmrs-distro.properties", "name=Base\nomod.idgen=1\nomod.queue=2\n")
    repo.write(
        "site-distro/openmrs-distro.properties",
        "name=Site\nparent.artifactId=base-distro\ncontent.site-content=1\n",
    )
    inst = assumed(repo.root)
    assert inst.complete and {"idgen", "queue"} <= inst.modules
    assert "base-distro/openmrs-distro.properties" in inst.evidence


def test_a_parent_outside_the_repository_makes_the_list_a_lower_bound(repo) -> None:
    """PIH Sierra Leone: the parent pihemr-distro (filled in from the pom's properties, as
    the distribution's build filters the file) is a known distribution."""
    repo.write(
        "distro/pom.xml",
        "<project><artifactId>sl-distro</artifactId>"
        "<properties><parentArtifact>pihemr-distro</parentArtifact></properties></project>",
    )
    repo.write("distro/openmrs-distro.properties", "name=SL\nparent.artifactId=${parentArtifact}\n")
    inst = assumed(repo.root)
    assert inst.distribution == "PIH EMR" and not inst.complete
    assert {"pihcore", "htmlformentry"} <= inst.modules


def test_a_distribution_pom_lists_omods(repo) -> None:
    """Bahmni's distro/pom.xml: omod dependencies; an artifact whose module id differs is
    mapped through the omod's config.xml id (distributions.yaml artifact_modules)."""
    deps = "".join(
        f"<dependency><artifactId>{a}</artifactId></dependency>"
        for a in ("idgen-omod", "emrapi-omod", "openelis-atomfeed-client-omod")
    )
    repo.write("distro/pom.xml", f"<project><artifactId>d</artifactId>{deps}</project>")
    inst = assumed(repo.root)
    assert {"idgen", "emrapi", "elisatomfeedclient"} <= inst.modules and not inst.complete


def test_content_properties_is_a_lower_bound(repo) -> None:
    """An O3 content package names what it needs (`omod.*`) and what it builds on
    (`content.referenceapplication`: the O3 reference application's modules)."""
    repo.write("content.properties", "name=x\nomod.fhir2=>=2\ncontent.referenceapplication=1\n")
    inst = assumed(repo.root)
    assert inst.distribution == "OpenMRS 3 reference application"
    assert {"fhir2", "appointments", "billing"} <= inst.modules and not inst.complete


def test_bahmni_telltales(repo) -> None:
    repo.write("masterdata/configuration/bahmniforms/f.json", "{}")
    assert assumed(repo.root).distribution == "Bahmni"
    other = repo.root / "other"
    (other / "configuration/globalproperties").mkdir(parents=True)
    (other / "configuration/globalproperties/gp.xml").write_text(
        "<config><globalProperties><globalProperty><property>bahmni.primaryIdentifierType"
        "</property><value>x</value></globalProperty></globalProperties></config>"
    )
    assert assumed(other).distribution == "Bahmni"


def test_pih_dependencies(repo) -> None:
    repo.write("dependencies.yml", '- groupId: "org.pih"\n  artifactId: "openmrs-config-pihemr"\n')
    inst = assumed(repo.root)
    assert inst.distribution == "PIH EMR" and "dependencies.yml (openmrs-config-pihemr)" in (
        inst.evidence
    )


def test_nothing_known_means_core_only_and_nothing_skipped(repo) -> None:
    repo.write("configuration/idgen/i.csv", f"Uuid,Name\n{U2},Seq\n")
    inst = assumed(repo.root)
    assert inst.distribution is None and inst.modules == frozenset() and not inst.complete
    assert repo.diags("module-not-installed") == []


def test_check_summary_says_what_was_assumed(repo) -> None:
    repo.write("masterdata/configuration/bahmniforms/f.json", "{}")
    repo.write("masterdata/configuration/visittypes/v.csv", f"Uuid,Name\n{U1},OPD\n")
    out = io.StringIO()
    with redirect_stdout(out):
        run_check([str(repo.root)], [], "text", 1, cache=False)
    lines = out.getvalue().splitlines()
    assert lines[-2].startswith("assumed: Bahmni, openmrs-core and ")
    assert "masterdata/configuration/bahmniforms/" in lines[-2] and "bundle-ls.yaml" in lines[-2]
    described = load_context(repo.root).dialect("initializer").assumptions().describe()
    assert "**Bahmni**" in described and "bahmnicore" in described


def test_initializer_folders_under_other_names(repo) -> None:
    """openmrs-content-hiv keeps its configuration in `configs/backend_config` (the
    OpenMRS SDK's ContentHelper.BACKEND_CONFIG_FOLDER); ICRC's distribution in
    `backend/openmrs_custom_config` (copied into the image's openmrs_config)."""
    repo.write("configs/backend_config/encountertypes/e.csv", f"Uuid,Name\n{U1},Visit\n")
    repo.write("configs/backend_config/encountertypes/f.csv", f"Uuid,Name\n{U1},Visit note\n")
    repo.write("backend/openmrs_custom_config/locations/l.csv", f"Uuid,Name\n{U2},A\n")
    repo.write("backend/openmrs_custom_config/idgen/i.csv", f"Uuid,Name\n{U2},B\n")
    repo.write("backend/openmrs_custom_config/locationtags/t.csv", "Uuid,Name,Descripton\n,T,x\n")
    found = {(d.path, d.code) for d in repo.diags()}
    assert ("configs/backend_config/encountertypes/f.csv", "duplicate-uuid") in found
    assert ("backend/openmrs_custom_config/locationtags/t.csv", "unknown-header") in found
