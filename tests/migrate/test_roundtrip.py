"""Round trip: what Initializer would create from the written CSV equals what the datasets hold.

Each test writes a small dataset by hand, migrates it, loads the output with the model of
Initializer's loaders in initializer_model.py, and compares the result with the entities the
dataset describes (spelt out in the test, from the dataset, not from the writer).
"""

from __future__ import annotations

from pathlib import Path

from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects.initializer.migrate import run

from . import initializer_model as iniz
from .conftest import dataset, mds_package


def check_output(root):
    return check_directory(root, jobs=1)


def u(n: int) -> str:
    """A 36-character uuid for test object n."""
    return f"{n:08d}-0000-4000-8000-000000000000"


def migrate(tmp_path: Path, *sources: Path, check: bool = True):
    result = run(list(sources), tmp_path / "out", check=check_output if check else None)
    if check:
        errors = [d for d in result.check.diagnostics if d.severity == "error"]
        assert errors == [], errors
    return result


def load(result, db: iniz.Database | None = None) -> iniz.Database:
    db = iniz.load(result.out, db)
    assert db.failures == []
    return db


CONCEPTS = f"""
<concept_class concept_class_id="100" name="Program Area" description="Areas" retired="0" uuid="{u(100)}"/>
<concept_reference_source concept_source_id="1" name="CIEL" description="Columbia" hl7_code="CIEL" retired="0" uuid="{u(200)}"/>
<concept_reference_source concept_source_id="2" name="ICD-10-WHO" description="ICD" retired="0" uuid="{u(201)}"/>
<concept_reference_term concept_reference_term_id="1" concept_source_id="1" code="1234" name="malaria" uuid="{u(300)}"/>
<concept_reference_term concept_reference_term_id="2" concept_source_id="2" code="B54" uuid="{u(301)}"/>
<concept concept_id="1" class_id="7" datatype_id="2" is_set="0" retired="0" version="2.1" uuid="{u(1)}"/>
<concept concept_id="2" class_id="100" datatype_id="4" is_set="0" retired="0" uuid="{u(2)}"/>
<concept concept_id="3" class_id="100" datatype_id="4" is_set="0" retired="0" uuid="{u(3)}"/>
<concept concept_id="4" class_id="1" datatype_id="1" is_set="0" retired="0" uuid="{u(4)}"/>
<concept concept_id="5" class_id="10" datatype_id="4" is_set="1" retired="0" uuid="{u(5)}"/>
<concept concept_id="6" class_id="11" datatype_id="3" is_set="0" retired="1" uuid="{u(6)}"/>
<concept_name concept_name_id="11" concept_id="1" name="Malaria test result" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="0" voided="0" uuid="{u(11)}"/>
<concept_name concept_name_id="12" concept_id="1" name="Malaria result" locale="en" locale_preferred="1" voided="0" uuid="{u(12)}"/>
<concept_name concept_name_id="13" concept_id="1" name="MTR" locale="en" concept_name_type="SHORT" locale_preferred="0" voided="0" uuid="{u(13)}"/>
<concept_name concept_name_id="14" concept_id="1" name="Résultat du test du paludisme" locale="fr" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(14)}"/>
<concept_name concept_name_id="15" concept_id="1" name="Another synonym" locale="en" locale_preferred="0" voided="0" uuid="{u(15)}"/>
<concept_name concept_name_id="21" concept_id="2" name="Positive" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(21)}"/>
<concept_name concept_name_id="31" concept_id="3" name="Negative, confirmed" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(31)}"/>
<concept_name concept_name_id="41" concept_id="4" name="Blood glucose" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(41)}"/>
<concept_name concept_name_id="51" concept_id="5" name="Malaria panel" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(51)}"/>
<concept_name concept_name_id="61" concept_id="6" name="Old &quot;quoted&quot; text" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(61)}"/>
<concept_description concept_description_id="1" concept_id="1" description="Result of the malaria test \\ slide, or RDT" locale="en" uuid="{u(400)}"/>
<concept_answer concept_answer_id="1" concept_id="1" answer_concept="2" sort_weight="2" uuid="{u(500)}"/>
<concept_answer concept_answer_id="2" concept_id="1" answer_concept="3" sort_weight="1" uuid="{u(501)}"/>
<concept_set concept_set_id="1" concept_id="4" concept_set="5" sort_weight="2" uuid="{u(600)}"/>
<concept_set concept_set_id="2" concept_id="1" concept_set="5" sort_weight="1" uuid="{u(601)}"/>
<concept_numeric concept_id="4" hi_absolute="100" low_normal="3.5" hi_normal="7.8" units="mmol/L" allow_decimal="1" display_precision="1"/>
<concept_reference_map concept_map_id="1" concept_id="1" concept_reference_term_id="1" concept_map_type_id="1" uuid="{u(700)}"/>
<concept_reference_map concept_map_id="2" concept_id="1" concept_reference_term_id="2" concept_map_type_id="2" uuid="{u(701)}"/>
"""


