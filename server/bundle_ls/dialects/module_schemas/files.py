"""`missing-file`: an `x-file` path that does not exist or leaves the Config Directory."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bundle_ls.dialects.initializer import layout as initializer_layout
from bundle_ls.documents.model import Diagnostic

if TYPE_CHECKING:
    from bundle_ls.dialects.module_schemas.analysis import FileFacts
    from bundle_ls.index.project_index import ProjectIndex


def resolve(index: ProjectIndex, target: str) -> tuple[str | None, str | None]:
    """The real path of an `x-file` value, or None and the reason it is not usable."""
    if not target.strip():
        return None, "the path is empty"
    if os.path.isabs(target):
        return None, f"'{target}' is absolute; paths are relative to the Config Directory"
    real = os.path.realpath(os.path.join(index.real_root, target))
    if real != index.real_root and not real.startswith(index.real_root + os.sep):
        return None, f"'{target}' leaves the Config Directory"
    if not os.path.isfile(real):
        return None, f"file '{target}' does not exist in the Config Directory"
    return real, None


def check(index: ProjectIndex, facts: FileFacts) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if initializer_layout.locate(facts.path) is not None:
        return out  # Initializer folders: initializer/cross.py checks these paths
    for fr in facts.file_refs:
        _real, why = resolve(index, fr.target)
        if why:
            out.append(Diagnostic(facts.path, fr.range, "error", "missing-file", why))
    return out
