"""Every handler is isolated: one that fails logs the error and answers a default; the
server keeps running and the other features are untouched."""

from __future__ import annotations

import functools
import logging

from pygls.exceptions import JsonRpcException

log = logging.getLogger("bundle_ls.server")


def safe(default):
    """A handler that fails logs the error and answers `default`."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(ls, params):
            try:
                return fn(ls, params)
            except JsonRpcException:
                raise  # an answer for the client (e.g. a refused rename), not a failure
            except Exception:  # noqa: BLE001
                log.exception("%s failed", fn.__name__)
                return default() if callable(default) else default

        return inner

    return wrap


def async_safe(fn):
    @functools.wraps(fn)
    async def inner(ls, params):
        try:
            return await fn(ls, params)
        except Exception:  # noqa: BLE001
            log.exception("%s failed", fn.__name__)

    return inner
