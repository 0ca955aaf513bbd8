"""Permission rules: a small logic language over roles, privileges, location tags and
locations (docs/permission-rules.md), written inside configuration values.

The dialect claims no file. It provides the embedded language `permission-rule`: module
schemas name it on a string property (`x-expression: permission-rule`; the built-in
`permissionRules` namespace does), the module-schema dialect hands it every such value
with its source map, and its cross-file check judges the conditions against the world the
project's roles, privileges, location tags and locations describe. `bundle-ls
permissions` explains what a user holds and why.
"""

from __future__ import annotations

from bundle_ls.dialects.base import Command, Dialect, DialectSettings, EmbeddedLanguage
from bundle_ls.dialects.permissions.codes import CODES, DIALECT
from bundle_ls.dialects.permissions.language import PermissionRuleLanguage, PrivilegeNameLanguage

__all__ = ["PermissionRuleLanguage", "PermissionsDialect", "PrivilegeNameLanguage"]


def _permissions_main(argv: list[str], check) -> int:
    from bundle_ls.dialects.permissions.command import main  # only when the command runs

    return main(argv, check)


class PermissionsDialect(Dialect):
    name = DIALECT
    codes = CODES
    commands = (
        Command(
            "permissions",
            "what a user holds and why (--role, --location), or the roles × tags matrix",
            _permissions_main,
        ),
    )

    @classmethod
    def configure(cls, settings: DialectSettings) -> PermissionsDialect:
        return cls()

    @classmethod
    def embedded_languages(cls, settings: DialectSettings) -> tuple[EmbeddedLanguage, ...]:
        conditions = PermissionRuleLanguage(settings.installed)
        return (conditions, PrivilegeNameLanguage(conditions))
