"""The analysis context: everything a check of one directory is configured with.

Built once from a `ProjectConfig` and passed explicitly to discovery, analysis, worker
processes, the index, the cache fingerprint and the editor: the configured dialects, the
installed modules and the severity policy. Nothing of it lives in module state, so a
worker process that builds it from the same config (spawned, as on Windows, or forked)
analyses exactly alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bundle_ls.dialects import code_registry, configure_dialects, configure_languages
from bundle_ls.dialects.base import Dialect, DialectError, DialectSettings, EmbeddedLanguage
from bundle_ls.documents.codes import CodeRegistry
from bundle_ls.documents.facts import FileFacts
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
    languages: Mapping[str, EmbeddedLanguage] = field(default_factory=dict)

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

    def language(self, name: str) -> EmbeddedLanguage | None:
        return self.languages.get(name)

    def cross_checks(self, facts: FileFacts) -> Sequence[CrossCheck]:
        """The checks of a file: its dialect's, then those of each embedded language it
        holds values of."""
        d = self.dialect(facts.dialect)
        checks = d.cross_checks if d is not None else ()
        if not facts.embedded:
            return checks
        out = list(checks)
        for name in dict.fromkeys(e.language for e in facts.embedded):
            lang = self.languages.get(name)
            if lang is not None:  # languages may share a check: it runs once
                out.extend(c for c in lang.cross_checks if not any(c is o for o in out))
        return out

    @property
    def reads(self) -> dict[str, frozenset[str]]:
        """Per embedded language, the namespaces whose definitions its checks read."""
        return {name: lang.reads for name, lang in self.languages.items()}

    def fingerprint(self) -> str:
        """What a file's facts depend on besides its path and bytes (the facts cache)."""
        h = hashlib.blake2b(digest_size=16)
        for d in self.dialects:
            h.update(d.fingerprint().encode() + b"\0")
        for name in sorted(self.languages):
            h.update(self.languages[name].fingerprint().encode() + b"\0")
        return h.hexdigest()

    def settings_diagnostics(self) -> list[Diagnostic]:
        """Findings about bundle-ls.yaml itself (unknown settings and codes)."""
        return list(self.config.problems)


def build_context(cfg: ProjectConfig) -> AnalysisContext:
    """Raises ProjectError when a dialect cannot be configured (an invalid module schema)."""
    settings = DialectSettings(cfg.root, tuple(cfg.schema_folders), cfg.modules, dict(cfg.sections))
    try:
        languages = configure_languages(settings)
        dialects = configure_dialects(settings, languages)
    except DialectError as exc:
        raise ProjectError(str(exc)) from None
    policy = SeverityPolicy(dict(cfg.severity))
    return AnalysisContext(cfg, dialects, policy, code_registry(), languages)


def load_context(root: Path, extra_schemas: list[Path] | None = None) -> AnalysisContext:
    """The context of a Config Directory (raises ProjectError when it cannot be used)."""
    return build_context(ProjectConfig.load(root, extra_schemas))


__all__ = ["SETTINGS_FILE", "AnalysisContext", "SeverityPolicy", "build_context", "load_context"]
