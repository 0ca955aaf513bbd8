"""A Config Directory's settings: its `bundle-ls.yaml` and the command line's.

`bundle-ls.yaml` at the root (optional):

    schemas: [module-schemas/]     # extra module-schema folders, relative to it
    modules: [referencemetadata]   # the installed modules (absent: every known module)
    exclude: ["drafts/**"]         # globs of files not to check
    severity:                      # any code: error, warning, information, hint or off
      unknown-header: off

(A dialect may read overrides under a key of its own too: `Dialect.severity_section`.) A file that cannot be read as a
mapping, or a known setting of the wrong type, stops the check with its place; an unknown
setting or code is a `settings` finding in bundle-ls.yaml ("did you mean"), and the rest
applies. What the file may say, and its check, are the `settings` dialect's
(dialects/settings/schema.py), which the editor uses to complete and check it as it is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundle_ls.dialects import DIALECTS, code_registry
from bundle_ls.dialects.base import CannotCheck
from bundle_ls.dialects.settings.schema import (
    SETTINGS_FILE,
    SEVERITY_CHOICES,
    Vocabulary,
    check_settings,
)
from bundle_ls.documents.disk import read_file
from bundle_ls.documents.model import MAPPING, SCALAR, Diagnostic, Node, key_text, to_python
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.yaml_doc import parse_yaml

SEVERITY_SECTIONS = tuple(d.severity_section for d in DIALECTS if d.severity_section)
DIALECT_KEYS = {key: d for d in DIALECTS for key in d.settings_keys}  # a dialect's own settings


class ProjectError(CannotCheck):
    """The directory's settings cannot be used; the message names the file and place."""


@dataclass(slots=True)
class ProjectConfig:
    """What a check of one directory is configured with (plain data: it is handed to
    worker processes, which configure their dialects from it)."""

    root: Path
    schema_folders: list[Path] = field(default_factory=list)
    modules: frozenset[str] | None = None  # None: every known module is installed
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code → severity or "off"
    sections: dict[str, Any] = field(default_factory=dict)  # bundle-ls.yaml, plain
    problems: list[Diagnostic] = field(default_factory=list)  # `settings` findings

    @classmethod
    def load(cls, root: Path, extra_schemas: list[Path] | None = None) -> ProjectConfig:
        cfg = cls(root)
        path = root / SETTINGS_FILE
        if path.is_file():
            _read_settings(cfg, path)
        cfg.schema_folders = [*(p.resolve() for p in extra_schemas or []), *cfg.schema_folders]
        return cfg


def _read_settings(cfg: ProjectConfig, path: Path) -> None:
    try:
        text = read_file(path).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: cannot be read: {exc}") from None
    lines = LineIndex(text)
    parsed = parse_yaml(text, lines)
    errors = [p for p in parsed.problems if p.code.severity == "error"]
    if errors:
        p = errors[0]
        raise ProjectError(f"{path}:{p.line + 1}:{p.column + 1}: {p.message}")
    root = parsed.root
    findings = check_settings(root, vocabulary())
    wrong = [d for d in findings if d.severity == "error"]
    if wrong:  # a setting of the wrong shape: the check cannot know what was meant
        d = wrong[0]
        raise ProjectError(f"{path}:{d.range[0] + 1}:{d.range[1] + 1}: {d.message}")
    cfg.problems = findings
    if root is None or root.kind != MAPPING:
        return
    cfg.sections = to_python(root, [100_000])
    for k, v in root.items:
        name = key_text(k)
        if name == "schemas":
            cfg.schema_folders = [(cfg.root / s).resolve() for s in _strings(v)]
        elif name == "modules":
            cfg.modules = frozenset(_strings(v))
        elif name == "exclude":
            cfg.exclude = _strings(v)
        elif name == "severity" or name in SEVERITY_SECTIONS:
            _severities(cfg, v)


def vocabulary() -> Vocabulary:
    """The settings and codes this bundle-ls knows, and the dialects' own settings."""
    codes = code_registry()
    own = {key: d.check_setting for key, d in DIALECT_KEYS.items()}
    return Vocabulary({c: codes[c].summary for c in codes.ids()}, SEVERITY_SECTIONS, own)


def _strings(node: Node) -> list[str]:
    """A list setting's strings (its shape is checked: `check_settings`)."""
    if node.kind == SCALAR:
        return [] if node.value is None else [str(node.value)]
    return [key_text(c) for c in node.items]


def _severities(cfg: ProjectConfig, node: Node) -> None:
    if node.kind != MAPPING:
        return
    codes = code_registry()
    for k, v in node.items:
        code, value = key_text(k), key_text(v) if v.kind == SCALAR else None
        if code in codes and value in SEVERITY_CHOICES:
            cfg.severity[code] = value
