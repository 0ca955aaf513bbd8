"""How Initializer's loaders treat a row (issue 13, points 1, 2 and 5), each test naming
the code it follows (mekomsolutions/openmrs-module-initializer at d2062a6, paths under
api/src/main/java/org/openmrs/module/initializer/api/; docs/initializer-loaders.md)."""

from __future__ import annotations

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"
U3 = "7c1f0a4e-9d1b-4a3c-8e2f-1a2b3c4d5e6f"
CONCEPTS = "Uuid,Fully specified name:en,Data class,Data type\n"


def test_concept_classes_a_module_creates(repo) -> None:
    """c/ConceptLineProcessor: `getConceptClassByName`, failing only when absent. Bahmni's
    bahmni-core liquibase creates `LabTest` (changeSet bahmni-core-201411051148); core's
    16 classes have no `Lab Test`, so `LabTest` is no near miss of anything."""
    repo.write("configuration/concepts/c.csv", f"{CONCEPTS}{U1},Hb,LabTest,Numeric\n")
    assert repo.diags("unresolved-reference") == []  # not Bahmni: nothing known, nothing said
    repo.write("configuration/bahmniforms/f.json", "{}")  # a Bahmni server: bahmnicore's names
    assert repo.diags("unresolved-reference") == []
    repo.write("configuration/concepts/c.csv", f"{CONCEPTS}{U1},Hb,LabTets,Numeric\n")
    (d,) = repo.diags("unresolved-reference")
    assert d.severity == "error" and "did you mean 'LabTest'?" in d.message


def test_a_name_any_module_creates_is_never_reported(repo) -> None:
    """roles/RolesCsvParser → Utils.fetchPrivilege: coreapps' config.xml declares
    `App: coreapps.findPatient`; with no module list the privilege may exist."""
    repo.write(
        "configuration/roles/r.csv",
        f"Uuid,Role name,Privileges\n{U1},Clerk,App: coreapps.findPatient\n",
    )
    assert repo.diags() == []


def test_a_miss_that_fails_the_row_or_leaves_a_field_empty(repo) -> None:
    """drugs/DrugLineProcessor: `Concept drug` not found throws ("No drug concept found");
    `Concept dosage form` not found is set as null and the drug is saved."""
    repo.write("configuration/concepts/c.csv", f"{CONCEPTS}{U1},Paracetamol,Drug,N/A\n")
    repo.write("configuration/concepts/f.csv", f"{CONCEPTS}{U2},Tablet,Misc,N/A\n")
    repo.write(
        "configuration/drugs/d.csv",
        f"Uuid,Name,Concept drug,Concept dosage form\n{U3},Para 500,Paracetamoll,Tablett\n",
    )
    found = {d.range[1]: d for d in repo.diags("unresolved-reference")}
    assert found[46].severity == "error" and "does not load the row" in found[46].message
    assert found[59].severity == "warning" and "leaves this field empty" in found[59].message


def test_a_retired_row_of_an_existing_entity_is_not_read(repo) -> None:
    """CsvParser.shouldFill: `!(isVoidedOrRetired && instance.getId() != null)` — an entity
    that exists is only retired, none of its other cells is read."""
    repo.write("configuration/locations/a.csv", f"Uuid,Name\n{U1},Ward\n{U3},Hospital\n")
    repo.write(
        "configuration/locations/b.csv",
        f"Uuid,Void/Retire,Name,Parent\n{U1},true,Ward,Hospitl\n",
    )
    assert repo.diags("unresolved-reference") == []
    # an entity defined nowhere else may not exist yet: then the row is filled, and fails
    repo.write(
        "configuration/locations/b.csv",
        f"Uuid,Void/Retire,Name,Parent\n{U2},true,Room,Hospitl\n",
    )
    (d,) = repo.diags("unresolved-reference")
    assert d.severity == "warning" and "retires its entity" in d.message


