"""Which files a check reads and which it leaves, and why (`--check --list-files`).

It walks the same way as discovery (`discovery.py`) and asks the same questions, so what it
says a check reads is what the check reads; a skipped file says which rule skipped it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bundle_ls.documents.paths import glob_match
from bundle_ls.project.config import SETTINGS_FILE
from bundle_ls.project.context import AnalysisContext
from bundle_ls.project.discovery import SKIPPED_FOLDERS, discover, owner_of


@dataclass(frozen=True, slots=True)
class ListedFile:
    """A file (or a skipped folder, ending in `/`) and whether the check reads it, and why."""

    path: str  # relative to the checked root, with `/`
    checked: bool
    why: str


def list_files(ctx: AnalysisContext) -> list[ListedFile]:
    """Every file under the root, the files dialects add (`extra_files`), and skipped
    folders once each, sorted by path."""
    checked = set(discover(ctx))
    out: dict[str, ListedFile] = {}
    root = ctx.root
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for d in sorted(dirnames):
            if d.startswith("."):
                out[prefix + d + "/"] = ListedFile(prefix + d + "/", False, "a hidden folder")
            elif d in SKIPPED_FOLDERS:
                out[prefix + d + "/"] = ListedFile(prefix + d + "/", False, f"a {d} folder")
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        for name in filenames:
            rel = prefix + name
            out[rel] = ListedFile(rel, rel in checked, _why(ctx, rel, rel in checked))
    for rel in checked - out.keys():  # files a dialect adds, some outside the root
        out[rel] = ListedFile(rel, True, _why(ctx, rel, True))
    return [out[k] for k in sorted(out)]


def _why(ctx: AnalysisContext, rel: str, checked: bool) -> str:
    dialect, _takes = owner_of(ctx, rel)
    if checked:
        return f"checked as {dialect.name} configuration" if dialect else "checked"
    if rel.rsplit("/", 1)[-1].startswith("."):
        return "a hidden file"
    if rel == SETTINGS_FILE:
        return "the settings of this check"
    excluded = next((g for g in ctx.config.exclude if glob_match(g, rel)), None)
    if excluded is not None:
        return f"excluded by '{excluded}' in {SETTINGS_FILE}"
    for d in ctx.dialects:
        if d.skips(rel):
            return d.skip_reason(rel) or f"not configuration ({d.name})"
    if dialect is not None:
        return dialect.skip_reason(rel) or f"{dialect.name} does not read it"
    return "not a kind of file any configuration language bundle-ls knows reads"
