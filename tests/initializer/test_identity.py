"""Which definitions are one entity, when two of them are a problem, and which one wins
(issue 13, point 3). Initializer loads a domain's files by `_order` then absolute path
(api/OrderedFile.java compareTo) and their rows in order; a row of an existing entity
updates it, a retired row of an existing entity only retires it (CsvParser.shouldFill)."""

from __future__ import annotations

import hashlib
import uuid

from bundle_ls.dialects.initializer.jsonforms import ampath_form_uuid

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"
ET = "configuration/encountertypes"


def test_rows_equal_after_header_normalisation(repo) -> None:
    """BaseLineProcessor.createIndexMap: headers trimmed and lower-cased; an empty cell is
    absent (CsvParser.fetchNextLine): loading the same row again changes nothing."""
    repo.write(f"{ET}/a.csv", f"Uuid,Name,Description\n{U1},Visit,A visit\n")
    repo.write(f"{ET}/b.csv", f" NAME ,uuid,DESCRIPTION,Edit privilege\nVisit,{U1},A visit,\n")
    assert repo.diags("duplicate-uuid") == []


def test_only_display_names_or_metadata_columns_differ(repo) -> None:
    """display/DisplayLineProcessor adds the messages of a file's Display:<locale> headers;
    a later row without them removes nothing. `_…` columns are never read."""
    repo.write(f"{ET}/a.csv", f"Uuid,Name,Display:fr,_order:10\n{U1},Visit,Visite,\n")
    repo.write(f"{ET}/b.csv", f"Uuid,Name,_comment\n{U1},Visit,copied from a.csv\n")
    assert repo.diags("duplicate-uuid") == []


def test_all_retired(repo) -> None:
    """The second retired row meets an existing drug and only retires it: its name is
    never read (CsvParser.shouldFill)."""
    concepts = "Uuid,Fully specified name:en,Data class,Data type\n"
    repo.write("configuration/concepts/c.csv", f"{concepts}{U2},Amoxicillin,Drug,N/A\n")
    repo.write(
        "configuration/drugs/d.csv",
        f"Uuid,Void/Retire,Name,Concept drug\n{U1},true,Amox 250,Amoxicillin\n"
        f"{U1},TRUE,Amox 250 (1 ampoule),Amoxicillin\n",
    )
    assert repo.diags("duplicate-uuid") == []


def test_define_then_retire_by_order_and_retire_then_restore(repo) -> None:
    repo.write("configuration/locations/z.csv", f"Uuid,Name,_order:500\n{U1},Old ward\n")
    repo.write("configuration/locations/a_void.csv", f"Uuid,Void/Retire,_order:700\n{U1},true\n")
    assert repo.diags("duplicate-uuid") == []
    repo.write(
        "configuration/locations/z.csv", f"Uuid,Void/Retire,Name\n{U1},true,Old\n{U1},,New\n"
    )
    assert repo.diags("duplicate-uuid") == []


def test_a_real_conflict_names_the_fields_and_the_winner(repo) -> None:
    """`b.csv` sorts after `a.csv` but its `_order:10` loads it first: `a.csv` wins."""
    repo.write(f"{ET}/a.csv", f"Uuid,Name,Description\n{U1},Visit,A visit\n")
    repo.write(f"{ET}/b.csv", f"Uuid,Name,Description,_order:10\n{U1},Visit note,A visit\n")
    found = {d.path: d for d in repo.diags("duplicate-uuid")}
    a, b = found[f"{ET}/a.csv"], found[f"{ET}/b.csv"]
    assert a.severity == b.severity == "warning"
    assert "Name ('Visit' here, 'Visit note' there)" in a.message
    assert "the row loaded last (this row) wins" in a.message
    assert f"the row loaded last ({ET}/a.csv:2) wins" in b.message
    assert "Description" not in a.message


def test_privileges_cannot_be_renamed_even_by_a_retired_row(repo) -> None:
    """privileges/PrivilegesCsvParser.bootstrap throws "A privilege name cannot be edited"
    before shouldFill is asked, comparing with `equals` (case counts)."""
    repo.write("configuration/privileges/a.csv", f"Uuid,Privilege name\n{U1},Get Visits\n")
    repo.write(
        "configuration/privileges/b.csv", f"Uuid,Void/Retire,Privilege name\n{U1},true,Get visits\n"
    )
    assert {d.severity for d in repo.diags("duplicate-uuid")} == {"error"}


