"""MIGRATION.md: per source table, rows read, written and not migrated (and why).

Everything is sorted, and nothing depends on the machine or the time, so the same input
gives the same report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .ledger import NOT_MIGRATED, WRITTEN, Ledger, Row
from .sources import DBUNIT, SourceFile

MARKER = "# Migration report (bundle-ls migrate)"
# A group of rows lists them all up to this many, else this many examples.
LIST_ALL = 20
EXAMPLES = 10

LIMITS = """\
- DBUnit load order is the order of the SOURCE arguments, and inside a folder the order of
  file paths; a module's Java code may load its datasets in another order (pass the files
  one by one to follow it). A primary key loaded again replaces the earlier values of the
  columns its file uses, as DBUnit REFRESH does; each such row is listed below.
- Ids a dataset does not define are resolved only where OpenMRS core fixes them (concept
  classes 1-16, datatypes 1-13, concept map types 1-70). A reference to any other
  undefined id (a CIEL concept, a concept source of the target database) is not written,
  unless `--external-concepts ciel` says concept ids are CIEL ids.
- Reference terms: Initializer has no domain for them; a mapping is written as
  `SOURCE:CODE`, and Initializer creates a missing term from its source and code, without
  the term's name or uuid.
- Sort weights of answers and set members: their order is kept; Initializer numbers them
  anew (answers 1, 2, 3 …; members 1000, 1010 …).
- Concept descriptions, names and mappings get the uuids Initializer gives them, except
  concept names, whose uuids are written (`…:uuid` columns).
- Cells are written trimmed (Initializer trims every cell).
- Privileges and roles named but not defined by the datasets (OpenMRS core, modules) are
  written by name; Initializer fails a role row whose privilege does not exist when it
  loads.
"""


@dataclass(slots=True)
class TableCount:
    read: int = 0
    written: int = 0
    not_migrated: int = 0


def table_counts(ledger: Ledger) -> dict[tuple[str, str], TableCount]:
    """(source, table) -> counts of its rows' outcomes."""
    counts: dict[tuple[str, str], TableCount] = {}
    for seq, row in ledger.rows.items():
        c = counts.setdefault((row.source, row.table), TableCount())
        c.read += 1
        outcome = ledger.outcomes.get(seq)
        if outcome is not None and outcome.status == WRITTEN:
            c.written += 1
        else:
            c.not_migrated += 1
    return counts


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows_list(rows: list[tuple[Row, str]]) -> list[str]:
    rows = sorted(rows, key=lambda r: r[0].seq)
    shown = rows if len(rows) <= LIST_ALL else rows[:EXAMPLES]
    out = [f"  - {row.where}" + (f": {_cell(detail)}" if detail else "") for row, detail in shown]
    if len(shown) < len(rows):
        out.append(f"  - … and {len(rows) - len(shown)} more")
    return out


def render(
    sources: Sequence[SourceFile],
    ignored: Sequence[str],
    ledger: Ledger,
    files: dict[str, int],
    external: dict[str, Sequence[str]],
) -> str:
    out = [
        MARKER,
        "",
        "Every row read from the sources is either written into an Initializer CSV file or",
        "listed below as not migrated, with the reason. Rows written with a difference are",
        "listed under Notes.",
    ]
    out += _sources(sources, ignored, ledger)
    out += ["", "## Files written", "", "| file | rows |", "|---|---|"]
    out += [f"| {f} | {n} |" for f, n in sorted(files.items())]
    out += _tables(sources, table_counts(ledger))
    out += ["", "## Not migrated, by table and reason"]
    out += _grouped(_not_migrated(ledger), "Nothing: every row was written.")
    out += ["", "## Notes: written with a difference"]
    out += _grouped(_notes(ledger), "None.")
    out += _redefinitions(ledger)
    out += _external(external, ledger)
    out += ["", "## Limits", "", LIMITS.rstrip(), ""]
    return "\n".join(out)


