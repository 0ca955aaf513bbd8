"""The configuration languages bundle-ls reads, each behind the `Dialect` interface.

`DIALECTS` lists them in the order discovery asks them to claim a file: Initializer's
folders first (a `configuration/locations/locations.csv` is a domain file, never the
contract's `**/locations.csv`), then the contract's module schemas.
"""

from __future__ import annotations

from bundle_ls.dialects.base import Command, Dialect, DialectSettings
from bundle_ls.dialects.initializer import InitializerDialect
from bundle_ls.dialects.module_schemas import ModuleSchemaDialect
from bundle_ls.documents.codes import CORE_CODES, CodeRegistry

DIALECTS: tuple[type[Dialect], ...] = (InitializerDialect, ModuleSchemaDialect)


def configure_dialects(settings: DialectSettings) -> tuple[Dialect, ...]:
    """Every dialect, configured for one project (raises when a dialect cannot be used,
    e.g. an invalid module schema)."""
    return tuple(cls.configure(settings) for cls in DIALECTS)


def code_registry() -> CodeRegistry:
    """Every code the project can report: the core's and each dialect's."""
    return CodeRegistry([*CORE_CODES, *(c for cls in DIALECTS for c in cls.codes)])


def dialect_commands() -> dict[str, Command]:
    """`bundle-ls <name> …` commands the dialects add, by name."""
    return {c.name: c for cls in DIALECTS for c in cls.commands}
