"""Metadata Sharing packages (`.zip`): their objects as rows of the tables DBUnit would use.

A package holds `header.xml` and `metadata.xml`, an XStream serialisation of the exported
objects (`<org.openmrs.Location uuid=…>` with one child element per field). An object is
written out once (the element with a `uuid` attribute) and pointed at elsewhere with
`reference="<id>"` (or an XPath-like path, in XStream's other reference mode). Each object
becomes a row of the table DBUnit would hold it in, keyed by `mds:<uuid>` so that the same
object in two packages is one record (the later package's values win, as Metadata Sharing
itself overwrites). Users (`creator`, `changedBy`) are not exported by packages and are
ignored.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from .ledger import Row
from .xmlsafe import XmlError, parse

# Uncompressed size above which a package entry is refused (a zip bomb, not metadata).
MAX_ENTRY_BYTES = 256 * 1024 * 1024

# Field elements whose value is an object of a known class (when XStream names the element
# after the field rather than after the class).
FIELD_CLASSES = {
    "parentLocation": "org.openmrs.Location",
    "viewPrivilege": "org.openmrs.Privilege",
    "editPrivilege": "org.openmrs.Privilege",
    "creator": "org.openmrs.User",
    "changedBy": "org.openmrs.User",
    "retiredBy": "org.openmrs.User",
}

# The table each exported class is kept in, and its columns: XStream field -> column.
CLASS_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "org.openmrs.Location": (
        "location",
        {
            "name": "name",
            "description": "description",
            "address1": "address1",
            "address2": "address2",
            "address3": "address3",
            "address4": "address4",
            "address5": "address5",
            "address6": "address6",
            "cityVillage": "city_village",
            "countyDistrict": "county_district",
            "stateProvince": "state_province",
            "postalCode": "postal_code",
            "country": "country",
            "retired": "retired",
        },
    ),
    "org.openmrs.LocationTag": (
        "location_tag",
        {"name": "name", "description": "description", "retired": "retired"},
    ),
    "org.openmrs.EncounterType": (
        "encounter_type",
        {"name": "name", "description": "description", "retired": "retired"},
    ),
    "org.openmrs.VisitType": (
        "visit_type",
        {"name": "name", "description": "description", "retired": "retired"},
    ),
    "org.openmrs.Privilege": (
        "privilege",
        {"privilege": "privilege", "description": "description"},
    ),
    "org.openmrs.Role": ("role", {"role": "role", "description": "description"}),
    "org.openmrs.ConceptClass": (
        "concept_class",
        {"name": "name", "description": "description", "retired": "retired"},
    ),
    "org.openmrs.RelationshipType": (
        "relationship_type",
        {
            "aIsToB": "a_is_to_b",
            "bIsToA": "b_is_to_a",
            "description": "description",
            "weight": "weight",
            "preferred": "preferred",
            "retired": "retired",
        },
    ),
    "org.openmrs.PersonAttributeType": (
        "person_attribute_type",
        {
            "name": "name",
            "description": "description",
            "format": "format",
            "foreignKey": "foreign_key",
            "searchable": "searchable",
            "retired": "retired",
        },
    ),
}

# The id column of each table, for objects keyed by uuid (privileges and roles are keyed by
# their name, as in the database).
ID_COLUMNS = {
    "location": "location_id",
    "location_tag": "location_tag_id",
    "encounter_type": "encounter_type_id",
    "visit_type": "visit_type_id",
    "concept_class": "concept_class_id",
    "relationship_type": "relationship_type_id",
    "person_attribute_type": "person_attribute_type_id",
}


def mds_key(uuid: str) -> str:
    return f"mds:{uuid}"


class _Package:
    def __init__(self, root: etree._Element, source: str, first_seq: int) -> None:
        self.root = root
        self.source = source
        self.seq = first_seq
        self.ids = {el.get("id"): el for el in root.iter() if el.get("id") is not None}
        self.rows: list[Row] = []

    def resolve(self, el: etree._Element) -> etree._Element | None:
        ref = el.get("reference")
        if ref is None:
            return el
        if ref.isdigit():
            return self.ids.get(ref)
        found = el.xpath(ref)  # XStream's relative-path references are XPath steps
        return found[0] if found and isinstance(found[0], etree._Element) else None

    def class_of(self, el: etree._Element) -> str:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.startswith("org.openmrs."):
            return tag
        return el.get("class") or FIELD_CLASSES.get(tag, tag)

    def add(self, table: str, values: dict[str, str | None], line: int) -> None:
        self.rows.append(Row(table, values, self.source, line, self.seq, frozenset(values)))
        self.seq += 1

    def field(self, obj: etree._Element, name: str) -> etree._Element | None:
        for child in obj:
            if child.tag == name:
                return child
        return None

    def objects(self, obj: etree._Element, name: str) -> list[etree._Element]:
        holder = self.field(obj, name)
        if holder is None:
            return []
        found = []
        for child in holder:
            target = self.resolve(child)
            if target is not None and target.get("uuid"):
                found.append(target)
        return found

    def name_of(self, obj: etree._Element, field: str) -> str | None:
        child = self.field(obj, field)
        return child.text.strip() if child is not None and child.text else None

    def read(self) -> list[Row]:
        for el in self.root.iter():
            if not isinstance(el.tag, str) or el.get("reference") is not None:
                continue
            uuid = el.get("uuid")
            if not uuid or el is self.root:
                continue
            self.object_row(el, uuid)
        return self.rows

    def object_row(self, el: etree._Element, uuid: str) -> None:
        cls = self.class_of(el)
        line = el.sourceline or 0
        mapping = CLASS_TABLES.get(cls)
        if mapping is None:
            self.add(f"{cls} (Metadata Sharing)", {"uuid": uuid}, line)
            return
        table, columns = mapping
        values: dict[str, str | None] = {"uuid": uuid}
        for fld, column in columns.items():
            child = self.field(el, fld)
            values[column] = child.text.strip() if child is not None and child.text else None
        if values.get("retired") is not None:
            values["retired"] = "1" if values["retired"] == "true" else "0"
        if table in ID_COLUMNS:
            values[ID_COLUMNS[table]] = mds_key(uuid)
        if table == "location":
            parent = self.field(el, "parentLocation")
            target = self.resolve(parent) if parent is not None else None
            values["parent_location"] = mds_key(target.get("uuid")) if target is not None else None
            for tag in self.objects(el, "tags"):
                self.add(
                    "location_tag_map",
                    {"location_id": mds_key(uuid), "location_tag_id": mds_key(tag.get("uuid"))},
                    tag.sourceline or line,
                )
            if self.objects(el, "attributes"):
                values["attributes"] = "present"
        elif table == "encounter_type":
            for fld, column in (
                ("viewPrivilege", "view_privilege"),
                ("editPrivilege", "edit_privilege"),
            ):
                holder = self.field(el, fld)
                target = self.resolve(holder) if holder is not None else None
                values[column] = self.name_of(target, "privilege") if target is not None else None
        elif table == "person_attribute_type":
            holder = self.field(el, "editPrivilege")
            target = self.resolve(holder) if holder is not None else None
            values["edit_privilege"] = (
                self.name_of(target, "privilege") if target is not None else None
            )
        elif table == "role":
            for priv in self.objects(el, "privileges"):
                self.add(
                    "role_privilege",
                    {"role": values.get("role"), "privilege": self.name_of(priv, "privilege")},
                    priv.sourceline or line,
                )
            for parent in self.objects(el, "inheritedRoles"):
                self.add(
                    "role_role",
                    {"child_role": values.get("role"), "parent_role": self.name_of(parent, "role")},
                    parent.sourceline or line,
                )
        self.add(table, values, line)


def read_package(path: Path, source: str, first_seq: int) -> list[Row]:
    """The rows of a Metadata Sharing package, numbered from first_seq."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise XmlError(f"{source}: not a readable zip file ({exc})") from None
    with archive:
        names = sorted(
            n
            for n in archive.namelist()
            if n.rsplit("/", 1)[-1].startswith("metadata") and n.endswith(".xml")
        )
        if not names:
            raise XmlError(f"{source}: not a Metadata Sharing package (no metadata.xml)")
        rows: list[Row] = []
        for name in names:
            if archive.getinfo(name).file_size > MAX_ENTRY_BYTES:
                raise XmlError(f"{source}: {name} is larger than {MAX_ENTRY_BYTES} bytes; refused")
            root = parse(archive.read(name), f"{source}!{name}")
            rows.extend(_Package(root, source, first_seq + len(rows)).read())
        return rows
