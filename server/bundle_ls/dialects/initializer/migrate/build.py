"""From table records to entities: the joins across files, the references, every row's outcome.

Rules that decide whether a row can be written come from what Initializer's loaders and
OpenMRS's validators accept (cited where they apply); a row that would fail to load, or
would silently become something else, is reported as not migrated instead of written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import core
from .dbunit import Record, Tables
from .ledger import Ledger
from .model import (
    ADDRESS_FIELDS,
    NUMERIC_FIELDS,
    AppointmentServiceDefinition,
    AppointmentSpeciality,
    AttributeType,
    Concept,
    ConceptClass,
    ConceptName,
    ConceptReferenceRange,
    ConceptSource,
    Drug,
    EncounterType,
    Entity,
    Location,
    LocationTag,
    Mapping,
    Model,
    Numeric,
    OrderFrequency,
    PersonAttributeType,
    Privilege,
    Program,
    ProgramWorkflow,
    ProgramWorkflowState,
    RelationshipType,
    Role,
    VisitType,
)

# Columns OpenMRS fills itself (audit) or Initializer sets on its own (retire reasons).
BOOKKEEPING = frozenset(
    {
        "creator",
        "date_created",
        "changed_by",
        "date_changed",
        "retired_by",
        "date_retired",
        "retire_reason",
        "voided_by",
        "date_voided",
        "void_reason",
    }
)

TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
# Initializer's CsvLine.getUuid soft check: 36 characters, or one of two legacy CIEL ids.
LEGACY_UUIDS = frozenset({"5089AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "5090AAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
# Characters that split a cell of a list column (`;`) or a SOURCE:CODE mapping (`:`).
LIST_SEPARATOR = ";"

EXTERNAL_CIEL = "ciel"


@dataclass(frozen=True, slots=True)
class Options:
    # How to refer to a concept id the datasets do not define: None (do not), or "ciel"
    # (the CIEL dictionary loaded with its own ids: uuid `<id>` padded with `A` to 36).
    external_concepts: str | None = None


def truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() in TRUE_WORDS


def uuid_problem(uuid: str | None) -> tuple[str, str] | None:
    """Why Initializer would not take this uuid, as (reason, detail); None when it would."""
    if uuid is None:
        return "no uuid (migrate never invents one)", ""
    if len(uuid) != 36 and uuid not in LEGACY_UUIDS:
        return (
            "its uuid fails Initializer's uuid check (36 characters)",
            f"uuid={uuid} ({len(uuid)} characters)",
        )
    return None


def _id_order(key: tuple[str, ...]) -> tuple:
    return tuple((0, int(k), "") if k.isdigit() else (1, 0, k) for k in key)


def _weight(value: str | None) -> float:
    try:
        return float(value) if value is not None else float("inf")
    except ValueError:
        return float("inf")


class Builder:
    def __init__(self, tables: Tables, ledger: Ledger, options: Options) -> None:
        self.tables = tables
        self.ledger = ledger
        self.options = options
        self.model = Model()
        self.concepts: dict[str, Concept] = {}  # concept_id -> written concept
        self.concept_failed: dict[str, str] = {}  # concept_id -> why it is not migrated
        self.classes: dict[str, ConceptClass] = {}  # concept_class_id -> written class
        self.sources: dict[str, ConceptSource] = {}  # concept_source_id -> written source
        self.privileges: dict[str, Privilege] = {}  # name -> written privilege
        self.roles: dict[str, Role] = {}
        self.programs: dict[str, Program] = {}  # program_id -> written program
        self.workflows: dict[str, ProgramWorkflow] = {}
        self.location_tags: dict[str, LocationTag] = {}  # location_tag_id -> written tag
        self.locations: dict[str, Location] = {}
        self.specialities: dict[str, AppointmentSpeciality] = {}
        self.external_concepts: set[str] = set()
        self.external_privileges: set[str] = set()
        self.external_roles: set[str] = set()

    # ---- helpers ---------------------------------------------------------------------

    def records(self, table: str) -> list[Record]:
        return sorted(self.tables.table(table).values(), key=lambda r: _id_order(r.key))

    def fail(self, record: Record, reason: str, detail: str = "") -> None:
        self.ledger.not_migrated(record.row, reason, detail)

    def uncarried(self, record: Record, carried: Iterable[str]) -> None:
        """Note every non-empty column that no Initializer column carries."""
        skip = BOOKKEEPING | set(carried) | {"uuid"}
        for column in sorted(record.values):
            if column not in skip and record.get(column) is not None:
                self.ledger.note(
                    record.row,
                    f"{record.table}.{column} is not written (no Initializer column reads it)",
                    f"{record.key_text}: {column}={record.get(column)}",
                )

    def entity_base(self, record: Record) -> tuple[str, bool] | None:
        """The uuid and retired flag of a record, or None after reporting a uuid problem."""
        uuid = record.get("uuid")
        problem = uuid_problem(uuid)
        if problem is not None:
            self.fail(record, *problem)
            return None
        if record.values.get("uuid") != uuid:
            self.ledger.note(
                record.row,
                "uuid written without its surrounding spaces (Initializer trims every cell)",
                f"{record.key_text}: '{record.values.get('uuid')}'",
            )
        retired = truthy(record.get("retired")) or truthy(record.get("voided"))
        return uuid, retired  # type: ignore[return-value]

    def concept_ref(self, concept_id: str | None, column: str) -> tuple[str | None, str, str]:
        """(uuid, reason, detail): the uuid Initializer finds the concept by, or why there is none."""
        if concept_id is None:
            return None, f"no {column}", ""
        concept = self.concepts.get(concept_id)
        if concept is not None:
            return concept.uuid, "", ""
        if concept_id in self.concept_failed:
            return (
                None,
                f"its {column} is a concept that is not migrated",
                f"{column}={concept_id} ({self.concept_failed[concept_id]})",
            )
        if self.options.external_concepts == EXTERNAL_CIEL and concept_id.isdigit():
            self.external_concepts.add(concept_id)
            return concept_id + "A" * (36 - len(concept_id)), "", ""
        return (
            None,
            f"its {column} is a concept the datasets do not define",
            f"{column}={concept_id}",
        )

    def written(self, entity: Entity, record: Record, domain: str) -> None:
        entity.rows.insert(0, record.row)
        self.model.add(domain, entity)

    # ---- the build -------------------------------------------------------------------

    def build(self) -> Model:
        self.build_concept_classes()
        self.build_concept_sources()
        self.build_concepts()
        self.build_reference_ranges()
        self.build_drugs()
        self.build_privileges_and_roles()
        self.build_programs()
        self.build_attribute_types()
        self.build_visit_types()
        self.build_encounter_types()
        self.build_relationship_types()
        self.build_person_attribute_types()
        self.build_order_frequencies()
        self.build_locations()
        self.build_appointments()
        self.build_no_domain()
        self.one_entity_per_uuid()
        return self.model

    def one_entity_per_uuid(self) -> None:
        """The same uuid under two ids (two tables' worth of rows, a dataset and a package)
        would be two rows of one entity in Initializer: the one loaded last is written."""
        for domain, entities in self.model.domains.items():
            groups: dict[str, list[Entity]] = {}
            for entity in entities:
                groups.setdefault(entity.uuid.lower(), []).append(entity)
            dropped: set[int] = set()
            for group in groups.values():
                if len(group) < 2:
                    continue
                group.sort(key=lambda e: e.rows[0].seq)
                kept = group[-1]
                for entity in group[:-1]:
                    dropped.add(id(entity))
                    for row in entity.rows:
                        self.ledger.retract(
                            row,
                            "its uuid is defined again by a later row under another id (the later one is written)",
                            f"uuid={entity.uuid}, again at {kept.rows[0].where}",
                        )
            self.model.domains[domain] = [e for e in entities if id(e) not in dropped]

    # concept classes, sources ------------------------------------------------------------

    def build_concept_classes(self) -> None:
        for record in self.records("concept_class"):
            base = self.entity_base(record)
            if base is None:
                continue
            name = record.get("name")
            if name is None:
                self.fail(record, "no name")
                continue
            taken = next((c for c in self.classes.values() if c.name.lower() == name.lower()), None)
            if taken is not None:
                # Initializer finds the class by name and overwrites it; concepts that name
                # this class get that one, which has the same name
                self.fail(
                    record,
                    "another concept class has the same name (Initializer would find that one by name and overwrite it)",
                    f"{record.key_text} '{name}'",
                )
                self.classes[record.key[0]] = taken
                continue
            cls = ConceptClass(base[0], base[1], name=name, description=record.get("description"))
            self.uncarried(record, {"concept_class_id", "name", "description", "retired"})
            self.classes[record.key[0]] = cls
            self.written(cls, record, "conceptclasses")

    def build_concept_sources(self) -> None:
        for record in self.records("concept_reference_source"):
            base = self.entity_base(record)
            if base is None:
                continue
            name = record.get("name")
            if name is None:
                self.fail(record, "no name")
                continue
            taken = next((c for c in self.sources.values() if c.name.lower() == name.lower()), None)
            if taken is not None:
                self.fail(
                    record,
                    "another concept source has the same name (Initializer would find that one by name and overwrite it)",
                    f"{record.key_text} '{name}'",
                )
                self.sources[record.key[0]] = taken
                continue
            source = ConceptSource(
                base[0],
                base[1],
                name=name,
                description=record.get("description"),
                hl7_code=record.get("hl7_code"),
                unique_id=record.get("unique_id"),
            )
            self.uncarried(
                record,
                {"concept_source_id", "name", "description", "hl7_code", "unique_id", "retired"},
            )
            self.sources[record.key[0]] = source
            self.written(source, record, "conceptsources")

    # concepts --------------------------------------------------------------------------

    def _class_name(self, class_id: str | None) -> tuple[str | None, str, str]:
        if class_id is None:
            return None, "no class_id", ""
        if class_id in self.classes:
            return self.classes[class_id].name, "", ""
        if self.tables.find("concept_class", class_id) is not None:
            return None, "its concept class is not migrated", f"class_id={class_id}"
        if class_id in core.CONCEPT_CLASSES:
            return core.CONCEPT_CLASSES[class_id], "", ""
        return (
            None,
            "its class_id is defined neither by the datasets nor by OpenMRS core",
            f"class_id={class_id}",
        )

    def _datatype_name(self, datatype_id: str | None) -> tuple[str | None, str, str]:
        if datatype_id is None:
            return None, "no datatype_id", ""
        record = self.tables.find("concept_datatype", datatype_id)
        if record is not None and record.get("name"):
            return record.get("name"), "", ""
        if datatype_id in core.DATATYPES:
            return core.DATATYPES[datatype_id], "", ""
        return (
            None,
            "its datatype_id is defined neither by the datasets nor by OpenMRS core",
            f"datatype_id={datatype_id}",
        )

    def _group(self, table: str, column: str) -> dict[str, list[Record]]:
        groups: dict[str, list[Record]] = {}
        for record in self.records(table):
            value = record.get(column)
            if value is not None:
                groups.setdefault(value, []).append(record)
            else:
                self.fail(record, f"no {column}")
        return groups

    def _orphans(self, groups: dict[str, list[Record]], column: str) -> None:
        """Rows that hang off a concept the datasets do not define or that is not migrated."""
        for concept_id, records in groups.items():
            if concept_id in self.concepts:
                continue
            for record in records:
                if concept_id in self.concept_failed:
                    self.fail(
                        record,
                        "its concept is not migrated",
                        f"{column}={concept_id} ({self.concept_failed[concept_id]})",
                    )
                else:
                    self.fail(
                        record,
                        "its concept is one the datasets do not define",
                        f"{column}={concept_id}",
                    )

    def _names(
        self, records: list[Record]
    ) -> tuple[list[tuple[ConceptName, Record]], list[tuple[Record, str, str]]]:
        """The names a concept row can carry, and the name rows it cannot (with why).

        OpenMRS's ConceptValidator allows one fully specified and one short name per locale,
        no two non-short names with the same text in a locale, and no preferred short name;
        Initializer reads fully specified names, short names and synonyms (no index terms).
        """
        kept: list[tuple[ConceptName, Record]] = []
        dropped: list[tuple[Record, str, str]] = []
        kinds = {"FULLY_SPECIFIED": 0, None: 1, "SHORT": 2, "INDEX_TERM": 3}
        ordered = sorted(
            records,
            key=lambda r: (
                kinds.get((r.get("concept_name_type") or "").upper() or None, 4),
                _id_order(r.key),
            ),
        )
        seen = _NamesSeen()
        for record in ordered:
            kind = (record.get("concept_name_type") or "").upper() or "SYNONYM"
            text, locale = record.get("name"), record.get("locale")
            detail = f"concept_name_id={record.key[0]} '{text}' ({locale})"
            why = _name_problem(record, kind, text, locale, seen)
            if why == UNWRITABLE_NAME_TYPE:
                dropped.append((record, why, f"{detail}, concept_name_type={kind}"))
            elif why is not None:
                dropped.append((record, why, detail))
            else:
                kept.append((self._keep_name(record, kind, text, locale, seen, detail), record))
        return kept, dropped

    def _keep_name(
        self, record: Record, kind: str, text: str, locale: str, seen: _NamesSeen, detail: str
    ) -> ConceptName:
        preferred = truthy(record.get("locale_preferred"))
        if preferred and (kind == "SHORT" or locale in seen.preferred):
            why = "a short name" if kind == "SHORT" else "a second preferred name in the locale"
            self.ledger.note(
                record.row,
                f"written as not preferred: {why} cannot be preferred (OpenMRS rejects it)",
                detail,
            )
            preferred = False
        if preferred:
            seen.preferred.add(locale)
        if kind == "FULLY_SPECIFIED":
            seen.fsn.add(locale)
        elif kind == "SHORT":
            seen.short.add(locale)
        if kind != "SHORT":
            seen.texts.add((locale, text.lower()))
        if record.values.get("uuid") not in (None, record.get("uuid")):
            self.ledger.note(
                record.row,
                "uuid written without its surrounding spaces (Initializer trims every cell)",
                detail,
            )
        return ConceptName(text, locale, kind, preferred, record.get("uuid"))

    def build_concepts(self) -> None:
        names = self._group("concept_name", "concept_id")
        candidates = []
        for record in self.records("concept"):
            candidate = self._concept(record, names)
            if candidate is not None:
                candidates.append(candidate)
        self._unique_default_names(candidates)
        for cid, records in names.items():
            concept = self.concepts.get(cid)
            if concept is None:
                self._orphans({cid: records}, "concept_id")
        for concept, record, kept, dropped in candidates:
            self._write_concept(concept, record, kept, dropped)
        self._descriptions()
        self._numerics()
        self._complex()
        self._answers_and_members()
        self._mappings()

    def _concept(self, record: Record, names: dict[str, list[Record]]) -> tuple | None:
        """A concept row's concept with the names it keeps and drops, or None after
        recording why it is not migrated."""
        cid = record.key[0]
        base = self.entity_base(record)
        if base is None:
            self.concept_failed[cid] = self.ledger.outcomes[record.row.seq].reason
            return None
        class_name, reason, detail = self._class_name(record.get("class_id"))
        datatype, reason2, detail2 = self._datatype_name(record.get("datatype_id"))
        kept, dropped = self._names(names.get(cid, []))
        if class_name is None or datatype is None:
            why, what = (reason, detail) if class_name is None else (reason2, detail2)
        elif not base[1] and not any(n.kind == "FULLY_SPECIFIED" for n, _ in kept):
            why, what = "no fully specified name the datasets define", ""
        else:
            if not kept:
                # A retired concept without names: the dataset retires a concept that
                # exists elsewhere. Initializer only retires an existing concept on a
                # retired row (CsvParser.shouldFill), so the row does just that.
                self.ledger.note(
                    record.row,
                    "written as a retire-only row: without names it can only retire a concept that already exists (Initializer fails the row otherwise)",
                    f"concept_id={cid}",
                )
            concept = Concept(
                base[0],
                base[1],
                concept_id=cid,
                concept_class=class_name,
                datatype=datatype,
                version=record.get("version"),
                names=[n for n, _ in kept],
            )
            return concept, record, kept, dropped
        self.concept_failed[cid] = why
        self.fail(record, why, f"concept_id={cid}" + (f", {what}" if what else ""))
        return None

    def _write_concept(self, concept: Concept, record: Record, kept: list, dropped: list) -> None:
        if concept.concept_id not in self.concepts:
            return
        for _name, name_record in kept:
            self.ledger.written(name_record.row)
            concept.rows.append(name_record.row)
        for name_record, why, detail in dropped:
            self.ledger.not_migrated(name_record.row, why, detail)
        for locale in sorted({n.locale for n in concept.names}):
            in_locale = [n for n in concept.names if n.locale == locale]
            if not any(n.preferred for n in in_locale) and any(
                n.kind != "SHORT" for n in in_locale
            ):
                self.ledger.note(
                    record.row,
                    "no preferred name in a locale: Initializer marks the fully specified name (or first synonym) preferred",
                    f"concept_id={concept.concept_id} ({locale})",
                )
        legacy = [c for c in ("short_name", "description", "form_text") if record.get(c)]
        for column in legacy:
            self.ledger.note(
                record.row,
                f"concept.{column} is not written (a legacy column OpenMRS 2.x does not map)",
                f"concept_id={concept.concept_id}",
            )
        carried = {
            "concept_id",
            "class_id",
            "datatype_id",
            "version",
            "retired",
            "is_set",
            "short_name",
            "description",
            "form_text",
        }
        self.uncarried(record, carried)
        self.written(concept, record, "concepts")

    def _unique_default_names(self, candidates: list) -> None:
        """OpenMRS rejects a concept whose default name (the preferred name, else the fully
        specified one) in a locale is the default name of another unretired concept
        (HibernateConceptDAO.isConceptNameDuplicate); the lowest concept_id keeps the name."""
        owners: dict[tuple[str, str], Concept] = {}
        for concept, record, _kept, _dropped in candidates:
            clash = None
            defaults = []
            if not concept.retired:
                for locale in sorted({n.locale for n in concept.names}):
                    in_locale = [
                        n for n in concept.names if n.locale == locale and n.kind != "SHORT"
                    ]
                    pick = next((n for n in in_locale if n.preferred), None) or next(
                        (n for n in in_locale if n.kind == "FULLY_SPECIFIED"), None
                    )
                    if pick is not None:
                        defaults.append((locale, pick.name.lower()))
                clash = next((owners[d] for d in defaults if d in owners), None)
            if clash is not None:
                why = "its preferred name is the preferred name of another concept (OpenMRS rejects duplicate names)"
                self.concept_failed[concept.concept_id] = why
                self.fail(
                    record,
                    why,
                    f"concept_id={concept.concept_id} '{concept.fully_specified()}', as concept_id={clash.concept_id}",
                )
                continue
            for d in defaults:
                owners[d] = concept
            self.concepts[concept.concept_id] = concept

    def _descriptions(self) -> None:
        groups = self._group("concept_description", "concept_id")
        self._orphans(groups, "concept_id")
        for cid, records in groups.items():
            concept = self.concepts.get(cid)
            if concept is None:
                continue
            for record in records:
                locale, text = record.get("locale"), record.get("description")
                detail = f"concept_description_id={record.key[0]} ({locale})"
                if locale is None or text is None:
                    self.fail(record, "a description without text or locale", detail)
                elif locale in concept.descriptions:
                    self.fail(
                        record,
                        "a second description in the locale (one Description:<locale> column)",
                        detail,
                    )
                else:
                    concept.descriptions[locale] = text
                    self.ledger.written(record.row)
                    concept.rows.append(record.row)

    def _numerics(self) -> None:
        groups = {r.key[0]: [r] for r in self.records("concept_numeric")}
        self._orphans(groups, "concept_id")
        for cid, (record,) in groups.items():
            concept = self.concepts.get(cid)
            if concept is None:
                continue
            if concept.datatype != "Numeric":
                self.fail(
                    record,
                    "a numeric row of a concept whose datatype is not Numeric (Initializer reads numeric columns only for Numeric)",
                    f"concept_id={cid} ({concept.datatype})",
                )
                continue
            allow = record.get("allow_decimal")
            if allow is None:
                allow = record.get("precise")  # OpenMRS 1.x name of the same column
            numeric = Numeric(
                **{f: record.get(f) for f in NUMERIC_FIELDS},
                units=record.get("units"),
                allow_decimal=None if allow is None else truthy(allow),
                display_precision=record.get("display_precision"),
            )
            concept.numeric = numeric
            self.uncarried(
                record,
                {
                    "concept_id",
                    *NUMERIC_FIELDS,
                    "units",
                    "allow_decimal",
                    "precise",
                    "display_precision",
                },
            )
            self.ledger.written(record.row)
            concept.rows.append(record.row)

    def _complex(self) -> None:
        groups = {r.key[0]: [r] for r in self.records("concept_complex")}
        self._orphans(groups, "concept_id")
        for cid, (record,) in groups.items():
            concept = self.concepts.get(cid)
            if concept is None:
                continue
            if concept.datatype != "Complex":
                self.fail(
                    record,
                    "a complex row of a concept whose datatype is not Complex",
                    f"concept_id={cid}",
                )
                continue
            concept.complex_handler = record.get("handler")
            self.ledger.written(record.row)
            concept.rows.append(record.row)

    def _answers_and_members(self) -> None:
        edges: dict[
            str, list[tuple[str, str, Record]]
        ] = {}  # concept_id -> (kind, target uuid, row)
        self._answer_edges(edges)
        self._member_edges(edges)
        by_uuid = {c.uuid: cid for cid, c in self.concepts.items()}
        graph = {
            cid: [(by_uuid[t], r) for _k, t, r in es if t in by_uuid] for cid, es in edges.items()
        }
        cyclic = _cycle_edges(sorted(self.concepts, key=lambda c: _id_order((c,))), graph)
        for cid in sorted(edges, key=lambda c: _id_order((c,))):
            concept = self.concepts[cid]
            for kind, target, record in edges[cid]:
                if record.row.seq in cyclic:
                    self.fail(
                        record,
                        "closes a cycle of answers and set members (Initializer could load none of its rows)",
                        f"{record.table} {record.key_text}",
                    )
                    continue
                (concept.answers if kind == "answer" else concept.members).append(target)
                self.ledger.written(record.row)
                concept.rows.append(record.row)
        self._set_notes()

    def _answer_edges(self, edges: dict[str, list[tuple[str, str, Record]]]) -> None:
        answers = self._group("concept_answer", "concept_id")
        self._orphans(answers, "concept_id")
        for cid, records in answers.items():
            if cid not in self.concepts:
                continue
            records.sort(key=lambda r: (_weight(r.get("sort_weight")), _id_order(r.key)))
            for record in records:
                if record.get("answer_drug") is not None:
                    self.fail(
                        record,
                        "an answer_drug (Initializer's Answers column takes concepts only)",
                        f"concept_answer_id={record.key[0]}, answer_drug={record.get('answer_drug')}",
                    )
                    continue
                target, reason, detail = self.concept_ref(
                    record.get("answer_concept"), "answer_concept"
                )
                if target is None:
                    self.fail(
                        record, reason, f"concept_answer_id={record.key[0]}, {detail}".rstrip(", ")
                    )
                elif target == self.concepts[cid].uuid:
                    self.fail(
                        record,
                        "a concept that answers itself (OpenMRS rejects it)",
                        f"concept_id={cid}",
                    )
                else:
                    edges.setdefault(cid, []).append(("answer", target, record))

    def _member_edges(self, edges: dict[str, list[tuple[str, str, Record]]]) -> None:
        members = self._group("concept_set", "concept_set")
        self._orphans(members, "concept_set")
        for cid, records in members.items():
            if cid not in self.concepts:
                continue
            records.sort(key=lambda r: (_weight(r.get("sort_weight")), _id_order(r.key)))
            for record in records:
                target, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
                if target is None:
                    self.fail(
                        record,
                        f"member: {reason}",
                        f"concept_set_id={record.key[0]}, {detail}".rstrip(", "),
                    )
                elif target == self.concepts[cid].uuid:
                    self.fail(
                        record,
                        "a set that is its own member (Initializer cannot load it)",
                        f"concept_set={cid}",
                    )
                else:
                    edges.setdefault(cid, []).append(("member", target, record))

    def _set_notes(self) -> None:
        """A concept becomes a set exactly when Initializer writes members for it."""
        for cid, concept in self.concepts.items():
            record = self.tables.find("concept", cid)
            is_set = truthy(record.get("is_set")) if record else False
            if is_set and not concept.members:
                self.ledger.note(
                    record.row,
                    "is_set is lost: Initializer marks a concept as a set only when it writes members",
                    f"concept_id={cid}",
                )
            elif concept.members and not is_set:
                self.ledger.note(
                    record.row,
                    "becomes a set: Initializer marks a concept with members as a set",
                    f"concept_id={cid}",
                )

    def _map_type(self, map_type_id: str | None) -> tuple[str | None, str, str]:
        if map_type_id is None:
            return None, "no concept_map_type_id", ""
        record = self.tables.find("concept_map_type", map_type_id)
        if record is not None and record.get("name"):
            return record.get("name"), "", ""
        if map_type_id in core.MAP_TYPES:
            return core.MAP_TYPES[map_type_id], "", ""
        return (
            None,
            "its concept_map_type_id is defined neither by the datasets nor by OpenMRS core",
            f"concept_map_type_id={map_type_id}",
        )

    def _mappings(self) -> None:
        groups = self._group("concept_reference_map", "concept_id")
        self._orphans(groups, "concept_id")
        used_terms: set[str] = set()
        for cid, records in groups.items():
            concept = self.concepts.get(cid)
            if concept is None:
                continue
            mapped: set[tuple[str, str]] = set()
            for record in records:
                detail = f"concept_map_id={record.key[0]}"
                term_id = record.get("concept_reference_term_id")
                term = self.tables.find("concept_reference_term", term_id) if term_id else None
                map_type, reason, what = self._map_type(record.get("concept_map_type_id"))
                if term is None:
                    self.fail(
                        record,
                        "its reference term is one the datasets do not define",
                        f"{detail}, concept_reference_term_id={term_id}",
                    )
                    continue
                source_id = term.get("concept_source_id")
                source = self.sources.get(source_id or "")
                code = term.get("code")
                if map_type is None:
                    self.fail(record, reason, f"{detail}, {what}")
                elif source is None:
                    why = (
                        "its reference term's source is not migrated"
                        if self.tables.find("concept_reference_source", source_id or "")
                        else "its reference term's source is one the datasets do not define"
                    )
                    self.fail(record, why, f"{detail}, concept_source_id={source_id}")
                elif code is None:
                    self.fail(record, "its reference term has no code", detail)
                elif any(c in text for text in (code, source.name) for c in ":;"):
                    self.fail(
                        record,
                        "a source name or code with ':' or ';' cannot be written as SOURCE:CODE",
                        f"{detail}, {source.name}:{code}",
                    )
                elif "|" in map_type:
                    self.fail(
                        record,
                        "a map type name with '|' cannot be written in a Mappings| header",
                        f"{detail}, {map_type}",
                    )
                elif (source.name.lower(), code.lower()) in mapped:
                    self.fail(
                        record,
                        "the same reference term mapped twice to the concept (OpenMRS rejects it)",
                        f"{detail}, {source.name}:{code}",
                    )
                else:
                    mapped.add((source.name.lower(), code.lower()))
                    concept.mappings.append(Mapping(map_type, source.name, code))
                    used_terms.add(term.key[0])
                    self.ledger.written(record.row)
                    concept.rows.append(record.row)
        for term in self.records("concept_reference_term"):
            if term.key[0] in used_terms:
                self.ledger.written(term.row)
            else:
                self.fail(
                    term,
                    "no migrated mapping uses it (Initializer has no reference-term domain: terms are created from mappings)",
                    f"concept_reference_term_id={term.key[0]}",
                )

    def build_reference_ranges(self) -> None:
        for record in self.records("concept_reference_range"):
            target, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            concept = self.concepts.get(record.get("concept_id") or "")
            if target is None:
                self.fail(record, reason, detail)
                continue
            if concept is not None and concept.datatype != "Numeric":
                self.fail(record, "a reference range of a concept that is not Numeric", detail)
                continue
            base = self.entity_base(record)
            if base is None:
                continue
            rng = ConceptReferenceRange(
                base[0],
                False,
                concept=target,
                criteria=record.get("criteria"),
                **{f: record.get(f) for f in NUMERIC_FIELDS},
            )
            self.uncarried(
                record, {"concept_reference_range_id", "concept_id", "criteria", *NUMERIC_FIELDS}
            )
            self.written(rng, record, "conceptreferencerange")

    # drugs -----------------------------------------------------------------------------

    def build_drugs(self) -> None:
        names: dict[str, Record] = {}
        for record in self.records("drug"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name (Initializer requires it)")
                continue
            concept, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            if concept is None:
                self.fail(record, reason, f"drug_id={record.key[0]}, {detail}")
                continue
            if name.lower() in names:
                self.fail(
                    record,
                    "another drug has the same name (Initializer would find that drug by name and overwrite it)",
                    f"drug_id={record.key[0]} '{name}', as drug_id={names[name.lower()].key[0]}",
                )
                continue
            base = self.entity_base(record)
            if base is None:
                continue
            names[name.lower()] = record
            form = None
            if record.get("dosage_form") is not None:
                form, reason, detail = self.concept_ref(record.get("dosage_form"), "dosage_form")
                if form is None:
                    self.ledger.note(
                        record.row,
                        f"dosage form not written: {reason}",
                        f"drug_id={record.key[0]}, {detail}",
                    )
            drug = Drug(
                base[0],
                base[1],
                name=name,
                concept=concept,
                dosage_form=form,
                strength=record.get("strength"),
            )
            carried = {"drug_id", "name", "concept_id", "dosage_form", "strength", "retired"}
            if not truthy(record.get("combination")):
                carried.add("combination")  # false is also what Initializer leaves
            self.uncarried(record, carried)
            self.written(drug, record, "drugs")

    # privileges and roles --------------------------------------------------------------

    def build_privileges_and_roles(self) -> None:
        for record in self.records("privilege"):
            base = self.entity_base(record)
            if base is None:
                continue
            priv = Privilege(
                base[0], False, name=record.key[0], description=record.get("description")
            )
            self.uncarried(record, {"privilege", "description"})
            self.privileges[priv.name] = priv
            self.written(priv, record, "privileges")
        for record in self.records("role"):
            base = self.entity_base(record)
            if base is None:
                continue
            role = Role(base[0], False, name=record.key[0], description=record.get("description"))
            self.uncarried(record, {"role", "description"})
            self.roles[role.name] = role
            self.written(role, record, "roles")
        for record in self.records("role_privilege"):
            role_name, priv_name = record.key
            role = self.roles.get(role_name)
            if role is None:
                self.fail(record, *self._missing_role(role_name))
            elif priv_name not in self.privileges and self.tables.find("privilege", priv_name):
                self.fail(record, "its privilege is not migrated", f"privilege={priv_name}")
            elif LIST_SEPARATOR in priv_name:
                self.fail(
                    record,
                    "a privilege name with ';' cannot be written in a Privileges list",
                    priv_name,
                )
            else:
                if priv_name not in self.privileges:
                    self.external_privileges.add(priv_name)
                role.privileges.append(priv_name)
                self.ledger.written(record.row)
                role.rows.append(record.row)
        edges: dict[str, list[tuple[str, Record]]] = {}
        for record in self.records("role_role"):
            parent, child = record.key
            role = self.roles.get(child)
            if role is None:
                self.fail(record, *self._missing_role(child))
            elif parent not in self.roles and self.tables.find("role", parent):
                self.fail(record, "its parent role is not migrated", f"parent_role={parent}")
            elif LIST_SEPARATOR in parent:
                self.fail(
                    record,
                    "a role name with ';' cannot be written in an Inherited roles list",
                    parent,
                )
            elif parent == child:
                self.fail(record, "a role that inherits itself", parent)
            else:
                edges.setdefault(child, []).append((parent, record))
        graph = {c: [(p, r) for p, r in es if p in self.roles] for c, es in edges.items()}
        cyclic = _cycle_edges(sorted(self.roles), graph)
        for child in sorted(edges):
            role = self.roles[child]
            for parent, record in edges[child]:
                if record.row.seq in cyclic:
                    self.fail(
                        record,
                        "closes a cycle of inherited roles (Initializer could load none of its rows)",
                        f"{parent} -> {child}",
                    )
                    continue
                if parent not in self.roles:
                    self.external_roles.add(parent)
                role.inherited_roles.append(parent)
                self.ledger.written(record.row)
                role.rows.append(record.row)

    def _missing_role(self, name: str) -> tuple[str, str]:
        if self.tables.find("role", name):
            return "its role is not migrated", f"role={name}"
        return (
            "its role is one the datasets do not define (a row would replace that role's privileges)",
            f"role={name}",
        )

    # programs --------------------------------------------------------------------------

    def build_programs(self) -> None:
        self._programs()
        self._workflows()
        self._workflow_states()

    def _programs(self) -> None:
        for record in self.records("program"):
            concept, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            if concept is None:
                self.fail(record, reason, f"program_id={record.key[0]}, {detail}")
                continue
            base = self.entity_base(record)
            if base is None:
                continue
            outcomes = None
            if record.get("outcomes_concept_id") is not None:
                outcomes, reason, detail = self.concept_ref(
                    record.get("outcomes_concept_id"), "outcomes_concept_id"
                )
                if outcomes is None:
                    self.ledger.note(record.row, f"outcomes concept not written: {reason}", detail)
            program = Program(
                base[0],
                base[1],
                name=record.get("name"),
                description=record.get("description"),
                concept=concept,
                outcomes_concept=outcomes,
            )
            self.uncarried(
                record,
                {
                    "program_id",
                    "name",
                    "description",
                    "concept_id",
                    "outcomes_concept_id",
                    "retired",
                },
            )
            self.programs[record.key[0]] = program
            self.written(program, record, "programs")

    def _workflows(self) -> None:
        for record in self.records("program_workflow"):
            program = self.programs.get(record.get("program_id") or "")
            concept, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            if program is None:
                self.fail(record, *self._missing("program", record.get("program_id")))
            elif concept is None:
                self.fail(record, reason, detail)
            elif (base := self.entity_base(record)) is not None:
                wf = ProgramWorkflow(base[0], base[1], program=program.uuid, concept=concept)
                self.uncarried(
                    record, {"program_workflow_id", "program_id", "concept_id", "retired"}
                )
                self.workflows[record.key[0]] = wf
                self.written(wf, record, "programworkflows")

    def _workflow_states(self) -> None:
        for record in self.records("program_workflow_state"):
            wf = self.workflows.get(record.get("program_workflow_id") or "")
            concept, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            if wf is None:
                self.fail(
                    record, *self._missing("program_workflow", record.get("program_workflow_id"))
                )
            elif concept is None:
                self.fail(record, reason, detail)
            elif (base := self.entity_base(record)) is not None:
                state = ProgramWorkflowState(
                    base[0],
                    base[1],
                    workflow=wf.uuid,
                    concept=concept,
                    initial=truthy(record.get("initial")),
                    terminal=truthy(record.get("terminal")),
                )
                self.uncarried(
                    record,
                    {
                        "program_workflow_state_id",
                        "program_workflow_id",
                        "concept_id",
                        "initial",
                        "terminal",
                        "retired",
                    },
                )
                self.written(state, record, "programworkflowstates")

    def _missing(self, table: str, key: str | None) -> tuple[str, str]:
        column = f"{table}_id"
        if key is None:
            return f"no {column}", ""
        if self.tables.find(table, key) is not None:
            return f"its {table.replace('_', ' ')} is not migrated", f"{column}={key}"
        return f"its {table.replace('_', ' ')} is one the datasets do not define", f"{column}={key}"

    # simple metadata -------------------------------------------------------------------

    def _unique_names(
        self, domain: str, entities: list[tuple[Entity, Record, str]], fold: bool, why: str
    ) -> None:
        """Write entities in key order; a later one with a name already taken is reported."""
        taken: dict[str, Record] = {}
        for entity, record, name in entities:
            key = name.lower() if fold else name
            if key in taken:
                self.fail(record, why, f"{record.key_text} '{name}', as {taken[key].key_text}")
                continue
            taken[key] = record
            self.written(entity, record, domain)

    def build_attribute_types(self) -> None:
        for table, entity_name in (
            ("location_attribute_type", "Location"),
            ("visit_attribute_type", "Visit"),
            ("provider_attribute_type", "Provider"),
            ("concept_attribute_type", "Concept"),
            ("program_attribute_type", "Program"),
        ):
            found = []
            for record in self.records(table):
                name, datatype = record.get("name"), record.get("datatype")
                if name is None or datatype is None:
                    self.fail(record, "no name or datatype (Initializer requires both)")
                    continue
                base = self.entity_base(record)
                if base is None:
                    continue
                att = AttributeType(
                    base[0],
                    base[1],
                    entity=entity_name,
                    name=name,
                    description=record.get("description"),
                    datatype_classname=datatype,
                    datatype_config=record.get("datatype_config"),
                    preferred_handler=record.get("preferred_handler"),
                    handler_config=record.get("handler_config"),
                    min_occurs=record.get("min_occurs"),
                    max_occurs=record.get("max_occurs"),
                )
                self.uncarried(
                    record,
                    {
                        f"{table}_id",
                        "name",
                        "description",
                        "datatype",
                        "datatype_config",
                        "preferred_handler",
                        "handler_config",
                        "min_occurs",
                        "max_occurs",
                        "retired",
                    },
                )
                found.append((att, record, name))
            self._unique_names(
                "attributetypes",
                found,
                True,
                "another attribute type of the same entity has the same name (Initializer would overwrite it)",
            )

    def build_visit_types(self) -> None:
        found = []
        for record in self.records("visit_type"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name (Initializer requires it)")
            elif (base := self.entity_base(record)) is not None:
                self.uncarried(record, {"visit_type_id", "name", "description", "retired"})
                found.append(
                    (
                        VisitType(
                            base[0], base[1], name=name, description=record.get("description")
                        ),
                        record,
                        name,
                    )
                )
        self._unique_names(
            "visittypes",
            found,
            False,
            "another visit type has the same name (Initializer would overwrite it)",
        )

    def build_encounter_types(self) -> None:
        found = []
        for record in self.records("encounter_type"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name (Initializer requires it)")
                continue
            privileges = {}
            for column in ("view_privilege", "edit_privilege"):
                value = record.get(column)
                if value is not None and value not in self.privileges:
                    if self.tables.find("privilege", value):
                        self.ledger.note(
                            record.row,
                            f"{column} not written: its privilege is not migrated",
                            value,
                        )
                        value = None
                    else:
                        self.external_privileges.add(value)
                privileges[column] = value
            if (base := self.entity_base(record)) is not None:
                self.uncarried(
                    record,
                    {
                        "encounter_type_id",
                        "name",
                        "description",
                        "retired",
                        "view_privilege",
                        "edit_privilege",
                    },
                )
                et = EncounterType(
                    base[0], base[1], name=name, description=record.get("description"), **privileges
                )
                found.append((et, record, name))
        self._unique_names(
            "encountertypes",
            found,
            True,
            "another encounter type has the same name (Initializer would overwrite it)",
        )

    def build_relationship_types(self) -> None:
        for record in self.records("relationship_type"):
            a, b = record.get("a_is_to_b"), record.get("b_is_to_a")
            if a is None or b is None:
                self.fail(record, "no a_is_to_b or b_is_to_a (Initializer requires both)")
            elif (base := self.entity_base(record)) is not None:
                preferred = record.get("preferred")
                rt = RelationshipType(
                    base[0],
                    base[1],
                    a_is_to_b=a,
                    b_is_to_a=b,
                    description=record.get("description"),
                    weight=record.get("weight"),
                    preferred=None if preferred is None else truthy(preferred),
                )
                self.uncarried(
                    record,
                    {
                        "relationship_type_id",
                        "a_is_to_b",
                        "b_is_to_a",
                        "description",
                        "weight",
                        "preferred",
                        "retired",
                    },
                )
                self.written(rt, record, "relationshiptypes")

    def build_person_attribute_types(self) -> None:
        for record in self.records("person_attribute_type"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name")
                continue
            base = self.entity_base(record)
            if base is None:
                continue
            fmt, foreign = record.get("format"), None
            if record.get("foreign_key") is not None:
                if fmt == "org.openmrs.Concept":
                    foreign, reason, detail = self.concept_ref(
                        record.get("foreign_key"), "foreign_key"
                    )
                    if foreign is None:
                        self.ledger.note(record.row, f"foreign key not written: {reason}", detail)
                else:
                    self.ledger.note(
                        record.row,
                        "foreign key not written: Initializer reads a Foreign uuid only for org.openmrs.Concept",
                        f"{fmt}: {record.get('foreign_key')}",
                    )
            edit = record.get("edit_privilege")
            if edit is not None and edit not in self.privileges:
                self.external_privileges.add(edit)
            pat = PersonAttributeType(
                base[0],
                base[1],
                name=name,
                description=record.get("description"),
                format=fmt,
                foreign_uuid=foreign,
                searchable=truthy(record.get("searchable")),
                edit_privilege=edit,
            )
            self.uncarried(
                record,
                {
                    "person_attribute_type_id",
                    "name",
                    "description",
                    "format",
                    "foreign_key",
                    "searchable",
                    "edit_privilege",
                    "retired",
                },
            )
            self.written(pat, record, "personattributetypes")

    def build_order_frequencies(self) -> None:
        for record in self.records("order_frequency"):
            concept, reason, detail = self.concept_ref(record.get("concept_id"), "concept_id")
            if concept is None:
                self.fail(record, reason, f"order_frequency_id={record.key[0]}, {detail}")
            elif (base := self.entity_base(record)) is not None:
                freq = OrderFrequency(
                    base[0],
                    base[1],
                    frequency_per_day=record.get("frequency_per_day"),
                    concept=concept,
                )
                self.uncarried(
                    record, {"order_frequency_id", "concept_id", "frequency_per_day", "retired"}
                )
                self.written(freq, record, "orderfrequencies")

    # locations -------------------------------------------------------------------------

    def build_locations(self) -> None:
        self._location_tags()
        self._parents(self._locations())
        self._tag_maps()

    def _location_tags(self) -> None:
        for record in self.records("location_tag"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name")
            elif (base := self.entity_base(record)) is not None:
                tag = LocationTag(
                    base[0], base[1], name=name, description=record.get("description")
                )
                self.uncarried(record, {"location_tag_id", "name", "description", "retired"})
                self.location_tags[record.key[0]] = tag
                self.written(tag, record, "locationtags")

    def _locations(self) -> dict[str, tuple[str, Record]]:
        """The locations; returns each one's parent location id as the datasets give it."""
        parents: dict[str, tuple[str, Record]] = {}
        for record in self.records("location"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name (Initializer requires it)")
                continue
            base = self.entity_base(record)
            if base is None:
                continue
            address = {
                col: record.get(col) for col, _ in ADDRESS_FIELDS if record.get(col) is not None
            }
            loc = Location(
                base[0], base[1], name=name, description=record.get("description"), address=address
            )
            if record.get("attributes"):
                self.ledger.note(record.row, "location attributes are not written", record.key_text)
            self.uncarried(
                record,
                {
                    "location_id",
                    "name",
                    "description",
                    "retired",
                    "parent_location",
                    "attributes",
                    *(c for c, _ in ADDRESS_FIELDS),
                },
            )
            self.locations[record.key[0]] = loc
            if record.get("parent_location") is not None:
                parents[record.key[0]] = (record.get("parent_location"), record)  # type: ignore[assignment]
            self.written(loc, record, "locations")
        return parents

    def _parents(self, parents: dict[str, tuple[str, Record]]) -> None:
        graph = {k: [(p, r)] for k, (p, r) in parents.items() if p in self.locations}
        cyclic = _cycle_edges(sorted(self.locations, key=lambda k: _id_order((k,))), graph)
        for key, (parent, record) in parents.items():
            if parent not in self.locations:
                why = (
                    "not migrated"
                    if self.tables.find("location", parent)
                    else "one the datasets do not define"
                )
                self.ledger.note(
                    record.row,
                    f"parent location not written: it is {why}",
                    f"parent_location={parent}",
                )
            elif record.row.seq in cyclic:
                self.ledger.note(
                    record.row,
                    "parent location not written: it closes a cycle of parents",
                    f"parent_location={parent}",
                )
            else:
                self.locations[key].parent = self.locations[parent].uuid

    def _tag_maps(self) -> None:
        for record in self.records("location_tag_map"):
            loc_id, tag_id = record.key
            loc, tag = self.locations.get(loc_id), self.location_tags.get(tag_id)
            if loc is None:
                self.fail(record, *self._missing("location", loc_id))
            elif tag is None:
                self.fail(record, *self._missing("location_tag", tag_id))
            elif LIST_SEPARATOR in tag.name:
                self.fail(
                    record,
                    "a location tag name with ';' cannot be written in a Tags list",
                    tag.name,
                )
            else:
                loc.tags.append(tag.name)
                self.ledger.written(record.row)
                loc.rows.append(record.row)

    # appointments ----------------------------------------------------------------------

    def build_appointments(self) -> None:
        self._specialities()
        found = []
        for record in self.records("appointment_service"):
            svc = self._service(record)
            if svc is not None:
                found.append((svc, record, svc.name))
        self._unique_names(
            "appointmentservicedefinitions",
            found,
            True,
            "another service definition has the same name (Initializer would overwrite it)",
        )

    def _specialities(self) -> None:
        found = []
        for record in self.records("appointment_speciality"):
            name = record.get("name")
            if name is None:
                self.fail(record, "no name (Initializer requires it)")
            elif (base := self.entity_base(record)) is not None:
                spec = AppointmentSpeciality(base[0], base[1], name=name)
                self.uncarried(record, {"speciality_id", "name", "voided"})
                self.specialities[record.key[0]] = spec
                found.append((spec, record, name))
        self._unique_names(
            "appointmentspecialities",
            found,
            True,
            "another speciality has the same name (Initializer would overwrite it)",
        )

    def _service(self, record: Record) -> AppointmentServiceDefinition | None:
        name = record.get("name")
        if name is None:
            self.fail(record, "no name (Initializer requires it)")
            return None
        base = self.entity_base(record)
        if base is None:
            return None
        times = self._service_times(record)
        speciality, location = self._service_refs(record)
        svc = AppointmentServiceDefinition(
            base[0],
            base[1],
            name=name,
            description=record.get("description"),
            duration=record.get("duration_mins"),
            max_load=record.get("max_appointments_limit"),
            speciality=speciality,
            location=location,
            label_colour=record.get("color"),
            **times,
        )
        self.uncarried(
            record,
            {
                "appointment_service_id",
                "name",
                "description",
                "duration_mins",
                "start_time",
                "end_time",
                "max_appointments_limit",
                "speciality_id",
                "location_id",
                "color",
                "voided",
            },
        )
        return svc

    def _service_times(self, record: Record) -> dict[str, str | None]:
        """Start and end times as HH:mm (CsvLine.getSqlTime appends ":00")."""
        times = {}
        for column in ("start_time", "end_time"):
            value = record.get(column)
            if value is not None:
                # CsvLine.getSqlTime appends ":00": the cell must be HH:mm
                parts = value.split(":")
                if len(parts) > 2 and parts[2].strip("0"):
                    self.ledger.note(
                        record.row, f"{column} seconds dropped (Initializer reads HH:mm)", value
                    )
                value = ":".join(parts[:2])
            times[column] = value
        return times

    def _service_refs(self, record: Record) -> tuple[str | None, str | None]:
        """The uuids of a service's speciality and location (None when not written)."""
        speciality = None
        if record.get("speciality_id") is not None:
            spec = self.specialities.get(record.get("speciality_id") or "")
            if spec is None:
                self.ledger.note(
                    record.row,
                    "speciality not written: "
                    + self._missing("appointment_speciality", record.get("speciality_id"))[0],
                    record.key_text,
                )
            else:
                speciality = spec.uuid
        location = None
        if record.get("location_id") is not None:
            loc = self.locations.get(record.get("location_id") or "")
            if loc is None:
                self.ledger.note(
                    record.row,
                    "location not written: "
                    + self._missing("location", record.get("location_id"))[0],
                    record.key_text,
                )
            else:
                location = loc.uuid
        return speciality, location

    # tables with no Initializer domain -------------------------------------------------

    NO_DOMAIN = {
        "concept_datatype": "Initializer has no domain for concept datatypes (concepts name them)",
        "concept_map_type": "Initializer has no domain for concept map types (mappings name them)",
    }

    def build_no_domain(self) -> None:
        handled = set(self.tables.records) - set(self.NO_DOMAIN)
        for table, records in sorted(self.tables.records.items()):
            for record in records.values():
                if table in self.NO_DOMAIN:
                    self.fail(record, self.NO_DOMAIN[table])
                elif table not in _BUILT_TABLES and table in handled:
                    self.fail(record, "no Initializer domain for this table")
        for table, rows in sorted(self.tables.unkeyed.items()):
            why = (
                "stock management module data: Initializer has no domain for it"
                if table.startswith("stockmgmt_")
                else "no Initializer domain for this table"
            )
            for row in rows:
                self.ledger.not_migrated(row, why)


_BUILT_TABLES = frozenset(
    {
        "concept",
        "concept_name",
        "concept_description",
        "concept_numeric",
        "concept_complex",
        "concept_answer",
        "concept_set",
        "concept_class",
        "concept_reference_source",
        "concept_reference_term",
        "concept_reference_map",
        "concept_reference_range",
        "drug",
        "privilege",
        "role",
        "role_privilege",
        "role_role",
        "program",
        "program_workflow",
        "program_workflow_state",
        "program_attribute_type",
        "location_attribute_type",
        "visit_attribute_type",
        "provider_attribute_type",
        "concept_attribute_type",
        "visit_type",
        "encounter_type",
        "relationship_type",
        "person_attribute_type",
        "order_frequency",
        "location",
        "location_tag",
        "location_tag_map",
        "appointment_speciality",
        "appointment_service",
    }
)


def _cycle_edges(nodes: Iterable[str], graph: dict[str, list[tuple[str, Record]]]) -> set[int]:
    """The edges (as row seqs) that close a cycle, found by a depth-first walk in node order."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cyclic: set[int] = set()
    for start in nodes:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            edges = graph.get(node, [])
            if i >= len(edges):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            target, record = edges[i]
            if state.get(target) == 1:
                cyclic.add(record.row.seq)
            elif target not in state:
                state[target] = 1
                stack.append((target, 0))
    return cyclic


def build(tables: Tables, ledger: Ledger, options: Options) -> tuple[Model, Builder]:
    builder = Builder(tables, ledger, options)
    return builder.build(), builder


UNWRITABLE_NAME_TYPE = "a concept_name_type Initializer cannot write"


@dataclass(slots=True)
class _NamesSeen:
    """What a concept's names already hold, per locale."""

    fsn: set[str] = field(default_factory=set)
    short: set[str] = field(default_factory=set)
    preferred: set[str] = field(default_factory=set)
    texts: set[tuple[str, str]] = field(default_factory=set)


def _name_problem(
    record: Record, kind: str, text: str | None, locale: str | None, seen: _NamesSeen
) -> str | None:
    """Why a concept name row cannot be written, or None."""
    if truthy(record.get("voided")):
        return "voided name (Initializer creates no voided names)"
    if text is None or locale is None:
        return "a name without text or locale"
    if kind == "INDEX_TERM":
        return "index term (Initializer's concept loader reads no index-term names)"
    if kind not in ("FULLY_SPECIFIED", "SHORT", "SYNONYM"):
        return UNWRITABLE_NAME_TYPE
    if kind == "FULLY_SPECIFIED" and locale in seen.fsn:
        return "a second fully specified name in the locale (OpenMRS allows one)"
    if kind == "SHORT" and locale in seen.short:
        return "a second short name in the locale (OpenMRS allows one)"
    if kind != "SHORT" and (locale, text.lower()) in seen.texts:
        return "the same text as another name of the concept in the locale (OpenMRS rejects it)"
    return None
