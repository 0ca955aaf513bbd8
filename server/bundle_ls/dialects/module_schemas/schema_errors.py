"""JSON Schema violations mapped onto ranges, with messages a person understands."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bundle_ls.dialects.module_schemas.bounded import additional_names
from bundle_ls.documents.codes import SCHEMA
from bundle_ls.documents.model import MAPPING, SEQUENCE, Diagnostic, Node, key_text, plain
from bundle_ls.documents.suggest import did_you_mean

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_REQUIRED = re.compile(r"^(['\"])(.*)\1 is a required property$")


def node_at(node: Node, path: Iterable[Any]) -> tuple[Node, Node | None]:
    """The value node at a JSON path, and its key node (None for array items)."""
    key: Node | None = None
    for part in path:
        if node.kind == MAPPING and isinstance(part, str):
            hit = None
            for k, v in node.items:
                if key_text(k) == part:
                    hit = (k, v)
            if hit is None:
                break
            key, node = hit
        elif node.kind == SEQUENCE and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
            key = None
        else:
            break
    return node, key


def show(value: Any) -> str:
    """A value as it is written in YAML, for messages."""
    if value is None:
        return "null (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


def schema_diagnostics(
    path: str, errors: Iterable[ValidationError], root: Node
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err in errors:
        out.extend(_one(path, err, root))
    return out


def _one(path: str, err: ValidationError, root: Node) -> list[Diagnostic]:
    node, key = node_at(root, err.absolute_path)
    kw = err.validator
    value = err.instance

    def diag(rng, message: str, data: dict | None = None) -> Diagnostic:
        return SCHEMA(path, rng, message, data=data)

    if kw in ("additionalProperties", "unevaluatedProperties") and node.kind == MAPPING:
        if kw == "additionalProperties":
            schema = err.schema if isinstance(err.schema, dict) else {}
            known = list((schema.get("properties") or {}).keys())
            unexpected = set(additional_names({key_text(k): None for k, _ in node.items}, schema))
        else:  # the names are only in the message: "... ('a', 'b' were unexpected)"
            unexpected = set(re.findall(r"'([^']*)'", err.message.rpartition("(")[2]))
            known = []
        out = []
        for k, _ in node.items:
            name = key_text(k)
            if name not in unexpected:
                continue
            hint = did_you_mean(name, known)
            msg = f"unknown property '{name}'"
            if hint:
                msg += f"; did you mean '{hint[0]}'?"
            elif known:
                msg += f" (known: {', '.join(known)})"
            out.append(diag(k.range, msg, {"replace": hint} if hint else None))
        return out
    if kw == "required":
        m = _REQUIRED.match(err.message)
        name = m.group(2) if m else str(err.message)
        first = node
        if node.kind == MAPPING and node.items:
            k, v = node.items[0]
            # A CSV row's keys are header cells, outside the row: point at the row's first cell.
            first = k if k.range[0] >= node.range[0] else v
        return [diag(first.range, f"missing required property '{name}'", {"add": [name]})]
    rng = node.range
    if kw == "enum":
        options = err.validator_value
        msg = f"{show(value)} is not one of {', '.join(plain(o) for o in options)}"
        hint = did_you_mean(str(value), [str(o) for o in options]) if isinstance(value, str) else []
        return [diag(rng, msg, {"replace": hint} if hint else None)]
    if kw == "const":
        return [diag(rng, f"{show(value)} must be {plain(err.validator_value)}")]
    if kw == "type":
        want = err.validator_value
        wants = want if isinstance(want, list) else [want]
        names = " or ".join(_TYPE_NAMES.get(w, w) for w in wants)
        return [diag(rng, f"expected {names}, got {show(value)}")]
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[kw]
        return [diag(rng, f"{show(value)} must be {words} {err.validator_value}")]
    if kw == "pattern":
        return [diag(rng, f"{show(value)} does not match the pattern {err.validator_value}")]
    if kw == "minLength" and err.validator_value == 1:
        return [diag(rng, "must not be empty")]
    return [diag(rng, err.message)]
