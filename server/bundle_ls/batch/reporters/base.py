"""What every output format of `--check` reports: the findings of each checked project.

Paths follow one convention: a finding's `path` is relative to its project's root (the
contract's JSON); what people read (text, GitHub) shows it from the current folder, and so
are the places a message names ("also defined at roles/other.csv:4"). With several
checked paths each keeps its own prefix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundle_ls.documents.model import SEVERITIES, Diagnostic
from bundle_ls.project.listing import ListedFile

# Severity names as the summary counts them.
COUNT_NAMES = {
    "error": "errors",
    "warning": "warnings",
    "information": "information",
    "hint": "hints",
}


def at_least(severity: str, minimum: str) -> bool:
    """Whether `severity` is `minimum` or more severe."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(minimum)


@dataclass(slots=True)
class ReportPart:
    """The findings of one checked project (a checked path, or the project around it)."""

    diagnostics: list[Diagnostic]
    files: int
    prefix: str = ""  # the root as the current folder sees it: "" or a path ending in "/"
    root: str = "."  # the same for JSON's `root` ("." for the current folder)
    base: Path | None = None  # the root, absolute (SARIF resolves from its repository)
    hidden: Counter[str] = field(default_factory=Counter)  # below --min-severity, by severity
    listing: list[ListedFile] | None = None  # --list-files
    # Objects per namespace and bundle (project/objects.py `object_counts`), for --format json.
    objects: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # what the check assumed, one line each

    def shown_path(self, path: str) -> str:
        return self.prefix + path

    def shown_message(self, d: Diagnostic) -> str:
        """The message with the places it names (the related files, the file's folders)
        shown from the current folder, like the finding's own path."""
        if not self.prefix:
            return d.message
        return _places_pattern(d).sub(lambda m: self.prefix + m.group(1), d.message)


def _places_pattern(d: Diagnostic) -> re.Pattern[str]:
    places = {r.path for r in d.related or ()} | {d.path}
    parts = d.path.split("/")
    places |= {"/".join(parts[:i]) + "/" for i in range(2, len(parts))}
    alternatives = "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
    # A place stands alone: not inside a longer path or word, followed by `:line`, a space,
    # punctuation or the end.
    return re.compile(rf"(?<![\w./-])({alternatives})(?=[:\s,;)'\"/]|$)")


@dataclass(slots=True)
class Report:
    """Diagnostics of one `--check` run, by checked project."""

    parts: list[ReportPart]
    statistics: bool = False  # --statistics: counts per code instead of each finding

    @classmethod
    def single(cls, diagnostics: list[Diagnostic], files: int, prefix: str = "") -> Report:
        return cls([ReportPart(diagnostics, files, prefix, prefix.rstrip("/") or ".")])

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for p in self.parts for d in p.diagnostics]

    @property
    def files(self) -> int:
        return sum(p.files for p in self.parts)

    def entries(self) -> Iterator[tuple[ReportPart, Diagnostic]]:
        for part in self.parts:
            for d in part.diagnostics:
                yield part, d

    def counts(self) -> dict[str, int]:
        c = dict.fromkeys(COUNT_NAMES.values(), 0)
        for d in self.diagnostics:
            c[COUNT_NAMES[d.severity]] += 1
        return c

    def hidden(self) -> Counter[str]:
        """Findings left out by --min-severity, by severity."""
        out: Counter[str] = Counter()
        for p in self.parts:
            out.update(p.hidden)
        return out

    def per_code(self) -> list[tuple[str, str, int]]:
        """(code, severity, count) of the reported findings, most frequent first."""
        counts = Counter((d.code, d.severity) for d in self.diagnostics)
        return sorted(
            ((code, sev, n) for (code, sev), n in counts.items()),
            key=lambda t: (-t[2], SEVERITIES.index(t[1]), t[0]),
        )


def summary_line(report: Report) -> str:
    """`1 error, 2 warnings, 3 hints in 12 files (75 hints not shown: --min-severity hint)`."""
    c = report.counts()
    parts = [
        f"{c['errors']} error{'s' * (c['errors'] != 1)}",
        f"{c['warnings']} warning{'s' * (c['warnings'] != 1)}",
    ]
    if c["information"]:
        parts.append(f"{c['information']} information")
    if c["hints"]:
        parts.append(f"{c['hints']} hint{'s' * (c['hints'] != 1)}")
    line = f"{', '.join(parts)} in {report.files} file{'s' * (report.files != 1)}"
    hidden = report.hidden()
    if hidden:
        shown = [f"{n} {_plural(sev, n)}" for sev, n in sorted(hidden.items(), key=_rank)]
        lowest = max(hidden, key=SEVERITIES.index)
        line += f" ({', '.join(shown)} not shown: --min-severity {lowest})"
    return line


def _rank(item: tuple[str, int]) -> int:
    return SEVERITIES.index(item[0])


def _plural(severity: str, n: int) -> str:
    if severity == "information":
        return severity
    return severity + "s" * (n != 1)