def test_concepts_round_trip(tmp_path: Path) -> None:
    source = dataset(tmp_path, "Concept.xml", CONCEPTS)
    db = load(migrate(tmp_path, source))

    n = iniz.Name
    expected = {
        u(1): iniz.Concept(
            u(1),
            names=[
                n("Malaria test result", "en", "FULLY_SPECIFIED", False, u(11)),
                n("Malaria result", "en", "SYNONYM", True, u(12)),
                n("MTR", "en", "SHORT", False, u(13)),
                n("Résultat du test du paludisme", "fr", "FULLY_SPECIFIED", True, u(14)),
                n("Another synonym", "en", "SYNONYM", False, u(15)),
            ],
            descriptions={"en": "Result of the malaria test \\ slide, or RDT"},
            concept_class="Question",
            datatype="Coded",
            version="2.1",
            answers=[u(3), u(2)],  # sort_weight 1 before 2
            mappings=[("SAME-AS", "CIEL", "1234"), ("NARROWER-THAN", "ICD-10-WHO", "B54")],
        ),
        u(2): iniz.Concept(
            u(2),
            names=[n("Positive", "en", "FULLY_SPECIFIED", True, u(21))],
            concept_class="Program Area",
            datatype="N/A",
        ),
        u(3): iniz.Concept(
            u(3),
            names=[n("Negative, confirmed", "en", "FULLY_SPECIFIED", True, u(31))],
            concept_class="Program Area",
            datatype="N/A",
        ),
        u(4): iniz.Concept(
            u(4),
            names=[n("Blood glucose", "en", "FULLY_SPECIFIED", True, u(41))],
            concept_class="Test",
            datatype="Numeric",
            numeric={
                "hi_absolute": 100.0,
                "hi_critical": None,
                "hi_normal": 7.8,
                "low_absolute": None,
                "low_critical": None,
                "low_normal": 3.5,
                "allow_decimal": True,
                "units": "mmol/L",
                "display_precision": 1,
            },
        ),
        u(5): iniz.Concept(
            u(5),
            names=[n("Malaria panel", "en", "FULLY_SPECIFIED", True, u(51))],
            concept_class="ConvSet",
            datatype="N/A",
            members=[u(1), u(4)],
            is_set=True,
        ),
        u(6): iniz.Concept(
            u(6),
            names=[n('Old "quoted" text', "en", "FULLY_SPECIFIED", True, u(61))],
            concept_class="Misc",
            datatype="Text",
            retired=True,
        ),
    }
    assert set(db.concepts) == set(expected)
    for uuid, want in expected.items():
        got = db.concepts[uuid]
        assert sorted(got.names, key=lambda x: x.uuid) == sorted(
            want.names, key=lambda x: x.uuid
        ), uuid
        assert got.descriptions == want.descriptions
        assert (got.concept_class, got.datatype, got.version, got.retired) == (
            want.concept_class,
            want.datatype,
            want.version,
            want.retired,
        ), uuid
        assert [a for a, _w in got.answers] == want.answers, uuid
        assert [m for m, _w in got.members] == want.members, uuid
        assert got.is_set == want.is_set, uuid
        assert got.numeric == want.numeric, uuid
        assert sorted(got.mappings) == sorted(want.mappings), uuid
    classes = {c.name: (c.uuid, c.description) for c in db.concept_classes if c.uuid}
    assert classes == {"Program Area": (u(100), "Areas")}
    sources = {s.name: (s.uuid, s.description, s.extra["hl7"]) for s in db.concept_sources}
    assert sources == {"CIEL": (u(200), "Columbia", "CIEL"), "ICD-10-WHO": (u(201), "ICD", None)}


