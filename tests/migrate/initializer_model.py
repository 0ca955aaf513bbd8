"""What Initializer would create from a configuration folder, for the round-trip tests.

A small model of openmrs-module-initializer (mekomsolutions, d2062a6), written from its
loaders, not from `migrate`'s writers: the domain order of `Domain.java`; files sorted by
`_order` then path (`OrderedFile.compareTo`); cells trimmed, empty = null
(`CsvParser.fetchNextLine`); headers matched trimmed and case-insensitively, a header twice
fails every row (`BaseLineProcessor.createIndexMap`); failing rows retried until a pass makes
no progress (`BaseCsvLoader.load`); bootstrap / fill / setRetired per row
(`CsvParser.initialize`), with each domain's `*CsvParser.bootstrap` and `*LineProcessor.fill`;
references resolved as `Utils.fetch*` and `ListParser` do; and the checks of OpenMRS's
`ConceptValidator` and `Concept.addAnswer` / `addSetMember` sort weights (openmrs-core).
The database starts with OpenMRS core's concept classes, datatypes and map types, plus what
a test seeds.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

# openmrs-core liquibase-core-data: the 16 concept classes, datatypes and a few map types.
CORE_CONCEPT_CLASSES = [
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
]
CORE_DATATYPES = [
    "Numeric",
    "Coded",
    "Text",
    "N/A",
    "Document",
    "Date",
    "Time",
    "Datetime",
    "Boolean",
    "Rule",
    "Structured Numeric",
    "Complex",
]
CORE_MAP_TYPES = ["SAME-AS", "NARROWER-THAN", "BROADER-THAN", "Associated with", "IS A"]
SAME_AS_UUID = "35543629-7d8c-11e1-909d-c80aa9edcf4e"

# Domain.java order, for the domains migrate writes.
DOMAIN_ORDER = [
    "conceptclasses",
    "conceptsources",
    "visittypes",
    "relationshiptypes",
    "locationtags",
    "privileges",
    "encountertypes",
    "roles",
    "attributetypes",
    "locations",
    "concepts",
    "conceptreferencerange",
    "programs",
    "programworkflows",
    "programworkflowstates",
    "personattributetypes",
    "drugs",
    "orderfrequencies",
    "appointmentspecialities",
    "appointmentservicedefinitions",
]
TRUE_WORDS = {"true", "yes", "on", "y", "t"}


class RowError(Exception):
    """Initializer would fail this row (it logs it in the CSV FILE ERROR SUMMARY)."""


def to_boolean(text: str | None) -> bool:
    """commons-lang3 BooleanUtils.toBoolean(String)."""
    return text is not None and text.lower() in TRUE_WORDS


# ---- CSV lines -------------------------------------------------------------------------


class Line:
    def __init__(self, header: list[str], cells: list[str | None]) -> None:
        self.header = header
        self.cells = cells

    def index(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i, h in enumerate(self.header):
            key = h.strip().lower()
            if key in out:
                raise RowError(f"header twice: {h}")
            out[key] = i
        return out

    def has(self, header: str) -> bool:
        return any(h.strip().lower() == header.lower() for h in self.header)

    def get(self, header: str, required: bool = False) -> str | None:
        idx = self.index()
        key = header.strip().lower()
        if key not in idx:
            if required:
                raise RowError(f"no column {header}")
            return None
        i = idx[key]
        return self.cells[i] if i < len(self.cells) else None

    def uuid(self) -> str | None:
        value = self.get("uuid", required=True)
        if value and len(value) != 36:
            raise RowError(f"bad uuid {value}")
        return value

    def bool(self, header: str) -> bool | None:
        value = self.get(header)
        return None if value is None else to_boolean(value)

    def double(self, header: str) -> float | None:
        value = self.get(header)
        return None if value is None else float(value)

    def int(self, header: str) -> int | None:
        value = self.get(header)
        return None if value is None else int(value)

    def retired(self) -> bool:
        return to_boolean(self.get("void/retire"))

    def list(self, header: str) -> list[str]:
        value = self.get(header)
        return [] if value is None else [p.strip() for p in value.split(";")]


def read_csv(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """opencsv 4.5 defaults: `,`, `"`, backslash escapes; a BOM dropped; cells trimmed."""
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), escapechar="\\", doublequote=True))
    header = rows[0]
    return header, [[c.strip() or None for c in r] for r in rows[1:]]


def file_order(path: Path, header: list[str]) -> tuple[int, str]:
    orders = [h[len("_order:") :] for h in header if h.startswith("_order:")]
    return (int(orders[0]) if orders else 2**31 - 1, str(path.resolve()))


# ---- the database ----------------------------------------------------------------------


@dataclass
class Named:
    uuid: str | None
    name: str | None = None
    description: str | None = None
    retired: bool = False
    extra: dict = field(default_factory=dict)


@dataclass
class Name:
    name: str
    locale: str
    kind: str  # FULLY_SPECIFIED, SHORT, SYNONYM
    preferred: bool
    uuid: str | None
    voided: bool = False


@dataclass
class Concept:
    uuid: str | None
    names: list[Name] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    concept_class: str | None = None
    datatype: str | None = None
    version: str | None = None
    answers: list[tuple[str, float]] = field(default_factory=list)  # (concept uuid, sort weight)
    members: list[tuple[str, float]] = field(default_factory=list)
    is_set: bool = False
    numeric: dict | None = None
    handler: str | None = None
    mappings: list[tuple[str, str, str]] = field(default_factory=list)  # (map type, source, code)
    retired: bool = False
    saved: bool = False


@dataclass
class Database:
    concept_classes: list[Named] = field(default_factory=list)
    concept_sources: list[Named] = field(default_factory=list)
    datatypes: list[str] = field(default_factory=lambda: list(CORE_DATATYPES))
    map_types: list[str] = field(default_factory=lambda: list(CORE_MAP_TYPES))
    concepts: dict[str, Concept] = field(default_factory=dict)
    privileges: list[Named] = field(default_factory=list)
    roles: list[Named] = field(default_factory=list)
    drugs: list[Named] = field(default_factory=list)
    programs: list[Named] = field(default_factory=list)
    workflows: list[Named] = field(default_factory=list)
    states: list[Named] = field(default_factory=list)
    attribute_types: list[Named] = field(default_factory=list)
    visit_types: list[Named] = field(default_factory=list)
    encounter_types: list[Named] = field(default_factory=list)
    relationship_types: list[Named] = field(default_factory=list)
    person_attribute_types: list[Named] = field(default_factory=list)
    order_frequencies: list[Named] = field(default_factory=list)
    location_tags: list[Named] = field(default_factory=list)
    locations: list[Named] = field(default_factory=list)
    specialities: list[Named] = field(default_factory=list)
    service_definitions: list[Named] = field(default_factory=list)
    reference_ranges: list[Named] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def __post_init__(self) -> None:
        if not self.concept_classes:
            self.concept_classes = [Named(None, n) for n in CORE_CONCEPT_CLASSES]

    # Utils.fetch*: uuid first, then name (names compare like MySQL: without case)
    @staticmethod
    def by_uuid(items: list[Named], uuid: str | None) -> Named | None:
        return next((i for i in items if uuid and i.uuid == uuid), None)

    @staticmethod
    def by_name(items: list[Named], name: str | None) -> Named | None:
        return next((i for i in items if name and (i.name or "").lower() == name.lower()), None)

    def fetch(self, items: list[Named], ident: str | None) -> Named | None:
        return self.by_uuid(items, ident) or self.by_name(items, ident)

    def fetch_concept(self, ident: str | None) -> Concept | None:
        """Utils.fetchConcept: uuid, then SOURCE:CODE mapping, then a unique unretired FSN."""
        if ident is None:
            return None
        if ident in self.concepts and self.concepts[ident].saved:
            return self.concepts[ident]
        parts = ident.split(":")
        if len(parts) == 2:
            for c in self.saved_concepts():
                if any(
                    s.lower() == parts[0].strip().lower() and code == parts[1].strip()
                    for _t, s, code in c.mappings
                ):
                    return c
        found = [
            c
            for c in self.saved_concepts()
            if not c.retired
            and any(n.kind == "FULLY_SPECIFIED" and n.name == ident for n in c.names)
        ]
        if len(found) > 1:
            raise RowError(f"several concepts named {ident}")
        return found[0] if found else None

    def saved_concepts(self) -> list[Concept]:
        return [c for c in self.concepts.values() if c.saved]


# ---- domains ---------------------------------------------------------------------------


def _named(
    db: Database,
    items: list[Named],
    line: Line,
    name_col: str,
    name_fallback: bool,
    exact: bool = False,
) -> Named:
    """Bootstrap: by uuid; then by name where the parser falls back to it; else new."""
    uuid = line.uuid()
    found = db.by_uuid(items, uuid)
    if found is None and name_fallback:
        name = line.get(name_col, required=True)
        found = (
            next((i for i in items if i.name == name), None) if exact else db.by_name(items, name)
        )
    if found is None:
        found = Named(uuid)
    return found


def _save(items: list[Named], entity: Named, line: Line) -> None:
    entity.retired = line.retired()
    if entity not in items:
        items.append(entity)


def load_conceptclasses(db: Database, line: Line) -> None:
    cls = _named(db, db.concept_classes, line, "name", True)
    if line.retired() and cls in db.concept_classes:
        cls.retired = True
        return
    cls.name = line.get("name", required=True)
    cls.description = line.get("description")
    _save(db.concept_classes, cls, line)


def load_conceptsources(db: Database, line: Line) -> None:
    src = _named(db, db.concept_sources, line, "name", True)
    src.name = line.get("name", required=True)
    src.description = line.get("description", required=True)
    src.extra = {"hl7": line.get("hl7 code"), "unique_id": line.get("unique id")}
    _save(db.concept_sources, src, line)


def load_privileges(db: Database, line: Line) -> None:
    uuid, name = line.uuid(), line.get("privilege name", required=True)
    priv = db.by_uuid(db.privileges, uuid)
    if priv is not None and priv.name != name:
        raise RowError("a privilege name cannot be edited")
    priv = priv or next((p for p in db.privileges if p.name == name), None) or Named(uuid)
    priv.name, priv.description = name, line.get("description")
    if priv not in db.privileges:
        db.privileges.append(priv)


def _list(db: Database, items: list[Named], line: Line, header: str) -> list[str]:
    """ListParser.parseList with Utils.fetchRole / fetchPrivilege: name, then uuid."""
    out = []
    for ident in line.list(header):
        found = next((i for i in items if i.name == ident), None) or db.by_uuid(items, ident)
        if found is None:
            raise RowError(f"{header}: {ident} not found")
        out.append(found.name)
    return out


def load_roles(db: Database, line: Line) -> None:
    uuid, name = line.uuid(), line.get("role name", required=True)
    role = db.by_uuid(db.roles, uuid)
    if role is not None and role.name != name:
        raise RowError("a role name cannot be edited")
    role = role or next((r for r in db.roles if r.name == name), None) or Named(uuid)
    inherited = _list(db, db.roles, line, "inherited roles")
    privileges = _list(db, db.privileges, line, "privileges")
    role.name, role.description = name, line.get("description")
    role.extra = {"inherited_roles": sorted(inherited), "privileges": sorted(privileges)}
    if role not in db.roles:
        db.roles.append(role)


def _simple(items_attr: str, name_fallback: bool, exact: bool = False):
    def load(db: Database, line: Line) -> None:
        items = getattr(db, items_attr)
        entity = _named(db, items, line, "name", name_fallback, exact)
        if line.retired() and entity in items:
            entity.retired = True
            return
        entity.name = line.get("name", required=True)
        entity.description = line.get("description")
        _save(items, entity, line)

    return load


def load_encountertypes(db: Database, line: Line) -> None:
    et = _named(db, db.encounter_types, line, "name", True)
    et.name = line.get("name", required=True)
    et.description = line.get("description")
    for header in ("view privilege", "edit privilege"):
        ident = line.get(header)
        if ident is not None:
            priv = next((p for p in db.privileges if p.name == ident), None) or db.by_uuid(
                db.privileges, ident
            )
            if priv is None:
                raise RowError(f"{header} {ident}")
            et.extra[header] = priv.name
    _save(db.encounter_types, et, line)


def load_relationshiptypes(db: Database, line: Line) -> None:
    rt = db.by_uuid(db.relationship_types, line.uuid()) or Named(line.uuid())
    rt.name, rt.description = line.get("name"), line.get("description")
    rt.extra = {
        "a_is_to_b": line.get("a is to b", required=True),
        "b_is_to_a": line.get("b is to a", required=True),
        "preferred": line.bool("preferred"),
        "weight": line.int("weight"),
    }
    _save(db.relationship_types, rt, line)


def load_attributetypes(db: Database, line: Line) -> None:
    entity = line.get("entity name", required=True)
    if entity.lower() not in ("location", "visit", "provider", "program", "concept"):
        raise RowError(f"entity {entity}")
    same = [a for a in db.attribute_types if a.extra.get("entity", "").lower() == entity.lower()]
    att = (
        db.by_uuid(same, line.uuid())
        or db.by_name(same, line.get("name", required=True))
        or Named(line.uuid())
    )
    att.name = line.get("name", required=True)
    att.description = line.get("description")
    att.extra = {
        "entity": entity,
        "datatype": line.get("datatype classname", required=True),
        "datatype_config": line.get("datatype config"),
        "handler": line.get("preferred handler classname"),
        "handler_config": line.get("handler config"),
        "min_occurs": line.int("min occurs"),
        "max_occurs": line.int("max occurs"),
    }
    _save(db.attribute_types, att, line)


def load_locations(db: Database, line: Line) -> None:
    uuid, name = line.uuid(), line.get("name")
    loc = db.by_uuid(db.locations, uuid)
    if loc is None and not uuid and name:
        loc = db.by_name(db.locations, name)
    loc = loc or Named(uuid)
    if line.retired() and loc in db.locations:
        loc.retired = True
        return
    loc.name, loc.description = name, line.get("description")
    parent = line.get("parent")
    parent_uuid = None
    if parent:
        found = db.fetch(db.locations, parent)
        if found is None:
            raise RowError(f"parent {parent}")
        parent_uuid = found.uuid
    tags = []
    for ident in line.list("tags"):
        tag = db.fetch(db.location_tags, ident)
        if tag is None:  # LocationTagListParser.lastMinuteSave creates it
            tag = Named(None, ident, "")
            db.location_tags.append(tag)
        tags.append(tag.name)
    address = {
        h: line.get(h)
        for h in ("address 1", "city/village", "county/district", "state/province", "country")
    }
    loc.extra = {
        "parent": parent_uuid,
        "tags": sorted(tags),
        "address": {k: v for k, v in address.items() if v},
    }
    _save(db.locations, loc, line)


def _concept_names(line: Line) -> list[Name]:
    """ConceptLineProcessor.getConceptNameHeaders / constructConceptName /
    ensureLocalPreferredConfigured."""
    names = []
    for header in line.header:
        parts = header.split(":", 2)
        h = parts[0].strip().lower()
        if not (
            h.startswith("fully specified name")
            or h.startswith("short name")
            or h.startswith("synonym")
        ):
            continue
        if len(parts) == 1:
            raise RowError("a concept name header without a locale")
        if len(parts) != 2:
            continue
        text = line.get(header)
        if not text:
            continue
        kind = (
            "FULLY_SPECIFIED"
            if h.startswith("fully")
            else "SHORT"
            if h.startswith("short")
            else "SYNONYM"
        )
        preferred = line.bool(f"{header}:preferred") or False
        names.append(Name(text, parts[1], kind, preferred, line.get(f"{header}:uuid")))
    preferred_in: dict[str, Name] = {}
    for n in names:
        if n.preferred:
            if n.locale in preferred_in:
                raise RowError("two preferred names in a locale")
            preferred_in[n.locale] = n
    for n in names:
        if n.locale not in preferred_in and n.kind != "SHORT":
            n.preferred = True
            preferred_in[n.locale] = n
    return names


def _localized(line: Line, name: str) -> dict[str, str]:
    out = {}
    for header in line.header:
        parts = header.split(":")
        if len(parts) == 2 and parts[0].strip().lower() == name:
            value = line.get(header)
            if value:
                out[parts[1]] = value
    return out


def load_concepts(db: Database, line: Line) -> None:
    uuid = line.uuid()
    concept = db.concepts.get(uuid) if uuid else None
    if concept is not None and not concept.saved:
        concept = None
    if concept is None and not uuid:
        for fsn in _localized(line, "fully specified name").values():
            concept = db.fetch_concept(fsn)
            if concept:
                break
    existing = concept is not None
    if concept is None:
        concept = Concept(uuid)
    retired = line.retired()
    if not (retired and existing):
        new = Concept(
            concept.uuid,
            names=list(concept.names),
            answers=list(concept.answers),
            members=list(concept.members),
            is_set=concept.is_set,
        )
        # ConceptNumericLineProcessor / ConceptComplexLineProcessor (exact datatype names)
        if line.get("data type") == "Numeric":
            new.numeric = {
                "hi_absolute": line.double("absolute high"),
                "hi_critical": line.double("critical high"),
                "hi_normal": line.double("normal high"),
                "low_absolute": line.double("absolute low"),
                "low_critical": line.double("critical low"),
                "low_normal": line.double("normal low"),
                "allow_decimal": line.bool("allow decimals"),
                "units": line.get("units"),
                "display_precision": line.int("display precision"),
            }
        if line.get("data type") == "Complex":
            new.handler = line.get("complex data handler")
        # ConceptLineProcessor: names (existing names not in the row are voided)
        from_csv = _concept_names(line)
        kept = []
        for old in new.names:
            match = next((n for n in from_csv if n.uuid and n.uuid == old.uuid), None)
            if match is not None:
                from_csv.remove(match)
                kept.append(match)
            else:
                old.voided = True
                kept.append(old)
        new.names = kept + from_csv
        new.descriptions = _localized(line, "description")
        cls = line.get("data class")
        if cls:
            found = db.by_name(db.concept_classes, cls)
            if found is None:
                raise RowError(f"bad concept class name {cls}")
            new.concept_class = found.name
        datatype = line.get("data type")
        if datatype:
            if datatype.lower() not in (d.lower() for d in db.datatypes):
                raise RowError(f"bad datatype {datatype}")
            new.datatype = next(d for d in db.datatypes if d.lower() == datatype.lower())
        if line.has("version"):
            new.version = line.get("version")
        # NestedConceptLineProcessor, with Concept.addAnswer / addSetMember sort weights
        if line.has("answers"):
            new.answers = []
        for ident in line.list("answers"):
            target = db.fetch_concept(ident)
            if target is None:
                raise RowError(f"answer {ident} not found")
            weight = max((w for _u, w in new.answers), default=0.0) + 1.0 if new.answers else 1.0
            new.answers.append((target.uuid, weight))
        if line.has("members"):
            new.members, new.is_set = [], False
        for i, ident in enumerate(line.list("members")):
            target = db.fetch_concept(ident)
            if target is None:
                raise RowError(f"member {ident} not found")
            new.members.append((target.uuid, 1000.0 + 10.0 * i))
            new.is_set = True
        # MappingsConceptLineProcessor
        for header in line.header:
            value = line.get(header)
            if not value:
                continue
            if header.strip().lower() == "same as mappings":
                header = f"mappings|{SAME_AS_UUID}"
            parts = header.split("|", 3)
            if parts[0].lower() != "mappings":
                continue
            type_id = parts[1].strip().lower()
            map_type = (
                "SAME-AS"
                if type_id == SAME_AS_UUID
                else next((t for t in db.map_types if t.lower() == type_id), None)
            )
            if map_type is None:
                raise RowError(f"map type {type_id}")
            prefix = parts[2].strip() + ":" if len(parts) > 2 else ""
            for val in value.split(";"):
                source_code = (prefix + val.strip()).split(":")
                source = (
                    db.by_name(db.concept_sources, source_code[0].strip())
                    if len(source_code) == 2
                    else None
                )
                if source is None:  # ConceptReferenceTermValidator: a term needs its source
                    raise RowError(f"mapping {val}: no source")
                new.mappings.append((map_type, source.name, source_code[1].strip()))
        new.retired = retired
        _validate(db, new)
        concept.__dict__.update({k: v for k, v in new.__dict__.items() if k != "saved"})
    else:
        concept.retired = True
    concept.saved = True
    db.concepts[concept.uuid] = concept


def _validate(db: Database, c: Concept) -> None:
    """ConceptValidator.validate and HibernateConceptDAO.isConceptNameDuplicate."""
    live = [n for n in c.names if not n.voided]
    if not live:
        raise RowError("Concept.name.atLeastOneRequired")
    if c.datatype is None or c.concept_class is None:
        raise RowError("datatype or class empty")
    if not c.retired:
        for locale in {n.locale for n in live}:
            here = [n for n in live if n.locale == locale]
            if sum(n.preferred for n in here) > 1 or any(
                n.preferred and n.kind == "SHORT" for n in here
            ):
                raise RowError("preferred names")
            if (
                sum(n.kind == "FULLY_SPECIFIED" for n in here) > 1
                or sum(n.kind == "SHORT" for n in here) > 1
            ):
                raise RowError("two fully specified or short names")
            texts = [n.name.lower() for n in here if n.kind != "SHORT"]
            if len(texts) != len(set(texts)):
                raise RowError("duplicate name in the concept")
            default = _default_name(c, locale)
            for other in db.saved_concepts():
                if other.uuid != c.uuid and not other.retired and default is not None:
                    theirs = _default_name(other, locale)
                    if theirs is not None and theirs.lower() == default.lower():
                        raise RowError(f"duplicate name {default}")
        if not any(n.kind == "FULLY_SPECIFIED" for n in live):
            raise RowError("no fully specified name")
        terms = [(s.lower(), code) for _t, s, code in c.mappings]
        if len(terms) != len(set(terms)):
            raise RowError("a term mapped twice")
    if any(u == c.uuid for u, _w in c.answers):
        raise RowError("a concept answers itself")


def _default_name(c: Concept, locale: str) -> str | None:
    here = [n for n in c.names if n.locale == locale and not n.voided]
    pick = next((n for n in here if n.preferred), None) or next(
        (n for n in here if n.kind == "FULLY_SPECIFIED"), None
    )
    return pick.name if pick else None


def load_conceptreferencerange(db: Database, line: Line) -> None:
    ident = line.get("concept numeric uuid", required=True)
    concept = db.concepts.get(ident)
    if concept is None or not concept.saved or concept.datatype != "Numeric":
        raise RowError("Concept Numeric uuid not found")
    rng = db.by_uuid(db.reference_ranges, line.uuid()) or Named(line.uuid())
    rng.extra = {
        "concept": ident,
        "criteria": line.get("criteria"),
        **{
            k: line.double(h)
            for k, h in (
                ("hi_absolute", "absolute high"),
                ("low_absolute", "absolute low"),
                ("hi_critical", "critical high"),
                ("low_critical", "critical low"),
                ("hi_normal", "normal high"),
                ("low_normal", "normal low"),
            )
        },
    }
    _save(db.reference_ranges, rng, line)


def _concept_uuid(db: Database, ident: str | None) -> str | None:
    c = db.fetch_concept(ident)
    return c.uuid if c else None


def load_drugs(db: Database, line: Line) -> None:
    uuid = line.uuid()
    drug = (
        db.by_uuid(db.drugs, uuid)
        or db.by_name(db.drugs, line.get("name", required=True))
        or Named(uuid)
    )
    if line.retired() and drug in db.drugs:
        drug.retired = True
        return
    concept = _concept_uuid(db, line.get("concept drug"))
    if concept is None:
        raise RowError("no drug concept")
    drug.name = line.get("name", required=True)
    drug.extra = {
        "concept": concept,
        "dosage_form": _concept_uuid(db, line.get("concept dosage form")),
        "strength": line.get("strength") or "",
    }
    _save(db.drugs, drug, line)


def load_programs(db: Database, line: Line) -> None:
    uuid = line.uuid()
    ident = uuid or line.get("name") or line.get("program concept")
    prog = (
        next((p for p in db.programs if p.name == ident), None)
        or db.by_uuid(db.programs, ident)
        or Named(uuid)
    )
    concept = db.fetch_concept(line.get("program concept"))
    if concept is None:
        raise RowError("no program concept")
    prog.name = line.get("name") or _default_name(concept, "en")
    prog.description = line.get("description")
    prog.extra = {
        "concept": concept.uuid,
        "outcomes": _concept_uuid(db, line.get("outcomes concept")),
    }
    _save(db.programs, prog, line)


def load_programworkflows(db: Database, line: Line) -> None:
    wf = db.by_uuid(db.workflows, line.uuid()) or Named(line.uuid())
    concept = db.fetch_concept(line.get("workflow concept"))
    if concept is None:
        raise RowError("no workflow concept")
    ident = line.get("program", required=True)
    prog = next((p for p in db.programs if p.name == ident), None) or db.by_uuid(db.programs, ident)
    if prog is None:
        raise RowError("no program")
    wf.extra = {"program": prog.uuid, "concept": concept.uuid}
    _save(db.workflows, wf, line)


def load_programworkflowstates(db: Database, line: Line) -> None:
    state = db.by_uuid(db.states, line.uuid()) or Named(line.uuid())
    concept = db.fetch_concept(line.get("state concept"))
    if concept is None:
        raise RowError("no state concept")
    wf = db.by_uuid(db.workflows, line.get("workflow", required=True))
    if wf is None:
        raise RowError("no workflow")
    state.extra = {
        "workflow": wf.uuid,
        "concept": concept.uuid,
        "initial": to_boolean(line.get("initial", required=True)),
        "terminal": to_boolean(line.get("terminal", required=True)),
    }
    _save(db.states, state, line)


def load_personattributetypes(db: Database, line: Line) -> None:
    uuid, name = line.uuid(), line.get("name")
    pat = db.by_uuid(db.person_attribute_types, uuid)
    if pat is None and not uuid and name:
        pat = db.by_name(db.person_attribute_types, name)
    pat = pat or Named(uuid)
    pat.name, pat.description = name, line.get("description")
    foreign = line.get("foreign uuid")
    pat.extra = {
        "format": line.get("format"),
        "searchable": to_boolean(line.get("searchable")),
        "foreign": foreign if foreign and foreign in db.concepts else None,
        "edit_privilege": line.get("edit privilege"),
    }
    _save(db.person_attribute_types, pat, line)


def load_orderfrequencies(db: Database, line: Line) -> None:
    freq = db.by_uuid(db.order_frequencies, line.uuid()) or Named(line.uuid())
    freq.extra = {
        "concept": _concept_uuid(db, line.get("concept frequency")),
        "per_day": line.double("frequency per day"),
    }
    _save(db.order_frequencies, freq, line)


def load_appointmentspecialities(db: Database, line: Line) -> None:
    spec = (
        db.by_uuid(db.specialities, line.uuid())
        or db.by_name(db.specialities, line.get("name", required=True))
        or Named(line.uuid())
    )
    spec.name = line.get("name", required=True)
    _save(db.specialities, spec, line)


def _time(text: str | None) -> str | None:
    """CsvLine.getSqlTime: java.sql.Time.valueOf(value + ":00")."""
    if text is None:
        return None
    parts = (text + ":00").split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise RowError(f"bad time {text}")
    return f"{int(parts[0]):02d}:{parts[1]}:{parts[2]}"


def load_appointmentservicedefinitions(db: Database, line: Line) -> None:
    name = line.get("name", required=True)
    svc = (
        db.by_uuid(db.service_definitions, line.uuid())
        or db.by_name(db.service_definitions, name)
        or Named(line.uuid())
    )
    svc.name, svc.description = name, line.get("description")
    speciality = line.get("speciality")
    location = line.get("location")
    svc.extra = {
        "duration": line.int("duration"),
        "start": _time(line.get("start time")),
        "end": _time(line.get("end time")),
        "max_load": line.int("max load"),
        "colour": line.get("label colour"),
        "speciality": (db.fetch(db.specialities, speciality) or Named(None)).uuid
        if speciality
        else None,
        "location": (db.fetch(db.locations, location) or Named(None)).uuid if location else None,
    }
    _save(db.service_definitions, svc, line)


LOADERS = {
    "conceptclasses": load_conceptclasses,
    "conceptsources": load_conceptsources,
    "visittypes": _simple("visit_types", True, exact=True),
    "relationshiptypes": load_relationshiptypes,
    "locationtags": _simple("location_tags", False),
    "privileges": load_privileges,
    "encountertypes": load_encountertypes,
    "roles": load_roles,
    "attributetypes": load_attributetypes,
    "locations": load_locations,
    "concepts": load_concepts,
    "conceptreferencerange": load_conceptreferencerange,
    "programs": load_programs,
    "programworkflows": load_programworkflows,
    "programworkflowstates": load_programworkflowstates,
    "personattributetypes": load_personattributetypes,
    "drugs": load_drugs,
    "orderfrequencies": load_orderfrequencies,
    "appointmentspecialities": load_appointmentspecialities,
    "appointmentservicedefinitions": load_appointmentservicedefinitions,
}


def load(config: Path, db: Database | None = None) -> Database:
    """Load a configuration folder as Initializer would, into `db` (a fresh one by default)."""
    db = db or Database()
    for domain in DOMAIN_ORDER:
        folder = config / domain
        if not folder.is_dir():
            continue
        files = []
        for dirpath, _dirs, names in os.walk(folder):
            for n in names:
                if n.lower().endswith(".csv"):
                    path = Path(dirpath, n)
                    header, rows = read_csv(path)
                    files.append((file_order(path, header), path, header, rows))
        for _order, path, header, rows in sorted(files, key=lambda f: f[0]):
            remaining = rows
            failing: list[tuple[list, str]] = []
            while remaining:
                failing = []
                for row in remaining:
                    try:
                        LOADERS[domain](db, Line(header, row))
                    except (RowError, ValueError) as exc:
                        failing.append((row, str(exc)))
                if len(failing) == len(remaining):
                    break
                remaining = [r for r, _ in failing]
            db.failures.extend((path.name, why) for _row, why in failing)
    return db