def test_ampath_forms_are_identified_by_name_and_version(repo) -> None:
    """loaders/AmpathFormsLoader: uuid = Utils.generateUuidFromObjects(AMPATH_FORMS_UUID,
    name, version); a `uuid` key in the JSON is never read."""
    form = '{{"name": "{}", "version": "{}", "uuid": "xxxx", "encounter": "Visit", "pages": {}}}'
    repo.write("configuration/ampathforms/a.json", form.format("Triage", "1.0", "[]"))
    repo.write("configuration/ampathforms/b.json", form.format("Intake", "1.0", "[]"))
    assert repo.diags("duplicate-uuid") == []  # one `uuid` key, two forms
    repo.write("configuration/ampathforms/c.json", form.format("Triage", "1.0", '[{"a": 1}]'))
    found = sorted(d.path for d in repo.diags("duplicate-uuid"))
    assert found == ["configuration/ampathforms/a.json", "configuration/ampathforms/c.json"]
    repo.write("configuration/ampathforms/c.json", form.format("Triage", "2.0", '[{"a": 1}]'))
    assert repo.diags("duplicate-uuid") == []  # a new version: another form


def test_ampath_form_uuid_is_javas_name_uuid() -> None:
    """Java's UUID.nameUUIDFromBytes is the MD5 of the bytes with version 3 and the IETF
    variant: for no bytes at all, d41d8cd9-8f00-3204-a980-0998ecf8427e."""
    empty = uuid.UUID(bytes=hashlib.md5(b"").digest(), version=3)
    assert str(empty) == "d41d8cd9-8f00-3204-a980-0998ecf8427e"
    seed = b"794c4598-ab82-47ca-8d18-483a8abe6f4f_Triage_1.0"
    want = uuid.UUID(bytes=hashlib.md5(seed).digest(), version=3)
    assert ampath_form_uuid("Triage", "1.0") == str(want)


def test_sibling_content_packages_are_separate_configurations(repo) -> None:
    """path-drc: each site package goes to its own server; a site is compared with the
    base package it depends on (`content.path.drc`)."""
    base, a, b = "Base", "Sites/A", "Sites/B"
    repo.write(f"{base}/pom.xml", "<project><artifactId>path.drc</artifactId></project>")
    repo.write(f"{base}/content.properties", "name=base\n")
    for site in (a, b):
        repo.write(f"{site}/content.properties", "name=site\ncontent.path.drc=1\n")
    cp = "configuration/backend_configuration/cashpoints"
    row = f"Uuid,Name,Location\n{U1},Main desk,\n"
    repo.write(f"{a}/{cp}/c.csv", row)
    repo.write(f"{b}/{cp}/c.csv", row.replace("Main desk", "Front desk"))
    assert repo.diags("duplicate-uuid") == []
    repo.write(f"{base}/{cp}/base.csv", row.replace("Main desk", "Old desk"))
    found = sorted(d.path for d in repo.diags("duplicate-uuid"))
    assert found == [f"{base}/{cp}/base.csv", f"{a}/{cp}/c.csv", f"{b}/{cp}/c.csv"]


def test_a_later_package_replaces_a_file_of_the_same_path(repo) -> None:
    """RwandaEMR's kirehe distribution expands rwinkwavu-content then kirehe-content into
    one folder ("Rwinkwavu provides content for Kirehe, which can then be overridden"):
    kirehe's locations/locations.csv replaces rwinkwavu's, so their rows never meet."""
    repo.write(
        "kirehe-distro/openmrs-distro.properties",
        "name=k\ncontent.rwinkwavu-content=1\ncontent.kirehe-content=1\n",
    )
    for pkg, name in (("rwinkwavu-content", "Rwinkwavu"), ("kirehe-content", "Kirehe")):
        repo.write(f"{pkg}/content.properties", "name=x\n")
        repo.write(f"{pkg}/pom.xml", f"<project><artifactId>{pkg}</artifactId></project>")
        repo.write(
            f"{pkg}/configuration/backend_configuration/locations/locations.csv",
            f"Uuid,Name\n{U1},{name} Hospital\n",
        )
    assert repo.diags("duplicate-uuid") == []
    repo.write(
        "kirehe-content/configuration/backend_configuration/locations/more.csv",
        f"Uuid,Name\n{U1},Kirehe District Hospital\n",
    )
    found = sorted(d.path for d in repo.diags("duplicate-uuid"))
    assert found == [
        "kirehe-content/configuration/backend_configuration/locations/locations.csv",
        "kirehe-content/configuration/backend_configuration/locations/more.csv",
        "rwinkwavu-content/configuration/backend_configuration/locations/locations.csv",
    ]
