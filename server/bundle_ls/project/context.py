"""The analysis context: everything a check of one directory is configured with.

Built once from a `ProjectConfig` and passed explicitly to discovery, analysis, worker
processes, the index, the cache fingerprint and the editor: the configured dialects, the
installed modules and the severity policy. Nothing of it lives in module state, so a
worker process that builds it from the same config (spawned, as on Windows, or forked)
analyses exactly alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.dialects import code_registry, configure_dialects
from bundle_ls.dialects.base import Dialect, DialectError, DialectSettings
from bundle_ls.documents.codes import CodeRegistry
from bundle_ls.documents.model import Diagnostic
from bundle_ls.index.checks import CrossCheck
from bundle_ls.project.config import SETTINGS_FILE, ProjectConfig, ProjectError


@dataclass(frozen=True, slots=True)
class SeverityPolicy:
    """`severity:` of bundle-ls.yaml: a code's findings at another severity, or dropped."""

    overrides: dict[str, str] = field(default_factory=dict)

    def apply(self, diags: Iterable[Diagnostic]) -> list[Diagnostic]:
        if not self.overrides:
            return list(diags)
        out = []
        for d in diags:
            sev = self.overrides.get(d.code)
            if sev == "off":
                continue
            if sev is not None and sev != d.severity:
                d = Diagnostic(d.path, d.range, sev, d.code, d.message, d.related, d.data)
            out.append(d)
        return out


@dataclass(frozen=True, slots=True)
class AnalysisContext:
    config: ProjectConfig
    dialects: tuple[Dialect, ...]
    policy: SeverityPolicy
    codes: CodeRegistry

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def installed(self) -> frozenset[str] | None:
        return self.config.modules

    def dialect(self, name: str) -> Dialect | None:
        for d in self.dialects:
            if d.name == name:
                return d
        return None

    def dialect_of_namespace(self, namespace: str) -> Dialect | None:
        for d in self.dialects:
            if d.owns_namespace(namespace):
                return d
        return None

    def cross_checks(self, dialect: str) -> Sequence[CrossCheck]:
        d = self.dialect(dialect)
        return d.cross_checks if d is not None else ()

    def fingerprint(self) -> str:
        """What a file's facts depend on besides its path and bytes (the facts cache)."""
        h = hashlib.blake2b(digest_size=16)
        for d in self.dialects:
            h.update(d.fingerprint().encode() + b"\0")
        return h.hexdigest()

    def settings_diagnostics(self) -> list[Diagnostic]:
        """Findings about bundle-ls.yaml itself (unknown settings and codes)."""
        return list(self.config.problems)


def build_context(cfg: ProjectConfig) -> AnalysisContext:
    """Raises ProjectError when a dialect cannot be configured (an invalid module schema)."""
    settings = DialectSettings(cfg.root, tuple(cfg.schema_folders), cfg.modules, dict(cfg.sections))
    try:
        dialects = configure_dialects(settings)
    except DialectError as exc:
        raise ProjectError(str(exc)) from None
    return AnalysisContext(cfg, dialects, SeverityPolicy(dict(cfg.severity)), code_registry())


def load_context(root: Path, extra_schemas: list[Path] | None = None) -> AnalysisContext:
    """The context of a Config Directory (raises ProjectError when it cannot be used)."""
    return build_context(ProjectConfig.load(root, extra_schemas))


__all__ = ["SETTINGS_FILE", "AnalysisContext", "SeverityPolicy", "build_context", "load_context"]
