"""When an edited document is re-checked, and when its diagnostics are published.

No fixed delay: an edit inside one YAML item or some CSV rows is re-checked at the next
turn of the event loop (a few milliseconds: `Workspace.flush` re-analyses only that part)
and the document's diagnostics are published as soon as that is done, after one gap of
`PUBLISH_GAP_S` in which a request already sent is answered first (publishing computes
the document's cross-file checks). Edits handled before that turn are re-checked once,
together.

Only a whole-file re-analysis (an edit that breaks the YAML, spans items, changes a CSV
header) may wait, and only when it is expensive: one that took, or is estimated to take,
more than `INLINE_S` runs in a worker thread after the document has been left alone for
its own cost, at most `diagnosticsDelay` milliseconds. An edit made while it waits
restarts the wait; an edit made while it runs supersedes it (its result is dropped, and
one analysis of the latest text follows, not one per edit).

Requests (hover, definition …) never wait for any of this: `answer_from_last_state`
applies a pending edit only when that is a partial re-check, publishes after answering,
and leaves a document whose whole-file analysis is due to answer from its last analysis.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import TYPE_CHECKING

from bundle_ls.lsp.publishing import PUBLISH_GAP_S, publish_affected

if TYPE_CHECKING:
    from bundle_ls.lsp.server import BundleServer

log = logging.getLogger("bundle_ls.server")

# A whole-file analysis estimated to take longer than this runs in a worker thread.
INLINE_S = 0.05
# Until a document's analysis has been timed: its cost estimated from its length (measured
# on 10,000-item module-schema files: about 25 µs a line).
SECONDS_PER_LINE = 25e-6
# After this much whole-file work the new objects are frozen out of the collector's way.
FREEZE_AFTER_S = 0.1


class Rechecks:
    """Per document: at most one re-check scheduled, and at most one whole-file analysis
    running in a worker thread."""

    def __init__(self, ls: BundleServer) -> None:
        self.ls = ls
        self.scheduled: dict[str, asyncio.Handle] = {}
        self.waiting: set[str] = set()  # of `scheduled`: a whole-file analysis's delay
        self.running: dict[str, int] = {}  # document → edit count of the text in the thread
        self.cost: dict[str, float] = {}  # document → seconds its last whole-file analysis took
        self.publishing: dict[str, tuple[asyncio.TimerHandle, set[str]]] = {}  # due, affected

    # ---- state ---------------------------------------------------------------------------

    def pending(self) -> list[str]:
        return [*self.scheduled, *(r for r in self.running if r not in self.scheduled)]

    def forget(self, rel: str) -> None:
        """Nothing more to do for the document (closed, or re-checked by a request)."""
        handle = self.scheduled.pop(rel, None)
        if handle is not None:
            handle.cancel()
        self.waiting.discard(rel)
        self.running.pop(rel, None)  # its result is dropped: `_analysed` checks this
        if self.ls.ws is not None:
            self.ls.ws.deferred.discard(rel)

    def cancel_all(self) -> None:
        for handle in self.scheduled.values():
            handle.cancel()
        for handle, _affected in self.publishing.values():
            handle.cancel()
        self.publishing.clear()
        self.scheduled.clear()
        self.waiting.clear()
        self.running.clear()

    def estimate(self, rel: str) -> float:
        """Seconds a whole-file analysis of the document takes: as last measured, else
        estimated from its length."""
        got = self.cost.get(rel)
        if got is not None:
            return got
        st = self.ls.ws.docs.get(rel) if self.ls.ws is not None else None
        n = len(st.lines) if st is not None and st.lines is not None else 0
        return n * SECONDS_PER_LINE

    # ---- edits ---------------------------------------------------------------------------

    def changed(self, rel: str) -> None:
        """An edit has been applied to the document's text."""
        if rel in self.running:
            return  # superseded: `_analysed` drops the result and starts one more analysis
        if rel in self.waiting:
            self._wait_for_full(rel)  # left alone for less time than its cost: wait again
            return
        if rel not in self.scheduled:
            self.scheduled[rel] = asyncio.get_running_loop().call_soon(self.recheck, rel)

    def recheck(self, rel: str) -> None:
        self.scheduled.pop(rel, None)
        self.waiting.discard(rel)
        ws = self.ls.ws
        try:
            if ws is None or not ws.is_dirty(rel) or rel in self.running:
                return
            if ws.tree_job(rel) is not None:
                return  # its tree is being built; that re-checks the edits when done
            cheap = self.estimate(rel) <= INLINE_S
            t0 = time.perf_counter()
            result = ws.flush(rel, allow_full=cheap)
            if result is None:
                self._wait_for_full(rel)
                return
            if not result.incremental:
                self.cost[rel] = time.perf_counter() - t0
            self.publish(rel, result.affected)
        except Exception:  # noqa: BLE001
            log.exception("re-checking %s failed", rel)

    def publish(self, rel: str, affected: set[str]) -> None:
        """Publish a re-checked document (and queue the other files it affects) after one
        short gap, in which a request already sent (a hover right after the keystroke) is
        read and answered first: it does not wait for the document's cross-file checks,
        which publishing computes. Publications due meanwhile are made once."""
        pending = self.publishing.get(rel)
        if pending is not None:
            pending[1].update(affected)
            return
        loop = asyncio.get_running_loop()
        handle = loop.call_later(PUBLISH_GAP_S, self._publish_now, rel)
        self.publishing[rel] = (handle, set(affected) | {rel})

    def _publish_now(self, rel: str) -> None:
        _handle, affected = self.publishing.pop(rel)
        try:
            publish_affected(self.ls, affected, edited=rel)
        except Exception:  # noqa: BLE001
            log.exception("publishing %s failed", rel)

    def _wait_for_full(self, rel: str) -> None:
        """Start the document's whole-file analysis once it has been left alone for as long
        as the analysis takes (at most the `diagnosticsDelay` setting)."""
        old = self.scheduled.pop(rel, None)
        if old is not None:
            old.cancel()
        self.ls.ws.deferred.add(rel)
        delay = min(self.estimate(rel), self.ls.settings.diagnostics_delay_ms / 1000)
        self.waiting.add(rel)
        loop = asyncio.get_running_loop()
        self.scheduled[rel] = loop.call_later(delay, self.analyse_in_background, rel)

    def analyse_in_background(self, rel: str) -> None:
        """The whole-file analysis in a worker thread, so requests are answered meanwhile."""
        self.scheduled.pop(rel, None)
        self.waiting.discard(rel)
        ws = self.ls.ws
        snap = ws.snapshot(rel) if ws is not None else None
        if snap is None or not ws.is_dirty(rel):
            return
        seq, text = snap
        self.running[rel] = seq
        t0 = time.perf_counter()
        future = asyncio.get_running_loop().run_in_executor(
            self.ls.thread_pool, ws.analyze_text, rel, text
        )
        future.add_done_callback(lambda fut: self._analysed(ws, rel, seq, t0, fut))

    def _analysed(self, ws, rel: str, seq: int, t0: float, fut: asyncio.Future) -> None:
        ls = self.ls
        if self.running.get(rel) != seq or ls.ws is not ws:
            return  # forgotten meanwhile (closed, re-indexed)
        del self.running[rel]
        try:
            doc, facts = fut.result()
            self.cost[rel] = time.perf_counter() - t0
            affected = ws.apply_full(rel, seq, doc, facts)
            if affected is None:  # edited while it ran: analyse the latest text
                if ws.is_dirty(rel):
                    self._wait_for_full(rel)
                return
            ws.deferred.discard(rel)
            settle(ls, rel, self.cost[rel])
            self.publish(rel, affected)
        except Exception:  # noqa: BLE001
            ws.deferred.discard(rel)
            log.exception("re-checking %s failed", rel)

    # ---- requests ------------------------------------------------------------------------

    def answer_from_last_state(self, rel: str, force: bool = False) -> None:
        """Before a request reads the document: apply its pending edit when that is a
        partial re-check (cheap, and it keeps positions right), publishing later. A
        whole-file analysis is not waited for (`force`, for a rename: it is)."""
        ws = self.ls.ws
        if ws is None or not ws.is_dirty(rel):
            return
        if not force and (rel in self.running or rel in self.waiting):
            return  # due for a whole-file analysis: answer from the last one
        if not force and ws.tree_job(rel) is not None:
            return
        if force:
            self.forget(rel)
        result = ws.flush(rel, allow_full=force or self.estimate(rel) <= INLINE_S)
        if result is None:
            self._wait_for_full(rel)
            return
        handle = self.scheduled.pop(rel, None)
        if handle is not None:
            handle.cancel()
        self.publish(rel, result.affected)  # after the request is answered


def settle(ls: BundleServer, rel: str, cost: float) -> None:
    """After a long whole-file analysis: move what it built out of the cyclic collector's
    way (as after indexing), so that no full collection over those objects lands on a
    later keystroke. The model holds almost no reference cycles, so this keeps next to no
    garbage."""
    if cost >= FREEZE_AFTER_S:
        gc.freeze()