ROLES = f"""
<privilege privilege="View Malaria" description="See malaria data" uuid="{u(1)}"/>
<privilege privilege="App: malaria.home" description="Home; with a colon" uuid="{u(2)}"/>
<role role="Malaria Nurse" description="Nurses" uuid="{u(10)}"/>
<role role="Malaria Clinician" description="Clinicians" uuid="{u(11)}"/>
<role_privilege role="Malaria Nurse" privilege="View Malaria"/>
<role_privilege role="Malaria Nurse" privilege="App: malaria.home"/>
<role_privilege role="Malaria Nurse" privilege="Get Concepts"/>
<role_privilege role="Malaria Clinician" privilege="View Malaria"/>
<role_role parent_role="Malaria Nurse" child_role="Malaria Clinician"/>
<role_role parent_role="Authenticated" child_role="Malaria Clinician"/>
"""


def test_roles_and_privileges_round_trip(tmp_path: Path) -> None:
    source = dataset(tmp_path, "Role_Privilege.xml", ROLES)
    db = iniz.Database(
        privileges=[iniz.Named(u(900), "Get Concepts")],  # OpenMRS core's, already there
        roles=[iniz.Named(u(901), "Authenticated")],
    )
    db = load(migrate(tmp_path, source), db)
    privileges = {p.name: (p.uuid, p.description) for p in db.privileges}
    assert privileges == {
        "Get Concepts": (u(900), None),
        "View Malaria": (u(1), "See malaria data"),
        "App: malaria.home": (u(2), "Home; with a colon"),
    }
    roles = {
        r.name: (r.uuid, r.description, r.extra.get("privileges"), r.extra.get("inherited_roles"))
        for r in db.roles
    }
    assert roles == {
        "Authenticated": (u(901), None, None, None),
        "Malaria Nurse": (
            u(10),
            "Nurses",
            ["App: malaria.home", "Get Concepts", "View Malaria"],
            [],
        ),
        "Malaria Clinician": (
            u(11),
            "Clinicians",
            ["View Malaria"],
            ["Authenticated", "Malaria Nurse"],
        ),
    }


DRUGS_PROGRAMS = f"""
<concept concept_id="1" class_id="3" datatype_id="4" retired="0" uuid="{u(1)}"/>
<concept concept_id="2" class_id="11" datatype_id="4" retired="0" uuid="{u(2)}"/>
<concept concept_id="3" class_id="11" datatype_id="4" retired="0" uuid="{u(3)}"/>
<concept concept_id="4" class_id="11" datatype_id="4" retired="0" uuid="{u(4)}"/>
<concept concept_id="5" class_id="11" datatype_id="4" retired="0" uuid="{u(5)}"/>
<concept concept_id="6" class_id="16" datatype_id="4" retired="0" uuid="{u(6)}"/>
<concept_name concept_name_id="1" concept_id="1" name="Artemether" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(11)}"/>
<concept_name concept_name_id="2" concept_id="2" name="Tablet" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(12)}"/>
<concept_name concept_name_id="3" concept_id="3" name="Malaria program" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(13)}"/>
<concept_name concept_name_id="4" concept_id="4" name="Treatment phase" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(14)}"/>
<concept_name concept_name_id="5" concept_id="5" name="Intensive" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(15)}"/>
<concept_name concept_name_id="6" concept_id="6" name="Twice a day" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(16)}"/>
<drug drug_id="1" concept_id="1" name="Artemether 20 mg" dosage_form="2" strength="20 mg" combination="0" retired="0" uuid="{u(20)}"/>
<drug drug_id="2" concept_id="1" name="Artemether 40 mg" strength="40 mg" combination="0" retired="1" uuid="{u(21)}"/>
<program program_id="1" concept_id="3" name="Malaria" description="Malaria care" retired="0" uuid="{u(30)}"/>
<program_workflow program_workflow_id="1" program_id="1" concept_id="4" retired="0" uuid="{u(31)}"/>
<program_workflow_state program_workflow_state_id="1" program_workflow_id="1" concept_id="5" initial="1" terminal="0" retired="0" uuid="{u(32)}"/>
<order_frequency order_frequency_id="1" concept_id="6" frequency_per_day="2" retired="0" uuid="{u(40)}"/>
"""


