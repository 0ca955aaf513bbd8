"""`missing-file`: an `x-file` path that does not exist or leaves the Config Directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bundle_ls.documents.codes import MISSING_FILE
from bundle_ls.documents.model import Diagnostic
from bundle_ls.documents.paths import resolve_in_root

if TYPE_CHECKING:
    from bundle_ls.documents.facts import FileFacts
    from bundle_ls.index.project_index import ProjectIndex


def check(index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for fr in facts.file_refs:
        _real, why = resolve_in_root(index.real_root, fr.target)
        if why:
            out.append(MISSING_FILE(facts.path, fr.range, why))
    return out
