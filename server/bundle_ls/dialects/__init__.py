"""The configuration languages bundle-ls reads, each behind the `Dialect` interface.

`DIALECTS` lists them in the order discovery asks them to claim a file: Initializer's
folders first (a `configuration/locations/locations.csv` is a domain file, never the
contract's `**/locations.csv`), then the contract's module schemas.
"""

from __future__ import annotations

from dataclasses import replace

from bundle_ls.dialects.base import Command, Dialect, DialectSettings
from bundle_ls.dialects.initializer import InitializerDialect
from bundle_ls.dialects.module_schemas import ModuleSchemaDialect
from bundle_ls.dialects.settings import SettingsDialect
from bundle_ls.documents.codes import CORE_CODES, CodeRegistry

# bundle-ls.yaml's own dialect first: it claims that one file and nothing else.
DIALECTS: tuple[type[Dialect], ...] = (SettingsDialect, InitializerDialect, ModuleSchemaDialect)


def configure_dialects(settings: DialectSettings) -> tuple[Dialect, ...]:
    """Every dialect, configured for one project (raises when a dialect cannot be used,
    e.g. an invalid module schema)."""
    registry = code_registry()
    settings = replace(
        settings,
        codes={c: registry[c].summary for c in registry.ids()},
        severity_sections=tuple(d.severity_section for d in DIALECTS if d.severity_section),
    )
    return tuple(cls.configure(settings) for cls in DIALECTS)


def code_registry() -> CodeRegistry:
    """Every code the project can report: the core's and each dialect's."""
    return CodeRegistry([*CORE_CODES, *(c for cls in DIALECTS for c in cls.codes)])


def dialect_commands() -> dict[str, Command]:
    """`bundle-ls <name> …` commands the dialects add, by name."""
    return {c.name: c for cls in DIALECTS for c in cls.commands}
