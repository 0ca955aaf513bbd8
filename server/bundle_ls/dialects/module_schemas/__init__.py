"""The contract's dialect: YAML and CSV config files checked against module schemas.

Config files map namespaces to their configuration; the namespaces, their shapes and the
`x-` vocabulary (keys, references, file paths, CSV files) come from module schemas (JSON
Schema 2020-12): the built-in pack, `--schemas` folders and `schemas:` in bundle-ls.yaml.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bundle_ls.dialects.base import (
    Dialect,
    DialectSettings,
    EditorView,
    EmbeddedLanguage,
    builtin_schema_dir,
)
from bundle_ls.dialects.module_schemas import files, keys, references
from bundle_ls.dialects.module_schemas.analysis import Items, analyze_csv, analyze_yaml
from bundle_ls.dialects.module_schemas.codes import DIALECT, UNKNOWN_NAMESPACE
from bundle_ls.dialects.module_schemas.foreign import (
    is_kubernetes_manifest,
    names_openmrs_config,
    other_tools_file,
)
from bundle_ls.dialects.module_schemas.schemas import SCHEMA_SUFFIXES, SchemaSet
from bundle_ls.dialects.objects import EffectiveRule
from bundle_ls.documents.facts import Document, FileFacts, ItemAnalyzer
from bundle_ls.documents.model import Node
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import Completion, HoverResult
from bundle_ls.index.checks import ENTRIES, KEYS, CrossCheck

if TYPE_CHECKING:
    from bundle_ls.index.project_index import ProjectIndex

__all__ = ["ModuleSchemaDialect", "SchemaSet"]

MERGED_CONFIG_TREE = EffectiveRule(
    "merged",
    False,
    "the merged configuration keeps the first definition in path order; the later ones are "
    "defined again (identical: duplicate-key; different: conflict)",
)


class ModuleSchemaDialect(Dialect):
    name = DIALECT
    title = "Config Directory"
    codes = (UNKNOWN_NAMESPACE,)
    cross_checks = (
        CrossCheck("keys", keys.check, frozenset((KEYS, ENTRIES))),
        CrossCheck("references", references.check, frozenset((KEYS,))),
        CrossCheck("files", files.check, frozenset(("disk",))),
    )

    def __init__(
        self,
        schemas: SchemaSet,
        installed: frozenset[str] | None,
        schema_dirs: tuple[str, ...] = (),
        root: Path | None = None,
        declared: bool = True,
        languages: Mapping[str, EmbeddedLanguage] | None = None,
    ) -> None:
        self.schemas = schemas
        self.installed = installed
        # `schemas:` folders inside the Config Directory hold module schemas, not config.
        self.schema_dirs = schema_dirs
        self.root = root  # for telling other tools' files apart (foreign.py)
        # bundle-ls.yaml declares the directory a Config Directory: every YAML file is config
        self.declared = declared
        # The languages `x-expression` names, which analyse those values.
        self.languages = dict(languages or {})

    @classmethod
    def configure(cls, settings: DialectSettings) -> ModuleSchemaDialect:
        """Raises InvalidSchema when a module schema cannot be used."""
        languages = settings.languages
        schemas = SchemaSet.load(
            [builtin_schema_dir(), *settings.schema_folders], frozenset(languages)
        )
        inside = {_inside(settings.root, f) for f in settings.schema_folders}
        declared = (settings.root / "bundle-ls.yaml").is_file()
        dirs = tuple(sorted(d for d in inside if d))
        return cls(schemas, settings.installed, dirs, settings.root, declared, languages)

    def fingerprint(self) -> str:
        h = hashlib.blake2b(digest_size=16)
        for mid in sorted(self.schemas.modules):
            m = self.schemas.modules[mid]
            h.update(f"\0{mid}\0{m.uri}\0{m.path}\0".encode())
            h.update(json.dumps(m.document, sort_keys=True, default=str).encode())
        h.update(repr(None if self.installed is None else sorted(self.installed)).encode())
        h.update(b"declared" if self.declared else b"undeclared")
        return f"{self.name} {h.hexdigest()}"

    def prepare_checks(self, index: ProjectIndex, paths: Sequence[str]) -> None:
        """The "did you mean" of every reference no file defines, scored in one batch."""
        defs = index.defs
        questions = [
            (ref.namespaces, ref.key)
            for path in paths
            if (facts := index.files.get(path)) is not None and facts.dialect == self.name
            for ref in references.unresolved(facts.refs, defs)
        ]
        index.hints.prefetch(questions, lambda namespaces: references.keys_of(defs, namespaces))

    # ---- files ---------------------------------------------------------------------------

    def skips(self, rel: str) -> bool:
        """Module schemas kept in the Config Directory are not configuration, nor are the
        files of other tools (Helm charts, Compose files: foreign.py)."""
        return (
            rel.lower().endswith(SCHEMA_SUFFIXES)
            or rel.startswith(self.schema_dirs or ("\0",))
            or (self.root is not None and other_tools_file(self.root, rel))
        )

    def skip_reason(self, rel: str) -> str | None:
        if self.skips(rel):
            return "a module schema, not configuration"
        return None

    def claims(self, rel: str) -> bool | None:
        low = rel.lower()
        if low.endswith((".yaml", ".yml")):
            return True
        if low.endswith(".csv") and self.schemas.namespace_for_csv(rel) is not None:
            return True
        return None

    def reindex_on(self, rel: str) -> bool:
        return rel.lower().endswith(SCHEMA_SUFFIXES)

    def analyze(self, path: str, text: str, lines: LineIndex) -> tuple[Document, FileFacts]:
        if path.lower().endswith(".csv"):
            return analyze_csv(path, text, lines, self.schemas, self.installed, self.languages)
        doc, facts = analyze_yaml(path, text, lines, self.schemas, self.installed, self.languages)
        names = self.schemas.namespaces
        if is_kubernetes_manifest(doc.root, names) or not (
            self.declared or names_openmrs_config(doc.root, names)
        ):
            return doc, FileFacts(path, "yaml")  # another tool's file: nothing to say
        return doc, facts

    def yaml_items(self, path: str, root: Node) -> ItemAnalyzer | None:
        return Items(path, self.schemas, self.installed, root, self.languages)

    # ---- names and editor ----------------------------------------------------------------

    def owns_namespace(self, namespace: str) -> bool:
        return namespace in self.schemas.namespaces

    def effective_rule(self, namespace: str) -> EffectiveRule:
        # The merged config tree keeps the first definition; `keys.check` reports the later
        # ones as defined again (duplicate-key) or in conflict, pointing back to it.
        return MERGED_CONFIG_TREE

    def complete(self, view: EditorView, rel: str, line: int, ch: int) -> list[Completion] | None:
        from bundle_ls.dialects.module_schemas import completion  # the editor's only

        return completion.complete(view, self.schemas, rel, line, ch, self.languages)

    def hover(self, view: EditorView, rel: str, line: int, ch: int) -> HoverResult | None:
        from bundle_ls.dialects.module_schemas import hover  # the editor's only

        return hover.hover(view, self.schemas, rel, line, ch)

    def forbidden_in_cell(self, rel: str) -> tuple[str, ...]:
        ns = self.schemas.namespace_for_csv(rel)
        return (ns.separator,) if ns is not None else ()


def _inside(root: Path, folder: Path) -> str:
    """`folder` as a `/`-ended path relative to `root`, or "" when it is not inside it."""
    try:
        rel = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"
