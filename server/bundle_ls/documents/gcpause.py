"""No cyclic garbage collection while a whole file is analysed.

Parsing and checking a large file allocates hundreds of thousands of small objects (events,
nodes, ranges) that all stay alive until the analysis ends. The cyclic collector is triggered
by allocation counts, so it traverses these live objects again and again for nothing: on a
10,000-item file that was 45 % of the analysis. Pausing it for the duration of one analysis
and letting it run once afterwards does the same work once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # nested or concurrent pauses: the collector comes back when the last one ends
_was_enabled = False


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector inside the block (reference counting still frees memory)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
