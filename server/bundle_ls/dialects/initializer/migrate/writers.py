"""One writer per Initializer domain: the CSV header and cells Initializer's loaders read.

Header names are the `*LineProcessor` constants of openmrs-module-initializer (matched
trimmed and case-insensitively there). Every file is `<domain>/<domain>.csv` with
`_order:1`, so that files added to the domain later without an `_order` load after it.
Rows are sorted so that a row comes after the rows it refers to in the same file (a
concept after its answers and members, a role after the roles it inherits, a location
after its parent), then by name and uuid: Initializer then loads the file in one pass,
and the same input always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import ADDRESS_FIELDS, Concept, ConceptName, Entity, Model

ORDER_HEADER = "_order:1"
LIST_JOIN = ";"
Cell = str | None


def yes(value: bool | None) -> Cell:
    return None if value is None else ("TRUE" if value else "FALSE")


def retired(entity: Entity) -> Cell:
    return "TRUE" if entity.retired else None


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    value: Callable[[Entity], Cell]
    always: bool = False  # written even when every cell is empty (Initializer requires it)


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]


def _levels(entities: Sequence[Entity], ident: Callable, deps: Callable) -> dict[int, int]:
    """Each entity's depth in its in-file references (0: refers to nothing in the file)."""
    index = {ident(e): i for i, e in enumerate(entities)}
    level: dict[int, int] = {}
    for start in range(len(entities)):
        if start in level:
            continue
        stack = [start]
        on_path = {start}
        while stack:
            i = stack[-1]
            pending = [
                index[d]
                for d in deps(entities[i])
                if d in index and index[d] not in level and index[d] not in on_path
            ]
            if pending:
                stack.append(pending[0])
                on_path.add(pending[0])
                continue
            level[i] = 1 + max(
                (level.get(index[d], -1) for d in deps(entities[i]) if d in index), default=-1
            )
            stack.pop()
            on_path.discard(i)
    return level


def _sorted(
    entities: Sequence[Entity], key: Callable, ident: Callable | None, deps: Callable | None
) -> list[Entity]:
    if ident is None or deps is None:
        return sorted(entities, key=lambda e: (key(e), e.uuid))
    level = _levels(entities, ident, deps)
    order = sorted(
        range(len(entities)), key=lambda i: (level[i], key(entities[i]), entities[i].uuid)
    )
    return [entities[i] for i in order]


def _table(entities: Sequence[Entity], columns: Sequence[Column]) -> Table:
    used = [c for c in columns if c.always or any(c.value(e) is not None for e in entities)]
    header = [c.header for c in used] + [ORDER_HEADER]
    rows = [[c.value(e) for c in used] + [None] for e in entities]
    return Table(header, rows)


def _name(entity: Entity) -> str:
    return getattr(entity, "name", "") or ""


def _fold(text: str) -> str:
    return text.casefold()


@dataclass(frozen=True, slots=True)
class Domain:
    """How one Initializer domain is written from its entities."""

    name: str
    columns: Sequence[Column]
    key: Callable[[Entity], str] = lambda e: _fold(_name(e))
    ident: Callable[[Entity], str] | None = None
    deps: Callable[[Entity], list[str]] | None = None

    def table(self, entities: Sequence[Entity]) -> Table:
        return _table(_sorted(entities, self.key, self.ident, self.deps), self.columns)


UUID = Column("Uuid", lambda e: e.uuid, always=True)
RETIRE = Column("Void/Retire", retired)


def _c(header: str, attr: str, always: bool = False) -> Column:
    return Column(header, lambda e: getattr(e, attr), always)


