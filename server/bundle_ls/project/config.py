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
applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundle_ls.dialects import DIALECTS, code_registry
from bundle_ls.dialects.base import CannotCheck
from bundle_ls.documents.codes import SETTINGS
from bundle_ls.documents.model import (
    MAPPING,
    SCALAR,
    SEQUENCE,
    SEVERITIES,
    Diagnostic,
    Node,
    key_text,
    to_python,
)
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.suggest import did_you_mean
from bundle_ls.documents.yaml_doc import parse_yaml

SETTINGS_FILE = "bundle-ls.yaml"
SEVERITY_CHOICES = (*SEVERITIES, "off")
KNOWN_KEYS = ("schemas", "modules", "exclude", "severity")
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
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: cannot be read: {exc}") from None
    lines = LineIndex(text)
    parsed = parse_yaml(text, lines)
    errors = [p for p in parsed.problems if p.code.severity == "error"]
    if errors:
        p = errors[0]
        raise ProjectError(f"{path}:{p.line + 1}:{p.column + 1}: {p.message}")
    root = parsed.root
    if root is None or (root.kind == SCALAR and root.value is None):
        return
    if root.kind != MAPPING:
        raise ProjectError(
            f"{_at(path, root)}: must be a mapping (schemas:, modules:, exclude:, severity:)"
        )
    cfg.sections = to_python(root, [100_000])
    for k, v in root.items:
        name = key_text(k)
        if name == "schemas":
            cfg.schema_folders = [(cfg.root / s).resolve() for s in _strings(path, v, "folders")]
        elif name == "modules":
            cfg.modules = frozenset(_strings(path, v, "module ids", allow_one=False))
        elif name == "exclude":
            cfg.exclude = _strings(path, v, "globs")
        elif name == "severity" or name in SEVERITY_SECTIONS:
            _severities(cfg, path, v)
        elif name in DIALECT_KEYS:
            cfg.problems.extend(DIALECT_KEYS[name].check_setting(SETTINGS_FILE, name, v))
        else:
            known = (*KNOWN_KEYS, *SEVERITY_SECTIONS, *DIALECT_KEYS)
            cfg.problems.append(_unknown(SETTINGS_FILE, k, name, known, "setting"))


def _strings(path: Path, node: Node, what: str, allow_one: bool = True) -> list[str]:
    if node.kind == SCALAR and node.value is None:
        return []
    if allow_one and node.kind == SCALAR:
        return [str(node.value)]
    if node.kind != SEQUENCE or any(c.kind != SCALAR for c in node.items):
        raise ProjectError(f"{_at(path, node)}: must be a list of {what}")
    return [key_text(c) for c in node.items]


def _severities(cfg: ProjectConfig, path: Path, node: Node) -> None:
    if node.kind == SCALAR and node.value is None:
        return
    if node.kind != MAPPING:
        raise ProjectError(f"{_at(path, node)}: must map diagnostic codes to a severity or off")
    codes = code_registry()
    for k, v in node.items:
        code = key_text(k)
        value = key_text(v) if v.kind == SCALAR else None
        if code not in codes:
            cfg.problems.append(_unknown(SETTINGS_FILE, k, code, codes.ids(), "diagnostic code"))
        elif value not in SEVERITY_CHOICES:
            cfg.problems.append(
                SETTINGS(
                    SETTINGS_FILE,
                    v.range,
                    f"the severity of '{code}' must be one of {', '.join(SEVERITY_CHOICES)}; "
                    "the setting is ignored",
                )
            )
        else:
            cfg.severity[code] = value


def _unknown(rel: str, key: Node, name: str, choices, what: str) -> Diagnostic:
    hint = did_you_mean(name, list(choices))
    msg = f"no {what} '{name}'"
    msg += f"; did you mean '{hint[0]}'?" if hint else f" (known: {', '.join(choices)})"
    return SETTINGS(
        rel, key.range, msg + "; the setting is ignored", data={"replace": hint} if hint else None
    )


def _at(path: Path, node: Node) -> str:
    return f"{path}:{node.range[0] + 1}:{node.range[1] + 1}"
