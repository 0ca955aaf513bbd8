"""Compiler-style lines, 1-based: `path:line:column: severity: message [code]`.

For people reading a terminal: the same message repeated in one file is printed once with
"… and N more like this" and the lines of the others; two findings that name each other
(a duplicate pair) are one line; `--statistics` prints counts per code instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from bundle_ls.batch.reporters.base import Report, ReportPart, summary_line
from bundle_ls.dialects import code_registry
from bundle_ls.documents.model import Diagnostic

# A message repeated at least this often in one file is printed once.
GROUP_MIN = 3
# How many of the grouped findings' lines are named.
GROUP_LINES_SHOWN = 8


def write(report: Report, out: TextIO) -> None:
    if report.statistics:
        write_statistics(report, out)
    else:
        for part in report.parts:
            for line in part_lines(part):
                out.write(line + "\n")
    for note in dict.fromkeys(n for part in report.parts for n in part.notes):
        out.write(f"{note}\n")
    out.write(summary_line(report) + "\n")


def part_lines(part: ReportPart) -> Iterator[str]:
    diags = without_mirrored_pairs(part.diagnostics)
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for d in diags:
        groups.setdefault((d.path, d.code, d.message), []).append(d)
    for d in diags:
        group = groups[(d.path, d.code, d.message)]
        if len(group) >= GROUP_MIN and group[0] is not d:
            continue
        line, col = d.range[0] + 1, d.range[1] + 1
        yield (
            f"{part.shown_path(d.path)}:{line}:{col}: {d.severity}: "
            f"{part.shown_message(d)} [{d.code}]"
        )
        if len(group) >= GROUP_MIN:
            yield _more_like_this(group[1:])


def _more_like_this(others: list[Diagnostic]) -> str:
    lines = [str(d.range[0] + 1) for d in others[:GROUP_LINES_SHOWN]]
    more = ", …" if len(others) > GROUP_LINES_SHOWN else ""
    return f"    … and {len(others)} more like this, on lines {', '.join(lines)}{more}"


def without_mirrored_pairs(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Drop the second of two findings of one code that each name the other's place as
    related (a uuid defined twice is reported at both rows): one line tells it all."""
    kept: list[Diagnostic] = []
    kept_at: set[tuple[str, str, tuple]] = set()  # (code, path, range) of kept findings
    named: set[tuple[str, str, tuple]] = set()  # places kept findings name as related
    for d in diags:
        at = (d.code, d.path, d.range)
        if at in named and any((d.code, r.path, r.range) in kept_at for r in d.related or ()):
            continue
        kept.append(d)
        kept_at.add(at)
        named.update((d.code, r.path, r.range) for r in d.related or ())
    return kept


def write_statistics(report: Report, out: TextIO) -> None:
    registry = code_registry()
    rows = report.per_code()
    width = max((len(code) for code, _sev, _n in rows), default=0)
    for code, severity, n in rows:
        summary = registry[code].summary if code in registry else ""
        out.write(f"{n:>6}  {code:<{width}}  {severity:<11}  {summary}\n")
