"""DBUnit flat XML datasets: their rows, and the table state DBUnit's REFRESH leaves behind.

A flat XML dataset is `<dataset>` with one element per row, named after its table, one
attribute per column. OpenMRS modules load them with column sensing on (the columns of a
table are all the attributes its rows use in that file), `[NULL]` standing for NULL, and
`DatabaseOperation.REFRESH`: a row whose primary key already exists updates every sensed
column of its table (a column the row leaves out becomes NULL), any other row is inserted.
So the same id defined again in a later row, or a later file, replaces the earlier values
of that file's columns, and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from .ledger import Ledger, Redefinition, Row
from .xmlsafe import XmlError

NULL_TOKEN = "[NULL]"

# Primary keys of the OpenMRS tables this tool reads (openmrs-core liquibase schema; the
# appointments and stock management modules' own liquibase files for theirs).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "concept": ("concept_id",),
    "concept_name": ("concept_name_id",),
    "concept_description": ("concept_description_id",),
    "concept_numeric": ("concept_id",),
    "concept_complex": ("concept_id",),
    "concept_answer": ("concept_answer_id",),
    "concept_set": ("concept_set_id",),
    "concept_class": ("concept_class_id",),
    "concept_datatype": ("concept_datatype_id",),
    "concept_map_type": ("concept_map_type_id",),
    "concept_reference_source": ("concept_source_id",),
    "concept_reference_term": ("concept_reference_term_id",),
    "concept_reference_map": ("concept_map_id",),
    "concept_reference_range": ("concept_reference_range_id",),
    "drug": ("drug_id",),
    "privilege": ("privilege",),
    "role": ("role",),
    "role_privilege": ("role", "privilege"),
    "role_role": ("parent_role", "child_role"),
    "program": ("program_id",),
    "program_workflow": ("program_workflow_id",),
    "program_workflow_state": ("program_workflow_state_id",),
    "program_attribute_type": ("program_attribute_type_id",),
    "location_attribute_type": ("location_attribute_type_id",),
    "visit_attribute_type": ("visit_attribute_type_id",),
    "provider_attribute_type": ("provider_attribute_type_id",),
    "concept_attribute_type": ("concept_attribute_type_id",),
    "visit_type": ("visit_type_id",),
    "encounter_type": ("encounter_type_id",),
    "relationship_type": ("relationship_type_id",),
    "person_attribute_type": ("person_attribute_type_id",),
    "order_frequency": ("order_frequency_id",),
    "location": ("location_id",),
    "location_tag": ("location_tag_id",),
    "location_tag_map": ("location_id", "location_tag_id"),
    "appointment_speciality": ("speciality_id",),
    "appointment_service": ("appointment_service_id",),
}


@dataclass(slots=True)
class Record:
    """A table row as the database holds it after every dataset was applied."""

    table: str
    key: tuple[str, ...]
    values: dict[str, str | None]
    rows: list[Row] = field(default_factory=list)  # every row that wrote it, in load order

    @property
    def row(self) -> Row:
        """The last row that wrote this record: its outcome is the record's outcome."""
        return self.rows[-1]

    def get(self, column: str) -> str | None:
        value = self.values.get(column)
        return None if value is None or value.strip() == "" else value.strip()

    @property
    def key_text(self) -> str:
        return ", ".join(
            f"{c}={v}" for c, v in zip(PRIMARY_KEYS[self.table], self.key, strict=True)
        )


@dataclass(slots=True)
class Tables:
    """Every keyed table's records, in first-load order, and the rows of unkeyed tables."""

    records: dict[str, dict[tuple[str, ...], Record]] = field(default_factory=dict)
    unkeyed: dict[str, list[Row]] = field(default_factory=dict)

    def table(self, name: str) -> dict[tuple[str, ...], Record]:
        return self.records.get(name, {})

    def find(self, table: str, *key: str) -> Record | None:
        return self.records.get(table, {}).get(tuple(key))


def read_dataset(root: etree._Element, source: str, first_seq: int) -> list[Row]:
    """The rows of one flat XML dataset, numbered from first_seq."""
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "dataset":
        raise XmlError(f"{source}: not a DBUnit flat XML dataset (its root is not <dataset>)")
    elements = [el for el in root if isinstance(el.tag, str)]
    sensed: dict[str, set[str]] = {}
    for el in elements:
        sensed.setdefault(etree.QName(el).localname.lower(), set()).update(
            k.lower() for k in el.attrib
        )
    frozen = {t: frozenset(cols) for t, cols in sensed.items()}
    rows = []
    for n, el in enumerate(elements):
        table = etree.QName(el).localname.lower()
        values = {k.lower(): (None if v == NULL_TOKEN else v) for k, v in el.attrib.items()}
        rows.append(Row(table, values, source, el.sourceline or 0, first_seq + n, frozen[table]))
    return rows


def refresh(rows: Iterable[Row], ledger: Ledger) -> Tables:
    """Apply the rows in load order as DBUnit REFRESH does; record redefinitions."""
    tables = Tables()
    for row in rows:
        ledger.add(row)
        pk = PRIMARY_KEYS.get(row.table)
        if pk is None:
            tables.unkeyed.setdefault(row.table, []).append(row)
            continue
        key = tuple(row.get(c) for c in pk)
        if any(k is None for k in key):
            missing = ", ".join(c for c, k in zip(pk, key, strict=True) if k is None)
            ledger.not_migrated(row, "no value for its primary key", missing)
            continue
        table = tables.records.setdefault(row.table, {})
        record = table.get(key)  # type: ignore[arg-type]
        if record is None:
            values = {c: row.values.get(c) for c in row.columns}
            table[key] = Record(row.table, key, values, [row])  # type: ignore[arg-type]
            continue
        earlier = record.row
        for column in row.columns:
            record.values[column] = row.values.get(column)
        record.rows.append(row)
        ledger.redefinitions.append(
            Redefinition(row.table, record.key_text, earlier.where, row.where)
        )
        ledger.not_migrated(
            earlier,
            "redefined by a later row with the same primary key (DBUnit REFRESH keeps the later values)",
            f"{record.key_text}, replaced at {row.where}",
        )
    return tables
