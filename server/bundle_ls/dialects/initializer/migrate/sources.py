"""The files to migrate, in load order, from the SOURCE arguments.

A SOURCE is a DBUnit flat XML dataset (`*.xml`), a Metadata Sharing package (`*.zip`) or a
folder of them (read recursively). The load order is the order of the arguments, and inside
a folder the order of the files' relative paths: the Java code that loads a module's
datasets fixes its own order, which no file records, so passing the files one by one is the
way to reproduce it. Every file is named by its path relative to the sources' common
parent folder, so that the report is the same on every machine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DBUNIT = "dbunit"
MDS = "mds"
KINDS = {".xml": DBUNIT, ".zip": MDS}


class SourceError(Exception):
    """A SOURCE argument that cannot be migrated; the message is one line."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str  # posix path relative to the sources' common parent
    kind: str  # DBUNIT or MDS


@dataclass(slots=True)
class Sources:
    files: list[SourceFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files in a folder of another kind


def _kind(path: Path) -> str | None:
    return KINDS.get(path.suffix.lower())


def _walk(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath, f) for f in filenames if not f.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def discover(arguments: Sequence[Path]) -> Sources:
    """The source files in load order; SourceError for a missing path or a file of no known kind."""
    if not arguments:
        raise SourceError("no SOURCE given")
    resolved = []
    for arg in arguments:
        if not arg.exists():
            raise SourceError(f"{arg}: no such file or folder")
        if arg.is_file() and _kind(arg) is None:
            raise SourceError(
                f"{arg}: not a DBUnit dataset (.xml) nor a Metadata Sharing package (.zip)"
            )
        resolved.append(arg.resolve())
    base = Path(os.path.commonpath([p.parent for p in resolved]))
    sources = Sources()
    seen: set[Path] = set()
    for arg in resolved:
        for path in _walk(arg) if arg.is_dir() else [arg]:
            display = path.relative_to(base).as_posix()
            kind = _kind(path)
            if kind is None:
                sources.ignored.append(display)
            elif path not in seen:
                seen.add(path)
                sources.files.append(SourceFile(path, display, kind))
    return sources
