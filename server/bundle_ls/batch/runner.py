"""The batch check of a Config Directory: discover, analyse in parallel, index, cross-check.

1. Discover the config files and read them (bytes), hashing each one.
2. Take every file whose (path, content hash) is in the facts cache (cache.py) from there.
3. Analyse the rest (parse, validate, collect facts: analysis.py) in a pool of worker
   processes, one per core, largest files first so that no core idles at the end; a
   small amount of work stays in this process, where a pool would cost more than it saves.
4. Build the project index from all facts and run the cross-file checks per file.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bundle_ls.batch.cache import FactsCache, content_digest, context_fingerprint, dumps, loads
from bundle_ls.dialects.module_schemas.analysis import FileFacts, analyze, decode
from bundle_ls.dialects.module_schemas.schemas import SchemaSet
from bundle_ls.documents.model import Diagnostic
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.config import ProjectConfig, discover

# Below this much work (bytes to analyse) a worker pool costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024
PARALLEL_MIN_FILES = 4
# Work is cut into about this many tasks per worker, to balance the load.
TASKS_PER_WORKER = 6


@dataclass(slots=True)
class CheckResult:
    root: Path
    files: int
    diagnostics: list[Diagnostic]
    index: ProjectIndex
    cached: int = 0  # files whose facts came from the cache


def _unreadable(rel: str, kind: str, exc: OSError) -> FileFacts:
    facts = FileFacts(rel, kind)
    reason = exc.strerror or str(exc)
    facts.diagnostics.append(
        Diagnostic(rel, (0, 0, 0, 0), "error", "unreadable", f"cannot read this file: {reason}")
    )
    return facts


def _kind(rel: str) -> str:
    return "csv" if rel.lower().endswith(".csv") else "yaml"


def _read(root: Path, rel: str) -> bytes:
    full = root / rel
    if full.is_dir():
        raise IsADirectoryError(f"'{rel}' is a folder, not a file")
    return full.read_bytes()


def facts_from_bytes(
    rel: str, data: bytes, schemas: SchemaSet, installed: frozenset[str] | None
) -> FileFacts:
    """One file's facts from its bytes; a file that is not UTF-8 becomes a diagnostic."""
    kind = _kind(rel)
    text, problem = decode(rel, data)
    if text is None:
        facts = FileFacts(rel, kind)
        facts.diagnostics.append(problem)
        return facts
    _doc, facts = analyze(rel, text, schemas, installed, kind)
    return facts


def read_facts(
    root: Path, rel: str, schemas: SchemaSet, installed: frozenset[str] | None
) -> FileFacts:
    """One file's facts from disk; an unreadable file becomes a diagnostic, never an exception."""
    try:
        data = _read(root, rel)
    except OSError as exc:
        return _unreadable(rel, _kind(rel), exc)
    return facts_from_bytes(rel, data, schemas, installed)


# Worker state: the schema set, inherited from the parent (fork) or loaded once per worker.
_worker: tuple[SchemaSet, frozenset[str] | None] | None = None


def _init_worker(folders: list[Path] | None, installed: frozenset[str] | None) -> None:
    global _worker
    if folders is not None:  # spawned: load the schema set here, once
        _worker = (SchemaSet.load(folders), installed)


