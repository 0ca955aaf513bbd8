"""The configuration languages bundle-ls reads, each behind the `Dialect` interface.

`DIALECTS` lists them in the order discovery asks them to claim a file: Initializer's
folders first (a `configuration/locations/locations.csv` is a domain file, never the
contract's `**/locations.csv`), then the contract's module schemas. The permission-rules
dialect claims no file: it provides the embedded language `permission-rule`, which the
module schemas' files hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bundle_ls.dialects.base import Command, Dialect, DialectSettings, EmbeddedLanguage
from bundle_ls.dialects.initializer import InitializerDialect
from bundle_ls.dialects.module_schemas import ModuleSchemaDialect
from bundle_ls.dialects.permissions import PermissionsDialect
from bundle_ls.dialects.settings import SettingsDialect
from bundle_ls.documents.codes import CORE_CODES, CodeRegistry

# bundle-ls.yaml's own dialect first: it claims that one file and nothing else.
DIALECTS: tuple[type[Dialect], ...] = (
    SettingsDialect,
    InitializerDialect,
    ModuleSchemaDialect,
    PermissionsDialect,
)


def configure_languages(settings: DialectSettings) -> dict[str, EmbeddedLanguage]:
    """Every dialect's embedded languages, configured for one project, by name."""
    return {lang.name: lang for cls in DIALECTS for lang in cls.embedded_languages(settings)}


def configure_dialects(
    settings: DialectSettings, languages: Mapping[str, EmbeddedLanguage] | None = None
) -> tuple[Dialect, ...]:
    """Every dialect, configured for one project, each given every embedded language
    (raises when a dialect cannot be used, e.g. an invalid module schema)."""
    if languages is None:
        languages = configure_languages(settings)
    registry = code_registry()
    settings = replace(
        settings,
        languages=dict(languages),
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
