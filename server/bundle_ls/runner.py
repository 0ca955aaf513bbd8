"""The batch check of a Config Directory: discover, analyse in parallel, index, cross-check."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .analysis import FileFacts, analyze, decode
from .index import ProjectIndex
from .model import Diagnostic
from .project import ProjectConfig, discover
from .schemas import SchemaSet

# Below this many files a worker pool costs more than it saves.
PARALLEL_THRESHOLD = 40


@dataclass(slots=True)
class CheckResult:
    root: Path
    files: int
    diagnostics: list[Diagnostic]
    index: ProjectIndex


def read_facts(
    root: Path, rel: str, schemas: SchemaSet, installed: frozenset[str] | None
) -> FileFacts:
    """One file's facts from disk; an unreadable file becomes a diagnostic, never an exception."""
    full = root / rel
    kind = "csv" if rel.lower().endswith(".csv") else "yaml"
    try:
        if full.is_dir():
            raise IsADirectoryError(f"'{rel}' is a folder, not a file")
        data = full.read_bytes()
    except OSError as exc:
        facts = FileFacts(rel, kind)
        reason = exc.strerror or str(exc)
        facts.diagnostics.append(
            Diagnostic(rel, (0, 0, 0, 0), "error", "unreadable", f"cannot read this file: {reason}")
        )
        return facts
    text, problem = decode(rel, data)
    if text is None:
        facts = FileFacts(rel, kind)
        facts.diagnostics.append(problem)
        return facts
    _doc, facts = analyze(rel, text, schemas, installed, kind)
    return facts


# Worker state: each process loads the schema set once.
_worker: tuple[Path, SchemaSet, frozenset[str] | None] | None = None


def _init_worker(root: Path, folders: list[Path], installed: frozenset[str] | None) -> None:
    global _worker
    _worker = (root, SchemaSet.load(folders), installed)


def _work(rels: list[str]) -> list[FileFacts]:
    root, schemas, installed = _worker
    return [read_facts(root, rel, schemas, installed) for rel in rels]


def check_directory(
    root: Path,
    extra_schemas: list[Path] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Check one Config Directory. Raises ProjectError / InvalidSchema when it cannot run."""
    cfg = ProjectConfig.load(root, extra_schemas)
    schemas = cfg.load_schemas()
    rels = discover(cfg, schemas)
    jobs = jobs or os.cpu_count() or 1
    facts_list: list[FileFacts] = []
    if jobs > 1 and len(rels) >= PARALLEL_THRESHOLD:
        folders = [f for f in _schema_folders(cfg)]
        chunk = max(8, len(rels) // (jobs * 8))
        batches = [rels[i : i + chunk] for i in range(0, len(rels), chunk)]
        with ProcessPoolExecutor(
            jobs, initializer=_init_worker, initargs=(root, folders, cfg.modules)
        ) as pool:
            done = 0
            for batch in pool.map(_work, batches):
                facts_list.extend(batch)
                done += len(batch)
                if progress:
                    progress(done, len(rels))
    else:
        for i, rel in enumerate(rels):
            facts_list.append(read_facts(root, rel, schemas, cfg.modules))
            if progress:
                progress(i + 1, len(rels))
    index = ProjectIndex(root)
    for facts in facts_list:
        index.update(facts)
    diagnostics: list[Diagnostic] = []
    for rel in rels:
        diagnostics.extend(index.diagnostics(rel))
    return CheckResult(root, len(rels), diagnostics, index)


def _schema_folders(cfg: ProjectConfig) -> list[Path]:
    from .schemas import builtin_schema_dir

    return [builtin_schema_dir(), *cfg.schema_folders]
