"""The neutral entity model: OpenMRS metadata as the sources define it, ready to be written.

Each entity keeps the source rows it came from (`rows`: its own row first, then the rows
folded into it, such as a concept's names), so that writing it settles their outcomes.
References to other entities are already in the form Initializer resolves: a uuid, or a
name where Initializer looks things up by name (concept classes, datatypes, privileges,
roles, location tags, concept sources, map types).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ledger import Row


@dataclass(slots=True)
class Entity:
    uuid: str
    retired: bool = False
    rows: list[Row] = field(default_factory=list, repr=False, compare=False)


@dataclass(slots=True)
class ConceptName:
    name: str
    locale: str
    kind: str  # FULLY_SPECIFIED, SHORT or SYNONYM
    preferred: bool
    uuid: str | None


@dataclass(frozen=True, slots=True)
class Mapping:
    map_type: str
    source: str
    code: str


NUMERIC_FIELDS = (
    "hi_absolute",
    "hi_critical",
    "hi_normal",
    "low_absolute",
    "low_critical",
    "low_normal",
)


@dataclass(slots=True)
class Numeric:
    hi_absolute: str | None = None
    hi_critical: str | None = None
    hi_normal: str | None = None
    low_absolute: str | None = None
    low_critical: str | None = None
    low_normal: str | None = None
    units: str | None = None
    allow_decimal: bool | None = None
    display_precision: str | None = None


@dataclass(slots=True)
class Concept(Entity):
    concept_id: str = ""
    concept_class: str = ""
    datatype: str = ""
    version: str | None = None
    names: list[ConceptName] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    numeric: Numeric | None = None
    complex_handler: str | None = None
    answers: list[str] = field(default_factory=list)  # concept uuids, in sort order
    members: list[str] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)

    def fully_specified(self) -> str:
        """The name a reviewer knows the concept by (English first)."""
        fsns = {n.locale: n.name for n in self.names if n.kind == "FULLY_SPECIFIED"}
        if "en" in fsns:
            return fsns["en"]
        return fsns[min(fsns)] if fsns else ""


@dataclass(slots=True)
class ConceptClass(Entity):
    name: str = ""
    description: str | None = None


@dataclass(slots=True)
class ConceptSource(Entity):
    name: str = ""
    description: str | None = None
    hl7_code: str | None = None
    unique_id: str | None = None


@dataclass(slots=True)
class ConceptReferenceRange(Entity):
    concept: str = ""  # the numeric concept's uuid
    hi_absolute: str | None = None
    hi_critical: str | None = None
    hi_normal: str | None = None
    low_absolute: str | None = None
    low_critical: str | None = None
    low_normal: str | None = None
    criteria: str | None = None


@dataclass(slots=True)
class Drug(Entity):
    name: str = ""
    concept: str = ""
    dosage_form: str | None = None
    strength: str | None = None


@dataclass(slots=True)
class Privilege(Entity):
    name: str = ""
    description: str | None = None


@dataclass(slots=True)
class Role(Entity):
    name: str = ""
    description: str | None = None
    privileges: list[str] = field(default_factory=list)  # privilege names
    inherited_roles: list[str] = field(default_factory=list)  # role names


@dataclass(slots=True)
class Program(Entity):
    name: str | None = None
    description: str | None = None
    concept: str = ""
    outcomes_concept: str | None = None


@dataclass(slots=True)
class ProgramWorkflow(Entity):
    program: str = ""  # program uuid
    concept: str = ""


@dataclass(slots=True)
class ProgramWorkflowState(Entity):
    workflow: str = ""  # workflow uuid
    concept: str = ""
    initial: bool = False
    terminal: bool = False


@dataclass(slots=True)
class AttributeType(Entity):
    entity: str = ""  # Location, Visit, Provider, Concept or Program
    name: str = ""
    description: str | None = None
    datatype_classname: str = ""
    datatype_config: str | None = None
    preferred_handler: str | None = None
    handler_config: str | None = None
    min_occurs: str | None = None
    max_occurs: str | None = None


@dataclass(slots=True)
class VisitType(Entity):
    name: str = ""
    description: str | None = None


@dataclass(slots=True)
class EncounterType(Entity):
    name: str = ""
    description: str | None = None
    view_privilege: str | None = None
    edit_privilege: str | None = None


@dataclass(slots=True)
class RelationshipType(Entity):
    a_is_to_b: str = ""
    b_is_to_a: str = ""
    description: str | None = None
    weight: str | None = None
    preferred: bool | None = None


@dataclass(slots=True)
class PersonAttributeType(Entity):
    name: str = ""
    description: str | None = None
    format: str | None = None
    foreign_uuid: str | None = None
    searchable: bool = False
    edit_privilege: str | None = None


@dataclass(slots=True)
class OrderFrequency(Entity):
    frequency_per_day: str | None = None
    concept: str = ""


@dataclass(slots=True)
class LocationTag(Entity):
    name: str = ""
    description: str | None = None


ADDRESS_FIELDS = (
    ("address1", "Address 1"),
    ("address2", "Address 2"),
    ("address3", "Address 3"),
    ("address4", "Address 4"),
    ("address5", "Address 5"),
    ("address6", "Address 6"),
    ("city_village", "City/Village"),
    ("county_district", "County/District"),
    ("state_province", "State/Province"),
    ("postal_code", "Postal Code"),
    ("country", "Country"),
)


@dataclass(slots=True)
class Location(Entity):
    name: str = ""
    description: str | None = None
    parent: str | None = None  # parent location uuid
    tags: list[str] = field(default_factory=list)  # location tag names
    address: dict[str, str] = field(default_factory=dict)  # ADDRESS_FIELDS column -> value


@dataclass(slots=True)
class AppointmentSpeciality(Entity):
    name: str = ""


@dataclass(slots=True)
class AppointmentServiceDefinition(Entity):
    name: str = ""
    description: str | None = None
    duration: str | None = None
    start_time: str | None = None  # HH:mm
    end_time: str | None = None
    max_load: str | None = None
    speciality: str | None = None  # speciality uuid
    location: str | None = None  # location uuid
    label_colour: str | None = None


@dataclass(slots=True)
class Model:
    """Every entity to write, by Initializer domain."""

    domains: dict[str, list[Entity]] = field(default_factory=dict)

    def add(self, domain: str, entity: Entity) -> None:
        self.domains.setdefault(domain, []).append(entity)
