"""GitHub Actions workflow commands: one annotation per finding, then a summary line.

Paths are relative to the current folder, which in a workflow is the repository's root.
When the job summary file is there (`GITHUB_STEP_SUMMARY`), the counts per code go to it.
"""

from __future__ import annotations

import os
from typing import TextIO

from bundle_ls.batch.reporters.base import Report, summary_line

_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: TextIO) -> None:
    for part, d in report.entries():
        r = d.range
        props = (
            f"file={_escape_property(part.shown_path(d.path))},line={r[0] + 1},col={r[1] + 1},"
            f"endLine={r[2] + 1},endColumn={r[3] + 1},title={_escape_property('bundle-ls ' + d.code)}"
        )
        out.write(f"::{_LEVEL[d.severity]} {props}::{_escape_data(part.shown_message(d))}\n")
    line = summary_line(report)
    out.write(f"bundle-ls: {line}\n")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        _append_step_summary(step_summary, report, line)


def _append_step_summary(path: str, report: Report, line: str) -> None:
    rows = "".join(f"| `{code}` | {sev} | {n} |\n" for code, sev, n in report.per_code())
    table = f"\n| code | severity | findings |\n|---|---|---|\n{rows}" if rows else ""
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"### bundle-ls\n\n{line}\n{table}\n")
    except OSError:  # the summary is a courtesy: the annotations above are the result
        pass
