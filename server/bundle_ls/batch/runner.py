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
import sys
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bundle_ls.batch.cache import FactsCache, content_digest, context_fingerprint, dumps, loads
from bundle_ls.batch.replay import ResultStore, tree_state, watched_files
from bundle_ls.documents.facts import FileFacts
from bundle_ls.documents.gcpause import no_cyclic_gc
from bundle_ls.documents.ignores import drop_ignored, lines_on_disk
from bundle_ls.documents.model import Diagnostic
from bundle_ls.index.project_index import ProjectIndex
from bundle_ls.project.analysis import facts_from_bytes, read_bytes, unreadable
from bundle_ls.project.config import ProjectConfig
from bundle_ls.project.context import AnalysisContext, build_context, load_context
from bundle_ls.project.discovery import discover

# Below this much work (bytes to analyse) a worker pool costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024
PARALLEL_MIN_FILES = 4
# A task takes 1/(workers * TASK_SHARE) of the work left, and no less than
# 1/(workers * SMALLEST_TASK_SHARE) of all of it (_batches).
TASK_SHARE = 2
SMALLEST_TASK_SHARE = 16
# The phases `check_directory` reports progress of.
ANALYSING = "analysing"
CROSS_CHECKING = "cross-file checks"


@dataclass(slots=True)
class CheckResult:
    root: Path
    files: int
    diagnostics: list[Diagnostic]
    index: ProjectIndex
    context: AnalysisContext
    cached: int = 0  # files whose facts came from the cache
    replayed: bool = False  # the last result, replayed (`index` then lists files, no facts)


# Worker state: the analysis context, inherited from the parent (fork) or built once per
# worker from the project's config (spawn).
_worker: AnalysisContext | None = None


def _init_worker(cfg: ProjectConfig | None) -> None:
    global _worker
    if cfg is not None:  # spawned: configure the dialects here, once
        _worker = build_context(cfg)


