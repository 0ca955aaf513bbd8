"""The contract's JSON object: diagnostics with 0-based UTF-16 ranges, and a summary.

Each diagnostic's `path` is relative to its `root`, the checked project's folder as given
on the command line (relative to the current folder, or absolute), so findings of several
checked paths stay apart. `--statistics` adds counts per code.

The object is indented, with each diagnostic on one line: a report of thousands of findings
stays readable and greppable, and each line is written by the C encoder (an indented dump
goes through the pure-Python one, seconds for a large report).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from bundle_ls.batch.reporters.base import Report
from bundle_ls.documents.model import Diagnostic, Range
from bundle_ls.project.objects import add_object_counts


def range_json(r: Range) -> dict[str, Any]:
    return {"start": {"line": r[0], "character": r[1]}, "end": {"line": r[2], "character": r[3]}}


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": d.path,
        "range": range_json(d.range),
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }
    if d.related:
        out["related"] = [
            {"path": r.path, "range": range_json(r.range), "message": r.message} for r in d.related
        ]
    return out


def write(report: Report, out: TextIO) -> None:
    doc: dict[str, Any] = {
        "diagnostics": [{**diagnostic_json(d), "root": part.root} for part, d in report.entries()],
        "summary": {"files": report.files, **report.counts()},
    }
    if report.statistics:
        doc["statistics"] = [
            {"code": code, "severity": sev, "count": n} for code, sev, n in report.per_code()
        ]
    counted = [p.objects for p in report.parts if p.objects is not None]
    if counted:  # added to the contract's keys; none of those changes
        doc["objects"] = {"namespaces": {}, "bundles": {}}
        for counts in counted:
            add_object_counts(doc["objects"], counts)
    diagnostics = doc.pop("diagnostics")
    parts = ['"diagnostics": [' + ",".join("\n    " + _one_line(d) for d in diagnostics)]
    parts[0] += "\n  ]" if diagnostics else "]"
    for name, value in doc.items():  # JSON strings hold no raw newline: indenting is safe
        text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        parts.append(f'"{name}": {text}')
    out.write("{\n  " + ",\n  ".join(parts) + "\n}\n")


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
