"""Compiler-style lines, 1-based: `path:line:column: severity: message [code]`."""

from __future__ import annotations

from typing import TextIO

from bundle_ls.batch.reporters.base import Report


def write(report: Report, out: TextIO) -> None:
    for d in report.diagnostics:
        line, col = d.range[0] + 1, d.range[1] + 1
        out.write(
            f"{report.shown_path(d.path)}:{line}:{col}: {d.severity}: {d.message} [{d.code}]\n"
        )
    for note in report.notes:
        out.write(f"{note}\n")
    c = report.counts()
    parts = [
        f"{c['errors']} error{'s' * (c['errors'] != 1)}",
        f"{c['warnings']} warning{'s' * (c['warnings'] != 1)}",
    ]
    if c["information"]:
        parts.append(f"{c['information']} information")
    if c["hints"]:
        parts.append(f"{c['hints']} hint{'s' * (c['hints'] != 1)}")
    out.write(f"{', '.join(parts)} in {report.files} file{'s' * (report.files != 1)}\n")
