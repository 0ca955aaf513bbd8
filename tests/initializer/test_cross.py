"""Findings across files: references, placeholders, OCL zips, modules, unknown folders,
duplicate uuids and report descriptors."""

from __future__ import annotations

import json
import zipfile

from bundle_ls.dialects.initializer import placeholders as ph

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"
U3 = "7c1f0a4e-9d1b-4a3c-8e2f-1a2b3c4d5e6f"


def test_references_outside_the_folder_say_nothing(repo) -> None:
    repo.write(
        "configuration/roles/r.csv",
        "Uuid,Role name,Privileges,Inherited roles\n"
        f"{U1},Clerk,App: coreapps.findPatient;Get Patients,Authenticated\n",
    )
    assert repo.diags() == []


def test_reference_by_uuid_or_name_without_case_or_accents(repo) -> None:
    repo.write(
        "configuration/locations/a.csv",
        f"Uuid,Name,Parent\n{U1},Belladère,\n{U2},Ward,belladere\n{U3},Room,{U1}\n",
    )
    assert repo.diags() == []


def test_near_miss_of_a_local_name_is_an_error(repo) -> None:
    repo.write(
        "configuration/privileges/p.csv", f"Uuid,Privilege name\n{U1},Task: Register patients\n"
    )
    repo.write(
        "configuration/roles/r.csv",
        f"Uuid,Role name,Privileges\n{U2},Clerk,Get Patients; Task: Register patient\n",
    )
    (d,) = repo.diags("unresolved-reference")
    assert d.range == (1, 57, 1, 79) and d.severity == "error"
    assert d.related[0].path == "configuration/privileges/p.csv"


def test_names_that_differ_in_a_number_or_short_word_are_not_typos(repo) -> None:
    repo.write(
        "configuration/locations/a.csv",
        f"Uuid,Name,Parent\n{U1},Ward 1,\n{U2},Room,Ward 2\n{U3},Bed,Ward B\n",
    )
    assert repo.diags() == []


def test_concept_class_near_a_core_one(repo) -> None:
    repo.write(
        "configuration/concepts/c.csv",
        f"Uuid,Fully specified name:en,Data class,Data type\n{U1},Weight,Findng,Numeric\n{U2},Local,My Class,Text\n",
    )
    (d,) = repo.diags("unresolved-reference")
    assert "did you mean 'Finding'?" in d.message and d.range == (1, 44, 1, 50)


def _ocl_zip(path, concepts) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("export.json", json.dumps({"concepts": concepts, "mappings": []}))


def test_concepts_from_ocl_zips_resolve(repo) -> None:
    _ocl_zip(
        repo.root / "configuration/ocl/ciel.zip",
        [
            {
                "id": "5089",
                "source": "CIEL",
                "external_id": "5089AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "concept_class": "Finding",
                "names": [{"name": "Weight (kg)"}],
            }
        ],
    )
    repo.write(
        "configuration/concepts/c.csv",
        f"Uuid,Fully specified name:en,Data class,Data type,Members\n{U1},Weight (lb),Finding,Numeric,\n"
        f"{U2},Vitals,ConvSet,N/A,Weight (kg);CIEL:5089\n",
    )
    # 'Weight (kg)' is one edit from the local 'Weight (lb)'... but OCL defines it
    assert repo.diags("unresolved-reference") == []


def test_placeholders_from_constants(repo) -> None:
    repo.write(
        "constants.yml", 'encounterType:\n  checkIn:\n    uuid: "' + U1 + '"\nlist:\n  - a\n'
    )
    repo.write(
        "configuration/encountertypes/e.csv",
        "Uuid,Name\n${encounterType.checkIn.uuid},Check-in\n${encounterType.chekIn.uuid},Other\n",
    )
    (d,) = repo.diags("unresolved-placeholder")
    assert d.severity == "warning" and d.range == (2, 2, 2, 27)
    assert "did you mean 'encounterType.checkIn.uuid'?" in d.message
    index = repo.check().index
    consts = ph.constants_in(index)
    assert consts["encounterType.checkIn.uuid"] == U1 and consts["list.0"] == "a"
    assert ph.definition_of_placeholder(index, "encounterType.checkIn.uuid") == [
        ("constants.yml", (2, 4, 2, 8))
    ]


