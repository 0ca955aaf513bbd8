"""The contract's JSON object: diagnostics with 0-based UTF-16 ranges, and a summary."""

from __future__ import annotations

import json
from typing import Any, TextIO

from bundle_ls.batch.reporters.base import Report
from bundle_ls.documents.model import Diagnostic, Range


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
    doc = {
        "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        "summary": {"files": report.files, **report.counts()},
    }
    if report.objects is not None:  # added to the contract's keys; none of those changes
        doc["objects"] = report.objects
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