def _sources(sources: Sequence[SourceFile], ignored: Sequence[str], ledger: Ledger) -> list[str]:
    out = [
        "",
        "## Sources, in load order",
        "",
        "| # | source | kind | rows read |",
        "|---|---|---|---|",
    ]
    per_source = Counter(row.source for row in ledger.rows.values())
    for n, src in enumerate(sources, start=1):
        kind = "DBUnit dataset" if src.kind == DBUNIT else "Metadata Sharing package"
        out.append(f"| {n} | {_cell(src.display)} | {kind} | {per_source.get(src.display, 0)} |")
    if ignored:
        out += ["", "Not read (neither a `.xml` dataset nor a `.zip` package):", ""]
        out += [f"- {_cell(p)}" for p in sorted(ignored)]
    if ledger.unreadable:
        out += ["", "Unreadable sources (nothing of them is migrated):", ""]
        out += [f"- {_cell(r)}" for _s, r in ledger.unreadable]
    return out


def _tables(sources: Sequence[SourceFile], counts: dict[tuple[str, str], TableCount]) -> list[str]:
    out = [
        "",
        "## Rows by source table",
        "",
        "| source | table | read | written | not migrated |",
        "|---|---|---|---|---|",
    ]
    order = {s.display: i for i, s in enumerate(sources)}
    for (source, table), c in sorted(
        counts.items(), key=lambda kv: (order.get(kv[0][0], 0), kv[0][1])
    ):
        out.append(
            f"| {_cell(source)} | {_cell(table)} | {c.read} | {c.written} | {c.not_migrated} |"
        )
    totals: dict[str, TableCount] = {}
    for (_source, table), c in counts.items():
        t = totals.setdefault(table, TableCount())
        t.read += c.read
        t.written += c.written
        t.not_migrated += c.not_migrated
    out += [
        "",
        "All sources together:",
        "",
        "| table | read | written | not migrated |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {_cell(t)} | {c.read} | {c.written} | {c.not_migrated} |"
        for t, c in sorted(totals.items())
    ]
    return out


Groups = dict[str, dict[str, list[tuple[Row, str]]]]


def _not_migrated(ledger: Ledger) -> Groups:
    groups: Groups = {}
    for seq, row in ledger.rows.items():
        outcome = ledger.outcomes.get(seq)
        if outcome is not None and outcome.status == NOT_MIGRATED:
            groups.setdefault(row.table, {}).setdefault(outcome.reason, []).append(
                (row, outcome.detail)
            )
    return groups


def _notes(ledger: Ledger) -> Groups:
    notes: Groups = {}
    for seq, items in ledger.notes.items():
        row = ledger.rows[seq]
        if not ledger.is_written(row):
            continue
        for note, detail in items:
            notes.setdefault(row.table, {}).setdefault(note, []).append((row, detail))
    return notes


def _grouped(groups: Groups, none: str) -> list[str]:
    """Per table, each reason (most rows first) with its rows."""
    out: list[str] = []
    if not groups:
        out += ["", none]
    for table in sorted(groups):
        out += ["", f"### {table}", ""]
        for reason, rows in sorted(groups[table].items(), key=lambda kv: (-len(kv[1]), kv[0])):
            out.append(f"- **{_cell(reason)}**: {len(rows)}")
            out += _rows_list(rows)
    return out


def _redefinitions(ledger: Ledger) -> list[str]:
    out = ["", "## Redefinitions (a primary key loaded again)", ""]
    if not ledger.redefinitions:
        out.append("None.")
    else:
        out += ["| table | key | first | then |", "|---|---|---|---|"]
        out += [
            f"| {r.table} | {_cell(r.key)} | {_cell(r.first)} | {_cell(r.then)} |"
            for r in ledger.redefinitions
        ]
    return out


def _external(external: dict[str, Sequence[str]], ledger: Ledger) -> list[str]:
    out = ["", "## References to what the datasets do not define", ""]
    wrote_any = False
    for title, names in external.items():
        if names:
            wrote_any = True
            out.append(f"- {title} ({len(names)}): " + ", ".join(f"`{_cell(n)}`" for n in names))
    if not wrote_any:
        out.append("None.")
    for assumption in ledger.assumptions:
        out += ["", assumption]
    return out
