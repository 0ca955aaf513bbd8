"""The located model shared by YAML and CSV documents.

A document becomes a tree of `Node`s: mappings, sequences and scalars. Every node knows the
range of its value and, inside a mapping, the node of its key. Ranges are 0-based
(line, character) pairs counted in UTF-16 code units, exactly as LSP positions are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# (start_line, start_character, end_line, end_character), UTF-16 code units.
Range = tuple[int, int, int, int]

MAPPING = "mapping"
SEQUENCE = "sequence"
SCALAR = "scalar"

SEVERITIES = ("error", "warning", "information", "hint")


class Node:
    """One value of a document with its exact range.

    `items` holds (key node, value node) pairs for a mapping and the child nodes of a
    sequence; `value` is the resolved scalar (str, int, float, bool or None).
    """

    __slots__ = ("kind", "value", "range", "items", "tag", "quoted", "line_end")

    # bundle_ls._yamlfast fills these slots as __init__ does, without calling it: keep
    # __init__ a plain store of its arguments (tests/parser compares every slot).

    def __init__(
        self,
        kind: str,
        range_: Range,
        value: Any = None,
        items: list | None = None,
        tag: str | None = None,
        quoted: bool = False,
    ) -> None:
        self.kind = kind
        self.range = range_
        self.value = value
        self.items = items
        self.tag = tag
        self.quoted = quoted

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        if self.kind == SCALAR:
            return f"Node({self.value!r} @{self.range})"
        return f"Node({self.kind} @{self.range} n={len(self.items or ())})"

    def get(self, key: str) -> Node | None:
        """The value node of `key` in a mapping (the last one if repeated)."""
        found = None
        if self.kind == MAPPING:
            for k, v in self.items:
                if k.value == key:
                    found = v
        return found

    def key_node(self, key: str) -> Node | None:
        if self.kind == MAPPING:
            for k, _ in self.items:
                if k.value == key:
                    return k
        return None


class ExpansionLimit(Exception):
    """Raised when aliases would expand a document past the node budget."""


def to_python(node: Node, budget: list[int] | None = None) -> Any:
    """The plain value of a node, as JSON Schema sees it.

    `budget` caps the number of nodes produced, so that nested aliases ("billion laughs")
    cannot blow up memory; it is a one-element list so it is shared across the recursion.
    """
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise ExpansionLimit
    kind = node.kind
    if kind == SCALAR:
        return node.value
    if kind == MAPPING:
        out: dict[str, Any] = {}
        for k, v in node.items:
            out[key_text(k)] = to_python(v, budget)
        return out
    return [to_python(c, budget) for c in node.items]


def key_text(key: Node) -> str:
    """A mapping key as a string (YAML allows `1:` or `true:` as keys; JSON objects do not)."""
    if key.kind != SCALAR:
        return "<complex key>"
    v = key.value
    if isinstance(v, str):
        return v
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@dataclass(slots=True)
class Related:
    path: str
    range: Range
    message: str


@dataclass(slots=True)
class Diagnostic:
    path: str
    range: Range
    severity: str
    code: str
    message: str
    related: list[Related] | None = None
    # Machine-readable hints for quick fixes, e.g. {"replace": ["MAIN_STORE"]}.
    data: dict[str, Any] | None = field(default=None)

    def sort_key(self) -> tuple:
        return (self.path, self.range, self.code, self.message)


def plain(v: Any) -> str:
    """A schema value (enum member, default, const) as a person writes it in YAML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return str(v)
