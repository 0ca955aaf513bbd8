"""Every row read is written or reported, with the reason a reviewer needs."""

from __future__ import annotations

import csv
from pathlib import Path

from bundle_ls.dialects.initializer.migrate import Options, run
from bundle_ls.dialects.initializer.migrate.ledger import NOT_MIGRATED

from .conftest import dataset, mds_package
from .test_roundtrip import u


def outcomes(result) -> dict[tuple[str, int], tuple[str, str]]:
    """(table, line) -> (status, reason) of every row read."""
    ledger = result.ledger
    return {
        (row.table, row.line): (ledger.outcomes[seq].status, ledger.outcomes[seq].reason)
        for seq, row in ledger.rows.items()
    }


def reason_of(result, table: str, line: int, source: str | None = None) -> str:
    """The reason a row was not migrated (the row at `line`, of `source` when several have one)."""
    found = [
        result.ledger.outcomes[seq]
        for seq, row in result.ledger.rows.items()
        if row.table == table and row.line == line and source in (None, row.source)
    ]
    assert len(found) == 1, (table, line, source)
    assert found[0].status == NOT_MIGRATED, (table, line)
    return found[0].reason


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, escapechar="\\"))


def name(
    concept_id: int, name_id: int, text: str, kind: str = "FULLY_SPECIFIED", **extra: str
) -> str:
    attrs = " ".join(f'{k}="{v}"' for k, v in extra.items())
    return (
        f'<concept_name concept_name_id="{name_id}" concept_id="{concept_id}" name="{text}" locale="en" '
        f'concept_name_type="{kind}" locale_preferred="{extra.pop("pref", "1")}" voided="0" uuid="{u(1000 + name_id)}" {attrs}/>'
    )


# Line numbers below are the lines of this body in the written file (the body starts on line 3).
EDGE_CASES = f"""<concept concept_id="1" class_id="11" datatype_id="2" retired="0" uuid="{u(1)}"/>
<concept concept_id="2" class_id="11" datatype_id="4" retired="0"/>
<concept concept_id="3" class_id="11" datatype_id="4" retired="0" uuid="162135OFAAAAAAAAAAAAAAA"/>
<concept concept_id="4" class_id="999" datatype_id="4" retired="0" uuid="{u(4)}"/>
<concept concept_id="5" class_id="11" datatype_id="4" retired="0" uuid="{u(5)}"/>
<concept concept_id="6" class_id="11" datatype_id="4" retired="0" uuid="{u(6)}"/>
<concept concept_id="7" class_id="11" datatype_id="4" retired="0" uuid="{u(7)}"/>
<concept_name concept_name_id="1" concept_id="1" name="Question" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(101)}"/>
<concept_name concept_name_id="2" concept_id="1" name="Old question" locale="en" locale_preferred="0" voided="1" uuid="{u(102)}"/>
<concept_name concept_name_id="3" concept_id="1" name="Q" locale="en" concept_name_type="INDEX_TERM" locale_preferred="0" voided="0" uuid="{u(103)}"/>
<concept_name concept_name_id="4" concept_id="1" name="Question again" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="0" voided="0" uuid="{u(104)}"/>
<concept_name concept_name_id="5" concept_id="99" name="Name of a concept defined elsewhere" locale="en" voided="0" uuid="{u(105)}"/>
<concept_name concept_name_id="6" concept_id="6" name="Question" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(106)}"/>
<concept_name concept_name_id="7" concept_id="7" name="Answer" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(107)}"/>
<concept_answer concept_answer_id="1" concept_id="1" answer_concept="1065" sort_weight="1" uuid="{u(201)}"/>
<concept_answer concept_answer_id="2" concept_id="1" answer_concept="5" sort_weight="2" uuid="{u(202)}"/>
<concept_answer concept_answer_id="3" concept_id="1" answer_concept="7" sort_weight="3" uuid="{u(203)}"/>
<concept_answer concept_answer_id="4" concept_id="1" answer_concept="1" sort_weight="4" uuid="{u(204)}"/>
<concept_answer concept_answer_id="5" concept_id="7" answer_concept="1" sort_weight="1" uuid="{u(205)}"/>
<drug drug_id="1" concept_id="7" name="Same name" retired="0" uuid="{u(301)}"/>
<drug drug_id="2" concept_id="7" name="SAME NAME" retired="0" uuid="{u(302)}"/>
<drug drug_id="3" concept_id="1066" name="Other" retired="0" uuid="{u(303)}"/>
<stockmgmt_stock_item stock_item_id="1" uuid="{u(401)}"/>
"""