DOMAINS: dict[str, Domain] = {
    d.name: d
    for d in (
        Domain(
            "conceptclasses",
            (UUID, RETIRE, _c("Name", "name", True), _c("Description", "description")),
        ),
        Domain(
            "conceptsources",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c(
                    "Description", "description", True
                ),  # read with get(…, true): the header must exist
                _c("HL7 Code", "hl7_code"),
                _c("Unique ID", "unique_id"),
            ),
        ),
        Domain(
            "conceptreferencerange",
            (
                UUID,
                Column("Concept Numeric Uuid", lambda e: e.concept, True),
                _c("Absolute Low", "low_absolute"),
                _c("Absolute High", "hi_absolute"),
                _c("Critical Low", "low_critical"),
                _c("Critical High", "hi_critical"),
                _c("Normal Low", "low_normal"),
                _c("Normal High", "hi_normal"),
                _c("Criteria", "criteria"),
            ),
            key=lambda e: e.concept,
        ),
        Domain(
            "drugs",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c("Concept Drug", "concept", True),
                _c("Concept Dosage Form", "dosage_form"),
                _c("Strength", "strength"),
            ),
        ),
        Domain(
            "privileges",
            (UUID, _c("Privilege name", "name", True), _c("Description", "description")),
        ),
        Domain(
            "roles",
            (
                UUID,
                _c("Role name", "name", True),
                _c("Description", "description"),
                Column("Inherited roles", lambda e: LIST_JOIN.join(e.inherited_roles) or None),
                Column(
                    "Privileges", lambda e: LIST_JOIN.join(sorted(e.privileges, key=_fold)) or None
                ),
            ),
            ident=lambda e: e.name,
            deps=lambda e: e.inherited_roles,
        ),
        Domain(
            "programs",
            (
                UUID,
                RETIRE,
                _c("Name", "name"),
                _c("Description", "description"),
                _c("Program concept", "concept", True),
                _c("Outcomes concept", "outcomes_concept"),
            ),
        ),
        Domain(
            "programworkflows",
            (UUID, RETIRE, _c("Program", "program", True), _c("Workflow concept", "concept", True)),
            key=lambda e: e.program,
        ),
        Domain(
            "programworkflowstates",
            (
                UUID,
                RETIRE,
                _c("Workflow", "workflow", True),
                _c("State concept", "concept", True),
                Column("Initial", lambda e: yes(e.initial), True),
                Column("Terminal", lambda e: yes(e.terminal), True),
            ),
            key=lambda e: e.workflow,
        ),
        Domain(
            "attributetypes",
            (
                UUID,
                RETIRE,
                _c("Entity name", "entity", True),
                _c("Name", "name", True),
                _c("Description", "description"),
                _c("Datatype classname", "datatype_classname", True),
                _c("Datatype config", "datatype_config"),
                _c("Preferred handler classname", "preferred_handler"),
                _c("Handler config", "handler_config"),
                _c("Min occurs", "min_occurs"),
                _c("Max occurs", "max_occurs"),
            ),
            key=lambda e: e.entity + "\0" + _fold(e.name),
        ),
        Domain(
            "visittypes", (UUID, RETIRE, _c("Name", "name", True), _c("Description", "description"))
        ),
        Domain(
            "encountertypes",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c("Description", "description"),
                _c("View privilege", "view_privilege"),
                _c("Edit privilege", "edit_privilege"),
            ),
        ),
        Domain(
            "relationshiptypes",
            (
                UUID,
                RETIRE,
                _c("Description", "description"),
                _c("A is to B", "a_is_to_b", True),
                _c("B is to A", "b_is_to_a", True),
                _c("Weight", "weight"),
                Column("Preferred", lambda e: yes(e.preferred)),
            ),
            key=lambda e: _fold(e.a_is_to_b + "\0" + e.b_is_to_a),
        ),
        Domain(
            "personattributetypes",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c("Description", "description"),
                _c("Format", "format"),
                _c("Foreign uuid", "foreign_uuid"),
                Column("Searchable", lambda e: yes(e.searchable)),
                _c("Edit privilege", "edit_privilege"),
            ),
        ),
        Domain(
            "orderfrequencies",
            (
                UUID,
                RETIRE,
                _c("Frequency per day", "frequency_per_day"),
                _c("Concept frequency", "concept", True),
            ),
            key=lambda e: e.concept,
        ),
        Domain(
            "locationtags",
            (UUID, RETIRE, _c("Name", "name", True), _c("Description", "description")),
        ),
        Domain(
            "locations",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c("Description", "description"),
                _c("Parent", "parent"),
                Column("Tags", lambda e: LIST_JOIN.join(sorted(e.tags, key=_fold)) or None),
                *(
                    Column(header, lambda e, c=col: e.address.get(c))
                    for col, header in ADDRESS_FIELDS
                ),
            ),
            ident=lambda e: e.uuid,
            deps=lambda e: [e.parent] if e.parent else [],
        ),
        Domain("appointmentspecialities", (UUID, RETIRE, _c("Name", "name", True))),
        Domain(
            "appointmentservicedefinitions",
            (
                UUID,
                RETIRE,
                _c("Name", "name", True),
                _c("Description", "description"),
                _c("Duration", "duration"),
                _c("Start time", "start_time"),
                _c("End time", "end_time"),
                _c("Max load", "max_load"),
                _c("Speciality", "speciality"),
                _c("Location", "location"),
                _c("Label colour", "label_colour"),
            ),
        ),
    )
}


