from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bundle_ls.documents.model import Diagnostic


@dataclass(slots=True)
class Report:
    """Diagnostics of one `--check` run; paths are relative to the checked directory."""

    diagnostics: list[Diagnostic]
    files: int
    # Prefix that makes a diagnostic's path usable from the current folder (text, github).
    display_prefix: str = ""
    # Objects per namespace and per bundle (project/objects.py `object_counts`), for --format json.
    objects: dict[str, Any] | None = None

    def counts(self) -> dict[str, int]:
        c = {"errors": 0, "warnings": 0, "information": 0, "hints": 0}
        names = {
            "error": "errors",
            "warning": "warnings",
            "information": "information",
            "hint": "hints",
        }
        for d in self.diagnostics:
            c[names[d.severity]] += 1
        return c

    def shown_path(self, path: str) -> str:
        return self.display_prefix + path
