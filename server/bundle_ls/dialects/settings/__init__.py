"""bundle-ls.yaml as a file of its own language: the `settings` dialect.

It reads only the root's `bundle-ls.yaml` (what the file may say: `schema.py`). The batch
check does not list it among the checked files (config.py reads it before any check, and
reports its findings), but the editor analyses the buffer with this dialect as it is typed:
the same `settings` findings, completion of settings, codes and severities, and hover.
"""

from __future__ import annotations

from bundle_ls.dialects.base import Dialect, DialectSettings, EditorView
from bundle_ls.dialects.settings.schema import SETTINGS_FILE, Vocabulary, check_settings
from bundle_ls.documents.facts import Document, FileFacts
from bundle_ls.documents.positions import LineIndex
from bundle_ls.documents.results import Completion, HoverResult
from bundle_ls.documents.yaml_doc import parse_yaml

__all__ = ["SettingsDialect"]


class SettingsDialect(Dialect):
    name = "settings"

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    @classmethod
    def configure(cls, settings: DialectSettings) -> SettingsDialect:
        return cls(Vocabulary(dict(settings.codes), settings.severity_sections))

    def claims(self, rel: str) -> bool | None:
        return True if rel == SETTINGS_FILE else None

    def analyze(self, path: str, text: str, lines: LineIndex) -> tuple[Document, FileFacts]:
        parsed = parse_yaml(text, lines)
        facts = FileFacts(path, "yaml")
        facts.diagnostics = [
            *parsed.diagnostics(path, lines),
            *check_settings(parsed.root, self.vocab),
        ]
        return Document(path, "yaml", text, lines, parsed.root), facts

    def complete(self, view: EditorView, rel: str, line: int, ch: int) -> list[Completion] | None:
        from bundle_ls.dialects.settings import editor  # the editor's only

        return editor.complete(view, self.vocab, rel, line, ch)

    def hover(self, view: EditorView, rel: str, line: int, ch: int) -> HoverResult | None:
        from bundle_ls.dialects.settings import editor  # the editor's only

        return editor.hover(view, self.vocab, rel, line, ch)