# ---- concepts: headers that depend on the names, numerics and mappings in use ----------

KIND_HEADERS = {
    "FULLY_SPECIFIED": "Fully specified name",
    "SHORT": "Short name",
    "SYNONYM": "Synonym",
}
NUMERIC_COLUMNS = (
    ("Absolute high", "hi_absolute"),
    ("Critical high", "hi_critical"),
    ("Normal high", "hi_normal"),
    ("Absolute low", "low_absolute"),
    ("Critical low", "low_critical"),
    ("Normal low", "low_normal"),
    ("Units", "units"),
)


def name_slots(concept: Concept) -> dict[str, ConceptName]:
    """Each name's header: `Fully specified name:<l>`, `Short name:<l>`, `Synonym <n>:<l>`."""
    slots: dict[str, ConceptName] = {}
    by_locale: dict[str, list[ConceptName]] = {}
    for name in concept.names:
        by_locale.setdefault(name.locale, []).append(name)
    for locale, names in by_locale.items():
        synonyms = sorted(
            (n for n in names if n.kind == "SYNONYM"), key=lambda n: (_fold(n.name), n.uuid or "")
        )
        for n in names:
            if n.kind != "SYNONYM":
                slots[f"{KIND_HEADERS[n.kind]}:{locale}"] = n
        for i, n in enumerate(synonyms, start=1):
            slots[f"Synonym {i}:{locale}"] = n
    return slots


def _slot_order(header: str) -> tuple:
    kind, _, locale = header.rpartition(":")
    rank = 0 if kind.startswith("Fully") else 1 if kind.startswith("Short") else 2
    number = int(kind.split()[-1]) if rank == 2 else 0
    return (locale, rank, number)


def flagged_preferred(concept: Concept, slots: dict[str, ConceptName]) -> set[str]:
    """The slots whose name needs `:preferred` TRUE: the preferred name of a locale where
    Initializer, left alone, would prefer another (the first fully specified name or synonym
    in header order, ConceptLineProcessor.ensureLocalPreferredConfigured)."""
    flagged = set()
    for locale in {n.locale for n in concept.names}:
        headers = sorted((h for h, n in slots.items() if n.locale == locale), key=_slot_order)
        default = next((h for h in headers if slots[h].kind != "SHORT"), None)
        chosen = next((h for h in headers if slots[h].preferred), None)
        if chosen is not None and chosen != default:
            flagged.add(chosen)
    return flagged


