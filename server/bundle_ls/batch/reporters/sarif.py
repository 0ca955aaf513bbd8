"""SARIF 2.1.0 for code-scanning uploads, built on the sarif-om object model."""

from __future__ import annotations

import json
from typing import Any, TextIO

import attr
import sarif_om as om

from bundle_ls import __version__
from bundle_ls.batch.reporters.base import Report
from bundle_ls.documents.model import Diagnostic, Range

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}

RULES = {
    "yaml-syntax": "The file is not well-formed YAML.",
    "csv-syntax": "Malformed CSV: an unclosed quote, a repeated column or a row longer than the header.",
    "encoding": "The file is not UTF-8.",
    "yaml-tag": "A YAML tag with no meaning in configuration; the value is read as plain data.",
    "schema": "A value does not match its module schema.",
    "unknown-namespace": "A top-level key that no known module declares.",
    "module-not-installed": "Configuration for a module that is not installed; it will be ignored.",
    "duplicate-key": "The same key defined again with identical content.",
    "conflict": "The same key or mapping entry defined again with different content.",
    "unresolved-reference": "A reference to a key that no file defines.",
    "missing-file": "A file path that does not exist or leaves the Config Directory.",
    "unreadable": "The file cannot be read.",
    "limit": "The file or item exceeds a size, nesting or expansion limit and is not checked.",
}


def _region(r: Range) -> om.Region:
    # SARIF counts lines and columns from 1.
    return om.Region(
        start_line=r[0] + 1, start_column=r[1] + 1, end_line=r[2] + 1, end_column=r[3] + 1
    )


def _location(path: str, r: Range, message: str | None = None) -> om.Location:
    return om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=path, uri_base_id="SRCROOT"),
            region=_region(r),
        ),
        message=om.Message(text=message) if message else None,
    )


def _result(d: Diagnostic, rule_index: dict[str, int]) -> om.Result:
    return om.Result(
        rule_id=d.code,
        rule_index=rule_index[d.code],
        level=_LEVEL[d.severity],
        message=om.Message(text=d.message),
        locations=[_location(d.path, d.range)],
        related_locations=[_location(r.path, r.range, r.message) for r in d.related]
        if d.related
        else None,
    )


def to_plain(obj: Any) -> Any:
    """sarif-om objects → JSON values, with SARIF's property names and defaults left out."""
    if attr.has(type(obj)):
        out = {}
        for f in attr.fields(type(obj)):
            value = getattr(obj, f.name)
            if value is None or (f.default is not attr.NOTHING and value == f.default):
                continue
            out[f.metadata.get("schema_property_name", f.name)] = to_plain(value)
        return out
    if isinstance(obj, list):
        return [to_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    return obj


def write(report: Report, out: TextIO) -> None:
    codes = sorted({*RULES, *(d.code for d in report.diagnostics)})
    rule_index = {c: i for i, c in enumerate(codes)}
    rules = [
        om.ReportingDescriptor(
            id=c, short_description=om.MultiformatMessageString(text=RULES.get(c, c))
        )
        for c in codes
    ]
    log = om.SarifLog(
        version="2.1.0",
        schema_uri=SARIF_SCHEMA,
        runs=[
            om.Run(
                tool=om.Tool(
                    driver=om.ToolComponent(
                        name="bundle-ls",
                        version=__version__,
                        rules=rules,
                    )
                ),
                results=[_result(d, rule_index) for d in report.diagnostics],
                column_kind="utf16CodeUnits",
            )
        ],
    )
    json.dump(to_plain(log), out, indent=2, ensure_ascii=False)
    out.write("\n")
