"""Initializer's dialect: the domain folders of CSV, JSON and XML that the OpenMRS
Initializer module reads (`configuration/<domain>/…`), checked the way its code reads them.

See docs/initializer.md. Entities are indexed under `iniz:<domain>` by each identifier
(uuid, name …); their names compare as Initializer's database compares them.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bundle_ls.dialects.base import Command, Dialect, DialectSettings, EditorView
from bundle_ls.dialects.initializer import cross, features, objects
from bundle_ls.dialects.initializer.codes import CODES, DIALECT
from bundle_ls.dialects.initializer.distribution import (
    CONTENT_FILE,
    DEPENDENCY_FILES,
    DISTRO_FILES,
    Installation,
    Survey,
    distribution_data,
    survey,
)
from bundle_ls.dialects.initializer.files import analyze_file
from bundle_ls.dialects.initializer.known import KnownNames
from bundle_ls.dialects.initializer.layout import Layout, is_initializer_folder, repository_of
from bundle_ls.dialects.initializer.settings import KNOWN, check_known, known_setting
from bundle_ls.dialects.initializer.spec import PREFIX, spec_path
from bundle_ls.dialects.objects import ConfigObject, EffectiveRule
from bundle_ls.documents.facts import Document, FileFacts, KeyDef
from bundle_ls.documents.model import Diagnostic, Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import Completion, HoverResult, Location
from bundle_ls.index.checks import DISK, FILES, KEYS, CrossCheck

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex

__all__ = ["InitializerDialect"]


def migrate_main(argv: list[str], check) -> int:
    # imported when the command runs: a check never needs the migration's code
    from bundle_ls.dialects.initializer.migrate.cli import main

    return main(argv, check)


class InitializerDialect(Dialect):
    name = DIALECT
    title = "Initializer configuration"
    codes = CODES
    severity_section = "initializer"  # bundle-ls.yaml's older spelling of `severity:`
    settings_keys = (KNOWN,)
    commands = (
        Command(
            "migrate",
            "turn DBUnit datasets and Metadata Sharing packages into Initializer CSV folders",
            migrate_main,
        ),
    )

    def __init__(
        self,
        layout: Layout,
        project: Survey,
        known: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.layout = layout
        self.survey = project
        inst = project.installation
        # Initializer skips a module's domain only when the list of modules is explicit
        self.installed = inst.modules if inst.complete else None
        packs = distribution_data().pack_ids
        self.known = KnownNames(frozenset(packs.get(m, m) for m in inst.modules), known or {})
        checked = cross.Project(layout, project, self.known)
        self.cross_checks = (
            # Kept by the index, and re-checked row by row after an edit: what it reads is
            # key definitions (names.py tells the index when a name's standing changes)
            # and the OCL zips (whose change re-indexes the project: `reindex_on`).
            CrossCheck(
                "initializer-references",
                partial(cross.check_references, checked),
                frozenset((KEYS,)),
                compares=cross.compared,
            ),
            CrossCheck(
                "initializer-files",
                partial(cross.check_files, checked),
                frozenset((KEYS, FILES, DISK)),
                compares=lambda _kd: False,  # none of its findings compares two definitions
            ),
        )

    @classmethod
    def configure(cls, settings: DialectSettings) -> InitializerDialect:
        top = is_initializer_folder(settings.root)
        has_settings = (settings.root / "bundle-ls.yaml").is_file()
        project = survey(settings.root, settings.installed, top, has_settings)
        return cls(Layout(top, project.extra_roots), project, known_setting(settings.sections))

    @classmethod
    def check_setting(cls, rel: str, key: str, node: Node) -> list[Diagnostic]:
        return check_known(rel, node) if key == KNOWN else []

    def assumptions(self) -> Installation:
        """The distribution and modules this check assumes (for `--check`'s summary and
        hover): `installation.summary()` is one line, `installation.describe()` markdown."""
        return self.survey.installation

    def check_notes(self) -> list[str]:
        return [self.survey.installation.summary()]

    def fingerprint(self) -> str:
        try:
            spec = hashlib.blake2b(spec_path().read_bytes(), digest_size=16).hexdigest()
        except OSError:
            spec = "-"
        installed = None if self.installed is None else sorted(self.installed)
        return (
            f"{self.name} top={self.layout.top_level} roots={self.layout.extra_roots} "
            f"spec={spec} installed={installed}"
        )

    def reindex_on(self, rel: str) -> bool:
        """The files the project survey reads: a change re-surveys the project; and the
        OCL zips, which the checks of references read once per index (names.py)."""
        name = rel.rsplit("/", 1)[-1]
        if name in (*DISTRO_FILES, CONTENT_FILE, *DEPENDENCY_FILES, "pom.xml"):
            return True
        loc = self.layout.locate(rel)
        return loc is not None and loc.domain == "ocl" and name.lower().endswith(".zip")

    # ---- files ---------------------------------------------------------------------------

    def claims(self, rel: str) -> bool | None:
        return self.layout.wants(rel)

    def skip_reason(self, rel: str) -> str | None:
        return self.layout.skip_reason(rel)

    def extra_files(self, root: Path, found: list[str]) -> list[str]:
        return [*self.layout.carriers(root, found), *self.layout.context_files(root)]

    @classmethod
    def project_root(cls, path: Path) -> Path | None:
        return repository_of(path)

    def analyze(self, path: str, text: str, lines: LineIndex) -> tuple[Document, FileFacts]:
        where = ", ".join(self.survey.installation.evidence[:2]) or "the module list"
        return analyze_file(self.layout, path, text, lines, self.installed, where)

    # ---- names and editor ----------------------------------------------------------------

    def owns_namespace(self, namespace: str) -> bool:
        return namespace.startswith(PREFIX)

    def fold_key(self, key: str) -> str:
        return cross.fold(key)

    def namespace_label(self, namespace: str) -> str:
        if namespace.startswith(PREFIX):
            return objects.namespace_label(namespace)
        return namespace

    def short_namespace_label(self, namespace: str) -> str:
        if namespace.startswith(PREFIX):
            return objects.short_label(namespace)
        return namespace

    # ---- the configuration as a whole ----------------------------------------------------

    def is_listing(self, namespace: str) -> bool:
        return namespace in objects.LISTING_NAMESPACES

    def objects(self, facts: FileFacts) -> list[ConfigObject]:
        return objects.file_objects(self.layout, facts)

    def object_of(self, facts: FileFacts, kd: KeyDef) -> ConfigObject | None:
        return objects.object_of(self.layout, facts, kd)

    def object_at(self, facts: FileFacts, line: int, ch: int) -> ConfigObject | None:
        return objects.object_at(self.layout, facts, line, ch)

    def object_values(self, rel: str, text: str, found: list[ConfigObject]) -> list[ConfigObject]:
        if not rel.lower().endswith(".csv"):
            return found
        return objects.object_values(text, found)

    def effective_rule(self, namespace: str) -> EffectiveRule:
        return objects.effective_rule(namespace) or super().effective_rule(namespace)

    def bundle_of(self, rel: str) -> str | None:
        return objects.bundle_of(self.layout, rel)

    def referring_namespaces(self, facts: FileFacts) -> list[str] | None:
        return objects.referring_namespaces(self.layout, facts)

    def describe(self, index: ProjectIndex) -> list[tuple[str, str, str]]:
        return objects.describe(self.layout, index)

    def complete(self, view: EditorView, rel: str, line: int, ch: int) -> list[Completion] | None:
        from bundle_ls.dialects.initializer import editor  # the editor's only

        constants = editor.complete_placeholder(view, rel, line, ch)
        if constants is not None:
            return constants
        domain = features.domain_of(self.layout, rel)
        return editor.complete_csv(view, domain, rel, line, ch) if domain is not None else None

    def hover(self, view: EditorView, rel: str, line: int, ch: int) -> HoverResult | None:
        from bundle_ls.dialects.initializer import editor  # the editor's only

        found = editor.hover_placeholder(view, rel, line, ch)
        domain = features.domain_of(self.layout, rel)
        if found is None and domain is not None:
            found = editor.hover_header(view, domain, rel, line, ch)
        if found is None:
            found = editor.hover_entity(view, self.namespace_label, rel, line, ch)
        column = None if domain is None else editor.hover_cell_column(view, domain, rel, line, ch)
        if column is None:
            return found
        if found is None:
            return column
        # A data cell's hover begins with its column; the cell's own meaning follows.
        return HoverResult(f"{column.markdown}\n\n---\n\n{found.markdown}", found.range)

    def definition(self, view: EditorView, rel: str, line: int, ch: int) -> list[Location] | None:
        from bundle_ls.dialects.initializer import editor  # the editor's only

        return editor.definition(view, rel, line, ch)