def test_each_row_is_written_or_reported_with_its_reason(tmp_path: Path) -> None:
    source = dataset(tmp_path, "edge.xml", EDGE_CASES)
    result = run(
        [source],
        tmp_path / "out",
    )
    assert reason_of(result, "concept", 4) == "no uuid (migrate never invents one)"
    assert (
        reason_of(result, "concept", 5) == "its uuid fails Initializer's uuid check (36 characters)"
    )
    assert (
        reason_of(result, "concept", 6)
        == "its class_id is defined neither by the datasets nor by OpenMRS core"
    )
    assert reason_of(result, "concept", 7) == "no fully specified name the datasets define"
    # concept 6 has the same preferred name as concept 1, which keeps it (lower id)
    assert reason_of(result, "concept", 8).startswith(
        "its preferred name is the preferred name of another concept"
    )
    assert (
        reason_of(result, "concept_name", 11) == "voided name (Initializer creates no voided names)"
    )
    assert reason_of(result, "concept_name", 12).startswith("index term")
    assert reason_of(result, "concept_name", 13).startswith(
        "a second fully specified name in the locale"
    )
    assert reason_of(result, "concept_name", 14) == "its concept is one the datasets do not define"
    assert reason_of(result, "concept_name", 15) == "its concept is not migrated"
    assert (
        reason_of(result, "concept_answer", 17)
        == "its answer_concept is a concept the datasets do not define"
    )
    assert (
        reason_of(result, "concept_answer", 18)
        == "its answer_concept is a concept that is not migrated"
    )
    assert (
        reason_of(result, "concept_answer", 20)
        == "a concept that answers itself (OpenMRS rejects it)"
    )
    # 1 answers 7 and 7 answers 1: the second edge of the walk closes the cycle
    assert reason_of(result, "concept_answer", 21).startswith(
        "closes a cycle of answers and set members"
    )
    assert reason_of(result, "drug", 23).startswith("another drug has the same name")
    assert reason_of(result, "drug", 24) == "its concept_id is a concept the datasets do not define"
    assert reason_of(result, "stockmgmt_stock_item", 25).startswith("stock management module data")
    written = {k for k, (status, _r) in outcomes(result).items() if status == "written"}
    assert written == {
        ("concept", 3),
        ("concept", 9),
        ("concept_name", 10),
        ("concept_name", 16),
        ("concept_answer", 19),
        ("drug", 22),
    }
    rows = csv_rows(tmp_path / "out/concepts/concepts.csv")
    assert [(r["Uuid"], r["Answers"]) for r in rows] == [(u(7), ""), (u(1), u(7))]
    report = (tmp_path / "out/MIGRATION.md").read_text(encoding="utf-8")
    assert (
        "- **voided name (Initializer creates no voided names)**: 1\n  - edge.xml:11: concept_name_id=2 'Old question' (en)"
        in report
    )