def test_placeholders_with_a_parent_config_only_hint(repo) -> None:
    repo.write("constants.yml", "a: 1\n")
    repo.write("dependencies.yml", "- groupId: org.pih\n  artifactId: openmrs-config-pihemr\n")
    repo.write("configuration/encountertypes/e.csv", "Uuid,Name\n${b.c},X\n")
    (d,) = repo.diags("unresolved-placeholder")
    assert d.severity == "hint" and "openmrs-config-pihemr" in d.message


def test_placeholder_functions() -> None:
    line = "x,${encounterType.checkIn.uuid},y"
    assert ph.placeholder_at(line, 10) == ("encounterType.checkIn.uuid", 4, 30)
    assert ph.placeholder_at(line, 1) is None
    assert ph.typing_placeholder("a,${enc", 7) == ("enc", 4)
    assert ph.typing_placeholder("a,b", 3) is None
    consts = {"encounterType.checkIn.uuid": "u", "encounterType.x": 1, "other": 2}
    assert [k for k, _ in ph.complete_placeholders(consts, "enc")] == [
        "encounterType.x",
        "encounterType.checkIn.uuid",
    ]
    assert "`u`" in ph.hover_placeholder(consts, "encounterType.checkIn.uuid")
    assert ph.hover_placeholder(consts, "nope") is None


def test_constants_properties(repo) -> None:
    repo.write("constants.properties", "# c\nlocation.main=Main\n")
    repo.write("configuration/locations/l.csv", "Uuid,Name\n,${location.main}\n")
    assert repo.diags() == []


def test_module_not_installed_from_distro_properties(repo) -> None:
    """A distribution's list of modules is complete: Initializer's loader of a module's
    domain is an @OpenmrsProfile bean that does not exist without the module, so the folder
    is never read (docs/initializer-loaders.md §2)."""
    repo.write("distro.properties", "name=x\nomod.idgen = 4.14\nomod.idgen.groupId = org.openmrs\n")
    repo.write("configuration/appointmentspecialities/a.csv", f"Uuid,Name\n{U1},Cardiology\n")
    repo.write("configuration/idgen/i.csv", f"Uuid,Name\n{U2},Seq\n")
    (d,) = repo.diags("module-not-installed")
    assert d.path == "configuration/appointmentspecialities/a.csv" and d.severity == "information"
    assert "'appointments'" in d.message and "distro.properties" in d.message


def test_content_properties_is_not_an_install_list(repo) -> None:
    """An O3 content package's content.properties names what the package needs, not what
    the server installs (issue 13, point 4): no domain is said to be skipped."""
    repo.write(
        "content.properties", "name=x\nomod.idgen = >= 4\nomod.idgen.groupId = org.openmrs\n"
    )
    repo.write("configuration/appointmentspecialities/a.csv", f"Uuid,Name\n{U1},Cardiology\n")
    assert repo.diags("module-not-installed") == []


def test_no_module_list_means_no_finding(repo) -> None:
    repo.write("content.properties", "name=x\n# omod.events = ^2\n")
    repo.write("configuration/appointmentspecialities/a.csv", f"Uuid,Name\n{U1},Cardiology\n")
    assert repo.diags("module-not-installed") == []


def test_unknown_domain_once_per_folder(repo) -> None:
    repo.write("configuration/encountertype/a.csv", "Uuid,Name\n")
    repo.write("configuration/encountertype/b.csv", "Uuid,Name\n")
    repo.write("configuration/scripts/r.drl", "rule x\n")
    repo.write("configuration/pih/x.json", "{}")
    found = {d.path: d for d in repo.diags("unknown-domain")}
    assert set(found) == {"configuration/encountertype/a.csv", "configuration/scripts/r.drl"}
    assert found["configuration/encountertype/a.csv"].severity == "warning"
    assert "did you mean 'encountertypes'?" in found["configuration/encountertype/a.csv"].message
    assert found["configuration/scripts/r.drl"].severity == "information"


