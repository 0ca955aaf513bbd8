"""What became of every source row: written, or not migrated and why; plus notes.

Every row read gets exactly one outcome, so that per table the rows written plus the rows
not migrated add up to the rows read. A row is identified by its load sequence number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WRITTEN = "written"
NOT_MIGRATED = "not migrated"


@dataclass(slots=True)
class Row:
    """One row of a source table: a DBUnit element, or one object of a Metadata Sharing package."""

    table: str
    values: dict[str, str | None]
    source: str  # the source file's display path
    line: int
    seq: int  # position in the overall load order
    columns: frozenset[str]  # the columns DBUnit sensed for this table in this file

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def get(self, column: str) -> str | None:
        value = self.values.get(column)
        return None if value is None or value.strip() == "" else value.strip()


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # WRITTEN or NOT_MIGRATED
    reason: str = ""  # for NOT_MIGRATED: a stable sentence, the group in the report
    detail: str = ""  # the values that make the reason concrete for this row


@dataclass(slots=True)
class Redefinition:
    table: str
    key: str
    first: str  # where the earlier row is
    then: str  # where the row that replaced it is


@dataclass(slots=True)
class Ledger:
    rows: dict[int, Row] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    notes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # (note, detail)
    redefinitions: list[Redefinition] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    assumptions: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows[row.seq] = row

    def written(self, row: Row) -> None:
        self.outcomes.setdefault(row.seq, Outcome(WRITTEN))

    def not_migrated(self, row: Row, reason: str, detail: str = "") -> None:
        """The first outcome given to a row stands (later ones would only repeat the cause)."""
        self.outcomes.setdefault(row.seq, Outcome(NOT_MIGRATED, reason, detail))

    def retract(self, row: Row, reason: str, detail: str = "") -> None:
        """Not migrated after all (an entity dropped after its rows were settled)."""
        self.outcomes[row.seq] = Outcome(NOT_MIGRATED, reason, detail)

    def note(self, row: Row, note: str, detail: str = "") -> None:
        self.notes.setdefault(row.seq, []).append((note, detail))

    def settled(self, row: Row) -> bool:
        return row.seq in self.outcomes

    def is_written(self, row: Row) -> bool:
        outcome = self.outcomes.get(row.seq)
        return outcome is not None and outcome.status == WRITTEN