def test_rows_read_add_up_per_table_and_no_uuid_is_invented(tmp_path: Path) -> None:
    from .test_roundtrip import CONCEPTS, DRUGS_PROGRAMS, METADATA, ROLES

    sources = [
        dataset(
            tmp_path / "a",
            "Concept.xml",
            CONCEPTS + EDGE_CASES.replace('concept_id="1"', 'concept_id="91"'),
        ),
        dataset(tmp_path / "a", "Roles.xml", ROLES),
        dataset(tmp_path / "b", "drugs.xml", DRUGS_PROGRAMS),
        dataset(tmp_path / "b", "metadata.xml", METADATA),
    ]
    result = run(
        sources,
        tmp_path / "out",
    )
    assert result.counts, "rows were read"
    for (source, table), c in result.counts.items():
        assert c.written + c.not_migrated == c.read, (source, table)
    assert all(
        o.reason != "(internal) no rule settled this row" for o in result.ledger.outcomes.values()
    )
    held = {
        v for row in result.ledger.rows.values() for k, v in row.values.items() if k == "uuid" and v
    }
    for rel in result.files:
        for row in csv_rows(tmp_path / "out" / rel):
            for header, value in row.items():
                if header.lower() == "uuid" or header.lower().endswith(":uuid"):
                    assert not value or value in held, (rel, header, value)


def test_a_later_file_redefines_a_row_as_dbunit_refresh_does(tmp_path: Path) -> None:
    first = dataset(
        tmp_path,
        "1.xml",
        f'<concept concept_id="1" class_id="11" datatype_id="4" version="1.0" retired="0" uuid="{u(1)}"/>\n'
        f'<concept_name concept_name_id="1" concept_id="1" name="Cough" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(2)}"/>',
    )
    # 2.xml redefines concept 1 with another class; its concept rows use a version column
    # (sensed from the other row) that this row leaves out: REFRESH sets it to NULL
    second = dataset(
        tmp_path,
        "2.xml",
        f'<concept concept_id="1" class_id="12" datatype_id="4" retired="0" uuid="{u(1)}"/>\n'
        f'<concept concept_id="2" class_id="12" datatype_id="4" version="3" retired="[NULL]" uuid="{u(3)}"/>\n'
        f'<concept_name concept_name_id="2" concept_id="2" name="Fever" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(4)}"/>',
    )
    result = run(
        [first, second],
        tmp_path / "out",
    )
    rows = {r["Uuid"]: r for r in csv_rows(tmp_path / "out/concepts/concepts.csv")}
    assert rows[u(1)]["Data class"] == "Symptom"
    assert rows[u(1)]["Version"] == "" and rows[u(3)]["Version"] == "3"
    assert reason_of(result, "concept", 3, "1.xml").startswith(
        "redefined by a later row with the same primary key"
    )
    assert [(r.table, r.key, r.first, r.then) for r in result.ledger.redefinitions] == [
        ("concept", "concept_id=1", "1.xml:3", "2.xml:3")
    ]
    # the same two files in the other order: 1.xml's values win
    again = run(
        [second, first],
        tmp_path / "out2",
    )
    rows = {r["Uuid"]: r for r in csv_rows(tmp_path / "out2/concepts/concepts.csv")}
    assert rows[u(1)]["Data class"] == "Misc" and rows[u(1)]["Version"] == "1.0"
    assert [(r.first, r.then) for r in again.ledger.redefinitions] == [("2.xml:3", "1.xml:3")]


def test_a_column_no_row_of_the_later_file_uses_keeps_its_value(tmp_path: Path) -> None:
    first = dataset(
        tmp_path,
        "1.xml",
        f'<visit_type visit_type_id="1" name="Walk-in" description="No appointment" uuid="{u(1)}"/>',
    )
    second = dataset(
        tmp_path, "2.xml", f'<visit_type visit_type_id="1" name="Walk in" uuid="{u(1)}"/>'
    )
    run(
        [first, second],
        tmp_path / "out",
    )
    assert csv_rows(tmp_path / "out/visittypes/visittypes.csv") == [
        {"Uuid": u(1), "Name": "Walk in", "Description": "No appointment", "_order:1": ""}
    ]