def test_drugs_programs_and_order_frequencies_round_trip(tmp_path: Path) -> None:
    db = load(migrate(tmp_path, dataset(tmp_path, "drugs.xml", DRUGS_PROGRAMS)))
    drugs = {d.uuid: (d.name, d.extra, d.retired) for d in db.drugs}
    assert drugs == {
        u(20): (
            "Artemether 20 mg",
            {"concept": u(1), "dosage_form": u(2), "strength": "20 mg"},
            False,
        ),
        u(21): (
            "Artemether 40 mg",
            {"concept": u(1), "dosage_form": None, "strength": "40 mg"},
            True,
        ),
    }
    assert [(p.uuid, p.name, p.description, p.extra) for p in db.programs] == [
        (u(30), "Malaria", "Malaria care", {"concept": u(3), "outcomes": None})
    ]
    assert [(w.uuid, w.extra) for w in db.workflows] == [
        (u(31), {"program": u(30), "concept": u(4)})
    ]
    assert [(s.uuid, s.extra) for s in db.states] == [
        (u(32), {"workflow": u(31), "concept": u(5), "initial": True, "terminal": False})
    ]
    assert [(f.uuid, f.extra) for f in db.order_frequencies] == [
        (u(40), {"concept": u(6), "per_day": 2.0})
    ]


METADATA = f"""
<visit_type visit_type_id="1" name="Outreach" description="In the community" uuid="{u(1)}"/>
<encounter_type encounter_type_id="1" name="Malaria Visit" description="A visit" view_privilege="View Malaria" retired="0" uuid="{u(2)}"/>
<privilege privilege="View Malaria" description="See" uuid="{u(3)}"/>
<relationship_type relationship_type_id="1" a_is_to_b="Guardian" b_is_to_a="Ward" description="Legal" weight="0" preferred="1" retired="0" uuid="{u(4)}"/>
<person_attribute_type person_attribute_type_id="1" name="Phone" description="Mobile" format="java.lang.String" searchable="1" sort_weight="3" retired="0" uuid="{u(5)}"/>
<program_attribute_type program_attribute_type_id="1" name="District No." description="Number" datatype="org.openmrs.customdatatype.datatype.FreeTextDatatype" min_occurs="0" max_occurs="1" uuid="{u(6)}"/>
<appointment_speciality speciality_id="1" name="Doctor" voided="0" uuid="{u(7)}"/>
<appointment_service appointment_service_id="1" name="ART Refill" description="Refills" start_time="09:00:00" end_time="17:30:00" speciality_id="1" max_appointments_limit="30" duration_mins="30" color="#0000ff" voided="0" uuid="{u(8)}"/>
"""