def _work(batch: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Facts of a batch of files, each pickled once: the blob goes to the index and the cache."""
    schemas, installed = _worker
    with no_gc():
        return [
            (rel, dumps(facts_from_bytes(rel, data, schemas, installed))) for rel, data in batch
        ]


@contextmanager
def no_gc():
    """Bulk work without the cyclic garbage collector, which would otherwise re-scan the
    millions of young objects a large directory makes (4-5x the cost of unpickling the
    cached facts, a good part of parsing). Nothing here makes reference cycles of note, so
    at the end what was made is frozen (left to reference counting) rather than scanned."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


def _batches(todo: list[tuple[str, bytes]], jobs: int) -> list[list[tuple[str, bytes]]]:
    """Cut the work into tasks of similar size, largest first (greedy bin packing)."""
    todo = sorted(todo, key=lambda t: len(t[1]), reverse=True)
    total = sum(len(d) for _r, d in todo)
    target = max(1, total // (jobs * TASKS_PER_WORKER))
    out: list[list[tuple[str, bytes]]] = []
    cur: list[tuple[str, bytes]] = []
    size = 0
    for item in todo:
        cur.append(item)
        size += len(item[1])
        if size >= target:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def _analyse_parallel(
    todo: list[tuple[str, bytes]],
    jobs: int,
    schemas: SchemaSet,
    cfg: ProjectConfig,
    tick: Callable[[int], None],
) -> dict[str, tuple[FileFacts, bytes]]:
    global _worker
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:  # children inherit the loaded schema set: nothing to reload
        ctx = multiprocessing.get_context("fork")
        _worker = (schemas, cfg.modules)
        initargs = (None, cfg.modules)
    else:  # pragma: no cover - platforms without fork
        ctx = multiprocessing.get_context()
        initargs = (_schema_folders(cfg), cfg.modules)
    out: dict[str, tuple[FileFacts, bytes]] = {}
    try:
        with ProcessPoolExecutor(
            jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs
        ) as pool:
            pending = {pool.submit(_work, b) for b in _batches(todo, jobs)}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    batch = fut.result()
                    for rel, blob in batch:
                        out[rel] = (loads(blob), blob)
                    tick(len(batch))
    finally:
        _worker = None
    return out


def analyse_files(
    root: Path,
    rels: list[str],
    schemas: SchemaSet,
    cfg: ProjectConfig,
    jobs: int | None = None,
    cache: bool = False,
    tick: Callable[[int], None] | None = None,
) -> tuple[dict[str, FileFacts], int]:
    """The facts of these files from disk: from the cache where the content is unchanged,
    else analysed, in worker processes when there is enough work. Returns the facts by
    path and how many came from the cache. `tick(n)` is called as files are done."""
    jobs = jobs or os.cpu_count() or 1
    tick = tick or (lambda _n: None)
    store = FactsCache.open(root, context_fingerprint(schemas, cfg.modules)) if cache else None
    facts_by_rel: dict[str, FileFacts] = {}
    todo: list[tuple[str, bytes]] = []
    digests: dict[str, bytes] = {}
    for rel in rels:
        try:
            data = _read(root, rel)
        except OSError as exc:
            facts_by_rel[rel] = _unreadable(rel, _kind(rel), exc)
            continue
        if store is not None:
            digest = digests[rel] = content_digest(data)
            hit = store.get(rel, digest)
            if hit is not None:
                facts_by_rel[rel] = hit
                continue
        todo.append((rel, data))
    if len(facts_by_rel):
        tick(len(facts_by_rel))
    work_bytes = sum(len(d) for _r, d in todo)
    if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES and work_bytes >= PARALLEL_MIN_BYTES:
        fresh = _analyse_parallel(todo, jobs, schemas, cfg, tick)
    else:
        fresh = {}
        for rel, data in todo:
            facts = facts_from_bytes(rel, data, schemas, cfg.modules)
            fresh[rel] = (facts, dumps(facts) if store is not None else b"")
            tick(1)
    for rel, (facts, blob) in fresh.items():
        facts_by_rel[rel] = facts
        if store is not None:
            store.put(rel, digests[rel], blob)
    if store is not None:
        store.save(keep=set(rels))
    return facts_by_rel, store.hits if store is not None else 0


def check_directory(
    root: Path,
    extra_schemas: list[Path] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: bool = False,
) -> CheckResult:
    """Check one Config Directory. Raises ProjectError / InvalidSchema when it cannot run.

    `cache=True` reuses and updates the on-disk facts cache (cache.py); the command line
    turns it on, library callers (tests, the server) get a fresh analysis by default.
    """
    cfg = ProjectConfig.load(root, extra_schemas)
    schemas = cfg.load_schemas()
    rels = discover(cfg, schemas)
    jobs = jobs or os.cpu_count() or 1
    total = len(rels)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    with no_gc():
        facts_by_rel, cached = analyse_files(root, rels, schemas, cfg, jobs, cache, tick)
        index = ProjectIndex(root)
        add = getattr(index, "_add", None)  # batch: nothing to re-publish, skip the bookkeeping
        for rel in rels:
            facts = facts_by_rel[rel]
            if add is not None and rel not in index.files:
                add(facts)
            else:
                index.update(facts)
        if add is not None and hasattr(index, "generation"):
            index.generation += 1  # what checks cached from the index must be rebuilt
        diagnostics: list[Diagnostic] = []
        for rel in rels:
            diagnostics.extend(index.diagnostics(rel))
    return CheckResult(root, total, diagnostics, index, cached)


def _schema_folders(cfg: ProjectConfig) -> list[Path]:
    from bundle_ls.dialects.module_schemas.schemas import builtin_schema_dir

    return [builtin_schema_dir(), *cfg.schema_folders]
