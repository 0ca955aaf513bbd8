"""Diagnostic codes: every finding bundle-ls can report is a `Code` defined once.

A code has an id (what users write in `bundle-ls.yaml` and see in brackets), a default
severity, the dialect that owns it (`core` for codes several dialects share), a one-line
summary and an example; the SARIF rules, the README's table and `bundle-ls --explain` are
made from these. Findings are made by calling the code, so an unknown id cannot be emitted:

    UNRESOLVED_REFERENCE(path, rng, "no encounterTypes key 'Intak'")

The codes of the formats and the shared vocabulary are here; each dialect defines its own
next to its checks and lists them in its `codes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bundle_ls.documents.model import SEVERITIES, Diagnostic, Range, Related

CORE = "core"


@dataclass(frozen=True, slots=True)
class Code:
    id: str
    severity: str  # the default; some checks lower or raise it by the finding's effect
    dialect: str
    summary: str  # one line: when the finding is reported
    example: str  # what a finding of this code looks like
    explanation: str = ""  # more for `--explain`: why it matters, what to do

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: severity {self.severity!r}")

    def __call__(
        self,
        path: str,
        range_: Range,
        message: str,
        *,
        severity: str | None = None,
        related: list[Related] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Diagnostic:
        return Diagnostic(path, range_, severity or self.severity, self.id, message, related, data)


class CodeRegistry:
    """The codes of the core and of every dialect, by id."""

    def __init__(self, codes: Iterable[Code]) -> None:
        self.codes: dict[str, Code] = {}
        for code in codes:
            other = self.codes.get(code.id)
            if other is not None and other is not code:
                raise ValueError(
                    f"code {code.id!r} is defined twice ({other.dialect}, {code.dialect})"
                )
            self.codes[code.id] = code

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def __getitem__(self, code_id: str) -> Code:
        return self.codes[code_id]

    def __iter__(self):
        return iter(sorted(self.codes.values(), key=lambda c: (c.dialect != CORE, c.dialect, c.id)))

    def ids(self) -> list[str]:
        return sorted(self.codes)


YAML_SYNTAX = Code(
    "yaml-syntax",
    "error",
    CORE,
    "The file is not well-formed YAML.",
    "forms.yaml:4:9: error: expected <block end>, but found '-' [yaml-syntax]",
    "The range is where the parser stopped. What was read before it is still checked, so "
    "the keys of a half-written file keep resolving references elsewhere.",
)
YAML_TAG = Code(
    "yaml-tag",
    "warning",
    CORE,
    "A YAML tag (`!!python/object`, `!include`) that has no meaning in configuration.",
    "roles.yaml:3:9: warning: the tag !include has no meaning in OpenMRS configuration; "
    "the value is read as plain data [yaml-tag]",
    "No tag is ever resolved: nothing in a configuration file can run code. The value is "
    "read as the plain data it is written as.",
)
CSV_SYNTAX = Code(
    "csv-syntax",
    "error",
    CORE,
    "Malformed CSV: an unclosed quote, a column named twice, a row longer than the header.",
    "wards.csv:7:1: error: a quote opened here is never closed [csv-syntax]",
)
JSON_SYNTAX = Code(
    "json-syntax",
    "error",
    CORE,
    "A JSON file that cannot be read.",
    "ampathforms/intake.json:12:5: error: the file is not valid JSON: Expecting ',' "
    "delimiter [json-syntax]",
)
XML_SYNTAX = Code(
    "xml-syntax",
    "error",
    CORE,
    "An XML file that is not well-formed.",
    "globalproperties/gp.xml:9:3: error: the file is not well-formed XML: mismatched tag "
    "[xml-syntax]",
)
ENCODING = Code(
    "encoding",
    "error",
    CORE,
    "The file is not UTF-8.",
    "locations.csv:3:18: error: the file is not valid UTF-8 (byte 0xe9 at offset 57); save it "
    "as UTF-8 [encoding]",
    "A file that is not valid UTF-8 is reported, never guessed: a wrong guess would change "
    "names silently.",
)
UNREADABLE = Code(
    "unreadable",
    "error",
    CORE,
    "A file that cannot be read (permissions, a dangling link, a link loop).",
    "bundles/old.yaml:1:1: error: cannot read this file: Permission denied [unreadable]",
)
LIMIT = Code(
    "limit",
    "error",
    CORE,
    "A file or item over a size, nesting or alias-expansion limit; that part is not checked.",
    "huge.yaml:1:1: error: file is 40 MB; files over 16 MB are not checked [limit]",
    "Limits keep a check bounded in time and memory whatever a file holds ('billion laughs' "
    "aliases, deep nesting, huge files).",
)
INTERNAL = Code(
    "internal-error",
    "error",
    CORE,
    "bundle-ls itself failed on a file (a bug): the file is not checked, the rest is, and "
    "`--check` exits 2.",
    "forms.yaml:1:1: error: bundle-ls failed on this file (RecursionError: maximum recursion "
    "depth exceeded); please report it [internal-error]",
    "Please report it with the file (or a part of it that still fails) to the project's "
    "issue tracker.",
)
SCHEMA = Code(
    "schema",
    "error",
    CORE,
    "A value that breaks its schema: a type, an allowed value, a required property or column.",
    "forms.yaml:9:15: error: 'dialy' is not one of daily, weekly; did you mean 'daily'? [schema]",
)
UNRESOLVED_REFERENCE = Code(
    "unresolved-reference",
    "error",
    CORE,
    "A reference to a key (or an entity) that no file defines, with close names suggested.",
    "forms.yaml:11:20: error: no encounterTypes key 'Diabetes Folow-up'; did you mean "
    "'Diabetes Follow-up'? [unresolved-reference]",
    "References are resolved across every file of the directory. Where most references point "
    "at metadata defined elsewhere (OpenMRS core, the installed modules, the CIEL "
    "dictionary), only a near miss of a known name is reported.",
)
DUPLICATE_KEY = Code(
    "duplicate-key",
    "warning",
    CORE,
    "The same key or setting defined again with identical content.",
    "roles.yaml:8:11: warning: roles key 'Nurse' is defined again with the same content "
    "(first in bundles/country/roles.yaml:3) [duplicate-key]",
)
CONFLICT = Code(
    "conflict",
    "error",
    CORE,
    "The same key or setting defined again with different content; names what differs.",
    "settings.yaml:2:3: error: settings.sessionTimeoutMinutes is set to 60 here but to 30 in "
    "bundles/country/settings.yaml:6; the merged config cannot hold both [conflict]",
    "All files merge into one config tree; two definitions that differ cannot both hold, so "
    "the check fails fast instead of letting load order decide.",
)
MISSING_FILE = Code(
    "missing-file",
    "error",
    CORE,
    "A file path that does not exist or leaves the Config Directory.",
    "forms.yaml:6:13: error: file 'forms/intke.xml' does not exist in the Config Directory "
    "[missing-file]",
)
MODULE_NOT_INSTALLED = Code(
    "module-not-installed",
    "information",
    CORE,
    "Configuration for a module that is not installed; it will be ignored.",
    "stock.yaml:1:1: information: 'stockItems' is configuration for module 'stock', which "
    "bundle-ls.yaml does not install; it will be ignored [module-not-installed]",
)
SETTINGS = Code(
    "settings",
    "warning",
    CORE,
    "A setting of bundle-ls.yaml that bundle-ls does not know (a typo), or a wrong value.",
    "bundle-ls.yaml:3:3: warning: no diagnostic code 'unknwn-header'; did you mean "
    "'unknown-header'? The setting is ignored [settings]",
)

CORE_CODES: tuple[Code, ...] = (
    YAML_SYNTAX,
    YAML_TAG,
    CSV_SYNTAX,
    JSON_SYNTAX,
    XML_SYNTAX,
    ENCODING,
    UNREADABLE,
    LIMIT,
    INTERNAL,
    SCHEMA,
    UNRESOLVED_REFERENCE,
    DUPLICATE_KEY,
    CONFLICT,
    MISSING_FILE,
    MODULE_NOT_INSTALLED,
    SETTINGS,
)