def _work(batch: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Facts of a batch of files, each pickled once: the blob goes to the index and the cache."""
    ctx = _worker
    with no_gc():
        return [(rel, dumps(facts_from_bytes(ctx, rel, data))) for rel, data in batch]


@contextmanager
def no_gc():
    """Bulk work without the cyclic garbage collector, which would otherwise re-scan the
    millions of young objects a large directory makes (4-5x the cost of unpickling the
    cached facts, a good part of parsing). Nothing here makes reference cycles of note, so
    at the end what was made is frozen (left to reference counting) rather than scanned,
    before the collector is back (else its first run scans it all once)."""
    with no_cyclic_gc():
        try:
            yield
        finally:
            gc.freeze()


def _batches(todo: list[tuple[str, bytes]], jobs: int) -> list[list[tuple[str, bytes]]]:
    """Cut the work into tasks, largest files first, each task a share of the work still
    left (guided self-scheduling): the first tasks are big, so few results cross back one
    by one; the last are small, so no core idles while another finishes a big one (bytes
    are only an estimate of the work: a CSV row costs more per byte than YAML)."""
    todo = sorted(todo, key=lambda t: len(t[1]), reverse=True)
    left = sum(len(d) for _r, d in todo)
    smallest = max(1, left // (jobs * SMALLEST_TASK_SHARE))
    out: list[list[tuple[str, bytes]]] = []
    cur: list[tuple[str, bytes]] = []
    size = 0
    for item in todo:
        cur.append(item)
        size += len(item[1])
        if size >= max(smallest, left // (jobs * TASK_SHARE)):
            out.append(cur)
            left -= size
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def _analyse_parallel(
    todo: list[tuple[str, bytes]],
    jobs: int,
    ctx: AnalysisContext,
    tick: Callable[[int], None],
    start_method: str | None = None,
) -> dict[str, tuple[FileFacts, bytes]]:
    global _worker
    method = start_method or ("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    mp = multiprocessing.get_context(method)
    if mp.get_start_method() == "fork":  # children inherit the context: nothing to rebuild
        _worker = ctx
        initargs: tuple = (None,)
    else:  # spawn (Windows, macOS' default): each worker builds it from the config
        initargs = (ctx.config,)
    out: dict[str, tuple[FileFacts, bytes]] = {}
    try:
        with ProcessPoolExecutor(
            jobs, mp_context=mp, initializer=_init_worker, initargs=initargs
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


def read_files(root: Path, rels: list[str]) -> dict[str, bytes | OSError]:
    """Every file's bytes (or why it cannot be read), read once for the result's key and
    the analysis alike."""
    out: dict[str, bytes | OSError] = {}
    for rel in rels:
        try:
            out[rel] = read_bytes(root, rel)
        except OSError as exc:
            out[rel] = exc
    return out


def _saved(saving: Future) -> None:
    exc = saving.exception()
    if exc is not None:  # a cache that cannot be written only costs time; say why
        print(f"bundle-ls: the facts cache was not written: {exc!r}", file=sys.stderr)


def analyse_files(
    ctx: AnalysisContext,
    rels: list[str],
    jobs: int | None = None,
    cache: bool = False,
    tick: Callable[[int], None] | None = None,
    start_method: str | None = None,
    read: dict[str, bytes | OSError] | None = None,
    digests: dict[str, bytes] | None = None,
    background: Executor | None = None,
) -> tuple[dict[str, FileFacts], int]:
    """The facts of these files from disk: from the cache where the content is unchanged,
    else analysed, in worker processes when there is enough work. Returns the facts by
    path and how many came from the cache. `tick(n)` is called as files are done. `read`
    and `digests`: the files' bytes and content digests when the caller has them.
    `background`: where the cache is written while the caller goes on (it waits for it)."""
    jobs = jobs or os.cpu_count() or 1
    tick = tick or (lambda _n: None)
    store = FactsCache.open(ctx.root, context_fingerprint(ctx)) if cache else None
    facts_by_rel: dict[str, FileFacts] = {}
    todo: list[tuple[str, bytes]] = []
    digests = {} if digests is None else digests
    for rel in rels:
        data = read.get(rel) if read is not None else None
        if data is None:
            data = read_files(ctx.root, [rel])[rel]
        if isinstance(data, OSError):
            facts_by_rel[rel] = unreadable(rel, data)
            continue
        if store is not None:
            digest = digests.get(rel)
            if digest is None:
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
        fresh = _analyse_parallel(todo, jobs, ctx, tick, start_method)
    else:
        fresh = {}
        for rel, data in todo:
            facts = facts_from_bytes(ctx, rel, data)
            fresh[rel] = (facts, dumps(facts) if store is not None else b"")
            tick(1)
    for rel, (facts, blob) in fresh.items():
        facts_by_rel[rel] = facts
        if store is not None:
            store.put(rel, digests[rel], blob)
    if store is not None and background is not None:
        # hashing and writing release the GIL: the cross-file checks run meanwhile
        background.submit(store.save, set(rels)).add_done_callback(_saved)
    elif store is not None:
        store.save(set(rels))
    return facts_by_rel, store.hits if store is not None else 0


def check_directory(
    root: Path,
    extra_schemas: list[Path] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cache: bool = False,
    start_method: str | None = None,
) -> CheckResult:
    """Check one Config Directory. Raises ProjectError / InvalidSchema when it cannot run.

    `progress(done, total, phase)` is called as files are analysed (phase `ANALYSING`),
    then as their cross-file checks are done (`CROSS_CHECKING`).

    `cache=True` reuses and updates the on-disk facts cache (cache.py); the command line
    turns it on, library callers (tests, the server) get a fresh analysis by default.
    `start_method` ("fork", "spawn") chooses how worker processes start.
    """
    ctx = load_context(root, extra_schemas)
    rels = discover(ctx)
    jobs = jobs or os.cpu_count() or 1
    total = len(rels)
    store = ResultStore.open(root, context_fingerprint(ctx)) if cache else None
    read = read_files(root, rels) if store is not None else None
    digests = (
        {r: content_digest(d) for r, d in read.items() if isinstance(d, bytes)} if read else {}
    )
    key = tree_state(root, rels, read, digests) if store is not None else b""
    last = store.load(key) if store is not None else None
    if last is not None:
        if progress:
            progress(total, total, ANALYSING)
        files, diagnostics, _checked = last
        # The index as the run left it, from the facts cache (its consumers, object
        # counts say, read it); no analysis and no cross-file check runs again.
        with no_gc():
            facts_by_rel, cached = analyse_files(
                ctx, rels, jobs, True, None, start_method, read, digests
            )
            index = ProjectIndex(root, ctx.cross_checks, ctx.reads)
            for rel in rels:
                index.add(facts_by_rel[rel])
            index.generation += 1
        return CheckResult(root, files, diagnostics, index, ctx, cached, True)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total, ANALYSING)

    with no_gc(), ThreadPoolExecutor(1) as background:
        facts_by_rel, cached = analyse_files(
            ctx, rels, jobs, cache, tick, start_method, read, digests, background
        )
        index = ProjectIndex(root, ctx.cross_checks, ctx.reads)
        for rel in rels:  # a batch: nothing to re-publish, so no update bookkeeping
            index.add(facts_by_rel[rel])
        index.generation += 1  # what checks cached from the index must be rebuilt
        for dialect in ctx.dialects:
            dialect.prepare_checks(index, rels)
        diagnostics: list[Diagnostic] = ctx.settings_diagnostics()
        for i, rel in enumerate(rels, 1):
            diagnostics.extend(index.diagnostics(rel))
            if progress:
                progress(i, total, CROSS_CHECKING)
    kept = drop_ignored(ctx.policy.apply(diagnostics), lines_on_disk(root, read, commented=True))
    result = CheckResult(root, total, kept, index, ctx, cached)
    if store is not None:
        watched = watched_files(root, list(index.files.values()))
        checked = [(f.path, f.kind, f.dialect) for f in index.files.values()]
        store.save(key, total, result.diagnostics, watched, checked)
    return result