def test_concept_sets_are_filled_even_when_retired(repo) -> None:
    """c/ConceptSetsCsvParser.shouldFill returns true: set members are always processed."""
    repo.write(
        "configuration/concepts/c.csv",
        f"{CONCEPTS}{U1},Vitals,ConvSet,N/A\n{U2},Weight,Finding,Numeric\n",
    )
    repo.write(
        "configuration/conceptsets/s.csv", "Concept,Member,Void/Retire\nVitals,Wieght,true\n"
    )
    (d,) = repo.diags("unresolved-reference")
    assert d.severity == "error"


def test_a_row_shorter_than_a_column_it_reads_fails(repo) -> None:
    """CsvLine.get reads `line[column]`; the ArrayIndexOutOfBoundsException of a short row
    is not caught (only IllegalArgumentException is), so the row fails."""
    repo.write(
        "configuration/visittypes/v.csv",
        f"Uuid,Name,Description,Void/Retire,_order:10\n{U1},OPD\n{U2},IPD,,,\n\n{U3},ER,,\n",
    )
    found = [(d.range[0], d.severity) for d in repo.diags("short-row")]
    assert found == [(1, "error")]  # line 5 lacks only `_order`, a header no processor reads
    assert "'Description'" in repo.diags("short-row")[0].message


def test_cells_beyond_the_header_are_ignored(repo) -> None:
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name\n{U1},OPD,Outpatients\n")
    (d,) = repo.diags("extra-cells")
    assert d.severity == "warning" and d.range == (1, 41, 1, 52)


def test_a_global_property_set_twice_in_one_file_is_applied_in_order(repo) -> None:
    """gp/GlobalPropertiesLoader saves the file's properties in order: a staged sequence in
    one file is deliberate. Two files with other values: the one loaded last (path order)
    wins."""
    gp = "<config><globalProperties>{}</globalProperties></config>"
    prop = "<globalProperty><property>{}</property><value>{}</value></globalProperty>"
    repo.write(
        "configuration/globalproperties/a.xml",
        gp.format(prop.format("x.mode", "setup") + prop.format("x.mode", "on")),
    )
    assert repo.diags("duplicate-key") == []
    repo.write("configuration/globalproperties/b.xml", gp.format(prop.format("x.mode", "on")))
    assert repo.diags("duplicate-key") == []  # the same value again changes nothing
    repo.write("configuration/globalproperties/b.xml", gp.format(prop.format("x.mode", "off")))
    found = {d.path: d for d in repo.diags("duplicate-key")}
    assert set(found) == {
        "configuration/globalproperties/a.xml",
        "configuration/globalproperties/b.xml",
    }
    assert (
        "(configuration/globalproperties/b.xml) wins"
        in found["configuration/globalproperties/a.xml"].message
    )
    assert "(this one) wins" in found["configuration/globalproperties/b.xml"].message


def test_known_names_of_the_database(repo) -> None:
    """bundle-ls.yaml `known:`: names that exist only in the database resolve, and their
    slips are near misses; a domain Initializer does not have is a settings finding."""
    repo.write(
        "configuration/roles/r.csv", f"Uuid,Role name,Privileges\n{U1},Clerk,Get Sepcial Things\n"
    )
    assert repo.diags("unresolved-reference") == []
    repo.write("bundle-ls.yaml", "known:\n  privileges: [Get Special Things]\n  privilege: [x]\n")
    (d,) = repo.diags("unresolved-reference")
    assert "did you mean 'Get Special Things'?" in d.message
    (s,) = repo.diags("settings")
    assert s.range == (2, 2, 2, 11) and "did you mean 'privileges'?" in s.message


def test_placeholders_of_another_program(repo) -> None:
    """PIH's `pih/petl/` jobs are PETL's: `${tableName}` is a job parameter PETL fills, not
    a packager constant (its first part starts no constant); `${site.nmae}` is a slip."""
    repo.write("constants.yml", "site:\n  name: Kigali\n")
    repo.write("configuration/pih/petl/jobs/j.yml", "table: ${tableName}\nsite: ${site.nmae}\n")
    (d,) = repo.diags("unresolved-placeholder")
    assert d.range[0] == 1 and "'site.nmae'" in d.message