def test_other_metadata_round_trip(tmp_path: Path) -> None:
    db = load(migrate(tmp_path, dataset(tmp_path, "metadata.xml", METADATA)))
    assert [(v.uuid, v.name, v.description) for v in db.visit_types] == [
        (u(1), "Outreach", "In the community")
    ]
    assert [(e.uuid, e.name, e.description, e.extra) for e in db.encounter_types] == [
        (u(2), "Malaria Visit", "A visit", {"view privilege": "View Malaria"})
    ]
    assert [(r.uuid, r.description, r.extra) for r in db.relationship_types] == [
        (
            u(4),
            "Legal",
            {"a_is_to_b": "Guardian", "b_is_to_a": "Ward", "preferred": True, "weight": 0},
        )
    ]
    assert [(p.uuid, p.name, p.description, p.extra) for p in db.person_attribute_types] == [
        (
            u(5),
            "Phone",
            "Mobile",
            {
                "format": "java.lang.String",
                "searchable": True,
                "foreign": None,
                "edit_privilege": None,
            },
        )
    ]
    assert [(a.uuid, a.name, a.description, a.extra) for a in db.attribute_types] == [
        (
            u(6),
            "District No.",
            "Number",
            {
                "entity": "Program",
                "datatype": "org.openmrs.customdatatype.datatype.FreeTextDatatype",
                "datatype_config": None,
                "handler": None,
                "handler_config": None,
                "min_occurs": 0,
                "max_occurs": 1,
            },
        )
    ]
    assert [(s.uuid, s.name) for s in db.specialities] == [(u(7), "Doctor")]
    assert [(s.uuid, s.name, s.description, s.extra) for s in db.service_definitions] == [
        (
            u(8),
            "ART Refill",
            "Refills",
            {
                "duration": 30,
                "start": "09:00:00",
                "end": "17:30:00",
                "max_load": 30,
                "colour": "#0000ff",
                "speciality": u(7),
                "location": None,
            },
        )
    ]


LOCATIONS = f"""
  <org.openmrs.Location id="2" uuid="{u(1)}">
    <name>Health Center</name>
    <description>Main site</description>
    <creator/>
    <retired>false</retired>
    <country>Uganda</country>
    <childLocations id="3">
      <org.openmrs.Location id="4" uuid="{u(2)}">
        <name>Lab</name>
        <retired>false</retired>
        <parentLocation reference="2"/>
        <childLocations id="5"/>
        <tags id="6">
          <org.openmrs.LocationTag id="7" uuid="{u(10)}">
            <name>Login Location</name>
            <description>Choose at login</description>
            <retired>false</retired>
          </org.openmrs.LocationTag>
        </tags>
      </org.openmrs.Location>
    </childLocations>
    <tags id="8">
      <org.openmrs.LocationTag reference="7"/>
      <org.openmrs.LocationTag id="9" uuid="{u(11)}">
        <name>Visit Location</name>
        <retired>false</retired>
      </org.openmrs.LocationTag>
    </tags>
  </org.openmrs.Location>
  <org.openmrs.Location reference="4"/>
  <org.openmrs.EncounterType id="10" uuid="{u(20)}">
    <name>Check In</name>
    <description>Arrival</description>
    <retired>false</retired>
  </org.openmrs.EncounterType>
"""


def test_metadata_sharing_locations_round_trip(tmp_path: Path) -> None:
    package = mds_package(tmp_path, "Locations-1.zip", LOCATIONS)
    db = load(migrate(tmp_path, package))
    tags = {t.uuid: (t.name, t.description) for t in db.location_tags}
    assert tags == {u(10): ("Login Location", "Choose at login"), u(11): ("Visit Location", None)}
    locations = {loc.uuid: (loc.name, loc.description, loc.extra) for loc in db.locations}
    assert locations == {
        u(1): (
            "Health Center",
            "Main site",
            {
                "parent": None,
                "tags": ["Login Location", "Visit Location"],
                "address": {"country": "Uganda"},
            },
        ),
        u(2): ("Lab", None, {"parent": u(1), "tags": ["Login Location"], "address": {}}),
    }
    assert [(e.uuid, e.name, e.description) for e in db.encounter_types] == [
        (u(20), "Check In", "Arrival")
    ]


