"""SARIF 2.1.0 for code-scanning uploads, built on the sarif-om object model.

Code scanning places a result by its URI relative to the repository, so every URI is
relative to the repository around the checked folder (the folder holding `.git`, else the
checked project's root) and `originalUriBaseIds` says where that is (`SRCROOT`; a second
repository among several checked paths gets `SRCROOT2`, and so on).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import attr
import sarif_om as om

from bundle_ls import __version__
from bundle_ls.batch.reporters.base import Report, ReportPart
from bundle_ls.dialects import code_registry
from bundle_ls.documents.codes import Code
from bundle_ls.documents.model import Diagnostic, Range

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def _rule(code: Code) -> om.ReportingDescriptor:
    return om.ReportingDescriptor(
        id=code.id,
        short_description=om.MultiformatMessageString(text=code.summary),
        full_description=om.MultiformatMessageString(text=code.explanation or code.summary),
        default_configuration=om.ReportingConfiguration(level=_LEVEL[code.severity]),
        help=om.MultiformatMessageString(text=f"Example: {code.example}"),
    )


def _region(r: Range) -> om.Region:
    # SARIF counts lines and columns from 1.
    return om.Region(
        start_line=r[0] + 1, start_column=r[1] + 1, end_line=r[2] + 1, end_column=r[3] + 1
    )


def repository_of(folder: Path) -> Path:
    """The repository a checked folder is in: the nearest folder holding `.git` (a folder,
    or a file in a worktree), else the folder itself."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


class _Places:
    """URIs relative to the repositories of the checked paths, and their base ids."""

    def __init__(self, report: Report) -> None:
        self.repos: dict[Path, str] = {}
        self.of_part: dict[int, tuple[Path, Path]] = {}  # part → (its root, its repository)
        for part in report.parts:
            base = (part.base or Path(part.root)).resolve()
            repo = repository_of(base)
            if repo not in self.repos:
                n = len(self.repos) + 1
                self.repos[repo] = "SRCROOT" if n == 1 else f"SRCROOT{n}"
            self.of_part[id(part)] = (base, repo)

    def location(
        self, part: ReportPart, path: str, r: Range, message: str | None = None
    ) -> om.Location:
        base, repo = self.of_part[id(part)]
        rel = os.path.relpath(os.path.normpath(base / path), repo).replace(os.sep, "/")
        return om.Location(
            physical_location=om.PhysicalLocation(
                artifact_location=om.ArtifactLocation(uri=quote(rel), uri_base_id=self.repos[repo]),
                region=_region(r),
            ),
            message=om.Message(text=message) if message else None,
        )

    def base_ids(self) -> dict[str, om.ArtifactLocation]:
        return {i: om.ArtifactLocation(uri=repo.as_uri() + "/") for repo, i in self.repos.items()}


def _result(
    part: ReportPart, d: Diagnostic, rule_index: dict[str, int], places: _Places
) -> om.Result:
    return om.Result(
        rule_id=d.code,
        rule_index=rule_index[d.code],
        level=_LEVEL[d.severity],
        message=om.Message(text=d.message),
        locations=[places.location(part, d.path, d.range)],
        related_locations=[places.location(part, r.path, r.range, r.message) for r in d.related]
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
    registry = code_registry()
    codes = registry.ids()
    rule_index = {c: i for i, c in enumerate(codes)}
    rules = [_rule(registry[c]) for c in codes]
    places = _Places(report)
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
                results=[_result(p, d, rule_index, places) for p, d in report.entries()],
                column_kind="utf16CodeUnits",
                original_uri_base_ids=places.base_ids(),
            )
        ],
    )
    json.dump(to_plain(log), out, indent=2, ensure_ascii=False)
    out.write("\n")
