"""Which files of a Config Directory are checked, and by which dialect.

The same rules serve `--check` and the language server: hidden folders and node_modules
are skipped, then `exclude:` globs and bundle-ls.yaml itself; a file any dialect says is
no one's configuration (a module schema kept in the directory) is skipped; otherwise the
first dialect that claims it checks it.
"""

from __future__ import annotations

import os
from pathlib import Path

from bundle_ls.dialects import DIALECTS
from bundle_ls.dialects.base import Dialect
from bundle_ls.documents.disk import walked_path
from bundle_ls.documents.paths import glob_match
from bundle_ls.project.config import SETTINGS_FILE
from bundle_ls.project.context import AnalysisContext

SKIPPED_FOLDERS = frozenset(("node_modules",))


def owner_of(ctx: AnalysisContext, rel: str) -> tuple[Dialect | None, bool]:
    """The dialect whose file this is, and whether discovery takes it (a dialect may own a
    file it does not check by itself, e.g. one it names in `extra_files`)."""
    for d in ctx.dialects:
        claim = d.claims(rel)
        if claim is not None:
            return d, claim
    return None, False


def dialect_for(ctx: AnalysisContext, rel: str) -> Dialect | None:
    """The dialect that checks this file, or None when it is not checked."""
    if rel == SETTINGS_FILE or any(glob_match(g, rel) for g in ctx.config.exclude):
        return None
    if any(d.skips(rel) for d in ctx.dialects):
        return None
    dialect, checked = owner_of(ctx, rel)
    return dialect if checked else None


def is_checked(ctx: AnalysisContext, rel: str) -> bool:
    """Whether `--check` checks this file (by path alone: it may not exist yet)."""
    parts = rel.split("/")
    if any(p.startswith(".") or p in SKIPPED_FOLDERS for p in parts):
        return False
    return dialect_for(ctx, rel) is not None


def discover(ctx: AnalysisContext) -> list[str]:
    """Config files under the root, as sorted `/` paths relative to it.

    Symlinked folders are not followed (a loop or a link out of the directory cannot be
    walked into). Dialects may add files walking does not find (`extra_files`)."""
    found: list[str] = []
    root = ctx.root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        rel_dir = walked_path(dirpath, root)
        prefix = rel_dir + "/" if rel_dir else ""
        for name in filenames:
            if not name.startswith(".") and dialect_for(ctx, prefix + name) is not None:
                found.append(prefix + name)
    for d in ctx.dialects:
        found.extend(
            r
            for r in d.extra_files(root, found)
            if not any(glob_match(g, r) for g in ctx.config.exclude)
        )
    return sorted(set(found))


def project_of(path: Path) -> tuple[Path, str | None]:
    """The Config Directory a path belongs to, and what of it to report on (None: all; a
    file's path, or a folder's path ending in `/`, relative to the directory).

    A file or folder inside a larger project checks that project, so that its references
    resolve and its layout is known (a sub-folder of a dialect's project is not a Config
    Directory of its own): the nearest folder above it with a bundle-ls.yaml, else the project a
    dialect sees around it (`Dialect.project_root`). Otherwise a folder checks itself and a
    file its folder."""
    target = path.resolve()
    folder = target.is_dir()
    if folder and (target / SETTINGS_FILE).is_file():
        return path, None
    for above in target.parents:
        if (above / SETTINGS_FILE).is_file():
            return above, _part_of(target, above, folder)
    for dialect in DIALECTS:
        root = dialect.project_root(target)
        if root is not None and root != target:
            return root, _part_of(target, root, folder)
    if folder:
        return path, None
    return target.parent, target.name


def _part_of(target: Path, root: Path, folder: bool) -> str:
    rel = target.relative_to(root).as_posix()
    return rel + "/" if folder else rel
