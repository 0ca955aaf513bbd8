"""Inlay hints: the column name before each cell of a CSV row, so a long row's cells say
which column they are in (off by default: the `csvColumnHints` setting)."""

from __future__ import annotations

from dataclasses import dataclass

from bundle_ls.documents.csv_doc import parse_csv
from bundle_ls.documents.model import Range
from bundle_ls.documents.positions import LineIndex
from bundle_ls.editor.view import ProjectView


@dataclass(frozen=True, slots=True)
class ColumnHint:
    line: int
    character: int  # UTF-16
    column: str


def csv_column_hints(view: ProjectView, rel: str, rng: Range) -> list[ColumnHint]:
    """A hint before each non-empty cell of the data rows that start in `rng`, naming the
    cell's column from the file's header."""
    if not rel.lower().endswith(".csv") or view.dialect_of(rel) is None:
        return []
    lines = view.lines(rel)
    if not lines:
        return []
    table = parse_csv("\n".join(lines), LineIndex.over(lines))
    names = [c.text for c in table.header]
    out: list[ColumnHint] = []
    for line, cells in table.rows:
        if not rng[0] <= line <= rng[2]:
            continue
        for name, cell in zip(names, cells, strict=False):
            if cell.text and name:
                at = cell.range[1] - 1 if cell.quoted else cell.range[1]
                out.append(ColumnHint(cell.range[0], max(at, 0), name))
    return out
