"""The server's settings: `initializationOptions` and the `bundleLs` configuration section.

Both take the same shape:

    {"schemas": ["path/to/schemas", ...],   # extra module-schema folders (relative to the root)
     "diagnosticsDelay": 150,                # ms to wait after an edit before re-checking
     "csvColumnHints": false}                # inlay hints: each CSV cell's column name

They are parsed once into a `Settings`; a wrong value is reported with a clear message and
its default is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTION = "bundleLs"
DEFAULT_DELAY_MS = 150


@dataclass(frozen=True, slots=True)
class Settings:
    schemas: tuple[str, ...] = field(default=())
    diagnostics_delay_ms: int = DEFAULT_DELAY_MS
    csv_column_hints: bool = False


def parse_settings(raw: Any, where: str) -> tuple[dict[str, Any], list[str]]:
    """The valid fields of one settings object, and a message for each invalid one."""
    problems: list[str] = []
    out: dict[str, Any] = {}
    if raw is None:
        return out, problems
    if not isinstance(raw, dict):
        return out, [f'bundle-ls: {where} must be an object like {{"schemas": [...]}}; ignored']
    if "schemas" in raw:
        schemas = raw["schemas"]
        if isinstance(schemas, str):
            schemas = [schemas]
        if isinstance(schemas, list) and all(isinstance(s, str) and s for s in schemas):
            out["schemas"] = tuple(schemas)
        elif schemas is not None:
            problems.append(
                f"bundle-ls: {where}: 'schemas' must be a list of folder paths; "
                "using no extra schema folders"
            )
    if "diagnosticsDelay" in raw:
        delay = raw["diagnosticsDelay"]
        if isinstance(delay, (int, float)) and not isinstance(delay, bool) and 0 <= delay <= 10000:
            out["diagnostics_delay_ms"] = int(delay)
        elif delay is not None:
            problems.append(
                f"bundle-ls: {where}: 'diagnosticsDelay' must be a number of milliseconds "
                f"between 0 and 10000; using {DEFAULT_DELAY_MS}"
            )
    if "csvColumnHints" in raw:
        hints = raw["csvColumnHints"]
        if isinstance(hints, bool):
            out["csv_column_hints"] = hints
        elif hints is not None:
            problems.append(
                f"bundle-ls: {where}: 'csvColumnHints' must be true or false; using false"
            )
    return out, problems


def merge(init_options: Any, configuration: Any) -> tuple[Settings, list[str]]:
    """Settings from initializationOptions, overridden field by field by the configuration."""
    a, p1 = parse_settings(init_options, "initializationOptions")
    b, p2 = parse_settings(configuration, f"setting '{SECTION}'")
    schemas = tuple(dict.fromkeys((*a.get("schemas", ()), *b.get("schemas", ()))))
    delay = b.get("diagnostics_delay_ms", a.get("diagnostics_delay_ms", DEFAULT_DELAY_MS))
    hints = b.get("csv_column_hints", a.get("csv_column_hints", False))
    return Settings(schemas, delay, hints), [*p1, *p2]