def test_duplicate_uuid_both_places(repo) -> None:
    repo.write("configuration/encountertypes/a.csv", f"Uuid,Name\n{U1},Visit\n")
    repo.write("configuration/encountertypes/b.csv", f"Uuid,Name\n{U1},Visit note\n")
    found = repo.diags("duplicate-uuid")
    assert sorted((d.path, d.range, d.severity) for d in found) == [
        ("configuration/encountertypes/a.csv", (1, 0, 1, 36), "warning"),
        ("configuration/encountertypes/b.csv", (1, 0, 1, 36), "warning"),
    ]
    assert found[0].related


def test_report_descriptor_sql_files(repo) -> None:
    repo.write("configuration/reports/reportdescriptors/x/sql/a.sql", "select 1;")
    repo.write(
        "configuration/reports/reportdescriptors/x/r.yml",
        'key: "r"\ndatasets:\n  - key: a\n    config: "sql/a.sql"\n  - key: b\n    config: "sql/b.sql"\n',
    )
    (d,) = repo.diags("missing-file")
    assert d.severity == "error" and d.range == (5, 12, 5, 23)
    facts = repo.check().index.files["configuration/reports/reportdescriptors/x/r.yml"]
    assert [f.target for f in facts.file_refs] == [
        "configuration/reports/reportdescriptors/x/sql/a.sql",
        "configuration/reports/reportdescriptors/x/sql/b.sql",
    ]
    assert repo.diags("unknown-namespace") == [] and repo.diags("unknown-domain") == []


def test_duplicate_uuid_severity_is_configurable(repo) -> None:
    repo.write("bundle-ls.yaml", "initializer:\n  duplicate-uuid: error\n")
    repo.write("configuration/encountertypes/a.csv", f"Uuid,Name\n{U1},Visit\n{U1},Visit note\n")
    assert {d.severity for d in repo.diags("duplicate-uuid")} == {"error"}
    repo.write("bundle-ls.yaml", "initializer:\n  duplicate-uuid: off\n")
    assert repo.diags("duplicate-uuid") == []
    # a wrong value is a finding at its place in bundle-ls.yaml; the others still apply
    repo.write("bundle-ls.yaml", "initializer:\n  duplicate-uuid: loud\n")
    (d,) = repo.diags("settings")
    assert (d.path, d.range, d.severity) == ("bundle-ls.yaml", (1, 18, 1, 22), "warning")
    assert "must be one of error, warning, information, hint, off" in d.message
    assert {x.severity for x in repo.diags("duplicate-uuid")} == {"warning"}


def test_ampath_forms_reference_encounter_types_and_forms(repo) -> None:
    repo.write("configuration/encountertypes/e.csv", f"Uuid,Name\n{U1},Consultation\n")
    repo.write(
        "configuration/ampathforms/f.json",
        '{\n  "name": "Triage Form",\n  "uuid": "' + U2 + '",\n  "encounter": "Consultaton",\n'
        '  "encounterType": "' + U1 + '",\n  "pages": []\n}\n',
    )
    repo.write(
        "configuration/ampathformstranslations/t_fr.json",
        '{"uuid": "' + U3 + '", "form": "Triage Fom", "language": "fr", "translations": {}}',
    )
    found = {d.path: d for d in repo.diags("unresolved-reference")}
    enc = found["configuration/ampathforms/f.json"]
    assert enc.range == (3, 16, 3, 27) and "did you mean 'Consultation'?" in enc.message
    form = found["configuration/ampathformstranslations/t_fr.json"]
    assert form.range == (0, 58, 0, 68) and "did you mean 'Triage Form'?" in form.message


def test_ampath_form_that_is_not_json(repo) -> None:
    repo.write("configuration/ampathforms/f.json", '{\n  "name": "A",\n}\n')
    (d,) = repo.diags("json-syntax")
    assert d.range[0] == 2 and d.severity == "error"


