"""Semantic tokens: the parts of every embedded language's value in a file (functions,
names, keywords, punctuation), each on one line, in document order."""

from __future__ import annotations

from bundle_ls.documents.results import SemanticToken
from bundle_ls.editor.view import ProjectView


def semantic_tokens(view: ProjectView, rel: str) -> list[SemanticToken]:
    facts = view.facts(rel)
    if facts is None or not facts.embedded:
        return []
    out: list[SemanticToken] = []
    for fact in facts.embedded:
        language = view.language(fact.language)
        if language is not None:
            out.extend(language.semantic_tokens(view, rel, fact))
    out.sort(key=lambda t: t.range)
    return out
