"""CSV text → header and cells with exact ranges, then → the same `Node` shape as YAML.

The standard `csv` module gives no positions, so cells are tokenised here: a line without
a double quote is split directly (the common case, fast); a line with quotes goes through
a small RFC 4180 state machine that also follows a quoted cell across line breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node, Range
from bundle_ls.documents.positions import LineIndex


@dataclass(slots=True)
class Cell:
    text: str  # unquoted and trimmed
    range: Range  # the trimmed text (inside the quotes for a quoted cell)
    quoted: bool = False
    # Code-point column where the text starts, for splitting list cells; None if the
    # text does not map one-to-one onto the source (escaped quotes, several lines).
    start_col: int | None = None


@dataclass(slots=True)
class CsvTable:
    header: list[Cell]
    rows: list[tuple[int, list[Cell]]]  # (line, cells)
    problems: list[tuple[Range, str]] = field(default_factory=list)


def parse_csv(text: str, lines: LineIndex, sep: str = ",") -> CsvTable:
    conv = lines.to_utf16
    src = lines.lines
    records: list[tuple[int, list[Cell]]] = []
    problems: list[tuple[Range, str]] = []
    n = len(src)
    i = 0
    while i < n:
        line = src[i]
        if not line.strip():
            i += 1
            continue
        if '"' not in line:
            cells = []
            col = 0
            for part in line.split(sep):
                stripped = part.strip()
                lead = len(part) - len(part.lstrip())
                s = col + lead
                e = s + len(stripped)
                cells.append(Cell(stripped, (i, conv(i, s), i, conv(i, e)), False, s))
                col += len(part) + len(sep)
            records.append((i, cells))
            i += 1
            continue
        cells, i_next, problem = _scan_quoted(src, i, sep, conv)
        records.append((i, cells))
        if problem:
            problems.append(problem)
            break
        i = i_next
    if not records:
        return CsvTable([], [], problems)
    header = records[0][1]
    return CsvTable(header, records[1:], problems)


def _scan_quoted(src: list[str], i: int, sep: str, conv) -> tuple[list[Cell], int, tuple | None]:
    """Tokenise a record starting at line `i` that contains quotes; may span lines."""
    cells: list[Cell] = []
    line_no = i
    pos = 0
    while True:
        line = src[line_no]
        while pos < len(line) and line[pos] in " \t":  # leading spaces
            pos += 1
        if pos < len(line) and line[pos] == '"':
            cell, line_no, pos, problem = _quoted_cell(src, line_no, pos, conv)
            cells.append(cell)
            if problem is not None:
                return cells, len(src), problem
            line = src[line_no]
            # skip to the separator (text after a closing quote is tolerated, as `csv` does)
            while pos < len(line) and line[pos] != sep:
                pos += 1
        else:
            end = line.find(sep, pos)
            if end < 0:
                end = len(line)
            stripped = line[pos:end].rstrip()
            s, e = pos, pos + len(stripped)
            if '"' in stripped:
                stripped = stripped.replace('""', '"')
            cells.append(
                Cell(stripped, (line_no, conv(line_no, s), line_no, conv(line_no, e)), False, s)
            )
            pos = end
        if pos < len(line) and line[pos] == sep:
            pos += 1
            continue
        return cells, line_no + 1, None


def _quoted_cell(
    src: list[str], line_no: int, pos: int, conv
) -> tuple[Cell, int, int, tuple | None]:
    """The quoted cell opening at `pos` (on its quote): the cell, the line and column after
    its closing quote, and the problem when it never closes. A cell on one line with no
    doubled quote keeps its exact text columns (`start_col`)."""
    q_line, q_col = line_no, pos
    line = src[line_no]
    pos += 1
    buf: list[str] = []
    exact = True
    while True:
        if pos >= len(line):
            if line_no + 1 >= len(src):
                rng = (q_line, conv(q_line, q_col), q_line, conv(q_line, q_col + 1))
                cell = Cell("".join(buf).strip(), rng, True, None)
                return (
                    cell,
                    line_no,
                    pos,
                    (rng, "unclosed quote: the cell runs to the end of the file"),
                )
            buf.append("\n")
            exact = False
            line_no += 1
            line = src[line_no]
            pos = 0
            continue
        ch = line[pos]
        if ch == '"':
            if pos + 1 < len(line) and line[pos + 1] == '"':
                buf.append('"')
                exact = False
                pos += 2
                continue
            pos += 1
            break
        buf.append(ch)
        pos += 1
    raw = "".join(buf)
    text = raw.strip()
    if exact and q_line == line_no:
        s = q_col + 1 + len(raw) - len(raw.lstrip())
        e = s + len(text)
        return (
            Cell(text, (line_no, conv(line_no, s), line_no, conv(line_no, e)), True, s),
            line_no,
            pos,
            None,
        )
    rng = (q_line, conv(q_line, q_col), line_no, conv(line_no, pos))
    return Cell(text, rng, True, None), line_no, pos, None


def split_list(cell: Cell, sep: str, line_index: LineIndex) -> list[tuple[str, Range]]:
    """The parts of a list cell, each trimmed, with their own ranges where they can be known."""
    out = []
    if cell.start_col is None:
        for part in cell.text.split(sep):
            if part.strip():
                out.append((part.strip(), cell.range))
        return out
    line = cell.range[0]
    col = cell.start_col
    conv = line_index.to_utf16
    for part in cell.text.split(sep):
        stripped = part.strip()
        if stripped:
            s = col + (len(part) - len(part.lstrip()))
            out.append((stripped, (line, conv(line, s), line, conv(line, s + len(stripped)))))
        col += len(part) + len(sep)
    return out


def typed_value(text: str, kind: str) -> object:
    """A cell's value by the property's type; text that does not fit stays a string so the
    schema check reports it."""
    if kind == "boolean":
        low = text.lower()
        if low == "true":
            return True
        if low == "false":
            return False
        return text
    if kind == "integer" or kind == "number":
        try:
            return int(text)
        except ValueError:
            pass
        if kind == "number":
            try:
                f = float(text)
                if f == f and f not in (float("inf"), float("-inf")):
                    return f
            except ValueError:
                pass
        return text
    return text


def table_to_nodes(
    table: CsvTable,
    kinds: dict[str, object],
    sep: str,
    line_index: LineIndex,
    header_names: list[str] | None = None,
) -> Node:
    """One mapping per row, keyed by header cells; empty cells are absent.

    `kinds` maps a property name to "string" / "number" / "integer" / "boolean" or
    ("array", item kind). `header_names` lets a caller normalise header text.
    """
    names = header_names or [c.text for c in table.header]
    rows = [
        row_to_node(table.header, names, kinds, sep, line_index, line, cells)
        for line, cells in table.rows
    ]
    return sequence_of_rows(table, rows)


def sequence_of_rows(table: CsvTable, rows: list[Node]) -> Node:
    """The sequence node of a table's row nodes (from the header to the last row)."""
    start = table.header[0].range if table.header else (0, 0, 0, 0)
    last = rows[-1].range if rows else (table.header[-1].range if table.header else start)
    return Node(SEQUENCE, (start[0], start[1], last[2], last[3]), None, rows)


def row_to_node(
    header: list[Cell],
    names: list[str],
    kinds: dict[str, object],
    sep: str,
    line_index: LineIndex,
    line: int,
    cells: list[Cell],
) -> Node:
    """One row as a mapping keyed by header cells (see `table_to_nodes`)."""
    items: list[tuple[Node, Node]] = []
    for idx, cell in enumerate(cells):
        if idx >= len(names) or not cell.text:
            continue
        name = names[idx]
        if not name:
            continue
        key = Node(SCALAR, header[idx].range, name)
        kind = kinds.get(name, "string")
        if isinstance(kind, tuple):
            parts = [
                Node(SCALAR, r, typed_value(t, kind[1]), None, None, cell.quoted)
                for t, r in split_list(cell, sep, line_index)
            ]
            value = Node(SEQUENCE, cell.range, None, parts)
        else:
            value = Node(SCALAR, cell.range, typed_value(cell.text, kind), None, None, cell.quoted)
        items.append((key, value))
    first = cells[0].range if cells else (line, 0, line, 0)
    end = cells[-1].range if cells else first
    return Node(MAPPING, (first[0], first[1], end[2], end[3]), None, items)