def test_concept_reference_ranges_round_trip(tmp_path: Path) -> None:
    body = f"""
<concept concept_id="1" class_id="1" datatype_id="1" retired="0" uuid="{u(1)}"/>
<concept_name concept_name_id="1" concept_id="1" name="Haemoglobin" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(2)}"/>
<concept_numeric concept_id="1" units="g/dL"/>
<concept_reference_range concept_reference_range_id="1" concept_id="1" criteria="$patient.getAgeInMonths() &lt;= 3" hi_normal="17" low_normal="5.5" uuid="{u(3)}"/>
"""
    db = load(migrate(tmp_path, dataset(tmp_path, "ranges.xml", body)))
    assert [(r.uuid, r.extra) for r in db.reference_ranges] == [
        (
            u(3),
            {
                "concept": u(1),
                "criteria": "$patient.getAgeInMonths() <= 3",
                "hi_absolute": None,
                "low_absolute": None,
                "hi_critical": None,
                "low_critical": None,
                "hi_normal": 17.0,
                "low_normal": 5.5,
            },
        )
    ]


def test_retired_concept_without_names_retires_the_existing_concept(tmp_path: Path) -> None:
    """A dataset that only retires a concept defined elsewhere (Concept_Modifications in
    UgandaEMR) becomes a retire-only row: it retires the concept that exists."""
    body = f'<concept concept_id="5001" class_id="11" datatype_id="4" retired="1" uuid="{u(1)}"/>'
    result = migrate(tmp_path, dataset(tmp_path, "retire.xml", body))
    existing = iniz.Concept(
        u(1),
        names=[iniz.Name("Old", "en", "FULLY_SPECIFIED", True, u(2))],
        concept_class="Misc",
        datatype="N/A",
        saved=True,
    )
    db = load(result, iniz.Database(concepts={u(1): existing}))
    assert db.concepts[u(1)].retired is True
    assert db.concepts[u(1)].names == existing.names


def test_dbunit_locations_complex_concepts_and_attribute_types_round_trip(tmp_path: Path) -> None:
    body = f"""
<location_tag location_tag_id="1" name="Login Location" description="At login" retired="0" uuid="{u(1)}"/>
<location location_id="2" name="Ward A" parent_location="1" city_village="Kampala" country="Uganda" retired="0" uuid="{u(3)}"/>
<location location_id="1" name="Hospital" retired="0" uuid="{u(2)}"/>
<location_tag_map location_id="2" location_tag_id="1"/>
<location_attribute_type location_attribute_type_id="1" name="Code" datatype="org.openmrs.customdatatype.datatype.FreeTextDatatype" min_occurs="0" uuid="{u(4)}"/>
<concept concept_id="1" class_id="11" datatype_id="13" retired="0" uuid="{u(5)}"/>
<concept_name concept_name_id="1" concept_id="1" name="X-ray image" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(6)}"/>
<concept_complex concept_id="1" handler="ImageHandler"/>
"""
    db = load(migrate(tmp_path, dataset(tmp_path, "locations.xml", body)))
    assert [(t.uuid, t.name, t.description) for t in db.location_tags] == [
        (u(1), "Login Location", "At login")
    ]
    locations = {loc.uuid: (loc.name, loc.extra) for loc in db.locations}
    assert locations == {
        u(2): ("Hospital", {"parent": None, "tags": [], "address": {}}),
        u(3): (
            "Ward A",
            {
                "parent": u(2),
                "tags": ["Login Location"],
                "address": {"city/village": "Kampala", "country": "Uganda"},
            },
        ),
    }
    assert [
        (a.uuid, a.name, a.extra["entity"], a.extra["min_occurs"]) for a in db.attribute_types
    ] == [(u(4), "Code", "Location", 0)]
    concept = db.concepts[u(5)]
    assert (concept.datatype, concept.handler) == ("Complex", "ImageHandler")
