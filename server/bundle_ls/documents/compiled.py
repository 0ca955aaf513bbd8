"""The compiled twin of the per-item analysis and of the facts' pickling, `bundle_ls._walkfast`
(server/bundle_ls/_native/walkfast.c), when it was built and not turned off with
BUNDLE_LS_NATIVE_WALK=0. Its users bind it (module_schemas/walk_native.py, batch/cache.py)."""

from __future__ import annotations

import os
from types import ModuleType


def walkfast() -> ModuleType | None:
    if os.environ.get("BUNDLE_LS_NATIVE_WALK", "1") == "0":
        return None
    try:
        from bundle_ls import _walkfast
    except ImportError:  # not built here: the Python paths run
        return None
    return _walkfast
