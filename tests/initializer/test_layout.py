"""Where Initializer configuration is found, and that it never collides with the contract's
namespace files."""

from __future__ import annotations

from bundle_ls.dialects.initializer.layout import Layout, is_initializer_folder

locate = Layout(top_level=False).locate


def test_locate_under_the_usual_folder_names() -> None:
    loc = locate("configuration/locations/a.csv")
    assert (loc.root, loc.domain, loc.known, loc.inner) == (
        "configuration",
        "locations",
        True,
        "a.csv",
    )
    loc = locate("distro/configs/openmrs/initializer_config/concepts/sub/b.csv")
    assert (loc.root, loc.domain, loc.inner) == (
        "distro/configs/openmrs/initializer_config",
        "concepts",
        "sub/b.csv",
    )
    # an O3 content package: configuration/ holds backend_configuration/ and frontend_configuration/
    loc = locate("configuration/backend_configuration/roles/r.csv")
    assert (loc.root, loc.domain) == ("configuration/backend_configuration", "roles")
    assert locate("configuration/frontend_configuration/x.json") is None
    assert locate("configuration/README.md") is None
    assert locate("bundles/malaria/drugs.csv") is None
    loc = locate("configuration/drools/r.drl")
    assert (loc.domain, loc.known) == ("drools", False)


def test_top_level_when_the_checked_folder_is_the_configuration(tmp_path) -> None:
    cfg = tmp_path / "configuration"
    (cfg / "locations").mkdir(parents=True)
    assert is_initializer_folder(cfg) is True
    assert Layout(top_level=True).locate("locations/a.csv").domain == "locations"
    other = tmp_path / "mine"
    (other / "bundles").mkdir(parents=True)
    assert is_initializer_folder(other) is False
    assert locate("locations/a.csv") is None


def test_a_domain_csv_is_not_a_namespace_file(repo) -> None:
    """`configuration/locations/locations.csv` would match the contract's
    `**/locations.csv`; it is Initializer's and checked by Initializer's rules."""
    repo.write(
        "configuration/locations/locations.csv",
        "Uuid,Name,Description\n0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a,Ward A,A ward\n",
    )
    result = repo.check()
    assert result.files == 1
    assert result.diagnostics == []
    assert (
        "iniz:locations" in result.index.files["configuration/locations/locations.csv"].namespaces
    )


def test_generic_namespace_csv_outside_configuration_is_unchanged(repo) -> None:
    repo.write("bundles/a/locations.csv", "key,name\nWARD_A,Ward A\n")
    result = repo.check()
    assert result.files == 1
    assert "iniz:locations" not in result.index.files["bundles/a/locations.csv"].namespaces


def test_files_initializer_ignores_are_not_checked(repo) -> None:
    repo.write("configuration/locations/notes.md", "# notes\n")
    repo.write("configuration/globalproperties/gp.xml", "<config/>")
    repo.write("configuration/globalproperties/stray.csv", "a,b\n1,2\n")
    repo.write("configuration/liquibase/changes.xml", "<databaseChangeLog/>")
    result = repo.check()
    assert sorted(result.index.files) == ["configuration/globalproperties/gp.xml"]


def test_check_one_file_of_an_initializer_folder(repo) -> None:
    import json
    import subprocess
    import sys

    repo.write(
        "configuration/locationtags/t.csv",
        "Uuid,Name\n0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a,Login Location\n",
    )
    repo.write(
        "configuration/locations/locations.csv",
        "Uuid,Name,Tags\n5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10,Ward,Login Locaton\n",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bundle_ls",
            "--check",
            str(repo.root / "configuration/locations/locations.csv"),
            "--no-cache",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = json.loads(out.stdout)["diagnostics"]
    assert [(d["path"], d["code"]) for d in found] == [
        ("configuration/locations/locations.csv", "unresolved-reference")
    ]
    assert out.returncode == 1


def test_checking_configuration_itself_reads_the_constants_beside_it(repo) -> None:
    repo.write("constants.yml", "encounterType:\n  visit: 0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a\n")
    repo.write("configuration/encountertypes/e.csv", "Uuid,Name\n${encounterType.visit},Visit\n")
    result = repo.check("configuration")
    assert [(d.path, d.code) for d in result.diagnostics] == []
    assert "../constants.yml" in result.index.files
    repo.write("configuration/encountertypes/e.csv", "Uuid,Name\n${encounterType.visits},Visit\n")
    (d,) = repo.check("configuration").diagnostics
    assert (d.path, d.code) == ("encountertypes/e.csv", "unresolved-placeholder")
    assert "did you mean 'encounterType.visit'?" in d.message


def test_the_facts_cache_context_follows_the_initializer_layout(tmp_path) -> None:
    """Checking `configuration/` itself reads its folders as domains: cached facts of the
    repository check must not be reused, and an edit of domains.yaml changes it too."""
    from bundle_ls.batch.cache import context_fingerprint
    from bundle_ls.project.context import load_context

    cfg = tmp_path / "configuration"
    (cfg / "locations").mkdir(parents=True)
    repo = load_context(tmp_path)
    configuration = load_context(cfg)
    assert context_fingerprint(repo) != context_fingerprint(configuration)
    initializer = configuration.dialect("initializer")
    assert "spec=" in initializer.fingerprint() and "spec=-" not in initializer.fingerprint()