def test_ciel_ids_are_written_only_when_asked(tmp_path: Path) -> None:
    body = (
        f'<concept concept_id="1" class_id="11" datatype_id="2" retired="0" uuid="{u(1)}"/>\n'
        f'<concept_name concept_name_id="1" concept_id="1" name="Q" locale="en" concept_name_type="FULLY_SPECIFIED" locale_preferred="1" voided="0" uuid="{u(2)}"/>\n'
        f'<concept_answer concept_answer_id="1" concept_id="1" answer_concept="1065" sort_weight="1" uuid="{u(3)}"/>'
    )
    source = dataset(tmp_path, "c.xml", body)
    plain = run(
        [source],
        tmp_path / "plain",
    )
    assert csv_rows(tmp_path / "plain/concepts/concepts.csv")[0].get("Answers") is None
    assert (
        reason_of(plain, "concept_answer", 5)
        == "its answer_concept is a concept the datasets do not define"
    )
    ciel = run(
        [source],
        tmp_path / "ciel",
        Options(external_concepts="ciel"),
    )
    assert (
        csv_rows(tmp_path / "ciel/concepts/concepts.csv")[0]["Answers"]
        == "1065AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
    assert ciel.external[
        "concepts referred to by their CIEL uuid (`--external-concepts ciel`)"
    ] == ["1065"]
    assert "`1065`" in (tmp_path / "ciel/MIGRATION.md").read_text(encoding="utf-8")


def test_concept_headers_are_the_ones_initializer_reads(tmp_path: Path) -> None:
    from .test_roundtrip import CONCEPTS

    run(
        [dataset(tmp_path, "Concept.xml", CONCEPTS)],
        tmp_path / "out",
    )
    with (tmp_path / "out/concepts/concepts.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f, escapechar="\\"))
    assert header == [
        "Uuid",
        "Void/Retire",
        "Fully specified name:en",
        "Fully specified name:en:uuid",
        "Short name:en",
        "Short name:en:uuid",
        "Synonym 1:en",
        "Synonym 1:en:uuid",
        "Synonym 2:en",
        "Synonym 2:en:uuid",
        "Synonym 2:en:preferred",
        "Fully specified name:fr",
        "Fully specified name:fr:uuid",
        "Description:en",
        "Data class",
        "Data type",
        "Version",
        "Answers",
        "Members",
        "Absolute high",
        "Normal high",
        "Normal low",
        "Units",
        "Allow decimals",
        "Display precision",
        "Mappings|NARROWER-THAN",
        "Mappings|SAME-AS",
        "_order:1",
    ]


def test_one_entity_per_uuid_and_per_name_where_initializer_finds_by_name(tmp_path: Path) -> None:
    package = mds_package(
        tmp_path,
        "Encounter_Types-1.zip",
        f"""<org.openmrs.EncounterType id="2" uuid="{u(1)}">
    <name>Check In</name>
    <retired>false</retired>
  </org.openmrs.EncounterType>""",
    )
    later = dataset(
        tmp_path,
        "VisitTypes.xml",
        f'<encounter_type encounter_type_id="70" name="Check-in" description="Arrival" retired="0" uuid="{u(1)}"/>\n'
        f'<drug drug_id="1" concept_id="9" name="x" uuid="{u(9)}"/>\n'
        f'<concept_class concept_class_id="50" name="Program" uuid="{u(2)}"/>\n'
        f'<concept_class concept_class_id="51" name="PROGRAM" uuid="{u(3)}"/>',
    )
    result = run(
        [package, later],
        tmp_path / "out",
    )
    assert csv_rows(tmp_path / "out/encountertypes/encountertypes.csv") == [
        {"Uuid": u(1), "Name": "Check-in", "Description": "Arrival", "_order:1": ""}
    ]
    assert reason_of(result, "encounter_type", 3, "Encounter_Types-1.zip") == (
        "its uuid is defined again by a later row under another id (the later one is written)"
    )
    assert [r["Uuid"] for r in csv_rows(tmp_path / "out/conceptclasses/conceptclasses.csv")] == [
        u(2)
    ]
    assert reason_of(result, "concept_class", 6).startswith(
        "another concept class has the same name"
    )
