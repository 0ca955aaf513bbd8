"""The paths given to `--check`: which project each belongs to, and what of it to report.

A path inside a larger project (a dialect's sub-folder, a file, a bundle below a
bundle-ls.yaml) checks that project and reports on the path alone, so its findings are
those of a whole-project check. Paths of one project are checked once together.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.batch.reporters.base import ReportPart, at_least
from bundle_ls.documents.model import Diagnostic
from bundle_ls.project.discovery import project_of


@dataclass(slots=True)
class CheckedProject:
    root: Path  # the project's folder, as found
    given_absolute: bool  # its first path was given absolute: the root is shown absolute too
    only: set[str] | None = field(default_factory=set)  # files, folders ending in "/"; None: all

    def covers(self, rel: str) -> bool:
        if self.only is None:
            return True
        return rel in self.only or any(p.endswith("/") and rel.startswith(p) for p in self.only)

    @property
    def prefix(self) -> str:
        """The root as the current folder sees it, "" or ending in "/"."""
        if self.given_absolute:
            return self.root.resolve().as_posix() + "/"
        rel = os.path.relpath(self.root).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"

    @property
    def json_root(self) -> str:
        return self.prefix.rstrip("/") or "."


def projects_of(paths: list[str]) -> list[CheckedProject]:
    """The projects the checked paths belong to, in the order first given."""
    out: dict[Path, CheckedProject] = {}
    for raw in paths:
        root, only = project_of(Path(raw))
        key = root.resolve()
        project = out.get(key)
        if project is None:
            project = out[key] = CheckedProject(root, os.path.isabs(raw))
        if only is None:
            project.only = None
        elif project.only is not None:
            project.only.add(only)
    return list(out.values())


def report_part(
    project: CheckedProject,
    diagnostics: list[Diagnostic],
    files: list[str],
    min_severity: str,
) -> ReportPart:
    """The part of a check's result the project's paths cover, at `min_severity` or more."""
    shown: list[Diagnostic] = []
    hidden: Counter[str] = Counter()
    for d in diagnostics:
        if not project.covers(d.path):
            continue
        if at_least(d.severity, min_severity):
            shown.append(d)
        else:
            hidden[d.severity] += 1
    covered = sum(1 for f in files if project.covers(f))
    return ReportPart(
        shown, covered, project.prefix, project.json_root, project.root.resolve(), hidden
    )