def concepts_table(concepts: Sequence[Concept]) -> Table:
    ordered = _sorted(
        concepts,
        key=lambda c: _fold(c.fully_specified()),
        ident=lambda c: c.uuid,
        deps=lambda c: c.answers + c.members,
    )
    slots = [name_slots(c) for c in ordered]
    flagged = [flagged_preferred(c, s) for c, s in zip(ordered, slots, strict=True)]
    name_headers = sorted({h for s in slots for h in s}, key=_slot_order)
    with_uuid = {h for s in slots for h, n in s.items() if n.uuid}
    with_flag = {h for f in flagged for h in f}
    locales = sorted({loc for c in ordered for loc in c.descriptions})
    map_types = sorted({m.map_type for c in ordered for m in c.mappings}, key=_fold)

    columns: list[tuple[str, Callable[[int], Cell]]] = [("Uuid", lambda i: ordered[i].uuid)]
    if any(c.retired for c in ordered):
        columns.append(("Void/Retire", lambda i: retired(ordered[i])))
    for h in name_headers:
        columns.append((h, lambda i, h=h: slots[i][h].name if h in slots[i] else None))
        if h in with_uuid:
            columns.append(
                (f"{h}:uuid", lambda i, h=h: slots[i][h].uuid if h in slots[i] else None)
            )
        if h in with_flag:
            columns.append((f"{h}:preferred", lambda i, h=h: "TRUE" if h in flagged[i] else None))
    for loc in locales:
        columns.append((f"Description:{loc}", lambda i, loc=loc: ordered[i].descriptions.get(loc)))
    columns.append(("Data class", lambda i: ordered[i].concept_class))
    columns.append(("Data type", lambda i: ordered[i].datatype))
    if any(c.version for c in ordered):
        columns.append(("Version", lambda i: ordered[i].version))
    if any(c.answers for c in ordered):
        columns.append(("Answers", lambda i: LIST_JOIN.join(ordered[i].answers) or None))
    if any(c.members for c in ordered):
        columns.append(("Members", lambda i: LIST_JOIN.join(ordered[i].members) or None))
    numerics = [c.numeric for c in ordered]
    for header, attr in NUMERIC_COLUMNS:
        if any(n is not None and getattr(n, attr) is not None for n in numerics):
            columns.append(
                (header, lambda i, a=attr: getattr(numerics[i], a) if numerics[i] else None)
            )
    if any(n is not None and n.allow_decimal is not None for n in numerics):
        columns.append(
            ("Allow decimals", lambda i: yes(numerics[i].allow_decimal) if numerics[i] else None)
        )
    if any(n is not None and n.display_precision is not None for n in numerics):
        columns.append(
            ("Display precision", lambda i: numerics[i].display_precision if numerics[i] else None)
        )
    if any(c.complex_handler for c in ordered):
        columns.append(("Complex data handler", lambda i: ordered[i].complex_handler))
    for mt in map_types:
        columns.append(
            (
                f"Mappings|{mt}",
                lambda i, mt=mt: (
                    LIST_JOIN.join(
                        sorted(
                            (
                                f"{m.source}:{m.code}"
                                for m in ordered[i].mappings
                                if m.map_type == mt
                            ),
                            key=_fold,
                        )
                    )
                    or None
                ),
            )
        )
    header = [h for h, _ in columns] + [ORDER_HEADER]
    rows = [[f(i) for _, f in columns] + [None] for i in range(len(ordered))]
    return Table(header, rows)


def tables(model: Model) -> dict[str, Table]:
    """Every domain's CSV, by domain folder name."""
    out = {}
    for domain, entities in model.domains.items():
        if not entities:
            continue
        if domain == "concepts":
            out[domain] = concepts_table(entities)  # type: ignore[arg-type]
        else:
            out[domain] = DOMAINS[domain].table(entities)
    return out


# ---- CSV text as Initializer's opencsv 4.5 reads it ------------------------------------

_SPECIAL = (",", '"', "\n", "\r", "\\")


def csv_cell(value: Cell) -> str:
    """A cell: quoted when it holds a separator, quote, line break or backslash; a backslash
    is doubled because opencsv's default escape character is the backslash."""
    if value is None:
        return ""
    if not any(c in value for c in _SPECIAL):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '""') + '"'


def csv_text(table: Table) -> str:
    lines = [",".join(csv_cell(h) for h in table.header)]
    lines.extend(",".join(csv_cell(c) for c in row) for row in table.rows)
    return "\n".join(lines) + "\n"
