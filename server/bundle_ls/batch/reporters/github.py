"""GitHub Actions workflow commands: one annotation per diagnostic."""

from __future__ import annotations

from typing import TextIO

from bundle_ls.batch.reporters.base import Report

_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: TextIO) -> None:
    for d in report.diagnostics:
        r = d.range
        props = (
            f"file={_escape_property(report.shown_path(d.path))},line={r[0] + 1},col={r[1] + 1},"
            f"endLine={r[2] + 1},endColumn={r[3] + 1},title={_escape_property('bundle-ls ' + d.code)}"
        )
        out.write(f"::{_LEVEL[d.severity]} {props}::{_escape_data(d.message)}\n")