def test_translations_are_one_per_form_and_language(repo) -> None:
    """AmpathFormsTranslationsLoader finds the form by `form` and its resource by
    `language`; the `uuid` key is never read: two languages sharing a uuid are two
    resources, and only two files of one form and language replace each other."""
    for lang in ("en", "fr"):
        repo.write(
            f"configuration/ampathformstranslations/t_{lang}.json",
            '{"uuid": "' + U3 + '", "form": "X", "language": "' + lang + '", "translations": {}}',
        )
    assert repo.diags("duplicate-uuid") == []
    repo.write(
        "configuration/ampathformstranslations/t_fr2.json",
        '{"uuid": "' + U1 + '", "form": "X", "language": "fr", "translations": {"a": "b"}}',
    )
    found = sorted((d.path, d.severity) for d in repo.diags("duplicate-uuid"))
    assert found == [
        ("configuration/ampathformstranslations/t_fr.json", "warning"),
        ("configuration/ampathformstranslations/t_fr2.json", "warning"),
    ]


def test_a_privilege_uuid_with_two_names_is_an_error(repo) -> None:
    repo.write("configuration/privileges/a.csv", f"Uuid,Privilege name\n{U1},App: a\n")
    repo.write("configuration/privileges/b.csv", f"Uuid,Privilege name\n{U1},App: b\n")
    found = repo.diags("duplicate-uuid")
    assert sorted((d.path, d.severity) for d in found) == [
        ("configuration/privileges/a.csv", "error"),
        ("configuration/privileges/b.csv", "error"),
    ]
    assert "'App: a'" in found[0].message and "'App: b'" in found[0].message
    # the same privilege twice: loading it again changes nothing
    repo.write("configuration/privileges/b.csv", f"Uuid,Privilege name\n{U1},App: a\n")
    assert repo.diags("duplicate-uuid") == []


def test_tags_a_location_creates_count_as_defined_elsewhere(repo) -> None:
    repo.write("configuration/locationtags/t.csv", f"Uuid,Name\n{U1},Login Location\n")
    repo.write(
        "configuration/locations/l.csv",
        f"Uuid,Name,Tags\n{U2},Ward,Login Locations\n{U3},Room,Login Locaton\n",
    )
    # Initializer creates the tags of a Tags cell: a tag map may then use `Login Locations`.
    # In the Tags cells themselves, near misses of an existing tag are still reported
    # (Initializer would silently create a second tag).
    repo.write("configuration/locationtagmaps/m.csv", "Location,Login Locations\nWard,TRUE\n")
    found = sorted((d.path, d.range) for d in repo.diags("unresolved-reference"))
    assert found == [
        ("configuration/locations/l.csv", (1, 42, 1, 57)),
        ("configuration/locations/l.csv", (2, 42, 2, 55)),
    ]


GP = """<config>
  <globalProperties>
    <globalProperty>
      <property>{name}</property>
      <!-- <property>commented.out</property> -->
      <value>{value}</value>
    </globalProperty>
  </globalProperties>
</config>
"""


def test_global_properties(repo) -> None:
    repo.write("constants.yml", "location:\n  main: " + U1 + "\n")
    repo.write(
        "configuration/globalproperties/a.xml", GP.format(name="a.b", value="${location.main}")
    )
    repo.write("configuration/globalproperties/b.xml", GP.format(name="a.b", value="other"))
    found = {d.path: d for d in repo.diags("duplicate-key")}
    assert set(found) == {
        "configuration/globalproperties/a.xml",
        "configuration/globalproperties/b.xml",
    }
    d = found["configuration/globalproperties/a.xml"]
    assert d.range == (3, 16, 3, 19) and d.severity == "warning" and "another value" in d.message
    assert repo.diags("unresolved-placeholder") == []
    index = repo.check().index
    assert set(index.defs["iniz:globalproperties"]) == {"a.b"}
    assert [r.key for r in index.files["configuration/globalproperties/a.xml"].refs] == [
        "location.main"
    ]


def test_global_properties_that_are_not_xml(repo) -> None:
    repo.write("configuration/globalproperties/a.xml", "<config><globalProperties>\n</config>\n")
    (d,) = repo.diags("xml-syntax")
    assert d.range[0] == 1 and d.severity == "error"


def test_dollar_braces_without_the_packager_are_not_placeholders(repo) -> None:
    """Bahmni writes `${visit_location_uuid}` in SQL-valued global properties: a runtime
    parameter, not a packager placeholder (no constants file, no dependencies.yml)."""
    repo.write(
        "configuration/globalproperties/a.xml",
        GP.format(name="sql", value="select 1 where l.uuid = ${visit_location_uuid}"),
    )
    assert repo.diags() == []
