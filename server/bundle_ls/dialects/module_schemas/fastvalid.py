"""A fast validity pre-check in front of `jsonschema`, with results identical to it.

Almost every config object is valid, and pure-Python `jsonschema` spends about 0.1 ms on
each one (over a second per 10,000 objects). `jsonschema-rs` answers "is it valid?" about
40x faster. The pre-check only ever skips work: when the fast validator says an object is
valid, `jsonschema` would report no error either, so nothing is lost; when it says
invalid (or cannot tell), `jsonschema` runs as before and produces the diagnostics, so
their messages, paths and order never change.

That relies on the two validators agreeing whenever the fast one says "valid". Where they
are known to differ, the pre-check stands aside:
- a non-finite float (`.inf`, `.nan`, `1e999`) or an integer beyond 64 bits anywhere in the
  object (jsonschema-rs compares them differently, e.g. `maximum: 5` accepts `.inf`);
- a schema set that uses `multipleOf` (float division is rounded differently);
- regular expressions: both use the Rust `regex` engine with the same options
  (bounded.py), so they match alike;
- formats are annotations only in both (no format checker is configured).
With BUNDLE_LS_NO_FASTVALID=1 in the environment (to compare the two paths), everything
goes through `jsonschema` alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from bundle_ls.dialects.module_schemas.bounded import REGEX_OPTIONS

_INT_LIMIT = 2**63
# Keywords whose evaluation jsonschema-rs does differently from jsonschema.
UNSAFE_KEYWORDS = frozenset(("multipleOf",))


def comparable(obj: Any, depth: int = 0) -> bool:
    """True when every value is one that both validators see the same way."""
    t = type(obj)
    if t is str or t is bool or obj is None:
        return True
    if t is dict:
        if depth > 64:
            return False
        return all(type(k) is str and comparable(v, depth + 1) for k, v in obj.items())
    if t is list:
        if depth > 64:
            return False
        return all(comparable(v, depth + 1) for v in obj)
    if t is int:
        return -_INT_LIMIT < obj < _INT_LIMIT
    if t is float:
        return math.isfinite(obj)
    return False


def _uses(node: Any, words: frozenset[str]) -> bool:
    if isinstance(node, dict):
        for k, v in node.items():  # a property of that name counts too: err on the safe side
            if k in words or _uses(v, words):
                return True
    elif isinstance(node, list):
        return any(_uses(v, words) for v in node)
    return False


class PrefilteredValidator:
    """The pre-check (`passes`) in front of the jsonschema validator (`full`), which
    `make_full` makes when first needed: a run whose every object passes the pre-check
    never imports jsonschema."""

    __slots__ = ("_full", "_make_full", "fast")

    def __init__(self, make_full: Callable[[], Any], fast: Any) -> None:
        self._full = None
        self._make_full = make_full
        self.fast = fast

    @property
    def full(self) -> Any:
        if self._full is None:
            self._full = self._make_full()
        return self._full

    def passes(self, instance: Any, is_comparable: bool | None = None) -> bool:
        """True when the pre-check alone shows the instance valid (False: ask `full`).
        `is_comparable`: `comparable(instance)` when the caller knows it already."""
        fast = self.fast
        if fast is None:
            return False
        if is_comparable is None:
            is_comparable = comparable(instance)
        if not is_comparable:
            return False
        try:
            return fast.is_valid(instance)
        except Exception:  # anything it cannot take goes to the full check
            return False


def build_fast(documents: list[tuple[str, dict]], ref: str) -> Any | None:
    """A jsonschema-rs validator for `{"$ref": ref}` over the schema documents, or None
    when the pre-check must stand aside."""
    if os.environ.get("BUNDLE_LS_NO_FASTVALID"):
        return None
    if any(_uses(doc, UNSAFE_KEYWORDS) for _uri, doc in documents):
        return None
    try:
        registry = jsonschema_rs.Registry(documents)
        return jsonschema_rs.Draft202012Validator(
            {"$ref": ref},
            registry=registry,
            validate_formats=False,
            pattern_options=REGEX_OPTIONS,
        )
    except Exception:
        return None
