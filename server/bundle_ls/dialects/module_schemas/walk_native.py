"""The per-item work of analysis.py in C (bundle_ls._walkfast), when that extension was built.

`row_node`, `item_value`, `walk` and `unresolved` do what `csv_doc.row_to_node`,
`analysis._ItemValue`, `analysis._walk` and `references.unresolved` do, step for step,
without the Python calls and objects each node cost (a third of a cold check went to them);
tests/parser/test_native_walk.py holds the two paths equal. Whatever the compiled code does
not handle exactly as the Python path would raises `Fallback`, and the caller runs the
Python path instead. BUNDLE_LS_NATIVE_WALK=0 turns it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bundle_ls.dialects.module_schemas.schemas import WalkPlan
from bundle_ls.documents.compiled import walkfast
from bundle_ls.documents.csv_doc import Cell
from bundle_ls.documents.facts import Compact, FileRef, KeyDef, Reference
from bundle_ls.documents.model import MAPPING, SCALAR, SEQUENCE, Node, key_text


class Fallback(Exception):
    """The compiled walk met something it leaves to the Python path."""


_bound: Any = None


def bind(content: Callable[[Node], Any]) -> Any:
    """The compiled module, set up for these classes, or None when it is not available.
    `content(node)`: a mapping's plain value for its key definition (None past the limit)."""
    global _bound
    _walkfast = walkfast()
    if _walkfast is None:
        return None
    classes = (Node, Cell, WalkPlan, KeyDef, Reference, FileRef, Compact)
    if not _walkfast.setup(*classes, key_text, content, SCALAR, MAPPING, SEQUENCE, Fallback):
        return None  # a class no longer has the plain slotted layout it fills
    _bound = _walkfast
    return _walkfast


def bound() -> Any:
    """The module `bind` set up (analysis.py binds it when imported), or None."""
    return _bound
