"""`run(sources, out)`: read, join, write the Initializer folders and MIGRATION.md, check them."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import writers
from .build import Options, build
from .dbunit import read_dataset, refresh
from .ledger import Ledger, Row
from .mds import read_package
from .model import Model
from .report import MARKER, TableCount, render, table_counts
from .sources import DBUNIT, discover
from .xmlsafe import XmlError, parse

REPORT = "MIGRATION.md"
UNSETTLED = "(internal) no rule settled this row"


class OutputError(Exception):
    """The output folder cannot be written; the message is one line."""


@dataclass(slots=True)
class MigrationResult:
    out: Path
    files: dict[str, int]  # written CSV (posix path under out) -> rows
    counts: dict[tuple[str, str], TableCount]  # (source, table) -> rows read/written/not migrated
    ledger: Ledger
    model: Model
    check: Any = None  # what the check of the output found (`.diagnostics`, `.files`)
    external: dict[str, list[str]] = field(default_factory=dict)


def _prepare(out: Path) -> None:
    """An empty or new folder, or the output of an earlier run (whose files are replaced)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: not a folder")
    if not out.exists():
        out.mkdir(parents=True)
        return
    entries = list(out.iterdir())
    if not entries:
        return
    report = out / REPORT
    ours = report.is_file() and report.read_text(encoding="utf-8", errors="replace").startswith(
        MARKER
    )
    domains = set(writers.DOMAINS) | {"concepts"}
    foreign = [
        e.name
        for e in entries
        if e != report
        and not (
            e.is_dir()
            and e.name in domains
            and all(f.is_file() and f.name == f"{e.name}.csv" for f in e.iterdir())
        )
    ]
    if not ours or foreign:
        raise OutputError(f"{out}: not empty and not the output of an earlier migrate run")
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _read(sources: Sequence, ledger: Ledger) -> list[Row]:
    rows: list[Row] = []
    for src in sources:
        try:
            if src.kind == DBUNIT:
                root = parse(src.path.read_bytes(), src.display)
                rows.extend(read_dataset(root, src.display, len(rows)))
            else:
                rows.extend(read_package(src.path, src.display, len(rows)))
        except (XmlError, OSError) as exc:
            ledger.unreadable.append((src.display, str(exc)))
    return rows


def run(
    sources: Sequence[Path],
    out: Path,
    options: Options | None = None,
    check: Callable[[Path], Any] | None = None,
) -> MigrationResult:
    """Migrate the sources into Initializer folders under `out`, then `check(out)` (the
    batch check of a directory) when given.

    Raises SourceError (from sources.py) or OutputError when it cannot run.
    """
    options = options or Options()
    found = discover(sources)
    _prepare(out)
    ledger = Ledger()
    tables = refresh(_read(found.files, ledger), ledger)
    model, builder = build(tables, ledger, options)
    for entities in model.domains.values():
        for entity in entities:
            ledger.written(entity.rows[0])
    for row in ledger.rows.values():
        if not ledger.settled(row):
            ledger.not_migrated(row, UNSETTLED)
    files: dict[str, int] = {}
    for domain, table in sorted(writers.tables(model).items()):
        rel = f"{domain}/{domain}.csv"
        (out / domain).mkdir(exist_ok=True)
        (out / rel).write_bytes(writers.csv_text(table).encode("utf-8"))
        files[rel] = len(table.rows)
    external = {
        "privileges named by roles, encounter types or person attribute types": sorted(
            builder.external_privileges
        ),
        "roles inherited": sorted(builder.external_roles),
        "concepts referred to by their CIEL uuid (`--external-concepts ciel`)": sorted(
            builder.external_concepts, key=int
        ),
    }
    text = render(found.files, found.ignored, ledger, files, external)
    (out / REPORT).write_bytes(text.encode("utf-8"))
    result = MigrationResult(out, files, table_counts(ledger), ledger, model, external=external)
    if check is not None:
        result.check = check(out)
    return result
